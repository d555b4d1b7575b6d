"""Check-in at the venue: scan or pick an attendee at a checkpoint.

A check-in is a row per registration, checkpoint and day (at a room door, per
session: a room may hold several in a day). Two scans of one
ticket at the same moment both try to insert it; the partial unique constraint
lets one win and the other reports "already checked in", so the answer is
idempotent without any lock. Undoing keeps the row (undone_at/undone_by), so
the history stays; a later scan makes a new row.

The desk also says who needs attention: people an organiser flagged (VIP, …)
and people who gave accessibility or dietary needs with their consent to that
sensitive information (PIPA art. 23); see attention_of().
"""

from dataclasses import dataclass
from datetime import date, datetime

from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from events import pagecache
from events.models import Audience, Event, Session
from registration import audit, hangul, noshows
from registration.clock import desk_now
from registration.errors import RegistrationError
from registration.models import (
    Booking,
    Category,
    CheckIn,
    Checkpoint,
    CheckpointKind,
    Consent,
    ConsentKind,
    Registration,
    Status,
)
from registration.querysets import normalise_code
from registration.services import has_sensitive_consent

# The categories an entrance admits every day; others on days open to citizens.
EVERY_DAY = (Category.DELEGATE, Category.PRESS, Category.EXHIBITOR)


class Result:
    OK = "ok"
    ALREADY = "already"
    REFUSED = "refused"


REASONS = {
    "unknown": _("Unknown code: no registration has this ticket."),
    "cancelled": _("This registration was cancelled."),
    "rejected": _("This registration was not approved."),
    "waitlisted": _("This person is on the waiting list and has no place yet."),
    "pending": _("This registration is waiting for an organiser's approval."),
    "full": _("No seat booked, and every seat of this session is taken."),
    "wrong_day": _("This ticket is not valid today."),
    "wrong_checkpoint": _("This checkpoint is not open today."),
}


@dataclass
class CheckInOutcome:
    result: str
    reason: str = ""
    registration: Registration | None = None
    checkin: CheckIn | None = None
    session: Session | None = None
    # At a room door: admitted to a free seat without a booking of the session
    # (a seat a no-show gave up, or never booked); their booking given back at
    # the door (a seat released while they were late, still free).
    unbooked: bool = False
    restored: bool = False
    replayed: bool = False  # a queued scan sent again: its own earlier check-in

    @property
    def message(self) -> str:
        return str(REASONS.get(self.reason, ""))


@dataclass(frozen=True)
class Attention:
    """What the desk shows about an attendee beyond name and status: whether to
    mark them for attention, and the note staff read."""

    flagged: bool
    note: str


def _needs_consented() -> Exists:
    """Whether the person agreed to the processing of their accessibility or
    dietary needs (the sensitive-information consent), as a subquery."""
    return Exists(Consent.objects.filter(registration=OuterRef("pk"), kind=ConsentKind.SENSITIVE, granted=True))


def with_needs_consent(registrations: QuerySet) -> QuerySet:
    """Annotate `needs_consented` in the same query, for attention_of()."""
    return registrations.annotate(needs_consented=_needs_consented())


def for_scan(registrations: QuerySet) -> QuerySet:
    """What a scan's answer needs besides the row, in the same query: whether the
    needs may be shown (with_needs_consent) and `holds_seats`, whether the person
    has a confirmed seat in any session (without one, the answer's list of
    sessions and a room door's seat check need no query)."""
    seats = Booking.objects.filter(registration=OuterRef("pk")).confirmed()
    return with_needs_consent(registrations).annotate(holds_seats=Exists(seats))


def attention_q() -> Q:
    """A filter for the registrations attention_of() flags: an organiser's flag,
    or needs given with their consent."""
    return Q(needs_attention=True) | (~Q(needs="") & Q(_needs_consented()))


def attention_of(registration: Registration) -> Attention:
    """Attention at the desk, without organisers having to act: an organiser's
    flag (VIP, …) with its note, and/or the accessibility or dietary needs the
    person gave with the sensitive-information consent, which staff read in
    the note to provide for them."""
    parts = []
    if registration.needs_attention and registration.attention_note.strip():
        parts.append(registration.attention_note.strip())
    needs = _consented_needs(registration)
    if needs:
        # Translators: in the desk's attention note; %(needs)s is what the attendee wrote.
        parts.append(gettext("Needs: %(needs)s") % {"needs": needs})
    return Attention(flagged=registration.needs_attention or bool(needs), note=" · ".join(parts))


def _consented_needs(registration: Registration) -> str:
    """The person's needs on one line (lines joined by " / "), or "" without the
    consent to process them. Reads the `needs_consented` annotation
    (with_needs_consent) when present; otherwise asks the database, and only for
    a person who gave needs."""
    lines = (" ".join(line.split()) for line in registration.needs.splitlines())
    needs = " / ".join(line for line in lines if line)
    if not needs:
        return ""
    consented = getattr(registration, "needs_consented", None)
    if consented is None:
        consented = has_sensitive_consent(registration)
    return needs if consented else ""


def find_ticket(*, event: Event, text: str) -> Registration | None:
    """The registration of `event` whose ticket secret, or short code, was
    scanned or typed, with what the scan's answer needs (for_scan; one query;
    the event is the one given, not read again). A code a USB scanner typed while
    the computer's input method was in Hangul mode ("ㅁㅠ2ㅊ…") is read back as the
    keys it was typed with, its secret compared without case (registration/hangul.py):
    one more query, only when the first finds nothing."""
    text = (text or "").strip()
    if not text or len(text) > 100:
        return None
    registration = _ticket(event, Q(ticket_secret=text), text)
    if registration is None and hangul.has_hangul(text):
        keys = hangul.latin_keys(text)
        if keys.isascii():  # other Hangul than the input method makes is a name, not a code
            registration = _ticket(event, Q(ticket_secret__iexact=keys), keys)
    return registration


def _ticket(event: Event, secret: Q, text: str) -> Registration | None:
    query = secret
    code = normalise_code(text)
    if code:
        query |= Q(code=code)
    registration = for_scan(Registration.objects.filter(query, event_id=event.pk)).first()
    if registration is not None:
        registration.event = event
    return registration


def check_in(
    *,
    checkpoint: Checkpoint,
    registration: Registration | None,
    user=None,
    device: str = "",
    now: datetime | None = None,
    client_scan_id=None,
    for_session: Session | None = None,
) -> CheckInOutcome:
    """Admit a registration at a checkpoint, or say why not. Idempotent; with
    `client_scan_id` (a scan a desk queued offline), also per scan: sent again,
    the scan finds its own row, even undone, and admits no one a second time
    (the id is unique in the database).
    At a room door the admission is to the session running now (or next today);
    a door that admits to one session only (a plenary's) names it in
    `for_session`, which must be in the door's room, today, and not over."""
    now = now or desk_now(checkpoint.event)
    event = checkpoint.event
    today = event.local(now).date()
    if registration is None or registration.event_id != event.pk:
        return CheckInOutcome(Result.REFUSED, "unknown")
    refusal = _status_refusal(registration)
    if refusal:
        return CheckInOutcome(Result.REFUSED, refusal, registration)
    session = None
    if checkpoint.kind == CheckpointKind.ENTRANCE:
        if checkpoint.day != today:
            return CheckInOutcome(Result.REFUSED, "wrong_checkpoint", registration)
        if not _admitted_on(registration, today, checkpoint):
            return CheckInOutcome(Result.REFUSED, "wrong_day", registration)
    else:
        if for_session is None:
            session = current_session(checkpoint, now)
        else:
            session = _open_session(checkpoint, for_session, now)
        if session is None:
            return CheckInOutcome(Result.REFUSED, "wrong_checkpoint", registration)
        if session.booking_required:
            return _check_in_to_seat(
                checkpoint, registration, session, user=user, device=device, now=now, client_scan_id=client_scan_id
            )
    return _admit(checkpoint, registration, session, user=user, device=device, now=now, client_scan_id=client_scan_id)


def _admit(checkpoint, registration, session, *, user, device, now, client_scan_id=None, **flags) -> CheckInOutcome:
    """Insert the admission (or find the live one: "already")."""
    today = checkpoint.event.local(now).date()
    row = CheckIn(
        registration=registration,
        checkpoint=checkpoint,
        session=session,
        day=today,
        checked_in_at=now,
        checked_in_by=user if user and user.is_authenticated else None,
        device=device[:80],
        client_scan_id=client_scan_id,
    )
    try:
        _insert(row)
        checkin = row
    except IntegrityError:
        if client_scan_id is not None:
            sent = CheckIn.objects.filter(client_scan_id=client_scan_id).select_related("checkpoint", "session").first()
            if sent is not None:
                return CheckInOutcome(Result.OK, "", registration, sent, sent.session, replayed=True)
        checkin = live_checkin(registration, checkpoint, today, session=session)
        if checkin is None:  # undone between the insert and this read: try once more
            return check_in(
                checkpoint=checkpoint,
                registration=registration,
                user=user,
                device=device,
                now=now,
                client_scan_id=client_scan_id,
                for_session=session,  # the same session again (None at an entrance)
            )
        return CheckInOutcome(Result.ALREADY, "", registration, checkin, session)
    return CheckInOutcome(Result.OK, "", registration, checkin, session, **flags)


def _check_in_to_seat(checkpoint, registration, session, *, user, device, now, client_scan_id=None) -> CheckInOutcome:
    """At the door of a session that needs booking, the rule: a confirmed
    booking admits; a booking the no-show job released comes back if a seat is
    still free (registration/noshows.py); anyone else with a place at the event
    is let in while a seat is free (nobody holds it: free_seats), and refused
    ("full") when none is. Decided under the session's lock, which the no-show
    job takes too, so a person scanned while their seat is being released
    either keeps it or gets it back (docs/rooms.md)."""
    with transaction.atomic():
        session = Session.objects.select_for_update().get(pk=session.pk)
        if _holds_seat(registration, session):
            return _admit(
                checkpoint, registration, session, user=user, device=device, now=now, client_scan_id=client_scan_id
            )
        already = live_checkin(registration, checkpoint, checkpoint.event.local(now).date(), session=session)
        if already is not None:
            return CheckInOutcome(Result.ALREADY, "", registration, already, session)
        release = noshows.released_booking(registration, session)
        if release is not None:
            try:
                noshows.reverse_at_door(release=release, user=user, now=now)
            except RegistrationError:
                pass
            else:
                return _admit(
                    checkpoint,
                    registration,
                    session,
                    user=user,
                    device=device,
                    now=now,
                    client_scan_id=client_scan_id,
                    restored=True,
                )
        if noshows.free_seats(session):
            return _admit(
                checkpoint,
                registration,
                session,
                user=user,
                device=device,
                now=now,
                client_scan_id=client_scan_id,
                unbooked=True,
            )
        return CheckInOutcome(Result.REFUSED, "full", registration, session=session)


def _open_session(checkpoint: Checkpoint, session: Session, now: datetime) -> Session | None:
    """`session` when people may be admitted to it at this door now: in the
    door's room, published, today in the event's time zone and not over."""
    event = checkpoint.event
    if (
        session.room_id != checkpoint.room_id
        or session.event_id != event.pk
        or not session.is_published
        or event.local(session.starts_at).date() != event.local(now).date()
        or session.ends_at <= now
    ):
        return None
    return session


def _holds_seat(registration: Registration, session: Session) -> bool:
    """A confirmed seat in `session`; no query when the registration was read
    with `holds_seats` false (for_scan)."""
    if getattr(registration, "holds_seats", None) is False:
        return False
    return registration.bookings.filter(session=session).confirmed().exists()


def _insert(checkin: CheckIn) -> None:
    """Insert the row; the database's partial unique constraint refuses a second
    live admission. In autocommit (a desk's request) the single INSERT is its own
    transaction: no BEGIN, savepoint or COMMIT round trip; inside a transaction,
    a savepoint keeps the caller's transaction usable after the refusal. The
    audit trail's row goes with it (audit.insert_recorded: in the same statement
    on PostgreSQL)."""
    if transaction.get_connection().in_atomic_block:
        with transaction.atomic():
            audit.insert_recorded(checkin)
    else:
        audit.insert_recorded(checkin)


def undo(*, checkin: CheckIn, user=None, now: datetime | None = None) -> CheckIn:
    """Undo a mistaken check-in; recorded, not deleted. Undoing twice is a no-op."""
    with transaction.atomic():
        checkin = CheckIn.objects.select_for_update().get(pk=checkin.pk)
        if checkin.undone_at is None:
            checkin.undone_at = now or desk_now()
            checkin.undone_by = user if user and user.is_authenticated else None
            checkin.save(update_fields=["undone_at", "undone_by"])
    return checkin


def live_checkin(
    registration: Registration, checkpoint: Checkpoint, day: date, *, session: Session | None = None
) -> CheckIn | None:
    """The registration's admission at this checkpoint on this day (at a room
    door, to `session` when given; else the latest of the day)."""
    checkins = CheckIn.objects.filter(registration=registration, checkpoint=checkpoint, day=day, undone_at__isnull=True)
    if session is not None:
        checkins = checkins.filter(session=session)
    return checkins.select_related("checkpoint").order_by("-checked_in_at", "-pk").first()


def current_session(checkpoint: Checkpoint, now: datetime) -> Session | None:
    """The session in a checkpoint's room that is running now, or the next one
    today (people queue before it starts)."""
    if checkpoint.room_id is None:
        return None
    today = checkpoint.event.local(now).date()
    sessions = Session.objects.published().filter(room_id=checkpoint.room_id).on_day(checkpoint.event, today)
    return sessions.filter(ends_at__gt=now).order_by("starts_at").first()


def _status_refusal(registration: Registration) -> str:
    return {
        Status.CANCELLED: "cancelled",
        Status.REJECTED: "rejected",
        Status.WAITLISTED: "waitlisted",
        Status.PENDING: "pending",
    }.get(registration.status, "")


def _admitted_on(registration: Registration, day: date, checkpoint: Checkpoint) -> bool:
    """Delegates, press and exhibitor staff come every day; others on the days
    with a session open to citizens. An entrance from the scans' shared copy
    (registration/desk/queries.py) brings its day's answer along."""
    if registration.category in EVERY_DAY:
        return True
    known = getattr(checkpoint, "open_to_citizens", None)
    if known is not None and checkpoint.day == day:
        return known
    return open_to_citizens(registration.event, day)


def open_to_citizens(event: Event, day: date) -> bool:
    """Whether a published session open to citizens takes place that day: asked
    once per day and content version (events/pagecache.py: renewed by every
    organiser's edit of the programme), not on every scan."""
    key = f"checkin:open-to-citizens:{event.pk}:{day.isoformat()}:{pagecache.content_version()}"
    known = cache.get(key)
    if known is None:
        sessions = Session.objects.published().for_event(event).on_day(event, day)
        known = sessions.filter(audience=Audience.PUBLIC).exists()
        cache.set(key, known, 3600)
    return known
