"""The page cache (events/pagecache.py): pages served again without rendering, made stale
by every kind of organiser edit they show, right in time, and never one visitor's data
served to another."""

from datetime import timedelta
from types import SimpleNamespace

import pytest
import time_machine
from django.contrib.messages import constants
from django.contrib.messages.storage.base import Message
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import cache
from django.core.cache.backends.locmem import LocMemCache
from django.db import connection, transaction
from django.db.models import F
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from django.utils.csp import LazyNonce

from events import pagecache
from events.models import Session
from registration import services as registration_services
from tests.events.admin_helpers import admin_url, session_form
from tests.factories import (
    EventFactory,
    ExhibitorFactory,
    ParticipatingCityFactory,
    PersonFactory,
    RoomFactory,
    SessionFactory,
    SessionKindFactory,
    SessionSpeakerFactory,
    SpeakerFactory,
    WorkshopFactory,
    seoul,
)

pytestmark = pytest.mark.django_db

DAY = "?day=2010-09-08"


def url(name, lang="en", query="", **kwargs):
    with translation.override(lang):
        return reverse(f"events:{name}", kwargs=kwargs or None) + query


def get(client, address, **headers):
    """GET `address`; returns (response, number of SQL queries it ran)."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(address, **headers)
    return response, len(queries)


def key_of(address, lang="en") -> str:
    """The page cache's key of an address, as the test client asks for it."""
    with translation.override(lang):
        return pagecache.page_key(RequestFactory().get(address))


def cached_text(client, address) -> str:
    """The page, after making sure the cache now holds it (a second GET runs no query)."""
    get(client, address)
    response, queries = get(client, address)
    assert response.status_code == 200
    assert queries == 0, "the page should have been served from the page cache"
    return response.content.decode()


@pytest.fixture
def summit():
    event = EventFactory(slug="wego", name_en="Founding Assembly")
    kind = SessionKindFactory(slug="plenary", name_en="Plenary")
    room = RoomFactory(event=event, name_en="Grand Ballroom", capacity=500)
    session = SessionFactory(event=event, kind=kind, room=room, slug="open-data", title_en="Open data for citizens")
    speaker = SpeakerFactory(event=event, slug="kim", name_en="Kim Minjun")
    appearance = SessionSpeakerFactory(session=session, speaker=speaker)
    exhibitor = ExhibitorFactory(event=event, name_en="Seoul Pavilion")
    city = ParticipatingCityFactory(event=event, name_en="Ulaanbaatar")
    return SimpleNamespace(
        event=event,
        kind=kind,
        room=room,
        session=session,
        speaker=speaker,
        appearance=appearance,
        exhibitor=exhibitor,
        city=city,
    )


# --- Served again without rendering -------------------------------------------------


def test_second_visit_is_served_from_the_cache_with_the_same_bytes(client, summit):
    first, first_queries = get(client, url("programme", query=DAY))
    again, again_queries = get(client, url("programme", query=DAY))

    assert first_queries > 0
    assert again_queries == 0
    assert again.content == first.content
    assert "Open data for citizens" in again.content.decode()


def test_each_language_has_its_own_page(client, summit):
    english = cached_text(client, url("programme", "en", DAY))
    korean = cached_text(client, url("programme", "ko", DAY))

    assert '<html lang="en"' in english
    assert '<html lang="ko"' in korean
    assert summit.session.title_ko in korean


def test_each_query_string_has_its_own_page(client, summit):
    tracked = cached_text(client, url("programme", query=DAY + "&from=newsletter"))
    plain = cached_text(client, url("programme", query=DAY))

    assert "from=newsletter" in tracked  # the language link keeps the query
    assert "from=newsletter" not in plain


def test_each_host_has_its_own_feed(client, summit):
    local = client.get(url("programme_json"), HTTP_HOST="localhost").json()
    loopback = client.get(url("programme_json"), HTTP_HOST="127.0.0.1").json()

    assert local["sessions"][0]["url"]["en"].startswith("http://localhost/")
    assert loopback["sessions"][0]["url"]["en"].startswith("http://127.0.0.1/")


def test_page_cache_seconds_zero_turns_it_off(client, summit, settings):
    settings.PAGE_CACHE_SECONDS = 0

    get(client, url("programme", query=DAY))
    again, queries = get(client, url("programme", query=DAY))

    assert queries > 0
    assert not again.has_header("ETag")


# --- Every organiser edit a page shows makes it stale ---------------------------------


def _rename(obj, field, value):
    setattr(obj, field, value)
    obj.save()


SAVES = [
    # (what changes, page, edit, text before, text after)
    (
        "event",
        "home",
        lambda s: _rename(s.event, "name_en", "Renamed Assembly"),
        "Founding Assembly",
        "Renamed Assembly",
    ),
    ("room", "programme", lambda s: _rename(s.room, "name_en", "Room 401"), "Grand Ballroom", "Room 401"),
    ("kind", "programme", lambda s: _rename(s.kind, "name_en", "Keynote hall"), "Plenary", "Keynote hall"),
    ("session", "programme", lambda s: _rename(s.session, "title_en", "Smart city"), "Open data for", "Smart city"),
    ("speaker", "speakers", lambda s: _rename(s.speaker, "name_en", "Lee Seoyeon"), "Kim Minjun", "Lee Seoyeon"),
    (
        "appearance",
        "programme",
        lambda s: _rename(s.appearance, "role", "moderator"),
        "Kim Minjun",
        'Kim Minjun <span class="speaker-role">(Moderator)',
    ),
    ("exhibitor", "exhibition", lambda s: _rename(s.exhibitor, "name_en", "Busan booth"), "Seoul Pavilion", "Busan"),
    ("city", "cities", lambda s: _rename(s.city, "name_en", "Quito"), "Ulaanbaatar", "Quito"),
    ("seats offered", "programme", lambda s: _rename(s.session, "booking_required", True), "Plenary", "500 seats"),
]


@pytest.mark.parametrize(("what", "page", "edit", "before", "after"), SAVES, ids=[row[0] for row in SAVES])
def test_saving_a_row_a_page_shows_makes_the_page_stale(client, summit, what, page, edit, before, after):
    if what == "seats offered":
        Session.objects.filter(pk=summit.session.pk).update(capacity=500)
        summit.session.refresh_from_db()
    address = url(page, query=DAY if page == "programme" else "")
    assert before in cached_text(client, address)

    edit(summit)

    assert after in client.get(address).content.decode()


DELETES = [
    ("event", "home", lambda s: s.event.delete(), "Founding Assembly"),
    ("room", "programme", lambda s: s.room.delete(), "Grand Ballroom"),
    ("session", "programme", lambda s: s.session.delete(), "Open data for citizens"),
    ("speaker", "speakers", lambda s: s.speaker.delete(), "Kim Minjun"),
    ("appearance", "programme", lambda s: s.appearance.delete(), "Kim Minjun"),
    ("exhibitor", "exhibition", lambda s: s.exhibitor.delete(), "Seoul Pavilion"),
    ("city", "cities", lambda s: s.city.delete(), "Ulaanbaatar"),
    ("unpublished session", "programme", lambda s: _rename(s.session, "is_published", False), "Open data for"),
]


@pytest.mark.parametrize(("what", "page", "edit", "gone"), DELETES, ids=[row[0] for row in DELETES])
def test_deleting_a_row_a_page_shows_makes_the_page_stale(client, summit, what, page, edit, gone):
    address = url(page, query=DAY if page == "programme" else "")
    assert gone in cached_text(client, address)

    edit(summit)

    assert gone not in client.get(address).content.decode()


def test_deleting_a_session_kind_makes_the_filter_stale(client, summit):
    unused = SessionKindFactory(slug="gala", name_en="Gala dinner")
    SessionFactory(event=summit.event, kind=unused, title_en="Dinner")
    assert "Gala dinner" in cached_text(client, url("programme", query=DAY))

    Session.objects.filter(kind=unused).delete()
    unused.delete()

    assert "Gala dinner" not in client.get(url("programme", query=DAY)).content.decode()


@pytest.mark.parametrize(
    "change",
    [
        lambda s, other: s.session.speakers.add(other, through_defaults={"role": "panellist", "position": 5}),
        lambda s, other: (s.session.speakers.remove(s.speaker), s.session.speakers.add(other)),
        lambda s, other: (s.session.speakers.clear(), s.session.speakers.add(other)),
        lambda s, other: s.session.speakers.set([other]),
    ],
    ids=["add", "remove", "clear", "set"],
)
def test_changing_the_speakers_of_a_session_makes_the_programme_stale(client, summit, change):
    other = SpeakerFactory(event=summit.event, name_en="Darrell West")
    assert "Darrell West" not in cached_text(client, url("programme", query=DAY))

    change(summit, other)

    assert "Darrell West" in client.get(url("programme", query=DAY)).content.decode()


def test_feeds_are_made_stale_by_an_edit(client, summit):
    feeds = [url("programme_ics"), url("session_ics", slug="open-data"), url("programme_json")]
    for address in feeds:
        assert "Open data for citizens" in cached_text(client, address)

    _rename(summit.session, "title_en", "Smart city")

    for address in feeds:
        assert "Smart city" in client.get(address).content.decode()


def test_another_edition_becoming_current_makes_every_page_stale(client, summit):
    other = EventFactory(slug="wego-2012", name_en="Second Assembly", is_current=False)
    assert "Founding Assembly" in cached_text(client, url("home"))

    from events.services import make_current  # it uses update(), which sends no signal

    make_current(event=other)

    assert "Second Assembly" in client.get(url("home")).content.decode()


# --- ... also through the admin's own forms ------------------------------------------


def test_admin_change_form_makes_the_programme_stale(client, admin_client, summit):
    assert "Open data for citizens" in cached_text(client, url("programme", query=DAY))

    response = admin_client.post(
        admin_url("session", "change", summit.session.pk),
        session_form(summit.event, summit.kind, summit.room, existing=[summit.appearance])
        | {"slug": "open-data", "title_en": "Citizens online"},
    )

    assert response.status_code == 302
    assert "Citizens online" in client.get(url("programme", query=DAY)).content.decode()


def test_admin_delete_makes_the_exhibition_stale(client, admin_client, summit):
    assert "Seoul Pavilion" in cached_text(client, url("exhibition"))

    response = admin_client.post(admin_url("exhibitor", "delete", summit.exhibitor.pk), {"post": "yes"})

    assert response.status_code == 302
    assert "Seoul Pavilion" not in client.get(url("exhibition")).content.decode()


def test_admin_make_current_action_makes_every_page_stale(client, admin_client, summit):
    other = EventFactory(slug="wego-2012", name_en="Second Assembly", is_current=False)
    assert "Founding Assembly" in cached_text(client, url("home"))

    admin_client.post(admin_url("event"), {"action": "make_current", "_selected_action": [other.pk]})

    assert "Second Assembly" in client.get(url("home")).content.decode()


def test_admin_sample_action_makes_the_json_stale(client, admin_client, summit):
    assert client.get(url("programme_json")).json()["sessions"][0]["is_sample"] is False

    admin_client.post(admin_url("session"), {"action": "mark_sample", "_selected_action": [summit.session.pk]})

    assert client.get(url("programme_json")).json()["sessions"][0]["is_sample"] is True


def test_a_change_marks_pages_stale_again_when_its_transaction_commits(django_capture_on_commit_callbacks, summit):
    """A page rendered from the old rows between the change and its commit is never served."""
    before = cache.get(pagecache.VERSION_KEY)
    with django_capture_on_commit_callbacks(execute=True) as callbacks, transaction.atomic():
        _rename(summit.session, "title_en", "Smart city")
        during = cache.get(pagecache.VERSION_KEY)
    after = cache.get(pagecache.VERSION_KEY)

    assert callbacks
    assert len({before, during, after}) == 3


# --- Right in time --------------------------------------------------------------------


def test_seat_counts_are_at_most_a_few_seconds_old(client, summit):
    workshop = WorkshopFactory(event=summit.event, title_en="Workshop 1", capacity=30)
    start = seoul(2010, 8, 1, 10, 0)
    with time_machine.travel(start, tick=False) as clock:
        assert "30 seats left" in cached_text(client, url("programme", query=DAY))

        registration_services.register(event=summit.event, person=PersonFactory(), session_ids=[workshop.pk])
        assert Session.objects.get(pk=workshop.pk).seats_booked == 1
        clock.move_to(start + timedelta(seconds=pagecache.SEATS_STALE_SECONDS - 1))
        stale = client.get(url("programme", query=DAY)).content.decode()
        clock.move_to(start + timedelta(seconds=pagecache.SEATS_STALE_SECONDS))
        fresh = client.get(url("programme", query=DAY)).content.decode()

    assert "30 seats left" in stale
    assert "29 seats left" in fresh


def test_while_one_process_reads_the_seats_again_the_others_serve_the_old_page_briefly(client, summit):
    workshop = WorkshopFactory(event=summit.event, title_en="Workshop 1", capacity=30)
    address = url("programme", query=DAY)
    start = seoul(2010, 8, 1, 10, 0)
    with time_machine.travel(start, tick=False) as clock:
        cached_text(client, address)
        Session.objects.filter(pk=workshop.pk).update(seats_booked=F("seats_booked") + 1)
        clock.move_to(start + timedelta(seconds=pagecache.SEATS_STALE_SECONDS))
        cache.add(f"{pagecache.SEATS_KEY}:reading", 1)  # another worker is reading the seats
        during, queries_during = get(client, address)
        clock.move_to(start + timedelta(seconds=pagecache.SEATS_STALE_SECONDS + pagecache.RENDER_GRACE_SECONDS))
        after, queries_after = get(client, address)

    assert queries_during == 0
    assert "30 seats left" in during.content.decode()
    assert queries_after > 0
    assert "29 seats left" in after.content.decode(), "past the grace the seats are read again, whoever claimed it"


def test_while_one_process_renders_again_the_others_serve_the_old_page_briefly(client, summit):
    address = url("home")
    start = seoul(2010, 9, 7, 10, 0)
    with time_machine.travel(start, tick=False) as clock:
        before = cached_text(client, address)
        clock.move_to(start + timedelta(minutes=1))  # the clock on the page is a minute late
        cache.add(f"{key_of(address)}:rendering", 1)  # another worker is rendering it
        during, queries_during = get(client, address)
        clock.move_to(start + timedelta(minutes=1, seconds=pagecache.RENDER_GRACE_SECONDS))
        after, queries_after = get(client, address)

    assert "time now: 10:00" in before
    assert queries_during == 0
    assert during.content.decode() == before
    assert queries_after > 0, "past the grace the page is rendered again, whoever claimed it"
    assert "time now: 10:01" in after.content.decode()


def test_pages_showing_seats_are_not_rendered_again_while_no_seat_changes(client, summit):
    WorkshopFactory(event=summit.event, title_en="Workshop 1", capacity=30)
    address = url("programme", query=DAY)
    start = seoul(2010, 8, 1, 10, 0)
    with time_machine.travel(start, tick=False) as clock:
        first = cached_text(client, address)
        clock.move_to(start + timedelta(seconds=10 * pagecache.SEATS_STALE_SECONDS))
        again, queries = get(client, address)

    assert queries == 1, "only the seat fingerprint is read again"
    assert again.content.decode() == first


def test_full_session_shows_full_within_a_few_seconds(client, summit):
    workshop = WorkshopFactory(event=summit.event, title_en="Workshop 1", capacity=1)
    start = seoul(2010, 8, 1, 10, 0)
    with time_machine.travel(start, tick=False) as clock:
        assert "1 seat left" in cached_text(client, url("session", slug=workshop.slug))
        Session.objects.filter(pk=workshop.pk).update(seats_booked=F("seats_booked") + 1)  # as the service does
        clock.move_to(start + timedelta(seconds=pagecache.SEATS_STALE_SECONDS))
        html = client.get(url("session", slug=workshop.slug)).content.decode()

    assert "1 of 1 seats left" not in html
    assert "Full: every seat is booked." in html


def test_pages_without_seat_counts_stay_cached_longer(client, summit):
    start = seoul(2010, 8, 1, 10, 0)
    with time_machine.travel(start, tick=False) as clock:
        get(client, url("programme", query=DAY))
        clock.move_to(start + timedelta(minutes=5))
        _again, queries = get(client, url("programme", query=DAY))

    assert queries == 0


def test_home_now_and_next_changes_when_a_session_starts(client, summit):
    # The session runs 09:30-12:00 on 8 September.
    with time_machine.travel(seoul(2010, 9, 8, 9, 29) + timedelta(seconds=30), tick=False) as clock:
        before = cached_text(client, url("home"))
        clock.move_to(seoul(2010, 9, 8, 9, 30))
        after = client.get(url("home")).content.decode()

    assert "09:29" in before
    assert "No session is running at the moment." in before
    assert "09:30" in after
    assert "No session is running at the moment." not in after


def test_programme_default_day_changes_at_midnight(client, summit):
    for day in (6, 7):
        SessionFactory(event=summit.event, starts_at=seoul(2010, 9, day, 10), ends_at=seoul(2010, 9, day, 11))
    with time_machine.travel(seoul(2010, 9, 6, 23, 59), tick=False) as clock:
        first_day = cached_text(client, url("programme"))
        clock.move_to(seoul(2010, 9, 7, 0, 0))
        second_day = client.get(url("programme")).content.decode()

    assert 'href="/en/programme/?day=2010-09-06" aria-current="page"' in first_day
    assert 'href="/en/programme/?day=2010-09-07" aria-current="page"' in second_day


# --- 304 Not Modified -------------------------------------------------------------


def test_unchanged_page_answers_not_modified(client, summit):
    first = client.get(url("programme", query=DAY))
    again, queries = get(client, url("programme", query=DAY), HTTP_IF_NONE_MATCH=first["ETag"])

    assert first["ETag"]
    assert "no-cache" in first["Cache-Control"]
    assert "private" in first["Cache-Control"]
    assert "Cookie" in first["Vary"]
    assert again.status_code == 304
    assert again.content == b""
    assert queries == 0


def test_changed_page_answers_in_full_with_a_new_etag(client, summit):
    first = client.get(url("programme", query=DAY))

    _rename(summit.session, "title_en", "Smart city")
    again = client.get(url("programme", query=DAY), HTTP_IF_NONE_MATCH=first["ETag"])

    assert again.status_code == 200
    assert again["ETag"] != first["ETag"]
    assert "Smart city" in again.content.decode()


def test_feed_answers_not_modified(client, summit):
    first = client.get(url("programme_ics"))

    again = client.get(url("programme_ics"), HTTP_IF_NONE_MATCH=first["ETag"])

    assert again.status_code == 304


# --- Never one visitor's data to another -------------------------------------------


def test_cached_pages_hold_no_csrf_token_and_set_no_cookie(summit):
    alice, bob = Client(), Client()
    alice.cookies["csrftoken"] = "a" * 32
    bob.cookies["csrftoken"] = "b" * 32

    to_alice = alice.get(url("programme", query=DAY))
    to_bob = bob.get(url("programme", query=DAY))

    assert to_bob.content == to_alice.content
    assert "csrfmiddlewaretoken" not in to_bob.content.decode()
    assert "a" * 32 not in to_bob.content.decode()
    assert not to_alice.cookies
    assert not to_bob.cookies


def test_registration_form_keeps_each_visitor_its_own_token(summit):
    alice, bob = Client(), Client()
    alice.get(url("programme", query=DAY))  # a cached public page first

    alice_form = alice.get(reverse("registration:start")).content.decode()
    bob_form = bob.get(reverse("registration:start")).content.decode()

    assert alice.cookies["csrftoken"].value != bob.cookies["csrftoken"].value
    assert alice_form != bob_form


def test_logged_in_visitor_gets_a_fresh_page_never_stored(client, admin_client, summit):
    cached_text(client, url("programme", query=DAY))
    to_staff, staff_queries = get(admin_client, url("programme", query=DAY))
    cache.clear()
    get(admin_client, url("programme", query=DAY))
    _to_anonymous, anonymous_queries = get(client, url("programme", query=DAY))

    assert staff_queries > 0, "a logged-in visitor is never served a stored page"
    assert "no-store" in to_staff["Cache-Control"]
    assert not to_staff.has_header("ETag")
    assert "Open data for citizens" in to_staff.content.decode()
    assert anonymous_queries > 0, "a page rendered for a logged-in visitor must not be stored"


def _with_message(client, text):
    storage = CookieStorage(RequestFactory().get("/"))
    client.cookies[CookieStorage.cookie_name] = storage._encode([Message(constants.SUCCESS, text)])


def test_pending_message_is_shown_to_its_visitor_only(summit):
    alice, bob = Client(), Client()
    cached_text(alice, url("programme", query=DAY))
    _with_message(bob, "Your registration is cancelled.")

    to_bob, bob_queries = get(bob, url("programme", query=DAY))
    to_alice = alice.get(url("programme", query=DAY))
    bob_next = bob.get(url("programme", query=DAY))

    assert "Your registration is cancelled." in to_bob.content.decode()
    assert bob_queries > 0
    assert "no-store" in to_bob["Cache-Control"]
    assert "Your registration is cancelled." not in to_alice.content.decode()
    assert "Your registration is cancelled." not in bob_next.content.decode()


# --- Whatever the cache --------------------------------------------------------------


class BrokenCache(LocMemCache):
    """A cache server that is down: every read and write fails."""

    def _fail(self, *args, **kwargs):
        raise ConnectionError("cache down")

    get = get_many = set = add = set_many = _fail


def test_pages_render_when_the_cache_is_down(client, summit, settings):
    settings.CACHES = {"default": {"BACKEND": "tests.events.test_page_cache.BrokenCache"}}

    first = client.get(url("programme", query=DAY))
    _rename(summit.session, "title_en", "Smart city")  # the signal must not fail the save
    again = client.get(url("programme", query=DAY))

    assert first.status_code == 200
    assert "Open data for citizens" in first.content.decode()
    assert "Smart city" in again.content.decode()


@pytest.fixture
def redis_cache(settings):
    redis = pytest.importorskip("redis")
    location = "redis://127.0.0.1:6379/5"
    try:
        redis.Redis.from_url(location, socket_connect_timeout=1).ping()
    except redis.RedisError:
        pytest.skip("no Redis at 127.0.0.1:6379")
    settings.CACHES = {"default": {"BACKEND": "wegov.cache.ForgivingRedisCache", "LOCATION": location}}
    cache.delete_many([pagecache.VERSION_KEY])
    yield
    cache.clear()


def test_pages_are_cached_and_made_stale_in_redis(client, summit, redis_cache):
    assert "Open data for citizens" in cached_text(client, url("programme", query=DAY))

    _rename(summit.session, "title_en", "Smart city")

    assert "Smart city" in client.get(url("programme", query=DAY)).content.decode()


def test_no_current_event_page_is_cached_and_made_stale(client):
    assert "Test Assembly" not in cached_text(client, url("programme"))

    EventFactory(name_en="Test Assembly")

    assert "Test Assembly" in client.get(url("programme")).content.decode()


def _counting_view(marker):
    """A view that renders `marker`'s count, using a CSRF token or a CSP nonce if asked."""

    def view(request):
        marker["renders"] += 1
        if marker.get("csrf"):
            get_token(request)
        if marker.get("nonce"):
            str(request._csp_nonce)
        return HttpResponse(f"render {marker['renders']}")

    return view


@pytest.mark.parametrize("uses", ["csrf", "nonce"])
def test_a_response_with_a_csrf_token_or_csp_nonce_is_never_stored(uses):
    marker = {"renders": 0, uses: True}
    view = pagecache.PageCacheMiddleware(pagecache.cached_page(_counting_view(marker)))

    def request():
        made = RequestFactory().get("/en/anything/")
        made._csp_nonce = LazyNonce()
        return view(made)

    first, second = request(), request()

    assert (first.content, second.content) == (b"render 1", b"render 2")
    assert not second.has_header("ETag")


def test_a_plain_response_is_stored():
    marker = {"renders": 0}
    view = pagecache.PageCacheMiddleware(pagecache.cached_page(_counting_view(marker)))

    first, second = view(RequestFactory().get("/en/anything/")), view(RequestFactory().get("/en/anything/"))

    assert (first.content, second.content) == (b"render 1", b"render 1")
    assert second["ETag"] == first["ETag"]


# --- Served early, by the middleware -------------------------------------------------

SECURITY_HEADERS = [
    "Content-Security-Policy",
    "X-Frame-Options",
    "X-Content-Type-Options",
    "Referrer-Policy",
    "Cross-Origin-Opener-Policy",
    "Strict-Transport-Security",
    "Content-Language",
    "Content-Type",
]


@pytest.mark.parametrize("name", ["home", "programme", "programme_json", "programme_ics"])
def test_a_stored_page_carries_every_header_of_a_fresh_render(client, summit, settings, name):
    settings.SECURE_HSTS_SECONDS = 3600
    address = url(name, "ko")
    settings.PAGE_CACHE_SECONDS = 0
    fresh = Client().get(address, secure=True)
    settings.PAGE_CACHE_SECONDS = 600
    stored = client.get(address, secure=True)
    with CaptureQueriesContext(connection) as queries:
        hit = client.get(address, secure=True)

    assert len(queries) == 0, "served from the cache"
    assert hit.content == stored.content
    assert dict(hit.headers) == dict(stored.headers)
    for header in SECURITY_HEADERS:
        assert header in fresh.headers
        assert hit[header] == fresh[header], header
    assert hit["Content-Language"] == "ko"
    assert "Cookie" in hit["Vary"]


def _middleware_serving(address):
    """A PageCacheMiddleware whose inner stack answers "fresh" and records each request."""
    rendered = []

    def inner(request):
        rendered.append(request)
        return HttpResponse("fresh")

    return pagecache.PageCacheMiddleware(inner), rendered


@pytest.mark.parametrize("cookie", ["sessionid", CookieStorage.cookie_name])
def test_the_middleware_never_serves_a_visitor_with_a_session_or_message_cookie(client, summit, cookie):
    address = url("programme", query=DAY)
    cached_text(client, address)
    middleware, rendered = _middleware_serving(address)
    with_cookie = RequestFactory().get(address)
    with_cookie.COOKIES[cookie] = "anything"

    to_them = middleware(with_cookie)
    to_others = middleware(RequestFactory().get(address))

    assert to_them.content == b"fresh"
    assert rendered == [with_cookie]
    assert "Open data for citizens" in to_others.content.decode()


def test_the_middleware_serves_only_addresses_under_a_language_prefix(client, summit):
    cached_text(client, url("programme", query=DAY))
    middleware, rendered = _middleware_serving(None)

    unprefixed = middleware(RequestFactory().get("/programme/" + DAY))
    posted = middleware(RequestFactory().post(url("programme", query=DAY)))

    assert (unprefixed.content, posted.content) == (b"fresh", b"fresh")
    assert len(rendered) == 2


def test_a_logged_in_visitor_is_never_served_a_stored_page(client, admin_client, summit):
    address = url("programme", query=DAY)
    stored = cached_text(client, address)
    cache.set(key_of(address), {**cache.get(key_of(address)), "content": b"stored for anyone"})

    to_staff, staff_queries = get(admin_client, address)
    to_anonymous = client.get(address)

    assert to_anonymous.content == b"stored for anyone"
    assert staff_queries > 0
    assert to_staff.content.decode() != "stored for anyone"
    assert "Open data for citizens" in stored
    assert "no-store" in to_staff["Cache-Control"]


def test_a_page_rendered_for_a_visitor_with_cookies_is_not_stored(summit):
    """Only a visitor without session or message cookies leaves a page in the cache."""
    address = url("programme", query=DAY)
    with_session = Client()
    with_session.cookies["sessionid"] = "no-such-session"

    with_session.get(address)

    assert cache.get(key_of(address)) is None
    _served, queries = get(Client(), address)
    assert queries > 0
