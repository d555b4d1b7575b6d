"""The durable outbox: mail is a row written in the caller's transaction, and
is sent only after that transaction commits.

`queue()` writes the row and, after the commit, tries to send it once at once
(so a person trying `make run` sees the mail printed by the server). Whatever
fails stays queued; `manage.py send_outbox` retries it with exponential back-off
until it is sent or has used MAX_ATTEMPTS, when it is marked failed for an
organiser to see in the admin.

Sending one mail takes three steps, and no transaction or row lock is held
while the mail server is talked to:

1. claim: one short transaction locks the row (SELECT ... FOR UPDATE OF the
   outbox table only, SKIP LOCKED, so several workers never take one row and
   nobody waits on a row another sender holds), renders the message and marks
   the row "sending" (`claimed_at` = now), then commits;
2. send, with no transaction open (the after-commit sender even closes its
   database connection first, so a hung mail server holds no connection;
   EMAIL_TIMEOUT bounds the wait);
3. settle: mark it "sent" in its own short write, retried on a fresh connection
   until it lands, so a sent mail never goes back to the queue. A refusal
   before the server accepted the mail (connection refused, a 4xx/5xx answer,
   no answer within EMAIL_TIMEOUT) puts it back in the queue with back-off.

A mail that welcomes a person or hands over a ticket (confirmation, approved,
promoted, ...) and whose registration was cancelled or refused before its turn
came is "withdrawn" at the claim, never sent: nobody gets a confirmation after
their cancellation.

On SQLite (`make run`) every transaction begins with the write lock (settings:
BEGIN IMMEDIATE), so the claim is exclusive there too, and the request that
committed sends its mail itself (no sender threads competing for the lock).

At most once: a mail still "sending" after LEASE (the process died while
handing it over, or its database stayed away, so nobody knows whether the
server took it) is never resent automatically; the worker marks it "unknown"
for an organiser, who checks and uses the admin's "Retry now". A missing mail
can be resent; a mail sent fifteen times cannot be taken back.
"""

import functools
import itertools
import logging
import threading
import time
from dataclasses import dataclass
from datetime import datetime, timedelta

from django import db
from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from registration.models import ENDED, MailKind, MailStatus, OutgoingMail, Registration

logger = logging.getLogger(__name__)

# 30 s, 1, 2, 4, ... 64 min, then every 2 h: 30 attempts cover about two days
# of a mail server being down before a mail is marked failed for an organiser.
MAX_ATTEMPTS = 30
BASE_DELAY = timedelta(seconds=30)
MAX_DELAY = timedelta(hours=2)

# A mail "sending" for longer than this was abandoned by its sender: far more
# than a send (EMAIL_TIMEOUT per step) plus SETTLE_FOR.
LEASE = timedelta(minutes=15)
# How long a sender keeps trying to record the outcome while the database is away.
SETTLE_FOR = timedelta(minutes=5)
SETTLE_PAUSES = (0.1, 0.5, 1, 2, 5)  # seconds, the last one repeated

# Mails that welcome or hand over a ticket: not sent once the registration has
# been cancelled or refused (the cancellation's own mail says what is true now).
UNTRUE_ONCE_ENDED = {
    MailKind.CONFIRMATION,
    MailKind.PENDING,
    MailKind.WAITLISTED,
    MailKind.APPROVED,
    MailKind.PROMOTED,
    MailKind.UPDATED,
}
WITHDRAWN_NOTE = "Not sent: the registration was cancelled or refused before this mail went out."

ABANDONED = (
    "Unknown whether it was sent: its sender stopped while handing it to the mail server. "
    "Not resent automatically; check, then use Retry now if it did not arrive."
)


def queue(*, kind: str, registration: Registration | None = None, to_email: str = "", context=None) -> OutgoingMail:
    """Queue a mail in the current transaction; try to send it after commit."""
    mail = OutgoingMail.objects.create(
        kind=kind,
        registration=registration,
        to_email=to_email or (registration.email if registration else ""),
        language=(registration.language if registration else "") or settings.LANGUAGE_CODE,
        context=context or {},
    )
    if settings.OUTBOX_SEND_ON_COMMIT:
        # robust: a failure here is logged, never raised into the request that
        # has just committed the registration; the worker retries the row.
        transaction.on_commit(lambda: _send_soon(mail.pk), robust=True)
    return mail


def retry(*, mails: QuerySet) -> int:
    """Queue `mails` again for a fresh round of attempts, due now (an organiser's
    "Retry now"). Never a sent mail, nor one a sender is handing over right now;
    an "unknown" one only because the organiser has checked it did not arrive.
    The last error stays until the next attempt. Returns how many were queued."""
    unsent = mails.filter(status__in=(MailStatus.QUEUED, MailStatus.FAILED, MailStatus.UNKNOWN))
    return unsent.update(status=MailStatus.QUEUED, next_attempt_at=timezone.now(), attempts=0)


_slots: dict[int, threading.BoundedSemaphore] = {}
_slots_lock = threading.Lock()


def _sender_slots() -> threading.BoundedSemaphore:
    """At most OUTBOX_SEND_THREADS after-commit senders at once in this process."""
    size = max(int(settings.OUTBOX_SEND_THREADS), 1)
    with _slots_lock:
        return _slots.setdefault(size, threading.BoundedSemaphore(size))


def _send_soon(mail_id: int) -> None:
    """Send after commit: in a background thread so a slow mail server never
    holds up the page (OUTBOX_SEND_IN_THREAD), or right here (tests). At most
    OUTBOX_SEND_THREADS such threads run per process, and none holds a database
    connection while it waits for the mail server: in a rush with the mail
    server hanging, the rest simply wait in the queue for the worker. If the
    process dies first, the row is still queued and the worker sends it."""
    if not settings.OUTBOX_SEND_IN_THREAD:
        deliver_by_id(mail_id)
        return
    slots = _sender_slots()
    if not slots.acquire(blocking=False):
        logger.info("Every after-commit sender is busy; mail %s waits for the outbox worker", mail_id)
        return

    def run():
        try:
            deliver_by_id(mail_id, hold_connection=False)
        except Exception:
            logger.exception("Sending mail %s after commit failed; the worker will retry it", mail_id)
        finally:
            db.connection.close()
            slots.release()

    try:
        threading.Thread(target=run, name=f"outbox-{mail_id}", daemon=True).start()
    except BaseException:
        slots.release()
        raise


def backoff(attempts: int) -> timedelta:
    """30 s, 1 min, 2 min, 4 min, ... at most two hours."""
    return min(BASE_DELAY * (2 ** max(attempts - 1, 0)), MAX_DELAY)


def deliver_by_id(mail_id: int, *, hold_connection: bool = True) -> bool:
    """Claim one queued mail and try to send it; True if it went out. With
    hold_connection=False the database connection is closed while the mail
    server is talked to (a thread that has nothing else to do with it)."""
    claim = _claim(pk=mail_id)
    if claim is None or claim.message is None:
        return False
    if not hold_connection:
        db.connection.close()
    return _send(claim)


def deliver_due(*, limit: int | None = None, now=None) -> tuple[int, int]:
    """Send the queued mail that is due, one claim at a time, at most `limit`;
    return (sent, failed attempts). First marks abandoned claims "unknown".
    A database error is raised to the caller (the worker logs it and carries on);
    what was sent before it is already recorded as sent."""
    now = now or timezone.now()
    give_up_abandoned(now=now)
    sent = failed = 0
    while limit is None or sent + failed < limit:
        claim = _claim(due_by=now)
        if claim is None:
            break
        if claim.withdrawn:
            continue
        if claim.message is not None and _send(claim):
            sent += 1
        else:
            failed += 1
    return sent, failed


def give_up_abandoned(*, now: datetime) -> int:
    """Mark "unknown" every mail left "sending" for longer than LEASE. Its
    sender died between claiming and recording the outcome, so the mail server
    may have it: it is not resent (at most once); an organiser decides."""
    count = OutgoingMail.objects.filter(status=MailStatus.SENDING, claimed_at__lt=now - LEASE).update(
        status=MailStatus.UNKNOWN, last_error=ABANDONED
    )
    if count:
        logger.error("%s mail(s) abandoned while being sent are marked unknown for an organiser", count)
    return count


@dataclass(frozen=True)
class Claim:
    pk: int
    to_email: str
    attempts: int
    claimed_at: datetime
    message: EmailMessage | None  # None: it could not be rendered, or was withdrawn (already recorded)
    withdrawn: bool = False


def _claim(*, pk: int | None = None, due_by: datetime | None = None) -> Claim | None:
    """Lock one queued mail (the given one, or the most overdue), render it and
    mark it "sending", in one short transaction."""
    from registration.mail import build_message

    with transaction.atomic():
        rows = (
            OutgoingMail.objects.select_for_update(skip_locked=True, of=("self",))
            .filter(status=MailStatus.QUEUED)
            .select_related("registration__event")
        )
        if pk is not None:
            rows = rows.filter(pk=pk)
        else:
            rows = rows.filter(next_attempt_at__lte=due_by).order_by("next_attempt_at", "pk")
        mail = rows.first()
        if mail is None:
            return None
        if mail.kind in UNTRUE_ONCE_ENDED and mail.registration and mail.registration.status in ENDED:
            mail.status, mail.last_error = MailStatus.WITHDRAWN, WITHDRAWN_NOTE
            mail.save(update_fields=["status", "last_error"])
            return Claim(mail.pk, mail.to_email, mail.attempts, timezone.now(), None, withdrawn=True)
        mail.attempts += 1
        mail.claimed_at = timezone.now()
        try:
            message = build_message(mail)
        except db.Error:
            raise
        except Exception as exc:  # a template or data fault: retried like a refusal
            _note_refusal(mail, exc)
            mail.save(update_fields=["attempts", "claimed_at", "status", "last_error", "next_attempt_at"])
            return Claim(mail.pk, mail.to_email, mail.attempts, mail.claimed_at, None)
        mail.status = MailStatus.SENDING
        mail.save(update_fields=["attempts", "claimed_at", "status"])
    return Claim(mail.pk, mail.to_email, mail.attempts, mail.claimed_at, message)


def _send(claim: Claim) -> bool:
    """Hand the message to the mail server (no transaction open), then record
    the outcome. A mail counts as sent once the server has accepted it."""
    try:
        claim.message.send(fail_silently=False)
    except Exception as exc:  # refused before the server accepted it: retried
        _settle(claim, functools.partial(_record_refusal, claim, exc))
        logger.warning("Mail %s to %s failed (attempt %s): %s", claim.pk, claim.to_email, claim.attempts, exc)
        return False
    _settle(claim, functools.partial(_record_sent, claim))
    return True


def _record_sent(claim: Claim) -> None:
    # Whatever the row says now (even "unknown" after a long database outage),
    # the server has the mail.
    OutgoingMail.objects.filter(pk=claim.pk).update(status=MailStatus.SENT, sent_at=timezone.now(), last_error="")


def _record_refusal(claim: Claim, exc: Exception) -> None:
    mail = OutgoingMail(pk=claim.pk, attempts=claim.attempts)
    _note_refusal(mail, exc)
    # Only the claim it belongs to: not a row an organiser has meanwhile retried.
    OutgoingMail.objects.filter(pk=claim.pk, status=MailStatus.SENDING, claimed_at=claim.claimed_at).update(
        status=mail.status, last_error=mail.last_error, next_attempt_at=mail.next_attempt_at
    )


def _note_refusal(mail: OutgoingMail, exc: Exception) -> None:
    mail.last_error = f"{type(exc).__name__}: {exc}"[:2000]
    mail.status = MailStatus.FAILED if mail.attempts >= MAX_ATTEMPTS else MailStatus.QUEUED
    mail.next_attempt_at = timezone.now() + backoff(mail.attempts)


def _settle(claim: Claim, write) -> bool:
    """Run a short write, on a fresh connection after each database error,
    until it lands or SETTLE_FOR has passed (then the row stays "sending" and
    becomes "unknown" after LEASE: never sent again by itself)."""
    connection = db.connection
    deadline = time.monotonic() + SETTLE_FOR.total_seconds()
    for tries in itertools.count():
        try:
            write()
            return True
        except db.Error as exc:
            if connection.in_atomic_block or time.monotonic() >= deadline:
                logger.error("Could not record the outcome of mail %s: %s", claim.pk, exc)
                if connection.in_atomic_block:
                    raise
                return False
            logger.warning("Recording the outcome of mail %s failed (%s); reconnecting", claim.pk, exc)
            connection.close()
            time.sleep(SETTLE_PAUSES[min(tries, len(SETTLE_PAUSES) - 1)])
