"""Helpers for the registration page tests: fill in and send the form the way
a browser does, and read what the page shows."""

import re
from html import unescape

from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from registration import services
from registration.models import Registration
from tests.factories import PersonFactory


def url(name: str, lang: str = "en", **kwargs) -> str:
    with translation.override(lang):
        return reverse(f"registration:{name}", kwargs=kwargs or None)


def valid_data(**overrides) -> dict:
    data = {
        "name": "김민준",
        "email": "minjun@example.org",
        "organisation": "서울특별시",
        "job_title": "주무관",
        "country": "KR",
        "city": "서울",
        "phone": "010-1234-5678",
        "language": "ko",
        "needs": "",
        "category": "citizen",
        "privacy_consent": "on",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def open_form(client, lang="en") -> str:
    """GET the form; return its signed stamp (submission token + time)."""
    response = client.get(url("start", lang))
    assert response.status_code == 200
    return unescape(re.search(r'name="form_stamp" value="([^"]+)"', response.content.decode()).group(1))


def submit(client, clock, data, *, lang="en", wait=5, stamp=None):
    """Open the form, take `wait` seconds to fill it in, send it."""
    stamp = stamp or open_form(client, lang)
    clock.shift(wait)
    return client.post(url("start", lang), {**data, "form_stamp": stamp})


def text(response) -> str:
    """The page's text, tags removed, whitespace collapsed."""
    html = response.content.decode()
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


def error_text(response, field: str) -> str:
    """The text of the error block rendered next to a field."""
    html = response.content.decode()
    match = re.search(rf'<div id="id_{field}_error" class="invalid-feedback">(.*?)</div>', html, re.S)
    assert match, f"no error shown next to {field}"
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", match.group(1))).split())


def without_csrf(content: bytes) -> bytes:
    """Page content with the per-render CSRF tokens blanked out."""
    return re.sub(rb'name="csrfmiddlewaretoken" value="[^"]+"', b'name="csrfmiddlewaretoken" value=""', content)


def in_language(lang: str, message: str, **params) -> str:
    with translation.override(lang):
        translated = gettext(message)
    return translated % params if params else translated


def register_directly(event, sessions=(), **person) -> Registration:
    outcome = services.register(event=event, person=PersonFactory(**person), session_ids=[s.pk for s in sessions])
    return outcome.registration


def manage_url(registration, name="manage", lang="en"):
    return url(name, lang, secret=registration.manage_secret)


def assert_private(response):
    # Not no-referrer: browsers then send "Origin: null" with the page's own forms and CSRF refuses them.
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cache-Control"] == "private, no-store"
    assert response["X-Robots-Tag"] == "noindex, nofollow"
