"""Correcting a mistyped e-mail address right after registering.

The "Check your e-mail" page offers a small form to correct the address typed.
Only the browser that sent the form may correct what it made: the submission
token of that form (random, 256 bits, already on the registration it created)
is kept in a signed, short-lived, HttpOnly cookie. The cookie is set after
every submission, whether it created a registration or met a known address,
so neither the page nor its headers tell the two apart; a token that made no
registration simply changes nothing.

Invariant: a correction only ever changes a registration that this browser's
own form created less than CORRECTION_MAX_AGE ago and that is still running
(confirmed, awaiting approval or waiting); it never reveals, changes or mails
anything about another registration except through the usual "someone
registered with your address" mail to that address. One address still holds
at most one registration (the unique constraint decides a race). No seat is
held twice: a registration corrected to an address already registered is
cancelled through services.cancel (its seats and place go to the people
waiting).
"""

import enum
import secrets

from django.conf import settings
from django.core import signing
from django.db import IntegrityError, transaction
from django.http import HttpResponse
from django.utils import timezone

from registration import outbox, queries, services
from registration.models import (
    ENDED,
    WELCOME_MAIL,
    MailKind,
    MailStatus,
    OutgoingMail,
    Registration,
    new_code,
    new_secret,
)

CORRECTION_COOKIE = "wegov_correct"
CORRECTION_MAX_AGE = 30 * 60  # seconds
_SALT = "registration.correction"
SUPERSEDED_NOTE = "Not sent: the address was corrected right after registering."


class Result(enum.StrEnum):
    """What a correction did. For tests and logs only: the visitor is shown the
    same page whatever it is."""

    MOVED = "moved"  # the registration now has the new address; its mail goes there
    ALREADY_REGISTERED = "already_registered"  # cancelled; the address's own registration was mailed
    UNCHANGED = "unchanged"  # the same address again
    NOTHING = "nothing"  # no registration made by this browser's form, or no longer running


def remember_submission(response: HttpResponse, *, path: str, token: str) -> HttpResponse:
    """Keep the form's submission token for CORRECTION_MAX_AGE: signed with the
    time, HttpOnly, sent back only to the registration pages of this language.
    The value holds the random token only (no id, no address, no name)."""
    response.set_cookie(
        CORRECTION_COOKIE,
        signing.dumps(token or secrets.token_urlsafe(32), salt=_SALT),
        max_age=CORRECTION_MAX_AGE,
        path=path,
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Strict",
    )
    return response


def remembered_submission(request) -> str:
    """The token remember_submission() kept, or "" (none, expired or forged)."""
    try:
        token = signing.loads(request.COOKIES.get(CORRECTION_COOKIE, ""), salt=_SALT, max_age=CORRECTION_MAX_AGE)
    except signing.BadSignature:  # also SignatureExpired
        return ""
    return token if isinstance(token, str) else ""


def correct_address(*, submission_token: str, email: str) -> Result:
    """Give the registration made by the form with `submission_token` the
    address `email` instead of the mistyped one.

    If `email` is free for the event: the registration takes it, with a new
    code, ticket and private link (the mistyped address may be a stranger's
    who already received the old ones), its welcome mail is queued to the new
    address, and the mails to the old address still queued are superseded.
    If `email` is already registered (found before, or by the unique
    constraint in a race): the registration is cancelled (its seats and place
    go to the people waiting), its mails to the old address still queued are
    superseded (the cancellation's own too), and the address's registration
    gets the usual "someone registered with your address" mail.
    Locks as services does: the registration row alone to move it; sessions,
    registration and event (services.cancel) to cancel it."""
    if not submission_token:
        return Result.NOTHING
    email = email.strip()
    registration = _running(Registration.objects.filter(submission_token=submission_token))
    if registration is None:
        return Result.NOTHING
    if registration.email.casefold() == email.casefold():
        return Result.UNCHANGED
    if not _address_taken(registration, email):
        try:
            return _move(registration.pk, submission_token, email)
        except IntegrityError:
            pass  # registered with that address meanwhile: cancel, as below
    return _cancel_for_existing(registration, email)


def _running(registrations) -> Registration | None:
    registration = registrations.select_related("event").first()
    if registration is None or registration.status in ENDED or registration.details_destroyed_at:
        return None
    return registration


def _address_taken(registration: Registration, email: str) -> bool:
    return queries.same_address(registration.event, email).exclude(pk=registration.pk).exists()


def _move(pk: int, submission_token: str, email: str) -> Result:
    with transaction.atomic():
        locked = Registration.objects.select_for_update(of=("self",))
        registration = _running(locked.filter(pk=pk, submission_token=submission_token))
        if registration is None:
            return Result.NOTHING
        if registration.email.casefold() == email.casefold():  # corrected meanwhile (a double click)
            return Result.UNCHANGED
        old_email = registration.email
        registration.email = email
        registration.code = new_code()
        registration.ticket_secret, registration.manage_secret = new_secret(), new_secret()
        registration.save(update_fields=["email", "code", "ticket_secret", "manage_secret", "updated_at"])
        _supersede(registration, old_email)
        outbox.queue(kind=WELCOME_MAIL[registration.status], registration=registration)
    return Result.MOVED


def _cancel_for_existing(registration: Registration, email: str) -> Result:
    with transaction.atomic():
        old_email, now = registration.email, timezone.now()
        cancelled = services.cancel(registration=registration, now=now)
        if cancelled.cancelled_at != now:  # ended meanwhile (a double click, an organiser): not by us
            return Result.NOTHING
        _supersede(cancelled, old_email)
        existing = queries.same_address(cancelled.event, email).first()
        if existing is not None:
            outbox.queue(kind=MailKind.EXISTING, registration=existing, to_email=email)
    return Result.ALREADY_REGISTERED


def _supersede(registration: Registration, old_email: str) -> int:
    """Mark the registration's mails to `old_email` not yet taken by a sender as
    superseded: they are never sent (a sender skips rows it cannot lock, and
    takes only queued ones)."""
    return OutgoingMail.objects.filter(registration=registration, to_email=old_email, status=MailStatus.QUEUED).update(
        status=MailStatus.SUPERSEDED, last_error=SUPERSEDED_NOTE
    )
