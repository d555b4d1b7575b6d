"""Writes on registrations: register, change sessions, cancel, approve, reject.

Every function here takes the event's row lock first (SELECT ... FOR UPDATE),
then the sessions' rows in primary-key order, so writers on one event run one
at a time and never deadlock. Seat counters on the event and session rows are
changed with F() inside that lock and are backed by CheckConstraints; the
unique constraints on registrations and bookings refuse duplicates. Mail is only
queued here (outbox rows in the same transaction) and sent after the commit.
"""

import itertools
from dataclasses import dataclass, field
from datetime import datetime

from django.db import IntegrityError, transaction
from django.db.models import F, Value
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from events.models import Audience, Event, Session
from registration import outbox
from registration.errors import RegistrationError
from registration.models import (
    HOLDS_A_PLACE,
    Booking,
    BookingStatus,
    Category,
    Consent,
    ConsentKind,
    MailKind,
    Registration,
    Status,
    latest_news_choice,
    new_secret,
)

PRIVACY_TEXT_VERSION = "2010-08-01"
NEWS_TEXT_VERSION = "2010-08-01"
SENSITIVE_TEXT_VERSION = "2010-08-01"

PERSON_FIELDS = (
    "name",
    "email",
    "organisation",
    "job_title",
    "country",
    "city",
    "phone",
    "language",
    "needs",
    "category",
)


@dataclass
class Outcome:
    registration: Registration
    created: bool
    waitlisted_sessions: list[Session] = field(default_factory=list)


def bookable_sessions(event: Event):
    """Sessions a person may choose at registration: published, seats booked."""
    return Session.objects.published().for_event(event).filter(booking_required=True).select_related("room", "kind")


def same_address(event: Event, email: str):
    """The event's registrations with this e-mail address, compared as the
    unique constraint compares them: LOWER on both sides (and not blank, so its
    partial index serves the lookup). `email__iexact` compares with UPPER, which
    differs for a few characters: the Kelvin sign lowers to "k" but upper-cases
    to itself, so iexact missed the match and the insert hit the constraint."""
    return (
        Registration.objects.exclude(email="")
        .alias(email_key=Lower("email"))
        .filter(event=event, email_key=Lower(Value(email)))
    )


def check_session_choice(*, event: Event, category: str, sessions: list[Session]) -> None:
    """Refuse a choice of sessions the person may not make: from another event,
    not bookable, delegates-only for a non-delegate, or two that overlap."""
    for session in sessions:
        if session.event_id != event.pk or not session.booking_required or not session.is_published:
            raise RegistrationError(_("This session cannot be booked."), code="not_bookable", field="sessions")
        if session.audience == Audience.DELEGATES and category not in Category.delegate_categories():
            raise RegistrationError(
                _("“%(title)s” is for city delegates only.") % {"title": session.title},
                code="delegates_only",
                field="sessions",
            )
    ordered = sorted(sessions, key=lambda s: s.starts_at)
    for earlier, later in itertools.combinations(ordered, 2):
        if later.starts_at < earlier.ends_at:
            raise RegistrationError(
                _("“%(a)s” and “%(b)s” take place at the same time. Choose one of them.")
                % {"a": earlier.title, "b": later.title},
                code="overlap",
                field="sessions",
            )


def register(
    *,
    event: Event,
    person: dict,
    session_ids: list[int],
    news_consent: bool = False,
    sensitive_consent: bool = False,
    submission_token: str | None = None,
    walk_in: bool = False,
    now: datetime | None = None,
) -> Outcome:
    """Register a person for the event and book the chosen sessions.

    Idempotent per `submission_token` (a double click creates one registration)
    and per e-mail address (a known address gets its existing registration's
    link by e-mail instead; the caller cannot tell the two apart from the
    outcome it shows). A full event puts the registration on the waiting list; a
    full session puts the booking on that session's waiting list.
    Accessibility or dietary needs are sensitive information (PIPA art. 23):
    they are kept only with their own consent.
    Side effects: outbox rows (sent after commit)."""
    now = now or timezone.now()
    _check_sensitive_consent(person, sensitive_consent)
    if not walk_in and not event.registration_is_open(now):
        raise RegistrationError(_("Registration is closed."), code="closed")
    email = (person.get("email") or "").strip()
    try:
        with transaction.atomic():
            event = Event.objects.select_for_update().get(pk=event.pk)
            if submission_token:
                earlier = Registration.objects.filter(submission_token=submission_token).first()
                if earlier is not None:
                    return Outcome(registration=earlier, created=False)
            if email:
                existing = same_address(event, email).first()
                if existing is not None and existing.status != Status.CANCELLED:
                    outbox.queue(kind=MailKind.EXISTING, registration=existing, to_email=email)
                    return Outcome(registration=existing, created=False)
            else:
                existing = None
            sessions = _lock_sessions(session_ids, event)
            check_session_choice(event=event, category=person["category"], sessions=sessions)

            if existing is not None:
                # Someone who cancelled registers again: the same row starts
                # over, with new secrets so the old ticket and link stay dead.
                registration = Registration.objects.select_for_update().get(pk=existing.pk)
                registration.ticket_secret, registration.manage_secret = new_secret(), new_secret()
                registration.cancelled_at = None
                registration.submission_token = submission_token or None
                registration.is_walk_in = walk_in
            else:
                registration = Registration(event=event, submission_token=submission_token or None, is_walk_in=walk_in)
            for name in PERSON_FIELDS:
                if name in person:
                    setattr(registration, name, person[name])
            registration.email = email
            registration.status = _initial_status(event, registration.category)
            registration.save()
            if registration.status in HOLDS_A_PLACE:
                Event.objects.filter(pk=event.pk).update(seats_taken=F("seats_taken") + 1)
            waitlisted = [s for s in sessions if _book(registration, s, now) == BookingStatus.WAITLISTED]
            _record_consents(
                registration,
                news_consent=news_consent,
                sensitive_consent=sensitive_consent and bool(person.get("needs")),
                via="desk" if walk_in else "online",
                now=now,
            )
            if email:
                outbox.queue(kind=_welcome_mail(registration.status), registration=registration)
            return Outcome(registration=registration, created=True, waitlisted_sessions=waitlisted)
    except IntegrityError:
        # A concurrent request with the same token or address won the race: it
        # committed first, so the row is there now.
        winner = None
        if submission_token:
            winner = Registration.objects.filter(submission_token=submission_token).first()
        if winner is None and email:
            winner = same_address(event, email).first()
        if winner is None:
            raise
        return Outcome(registration=winner, created=False)


def change_sessions(*, registration: Registration, session_ids: list[int], now: datetime | None = None) -> Outcome:
    """Replace a registration's session choices. Seats of dropped sessions are
    freed (and given to the first person waiting); new choices are booked, or
    wait-listed when full. Capacity rules apply as at registration."""
    now = now or timezone.now()
    with transaction.atomic():
        event = Event.objects.select_for_update().get(pk=registration.event_id)
        registration = Registration.objects.select_for_update().get(pk=registration.pk)
        if registration.status in (Status.CANCELLED, Status.REJECTED):
            raise RegistrationError(_("This registration has been cancelled."), code="cancelled")
        if not event.registration_is_open(now):
            raise RegistrationError(
                _("Registration is closed: session choices can no longer be changed online."), code="closed"
            )
        current = {b.session_id: b for b in registration.bookings.exclude(status=BookingStatus.CANCELLED)}
        wanted = {int(pk) for pk in session_ids}  # "12" from a form must match the booking's 12
        sessions = _lock_sessions(sorted(wanted | set(current)), event)
        chosen = [s for s in sessions if s.pk in wanted]
        check_session_choice(event=event, category=registration.category, sessions=chosen)
        by_pk = {s.pk: s for s in sessions}
        for session_id, booking in current.items():
            if session_id not in wanted:
                _release(booking, by_pk[session_id], now)
        waitlisted = []
        for session in chosen:
            if session.pk not in current and _book(registration, session, now) == BookingStatus.WAITLISTED:
                waitlisted.append(session)
        if current.keys() != wanted and registration.email:
            outbox.queue(kind=MailKind.UPDATED, registration=registration)
        return Outcome(registration=registration, created=False, waitlisted_sessions=waitlisted)


def update_details(
    *, registration: Registration, person: dict, sensitive_consent: bool = False, now: datetime | None = None
) -> Registration:
    """Change a registration's personal details (not its e-mail address or
    category). New accessibility or dietary needs need the sensitive-information
    consent, unless it was given before."""
    allowed = {"name", "organisation", "job_title", "country", "city", "phone", "language", "needs"}
    with transaction.atomic():
        registration = Registration.objects.select_for_update().get(pk=registration.pk)
        already = has_sensitive_consent(registration)
        _check_sensitive_consent(person, sensitive_consent or already)
        for name, value in person.items():
            if name in allowed:
                setattr(registration, name, value)
        registration.save(update_fields=[*sorted(allowed), "updated_at"])
        if sensitive_consent and person.get("needs") and not already:
            Consent.objects.create(
                registration=registration,
                kind=ConsentKind.SENSITIVE,
                text_version=SENSITIVE_TEXT_VERSION,
                granted=True,
                given_at=now or timezone.now(),
                language=_shown_language(registration),
            )
    return registration


def has_sensitive_consent(registration: Registration) -> bool:
    return registration.consents.filter(kind=ConsentKind.SENSITIVE, granted=True).exists()


def news_consent_granted(registration: Registration) -> bool:
    """The person's current choice about news from WeGO: their latest record."""
    mine = Registration.objects.filter(pk=registration.pk).annotate(news=latest_news_choice())
    return bool(mine.values_list("news", flat=True).first())


def set_news_consent(*, registration: Registration, granted: bool, now: datetime | None = None) -> bool:
    """Give or withdraw the optional consent to news from WeGO (PIPA art. 37:
    withdrawable at any time). Each change is a new Consent row, so the history
    of what was agreed, to which text and when is kept; an unchanged choice
    records nothing. Returns whether anything changed."""
    with transaction.atomic():
        registration = Registration.objects.select_for_update().get(pk=registration.pk)
        if news_consent_granted(registration) == granted:
            return False
        Consent.objects.create(
            registration=registration,
            kind=ConsentKind.NEWS,
            text_version=NEWS_TEXT_VERSION,
            granted=granted,
            given_at=now or timezone.now(),
            language=_shown_language(registration),
            via="manage",
        )
    return True


def cancel(*, registration: Registration, now: datetime | None = None) -> Registration:
    """Cancel a registration: its place and its seats go to the first people
    waiting, who are e-mailed. Cancelling twice changes nothing."""
    return _end(registration=registration, status=Status.CANCELLED, mail=MailKind.CANCELLED, now=now)


def reject(*, registration: Registration, now: datetime | None = None) -> Registration:
    """An organiser does not approve a pending registration; frees its place."""
    return _end(registration=registration, status=Status.REJECTED, mail=MailKind.REJECTED, now=now)


def approve(*, registration: Registration) -> Registration:
    """An organiser approves a pending registration (press, city delegates)."""
    with transaction.atomic():
        Event.objects.select_for_update().get(pk=registration.event_id)
        registration = Registration.objects.select_for_update().get(pk=registration.pk)
        if registration.status != Status.PENDING:
            return registration
        registration.status = Status.CONFIRMED
        registration.save(update_fields=["status", "updated_at"])
        if registration.email:
            outbox.queue(kind=MailKind.APPROVED, registration=registration)
    return registration


def fill_free_places(*, event: Event, now: datetime | None = None) -> None:
    """Give free places and seats to the people waiting, e.g. after an
    organiser raised a capacity. Promoted people are e-mailed."""
    now = now or timezone.now()
    with transaction.atomic():
        event = Event.objects.select_for_update().get(pk=event.pk)
        _promote_event_waitlist(event, now)
        waiting = Booking.objects.filter(session__event=event, status=BookingStatus.WAITLISTED)
        for session in _lock_sessions(waiting.values_list("session_id", flat=True).distinct(), event):
            _promote_session_waitlist(session, now)


# Internals -------------------------------------------------------------------


def _initial_status(event: Event, category: str) -> str:
    if event.capacity is not None and event.seats_taken >= event.capacity:
        return Status.WAITLISTED
    if category in Category.needing_approval():
        return Status.PENDING
    return Status.CONFIRMED


def _welcome_mail(status: str) -> str:
    return {
        Status.CONFIRMED: MailKind.CONFIRMATION,
        Status.PENDING: MailKind.PENDING,
        Status.WAITLISTED: MailKind.WAITLISTED,
    }[status]


def _lock_sessions(session_ids, event: Event) -> list[Session]:
    ids = sorted({int(pk) for pk in session_ids})
    if not ids:
        return []
    sessions = list(Session.objects.select_for_update().filter(pk__in=ids, event=event).order_by("pk"))
    if len(sessions) != len(ids):
        raise RegistrationError(_("This session cannot be booked."), code="not_bookable", field="sessions")
    return sessions


def _book(registration: Registration, session: Session, now: datetime) -> str:
    """Book a seat, or a place on the waiting list. Caller holds the session lock."""
    has_seat = registration.status in HOLDS_A_PLACE and (
        session.capacity is None or session.seats_booked < session.capacity
    )
    status = BookingStatus.CONFIRMED if has_seat else BookingStatus.WAITLISTED
    booking, created = Booking.objects.get_or_create(
        registration=registration,
        session=session,
        defaults={"status": status, "created_at": now, "waitlisted_at": None if has_seat else now},
    )
    if not created:
        if booking.status != BookingStatus.CANCELLED:
            return booking.status
        booking.status, booking.created_at = status, now
        booking.waitlisted_at = None if has_seat else now
        booking.save(update_fields=["status", "created_at", "waitlisted_at"])
    if has_seat:
        Session.objects.filter(pk=session.pk).update(seats_booked=F("seats_booked") + 1)
        session.seats_booked += 1
    return status


def _release(booking: Booking, session: Session, now: datetime) -> None:
    """Cancel a booking; a freed seat goes to the first person waiting."""
    was_confirmed = booking.status == BookingStatus.CONFIRMED
    booking.status = BookingStatus.CANCELLED
    booking.save(update_fields=["status"])
    if was_confirmed:
        Session.objects.filter(pk=session.pk).update(seats_booked=F("seats_booked") - 1)
        session.seats_booked -= 1
        _promote_session_waitlist(session, now)


def _promote_session_waitlist(session: Session, now: datetime) -> None:
    while session.capacity is None or session.seats_booked < session.capacity:
        nxt = (
            Booking.objects.select_for_update()
            .filter(session=session, status=BookingStatus.WAITLISTED, registration__status__in=HOLDS_A_PLACE)
            .select_related("registration")
            .order_by("waitlisted_at", "pk")
            .first()
        )
        if nxt is None:
            return
        nxt.status = BookingStatus.CONFIRMED
        nxt.save(update_fields=["status"])
        Session.objects.filter(pk=session.pk).update(seats_booked=F("seats_booked") + 1)
        session.seats_booked += 1
        if nxt.registration.email:
            outbox.queue(kind=MailKind.PROMOTED, registration=nxt.registration, context={"session_slug": session.slug})


def _promote_event_waitlist(event: Event, now: datetime) -> None:
    event.refresh_from_db(fields=["seats_taken", "capacity"])
    while event.capacity is None or event.seats_taken < event.capacity:
        nxt = (
            Registration.objects.select_for_update()
            .filter(event=event, status=Status.WAITLISTED)
            .order_by("created_at", "pk")
            .first()
        )
        if nxt is None:
            return
        nxt.status = Status.PENDING if nxt.category in Category.needing_approval() else Status.CONFIRMED
        nxt.save(update_fields=["status", "updated_at"])
        Event.objects.filter(pk=event.pk).update(seats_taken=F("seats_taken") + 1)
        event.seats_taken += 1
        waiting = nxt.bookings.filter(status=BookingStatus.WAITLISTED).values_list("session_id", flat=True)
        for session in _lock_sessions(list(waiting), event):
            if session.capacity is None or session.seats_booked < session.capacity:
                Booking.objects.filter(registration=nxt, session=session).update(status=BookingStatus.CONFIRMED)
                Session.objects.filter(pk=session.pk).update(seats_booked=F("seats_booked") + 1)
        if nxt.email:
            outbox.queue(kind=MailKind.PROMOTED, registration=nxt)


def _end(*, registration: Registration, status: str, mail: str, now: datetime | None) -> Registration:
    now = now or timezone.now()
    with transaction.atomic():
        event = Event.objects.select_for_update().get(pk=registration.event_id)
        registration = Registration.objects.select_for_update().get(pk=registration.pk)
        if registration.status in (Status.CANCELLED, Status.REJECTED):
            return registration
        held_place = registration.status in HOLDS_A_PLACE
        registration.status = status
        registration.cancelled_at = now
        registration.save(update_fields=["status", "cancelled_at", "updated_at"])
        bookings = list(registration.bookings.exclude(status=BookingStatus.CANCELLED))
        sessions = {s.pk: s for s in _lock_sessions([b.session_id for b in bookings], event)}
        for booking in bookings:
            _release(booking, sessions[booking.session_id], now)
        if held_place:
            Event.objects.filter(pk=event.pk).update(seats_taken=F("seats_taken") - 1)
            _promote_event_waitlist(event, now)
        if registration.email:
            outbox.queue(kind=mail, registration=registration)
    return registration


def _check_sensitive_consent(person: dict, consented: bool) -> None:
    if person.get("needs") and not consented:
        raise RegistrationError(
            _("To give accessibility or dietary needs, agree to their processing, or leave the field empty."),
            code="sensitive_consent_required",
            field="sensitive_consent",
        )


def _shown_language(registration: Registration) -> str:
    """The language the consent text was shown in: the page's (the request's
    active language), else the attendee's language for e-mails."""
    shown = (get_language() or "")[:2]
    return shown if shown in ("ko", "en") else registration.language or "ko"


def _record_consents(
    registration: Registration, *, news_consent: bool, sensitive_consent: bool, via: str, now: datetime
) -> None:
    language = _shown_language(registration)
    sensitive = []
    if sensitive_consent:
        sensitive.append(
            Consent(
                registration=registration,
                kind=ConsentKind.SENSITIVE,
                text_version=SENSITIVE_TEXT_VERSION,
                granted=True,
                given_at=now,
                language=language,
                via=via,
            )
        )
    Consent.objects.bulk_create(
        [
            *sensitive,
            Consent(
                registration=registration,
                kind=ConsentKind.PRIVACY,
                text_version=PRIVACY_TEXT_VERSION,
                granted=True,
                given_at=now,
                language=language,
                via=via,
            ),
            Consent(
                registration=registration,
                kind=ConsentKind.NEWS,
                text_version=NEWS_TEXT_VERSION,
                granted=bool(news_consent),
                given_at=now,
                language=language,
                via=via,
            ),
        ]
    )
