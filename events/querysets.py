"""Named reads on the programme's tables (used by events.queries and views)."""

from datetime import date, datetime, time, timedelta

from django.db import models
from django.utils import timezone


class EventQuerySet(models.QuerySet):
    def current(self):
        return self.filter(is_current=True)

    def past(self, current, today: date):
        """Editions of the archive: those before the current one (an edition being
        prepared for later is never shown), or without a current one those over by `today`."""
        earlier = models.Q(start_date__lt=current.start_date) if current else models.Q(end_date__lt=today)
        return self.filter(earlier, is_current=False)


class SessionQuerySet(models.QuerySet):
    def published(self):
        return self.filter(is_published=True)

    def for_event(self, event):
        return self.filter(event=event)

    def on_day(self, event, day: date):
        """Sessions starting on a calendar day in the event's time zone."""
        start = timezone.make_aware(datetime.combine(day, time.min), event.tz)
        return self.filter(starts_at__gte=start, starts_at__lt=start + timedelta(days=1))

    def with_details(self):
        """Kind and room joined, speakers prefetched in order: what a list shows."""
        from events.models import SessionSpeaker

        return self.select_related("kind", "room", "event").prefetch_related(
            models.Prefetch(
                "appearances",
                queryset=SessionSpeaker.objects.select_related("speaker").order_by("position", "pk"),
            )
        )
