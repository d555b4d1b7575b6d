"""Writes on the programme that touch more than one row."""

from django.db import transaction

from events import pagecache
from events.models import Event


def make_current(*, event: Event) -> Event:
    """Make `event` the edition the public site shows; the previous one stops
    being current in the same transaction (the partial unique constraint
    one_current_event refuses two at once)."""
    with transaction.atomic():
        list(Event.objects.select_for_update().filter(is_current=True))
        Event.objects.filter(is_current=True).exclude(pk=event.pk).update(is_current=False)
        Event.objects.filter(pk=event.pk).update(is_current=True)
        pagecache.content_changed()  # update() sends no signal
    event.is_current = True
    return event
