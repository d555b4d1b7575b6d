"""The blank registration form shared between visitors (registration/formcache.py):
what is shared, what stays per visitor, and that an organiser's edit is never
hidden behind it."""

import re

import pytest
from django.db import connection
from django.test import Client
from django.utils import timezone, translation

from events.models import Event, Room, Session
from registration import formcache
from registration.models import Registration
from tests.registration.pages import open_form, register_directly, submit, text, url, valid_data


def stamp_and_token(response) -> tuple[str, str]:
    html = response.content.decode()
    stamp = re.search(r'name="form_stamp" value="([^"]+)"', html).group(1)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
    return stamp, token


@pytest.fixture
def on_commit(django_capture_on_commit_callbacks):
    """Run the callbacks an edit registers for after its commit (the test's
    transaction never commits)."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


def test_second_visitor_gets_the_shared_fields_without_a_query(client, clock, workshops, django_assert_num_queries):
    client.get(url("start", "en"))

    with django_assert_num_queries(0):
        response = client.get(url("start", "en"))

    assert "U-City" in text(response)
    assert 'name="email"' in response.content.decode()


def test_visitors_never_get_each_others_token_or_stamp(clock, workshops):
    first, second = Client(), Client()

    a = first.get(url("start", "en"))
    b = second.get(url("start", "en"))

    (stamp_a, token_a), (stamp_b, token_b) = stamp_and_token(a), stamp_and_token(b)
    assert stamp_a != stamp_b
    assert first.cookies["csrftoken"].value != second.cookies["csrftoken"].value
    assert stamp_a not in b.content.decode()
    assert stamp_b not in a.content.decode()
    assert token_a not in b.content.decode()
    assert token_b not in a.content.decode()
    with translation.override("en"):
        _key, _version, shared = formcache._lookup()
    assert "csrfmiddlewaretoken" not in shared["html"]
    assert "form_stamp" not in shared["html"]
    for visitors_own in (stamp_a, token_a, stamp_b, token_b):
        assert visitors_own not in shared["page"]


def test_each_visitor_can_send_the_shared_form(clock, workshops):
    """The token and stamp each got are theirs: both forms go through."""
    first, second = Client(), Client()
    stamp_a, stamp_b = open_form(first), open_form(second)

    a = submit(first, clock, valid_data(email="a@example.org"), stamp=stamp_a)
    b = submit(second, clock, valid_data(email="b@example.org"), stamp=stamp_b)

    assert (a.status_code, b.status_code) == (302, 302)


def test_the_shared_page_carries_a_token_that_passes_the_csrf_check(clock, workshops):
    Client().get(url("start", "en"))  # the page is shared from here on
    strict = Client(enforce_csrf_checks=True)

    page = strict.get(url("start", "en"))
    stamp, token = stamp_and_token(page)
    clock.shift(5)
    sent = strict.post(url("start", "en"), {**valid_data(), "form_stamp": stamp, "csrfmiddlewaretoken": token})

    assert "csrftoken" in page.cookies
    assert "no-store" in page["Cache-Control"]
    assert sent.status_code == 302
    assert sent["Location"] == url("sent")


def test_a_pending_message_shows_on_the_form_to_its_visitor_only(clock, workshops):
    from tests.events.pagecache_helpers import with_message as _with_message

    Client().get(url("start", "en"))  # the page is shared from here on
    with_message = Client()
    _with_message(with_message, "Your registration is cancelled.")

    to_them = with_message.get(url("start", "en"))
    to_others = Client().get(url("start", "en"))

    assert "Your registration is cancelled." in text(to_them)
    assert "Your registration is cancelled." not in text(to_others)


def test_an_address_with_a_query_keeps_it_in_the_language_switch(clock, workshops):
    Client().get(url("start", "en"))  # the page is shared from here on

    tracked = Client().get(url("start", "en") + "?from=newsletter").content.decode()
    plain = Client().get(url("start", "en")).content.decode()

    assert "from=newsletter" in tracked
    assert "from=newsletter" not in plain


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_each_language_gets_its_own_fields(client, clock, workshops, lang):
    client.get(url("start", "ko" if lang == "en" else "en"))  # the other language first

    page = text(client.get(url("start", lang)))

    assert ("Choose a country" in page) == (lang == "en")
    assert ("U-City" if lang == "en" else "유시티") in page


def test_a_form_shown_again_with_errors_keeps_what_was_typed_and_is_not_shared(client, clock, open_event):
    response = submit(client, clock, valid_data(email="not-an-address", city="Typed City"))

    assert response.status_code == 200
    assert 'value="Typed City"' in response.content.decode()
    blank = client.get(url("start", "en"))
    assert "Typed City" not in blank.content.decode()


# An organiser's edit shows on the next form -------------------------------------------


def test_session_title_edit_shows_at_once(client, clock, workshops, on_commit):
    client.get(url("start", "en"))
    session = workshops[0]

    with on_commit():
        session.title_en = "Smart City"
        session.save()

    assert "Smart City" in text(client.get(url("start", "en")))


def test_room_rename_shows_at_once(client, clock, workshops, on_commit):
    client.get(url("start", "en"))
    room = Room.objects.get(pk=workshops[0].room_id)

    with on_commit():
        room.name_en = "Grand Ballroom"
        room.save()

    assert "Grand Ballroom" in text(client.get(url("start", "en")))


def test_unpublished_or_deleted_session_disappears_at_once(client, clock, workshops, on_commit):
    client.get(url("start", "en"))

    with on_commit():
        Session.objects.get(pk=workshops[0].pk).delete()
        hidden = Session.objects.get(pk=workshops[1].pk)
        hidden.is_published = False
        hidden.save()

    page = text(client.get(url("start", "en")))
    assert "U-City" not in page
    assert "GIS" not in page
    assert "CCL" in page


def test_new_capacity_and_closing_time_show_at_once(client, clock, workshops, on_commit):
    client.get(url("start", "en"))

    with on_commit():
        session = Session.objects.get(pk=workshops[0].pk)
        session.capacity = 3
        session.save()
    assert "3 seats left" in text(client.get(url("start", "en")))

    with on_commit():
        event = Event.objects.get(pk=workshops[0].event_id)
        event.registration_closes_at = timezone.now()
        event.save()
    closed = client.get(url("start", "en"))
    assert "registration/closed.html" in [t.name for t in closed.templates]
    assert 'name="form_stamp"' not in closed.content.decode()


def test_an_edit_without_a_signal_shows_within_max_age(client, clock, workshops):
    client.get(url("start", "en"))
    Session.objects.filter(pk=workshops[0].pk).update(title_en="Renamed in bulk")

    clock.shift(formcache.MAX_AGE + 1)

    assert "Renamed in bulk" in text(client.get(url("start", "en")))


# Seat counts: at most MAX_AGE seconds old -----------------------------------------------


def test_seat_counts_are_at_most_max_age_old(client, clock, workshops):
    workshop = workshops[0]
    Session.objects.filter(pk=workshop.pk).update(capacity=2)
    client.get(url("start", "en"))  # "2 seats left", now shared
    register_directly(workshop.event, [workshop])

    clock.shift(formcache.MAX_AGE - 1)
    within = text(client.get(url("start", "en")))
    clock.shift(2)
    after = text(client.get(url("start", "en")))

    assert "2 seats left" in within  # allowed: younger than MAX_AGE
    assert "1 seat left" in after
    assert "2 seats left" not in after


def test_full_event_notice_is_at_most_max_age_old(client, clock, open_event):
    Event.objects.filter(pk=open_event.pk).update(capacity=1)
    client.get(url("start", "en"))
    register_directly(open_event)

    clock.shift(formcache.MAX_AGE + 1)

    assert "The event is full" in text(client.get(url("start", "en")))


def test_without_a_shared_cache_the_form_still_works(client, clock, workshops, settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}

    response = client.get(url("start", "en"))

    assert "U-City" in text(response)
    assert stamp_and_token(response)[0]


def test_a_post_after_the_organiser_closed_registration_is_refused_at_once(client, clock, open_event, on_commit):
    stamp = open_form(client)  # the shared form now holds the event as it was
    with on_commit():
        event = Event.objects.get(pk=open_event.pk)
        event.registration_closes_at = timezone.now()
        event.save()

    response = submit(client, clock, valid_data(), stamp=stamp, wait=0)

    assert response.status_code == 403
    assert "registration/closed.html" in [t.name for t in response.templates]


# A POST takes the event and the sessions offered from the shared form ---------------------


def test_a_post_reads_the_chosen_sessions_only_when_it_locks_them(client, clock, workshops):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    stamp = open_form(client)
    clock.shift(formcache.MAX_AGE - 1)  # the shared form (and its event) still fresh

    with CaptureQueriesContext(connection) as queries:
        response = client.post(url("start"), {**valid_data(sessions=[workshops[1].pk]), "form_stamp": stamp})

    assert response.status_code == 302
    reads = [
        q["sql"] for q in queries.captured_queries if q["sql"].startswith("SELECT") and "events_session" in q["sql"]
    ]
    assert len(reads) == 1  # the services' lock (SQLite has no FOR UPDATE)
    assert "FOR UPDATE" in reads[0] or not connection.features.has_select_for_update
    assert [b.session_id for b in Registration.objects.get().bookings.all()] == [workshops[1].pk]


def test_a_post_after_max_age_renews_the_shared_form_for_the_next_posts(
    client, clock, workshops, django_assert_num_queries
):
    stamps = [open_form(client), open_form(client)]
    clock.shift(formcache.MAX_AGE + 1)
    client.post(url("start"), {**valid_data(), "form_stamp": stamps[0]})  # the event and sessions read again

    # in a savepoint (2): the token and the address, the registration, the consents,
    # the event's place, the welcome mail; the event as the previous POST renewed it; the
    # audit trail's rows for the registration and its consents (in their own INSERTs on
    # PostgreSQL, registration/audit.py)
    with django_assert_num_queries(7 if connection.vendor == "postgresql" else 9):
        response = client.post(url("start"), {**valid_data(email="ana@example.org"), "form_stamp": stamps[1]})

    assert response.status_code == 302
    assert Registration.objects.count() == 2


def test_a_post_for_a_session_unpublished_after_the_form_was_shared_is_refused(client, clock, workshops, on_commit):
    stamp = open_form(client)
    with on_commit():
        hidden = Session.objects.get(pk=workshops[0].pk)
        hidden.is_published = False
        hidden.save()

    response = submit(client, clock, valid_data(sessions=[workshops[0].pk]), stamp=stamp, wait=0)

    assert response.status_code == 200
    assert "Select a valid choice." in text(response)
    assert not Registration.objects.exists()


def test_a_session_unpublished_without_a_signal_is_refused_by_the_service(client, clock, workshops):
    stamp = open_form(client)  # the shared form still offers the session for MAX_AGE seconds
    Session.objects.filter(pk=workshops[0].pk).update(is_published=False)

    response = submit(client, clock, valid_data(sessions=[workshops[0].pk]), stamp=stamp, wait=formcache.MAX_AGE - 1)

    assert response.status_code == 200
    assert "This session cannot be booked." in text(response)
    assert not Registration.objects.exists()


def test_overlapping_sessions_from_the_shared_form_are_refused_in_the_page_language(client, clock, workshops):
    stamp = open_form(client, "ko")

    response = submit(
        client,
        clock,
        valid_data(sessions=[workshops[0].pk, workshops[1].pk]),
        stamp=stamp,
        wait=formcache.MAX_AGE - 1,
        lang="ko",
    )

    assert response.status_code == 200
    page = text(response)
    assert "“유시티”" in page
    assert "“지리정보시스템”" in page
    assert not Registration.objects.exists()
