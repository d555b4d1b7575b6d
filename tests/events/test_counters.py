"""Seat counters are written only by the registration service."""

import pytest
from django.urls import reverse

from events.models import Session
from registration import services
from registration.models import BookingStatus, Status
from tests.factories import EventFactory, SessionFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("no_mail_after_commit")]


def person(n: int) -> dict:
    return {
        "name": f"Person {n}",
        "email": f"p{n}@example.org",
        "country": "KR",
        "language": "en",
        "category": "citizen",
    }


def test_saving_a_stale_session_keeps_the_booked_count():
    session = SessionFactory(booking_required=True, capacity=10)
    stale = Session.objects.get(pk=session.pk)
    services.register(event=session.event, person=person(1), session_ids=[session.pk])

    stale.title_en = "Renamed"
    stale.save()

    session.refresh_from_db()
    assert (session.title_en, session.seats_booked) == ("Renamed", 1)


def test_raising_a_session_capacity_in_the_admin_promotes_the_waiting_list(admin_client):
    session = SessionFactory(booking_required=True, capacity=1)
    services.register(event=session.event, person=person(1), session_ids=[session.pk])
    waiting = services.register(event=session.event, person=person(2), session_ids=[session.pk]).registration
    assert waiting.bookings.get().status == BookingStatus.WAITLISTED
    url = reverse("admin:events_session_change", args=[session.pk])
    form = admin_client.get(url).context["adminform"].form
    data = {k: v for k, v in form.initial.items() if v is not None and not isinstance(v, list | tuple)}
    data.update({"capacity": 2, "starts_at_0": "2010-09-08", "starts_at_1": "09:30", "ends_at_0": "2010-09-08"})
    data.update({"ends_at_1": "12:00", "appearances-TOTAL_FORMS": 0, "appearances-INITIAL_FORMS": 0})
    data.update({"kind": session.kind_id, "room": session.room_id, "event": session.event_id})

    response = admin_client.post(url, data)

    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else ""
    session.refresh_from_db()
    assert (session.capacity, session.seats_booked) == (2, 2)
    assert waiting.bookings.get().status == BookingStatus.CONFIRMED


def test_raising_the_event_capacity_promotes_the_first_waiting_registration():
    event = EventFactory(capacity=1)
    services.register(event=event, person=person(1), session_ids=[])
    waiting = services.register(event=event, person=person(2), session_ids=[]).registration
    assert waiting.status == Status.WAITLISTED
    event.capacity = 2
    event.save()

    services.fill_free_places(event=event)

    waiting.refresh_from_db()
    event.refresh_from_db()
    assert (waiting.status, event.seats_taken) == (Status.CONFIRMED, 2)
