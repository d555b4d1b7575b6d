"""The page cache (events/pagecache.py): every organiser edit a page shows makes it stale,
also through the admin's own forms and after the transaction commits."""

import pytest
from django.core.cache import cache
from django.db import transaction

from events import pagecache
from events.models import Session
from tests.events.admin_helpers import admin_url, session_form
from tests.events.pagecache_helpers import DAY, build_summit, cached_text, rename, url
from tests.factories import EventFactory, SessionFactory, SessionKindFactory, SpeakerFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def summit():
    return build_summit()


# --- Every organiser edit a page shows makes it stale ---------------------------------


SAVES = [
    # (what changes, page, edit, text before, text after)
    (
        "event",
        "home",
        lambda s: rename(s.event, "name_en", "Renamed Assembly"),
        "Founding Assembly",
        "Renamed Assembly",
    ),
    ("room", "programme", lambda s: rename(s.room, "name_en", "Room 401"), "Grand Ballroom", "Room 401"),
    ("kind", "programme", lambda s: rename(s.kind, "name_en", "Keynote hall"), "Plenary", "Keynote hall"),
    ("session", "programme", lambda s: rename(s.session, "title_en", "Smart city"), "Open data for", "Smart city"),
    ("speaker", "speakers", lambda s: rename(s.speaker, "name_en", "Lee Seoyeon"), "Kim Minjun", "Lee Seoyeon"),
    (
        "appearance",
        "programme",
        lambda s: rename(s.appearance, "role", "moderator"),
        "Kim Minjun",
        'Kim Minjun <span class="speaker-role">(Moderator)',
    ),
    ("exhibitor", "exhibition", lambda s: rename(s.exhibitor, "name_en", "Busan booth"), "Seoul Pavilion", "Busan"),
    ("city", "cities", lambda s: rename(s.city, "name_en", "Quito"), "Ulaanbaatar", "Quito"),
    ("seats offered", "programme", lambda s: rename(s.session, "booking_required", True), "Plenary", "500 seats"),
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
    ("unpublished session", "programme", lambda s: rename(s.session, "is_published", False), "Open data for"),
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

    rename(summit.session, "title_en", "Smart city")

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
        rename(summit.session, "title_en", "Smart city")
        during = cache.get(pagecache.VERSION_KEY)
    after = cache.get(pagecache.VERSION_KEY)

    assert callbacks
    assert len({before, during, after}) == 3
