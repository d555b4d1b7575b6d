"""iCalendar building shared by the programme's feeds (events/feeds.py) and an
attendee's calendar of booked sessions (registration/tickets.py).

A session has one UID wherever it is exported, so that importing the programme
and one's own bookings updates one calendar entry instead of adding a copy.
"""

import functools
from datetime import UTC, datetime

import icalendar
from django.utils import timezone

from events.models import Event, Session

# UIDs must never change, whatever host serves the feed: calendars use them to
# update an event they already have instead of adding a copy.
UID_DOMAIN = "wego2010.we-gov.org"
PRODID = "-//WeGO//WeGO summit programme//EN"


def session_uid(session: Session) -> str:
    """A UID that stays the same for the life of the session (slugs, not ids)."""
    return f"{session.event.slug}.{session.slug}@{UID_DOMAIN}"


def stamp_now() -> datetime:
    """DTSTAMP for the entries of a calendar built now: UTC, whole seconds."""
    return timezone.now().astimezone(UTC).replace(microsecond=0)


@functools.cache
def vtimezone(tzid: str) -> icalendar.Timezone:
    """The VTIMEZONE of a time zone, built once per process (it is about half the cost
    of a feed otherwise); the same for every calendar."""
    return icalendar.Timezone.from_tzid(tzid)


def new_calendar(event: Event) -> icalendar.Calendar:
    """An empty calendar named after the event, whose times are in the event's zone."""
    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.calendar_name = event.name  # NAME and X-WR-CALNAME
    calendar.add("x-wr-timezone", event.time_zone)
    return calendar


def location(session: Session) -> str:
    """The session's room, the venue and its address, as one line."""
    event = session.event
    parts = [session.room.name if session.room else "", event.venue_name, event.venue_address]
    return ", ".join(part for part in parts if part)


def vevent(
    session: Session, *, url: str, stamp: datetime, description: str, categories: list[str] | None = None
) -> icalendar.Event:
    """One session as a VEVENT, its times in the event's zone (Event.local)."""
    event = session.event
    entry = icalendar.Event()
    entry.add("uid", session_uid(session))
    entry.add("dtstamp", stamp)
    entry.add("dtstart", event.local(session.starts_at))
    entry.add("dtend", event.local(session.ends_at))
    entry.add("summary", session.title)
    entry.add("description", description)
    place = location(session)
    if place:
        entry.add("location", place)
    entry.add("url", url)
    if categories:
        entry.add("categories", categories)
    entry.add("status", "CONFIRMED")
    return entry
