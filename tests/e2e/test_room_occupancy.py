"""How full a room is, in a real browser: the cached session page's placeholder
filled by static/js/occupancy.js from /live/rooms.json (docs/rooms.md), and the
desk at the full room's door saying so and where to send people; on a rehearsal
day so that it runs at any real time of day."""

from datetime import date

import pytest
from playwright.sync_api import expect

from events.models import Room
from registration import checkin
from registration.clock import desk_now
from registration.models import Checkpoint, CheckpointKind
from tests.e2e import test_desk_journey as journey
from tests.e2e.helpers import assert_no_browser_errors, assert_only_local_requests
from tests.e2e.test_desk_journey import t
from tests.factories import EventFactory, RoomFactory, WorkshopFactory, seoul
from tests.registration.desk_world import register

pytestmark = pytest.mark.e2e

desk_staff = journey.desk_staff  # the desk journey's desk account


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


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_desk_at_a_full_door_says_where_to_send_people(new_page, full_room, desk_staff, lang):
    late = register(full_room.event, name="Late Comer")
    visit = new_page(lang)
    journey.log_in(visit, lang, f"room-door-{lang}", axe=False)
    page = visit.page
    page.goto(f"{visit.base_url}/{lang}/desk/checkpoint/door-1/")
    expect(page.locator("#desk")).to_have_attribute("data-ready", "true")

    journey.scan(page, late.ticket_secret)

    overflow = t(lang, "Go to the overflow room: %(room)s.") % {"room": "B홀" if lang == "ko" else "Hall B"}
    journey.expect_answer(page, "refused", t(lang, "Room full"), late.name)
    pointer = page.locator("#desk-result .desk-pointer-answer")
    expect(pointer).to_have_text(f"{t(lang, 'Room full')}: {overflow}")
    occupancy = page.locator("#desk-occupancy")
    expect(occupancy).to_be_visible()
    label = t(lang, "Full")
    expect(occupancy).to_have_text(
        t(lang, "%(label)s: %(inside)s of %(capacity)s seats taken") % {"label": label, "inside": 2, "capacity": 2}
    )
    expect(page.locator("#desk-announce")).to_contain_text(overflow)
    journey.check_page(visit, f"room-door-{lang}-full")
