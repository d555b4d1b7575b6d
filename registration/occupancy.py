"""How full each room is, live, from the check-ins at its door (docs/rooms.md).

For the session running now in a room with a room-door checkpoint: the people
inside are its live check-ins at a room door (not undone, not checked out),
against the session's capacity (its bookable seats), else the room's seats.
The state: "full" at 100 %, "filling" from FILLING_PERCENT, else "free". A
full room points to its overflow room (Room.overflow_room), else to the
session's live stream.

Shown only on the event's days, by the desk's clock (registration/clock.py: a
rehearsal day shows it with `make run`). The public pages are page-cached
(events/pagecache.py), so they carry only placeholders; the figures come from
rooms_json() (registration/live.py serves it; static/js/occupancy.js fills
them in), computed in one query and shared through the cache for
CACHE_SECONDS.
"""

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count, Exists, OuterRef, Q
from django.utils.translation import gettext as _

from events.models import Event, Session
from registration.clock import desk_now
from registration.models import Checkpoint, CheckpointKind

FILLING_PERCENT = 80
CACHE_SECONDS = 20

STATES = ("free", "filling", "full")


@dataclass(frozen=True)
class Pointer:
    """Where to send people when a room is full."""

    text: str
    url: str = ""


@dataclass(frozen=True)
class RoomFigures:
    session: Session
    inside: int
    capacity: int | None

    @property
    def state(self) -> str:
        return state_of(self.inside, self.capacity)

    @property
    def label(self) -> str:
        return label_of(self.state)

    @property
    def pointer(self) -> Pointer | None:
        return pointer_for(self.session) if self.state == "full" else None


def state_of(inside: int, capacity: int | None) -> str:
    """ "full" when every seat is taken, "filling" from FILLING_PERCENT % of
    them, else "free"; "" without a capacity (nothing to compare with)."""
    if not capacity:
        return ""
    if inside >= capacity:
        return "full"
    if inside * 100 >= capacity * FILLING_PERCENT:
        return "filling"
    return "free"


def label_of(state: str) -> str:
    return {"free": _("Seats free"), "filling": _("Filling up"), "full": _("Full")}.get(state, "")


def pointer_for(session: Session) -> Pointer | None:
    """The overflow room of the session's room, else its live stream, else None."""
    room = session.room
    overflow = room.overflow_room if room is not None else None
    if overflow is not None:
        where = f"{overflow.name}, {overflow.location}" if overflow.location else overflow.name
        return Pointer(_("Go to the overflow room: %(room)s.") % {"room": where})
    if session.live_stream_url:
        return Pointer(_("Watch the live stream."), session.live_stream_url)
    return None


def is_on(event: Event, now: datetime) -> bool:
    """Whether `now` (the desk's clock) is on one of the event's days, in its time zone."""
    return event.start_date <= event.local(now).date() <= event.end_date


def inside_count() -> Count:
    """The people inside a session's room: live check-ins at a room door, not checked out."""
    return Count(
        "checkins",
        filter=Q(
            checkins__undone_at__isnull=True,
            checkins__checked_out_at__isnull=True,
            checkins__checkpoint__kind=CheckpointKind.ROOM,
        ),
    )


def room_figures(event: Event, now: datetime | None = None) -> list[RoomFigures]:
    """The figures of every room with a door checkpoint whose session is running
    now; [] outside the event's days. One query."""
    now = now or desk_now(event)
    if not is_on(event, now):
        return []
    door = Checkpoint.objects.filter(room=OuterRef("room"), kind=CheckpointKind.ROOM)
    sessions = (
        Session.objects.published()
        .for_event(event)
        .filter(Exists(door), starts_at__lte=now, ends_at__gt=now)
        .select_related("room", "room__overflow_room")
        .annotate(inside=inside_count())
        .order_by("room__position", "room__name", "starts_at")
    )
    figures = []
    for session in sessions:
        session.event = event  # the live stream falls back to the event's: no query
        figures.append(RoomFigures(session, session.inside, _capacity(session)))
    return figures


def session_figures(session: Session, now: datetime) -> RoomFigures | None:
    """One running session's figures (the desk at its door); None when it is not
    running or has no capacity. One query."""
    if not (session.starts_at <= now < session.ends_at):
        return None
    inside = Session.objects.filter(pk=session.pk).aggregate(n=inside_count())["n"]
    figures = RoomFigures(session, inside, _capacity(session))
    return figures if figures.capacity else None


def _capacity(session: Session) -> int | None:
    """The session's bookable seats (the door admits no more), else the room's seats."""
    if session.capacity:
        return session.capacity
    return session.room.capacity if session.room_id else None


def figures_json(figures: RoomFigures) -> dict:
    pointer = figures.pointer
    return {
        "session": figures.session.slug,
        "room": figures.session.room.name if figures.session.room_id else "",
        "state": figures.state,
        "label": figures.label,
        "inside": figures.inside,
        "capacity": figures.capacity,
        "text": _("%(label)s: %(inside)s of %(capacity)s seats taken")
        % {"label": figures.label, "inside": figures.inside, "capacity": figures.capacity}
        if figures.capacity
        else "",
        "pointer": {"text": pointer.text, "url": pointer.url} if pointer else None,
    }


def rooms_json(event: Event | None, now: datetime | None = None) -> dict:
    """What /live/rooms.json answers: whether figures are shown at all, and each
    room's (see the module). Outside the event's days: {"live": false, "rooms": []}."""
    if not event:
        return {"live": False, "rooms": []}
    now = now or desk_now(event)
    if not is_on(event, now):
        return {"live": False, "rooms": []}
    rooms = [figures_json(f) for f in room_figures(event, now) if f.capacity]
    return {"live": True, "as_of": event.local(now).isoformat(timespec="seconds"), "rooms": rooms}
