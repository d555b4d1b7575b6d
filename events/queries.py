"""Reads for the public pages. Each returns everything a page lists in a fixed
number of queries, whatever the number of rows."""

from dataclasses import dataclass, field
from datetime import date, datetime
from itertools import groupby

from django.db.models import Count, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce

from events.models import (
    CityRole,
    Event,
    Exhibitor,
    ExhibitorKind,
    ParticipatingCity,
    Room,
    Session,
    SessionKind,
    SessionSpeaker,
    Speaker,
    SpeakerRole,
)

# Session kinds the home page and the exhibition page look for (SessionKind.slug).
KIND_WORKSHOP = "workshop"
KIND_EXHIBITION = "exhibition"


def get_current_event() -> Event | None:
    return Event.objects.current().first()


# --- The archive of past editions -------------------------------------------------


def past_editions(current: Event | None, today: date) -> list[Event]:
    """The archive's editions, latest first (one query)."""
    return list(Event.objects.past(current, today).order_by("-start_date", "pk"))


def past_edition(slug: str, current: Event | None, today: date) -> Event | None:
    """The past edition with this address name, or None (one query): the current
    edition and those prepared for later have no archive pages."""
    return Event.objects.past(current, today).filter(slug=slug).first()


def published_sessions(event: Event) -> QuerySet[Session]:
    return Session.objects.published().for_event(event)


# --- Programme ---------------------------------------------------------------


@dataclass(frozen=True)
class ProgrammeIndex:
    """Which days have sessions, overall and per kind (one small query)."""

    days: list[date]
    days_by_kind: dict[str, list[date]]

    def days_with(self, kind: SessionKind | None) -> list[date]:
        return self.days_by_kind.get(kind.slug, []) if kind else self.days


def programme_index(event: Event) -> ProgrammeIndex:
    days: set[date] = set()
    by_kind: dict[str, set[date]] = {}
    for starts_at, kind_slug in published_sessions(event).values_list("starts_at", "kind__slug"):
        day = event.local(starts_at).date()
        days.add(day)
        by_kind.setdefault(kind_slug, set()).add(day)
    return ProgrammeIndex(days=sorted(days), days_by_kind={k: sorted(v) for k, v in by_kind.items()})


def programme_tabs(event: Event, index: ProgrammeIndex) -> list[date]:
    """One tab per day of the event, plus any day outside it that has sessions."""
    return sorted(set(event.days()) | set(index.days))


def default_programme_day(event: Event, index: ProgrammeIndex, kind: SessionKind | None, moment: datetime) -> date:
    """Today while the event runs (or its next day with sessions), otherwise the
    first day with sessions (of the kind filtered on)."""
    today = event.local(moment).date()
    candidates = index.days_with(kind)
    if not candidates:
        return today if event.start_date <= today <= event.end_date else event.start_date
    if event.start_date <= today <= event.end_date:
        return next((day for day in candidates if day >= today), candidates[0])
    return candidates[0]


def programme_kinds(event: Event) -> QuerySet[SessionKind]:
    """The kinds that have published sessions in the event, for the filter."""
    return SessionKind.objects.filter(pk__in=published_sessions(event).values("kind")).order_by("position", "slug")


def programme_for(event: Event, day: date | None = None, kind: SessionKind | None = None) -> QuerySet[Session]:
    """Published sessions with kind, room and speakers, in time order (their booked
    seats are on the row: Session.seats_booked)."""
    sessions = published_sessions(event)
    if day is not None:
        sessions = sessions.on_day(event, day)
    if kind is not None:
        sessions = sessions.filter(kind=kind)
    return sessions.with_details().order_by("starts_at", "room__position", "pk")


@dataclass(frozen=True)
class TimeSlot:
    starts_at: datetime
    sessions: list[Session]

    @property
    def is_parallel(self) -> bool:
        return len(self.sessions) > 1


def time_slots(sessions) -> list[TimeSlot]:
    """Group sessions (in time order) by start time: a slot of several is parallel."""
    return [TimeSlot(starts_at, list(group)) for starts_at, group in groupby(sessions, key=lambda s: s.starts_at)]


def booked_seats() -> list[tuple[int, int]]:
    """(session, seats booked) of every session that takes bookings, for the page cache's
    seat fingerprint (events/pagecache.py): one small query."""
    return list(Session.objects.filter(booking_required=True).order_by("pk").values_list("pk", "seats_booked"))


def session_for(event: Event, slug: str) -> Session | None:
    return programme_for(event).filter(slug=slug).first()


# --- Home --------------------------------------------------------------------


@dataclass(frozen=True)
class NowAndNext:
    state: str  # "before", "during" or "after"
    now: list[Session] = field(default_factory=list)
    next: list[Session] = field(default_factory=list)

    @property
    def next_starts_at(self) -> datetime | None:
        return self.next[0].starts_at if self.next else None

    @property
    def changes_at(self) -> datetime | None:
        """When a running session ends or the next one starts: what is "now" changes then."""
        moments = [s.ends_at for s in self.now] + ([self.next_starts_at] if self.next else [])
        return min(moments) if moments else None


def now_and_next(event: Event, moment: datetime) -> NowAndNext:
    """What runs at `moment` and what starts next (all sessions sharing the next
    start time). Before the event `next` holds its first sessions."""
    today = event.local(moment).date()
    if today > event.end_date:
        return NowAndNext("after")
    sessions = list(published_sessions(event).filter(ends_at__gt=moment).with_details().order_by("starts_at", "pk"))
    running = [s for s in sessions if s.starts_at <= moment]
    upcoming = [s for s in sessions if s.starts_at > moment]
    following = [s for s in upcoming if s.starts_at == upcoming[0].starts_at] if upcoming else []
    if today < event.start_date:
        return NowAndNext("before", running, following)
    if not running and not following:
        return NowAndNext("after")
    return NowAndNext("during", running, following)


@dataclass(frozen=True)
class Highlights:
    keynotes: list[SessionSpeaker]
    workshops: list[Session]
    exhibition: list[Session]
    streamed: list[Session]

    def __bool__(self):
        return bool(self.keynotes or self.workshops or self.exhibition or self.streamed)


def highlights_for(event: Event) -> Highlights:
    """Keynotes, workshops, exhibition opening hours and streamed sessions."""
    sessions = list(
        published_sessions(event)
        .filter(
            Q(kind__slug__in=[KIND_WORKSHOP, KIND_EXHIBITION])
            | Q(is_streamed=True)
            | Q(appearances__role=SpeakerRole.KEYNOTE)
        )
        .distinct()
        .with_details()
        .order_by("starts_at", "room__position", "pk")
    )
    return Highlights(
        keynotes=[a for s in sessions for a in s.appearances.all() if a.role == SpeakerRole.KEYNOTE],
        workshops=[s for s in sessions if s.kind.slug == KIND_WORKSHOP],
        exhibition=[s for s in sessions if s.kind.slug == KIND_EXHIBITION],
        streamed=[s for s in sessions if s.is_streamed],
    )


# --- Speakers, exhibition, cities, live, venue, about ---------------------------


def speakers_for(event: Event) -> QuerySet[Speaker]:
    """Speakers with their appearances in published sessions (session prefetched)."""
    appearances = (
        SessionSpeaker.objects.filter(session__is_published=True, session__event=event)
        .select_related("session")
        .order_by("session__starts_at", "position", "pk")
    )
    return (
        Speaker.objects.filter(event=event)
        .prefetch_related(Prefetch("appearances", queryset=appearances))
        .order_by("name", "pk")
    )


@dataclass(frozen=True)
class Exhibition:
    pavilions: list[Exhibitor]
    companies: list[Exhibitor]
    sessions: list[Session]

    def __bool__(self):
        return bool(self.pavilions or self.companies or self.sessions)


def exhibitors_for(event: Event) -> QuerySet[Exhibitor]:
    return Exhibitor.objects.filter(event=event).order_by("kind", "position", "name", "pk")


def exhibition_for(event: Event) -> Exhibition:
    exhibitors = list(exhibitors_for(event))
    sessions = published_sessions(event).filter(kind__slug=KIND_EXHIBITION).select_related("room").order_by("starts_at")
    return Exhibition(
        pavilions=[e for e in exhibitors if e.kind == ExhibitorKind.PAVILION],
        companies=[e for e in exhibitors if e.kind == ExhibitorKind.COMPANY],
        sessions=list(sessions),
    )


@dataclass(frozen=True)
class CityGroup:
    role: str
    cities: list[ParticipatingCity]


def cities_for(event: Event) -> QuerySet[ParticipatingCity]:
    return ParticipatingCity.objects.filter(event=event).order_by("position", "name", "pk")


def city_groups(cities) -> list[CityGroup]:
    """Chair, vice-chairs, then members; empty groups left out."""
    cities = list(cities)
    groups = [CityGroup(role, [c for c in cities if c.role == role]) for role in CityRole.values]
    return [g for g in groups if g.cities]


def streamed_sessions(event: Event) -> QuerySet[Session]:
    return published_sessions(event).filter(is_streamed=True).with_details().order_by("starts_at", "pk")


def rooms_for(event: Event) -> QuerySet[Room]:
    return Room.objects.filter(event=event).order_by("position", "name")


@dataclass(frozen=True)
class EventFigures:
    cities: int
    countries: int
    sessions: int
    speakers: int
    exhibitors: int


def _count(queryset: QuerySet, field: str = "pk") -> Coalesce:
    """A correlated count of `queryset` (filtered on event=OuterRef("pk"))."""
    counted = queryset.order_by().values("event").annotate(n=Count(field, distinct=True)).values("n")
    return Coalesce(Subquery(counted), 0)


def figures_for(event: Event) -> EventFigures:
    """Counts for the about page, in one query (subqueries, so no cross join)."""
    mine = {"event": OuterRef("pk")}
    counts = (
        Event.objects.filter(pk=event.pk)
        .annotate(
            n_cities=_count(ParticipatingCity.objects.filter(**mine)),
            n_countries=_count(ParticipatingCity.objects.filter(**mine), "country"),
            n_sessions=_count(Session.objects.published().filter(**mine)),
            n_speakers=_count(Speaker.objects.filter(**mine)),
            n_exhibitors=_count(Exhibitor.objects.filter(**mine)),
        )
        .values("n_cities", "n_countries", "n_sessions", "n_speakers", "n_exhibitors")
        .get()
    )
    return EventFigures(**{name.removeprefix("n_"): value for name, value in counts.items()})
