"""The answers to input no page can use (wegov.middleware, wegov.views.bad_request,
wegov.inputs and the checks that use them): a translated 400 or 404 page, a JSON
error at the desk's API, a form error in a form, and nothing written."""

import json

import pytest
from axes.models import AccessAttempt
from django.contrib.auth import get_user_model
from django.core.exceptions import BadRequest
from django.middleware.csrf import _get_new_csrf_string
from django.test import Client
from django.urls import get_resolver
from django.utils import translation
from django.utils.translation import gettext

from registration import checkin, roles
from registration.models import CheckIn, OutgoingMail, Registration, Status
from tests.factories import seoul
from tests.registration.desk_world import build_world, register, staff_user
from wegov.inputs import MAX_PK, is_storable, parse_id

pytestmark = pytest.mark.usefixtures("no_mail_after_commit")

BAD_REQUEST = {"ko": "잘못된 요청", "en": "Bad request"}
FORM_IN_UTF16 = "application/x-www-form-urlencoded; charset=utf-16"


def in_language(lang: str, message: str) -> str:
    with translation.override(lang):
        return gettext(message)


def arabic_indic(number: int) -> str:
    """The number in Arabic-Indic digits: int() reads "١٢" as 12."""
    return "".join(chr(0x660 + int(digit)) for digit in str(number))


@pytest.fixture
def world(db, time_machine):
    time_machine.move_to(seoul(2010, 9, 7, 10, 0), tick=False)
    world = build_world()
    world.person = register(world.event, name="Ana Lima", email="ana@example.org", sessions=[world.workshop])
    return world


@pytest.fixture
def desk_client(client, world):
    client.force_login(staff_user("desk-staff", roles.DESK_STAFF))
    return client


@pytest.fixture
def boss(client, world):
    client.force_login(get_user_model().objects.create_superuser("boss", "boss@example.org", "irrelevant"))
    return client


# wegov.inputs ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("12", 12),
        (12, 12),
        (str(MAX_PK), MAX_PK),
        ("²", None),
        ("١٢", None),
        ("１２", None),  # full-width digits
        ("0", None),
        ("-1", None),
        (" 12", None),
        ("1\x00", None),
        (str(MAX_PK + 1), None),
        ("9" * 400, None),
        (True, None),
        (1.0, None),
        (None, None),
        ([12], None),
    ],
)
def test_an_id_is_ascii_digits_that_fit_a_bigint(value, expected):
    assert parse_id(value) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("김민준 José", True),
        ("", True),
        ("\U0001f600", True),
        ("a\x00b", False),
        ("\ud800", False),
        ("\udfff x", False),
    ],
)
def test_storable_text_has_no_nul_and_no_lone_surrogate(text, expected):
    assert is_storable(text) is expected


# NUL in the address ------------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_a_nul_in_the_query_string_gets_the_400_page_in_the_language_of_the_url(
    client, db, lang, django_assert_num_queries
):
    with django_assert_num_queries(0):  # answered before any view, without the database
        response = client.get(f"/{lang}/programme/?day=%00")

    page = response.content.decode()
    assert response.status_code == 400
    assert f'<html lang="{lang}">' in page
    assert f"<h1>{BAD_REQUEST[lang]}</h1>" in page
    assert in_language(lang, "Check the address, or go back and send the form again from this site's own page.") in page


def test_a_nul_in_a_query_parameter_name_is_refused_too(client, db):
    response = client.get("/en/programme/?da%00y=2010-09-07")

    assert response.status_code == 400


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_a_nul_in_a_private_link_gets_the_404_page_and_changes_nothing(client, world, lang):
    secret = world.person.manage_secret

    response = client.post(f"/{lang}/register/manage/{secret}%00/cancel/")

    assert response.status_code == 404
    assert in_language(lang, "Page not found") in response.content.decode()
    assert Registration.objects.get().status == Status.CONFIRMED


def test_a_nul_in_the_ticket_address_gets_404(client, world):
    response = client.get(f"/en/register/manage/%00{world.person.manage_secret}/ticket.png")

    assert response.status_code == 404
    assert not response.content.startswith(b"\x89PNG")


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_a_nul_in_the_desk_search_gets_a_json_400(desk_client, lang):
    response = desk_client.get(f"/{lang}/desk/api/search/?q=Ana%00")

    assert response.status_code == 400
    assert response.json() == {
        "error": in_language(
            lang, "The request could not be read: it holds characters or an encoding this site does not accept."
        )
    }


def test_a_nul_in_the_desk_counters_checkpoint_gets_a_json_400(desk_client, world):
    response = desk_client.get("/en/desk/api/counters/?checkpoint=entrance-7%00")

    assert response.status_code == 400
    assert "error" in response.json()


# A form in another charset (handler400) ------------------------------------------------------


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_a_form_declared_in_another_charset_gets_the_400_page(world, lang):
    browser = Client(enforce_csrf_checks=True)  # the CSRF check is the first to read the form
    token = _get_new_csrf_string()
    browser.cookies["csrftoken"] = token
    body = f"email=ana%40example.org&csrfmiddlewaretoken={token}".encode()

    response = browser.generic("POST", f"/{lang}/register/lost/", body, content_type=FORM_IN_UTF16)

    page = response.content.decode()
    assert response.status_code == 400
    assert f"<h1>{BAD_REQUEST[lang]}</h1>" in page
    assert not OutgoingMail.objects.filter(kind="manage_link").exists()


def test_a_form_in_another_charset_reaching_a_view_gets_the_400_page(client, world):
    response = client.generic("POST", "/en/register/lost/", b"email=ana%40example.org", content_type=FORM_IN_UTF16)

    assert response.status_code == 400
    assert "<h1>Bad request</h1>" in response.content.decode()
    assert not OutgoingMail.objects.filter(kind="manage_link").exists()


def test_the_400_page_never_reads_the_form_again(rf):
    request = rf.generic("POST", "/ko/register/lost/", b"email=x", content_type=FORM_IN_UTF16)
    with pytest.raises(BadRequest):
        request.POST  # noqa: B018 (what Django's handler met)

    response = get_resolver().resolve_error_handler(400)(request, BadRequest())  # the site's handler400

    assert response.status_code == 400
    assert "<h1>잘못된 요청</h1>" in response.content.decode()


def test_the_desk_api_in_another_charset_gets_a_json_400(desk_client, world):
    desk_client.handler.enforce_csrf_checks = True
    token = _get_new_csrf_string()
    desk_client.cookies["csrftoken"] = token
    body = b'{"checkpoint": "entrance-7"}'

    response = desk_client.generic(
        "POST", "/en/desk/api/checkin/", body, content_type=FORM_IN_UTF16, HTTP_X_CSRFTOKEN=token
    )

    assert response.status_code == 400
    assert response.json()["error"].startswith("The request could not be read")
    assert not CheckIn.objects.exists()


# The desk's JSON API -------------------------------------------------------------------------


def scan(client, data):
    return client.post("/en/desk/api/checkin/", json.dumps(data), content_type="application/json")


@pytest.mark.parametrize("field", ["ticket", "registration", "checkpoint"])
@pytest.mark.parametrize("bad", ["\x00", "entrance-7\x00", "\ud800"])
def test_a_check_in_with_a_nul_or_a_lone_surrogate_is_a_json_400(desk_client, world, field, bad):
    data = {"checkpoint": "entrance-7", field: bad}

    response = scan(desk_client, data)

    assert response.status_code == 400
    assert response.json() == {"error": f"“{field}” holds a character that is not allowed."}
    assert not CheckIn.objects.exists()


def test_the_refusal_is_in_korean_on_the_korean_desk(desk_client, world):
    body = json.dumps({"checkpoint": "entrance-7", "ticket": "\ud800"})

    response = desk_client.post("/ko/desk/api/checkin/", body, content_type="application/json")

    assert response.json() == {"error": "“ticket”에 허용되지 않는 문자가 들어 있습니다."}


@pytest.mark.parametrize("kind", ["superscript", "arabic-indic", "nul"])
def test_undo_refuses_an_id_that_is_not_ascii_digits(desk_client, world, kind):
    done = checkin.check_in(checkpoint=world.entrance_7, registration=world.person).checkin
    bad = {"superscript": "²", "arabic-indic": arabic_indic(done.pk), "nul": f"{done.pk}\x00"}[kind]

    response = desk_client.post("/en/desk/api/undo/", json.dumps({"checkin": bad}), content_type="application/json")

    assert response.status_code == 400
    assert response.json() == {"error": "Send the id of the check-in to undo."}
    assert CheckIn.objects.get().undone_at is None


def test_undo_still_takes_the_id_as_ascii_digits(desk_client, world):
    done = checkin.check_in(checkpoint=world.entrance_7, registration=world.person).checkin

    response = desk_client.post(
        "/en/desk/api/undo/", json.dumps({"checkin": str(done.pk)}), content_type="application/json"
    )

    assert response.status_code == 200
    assert CheckIn.objects.get().undone_at is not None


# The admin -----------------------------------------------------------------------------------

REGISTRATIONS = "/en/admin/registration/registration/"


@pytest.mark.parametrize("kind", ["superscript", "arabic-indic", "nul", "huge"])
def test_an_admin_action_on_ids_that_are_not_ids_is_refused(boss, world, kind):
    pk = world.person.pk
    bad = {"superscript": "²", "arabic-indic": arabic_indic(pk), "nul": f"{pk}\x00", "huge": "9" * 30}[kind]
    data = {"action": "cancel_selected", "index": "0", "_selected_action": [str(pk), bad]}

    response = boss.post(REGISTRATIONS, data)

    assert response.status_code == 400
    assert "<h1>Bad request</h1>" in response.content.decode()
    assert Registration.objects.get().status == Status.CONFIRMED


def test_an_admin_action_on_real_ids_still_runs(boss, world):
    data = {"action": "cancel_selected", "index": "0", "_selected_action": [str(world.person.pk)]}

    response = boss.post(REGISTRATIONS, data)

    assert response.status_code == 302
    assert Registration.objects.get().status == Status.CANCELLED


@pytest.mark.parametrize("value", ["²", "{arabic}"])
def test_the_booked_session_filter_reads_no_other_digits(boss, world, value):
    value = value.format(arabic=arabic_indic(world.workshop.pk))

    response = boss.get(REGISTRATIONS, {"session": value})

    assert response.status_code == 200
    assert list(response.context["cl"].result_list) == []
    assert list(boss.get(REGISTRATIONS, {"session": str(world.workshop.pk)}).context["cl"].result_list) == [
        world.person
    ]


@pytest.mark.parametrize(
    ("path", "query"),
    [
        (REGISTRATIONS, {"p": "١"}),
        (REGISTRATIONS, {"p": "²"}),
        ("/en/admin/events/session/", {"starts_at__year": "9" * 30}),
        ("/en/admin/events/session/", {"starts_at__year": "٢٠١٠"}),
        ("/en/admin/events/session/", {"starts_at__year": "2010", "starts_at__month": "²"}),
    ],
)
def test_an_admin_page_number_or_date_that_is_no_ascii_number_is_refused(boss, world, path, query):
    response = boss.get(path, query)

    assert response.status_code == 400
    assert "<h1>Bad request</h1>" in response.content.decode()


def test_an_admin_date_in_ascii_digits_still_filters(boss, world):
    response = boss.get("/en/admin/events/session/", {"starts_at__year": "2010", "starts_at__month": "9"})

    assert response.status_code == 200
    assert world.workshop in response.context["cl"].result_list


# Log-in forms --------------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/en/admin/login/", "/en/desk/login/"])
@pytest.mark.parametrize("length", [256, 5000])
def test_a_user_name_longer_than_the_throttles_column_is_a_failed_log_in(client, db, settings, path, length):
    settings.AXES_ENABLED = True

    response = client.post(path, {"username": "x" * length, "password": "wrong"}, REMOTE_ADDR="10.0.0.1")

    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert "_auth_user_id" not in client.session
    attempt = AccessAttempt.objects.get()
    assert (attempt.username, attempt.failures_since_start) == ("x" * 255, 1)
