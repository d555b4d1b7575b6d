"""Named reads on the programme's tables (used by events.queries and views)."""

from datetime import date, datetime, time, timedelta

from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils import timezone


class EventQuerySet(models.QuerySet):
    def current(self):
        return self.filter(is_current=True)


class SessionQuerySet(models.QuerySet):
    def published(self):
        return self.filter(is_published=True)

    def for_event(self, event):
        return self.filter(event=event)

    def on_day(self, event, day: date):
        """Sessions starting on a calendar day in the event's time zone."""
        start = timezone.make_aware(datetime.combine(day, time.min), event.tz)
        return self.filter(starts_at__gte=start, starts_at__lt=start + timedelta(days=1))

    def running_at(self, moment: datetime):
        return self.filter(starts_at__lte=moment, ends_at__gt=moment)

    def starting_after(self, moment: datetime):
        return self.filter(starts_at__gt=moment)

    def with_details(self):
        """Kind and room joined, speakers prefetched in order: what a list shows."""
        from events.models import SessionSpeaker

        return self.select_related("kind", "room", "event").prefetch_related(
            models.Prefetch(
                "appearances",
                queryset=SessionSpeaker.objects.select_related("speaker").order_by("position", "pk"),
            )
        )

    def with_booked_count(self):
        """Annotate `booked`: confirmed bookings (when the registration app has them)."""
        from events.models import Session

        try:
            Session._meta.get_field("bookings")
        except FieldDoesNotExist:
            return self.annotate(booked=models.Value(0, output_field=models.IntegerField()))
        return self.annotate(
            booked=models.Count("bookings", filter=models.Q(bookings__status="confirmed"), distinct=True)
        )
