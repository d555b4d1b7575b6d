"""Fault 4, Redis down: with the cache pointing at a closed port (the settings of
a production site whose Redis has stopped), registration, the private page,
desk log-in and check-in all keep working: sessions come from the database,
throttles allow, and the failure is logged, never a server error."""

import json
import logging

import pytest
from django.contrib.sessions.models import Session as StoredSession

from registration import roles
from registration.models import CheckIn, MailKind, OutgoingMail, Registration
from tests.factories import seoul
from tests.registration.desk_world import PASSWORD, build_world, desk_url, register, staff_user
from tests.registration.pages import submit, text, url, valid_data

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def redis_down(settings, caplog):
    settings.CACHES = {
        "default": {
            "BACKEND": "wegov.cache.ForgivingRedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
    settings.OUTBOX_SEND_ON_COMMIT = False
    caplog.set_level(logging.WARNING, logger="wegov.cache")
    return caplog


def redis_logged(caplog) -> bool:
    """Logged once a minute per process: by the test itself or by a fixture that touched the cache."""
    records = caplog.get_records("setup") + caplog.get_records("call")
    return any(record.getMessage().startswith("Redis cache unavailable") for record in records)


def test_registration_works_and_its_throttle_allows(client, clock, open_event, redis_down, settings):
    settings.REGISTRATION_THROTTLES = {"register": (1, 600)}  # would refuse the second with Redis up

    first = submit(client, clock, valid_data(email="first@example.org"))
    second = submit(client, clock, valid_data(email="second@example.org"))
    sent = client.get(second["Location"])

    assert (first.status_code, second.status_code) == (302, 302)
    assert second["Location"] == url("sent")
    assert "second@example.org" in text(sent)
    assert sorted(Registration.objects.values_list("email", flat=True)) == ["first@example.org", "second@example.org"]
    assert OutgoingMail.objects.filter(kind=MailKind.CONFIRMATION).count() == 2
    assert redis_logged(redis_down)


def test_private_page_works_and_its_messages_show(client, clock, open_event, redis_down):
    submit(client, clock, valid_data())
    registration = Registration.objects.get()
    fields = {"name": "김민준", "country": "KR", "city": "부산", "language": "en", "organisation": "", "needs": ""}

    page = client.get(url("manage", secret=registration.manage_secret))
    saved = client.post(
        url("manage_details", secret=registration.manage_secret),
        {f"details-{name}": value for name, value in fields.items()},
        follow=True,
    )

    assert page.status_code == 200
    assert "김민준" in text(page)
    assert saved.redirect_chain == [(url("manage", secret=registration.manage_secret), 302)]
    assert "Your details have been saved." in text(saved)
    registration.refresh_from_db()
    assert registration.city == "부산"


def test_desk_log_in_and_check_in_work_with_sessions_in_the_database(client, time_machine, redis_down, settings):
    settings.AXES_ENABLED = True
    time_machine.move_to(seoul(2010, 9, 7, 10, 0), tick=False)
    world = build_world()
    staff_user("desk-staff", roles.DESK_STAFF)
    person = register(world.event, name="김민준")

    logged_in = client.post(desk_url("login"), {"username": "desk-staff", "password": PASSWORD})
    checkpoints = client.get(desk_url("checkpoints"))
    scanned = client.post(
        desk_url("api_checkin"),
        json.dumps({"checkpoint": world.entrance_7.slug, "ticket": person.ticket_secret}),
        content_type="application/json",
    )

    assert logged_in.status_code == 302
    assert logged_in["Location"] == desk_url("checkpoints")
    assert StoredSession.objects.filter(session_key=client.cookies["sessionid"].value).exists()
    assert checkpoints.status_code == 200
    assert world.entrance_7.name in text(checkpoints)
    assert scanned.json()["result"] == "ok"
    assert CheckIn.objects.get().registration == person
    assert redis_logged(redis_down)
