"""The quorum board on a venue screen follows the plenary door live: a board open
in one browser updates, without a reload, while desk staff check delegates in
and out at the plenary door in another; when the server cannot be reached the
board keeps its figures and says it is offline."""

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.test import Client
from playwright.sync_api import expect

from assembly import services
from assembly.models import AccreditationRole, AssemblySettings, QuorumRule
from events.models import ParticipatingCity
from registration import roles
from tests.assembly.world import delegate
from tests.e2e.helpers import assert_accessible, assert_no_browser_errors, assert_only_local_requests
from tests.factories import seoul

DURING = seoul(2010, 9, 7, 11, 5)  # the plenary runs 11:00-12:30
POLL = 15_000  # ms: the board polls every 3 seconds


@pytest.fixture(autouse=True)
def _during_the_plenary(time_machine, settings):
    time_machine.move_to(DURING, tick=True)
    settings.OUTBOX_SEND_ON_COMMIT = False
    cache.clear()


@pytest.fixture
def voters(summit):
    AssemblySettings.objects.filter(event=summit).update(quorum_rule=QuorumRule.FIXED, quorum_number=3)
    cities = {city.name_en: city for city in ParticipatingCity.objects.filter(event=summit)}
    people = {}
    for name, city in (("Kim Minjun", "Seoul"), ("Jordi Puig", "Barcelona")):
        registration = delegate(cities[city], name)
        services.accredit(
            registration=registration, city=cities[city], role=AccreditationRole.VOTING, credentials="Letter"
        )
        people[city] = registration
    services.give_proxy(giver=cities["Moscow"], holder=cities["Barcelona"])
    return people


def desk_page(new_page, live_server):
    user = get_user_model().objects.create_user("plenary-door", password="door-e2e-password")
    user.groups.add(roles.ensure_groups()[roles.DESK_STAFF])
    client = Client()
    client.force_login(user)
    visit = new_page("ko")
    visit.page.context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )
    return visit


def scan(visit, code: str) -> None:
    field = visit.page.locator("#door-input")
    expect(field).to_be_focused()  # a USB scanner types into the focused field
    field.fill(code)
    field.press("Enter")


def test_the_board_follows_the_door_live(new_page, live_server, voters):
    board = new_page("en")
    board.open("/en/assembly/quorum/")
    figure = board.page.locator("[data-board=votes]")
    verdict = board.page.locator("#board-verdict")
    expect(figure).to_have_text("0")
    expect(verdict).to_contain_text("No quorum")
    expect(verdict).to_contain_text("정족수 미달")  # both languages on one screen
    board.page.evaluate("window.notReloaded = true")
    assert_accessible(board.page)

    door = desk_page(new_page, live_server)
    door.open("/ko/assembly/door/")
    scan(door, voters["Seoul"].code)
    expect(door.page.locator("#door-standing")).to_have_text("투표권: 서울")
    assert_accessible(door.page)
    expect(figure).to_have_text("1", timeout=POLL)

    scan(door, voters["Barcelona"].code)
    expect(door.page.locator("#door-proxies")).to_have_text("위임 투표권도 보유: 모스크바")
    expect(figure).to_have_text("3", timeout=POLL)  # Barcelona, and Moscow by proxy
    expect(verdict).to_contain_text("Quorum reached", timeout=POLL)
    expect(board.page.locator("#board-cities")).to_contain_text("Moscow")
    board.screenshot("quorum-board-reached")

    door.page.locator("#door-out").click()  # Barcelona leaves: its vote and Moscow's proxy go
    expect(door.page.locator("#door-title")).to_have_text("퇴장 확인")
    expect(figure).to_have_text("1", timeout=POLL)
    expect(verdict).to_contain_text("No quorum", timeout=POLL)
    door.screenshot("plenary-door-checked-out")

    assert board.page.evaluate("window.notReloaded") is True
    for visit in (board, door):  # nothing wider than a phone's 390 px
        overflow = "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        assert visit.page.evaluate(overflow) <= 0
    assert board.page.locator("#board-stale").is_hidden()
    for visit in (board, door):
        assert_no_browser_errors(visit)
        assert_only_local_requests(visit.requests, live_server.url)


def test_the_board_says_when_it_is_offline_and_keeps_its_figures(new_page, voters):
    board = new_page("ko")
    board.open("/ko/assembly/quorum/")
    expect(board.page.locator("[data-board=required]")).to_have_text("3")

    board.page.route("**/quorum.json", lambda route: route.abort())

    expect(board.page.locator("#board-stale")).to_be_visible(timeout=POLL)
    expect(board.page.locator("[data-board=required]")).to_have_text("3")
    board.page.unroute("**/quorum.json")
    expect(board.page.locator("#board-stale")).to_be_hidden(timeout=POLL)
