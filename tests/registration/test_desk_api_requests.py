"""The desk's JSON API: bad input, CSRF, and two simultaneous scans of one ticket on PostgreSQL."""

import threading

import pytest
from django.db import close_old_connections
from django.test import Client

from registration import roles
from registration.models import CheckIn
from tests.factories import seoul
from tests.registration.desk_world import build_world, desk_url, post, register, scan, staff_user

pytestmark = pytest.mark.usefixtures("no_mail_after_commit")


# Bad requests ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "body",
    [
        "not json",
        "[1, 2]",
        '"a string"',
        "null",
        '{"ticket": "abc"}',
        '{"checkpoint": "nowhere", "ticket": "abc"}',
        '{"checkpoint": ["entrance-7"], "ticket": "abc"}',
        '{"checkpoint": "entrance-7"}',
        '{"checkpoint": "entrance-7", "ticket": 12345}',
        '{"checkpoint": "entrance-7", "registration": {"code": "X"}}',
        '{"checkpoint": "entrance-7", "ticket": "' + "x" * 300 + '"}',
    ],
)
def test_bad_checkin_requests_get_a_json_400(desk_client, world, body):
    response = desk_client.post(desk_url("api_checkin"), body, content_type="application/json")

    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert response.json()["error"]


def test_invalid_utf8_is_a_json_400(desk_client, world):
    response = desk_client.post(desk_url("api_checkin"), b"\xff\xfe{", content_type="application/json")

    assert response.status_code == 400


def test_checkin_by_get_is_refused_so_secrets_stay_out_of_urls(desk_client, world, on_7_september):
    person = register(world.event, name="Ana Lima")

    response = desk_client.get(desk_url("api_checkin"), {"checkpoint": "entrance-7", "ticket": person.ticket_secret})

    assert response.status_code == 405
    assert response["Allow"] == "POST"
    assert CheckIn.objects.count() == 0


def test_search_by_post_is_refused(desk_client, world):
    assert post(desk_client, "api_search", {"q": "ana"}).status_code == 405


# CSRF --------------------------------------------------------------------------------


def test_checkin_without_the_csrf_token_is_refused(desk_user, world, on_7_september):
    person = register(world.event, name="Ana Lima")
    client = Client(enforce_csrf_checks=True)
    client.force_login(desk_user)

    response = scan(client, world.entrance_7, person.ticket_secret)

    assert response.status_code == 403
    assert CheckIn.objects.count() == 0


def test_checkin_with_the_csrf_token_from_the_desk_page_succeeds(desk_user, world, on_7_september):
    person = register(world.event, name="Ana Lima")
    client = Client(enforce_csrf_checks=True)
    client.force_login(desk_user)
    client.get(desk_url("desk", slug="entrance-7"))
    token = client.cookies["csrftoken"].value

    response = scan(client, world.entrance_7, person.ticket_secret, HTTP_X_CSRFTOKEN=token)

    assert response.status_code == 200
    assert response.json()["result"] == "ok"


def test_undo_without_the_csrf_token_is_refused(desk_user, world, on_7_september):
    person = register(world.event, name="Ana Lima")
    checkin = CheckIn.objects.create(registration=person, checkpoint=world.entrance_7, day=world.entrance_7.day)
    client = Client(enforce_csrf_checks=True)
    client.force_login(desk_user)

    response = post(client, "api_undo", {"checkin": checkin.pk})

    assert response.status_code == 403
    checkin.refresh_from_db()
    assert checkin.undone_at is None


# Two desks, one ticket, the same instant (PostgreSQL) --------------------------------


@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_scans_of_one_ticket_make_one_checkin(requires_postgres, settings, time_machine):
    settings.OUTBOX_SEND_ON_COMMIT = False
    time_machine.move_to(seoul(2010, 9, 7, 10, 0), tick=False)
    world = build_world()
    person = register(world.event, name="Ana Lima")
    user = staff_user("desk-staff", roles.DESK_STAFF)
    barrier = threading.Barrier(2)
    answers, errors = [], []

    def desk(device):
        client = Client()
        client.force_login(user)
        try:
            barrier.wait(timeout=10)
            response = scan(client, world.entrance_7, person.ticket_secret, HTTP_X_DESK_DEVICE=device)
            answers.append(response.json())
        except Exception as error:
            errors.append(error)
        finally:
            close_old_connections()

    threads = [threading.Thread(target=desk, args=(f"desk-{n}",)) for n in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert errors == []
    assert sorted(answer["result"] for answer in answers) == ["already", "ok"]
    assert CheckIn.objects.filter(registration=person).count() == 1
    assert len({answer["checkin"]["id"] for answer in answers}) == 1


def test_a_day_closed_to_citizens_by_an_organiser_refuses_citizens_at_once(
    desk_client, world, on_7_september, django_capture_on_commit_callbacks
):
    """Whether a day is open to citizens is remembered per content version: an
    organiser's edit of the day's sessions applies to the next scan."""
    from events.models import Audience, Session

    first, second = register(world.event, name="First citizen"), register(world.event, name="Second citizen")
    assert scan(desk_client, world.entrance_7, first.ticket_secret).json()["result"] == "ok"

    with django_capture_on_commit_callbacks(execute=True):
        forum = Session.objects.get(event=world.event, slug="forum")
        forum.audience = Audience.DELEGATES
        forum.save()
    data = scan(desk_client, world.entrance_7, second.ticket_secret).json()

    assert (data["result"], data["reason"]) == ("refused", "wrong_day")
