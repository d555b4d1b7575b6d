"""Whole public pages in the shared cache, until an organiser changes what they show.

What is cached: the response of a public page or feed (events/views.py, events/feeds.py),
once per address: scheme, host, language and path with its query string, so that the
page's links (the language switch keeps the query) are exactly those of its own address.

Invalidation: every entry carries the *content version* it was rendered under, a random
token in the cache (`VERSION_KEY`). Any save or delete of a programme model, an M2M change,
the current edition switching, or a bulk update by an organiser calls `content_changed()`,
which replaces the token, so every node sees every page as stale at once. The token is
replaced when the change is made and again after its transaction commits: a page rendered
in between from the old rows is then never served.

Time: an entry may also say until when it is right (`response.fresh_until`): the home
page's clock and "now and next" until the next minute or session boundary, the
programme's default day until midnight. When that time is up, the first process to see it
renders the page again while the others serve the old one for at most
`RENDER_GRACE_SECONDS` more (the clock and "now and next" are at most 2 seconds late).

Seats: the registration service changes seat counts without telling the pages, so a page
that shows them ("3 seats left", "Full": `response.shows_seats`) records the *seat
fingerprint* it was rendered under: a hash of every bookable session's booked seats, kept in
the cache and read again from the database (one small query) when it is older than
`SEATS_STALE_SECONDS`, by one process at a time. A page whose fingerprint is no longer the
current one is rendered again: seat counts are at most 5 seconds old, and pages are
rendered again only when seats were actually booked or released.

Where: `PageCacheMiddleware`, early in settings.MIDDLEWARE, serves stored pages to
visitors without a session or message cookie before the rest of the stack runs, and stores
the final response (with every header the stack added) of a view marked by `cached_page`.
The decorator serves stored pages to the other visitors who may have them.

Per visitor: a page is served from the cache only for a visitor who is not logged in and
has no pending message; others get a fresh render marked never to be cached. A page is
stored only from a visitor without a session or message cookie, and a response that set a
CSRF token, a CSP nonce or a cookie is never stored. Cached pages say
`Cache-Control: private, no-cache` with an ETag (a hash of the body): a phone re-reading a
page gets 304 Not Modified until the page changes.

A cache that is down only costs speed: the page is rendered. Entries also expire after
`PAGE_CACHE_SECONDS` (the setting; 0 turns page caching off), which bounds staleness if the
cache was unreachable when a change was made.
"""

import hashlib
import logging
import time
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import wraps

from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import cache
from django.db import transaction
from django.http import HttpResponse
from django.utils.cache import (
    add_never_cache_headers,
    get_conditional_response,
    patch_cache_control,
    patch_vary_headers,
    quote_etag,
)
from django.utils.functional import empty
from django.utils.translation import get_language

logger = logging.getLogger(__name__)

VERSION_KEY = "pages:version"
KEY_PREFIX = "pages:page:"
SEATS_KEY = "pages:seats"
# Addresses (after the language prefix) of pages never cached: PageCacheMiddleware does
# not look them up (a lookup there would only cost a round trip).
UNCACHED_PATHS = ("admin/", "register/", "desk/")
# How often the seat fingerprint is read again from the database.
SEATS_STALE_SECONDS = 3
# When a page's time is up (not when its content changed), one process renders it again
# while the others go on serving the old page for at most this long.
RENDER_GRACE_SECONDS = 2


def enabled() -> bool:
    return settings.PAGE_CACHE_SECONDS > 0


# --- Invalidation -------------------------------------------------------------------


def content_changed(**_signal_kwargs) -> None:
    """Make every cached page stale, now and again when the current transaction commits.

    Also a signal receiver (post_save, post_delete, m2m_changed: events/apps.py)."""
    _new_version()
    transaction.on_commit(_new_version)


def _new_version() -> None:
    try:
        cache.set(VERSION_KEY, uuid.uuid4().hex, timeout=None)
    except Exception:
        # The cache is down: entries cannot be read either; they expire within PAGE_CACHE_SECONDS.
        logger.warning("Page cache unreachable: could not mark pages stale", exc_info=True)


def content_version() -> str:
    """The programme's current content version, for other caches of what its rows
    say (the shared registration form, the check-in's day rule); "" when the cache
    cannot be reached."""
    return _current_version() or ""


def _current_version() -> str | None:
    try:
        version = cache.get(VERSION_KEY)
        if version is None:
            cache.add(VERSION_KEY, uuid.uuid4().hex, timeout=None)
            version = cache.get(VERSION_KEY)
        return version
    except Exception:
        logger.warning("Page cache unreachable", exc_info=True)
        return None


# --- Time ---------------------------------------------------------------------------


def earliest(*moments: datetime | None) -> datetime | None:
    """The earliest of the moments given (None: no limit)."""
    known = [m for m in moments if m is not None]
    return min(known) if known else None


def next_minute(moment: datetime) -> datetime:
    return moment.replace(second=0, microsecond=0) + timedelta(minutes=1)


def next_midnight(moment: datetime) -> datetime:
    """The next midnight in `moment`'s own time zone (pass a local time)."""
    return datetime.combine(moment.date() + timedelta(days=1), datetime.min.time(), tzinfo=moment.tzinfo)


def shows_seats(sessions) -> bool:
    """Whether a page listing `sessions` shows a live seat count."""
    return any(session.booking_required for session in sessions)


# --- Seats ----------------------------------------------------------------------------


def seat_fingerprint() -> str:
    """A hash of the booked seats of every session that takes bookings (one query)."""
    from events.queries import booked_seats

    return hashlib.sha256(repr(booked_seats()).encode()).hexdigest()


def _current_seats(seats: dict | None, now: float) -> str:
    """The seat fingerprint, at most SEATS_STALE_SECONDS old (or RENDER_GRACE_SECONDS more
    while another process reads it again)."""
    if seats is not None and seats["until"] > now:
        return seats["fingerprint"]
    if seats is not None and seats["until"] + RENDER_GRACE_SECONDS > now:
        try:
            if not cache.add(f"{SEATS_KEY}:reading", 1, timeout=RENDER_GRACE_SECONDS):
                return seats["fingerprint"]
        except Exception:
            logger.warning("Page cache unreachable", exc_info=True)
    fingerprint = seat_fingerprint()
    try:
        cache.set(
            SEATS_KEY,
            {"fingerprint": fingerprint, "until": now + SEATS_STALE_SECONDS},
            timeout=SEATS_STALE_SECONDS + RENDER_GRACE_SECONDS + 1,
        )
    except Exception:
        logger.warning("Page cache unreachable", exc_info=True)
    return fingerprint


# --- Serving ------------------------------------------------------------------------


def is_per_visitor(request) -> bool:
    """A logged-in visitor, or one with a message waiting to be shown. Only a visitor
    with a session or message cookie can be either, so others cost no lookup."""
    cookies = request.COOKIES
    has_session = settings.SESSION_COOKIE_NAME in cookies
    if has_session and getattr(request, "user", None) is not None and request.user.is_authenticated:
        return True
    if has_session or CookieStorage.cookie_name in cookies:
        storage = getattr(request, "_messages", None)
        return storage is not None and len(storage) > 0  # len() reads them without using them up
    return False


def page_key(request, language: str | None = None) -> str:
    """The page's key: scheme, host, language (the request's, unless given) and address."""
    language = language if language is not None else get_language() or ""
    address = "|".join([request.scheme, request.get_host(), language, request.get_full_path()])
    return KEY_PREFIX + hashlib.sha256(address.encode()).hexdigest()


def cached_page(view=None, *, seats: bool = False):
    """Serve `view` from the shared cache for visitors without per-visitor parts, and
    mark its fresh response as one PageCacheMiddleware may store.

    Visitors without a session or message cookie are served by the middleware before
    they reach the view; here come those it could not serve (a miss, or a visitor with
    cookies, who is served a stored page too unless logged in or with a message).
    `seats`: the view may show seat counts (then it sets `response.shows_seats`)."""
    if view is None:
        return lambda view: cached_page(view, seats=seats)

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not enabled() or request.method not in ("GET", "HEAD"):
            return view(request, *args, **kwargs)
        if is_per_visitor(request):
            response = view(request, *args, **kwargs)
            add_never_cache_headers(response)
            return response

        looked_up = getattr(request, "_page_lookup", None)
        now = time.time()
        current_seats = None
        if looked_up is not None:
            key, version, seats_read = looked_up.key, looked_up.version, looked_up.seats_read
            current_seats = looked_up.current_seats
        else:
            key = page_key(request)
            version, seats_read, entry = _read(key)
            hit, current_seats = _hit(key, entry, version, seats_read, now)
            if hit:
                return _conditional(request, _response_from(entry))
        if version is not None and seats and current_seats is None:
            current_seats = _current_seats(seats_read, now)  # before rendering: the page is at least as new
        response = view(request, *args, **kwargs)
        if hasattr(response, "render"):
            response.render()
        if version is not None and looked_up is not None:
            shown_seats = current_seats if getattr(response, "shows_seats", False) else None
            response._page_to_store = {"key": key, "version": version, "seats": shown_seats, "now": now}
        return response

    return wrapped


@dataclass
class _Lookup:
    """What PageCacheMiddleware read for a request it could not serve (for the view)."""

    key: str
    version: str | None
    seats_read: dict | None
    current_seats: str | None


class PageCacheMiddleware:
    """Serves stored pages before the rest of the middleware, and stores them.

    Placed right after SecurityMiddleware and WhiteNoise, so a stored page costs one
    cache round trip and no session, locale, CSRF, authentication or URL resolution. It
    serves only GET and HEAD requests to an address under a language prefix (/ko/,
    /en/), from a visitor without a session or message cookie: nobody logged in, no
    message waiting; the language is the prefix, as LocaleMiddleware would decide it.

    On the way out it stores the final response of a view marked by `cached_page`
    (`_page_to_store`), as the visitor received it from every middleware inside this
    one (CSP, X-Frame-Options, Content-Language, Vary...): a stored page carries every
    header a fresh render has. SecurityMiddleware, outside, adds its own to both. Never
    stored: a response that sets a cookie or a CSRF token, used a CSP nonce, or was
    rendered for a visitor with cookies of a session or messages."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.languages = {code for code, _name in settings.LANGUAGES}

    def __call__(self, request):
        language = self._language_of(request)
        if language is None:
            return self.get_response(request)
        key = page_key(request, language)
        version, seats_read, entry = _read(key)
        now = time.time()
        hit, current_seats = _hit(key, entry, version, seats_read, now)
        if hit:
            return _conditional(request, _response_from(entry))
        request._page_lookup = _Lookup(key, version, seats_read, current_seats)
        response = self.get_response(request)
        marked = getattr(response, "_page_to_store", None)
        if marked is None or not _storable(request, response):
            return response
        entry = _entry_of(response, marked["version"], marked["seats"], marked["now"])
        if entry is None:
            return response
        _write(marked["key"], entry, marked["now"])
        return _conditional(request, response)

    def _language_of(self, request) -> str | None:
        """The language prefix of a request this middleware may serve, else None."""
        if not enabled() or request.method not in ("GET", "HEAD"):
            return None
        cookies = request.COOKIES
        if settings.SESSION_COOKIE_NAME in cookies or CookieStorage.cookie_name in cookies:
            return None
        prefix, _slash, rest = request.path_info[1:].partition("/")
        if prefix not in self.languages or rest.startswith(UNCACHED_PATHS):
            return None
        return prefix


def _hit(key: str, entry: dict | None, version: str | None, seats_read: dict | None, now: float):
    """Whether `entry` may be served now; and the seat fingerprint if it was read."""
    if version is None or entry is None or entry["version"] != version:
        return False, None
    current_seats = None
    if entry["seats"] is not None:
        current_seats = _current_seats(seats_read, now)
    return entry["seats"] == current_seats and _servable(key, entry, now), current_seats


def _read(key: str) -> tuple[str | None, dict | None, dict | None]:
    """The content version, the seat fingerprint and the page's entry, in one round trip."""
    try:
        found = cache.get_many([VERSION_KEY, SEATS_KEY, key])
    except Exception:
        logger.warning("Page cache unreachable", exc_info=True)
        return None, None, None
    version = found.get(VERSION_KEY)
    if version is None:
        version = _current_version()
    return version, found.get(SEATS_KEY), found.get(key)


def _conditional(request, response):
    if "HTTP_IF_NONE_MATCH" in request.META or "HTTP_IF_MODIFIED_SINCE" in request.META:
        return get_conditional_response(request, etag=response["ETag"], response=response)
    return response


def _servable(key: str, entry: dict, now: float) -> bool:
    """Fresh; or just past its time while another process renders it again (the first
    to ask renders: no stampede of every worker rendering the same page at once)."""
    if entry["until"] > now:
        return True
    if entry["until"] + RENDER_GRACE_SECONDS <= now:
        return False
    try:
        return not cache.add(f"{key}:rendering", 1, timeout=RENDER_GRACE_SECONDS)
    except Exception:
        return False


def _write(key: str, entry: dict, now: float) -> None:
    try:
        cache.set(key, entry, timeout=max(1, int(entry["until"] - now) + 1 + RENDER_GRACE_SECONDS))
    except Exception:
        logger.warning("Page cache unreachable", exc_info=True)


def _storable(request, response) -> bool:
    nonce = getattr(request, "_csp_nonce", None)
    user = getattr(request, "user", None)
    return (
        response.status_code == 200
        and not (user is not None and user.is_authenticated)
        and not response.streaming
        and not response.cookies
        and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
        and not (nonce is not None and getattr(nonce, "_wrapped", empty) is not empty)
        and not response.has_header("Set-Cookie")
    )


def _entry_of(response, version: str, seats: str | None, now: float) -> dict | None:
    """What is stored: the body and the headers the view set, with the ETag and the
    cache headers added to `response` too."""
    until = now + settings.PAGE_CACHE_SECONDS
    fresh_until = getattr(response, "fresh_until", None)
    if fresh_until is not None:
        until = min(until, fresh_until.timestamp())
    if until <= now:
        return None
    content = response.content
    response["ETag"] = quote_etag(hashlib.md5(content, usedforsecurity=False).hexdigest())
    patch_cache_control(response, private=True, no_cache=True)
    patch_vary_headers(response, ["Cookie"])
    return {"version": version, "seats": seats, "until": until, "headers": list(response.items()), "content": content}


def _response_from(entry: dict) -> HttpResponse:
    response = HttpResponse(entry["content"])
    for name, value in entry["headers"]:
        response.headers[name] = value
    return response
