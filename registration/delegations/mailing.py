"""Mail an organiser writes to a chosen set of registrations (a "mailing").

Two steps, nothing kept in the session or the process between them: the admin
action stores a draft Mailing with everyone chosen (MailingRecipient rows);
the organiser writes the text in Korean and English, sees a preview and the
number of recipients, and sends. Sending decides who gets it, on the rows as
they are then (recipients()): never people without an address or whose
registration has ended, and, for news, only people whose latest answer about
news from WeGO is yes. Each gets one outbox row (MailKind.MAILING) in their
own language, rendered from the Mailing when it is sent (registration.mail),
so the outbox can retry it; the Mailing is read-only from then on.
"""

from datetime import datetime

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from registration import outbox
from registration.delegations.models import Mailing, MailingKind, MailingRecipient, MailingStatus
from registration.models import ENDED, MailKind, Registration, latest_news_choice

TEXT_FIELDS = ("subject_ko", "body_ko", "subject_en", "body_en")


class MailingRefusedError(Exception):
    def __init__(self, message: str, code: str):
        super().__init__(message)
        self.message, self.code = message, code


def start_mailing(*, registrations: QuerySet, user, description: str, now: datetime | None = None) -> Mailing:
    """A draft mailing to the chosen registrations (all of them kept; who
    actually gets it is decided when it is sent)."""
    with transaction.atomic():
        mailing = Mailing.objects.create(
            created_by=user, created_at=now or timezone.now(), filter_description=description
        )
        ids = list(registrations.order_by().values_list("pk", flat=True).distinct())
        MailingRecipient.objects.bulk_create(
            [MailingRecipient(mailing=mailing, registration_id=pk) for pk in ids], batch_size=500
        )
        mailing.selected_count = len(ids)
        mailing.save(update_fields=["selected_count"])
    return mailing


def recipients(mailing: Mailing, *, kind: str | None = None) -> QuerySet:
    """The chosen registrations that get the mailing of this kind: with an
    address, not ended, and for news with their latest news answer yes."""
    chosen = Registration.objects.filter(pk__in=mailing.recipients.values("registration_id"))
    eligible = chosen.exclude(email="").exclude(status__in=ENDED)
    if (kind or mailing.kind) == MailingKind.NEWS:
        eligible = eligible.annotate(news=latest_news_choice()).filter(news=True)
    return eligible


def save_text(*, mailing: Mailing, kind: str, texts: dict) -> Mailing:
    """Keep the draft's kind and texts (refused once sent)."""
    with transaction.atomic():
        mailing = Mailing.objects.select_for_update().get(pk=mailing.pk)
        if mailing.status != MailingStatus.DRAFT:
            raise MailingRefusedError(_("This mailing has been sent: it can no longer be changed."), code="sent")
        mailing.kind = kind
        for name in TEXT_FIELDS:
            setattr(mailing, name, texts[name])
        mailing.save(update_fields=["kind", *TEXT_FIELDS])
    return mailing


def send_mailing(*, mailing: Mailing, user, now: datetime | None = None) -> int:
    """Queue the mailing for its recipients (recipients()), each in their
    language, and record it as sent; returns how many. At most once: the
    mailing's row is locked and must still be a draft, so two clicks on Send
    queue one round. Recipients who do not get it are dropped from the record."""
    now = now or timezone.now()
    with transaction.atomic():
        mailing = Mailing.objects.select_for_update().get(pk=mailing.pk)
        if mailing.status != MailingStatus.DRAFT:
            raise MailingRefusedError(_("This mailing has already been sent."), code="sent")
        if not all(getattr(mailing, name).strip() for name in TEXT_FIELDS):
            raise MailingRefusedError(_("Write the subject and the message in both languages."), code="incomplete")
        people = list(recipients(mailing).order_by("pk"))
        if not people:
            raise MailingRefusedError(_("Nobody chosen can receive this mailing."), code="nobody")
        by_registration = {r.registration_id: r for r in mailing.recipients.all()}
        for registration in people:
            by_registration[registration.pk].mail = outbox.queue(
                kind=MailKind.MAILING, registration=registration, context={"mailing": mailing.pk}
            )
        MailingRecipient.objects.bulk_update([by_registration[r.pk] for r in people], ["mail"], batch_size=500)
        mailing.recipients.filter(mail__isnull=True).delete()
        mailing.status, mailing.sent_by, mailing.sent_at = MailingStatus.SENT, user, now
        mailing.save(update_fields=["status", "sent_by", "sent_at"])
    return len(people)


def mail_context(mail) -> dict:
    """What the mailing templates show, for an outbox row of kind MAILING."""
    mailing = Mailing.objects.get(pk=(mail.context or {})["mailing"])
    return text_context(mailing, mail.language)


def text_context(mailing: Mailing, language: str) -> dict:
    return {
        "mailing": mailing,
        "mailing_subject": mailing.subject(language),
        "mailing_body": mailing.body(language),
        "is_news": mailing.kind == MailingKind.NEWS,
    }
