"""Recount what the registration service keeps in counters, and compare."""

from django.db.models import Q

from events.models import Event, Session
from registration.models import HOLDS_A_PLACE, Booking, BookingStatus, Registration, Status


def assert_counters_consistent(event: Event) -> None:
    """Event.seats_taken and every Session.seats_booked equal a recount; no
    capacity is passed; no free place or seat while someone eligible waits; a
    confirmed seat always belongs to a registration that holds a place."""
    event.refresh_from_db()
    holding = Registration.objects.filter(event=event, status__in=HOLDS_A_PLACE).count()
    assert event.seats_taken == holding
    if event.capacity is not None:
        assert event.seats_taken <= event.capacity
        if event.seats_taken < event.capacity:
            assert not Registration.objects.filter(event=event, status=Status.WAITLISTED).exists()
    for session in Session.objects.filter(event=event).order_by("pk"):
        confirmed = Booking.objects.filter(session=session, status=BookingStatus.CONFIRMED)
        assert (session.slug, session.seats_booked) == (session.slug, confirmed.count())
        if session.capacity is not None:
            assert session.seats_booked <= session.capacity
            eligible = Booking.objects.filter(
                session=session, status=BookingStatus.WAITLISTED, registration__status__in=HOLDS_A_PLACE
            )
            if session.seats_booked < session.capacity:
                assert not eligible.exists(), f"{session.slug} has a free seat and someone waiting"
    stray = Booking.objects.filter(registration__event=event, status=BookingStatus.CONFIRMED).filter(
        ~Q(registration__status__in=HOLDS_A_PLACE)
    )
    assert not stray.exists(), "a seat is held by a registration without a place"
