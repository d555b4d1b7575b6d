"""The page cache (events/pagecache.py): never one visitor's data to another (no CSRF
token, cookie or message stored; logged-in visitors get fresh pages), and the middleware
that serves stored pages early."""

import pytest
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import cache
from django.db import connection
from django.http import HttpResponse
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from events import pagecache
from tests.events.pagecache_helpers import DAY, build_summit, cached_text, get, key_of, url, with_message

pytestmark = pytest.mark.django_db


@pytest.fixture
def summit():
    return build_summit()


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


def test_pending_message_is_shown_to_its_visitor_only(summit):
    alice, bob = Client(), Client()
    cached_text(alice, url("programme", query=DAY))
    with_message(bob, "Your registration is cancelled.")

    to_bob, bob_queries = get(bob, url("programme", query=DAY))
    to_alice = alice.get(url("programme", query=DAY))
    bob_next = bob.get(url("programme", query=DAY))

    assert "Your registration is cancelled." in to_bob.content.decode()
    assert bob_queries > 0
    assert "no-store" in to_bob["Cache-Control"]
    assert "Your registration is cancelled." not in to_alice.content.decode()
    assert "Your registration is cancelled." not in bob_next.content.decode()


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
