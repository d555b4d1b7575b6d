"""Writes on registrations: register, change sessions, cancel, approve, reject.

Lock order (every function here, so writers never deadlock):

    1. sessions, in primary-key order (only the sessions concerned);
    2. registration rows;
    3. the event's row, last, and only to count a place.

A registration locks only the sessions it books, so people booking different
workshops do not wait for each other; the event's row is locked by the one
statement that counts the place (`_take_place`), at the end of the
transaction, so registrations for one event queue on it only for that
statement, the outbox row and the commit. Cancelling (and filling free places)
locks every session of the event before the event's row, because giving a
place to the first person waiting may give them seats too. Changing sessions
and approving do not touch the event's row at all (no place changes).

Invariant: `Event.seats_taken` counts the registrations holding a place and
never passes the capacity, `Session.seats_booked` counts the confirmed
bookings and never passes the session's capacity: each is changed with F()
only under its own row lock, decided on the row's latest committed value
(SELECT ... FOR UPDATE), and backed by a CheckConstraint. A registration's
status is decided tentatively from the event as read before any lock, and
settled under the event's lock: if the last place went meanwhile, it joins the
waiting list and gives back the seats it booked in the same transaction (or
the other way round), so no one else ever sees the tentative state.

The unique constraints on registrations and bookings refuse duplicates. Mail
is only queued here (outbox rows in the same transaction) and sent after the
commit.
"""

import itertools
from dataclasses import dataclass, field
from datetime import datetime

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from events.models import Audience, Event, Session
from registration import audit, outbox, queries
from registration.errors import RegistrationError
from registration.models import (
    DETAILS_FIELDS,
    ENDED,
    HOLDS_A_PLACE,
    PERSON_FIELDS,
    WELCOME_MAIL,
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


@dataclass
class Outcome:
    registration: Registration
    created: bool
    waitlisted_sessions: list[Session] = field(default_factory=list)


def _sent_before(event: Event, email: str, submission_token: str | None) -> tuple:
    """(the registration this form already made, or None; else the event's
    registration with this address, or None), in one query: both are looked up
    by a unique index (the token's; the lower-cased address's, not blank), so
    there are at most two rows, and a row without the token is the address's."""
    if not (submission_token or email):
        return None, None
    none = Registration.objects.none()
    by_token = Registration.objects.filter(submission_token=submission_token) if submission_token else none
    by_address = queries.same_address(event, email) if email else none  # as the unique constraint compares
    rows = (by_token | by_address).order_by()[:2]
    earlier = existing = None
    for row in rows:
        if submission_token and row.submission_token == submission_token:
            earlier = row
        else:
            existing = row
    return (earlier, None) if earlier is not None else (None, existing)


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
    organiser=None,
    delegation=None,
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
    `organiser`: the user registering the person on their behalf (a delegation
    list they imported): open after the online registration has closed, the
    consents recorded "via organiser" with that user, and confirmed at once
    (the organiser's import is the approval). `delegation`: the participating
    city whose delegate the person is.
    Side effects: outbox rows (sent after commit)."""
    now = now or timezone.now()
    _check_sensitive_consent(person, sensitive_consent)
    if not walk_in and organiser is None and not event.registration_is_open(now):
        raise RegistrationError(_("Registration is closed."), code="closed")
    email = (person.get("email") or "").strip()
    try:
        with transaction.atomic():
            earlier, existing = _sent_before(event, email, submission_token)
            known = _known_outcome(earlier, existing, email)
            if known is not None:
                return known
            sessions = _lock_sessions(session_ids, event)  # lock 1: the sessions
            check_session_choice(event=event, category=person["category"], sessions=sessions)
            if existing is not None:
                registration = _start_over(existing, submission_token=submission_token, walk_in=walk_in)  # lock 2
                if registration.status != Status.CANCELLED:  # registered again meanwhile
                    return _known_outcome(None, registration, email)
            else:
                registration = Registration(event=event, submission_token=submission_token or None, is_walk_in=walk_in)
            if delegation is not None:
                registration.delegation = delegation
            _fill_in(registration, person, email=email, event=event, approved=organiser is not None)
            bookings = {s.pk: _book(registration, s, now, new=existing is None) for s in sessions}
            _record_consents(
                registration,
                news_consent=news_consent,
                sensitive_consent=sensitive_consent and bool(person.get("needs")),
                via="organiser" if organiser is not None else "desk" if walk_in else "online",
                given_by=organiser,
                now=now,
            )
            approved = organiser is not None
            _settle_place(registration, sessions, bookings, event, now, approved=approved)  # lock 3: the event's row
            return _welcomed(registration, email, sessions, bookings)
    except IntegrityError:
        winner = _race_lost(event, email, submission_token)
        if winner is None:
            raise
        return winner


# register's steps ------------------------------------------------------------


def _known_outcome(earlier: Registration | None, existing: Registration | None, email: str) -> Outcome | None:
    """A form sent before gets its registration; a known address, not cancelled, its link again."""
    if earlier is not None:
        return Outcome(registration=earlier, created=False)
    if existing is not None and existing.status != Status.CANCELLED:
        outbox.queue(kind=MailKind.EXISTING, registration=existing, to_email=email)
        return Outcome(registration=existing, created=False)
    return None


def _start_over(existing: Registration, *, submission_token: str | None, walk_in: bool) -> Registration:
    """Lock the cancelled registration and give it new secrets (old ticket and link dead), if still cancelled."""
    registration = Registration.objects.select_for_update().get(pk=existing.pk)
    if registration.status != Status.CANCELLED:
        return registration
    registration.ticket_secret, registration.manage_secret = new_secret(), new_secret()
    registration.cancelled_at = None
    registration.submission_token = submission_token or None
    registration.is_walk_in = walk_in
    return registration


def _fill_in(registration: Registration, person: dict, *, email: str, event: Event, approved: bool) -> None:
    """Save the person's fields with a tentative status, from the event as read before any lock."""
    for name in PERSON_FIELDS:
        if name in person:
            setattr(registration, name, person[name])
    registration.email = email
    registration.status = _initial_status(event, registration.category, approved=approved)
    if registration._state.adding:
        registration.fold_search_text()
        audit.insert_recorded(registration)
    else:
        registration.save()


def _welcomed(registration: Registration, email: str, sessions: list[Session], bookings: dict[int, Booking]) -> Outcome:
    """Queue the welcome mail for the settled status (with an address) and say which sessions wait."""
    if email:
        outbox.queue(kind=_welcome_mail(registration.status), registration=registration)
    waitlisted = [s for s in sessions if bookings[s.pk].status == BookingStatus.WAITLISTED]
    return Outcome(registration=registration, created=True, waitlisted_sessions=waitlisted)


def _race_lost(event: Event, email: str, submission_token: str | None) -> Outcome | None:
    """The registration that won a race for the token or address (its link mailed again), or None."""
    # A concurrent request with the same token or address won the race: it
    # committed first, so the row is there now.
    if submission_token:
        winner = Registration.objects.filter(submission_token=submission_token).first()
        if winner is not None:
            return Outcome(registration=winner, created=False)
    winner = queries.same_address(event, email).first() if email else None
    if winner is None:
        return None
    with transaction.atomic():
        outbox.queue(kind=MailKind.EXISTING, registration=winner, to_email=email)
    return Outcome(registration=winner, created=False)


def change_sessions(*, registration: Registration, session_ids: list[int], now: datetime | None = None) -> Outcome:
    """Replace a registration's session choices. Seats of dropped sessions are
    freed (and given to the first person waiting); new choices are booked, or
    wait-listed when full. Capacity rules apply as at registration. Locks the
    sessions concerned, then the registration (no place changes: not the event)."""
    now = now or timezone.now()
    wanted = {int(pk) for pk in session_ids}  # "12" from a form must match the booking's 12
    for _attempt in range(3):
        with transaction.atomic():
            held = set(_live_bookings(registration).values_list("session_id", flat=True))
            sessions = _lock_sessions(sorted(wanted | held), registration.event)
            locked = Registration.objects.select_related("event").select_for_update(of=("self",))
            registration = locked.get(pk=registration.pk)
            current = {b.session_id: b for b in _live_bookings(registration)}
            if not current.keys() <= held:
                continue  # booked meanwhile in a session not locked: lock again, in order
            event = registration.event
            if registration.status in ENDED:
                raise RegistrationError(_("This registration has been cancelled."), code="cancelled")
            if not event.registration_is_open(now):
                raise RegistrationError(
                    _("Registration is closed: session choices can no longer be changed online."), code="closed"
                )
            chosen = [s for s in sessions if s.pk in wanted]
            check_session_choice(event=event, category=registration.category, sessions=chosen)
            by_pk = {s.pk: s for s in sessions}
            for session_id, booking in current.items():
                if session_id not in wanted:
                    _release(booking, by_pk[session_id], now)
            waitlisted = []
            for session in chosen:
                if session.pk not in current and _book(registration, session, now).status == BookingStatus.WAITLISTED:
                    waitlisted.append(session)
            if current.keys() != wanted and registration.email:
                outbox.queue(kind=MailKind.UPDATED, registration=registration)
            return Outcome(registration=registration, created=False, waitlisted_sessions=waitlisted)
    raise RegistrationError(
        _("Your sessions were being changed at the same time elsewhere. Please try again."), code="busy"
    )


def update_details(
    *, registration: Registration, person: dict, sensitive_consent: bool = False, now: datetime | None = None
) -> Registration:
    """Change a registration's personal details (not its e-mail address or
    category). New accessibility or dietary needs need the sensitive-information
    consent, unless it was given before."""
    allowed = set(DETAILS_FIELDS)
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
    """An organiser does not approve a pending registration; frees its place.
    Refuses any other registration still running (RegistrationError
    "not_pending", decided under the registration's lock): a confirmed or
    waiting one is cancelled, never rejected. An ended one is left as it is."""
    return _end(registration=registration, status=Status.REJECTED, mail=MailKind.REJECTED, now=now)


def approve(*, registration: Registration) -> Registration:
    """An organiser approves a pending registration (press, city delegates).
    A pending registration already holds its place and seats: only its row changes."""
    with transaction.atomic():
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
        sessions = _lock_event_sessions(event.pk)
        event = Event.objects.select_for_update().get(pk=event.pk)
        _promote_event_waitlist(event, sessions, now)
        waiting = set(
            Booking.objects.filter(session__event=event, status=BookingStatus.WAITLISTED).values_list(
                "session_id", flat=True
            )
        )
        for session in sessions.values():
            if session.pk in waiting:
                _promote_session_waitlist(session, now)


# Internals -------------------------------------------------------------------


def _initial_status(event: Event, category: str, *, approved: bool = False) -> str:
    if event.capacity is not None and event.seats_taken >= event.capacity:
        return Status.WAITLISTED
    return _placed_status(category, approved=approved)


def _placed_status(category: str, *, approved: bool = False) -> str:
    """The status of a registration holding a place: awaiting approval for
    press and delegates, unless an organiser registered them (`approved`)."""
    return Status.PENDING if category in Category.needing_approval() and not approved else Status.CONFIRMED


def _welcome_mail(status: str) -> str:
    return WELCOME_MAIL[status]


def _lock_sessions(session_ids, event: Event) -> list[Session]:
    ids = sorted({int(pk) for pk in session_ids})
    if not ids:
        return []
    sessions = list(Session.objects.select_for_update().filter(pk__in=ids, event=event).order_by("pk"))
    if len(sessions) != len(ids):
        raise RegistrationError(_("This session cannot be booked."), code="not_bookable", field="sessions")
    return sessions


def _lock_event_sessions(event_id: int) -> dict[int, Session]:
    """Every session of the event, locked in primary-key order: what a place
    given to someone waiting may need (their bookings wait in any of them)."""
    return {s.pk: s for s in Session.objects.select_for_update().filter(event_id=event_id).order_by("pk")}


def _live_bookings(registration: Registration):
    return Booking.objects.filter(registration_id=registration.pk).active()


def _take_place(event: Event) -> bool:
    """Count one more place taken in the event if one is free; False when it is
    full. Locks the event's row (the caller's last lock) and decides on its
    latest committed value. Without a capacity that is one UPDATE, which
    re-checks "no capacity" on the row's latest version if it had to wait."""
    unlimited = Event.objects.filter(pk=event.pk, capacity__isnull=True)
    if event.capacity is None and unlimited.update(seats_taken=F("seats_taken") + 1):
        return True
    capacity, taken = Event.objects.select_for_update().values_list("capacity", "seats_taken").get(pk=event.pk)
    if capacity is not None and taken >= capacity:
        return False
    Event.objects.filter(pk=event.pk).update(seats_taken=F("seats_taken") + 1)
    return True


def _settle_place(
    registration: Registration,
    sessions: list[Session],
    bookings: dict[int, Booking],
    event: Event,
    now: datetime,
    *,
    approved: bool = False,
) -> None:
    """Settle a new registration's tentative status under the event's lock:
    take its place, or put it on the waiting list when the last place went
    meanwhile (giving back the seats it booked), or give it a place that freed
    up meanwhile (and the seats still free). Caller holds the sessions' locks."""
    tentative_place = registration.status in HOLDS_A_PLACE
    if _take_place(event) == tentative_place:
        return
    if tentative_place:  # full meanwhile
        registration.status = Status.WAITLISTED
        registration.save(update_fields=["status", "updated_at"])
        for session in sessions:
            booking = bookings[session.pk]
            if booking.status == BookingStatus.CONFIRMED:
                booking.status, booking.waitlisted_at = BookingStatus.WAITLISTED, now
                booking.save(update_fields=["status", "waitlisted_at"])  # by its key: recorded in its history
                Session.objects.filter(pk=session.pk).update(seats_booked=F("seats_booked") - 1)
                session.seats_booked -= 1
        return
    registration.status = _placed_status(registration.category, approved=approved)
    registration.save(update_fields=["status", "updated_at"])
    for session in sessions:
        if session.capacity is None or session.seats_booked < session.capacity:
            booking = bookings[session.pk]
            booking.status, booking.waitlisted_at = BookingStatus.CONFIRMED, None
            booking.save(update_fields=["status", "waitlisted_at"])
            Session.objects.filter(pk=session.pk).update(seats_booked=F("seats_booked") + 1)
            session.seats_booked += 1


def _book(registration: Registration, session: Session, now: datetime, *, new: bool = False) -> Booking:
    """Book a seat, or a place on the waiting list; the booking (its status
    says which). Caller holds the session lock. `new`: the registration was
    created in this transaction, so it has no booking yet (one INSERT instead
    of a lookup and a savepoint)."""
    has_seat = registration.status in HOLDS_A_PLACE and (
        session.capacity is None or session.seats_booked < session.capacity
    )
    status = BookingStatus.CONFIRMED if has_seat else BookingStatus.WAITLISTED
    defaults = {"status": status, "created_at": now, "waitlisted_at": None if has_seat else now}
    if new:
        booking = Booking(registration=registration, session=session, **defaults)
        audit.insert_recorded(booking)
    else:
        booking, created = Booking.objects.get_or_create(registration=registration, session=session, defaults=defaults)
        if not created:
            if booking.status != BookingStatus.CANCELLED:
                return booking
            booking.status, booking.created_at = status, now
            booking.waitlisted_at = None if has_seat else now
            booking.save(update_fields=["status", "created_at", "waitlisted_at"])
    if has_seat:
        Session.objects.filter(pk=session.pk).update(seats_booked=F("seats_booked") + 1)
        session.seats_booked += 1
    return booking


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
    with audit.acting_as(audit.ActorKind.SYSTEM, via="waiting_list"):
        _promote_session_bookings(session, now)


def _promote_session_bookings(session: Session, now: datetime) -> None:
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


def _promote_event_waitlist(event: Event, sessions: dict[int, Session], now: datetime) -> None:
    """Give free places to the people waiting, first come first served, and
    them the seats still free in the sessions they chose. Caller holds the
    event's lock and, before it, the locks of the event's `sessions`. Each
    person waiting is locked after the event's row: whoever holds such a row
    waits for no session and no event (changing sessions locks its sessions
    first), so this cannot deadlock."""
    with audit.acting_as(audit.ActorKind.SYSTEM, via="waiting_list"):
        _promote_places(event, sessions)


def _promote_places(event: Event, sessions: dict[int, Session]) -> None:
    event.refresh_from_db(fields=["seats_taken", "capacity"])
    while event.capacity is None or event.seats_taken < event.capacity:
        waiting = Registration.objects.filter(event=event, status=Status.WAITLISTED).order_by("created_at", "pk")
        nxt = waiting.select_for_update().first()
        if nxt is None:
            return
        nxt.status = Status.PENDING if nxt.category in Category.needing_approval() else Status.CONFIRMED
        nxt.save(update_fields=["status", "updated_at"])
        Event.objects.filter(pk=event.pk).update(seats_taken=F("seats_taken") + 1)
        event.seats_taken += 1
        waiting_bookings = nxt.bookings.filter(status=BookingStatus.WAITLISTED).order_by("session_id")
        for booking in waiting_bookings:
            # A session created after the caller locked the event's sessions is
            # not locked: the booking keeps waiting for that session's next seat.
            session = sessions.get(booking.session_id)
            if session is not None and (session.capacity is None or session.seats_booked < session.capacity):
                booking.status = BookingStatus.CONFIRMED
                booking.save(update_fields=["status"])  # by its key: recorded in its history
                Session.objects.filter(pk=session.pk).update(seats_booked=F("seats_booked") + 1)
                session.seats_booked += 1
        if nxt.email:
            outbox.queue(kind=MailKind.PROMOTED, registration=nxt)


def _end(*, registration: Registration, status: str, mail: str, now: datetime | None) -> Registration:
    """Cancel or reject: every session of the event, the registration, then
    (when it held a place) the event's row, in the module's lock order."""
    now = now or timezone.now()
    with transaction.atomic():
        sessions = _lock_event_sessions(registration.event_id)
        registration = Registration.objects.select_for_update().get(pk=registration.pk)
        if registration.status in ENDED:
            return registration
        if status == Status.REJECTED and registration.status != Status.PENDING:
            raise RegistrationError(_("Only a registration awaiting approval can be rejected."), code="not_pending")
        held_place = registration.status in HOLDS_A_PLACE
        registration.status = status
        registration.cancelled_at = now
        registration.save(update_fields=["status", "cancelled_at", "updated_at"])
        for booking in _live_bookings(registration):
            _release(booking, sessions[booking.session_id], now)
        if held_place:
            event = Event.objects.select_for_update().get(pk=registration.event_id)
            Event.objects.filter(pk=event.pk).update(seats_taken=F("seats_taken") - 1)
            _promote_event_waitlist(event, sessions, now)
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
    registration: Registration, *, news_consent: bool, sensitive_consent: bool, via: str, now: datetime, given_by=None
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
                given_by=given_by,
            )
        )
    consents = [
        *sensitive,
        Consent(
            registration=registration,
            kind=ConsentKind.PRIVACY,
            text_version=PRIVACY_TEXT_VERSION,
            granted=True,
            given_at=now,
            language=language,
            via=via,
            given_by=given_by,
        ),
        Consent(
            registration=registration,
            kind=ConsentKind.NEWS,
            text_version=NEWS_TEXT_VERSION,
            granted=bool(news_consent),
            given_at=now,
            language=language,
            via=via,
            given_by=given_by,
        ),
    ]
    audit.insert_recorded(*consents)  # with their history rows
