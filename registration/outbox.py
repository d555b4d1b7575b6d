"""The durable outbox: mail is a row written in the caller's transaction, and
is sent only after that transaction commits.

`queue()` writes the row and, after the commit, tries to send it once at once
(so a person trying `make run` sees the mail printed by the server). Whatever
fails stays queued; `manage.py send_outbox` retries it with exponential back-off
until it is sent or has used MAX_ATTEMPTS, when it is marked failed for an
organiser to see in the admin. Several workers may run: each claims rows with
SELECT ... FOR UPDATE OF the outbox table only, SKIP LOCKED (locking the joined
registration and event rows too is refused by PostgreSQL for the nullable join,
and would block, or be skipped by, registrations holding the event lock).
"""

import logging
import threading
from datetime import timedelta

from django import db
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from registration.models import MailStatus, OutgoingMail, Registration

logger = logging.getLogger(__name__)

# 30 s, 1, 2, 4, ... 64 min, then every 2 h: 30 attempts cover about two days
# of a mail server being down before a mail is marked failed for an organiser.
MAX_ATTEMPTS = 30
BASE_DELAY = timedelta(seconds=30)
MAX_DELAY = timedelta(hours=2)


def queue(*, kind: str, registration: Registration | None = None, to_email: str = "", context=None) -> OutgoingMail:
    """Queue a mail in the current transaction; try to send it after commit."""
    mail = OutgoingMail.objects.create(
        kind=kind,
        registration=registration,
        to_email=to_email or (registration.email if registration else ""),
        language=(registration.language if registration else "") or settings.LANGUAGE_CODE,
        context=context or {},
    )
    if getattr(settings, "OUTBOX_SEND_ON_COMMIT", True):
        # robust: a failure here is logged, never raised into the request that
        # has just committed the registration; the worker retries the row.
        transaction.on_commit(lambda: _send_soon(mail.pk), robust=True)
    return mail


def _send_soon(mail_id: int) -> None:
    """Send after commit: in a background thread so a slow mail server never
    holds up the page (OUTBOX_SEND_IN_THREAD), or right here (tests). If the
    process dies first, the row is still queued and the worker sends it."""
    if not getattr(settings, "OUTBOX_SEND_IN_THREAD", False):
        deliver_by_id(mail_id)
        return

    def run():
        try:
            deliver_by_id(mail_id)
        except Exception:
            logger.exception("Sending mail %s after commit failed; the worker will retry it", mail_id)
        finally:
            db.connection.close()

    threading.Thread(target=run, name=f"outbox-{mail_id}", daemon=True).start()


def backoff(attempts: int) -> timedelta:
    """30 s, 1 min, 2 min, 4 min, ... at most two hours."""
    return min(BASE_DELAY * (2 ** max(attempts - 1, 0)), MAX_DELAY)


def deliver_by_id(mail_id: int) -> bool:
    """Claim one queued mail and try to send it; True if it went out."""
    with transaction.atomic():
        mail = (
            OutgoingMail.objects.select_for_update(skip_locked=True, of=("self",))
            .filter(pk=mail_id, status=MailStatus.QUEUED)
            .select_related("registration__event")
            .first()
        )
        if mail is None:
            return False
        return _attempt(mail)


def deliver_due(*, limit: int = 50, now=None) -> tuple[int, int]:
    """Send the queued mail that is due; return (sent, failed attempts)."""
    now = now or timezone.now()
    sent = failed = 0
    while True:
        with transaction.atomic():
            batch = list(
                OutgoingMail.objects.select_for_update(skip_locked=True, of=("self",))
                .filter(status=MailStatus.QUEUED, next_attempt_at__lte=now)
                .select_related("registration__event")
                .order_by("next_attempt_at", "pk")[:limit]
            )
            if not batch:
                return sent, failed
            for mail in batch:
                if _attempt(mail):
                    sent += 1
                else:
                    failed += 1
        if len(batch) < limit:
            return sent, failed


def _attempt(mail: OutgoingMail) -> bool:
    from registration.mail import build_message

    mail.attempts += 1
    try:
        build_message(mail).send(fail_silently=False)
    except Exception as exc:  # any failure of the mail server is retried
        mail.last_error = f"{type(exc).__name__}: {exc}"[:2000]
        if mail.attempts >= MAX_ATTEMPTS:
            mail.status = MailStatus.FAILED
        mail.next_attempt_at = timezone.now() + backoff(mail.attempts)
        mail.save(update_fields=["attempts", "last_error", "status", "next_attempt_at"])
        logger.warning("Mail %s to %s failed (attempt %s): %s", mail.pk, mail.to_email, mail.attempts, exc)
        return False
    mail.status = MailStatus.SENT
    mail.sent_at = timezone.now()
    mail.last_error = ""
    mail.save(update_fields=["attempts", "status", "sent_at", "last_error"])
    return True
