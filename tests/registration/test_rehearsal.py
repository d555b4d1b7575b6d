"""A desk rehearsal (settings.DESK_REHEARSAL_DAY): the desk acts as if today
were the event day, at the real time of day."""

import json
from datetime import date

import pytest
from django.urls import reverse

from registration.clock import desk_now
from registration.models import CheckIn
from tests.factories import EventFactory, seoul
from tests.registration.desk_world import build_world, register


@pytest.fixture
def years_later(time_machine):
    time_machine.move_to(seoul(2026, 12, 2, 10, 15), tick=False)


def scan(client, checkpoint, ticket):
    url = reverse("desk:api_checkin")
    return client.post(
        url, json.dumps({"checkpoint": checkpoint.slug, "ticket": ticket}), content_type="application/json"
    )


def test_desk_now_keeps_the_time_of_day_on_the_rehearsal_day(settings, years_later):
    settings.DESK_REHEARSAL_DAY = date(2010, 9, 7)

    assert desk_now() == seoul(2010, 9, 7, 10, 15)


def test_desk_now_is_the_real_time_without_a_rehearsal(settings, years_later):
    settings.DESK_REHEARSAL_DAY = None

    assert desk_now() == seoul(2026, 12, 2, 10, 15)


def test_rehearsal_admits_at_the_rehearsal_days_entrance(settings, desk_client, years_later):
    world = build_world()
    person = register(world.event, name="김민준")

    settings.DESK_REHEARSAL_DAY = None
    assert scan(desk_client, world.entrance_7, person.ticket_secret).json()["reason"] == "wrong_checkpoint"

    settings.DESK_REHEARSAL_DAY = date(2010, 9, 7)
    data = scan(desk_client, world.entrance_7, person.ticket_secret).json()

    assert data["result"] == "ok"
    checkin = CheckIn.objects.get()
    assert (checkin.day, checkin.checked_in_at) == (date(2010, 9, 7), seoul(2010, 9, 7, 10, 15))


@pytest.mark.parametrize(("lang", "banner"), [("en", "The desk acts as if today were"), ("ko", "리허설")])
def test_desk_pages_say_a_rehearsal_is_on(settings, desk_client, years_later, lang, banner):
    build_world()
    settings.DESK_REHEARSAL_DAY = date(2010, 9, 7)

    with_banner = desk_client.get(f"/{lang}/desk/").content.decode()
    settings.DESK_REHEARSAL_DAY = None
    without = desk_client.get(f"/{lang}/desk/").content.decode()

    assert banner in with_banner
    assert 'class="desk-rehearsal"' in with_banner
    assert 'class="desk-rehearsal"' not in without


def test_rehearsal_day_is_in_the_events_time_zone(settings, time_machine, db):
    """06:30 on 2 December in Seoul is 22:30 on 1 December in Berlin: a Berlin event's
    rehearsal day must not slip by a day."""
    time_machine.move_to(seoul(2026, 12, 2, 6, 30), tick=False)
    settings.DESK_REHEARSAL_DAY = date(2010, 9, 7)
    berlin = EventFactory(slug="berlin", time_zone="Europe/Berlin", is_current=False)

    now = desk_now(berlin)

    assert berlin.local(now).date() == date(2010, 9, 7)
    assert berlin.local(now).strftime("%H:%M") == "22:30"  # the real time of day in Berlin
