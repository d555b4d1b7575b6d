"""The desk's pages: the checkpoint chooser and the desk itself (the world they
share with the other desk tests: tests/registration/desk_world.py)."""

import json
import re
from datetime import date

import pytest
from django.contrib.staticfiles import finders

from registration.models import Checkpoint, CheckpointKind
from tests.factories import EventFactory, seoul
from tests.registration.desk_world import desk_url, register

pytestmark = pytest.mark.usefixtures("no_mail_after_commit")


def test_checkpoints_lists_entrances_and_room_doors_and_marks_today(desk_client, world, on_7_september):
    response = desk_client.get(desk_url("checkpoints"))

    assert response.status_code == 200
    assert [c.slug for c in response.context["entrances"]] == ["entrance-6", "entrance-7", "entrance-8"]
    assert [c.slug for c in response.context["rooms"]] == ["door-room-1"]
    today = [c.slug for c in response.context["entrances"] + response.context["rooms"] if c.open_today]
    assert today == ["entrance-7"]  # the workshop room only has sessions on the 8th
    html = response.content.decode()
    assert 'href="/en/desk/checkpoint/entrance-7/"' in html
    assert 'data-checkpoint="entrance-7"' in html
    assert "Door of workshop room 1" in html


def test_checkpoints_page_in_korean_names_checkpoints_in_korean(desk_client, world, on_7_september):
    response = desk_client.get(desk_url("checkpoints", "ko"))

    html = response.content.decode()
    assert '<html lang="ko">' in html
    assert "입구 — 9월 7일" in html
    assert "워크숍 1실 출입구" in html


def test_checkpoints_page_without_checkpoints_says_how_to_add_them(desk_client, db):
    EventFactory(slug="wego-2010")

    response = desk_client.get(desk_url("checkpoints"))

    assert response.status_code == 200
    assert "This event has no checkpoints yet" in response.content.decode()


def test_checkpoints_page_without_a_current_event_says_so(desk_client, db):
    response = desk_client.get(desk_url("checkpoints"))

    assert response.status_code == 200
    assert "There is no current event" in response.content.decode()


def test_checkpoints_page_after_change_link_does_not_redirect(desk_client, world, on_7_september):
    response = desk_client.get(desk_url("checkpoints") + "?change=1")

    assert 'data-changing="1"' in response.content.decode()


# The desk page ----------------------------------------------------------------------


def test_desk_page_has_one_autofocused_input_and_the_counters(desk_client, world, on_7_september):
    register(world.event, name="김민준")
    register(world.event, name="Ana Lima")

    response = desk_client.get(desk_url("desk", slug="entrance-7"))

    assert response.status_code == 200
    html = response.content.decode()
    inputs = re.findall(r"<input[^>]*>", html)
    visible = [tag for tag in inputs if 'type="hidden"' not in tag]
    assert len([tag for tag in visible if "autofocus" in tag]) == 1
    assert 'id="desk-input"' in next(tag for tag in visible if "autofocus" in tag)
    assert 'aria-controls="desk-matches"' in html
    assert response.context["counters"]["registered"] == 2
    assert response.context["counters"]["entered_today"] == 0
    assert '<dd data-counter="registered">2</dd>' in html
    assert "Checked in today (all entrances)" in html
    assert "Entrance — 7 September" in html


def test_a_scan_before_the_script_runs_never_puts_the_ticket_in_an_address(desk_client, world, on_7_september):
    """Enter pressed before desk.js has loaded submits the form itself: by POST, to the
    desk page, which shows the desk again; the ticket never lands in a URL or a log."""
    ticket = register(world.event, name="김민준").ticket_secret
    page = desk_client.get(desk_url("desk", slug="entrance-7")).content.decode()
    form = re.search(r'<form[^>]*id="desk-form"[^>]*>', page).group(0)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)

    response = desk_client.post(desk_url("desk", slug="entrance-7"), {"q": ticket, "csrfmiddlewaretoken": token})

    assert 'method="post"' in form
    assert "action=" not in form  # the desk page's own address, without a query
    assert response.status_code == 200
    assert 'id="desk-input"' in response.content.decode()
    assert ticket not in response.content.decode()


def test_desk_page_hands_its_settings_to_the_script_as_json(desk_client, world, on_7_september):
    response = desk_client.get(desk_url("desk", slug="entrance-7"))

    match = re.search(r'<script id="desk-config" type="application/json">(.*?)</script>', response.content.decode())
    config = json.loads(match.group(1))
    assert config["checkpoint"] == "entrance-7"
    assert config["urls"] == {
        "checkin": "/en/desk/api/checkin/",
        "search": "/en/desk/api/search/",
        "undo": "/en/desk/api/undo/",
        "counters": "/en/desk/api/counters/",
        "offlineList": "/en/desk/api/offline-list/",
        "queued": "/en/desk/api/queued/",
        "serviceWorker": "/en/desk/sw.js",
        "deskRoot": "/en/desk/",
    }
    assert config["clearAfter"] == {"ok": 6000, "already": 6000, "refused": 12000}
    assert config["strings"]["undo"] == "Undo"


def test_desk_page_has_no_inline_script_or_style(desk_client, world, on_7_september):
    html = desk_client.get(desk_url("desk", slug="entrance-7")).content.decode()

    scripts = re.findall(r"<script[^>]*>", html)
    assert scripts == [
        '<script id="desk-config" type="application/json">',
        '<script src="/static/js/desk-offline.js">',
        '<script src="/static/js/desk.js">',
    ]
    assert "style=" not in html
    assert "<style" not in html


def test_desk_page_of_a_room_door_shows_the_session_and_seats(desk_client, world, time_machine):
    time_machine.move_to(seoul(2010, 9, 8, 9, 0), tick=False)
    register(world.event, name="Booked Person", sessions=[world.workshop])

    response = desk_client.get(desk_url("desk", slug="door-room-1"))

    html = response.content.decode()
    session = response.context["counters"]["session"]
    assert session["title"] == "U-City"
    assert (session["booked"], session["capacity"], session["inside"]) == (1, 30, 0)
    assert "Inside / seats booked" in html
    assert '<dd data-counter="inside" data-open="open seating">0 / 1</dd>' in html


def test_desk_page_of_an_unknown_checkpoint_is_404(desk_client, world):
    response = desk_client.get(desk_url("desk", slug="no-such-door"))

    assert response.status_code == 404


def test_desk_page_of_another_events_checkpoint_is_404(desk_client, world):
    other = EventFactory(slug="wego-2011", is_current=False)
    Checkpoint.objects.create(event=other, slug="old-door", name="Old", kind=CheckpointKind.ENTRANCE, day=date.today())

    response = desk_client.get(desk_url("desk", slug="old-door"))

    assert response.status_code == 404


def test_desk_assets_are_served_from_this_site():
    assert finders.find("js/desk.js")
    assert finders.find("css/desk.css")


def test_desk_offers_the_jsqr_fallback_when_npm_installed_it(desk_client, world, on_7_september):
    if not finders.find("vendor/jsqr/jsQR.js"):
        pytest.skip("node_modules/jsqr is not installed (make node_modules)")

    response = desk_client.get(desk_url("desk", slug="entrance-7"))

    assert response.context["config"]["jsqr"] == "/static/vendor/jsqr/jsQR.js"
