"""Fault 5, a lost database connection after the commit: a registration that
committed shows its "check your e-mail" page. The typed address travels to that
page in a short-lived signed cookie, not in the session, so nothing after the
commit needs the database and no session row holds an e-mail address."""

import base64
import json
from unittest import mock

import psycopg2
import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session as StoredSession
from django.db import OperationalError, close_old_connections, connection, transaction

from tests.registration.pages import open_form, submit, text, url, valid_data

pytestmark = pytest.mark.usefixtures("no_mail_after_commit")

SENT_TEXT = "We have sent your ticket and the private link to your registration to minjun@example.org"
# The cookies that carry the typed address to the next page (registration/views.py).
SENT_COOKIE = "wegov_sent_to"
LOST_COOKIE = "wegov_lost_for"
GENERAL_TEXT = "We have sent your ticket and the private link to your registration to the address you gave."


@pytest.mark.parametrize(("lang", "secure"), [("en", False), ("ko", True)])
def test_the_address_travels_in_a_signed_cookie_limited_to_the_registration_pages(
    client, clock, open_event, settings, lang, secure
):
    settings.SESSION_COOKIE_SECURE = secure

    response = submit(client, clock, valid_data(), lang=lang)

    cookie = response.cookies[SENT_COOKIE]
    assert cookie["path"] == f"/{lang}/register/"
    assert cookie["max-age"] == 15 * 60
    assert (cookie["httponly"], cookie["samesite"], cookie["secure"]) == (True, "Lax", secure or "")
    value = base64.urlsafe_b64decode(cookie.value.split(":")[0] + "==")
    assert json.loads(value) == "minjun@example.org"  # the person's own address, signed, not encrypted
    assert settings.SESSION_COOKIE_NAME not in response.cookies
    assert not StoredSession.objects.exists()


def test_an_address_with_hangul_travels_too(client, clock, open_event):
    response = submit(client, clock, valid_data(email="minjun@예시.kr"))

    assert response.cookies[SENT_COOKIE].value.isascii()
    assert "minjun@예시.kr" in text(client.get(response["Location"]))


def test_a_tampered_address_cookie_is_ignored(client, clock, open_event):
    submit(client, clock, valid_data())
    signed = client.cookies[SENT_COOKIE].value
    forged = base64.urlsafe_b64encode(json.dumps("victim@example.org").encode()).decode().rstrip("=")
    client.cookies[SENT_COOKIE] = forged + signed[signed.index(":") :]

    page = client.get(url("sent"))

    assert GENERAL_TEXT in text(page)
    assert "victim" not in text(page)


def test_the_address_is_forgotten_after_15_minutes(client, clock, open_event):
    response = submit(client, clock, valid_data())

    clock.shift(14 * 60)
    assert SENT_TEXT in text(client.get(response["Location"]))
    clock.shift(2 * 60)
    assert GENERAL_TEXT in text(client.get(response["Location"]))


def test_lost_link_address_travels_in_its_own_cookie_without_a_session(client, open_event):
    response = client.post(url("lost"), {"email": "nobody@example.org"})

    assert response.cookies[LOST_COOKIE]["path"] == "/en/register/"
    assert "nobody@example.org" in text(client.get(response["Location"]))
    assert SENT_COOKIE not in response.cookies
    assert not StoredSession.objects.exists()


def test_registration_shows_its_page_when_the_session_cannot_be_saved(client, clock, open_event):
    with mock.patch.object(SessionStore, "save", side_effect=OperationalError("the database went away")):
        response = submit(client, clock, valid_data())
        sent = client.get(response["Location"])

    assert response["Location"] == url("sent")
    assert SENT_TEXT in text(sent)
    assert open_event.registrations.get().email == "minjun@example.org"


@pytest.mark.django_db(transaction=True)
def test_registration_shows_its_page_when_the_connection_dies_right_after_the_commit(
    requires_postgres, client, clock, open_event
):
    """The database server ends the web process's connection just after the
    registration committed (a restart, a fail-over, a network cut)."""

    def terminate_this_connection():
        params = connection.settings_dict
        killer = psycopg2.connect(
            dbname=params["NAME"], user=params["USER"], password=params["PASSWORD"], host=params["HOST"]
        )
        killer.autocommit = True
        with killer.cursor() as cursor:
            cursor.execute("SELECT pg_terminate_backend(%s)", [connection.connection.info.backend_pid])
        killer.close()

    def after_the_registrations_commit(execute, sql, params, many, context):
        result = execute(sql, params, many, context)
        # The registration's INSERT (on PostgreSQL inside a WITH that also writes its history row)
        if 'INSERT INTO "registration_registration" (' in sql:
            transaction.on_commit(terminate_this_connection)
        return result

    stamp = open_form(client)
    with connection.execute_wrapper(after_the_registrations_commit):
        clock.shift(5)
        response = client.post(url("start"), {**valid_data(), "form_stamp": stamp})
    assert not connection.is_usable()

    close_old_connections()  # what the next request does first (CONN_HEALTH_CHECKS)
    sent = client.get(response["Location"])

    assert response.status_code == 302
    assert response["Location"] == url("sent")
    assert SENT_TEXT in text(sent)
    assert open_event.registrations.get().email == "minjun@example.org"
