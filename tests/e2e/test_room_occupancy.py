"""How full a room is, in a real browser: the cached session page's placeholder
filled by static/js/occupancy.js from /live/rooms.json (docs/rooms.md), on a
rehearsal day so that it runs at any real time of day."""

from datetime import date

import pytest
from playwright.sync_api import expect

from events.models import Room
from registration import checkin
from registration.clock import desk_now
from registration.models import Checkpoint, CheckpointKind
from tests.e2e.helpers import assert_no_browser_errors, assert_only_local_requests
from tests.factories import EventFactory, RoomFactory, WorkshopFactory, seoul
from tests.registration.desk_world import register

pytestmark = pytest.mark.e2e


@pytest.fixture
def full_room(transactional_db, settings):
    settings.DESK_REHEARSAL_DAY = date(2010, 9, 8)
    event = EventFactory(registration_opens_at=None, registration_closes_at=None)
    room = RoomFactory(event=event, name_en="Workshop room 1", name_ko="워크숍 1실")
    Room.objects.filter(pk=room.pk).update(overflow_room=RoomFactory(event=event, name_en="Hall B", name_ko="B홀"))
    door = Checkpoint.objects.create(event=event, slug="door-1", name="Door 1", kind=CheckpointKind.ROOM, room=room)
    # All day on the rehearsal day: running whatever the real time of day.
    session = WorkshopFactory(
        event=event, room=room, slug="u-city", capacity=2, starts_at=seoul(2010, 9, 8), ends_at=seoul(2010, 9, 9)
    )
    for name in ("One", "Two"):
        person = register(event, name=name, sessions=[session])
        checkin.check_in(checkpoint=door, registration=person, now=desk_now(event))
    return session


def test_session_page_shows_a_full_room_and_where_to_go(new_page, full_room):
    visit = new_page("en")
    visit.open("/en/sessions/u-city/")

    status = visit.page.locator("[data-occupancy-session='u-city']")
    expect(status).to_be_visible()
    expect(status).to_contain_text("Full: 2 of 2 seats taken")
    expect(status).to_contain_text("Go to the overflow room: Hall B.")
    assert status.get_attribute("role") == "status"
    assert status.locator(".occupancy-icon").get_attribute("aria-hidden") == "true"
    assert_only_local_requests(visit.requests, visit.base_url)
    assert_no_browser_errors(visit)


def test_nothing_is_shown_outside_the_event_days(new_page, full_room, settings):
    settings.DESK_REHEARSAL_DAY = None  # real time: 2010 is long past
    visit = new_page("ko")
    visit.open("/ko/sessions/u-city/")

    expect(visit.page.locator("[data-occupancy-session='u-city']")).to_be_hidden()
    assert any(url.endswith("/ko/live/rooms.json") for url in visit.requests)
    assert_no_browser_errors(visit)
