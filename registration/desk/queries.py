"""Reads for the check-in desk, its walk-in and badge pages. Each answers in a
fixed, small number of queries whatever the number of rows: the desk's endpoints
are on the queue's critical path (see the benchmark), so nothing here loops over
rows in SQL. The walk-in's duplicate check (likely_registrations) finds the
registrations a walk-in may already have, so that a citizen who registered online
and lost the QR is found rather than registered twice."""

import hashlib
import uuid
from dataclasses import dataclass
from datetime import date, datetime
from functools import reduce
from operator import and_, or_

from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import BooleanField, Exists, ExpressionWrapper, OuterRef, Prefetch, Q, TextField, Value
from django.db.models.functions import Lower, Replace

from events import pagecache
from events.models import Event, Session
from registration.checkin import EVERY_DAY, current_session, for_scan, open_to_citizens, with_needs_consent
from registration.models import (
    Booking,
    BookingStatus,
    CheckIn,
    Checkpoint,
    CheckpointKind,
    Registration,
    Status,
)
from registration.search import fold

SEARCH_MIN_LENGTH = 2
SEARCH_LIMIT = 10
# A scan's answer carries the checkpoint's figures as counted at most this many
# seconds before (shared by every desk and node through the cache).
COUNTERS_SECONDS = 3
# The scans' copy of a checkpoint (shared_checkpoint) is dropped after this many
# seconds in any case, and at once when an organiser changes what it holds.
CHECKPOINT_SECONDS = 60
CHECKPOINTS_VERSION_KEY = "desk:checkpoints:version"
CANDIDATE_LIMIT = 10
NAME_MIN_LENGTH = 2  # a folded name (or name part) shorter than this matches too many people


def checkpoints_of(event: Event) -> list[Checkpoint]:
    """The event's checkpoints: entrances by day, then room doors."""
    return list(Checkpoint.objects.filter(event=event).select_related("room").order_by("kind", "day", "position", "pk"))


def rooms_with_sessions_on(event: Event, day: date) -> set[int]:
    """Ids of the rooms with a published session starting on `day`."""
    return set(
        Session.objects.published()
        .for_event(event)
        .on_day(event, day)
        .filter(room__isnull=False)
        .values_list("room_id", flat=True)
    )


def checkpoint_by_slug(slug: str) -> Checkpoint | None:
    """A checkpoint of the current event, with its event and room (one query)."""
    if not isinstance(slug, str) or not slug or len(slug) > 60:
        return None
    return Checkpoint.objects.select_related("event", "room").filter(event__is_current=True, slug=slug).first()


def shared_checkpoint(slug: str) -> Checkpoint | None:
    """checkpoint_by_slug() for the scans, kept in the shared cache: one cache
    round trip instead of a query. A kept copy is used only while no event,
    session or room (the public pages' content version, events/pagecache.py:
    also renewed when the current edition switches) and no checkpoint
    (CHECKPOINTS_VERSION_KEY, renewed by checkpoints_changed) was changed since
    it was read, and for CHECKPOINT_SECONDS at most. The versions are read before
    the row, so a copy read during an edit is stored under the old versions and
    never used. Its event's seat count is not read from it (counters() reads
    it afresh). An entrance's copy also holds whether its day is open to
    citizens (checkin.open_to_citizens), which follows the same content version."""
    if not isinstance(slug, str) or not slug or len(slug) > 60:
        return None
    key = f"desk:checkpoint:{slug}"
    found = cache.get_many([pagecache.VERSION_KEY, CHECKPOINTS_VERSION_KEY, key])
    versions = [found.get(pagecache.VERSION_KEY), found.get(CHECKPOINTS_VERSION_KEY)]
    entry = found.get(key)
    if isinstance(entry, dict) and None not in versions and entry["versions"] == versions:
        return entry["checkpoint"]
    for version_key, version in zip((pagecache.VERSION_KEY, CHECKPOINTS_VERSION_KEY), versions, strict=True):
        if version is None:  # first use, or the cache was emptied: kept from the next scan on
            cache.add(version_key, uuid.uuid4().hex, None)
    checkpoint = checkpoint_by_slug(slug)
    if checkpoint is not None and None not in versions:
        if checkpoint.kind == CheckpointKind.ENTRANCE and checkpoint.day is not None:
            checkpoint.open_to_citizens = open_to_citizens(checkpoint.event, checkpoint.day)
        cache.set(key, {"versions": versions, "checkpoint": checkpoint}, CHECKPOINT_SECONDS)
    return checkpoint


def checkpoints_changed(**_signal_kwargs) -> None:
    """Drop the scans' copies of every checkpoint (a checkpoint saved or deleted:
    registration/signals.py), now and when the transaction commits."""
    _new_checkpoints_version()
    transaction.on_commit(_new_checkpoints_version, robust=True)


def _new_checkpoints_version() -> None:
    cache.set(CHECKPOINTS_VERSION_KEY, uuid.uuid4().hex, None)


def registration_by_code(code, *, event_id: int | None = None) -> Registration | None:
    """The registration with this code however it was typed (of the event, when
    given), with its event and what a scan's answer needs (checkin.for_scan; one query)."""
    registrations = Registration.objects.select_related("event").with_code(code)
    if event_id is not None:
        registrations = registrations.filter(event_id=event_id)
    return for_scan(registrations).first()


def checkin_for_undo(checkin_id: int) -> CheckIn | None:
    """A check-in of the current event, with what the answer shows about it."""
    return (
        CheckIn.objects.select_related("registration", "checkpoint__event", "checkpoint__room")
        .filter(pk=checkin_id, checkpoint__event__is_current=True)
        .first()
    )


def search(
    *,
    event_id: int,
    text: str,
    checkpoint: Checkpoint | None = None,
    day: date | None = None,
    session: Session | None = None,
):
    """Up to SEARCH_LIMIT registrations whose name, e-mail, organisation or code
    contains `text`, folded (case- and accent-insensitive, Hangul or Latin).
    With a checkpoint, each is annotated `checked_in_here` (a live check-in there
    on `day`; at a room door, to `session`), and `needs_consented` for the attention mark. One query; an empty
    list for fewer than two characters."""
    folded = fold(text)
    if len(folded) < SEARCH_MIN_LENGTH:
        return []
    registrations = Registration.objects.filter(event_id=event_id, search_text__contains=folded[:100])
    if checkpoint is not None:
        here = CheckIn.objects.filter(
            registration=OuterRef("pk"), checkpoint=checkpoint, day=day, undone_at__isnull=True
        )
        if session is not None:  # a room door admits once per session
            here = here.filter(session=session)
        registrations = registrations.annotate(checked_in_here=Exists(here))
    fields = ["pk", "code", "name", "organisation", "city", "email", "category", "status"]
    fields += ["needs_attention", "attention_note", "needs"]
    return list(with_needs_consent(registrations).only(*fields).order_by("name", "pk")[:SEARCH_LIMIT])


def booked_sessions(registration: Registration) -> list[Session]:
    """The sessions a registration holds a seat in, in time order (one query,
    none when the registration was read with `holds_seats` false: checkin.for_scan),
    with only what a scan's answer shows of them: title, times, room name."""
    if getattr(registration, "holds_seats", None) is False:
        return []
    return list(
        Session.objects.filter(
            bookings__registration=registration, bookings__status=BookingStatus.CONFIRMED, is_published=True
        )
        .select_related("room")
        .only("title", "starts_at", "ends_at", "room__name")
        .order_by("starts_at", "pk")
    )


@dataclass
class Counters:
    day: date
    registered: int
    entered_today: int  # distinct people with a live check-in at any entrance today
    here_today: int  # distinct people with a live check-in at this checkpoint today
    session: Session | None = None  # a room's current (or next) session
    inside: int | None = None  # checked in at this room for that session

    @property
    def booked(self) -> int | None:
        if self.session is None or not self.session.booking_required:
            return None
        return self.session.seats_booked


def session_at(checkpoint: Checkpoint, now: datetime) -> Session | None:
    """A room checkpoint's current (or next) session today, its room attached."""
    session = current_session(checkpoint, now) if checkpoint.kind == CheckpointKind.ROOM else None
    if session is not None:
        session.room = checkpoint.room  # the same row (current_session filters on it): saves a query
    return session


NOT_LOOKED_UP = object()


def counters(checkpoint: Checkpoint, now: datetime, session=NOT_LOOKED_UP) -> Counters:
    """The desk's live figures in one query (a room's current session is
    looked up first when the caller does not know it). "Registered" is the
    event's own count of places held (Event.seats_taken, kept by the
    registration services with the rows, and equal to a recount), read in the
    same statement, so that a checkpoint from the scans' shared copy (whose
    event may be old) shows it afresh."""
    event = checkpoint.event
    today = event.local(now).date()
    if session is NOT_LOOKED_UP:
        session = session_at(checkpoint, now)
    params = [event.pk, CheckpointKind.ENTRANCE, checkpoint.pk, checkpoint.pk, session.pk if session else None]
    with connection.cursor() as cursor:
        cursor.execute(_COUNTERS_SQL, [*params, event.pk, today])
        registered, entered, here, inside = cursor.fetchone()
    return Counters(
        day=today,
        registered=registered or 0,
        entered_today=entered,
        here_today=here,
        session=session,
        inside=inside if session is not None else None,
    )


# counters() as one statement, written out: a scan's answer runs it each time, and
# the ORM spent several times longer building it than the database running it.
# Distinct people with a live check-in on the day: at any entrance of the event,
# at this checkpoint, and at this checkpoint for the session (0 without one).
# Parameters: event, "entrance", checkpoint, checkpoint, session (or NULL), event, day.
_COUNTERS_SQL = f"""
SELECT
    (SELECT e.seats_taken FROM {Event._meta.db_table} e WHERE e.id = %s),
    COUNT(DISTINCT CASE WHEN p.kind = %s THEN c.registration_id END),
    COUNT(DISTINCT CASE WHEN c.checkpoint_id = %s THEN c.registration_id END),
    COUNT(DISTINCT CASE WHEN c.checkpoint_id = %s AND c.session_id = %s THEN c.registration_id END)
FROM {CheckIn._meta.db_table} c
JOIN {Checkpoint._meta.db_table} p ON p.id = c.checkpoint_id
WHERE p.event_id = %s AND c.day = %s AND c.undone_at IS NULL
"""  # noqa: S608 (table names from the models, every value a parameter)


def recent_counters(checkpoint: Checkpoint, now: datetime, session=NOT_LOOKED_UP) -> Counters:
    """counters() as counted at most COUNTERS_SECONDS before by any desk, for the
    answer to a scan that checked nobody in (already checked in, refused): a burst
    of such scans counts once, not once per scan."""
    today = checkpoint.event.local(now).date()
    if session is NOT_LOOKED_UP:
        session = session_at(checkpoint, now)
    known = cache.get(_counters_key(checkpoint, today, session))
    if isinstance(known, dict):
        return Counters(day=today, session=session, **known)
    return counted(checkpoint, now, session)


def counted(checkpoint: Checkpoint, now: datetime, session=NOT_LOOKED_UP) -> Counters:
    """counters() counted now, and kept for the scans of the next few seconds."""
    figures = counters(checkpoint, now, session)
    known = {"registered": figures.registered, "entered_today": figures.entered_today}
    known.update(here_today=figures.here_today, inside=figures.inside)
    cache.set(_counters_key(checkpoint, figures.day, figures.session), known, COUNTERS_SECONDS)
    return figures


def _counters_key(checkpoint: Checkpoint, day: date, session: Session | None) -> str:
    return f"desk:counters:{checkpoint.pk}:{day.isoformat()}:{session.pk if session else 0}"


# The desk's offline list ------------------------------------------------------------------


@dataclass(frozen=True)
class Admissible:
    """Who a checkpoint admits now (for the desk's offline list): each person's
    name, code and ticket secret, and the room's session the list is for."""

    people: list[tuple[str, str, str]]
    session: Session | None = None


def admissible(checkpoint: Checkpoint, now: datetime) -> Admissible:
    """The registrations checkin.check_in() would admit at `checkpoint` now:
    confirmed; at an entrance on its own day, and on a day without a session
    open to citizens only delegates, press and exhibitors; at a room door, for
    its current or next session, and only the seat holders when that session
    needs a seat. One query (a room door looks up its session first; an entrance
    asks whether the day is open to citizens, a cached answer)."""
    event = checkpoint.event
    today = event.local(now).date()
    registrations = Registration.objects.filter(event_id=event.pk, status=Status.CONFIRMED)
    session = None
    if checkpoint.kind == CheckpointKind.ENTRANCE:
        if checkpoint.day != today:
            return Admissible(people=[])
        if not open_to_citizens(event, today):
            registrations = registrations.filter(category__in=EVERY_DAY)
    else:
        session = session_at(checkpoint, now)
        if session is None:
            return Admissible(people=[])
        if session.booking_required:
            seats = Booking.objects.filter(registration=OuterRef("pk"), session=session).confirmed()
            registrations = registrations.filter(Exists(seats))
    people = registrations.order_by("name", "pk").values_list("name", "code", "ticket_secret")
    return Admissible(people=list(people), session=session)


# Walk-in and badges ------------------------------------------------------------------------


@dataclass(frozen=True)
class Candidate:
    """A registration that may be the walk-in's, and why it was found."""

    registration: Registration
    same_email: bool
    same_phone: bool
    similar_name: bool


def registration_for_badge_page(code, *, event: Event) -> Registration | None:
    """A registration with its event and its (not cancelled) bookings and their
    sessions and rooms: what the page after a walk-in shows (two queries)."""
    bookings = Booking.objects.active().select_related("session__room").in_time_order()
    return (
        Registration.objects.select_related("event")
        .prefetch_related(Prefetch("bookings", queryset=bookings, to_attr="held_bookings"))
        .for_event(event)
        .with_code(code)
        .first()
    )


def likely_registrations(*, event: Event, name: str, email: str = "", phone: str = "") -> list[Candidate]:
    """Registrations of `event` that may be this person's: the same e-mail address
    (compared as the unique constraint compares it, lower-cased), the same phone
    number (`phone` in E.164, as stored), or a similar name: the folded name
    (case and accents ignored) within the registration's search text, spaces
    ignored, or every part of the name found there ("Minjun Kim" finds "Kim
    Minjun"). Best matches first, at most CANDIDATE_LIMIT."""
    matches = {}
    email = (email or "").strip()
    if email:
        matches["same_email"] = ~Q(email="") & Q(email_key=Lower(Value(email)))
    if phone:
        matches["same_phone"] = Q(phone=str(phone))
    name_match = _similar_name(name)
    if name_match is not None:
        matches["similar_name"] = name_match
    if not matches:
        return []
    registrations = (
        Registration.objects.filter(event=event)
        .alias(
            email_key=Lower("email"),
            compact_text=Replace("search_text", Value(" "), Value(""), output_field=TextField()),
        )
        .annotate(**{key: ExpressionWrapper(q, output_field=BooleanField()) for key, q in matches.items()})
        .filter(reduce(or_, matches.values()))
        .order_by(*(f"-{key}" for key in matches), "name", "pk")
        .only("pk", "code", "name", "organisation", "category", "status", "email", "phone", "event_id")
    )
    return [
        Candidate(
            registration=registration,
            same_email=bool(getattr(registration, "same_email", False)),
            same_phone=bool(getattr(registration, "same_phone", False)),
            similar_name=bool(getattr(registration, "similar_name", False)),
        )
        for registration in registrations[:CANDIDATE_LIMIT]
    ]


def identity_key(*, event: Event, name: str, email: str = "", phone: str = "") -> str:
    """A digest of what the duplicate check looked at: staff who confirm "none of
    these" confirm it for these values only; change one and the check runs again."""
    text = "\x1f".join([str(event.pk), fold(name), (email or "").strip().lower(), str(phone or "")])
    return hashlib.sha256(text.encode()).hexdigest()


def _similar_name(name: str) -> Q | None:
    folded = fold(name)
    compact = "".join(folded.split())
    if len(compact) < NAME_MIN_LENGTH:
        return None
    match = Q(compact_text__contains=compact)
    parts = [part for part in folded.split() if len(part) >= NAME_MIN_LENGTH]
    if len(parts) > 1:
        match |= reduce(and_, (Q(search_text__contains=part) for part in parts))
    return match
