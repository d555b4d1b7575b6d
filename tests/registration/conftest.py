"""Fixtures for the registration tests: a clean cache (throttles) for every
test, and the public registration pages' world: an event whose registration is
open at a fixed moment, four parallel workshops and a delegates-only session."""

import pytest
from django.core.cache import cache

from events.models import Audience
from registration import roles
from tests.factories import EventFactory, RoomFactory, WorkshopFactory, seoul
from tests.registration.desk_world import build_world, staff_user

NOW = seoul(2010, 8, 20, 10, 0)


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def clock(time_machine):
    """The clock stands still at NOW (registration open); shift() moves it."""
    time_machine.move_to(NOW, tick=False)
    return time_machine


@pytest.fixture
def open_event(db):
    return EventFactory(
        slug="wego-2010",
        registration_opens_at=seoul(2010, 8, 1, 9, 0),
        registration_closes_at=seoul(2010, 9, 5, 18, 0),
    )


@pytest.fixture
def workshops(open_event):
    """The four parallel workshop sessions of 8 September, 09:30-12:00."""
    titles = [("U-City", "유시티"), ("GIS", "지리정보시스템"), ("UN e-Government", "UN 전자정부"), ("CCL", "CCL")]
    return [
        WorkshopFactory(
            event=open_event,
            slug=f"workshop-{n}",
            title_en=en,
            title_ko=ko,
            capacity=30,
            room=RoomFactory(event=open_event, name_en=f"Workshop room {n}", name_ko=f"워크숍 {n}실"),
        )
        for n, (en, ko) in enumerate(titles, start=1)
    ]


@pytest.fixture
def delegates_session(open_event):
    return WorkshopFactory(
        event=open_event,
        slug="delegates-briefing",
        title_en="Delegates' briefing",
        title_ko="대표단 설명회",
        audience=Audience.DELEGATES,
        starts_at=seoul(2010, 9, 7, 14, 0),
        ends_at=seoul(2010, 9, 7, 15, 0),
        capacity=50,
    )


# The desk's world (tests/registration/desk_world.py) --------------------------------


@pytest.fixture
def world(db):
    return build_world()


@pytest.fixture
def desk_user(db):
    return staff_user("desk-staff", roles.DESK_STAFF)


@pytest.fixture
def desk_client(client, desk_user):
    client.force_login(desk_user)
    return client


@pytest.fixture
def on_7_september(time_machine):
    time_machine.move_to(seoul(2010, 9, 7, 10, 0), tick=False)


@pytest.fixture
def during_the_workshop(time_machine):
    """8 September 2010, 10:00: the workshop in room 1 is on."""
    time_machine.move_to(seoul(2010, 9, 8, 10, 0), tick=False)
