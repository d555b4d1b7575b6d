"""Fault 1, a held lock: while another connection holds a row lock, a request
that needs it waits no longer than the lock timeout, then gets the polite
"busy, please try again" answer (503 + Retry-After: a page, or JSON at the
desk), with nothing written; pages that need no lock keep answering.

A second PostgreSQL connection (psycopg2, outside Django) holds the locks, as a
long transaction in another worker would. Against committed data
(transaction=True); PostgreSQL only. Most tests lower the test connection's
lock timeout to 1 s to stay fast; the first ones use the configured one.
"""

import json
import re
import threading
import time

import psycopg2
import pytest
from django.conf import settings
from django.db import connection
from django.urls import reverse
from django.utils import translation

from registration import roles, services
from registration.models import BookingStatus, CheckIn, OutgoingMail, Registration, Status
from tests.factories import seoul
from tests.registration.desk_world import build_world, desk_url, register, staff_user
from tests.registration.pages import in_language, open_form, submit, text, url, valid_data

pytestmark = pytest.mark.django_db(transaction=True)

BUSY_PAGE = "Busy: please try again"
RESEND = (
    "Wait a few seconds, go back with your browser's Back button and send the form again: "
    "what you typed is still there, and sending it again is safe."
)
BUSY_JSON = "The server is busy. Wait a few seconds and try again."


class LockHolder:
    """Another session's transaction holding row or table locks until release()."""

    def __init__(self):
        params = connection.settings_dict
        self.conn = psycopg2.connect(
            dbname=params["NAME"],
            user=params["USER"],
            password=params["PASSWORD"],
            host=params["HOST"],
            port=params["PORT"],
        )

    def lock_row(self, model, pk) -> None:
        with self.conn.cursor() as cursor:
            cursor.execute(f'SELECT 1 FROM "{model._meta.db_table}" WHERE id = %s FOR UPDATE', [pk])  # noqa: S608
            assert cursor.fetchone() == (1,)

    def lock_table(self, model) -> None:
        """Nobody may even read the table: for reads, which row locks never block."""
        with self.conn.cursor() as cursor:
            cursor.execute(f'LOCK TABLE "{model._meta.db_table}" IN ACCESS EXCLUSIVE MODE')

    def release(self) -> None:
        self.conn.rollback()

    def close(self) -> None:
        self.conn.rollback()
        self.conn.close()


@pytest.fixture
def holder(requires_postgres, settings):
    settings.OUTBOX_SEND_ON_COMMIT = False
    lock_holder = LockHolder()
    yield lock_holder
    lock_holder.close()


@pytest.fixture
def short_lock_timeout(requires_postgres):
    """The test connection gives up on a lock after 1 s instead of the configured 3 s."""
    with connection.cursor() as cursor:
        cursor.execute("SET lock_timeout = '1s'")
    yield
    with connection.cursor() as cursor:
        cursor.execute("RESET lock_timeout")


def timed(call):
    started = time.perf_counter()
    response = call()
    return response, time.perf_counter() - started


def assert_busy_page(response, lang="en"):
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert response["Cache-Control"] == "no-store"
    assert response["Content-Type"] == "text/html; charset=utf-8"
    assert in_language(lang, BUSY_PAGE) in text(response)
    assert f'<html lang="{lang}">' in response.content.decode()


def assert_busy_json(response, lang="en"):
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert response.json() == {"error": in_language(lang, BUSY_JSON), "code": "busy"}


# The connection settings ---------------------------------------------------------------


def test_app_connections_have_the_configured_lock_and_statement_timeouts(requires_postgres):
    with connection.cursor() as cursor:
        cursor.execute("SELECT name, setting FROM pg_settings WHERE name IN ('lock_timeout', 'statement_timeout')")
        got = dict(cursor.fetchall())

    assert got == {
        "lock_timeout": str(settings.DATABASE_LOCK_TIMEOUT_MS),
        "statement_timeout": str(settings.DATABASE_STATEMENT_TIMEOUT_MS),
    }


# Registration ------------------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_registration_behind_a_held_event_lock_says_busy_within_seconds(client, clock, open_event, holder, lang):
    stamp = open_form(client, lang)
    holder.lock_row(type(open_event), open_event.pk)

    response, seconds = timed(lambda: submit(client, clock, valid_data(), lang=lang, stamp=stamp))

    assert_busy_page(response, lang)
    assert in_language(lang, RESEND) in text(response)
    assert settings.DATABASE_LOCK_TIMEOUT_MS / 1000 <= seconds < 5.5
    assert not Registration.objects.exists()
    assert not OutgoingMail.objects.exists()

    # Sent again once the lock is gone, the same form registers (once).
    holder.release()
    again = client.post(url("start", lang), {**valid_data(), "form_stamp": stamp})
    assert again.status_code == 302
    assert again["Location"] == url("sent", lang)
    assert Registration.objects.get().email == "minjun@example.org"


def test_home_page_keeps_answering_while_registrations_wait_for_a_lock(client, clock, open_event, holder):
    stamp = open_form(client)
    holder.lock_row(type(open_event), open_event.pk)
    waiting = {}

    def register_in_another_worker():
        try:
            waiting["response"] = submit(client.__class__(), clock, valid_data(), stamp=stamp)
        finally:
            connection.close()

    worker = threading.Thread(target=register_in_another_worker)
    worker.start()
    time.sleep(0.5)  # the registration is now waiting for the event's lock
    home, seconds = timed(lambda: client.get(reverse("events:home")))
    still_waiting = worker.is_alive()
    worker.join(10)

    assert home.status_code == 200
    assert open_event.name in text(home)
    assert seconds < 2
    assert still_waiting
    assert waiting["response"].status_code == 503
    assert not Registration.objects.exists()


# The private page ------------------------------------------------------------------------


@pytest.fixture
def registered(clock, open_event, workshops, settings):
    settings.OUTBOX_SEND_ON_COMMIT = False
    person = {
        "name": "Ana Lima",
        "email": "ana@example.org",
        "country": "BR",
        "language": "en",
        "category": "citizen",
    }
    return services.register(event=open_event, person=person, session_ids=[workshops[0].pk]).registration


def test_changing_details_behind_a_held_lock_says_busy(client, clock, registered, holder, short_lock_timeout):
    holder.lock_row(Registration, registered.pk)
    fields = {
        "name": "Ana Souza",
        "country": "BR",
        "city": "São Paulo",
        "language": "en",
        "organisation": "",
        "needs": "",
    }
    data = {f"details-{name}": value for name, value in fields.items()}

    response = client.post(url("manage_details", secret=registered.manage_secret), data)

    assert_busy_page(response)
    registered.refresh_from_db()
    assert registered.name == "Ana Lima"


def test_changing_sessions_behind_a_held_session_lock_says_busy(
    client, clock, open_event, workshops, registered, holder, short_lock_timeout
):
    # Changing sessions locks the sessions concerned (never the event's row).
    holder.lock_row(type(workshops[1]), workshops[1].pk)

    response = client.post(
        url("manage_sessions", secret=registered.manage_secret), {"sessions-sessions": [workshops[1].pk]}
    )

    assert_busy_page(response)
    assert list(registered.bookings.values_list("session", "status")) == [(workshops[0].pk, BookingStatus.CONFIRMED)]


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_cancelling_behind_a_held_event_lock_says_busy(
    client, clock, open_event, registered, holder, short_lock_timeout, lang
):
    holder.lock_row(type(open_event), open_event.pk)

    response = client.post(url("cancel", lang, secret=registered.manage_secret))

    assert_busy_page(response, lang)
    registered.refresh_from_db()
    assert registered.status == Status.CONFIRMED
    assert OutgoingMail.objects.count() == 1  # the confirmation only: no cancellation mail


def test_private_page_that_cannot_be_read_in_time_says_busy(client, clock, registered, holder, short_lock_timeout):
    holder.lock_table(Registration)

    response = client.get(url("manage", secret=registered.manage_secret))

    assert_busy_page(response)
    assert "Try again" in text(response)
    assert f'href="{url("manage", secret=registered.manage_secret)}"' in response.content.decode()

    holder.release()
    assert "Ana Lima" in text(client.get(url("manage", secret=registered.manage_secret)))


# The desk --------------------------------------------------------------------------------


@pytest.fixture
def world(holder, time_machine):
    time_machine.move_to(seoul(2010, 9, 7, 10, 0), tick=False)
    return build_world()


@pytest.fixture
def desk_client(client, world):
    client.force_login(staff_user("desk-staff", roles.DESK_STAFF))
    return client


def api_post(client, name, payload, lang="en"):
    return client.post(desk_url(name, lang), json.dumps(payload), content_type="application/json")


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_desk_check_in_behind_a_held_registration_lock_answers_busy_json(
    desk_client, world, holder, short_lock_timeout, lang
):
    person = register(world.event, name="김민준")
    holder.lock_row(Registration, person.pk)

    response, seconds = timed(
        lambda: api_post(
            desk_client, "api_checkin", {"checkpoint": world.entrance_7.slug, "ticket": person.ticket_secret}, lang
        )
    )

    assert_busy_json(response, lang)
    assert seconds < 3
    assert not CheckIn.objects.exists()

    holder.release()
    again = api_post(desk_client, "api_checkin", {"checkpoint": world.entrance_7.slug, "ticket": person.ticket_secret})
    assert again.json()["result"] == "ok"
    assert CheckIn.objects.get().registration == person


def test_desk_undo_behind_a_held_lock_answers_busy_json(desk_client, world, holder, short_lock_timeout):
    person = register(world.event, name="김민준")
    checked = api_post(
        desk_client, "api_checkin", {"checkpoint": world.entrance_7.slug, "ticket": person.ticket_secret}
    )
    checkin_id = checked.json()["checkin"]["id"]
    holder.lock_row(CheckIn, checkin_id)

    response = api_post(desk_client, "api_undo", {"checkin": checkin_id})

    assert_busy_json(response)
    assert CheckIn.objects.get().undone_at is None


@pytest.mark.parametrize(("name", "table"), [("api_search", Registration), ("api_counters", CheckIn)])
def test_desk_reads_that_cannot_finish_in_time_answer_busy_json(
    desk_client, world, holder, short_lock_timeout, name, table
):
    register(world.event, name="김민준")
    holder.lock_table(table)

    response = desk_client.get(desk_url(name), {"q": "민준", "checkpoint": world.entrance_7.slug})

    assert_busy_json(response)


def test_walk_in_behind_a_held_event_lock_says_busy(desk_client, world, holder, short_lock_timeout):
    form = desk_client.get(desk_url("walk_in") + f"?checkpoint={world.entrance_7.slug}")
    token = re.search(r'name="token" value="([^"]+)"', form.content.decode()).group(1)
    data = {"name": "Lee Seo-yeon", "category": "citizen", "country": "KR", "privacy_consent": "on"}
    data |= {"checkpoint": world.entrance_7.slug, "token": token, "email": "", "phone": "", "organisation": ""}
    holder.lock_row(type(world.event), world.event.pk)

    with translation.override("ko"):
        response = desk_client.post(desk_url("walk_in", "ko"), data)

    assert_busy_page(response, "ko")
    assert not Registration.objects.exists()
    assert not CheckIn.objects.exists()

    holder.release()
    again = desk_client.post(desk_url("walk_in"), data)
    assert again.status_code == 302
    assert Registration.objects.get().name == "Lee Seo-yeon"
    assert CheckIn.objects.get().checkpoint == world.entrance_7


def test_a_statement_past_the_statement_timeout_says_busy_too(client, clock, registered, holder):
    """The statement timeout (57014), not the lock timeout (55P03), ends this wait."""
    with connection.cursor() as cursor:
        cursor.execute("SET lock_timeout = 0")
        cursor.execute("SET statement_timeout = '1s'")
    holder.lock_table(Registration)
    try:
        response, seconds = timed(lambda: client.get(url("manage", secret=registered.manage_secret)))
    finally:
        with connection.cursor() as cursor:
            cursor.execute("RESET lock_timeout")
            cursor.execute("RESET statement_timeout")

    assert_busy_page(response)
    assert seconds < 3
