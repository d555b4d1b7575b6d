"""The desk without the network, the server's side of it apart from the queued
scans (test_desk_offline_queue.py): the list a desk keeps for looking scans up
offline, the service worker that loads the desk page offline, and the log-out
that empties what the desk kept on the device."""

import hashlib
import json

import pytest

from registration import services
from registration.desk.offline import SHELL_FILES, ticket_digest
from registration.models import Status
from tests.factories import seoul
from tests.registration.desk_world import desk_url, register, staff_user

pytestmark = pytest.mark.usefixtures("no_mail_after_commit")


def offline_list(client, checkpoint):
    return client.get(desk_url("api_offline_list"), {"checkpoint": checkpoint.slug})


def delegate(event, name):
    registration = register(event, name=name, category="delegate", email=f"{name.lower()}@example.org")
    return services.approve(registration=registration)


# The list ----------------------------------------------------------------------------


def test_list_holds_name_code_and_ticket_digest_of_whom_the_entrance_admits(desk_client, world, on_7_september):
    admitted = register(world.event, name="김민준", email="minjun@example.org", phone="+821012345678")
    guest = delegate(world.event, "Ana")
    cancelled = services.cancel(registration=register(world.event, name="Cancelled Person"))
    pending = register(world.event, name="Pending Delegate", category="delegate")
    assert (cancelled.status, pending.status) == (Status.CANCELLED, Status.PENDING)

    response = offline_list(desk_client, world.entrance_7)

    data = response.json()
    assert (data["checkpoint"], data["day"], data["session"], data["until"]) == ("entrance-7", "2010-09-07", None, None)
    assert data["people"] == [
        ["Ana", guest.code, ticket_digest(guest.ticket_secret)],
        ["김민준", admitted.code, ticket_digest(admitted.ticket_secret)],
    ]
    body = response.content.decode()
    for private in (
        "minjun@example.org",
        "ana@example.org",
        "1012345678",
        admitted.ticket_secret,
        admitted.manage_secret,
    ):
        assert private not in body
    assert "no-store" in response["Cache-Control"]


def test_ticket_digest_is_sha256_of_the_secret_in_lower_case():
    assert ticket_digest("AbC-d_E") == hashlib.sha256(b"abc-d_e").hexdigest()[:32]


def test_list_of_a_day_closed_to_citizens_holds_delegates_only(desk_client, world, time_machine):
    time_machine.move_to(seoul(2010, 9, 6, 9, 0), tick=False)
    register(world.event, name="Citizen")
    guest = delegate(world.event, "Delegate")

    data = offline_list(desk_client, world.entrance_6).json()

    assert [name for name, _code, _digest in data["people"]] == [guest.name]


def test_list_of_another_days_entrance_is_empty(desk_client, world, on_7_september):
    register(world.event, name="Citizen")

    assert offline_list(desk_client, world.entrance_8).json()["people"] == []


def test_list_of_a_room_door_holds_the_seat_holders_of_its_session(desk_client, world, during_the_workshop):
    seated = register(world.event, name="Seated", sessions=[world.workshop])
    register(world.event, name="No seat")

    data = offline_list(desk_client, world.door).json()

    assert [name for name, _code, _digest in data["people"]] == [seated.name]
    assert data["session"] == "U-City"
    assert data["until"] == "2010-09-08T03:00:00+00:00"


@pytest.mark.parametrize("n", [1, 6])
def test_list_runs_a_constant_number_of_queries(desk_client, world, on_7_september, n, django_assert_num_queries):
    for i in range(n):
        register(world.event, name=f"Person {i}")
    offline_list(desk_client, world.entrance_7)  # reads the permission into the session

    # session, user, checkpoint, people (whether the day is open to citizens: cached)
    with django_assert_num_queries(4):
        response = offline_list(desk_client, world.entrance_7)

    assert len(response.json()["people"]) == n


def test_list_of_an_unknown_checkpoint_is_a_clear_error(desk_client, world, on_7_september):
    unknown = desk_client.get(desk_url("api_offline_list"), {"checkpoint": "nowhere"})
    nul = desk_client.get(desk_url("api_offline_list"), {"checkpoint": "nowhere\x00"})

    assert (unknown.status_code, unknown.json()) == (400, {"error": "Unknown checkpoint."})
    assert nul.status_code == 400
    assert "characters" in nul.json()["error"]


def test_list_needs_the_desk_permission(client, world, on_7_september):
    register(world.event, name="김민준")
    anonymous = offline_list(client, world.entrance_7)
    client.force_login(staff_user("someone"))
    other = offline_list(client, world.entrance_7)

    assert (anonymous.status_code, anonymous.json()["login_url"]) == (403, "/en/desk/login/")
    assert (other.status_code, other.json()) == (403, {"error": "This account may not use the check-in desk."})
    assert "김민준" not in anonymous.content.decode() + other.content.decode()


# The service worker --------------------------------------------------------------------


def test_service_worker_is_served_from_the_desk_with_the_desks_static_files(client, db):
    response = client.get(desk_url("service_worker", "ko"))

    assert response["Content-Type"] == "text/javascript; charset=utf-8"
    assert response["Cache-Control"] == "no-cache"
    script = response.content.decode()
    files = json.loads(script.split("var FILES = ", 1)[1].split(";\n", 1)[0])
    assert "/static/js/desk.js" in files
    assert "/static/js/desk-offline.js" in files
    assert "/static/css/desk.css" in files
    assert 'var PAGES = "/ko/desk/checkpoint/";' in script
    assert "/api/" not in script.split("var PAGES", 1)[1].split("self.addEventListener", 1)[0]


def test_service_worker_names_the_hashed_static_files(client, db, settings, tmp_path):
    hashed = {path: path.replace(".", ".0123abcd.", 1) for path in SHELL_FILES}
    (tmp_path / "staticfiles.json").write_text(json.dumps({"paths": hashed, "version": "1.1"}))
    settings.STATIC_ROOT = tmp_path
    manifest = "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"
    settings.STORAGES = {**settings.STORAGES, "staticfiles": {"BACKEND": manifest}}

    script = client.get(desk_url("service_worker")).content.decode()

    assert '"/static/js/desk.0123abcd.js"' in script
    assert '"/static/js/desk.js"' not in script


# Log-out -----------------------------------------------------------------------------


def test_log_out_asks_the_browser_to_clear_the_desks_storage(desk_client, world):
    response = desk_client.post(desk_url("logout"))

    assert response["Clear-Site-Data"] == '"storage"'
    assert response.url == "/en/desk/login/"
    assert "_auth_user_id" not in desk_client.session


def test_desk_page_says_logging_out_deletes_unsent_scans(desk_client, world, on_7_september):
    html = desk_client.get(desk_url("desk", "ko", slug="entrance-7")).content.decode()

    assert 'class="desk-logout" data-unsent="네트워크 없이 한 스캔을 아직 보내지 못했습니다.' in html
    assert 'id="desk-offline" role="status" hidden' in html
