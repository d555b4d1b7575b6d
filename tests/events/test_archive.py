"""The archive of past editions (events/archive.py): their programme, sessions,
speakers and exhibition at stable addresses, with registration closed, linked
from the footer; the current edition's addresses unchanged; an edition being
prepared stays hidden; a fixed number of queries; the page cache kept fresh."""

from datetime import UTC, date, datetime

import pytest
from django.urls import reverse
from django.utils import translation

from events.models import ExhibitorKind, SpeakerRole
from tests.events.pagecache_helpers import cached_text
from tests.factories import (
    EventFactory,
    ExhibitorFactory,
    RoomFactory,
    SessionFactory,
    SessionSpeakerFactory,
    SpeakerFactory,
    seoul,
)

pytestmark = pytest.mark.django_db


def url(name, lang="en", query="", **kwargs):
    with translation.override(lang):
        return reverse(f"events:{name}", kwargs=kwargs or None) + query


@pytest.fixture
def current():
    event = EventFactory(slug="wego-2010", name_en="WeGO 2010", is_current=True)
    SessionFactory(event=event, slug="opening-2010", title_en="Opening 2010", booking_required=True, capacity=9)
    return event


@pytest.fixture
def past(current):
    """An earlier edition, in Barcelona (UTC+2 in June)."""
    event = EventFactory(
        slug="wego-2008",
        name_en="WeGO 2008",
        city_en="Barcelona",
        is_current=False,
        time_zone="Europe/Madrid",
        start_date=date(2008, 6, 10),
        end_date=date(2008, 6, 11),
    )
    room = RoomFactory(event=event, name_en="Sala Gaudí")
    session = SessionFactory(
        event=event,
        room=room,
        slug="e-democracy",
        title_en="e-Democracy in cities",
        starts_at=datetime(2008, 6, 10, 8, 0, tzinfo=UTC),  # 10:00 in Barcelona
        ends_at=datetime(2008, 6, 10, 9, 30, tzinfo=UTC),
        booking_required=True,
        capacity=40,
    )
    SessionSpeakerFactory(
        session=session, speaker=SpeakerFactory(event=event, slug="ada", name_en="Ada Puig"), role=SpeakerRole.KEYNOTE
    )
    ExhibitorFactory(event=event, name_en="Barcelona pavilion", kind=ExhibitorKind.PAVILION)
    return event


@pytest.fixture
def prepared(current):
    """The next edition, being prepared: later than the current one."""
    event = EventFactory(
        slug="wego-2012",
        name_en="WeGO 2012",
        is_current=False,
        start_date=date(2012, 6, 12),
        end_date=date(2012, 6, 14),
    )
    SessionFactory(event=event, slug="secret-plans", title_en="Secret plans", starts_at=seoul(2012, 6, 12, 10),
                   ends_at=seoul(2012, 6, 12, 11))  # fmt: skip
    return event


def html_of(client, address) -> str:
    response = client.get(address)
    assert response.status_code == 200, address
    return response.content.decode()


# The list of past editions -----------------------------------------------------------------


def test_the_archive_lists_past_editions_only(client, past, prepared):
    html = html_of(client, url("archive"))

    assert 'href="/en/archive/wego-2008/"' in html
    assert "WeGO 2008" in html
    assert "wego-2012" not in html  # being prepared: not public
    assert 'href="/en/archive/wego-2010/"' not in html  # current


def test_the_footer_links_to_the_past_editions(client, current):
    html = html_of(client, url("home"))

    assert 'href="/en/archive/"' in html
    assert "Past editions" in html


def test_without_past_editions_the_archive_says_so(client, current):
    assert "No past edition yet" in html_of(client, url("archive"))


# A past edition's pages ----------------------------------------------------------------------


def test_a_past_programme_in_its_own_time_zone_with_archive_links(client, past):
    html = html_of(client, url("archive_programme", edition="wego-2008", query="?day=2008-06-10"))

    assert "e-Democracy in cities" in html
    assert '<time datetime="2008-06-10T10:00:00+02:00">10:00</time>' in html
    assert 'href="/en/archive/wego-2008/sessions/e-democracy/"' in html
    assert "Opening 2010" not in html
    assert "Archive: WeGO 2008" in html
    assert "seats left" not in html
    assert "/en/register/" not in html  # no register button for a past edition


def test_a_past_session_page(client, past):
    html = html_of(client, url("archive_session", edition="wego-2008", slug="e-democracy"))

    assert "e-Democracy in cities" in html
    assert "Sala Gaudí" in html
    assert 'href="/en/archive/wego-2008/speakers/#ada"' in html
    assert 'href="/en/archive/wego-2008/programme/?day=2008-06-10"' in html
    assert "/en/register/" not in html
    assert "Register to attend" not in html
    assert ".ics" not in html.split("<footer")[0]


def test_past_speakers_link_to_the_past_sessions(client, past):
    html = html_of(client, url("archive_speakers", edition="wego-2008"))

    assert "Ada Puig" in html
    assert 'href="/en/archive/wego-2008/sessions/e-democracy/"' in html


def test_a_past_exhibition(client, past):
    assert "Barcelona pavilion" in html_of(client, url("archive_exhibition", edition="wego-2008"))


def test_a_past_editions_page_and_its_closed_registration(client, past):
    home = html_of(client, url("archive_home", edition="wego-2008"))
    register = html_of(client, url("archive_register", edition="wego-2008"))

    assert "WeGO 2008" in home
    assert "Closed: this edition is over." in home
    assert 'href="/en/archive/wego-2008/programme/"' in home
    assert "Registration closed" in register
    assert "WeGO 2008 is over: its registration is closed." in register
    assert "/en/register/" not in register


def test_the_archive_in_korean(client, past):
    html = html_of(client, url("archive_programme", lang="ko", edition="wego-2008", query="?day=2008-06-10"))

    assert 'href="/ko/archive/wego-2008/sessions/e-democracy/"' in html
    assert "지난 행사" in html


@pytest.mark.parametrize(
    ("name", "kwargs"),
    [
        ("archive_home", {}),
        ("archive_programme", {}),
        ("archive_speakers", {}),
        ("archive_exhibition", {}),
        ("archive_register", {}),
        ("archive_session", {"slug": "e-democracy"}),
    ],
)
@pytest.mark.parametrize("edition", ["no-such-edition", "wego-2010", "wego-2012"])
def test_unknown_current_and_prepared_editions_have_no_archive_pages(client, past, prepared, name, kwargs, edition):
    assert client.get(url(name, edition=edition, **kwargs)).status_code == 404


def test_an_unknown_session_of_a_past_edition_is_a_404(client, past):
    assert client.get(url("archive_session", edition="wego-2008", slug="nope")).status_code == 404


def test_a_session_of_another_edition_is_not_in_the_archive(client, past, current):
    assert client.get(url("archive_session", edition="wego-2008", slug="opening-2010")).status_code == 404


def test_the_current_editions_addresses_are_unchanged(client, past):
    programme = html_of(client, url("programme", query="?day=2010-09-08"))
    session = html_of(client, url("session", slug="opening-2010"))

    assert "Opening 2010" in programme
    assert "e-Democracy" not in programme
    assert 'href="/en/sessions/opening-2010/"' in programme
    assert "Archive:" not in programme
    assert "/en/register/" in session  # the current edition still takes registrations


def test_when_the_next_edition_becomes_current_the_old_one_joins_the_archive(client, current, prepared):
    from events import services

    services.make_current(event=prepared)

    assert client.get(url("archive_home", edition="wego-2010")).status_code == 200
    assert 'href="/en/archive/wego-2010/"' in html_of(client, url("archive"))


# Queries and the page cache -------------------------------------------------------------------


def more_of(event, n):
    for i in range(n):
        session = SessionFactory(
            event=event,
            slug=f"s-{i}",
            starts_at=datetime(2008, 6, 10, 9 + i, tzinfo=UTC),
            ends_at=datetime(2008, 6, 10, 10 + i, tzinfo=UTC),
        )
        SessionSpeakerFactory(session=session, speaker=SpeakerFactory(event=event, slug=f"sp-{i}"))
        ExhibitorFactory(event=event, slug=f"ex-{i}")
        EventFactory(
            slug=f"wego-200{i}", is_current=False, start_date=date(2000 + i, 1, 1), end_date=date(2000 + i, 1, 2)
        )


@pytest.mark.parametrize("n", [1, 5])
@pytest.mark.parametrize(
    ("name", "query", "expected"),
    [
        # current edition, the past one; then: days index, kinds, sessions, speakers
        ("archive_programme", "?day=2008-06-10", 6),
        # current edition, the past one, speakers with their sessions (2)
        ("archive_speakers", "", 4),
        # current edition, the past one, exhibitors, exhibition sessions
        ("archive_exhibition", "", 4),
    ],
)
def test_archive_list_pages_run_a_fixed_number_of_queries(
    client, past, n, name, query, expected, django_assert_num_queries
):
    more_of(past, n)
    address = url(name, edition="wego-2008", query=query)

    with django_assert_num_queries(expected):
        response = client.get(address)

    assert response.status_code == 200
    with django_assert_num_queries(0):  # then served from the page cache
        assert client.get(address).content == response.content


@pytest.mark.parametrize("n", [1, 5])
def test_the_archive_list_runs_a_fixed_number_of_queries(client, past, n, django_assert_num_queries):
    more_of(past, n)

    with django_assert_num_queries(2):  # the current edition, the past ones
        response = client.get(url("archive"))

    assert len(response.context["editions"]) == n + 1


def test_an_edit_of_a_past_edition_refreshes_its_cached_pages(client, past):
    address = url("archive_programme", edition="wego-2008", query="?day=2008-06-10")
    assert "e-Democracy in cities" in cached_text(client, address)

    session = past.sessions.get(slug="e-democracy")
    session.title_en = "e-Democracy, revised"
    session.save()

    html = html_of(client, address)
    assert "e-Democracy, revised" in html
