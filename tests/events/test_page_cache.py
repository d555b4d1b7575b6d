"""The page cache (events/pagecache.py): pages served again without rendering, 304 Not
Modified, and whatever the cache (down, Redis, what may be stored). Made stale by edits:
test_page_cache_stale.py; right in time: test_page_cache_in_time.py; never one visitor's
data to another: test_page_cache_visitors.py."""

import pytest
from django.core.cache import cache
from django.core.cache.backends.locmem import LocMemCache
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.test import RequestFactory
from django.utils.csp import LazyNonce

from events import pagecache
from tests.events.pagecache_helpers import DAY, build_summit, cached_text, get, rename, url
from tests.factories import EventFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def summit():
    return build_summit()


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

    rename(summit.session, "title_en", "Smart city")
    again = client.get(url("programme", query=DAY), HTTP_IF_NONE_MATCH=first["ETag"])

    assert again.status_code == 200
    assert again["ETag"] != first["ETag"]
    assert "Smart city" in again.content.decode()


def test_feed_answers_not_modified(client, summit):
    first = client.get(url("programme_ics"))

    again = client.get(url("programme_ics"), HTTP_IF_NONE_MATCH=first["ETag"])

    assert again.status_code == 304


# --- Whatever the cache --------------------------------------------------------------


class BrokenCache(LocMemCache):
    """A cache server that is down: every read and write fails."""

    def _fail(self, *args, **kwargs):
        raise ConnectionError("cache down")

    get = get_many = set = add = set_many = _fail


def test_pages_render_when_the_cache_is_down(client, summit, settings):
    settings.CACHES = {"default": {"BACKEND": "tests.events.test_page_cache.BrokenCache"}}

    first = client.get(url("programme", query=DAY))
    rename(summit.session, "title_en", "Smart city")  # the signal must not fail the save
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

    rename(summit.session, "title_en", "Smart city")

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
