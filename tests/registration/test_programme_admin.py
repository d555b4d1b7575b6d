"""registration/programme_admin.py: a larger capacity saved in the programme's admin
fills the places it frees, for the event as for a session (test_counters.py)."""

import pytest
from django.contrib import admin
from django.urls import reverse

from events.models import Event, Session
from registration import programme_admin, services
from registration.models import Status
from tests.events.test_counters import person
from tests.factories import EventFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("no_mail_after_commit")]


def test_registration_takes_over_the_programmes_event_and_session_admins():
    assert type(admin.site.get_model_admin(Event)) is programme_admin.EventAdmin
    assert type(admin.site.get_model_admin(Session)) is programme_admin.SessionAdmin


def test_raising_the_event_capacity_in_the_admin_promotes_the_waiting_list(admin_client):
    event = EventFactory(capacity=1)
    services.register(event=event, person=person(1), session_ids=[])
    waiting = services.register(event=event, person=person(2), session_ids=[]).registration
    assert waiting.status == Status.WAITLISTED
    url = reverse("admin:events_event_change", args=[event.pk])
    form = admin_client.get(url).context["adminform"].form
    data = {name: form[name].value() for name in form.fields if form[name].value() is not None}
    data = {name: value for name, value in data.items() if not isinstance(value, list | tuple)}
    data.update({"capacity": 2, "is_current": "on"})
    for name in ("registration_opens_at", "registration_closes_at"):
        data.pop(name, None)

    response = admin_client.post(url, data)

    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else ""
    waiting.refresh_from_db()
    event.refresh_from_db()
    assert (event.capacity, event.seats_taken, waiting.status) == (2, 2, Status.CONFIRMED)
