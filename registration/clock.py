"""The desk's clock. Normally the real time. For a rehearsal before the event
(or to try the desk with `make run` years after 2010), settings.DESK_REHEARSAL_DAY
(environment WEGOV_DESK_REHEARSAL_DAY=2010-09-07) makes the desk act as if today
were that day, at the real time of day in the event's time zone: entrances,
room sessions, "valid today" and the counters follow it. Nothing is stored in
a process, so every node agrees. Public pages and registration keep real time."""

from datetime import date, datetime

from django.conf import settings
from django.utils import timezone


def rehearsal_day():
    return settings.DESK_REHEARSAL_DAY


def desk_now(event=None) -> datetime:
    """Now, for the desk of `event` (whose time zone the rehearsal day is in;
    the site's time zone without an event)."""
    return desk_time(event, timezone.now())


def desk_time(event, real: datetime) -> datetime:
    """A real moment as the desk of `event` records it (desk_now for any moment:
    a scan queued offline is recorded at the time it was made)."""
    day = rehearsal_day()
    if day is None:
        return real
    local = event.local(real) if event is not None else timezone.localtime(real)
    return local.replace(year=day.year, month=day.month, day=day.day)


def desk_today(event) -> date:
    """The day the desk of `event` is working, in the event's time zone."""
    return event.local(desk_now(event)).date()
