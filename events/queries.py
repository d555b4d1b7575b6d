"""Reads for the public pages. Each returns everything a page lists in a fixed
number of queries."""

from events.models import Event


def get_current_event() -> Event | None:
    return Event.objects.current().first()
