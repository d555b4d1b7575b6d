"""Who may use the desk: log-in, permissions, no admin for desk staff, and the
log-in throttle (django-axes: per user name and address together)."""

import json

import pytest
from axes.models import AccessAttempt
from django.test import Client

from registration import roles
from tests.registration.desk_world import PASSWORD, desk_url, staff_user

pytestmark = pytest.mark.usefixtures("no_mail_after_commit")

DESK_PAGES = [("checkpoints", {}), ("desk", {"slug": "entrance-7"})]
API_GETS = [("api_search", {"q": "kim", "checkpoint": "entrance-7"}), ("api_counters", {"checkpoint": "entrance-7"})]
API_POSTS = [("api_checkin", {"checkpoint": "entrance-7", "ticket": "x" * 32}), ("api_undo", {"checkin": 1})]


@pytest.fixture
def axes_on(settings):
    settings.AXES_ENABLED = True


def log_in(client, username, password, address="10.0.0.1", lang="en"):
    return client.post(desk_url("login", lang), {"username": username, "password": password}, REMOTE_ADDR=address)


# Anonymous visitors -------------------------------------------------------------------


@pytest.mark.parametrize(("name", "kwargs"), DESK_PAGES)
def test_anonymous_visitor_is_sent_to_the_desk_login(client, world, name, kwargs):
    url = desk_url(name, "ko", **kwargs)

    response = client.get(url)

    assert response.status_code == 302
    assert response["Location"] == f"/ko/desk/login/?next={url}"


@pytest.mark.parametrize(("name", "params"), API_GETS)
def test_anonymous_api_read_is_403_json(client, world, name, params):
    response = client.get(desk_url(name), params)

    assert response.status_code == 403
    assert response.json() == {"error": "Log in to use the desk.", "login_url": "/en/desk/login/"}


@pytest.mark.parametrize(("name", "payload"), API_POSTS)
def test_anonymous_api_write_is_403_json(client, world, name, payload):
    response = client.post(desk_url(name), json.dumps(payload), content_type="application/json")

    assert response.status_code == 403
    assert response.json()["login_url"] == "/en/desk/login/"


# Logged in without the permission ----------------------------------------------------------


@pytest.fixture
def outsider_client(client, db):
    client.force_login(staff_user("someone"))
    return client


@pytest.mark.parametrize(("name", "kwargs"), DESK_PAGES)
def test_user_without_the_desk_permission_gets_403(outsider_client, world, name, kwargs):
    response = outsider_client.get(desk_url(name, **kwargs))

    assert response.status_code == 403
    assert "may not use the check-in desk" in response.content.decode()


@pytest.mark.parametrize(("name", "params"), API_GETS)
def test_user_without_the_desk_permission_gets_403_json(outsider_client, world, name, params):
    response = outsider_client.get(desk_url(name), params)

    assert response.status_code == 403
    assert response.json() == {"error": "This account may not use the check-in desk."}


def test_inactive_desk_staff_cannot_use_the_desk(client, world):
    user = staff_user("retired", roles.DESK_STAFF)
    user.is_active = False
    user.save()
    client.force_login(user)

    assert client.get(desk_url("checkpoints")).status_code in (302, 403)


# Desk staff and organisers ------------------------------------------------------------------


@pytest.mark.parametrize("group", [roles.DESK_STAFF, roles.ORGANISERS])
def test_desk_staff_and_organisers_may_use_the_desk(client, world, group):
    client.force_login(staff_user("member", group))

    assert client.get(desk_url("checkpoints")).status_code == 200
    assert client.get(desk_url("desk", slug="entrance-7")).status_code == 200
    assert client.get(desk_url("api_counters"), {"checkpoint": "entrance-7"}).status_code == 200


@pytest.mark.parametrize(
    "path",
    ["/ko/admin/", "/ko/admin/registration/registration/", "/en/admin/registration/checkin/", "/en/admin/auth/user/"],
)
def test_desk_staff_cannot_reach_the_admin(client, world, path):
    client.force_login(staff_user("desk-staff", roles.DESK_STAFF))

    response = client.get(path)

    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


# Log-in and log-out pages -----------------------------------------------------------------


@pytest.mark.parametrize(("lang", "html_lang"), [("ko", 'lang="ko"'), ("en", 'lang="en"')])
def test_login_page_in_both_languages(client, db, lang, html_lang):
    response = client.get(desk_url("login", lang))

    html = response.content.decode()
    assert response.status_code == 200
    assert html_lang in html
    assert 'autocomplete="current-password"' in html
    assert f'action="/{lang}/desk/login/"' in html


def test_login_takes_desk_staff_to_the_checkpoints(client, world):
    staff_user("desk-staff", roles.DESK_STAFF)

    response = log_in(client, "desk-staff", PASSWORD)

    assert response.status_code == 302
    assert response["Location"] == "/en/desk/"


def test_login_returns_to_the_page_asked_for(client, world):
    staff_user("desk-staff", roles.DESK_STAFF)

    response = client.post(
        desk_url("login"), {"username": "desk-staff", "password": PASSWORD, "next": "/en/desk/checkpoint/entrance-7/"}
    )

    assert response["Location"] == "/en/desk/checkpoint/entrance-7/"


def test_login_refuses_a_next_address_on_another_site(client, world):
    staff_user("desk-staff", roles.DESK_STAFF)

    response = client.post(
        desk_url("login"), {"username": "desk-staff", "password": PASSWORD, "next": "https://evil.example/"}
    )

    assert response["Location"] == "/en/desk/"


def test_wrong_password_shows_the_form_again_with_an_error(client, world):
    staff_user("desk-staff", roles.DESK_STAFF)

    response = log_in(client, "desk-staff", "wrong")

    assert response.status_code == 200
    assert 'role="alert"' in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_logout_returns_to_the_login_page(client, world):
    client.force_login(staff_user("desk-staff", roles.DESK_STAFF))

    response = client.post(desk_url("logout"))

    assert response["Location"] == "/en/desk/login/"
    assert client.get(desk_url("checkpoints")).status_code == 302


# The log-in throttle (django-axes) ------------------------------------------------------------


def test_five_failures_lock_out_that_user_name_from_that_address(client, world, axes_on):
    staff_user("desk-staff", roles.DESK_STAFF)
    for _ in range(4):
        assert log_in(client, "desk-staff", "wrong").status_code == 200
    assert log_in(client, "desk-staff", "wrong").status_code == 429  # the fifth locks

    response = log_in(client, "desk-staff", PASSWORD)

    assert response.status_code == 429
    assert "Too many failed log-ins" in response.content.decode()
    assert "_auth_user_id" not in client.session
    attempt = AccessAttempt.objects.get()
    assert (attempt.username, attempt.ip_address) == ("desk-staff", "10.0.0.1")


def test_lockout_page_in_korean(client, world, axes_on):
    for _ in range(5):
        log_in(client, "desk-staff", "wrong", lang="ko")

    response = log_in(client, "desk-staff", PASSWORD, lang="ko")

    assert response.status_code == 429
    assert 'lang="ko"' in response.content.decode()


def test_lockout_of_one_user_name_leaves_the_rest_of_the_venue_logging_in(world, axes_on):
    staff_user("desk-staff", roles.DESK_STAFF)
    staff_user("desk-staff-2", roles.DESK_STAFF)
    typist = Client()
    for _ in range(5):
        log_in(typist, "desk-staff", "wrong", address="10.0.0.1")
    assert log_in(typist, "desk-staff", PASSWORD, address="10.0.0.1").status_code == 429

    colleague = Client()
    same_address = log_in(colleague, "desk-staff-2", PASSWORD, address="10.0.0.1")

    assert same_address.status_code == 302
    assert colleague.get(desk_url("checkpoints")).status_code == 200
    elsewhere = log_in(Client(), "desk-staff", PASSWORD, address="10.9.9.9")
    assert elsewhere.status_code == 302


def test_a_successful_login_resets_the_failure_count(client, world, axes_on):
    staff_user("desk-staff", roles.DESK_STAFF)
    for _ in range(4):
        log_in(client, "desk-staff", "wrong")
    assert log_in(client, "desk-staff", PASSWORD).status_code == 302
    client.post(desk_url("logout"))

    for _ in range(4):
        log_in(client, "desk-staff", "wrong")

    assert log_in(client, "desk-staff", PASSWORD).status_code == 302


def test_admin_login_is_throttled_too(client, db, axes_on):
    admin_url = "/en/admin/login/"
    for _ in range(5):
        client.post(admin_url, {"username": "boss", "password": "wrong"}, REMOTE_ADDR="10.0.0.1")

    response = client.post(admin_url, {"username": "boss", "password": "wrong"}, REMOTE_ADDR="10.0.0.1")

    assert response.status_code == 429
