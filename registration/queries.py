"""What the attendance pages, mails and forms list: named reads, each in a fixed
number of queries (as events/queries.py for the programme). The check-in desk's
own reads are in registration/desk/queries.py, the dashboard's in
registration/dashboard/queries.py."""

from django.db.models import QuerySet

from events.models import Event, Session
from registration.models import Booking, Registration


def bookable_sessions(event: Event) -> QuerySet[Session]:
    """Sessions a person may book a seat in: published, of `event`, needing a
    booked seat; with room and kind, in the one order every list of them uses
    (time, then the room's place in the programme)."""
    return (
        Session.objects.published()
        .for_event(event)
        .filter(booking_required=True)
        .select_related("room", "kind")
        .order_by("starts_at", "room__position", "pk")
    )


def same_address(event: Event, email: str) -> QuerySet[Registration]:
    """The event's registrations with this e-mail address, compared as the unique
    constraint compares them (RegistrationQuerySet.with_address)."""
    return Registration.objects.for_event(event).with_address(email)


def held_bookings(registration: Registration) -> list[Booking]:
    """The registration's bookings that hold or wait for a seat, with their
    sessions (event, room, kind), in time order: one query."""
    return list(
        Booking.objects.filter(registration=registration)
        .active()
        .select_related("session__event", "session__room", "session__kind")
        .in_time_order()
    )


def held_session_statuses(registration: Registration) -> dict[int, str]:
    """{session id: booking status} of the bookings that hold or wait for a seat."""
    return dict(Booking.objects.filter(registration=registration).active().values_list("session_id", "status"))
