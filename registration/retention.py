"""Destroying personal data when its retention period ends (PIPA).

The consent text promises: registration data is kept until three months after
the end of the event; the optional consent to news keeps the name, e-mail
address and e-mail language until it is withdrawn, at most two years after the
event. `destroy_expired()` (run daily: `manage.py purge_personal_data`) blanks
the personal fields of every registration past its period, rotates its secrets
so old links and tickets stop working, and deletes its outbox mail. What stays
is anonymous: category, country, status, bookings and check-ins, for the
organisers' statistics, and the consent records (what was agreed, when).
"""

from dataclasses import dataclass
from datetime import date, timedelta

from django.db import transaction
from django.utils import timezone

from registration.models import MailKind, OutgoingMail, Registration, latest_news_choice, new_secret

KEEP_AFTER_EVENT = timedelta(days=92)  # three months
KEEP_NEWS_AFTER_EVENT = timedelta(days=731)  # two years

PERSONAL_FIELDS = ("organisation", "job_title", "city", "phone", "needs", "attention_note")
NEWS_FIELDS = ("name", "email", "language")


@dataclass
class PurgeResult:
    anonymised: int = 0
    kept_for_news: int = 0


def destroy_expired(*, today: date | None = None, dry_run: bool = False) -> PurgeResult:
    today = today or timezone.localdate()
    result = PurgeResult()
    expired = Registration.objects.filter(
        anonymised_at__isnull=True, event__end_date__lt=today - KEEP_AFTER_EVENT
    ).select_related("event")
    # The latest news choice counts: a withdrawn consent keeps nothing.
    for registration in expired.annotate(news=latest_news_choice()).iterator():
        keep_news = registration.news is True and registration.event.end_date >= today - KEEP_NEWS_AFTER_EVENT
        if keep_news:
            result.kept_for_news += 1
            if registration.details_destroyed_at is not None:
                continue  # done on an earlier night; their private link keeps working
        else:
            result.anonymised += 1
        if not dry_run:
            _destroy(registration, keep_news=keep_news)
    return result


def _destroy(registration: Registration, *, keep_news: bool) -> None:
    """Blank the details and end the ticket. Kept for news: name, e-mail and the
    private link stay (it is where the person withdraws), and so does a "lost
    link" mail on its way; otherwise everything personal goes, links included."""
    with transaction.atomic():
        registration = Registration.objects.select_for_update().get(pk=registration.pk)
        now = timezone.now()
        for name in PERSONAL_FIELDS:
            setattr(registration, name, "")
        registration.ticket_secret = new_secret()
        registration.submission_token = None
        registration.details_destroyed_at = registration.details_destroyed_at or now
        mails = OutgoingMail.objects.filter(registration=registration)
        if keep_news:
            mails = mails.exclude(kind=MailKind.MANAGE_LINK)
        else:
            registration.name = ""
            registration.email = ""
            registration.manage_secret = new_secret()
            registration.anonymised_at = now
        registration.save()
        mails.delete()
