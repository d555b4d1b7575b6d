"""What the page cache's tests share (test_page_cache*.py): addresses, a GET that counts
its queries, the cache's key of an address, an edition to show, an organiser's edit
and a pending message."""

from types import SimpleNamespace

from django.contrib.messages import constants
from django.contrib.messages.storage.base import Message
from django.contrib.messages.storage.cookie import CookieStorage
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from events import pagecache
from tests.factories import (
    EventFactory,
    ExhibitorFactory,
    ParticipatingCityFactory,
    RoomFactory,
    SessionFactory,
    SessionKindFactory,
    SessionSpeakerFactory,
    SpeakerFactory,
)

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


def build_summit() -> SimpleNamespace:
    """An edition with one of each thing the cached pages show."""
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


def rename(obj, field, value):
    """Change one field and save the row, as an organiser's edit does."""
    setattr(obj, field, value)
    obj.save()


def with_message(client, text):
    """Give `client` a pending message in its message cookie."""
    storage = CookieStorage(RequestFactory().get("/"))
    client.cookies[CookieStorage.cookie_name] = storage._encode([Message(constants.SUCCESS, text)])
