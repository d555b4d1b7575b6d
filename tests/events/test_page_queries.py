"""Every list page runs the same number of SQL queries for 1 row as for 5 when it is
rendered, and none when the page cache serves it again (events/pagecache.py).

Pages that may show seat counts (home, programme, session, live) also read the seat
fingerprint when the cache has none newer than 3 seconds: "+ seats" below."""

import pytest
import time_machine
from django.urls import reverse

from events.models import ExhibitorKind, SpeakerRole
from tests.factories import (
    EventFactory,
    ExhibitorFactory,
    ParticipatingCityFactory,
    SessionFactory,
    SessionKindFactory,
    SessionSpeakerFactory,
    SpeakerFactory,
    seoul,
)

ROWS = [1, 5]


def assert_served_again_without_queries(client, url, first, django_assert_num_queries):
    """The same address again comes from the page cache: no query, the same bytes."""
    with django_assert_num_queries(0):
        again = client.get(url)
    assert again.content == first.content
    assert again["ETag"] == first["ETag"]


def sessions_with_speakers(event, n, **kwargs):
    """n sessions, each with two speakers and a booking count."""
    sessions = SessionFactory.create_batch(n, event=event, booking_required=True, capacity=50, **kwargs)
    for session in sessions:
        SessionSpeakerFactory(session=session, role=SpeakerRole.MODERATOR)
        SessionSpeakerFactory(session=session, role=SpeakerRole.KEYNOTE)
    return sessions


@pytest.mark.django_db
@pytest.mark.parametrize("n", ROWS)
def test_programme_queries_do_not_grow_with_sessions(client, django_assert_num_queries, n):
    event = EventFactory()
    sessions_with_speakers(event, n)

    # seats, event, days index, kinds, sessions (kind, room, event joined), speakers
    with django_assert_num_queries(6):
        response = client.get(reverse("events:programme") + "?day=2010-09-08")
    assert_served_again_without_queries(
        client, reverse("events:programme") + "?day=2010-09-08", response, django_assert_num_queries
    )

    assert len(response.context["sessions"]) == n


@pytest.mark.django_db
@pytest.mark.parametrize("n", ROWS)
def test_home_queries_do_not_grow_with_sessions(client, django_assert_num_queries, n):
    event = EventFactory()
    sessions_with_speakers(event, n, starts_at=seoul(2010, 9, 8, 9, 0), ends_at=seoul(2010, 9, 8, 10, 0))
    sessions_with_speakers(
        event,
        n,
        kind=SessionKindFactory(slug="exhibition"),
        is_streamed=True,
        starts_at=seoul(2010, 9, 8, 10, 0),
        ends_at=seoul(2010, 9, 8, 12, 0),
    )

    # seats, event, now-and-next sessions + speakers, highlighted sessions + speakers
    with time_machine.travel(seoul(2010, 9, 8, 9, 30), tick=False):
        with django_assert_num_queries(6):
            response = client.get(reverse("events:home"))
        assert_served_again_without_queries(client, reverse("events:home"), response, django_assert_num_queries)

    assert len(response.context["now_and_next"].now) == n
    assert len(response.context["now_and_next"].next) == n
    assert len(response.context["highlights"].keynotes) == 2 * n


@pytest.mark.django_db
@pytest.mark.parametrize("n", ROWS)
def test_speakers_queries_do_not_grow_with_speakers(client, django_assert_num_queries, n):
    event = EventFactory()
    for session in SessionFactory.create_batch(n, event=event):
        SessionSpeakerFactory(session=session)
    SpeakerFactory.create_batch(n, event=event)

    # event, speakers, their appearances with sessions
    with django_assert_num_queries(3):
        response = client.get(reverse("events:speakers"))
    assert_served_again_without_queries(client, reverse("events:speakers"), response, django_assert_num_queries)

    assert len(response.context["speakers"]) == 2 * n


@pytest.mark.django_db
@pytest.mark.parametrize("n", ROWS)
def test_exhibition_queries_do_not_grow_with_exhibitors(client, django_assert_num_queries, n):
    event = EventFactory()
    ExhibitorFactory.create_batch(n, event=event)
    ExhibitorFactory.create_batch(n, event=event, kind=ExhibitorKind.PAVILION)
    SessionFactory.create_batch(n, event=event, kind=SessionKindFactory(slug="exhibition"))

    # event, exhibitors, exhibition sessions with rooms
    with django_assert_num_queries(3):
        response = client.get(reverse("events:exhibition"))
    assert_served_again_without_queries(client, reverse("events:exhibition"), response, django_assert_num_queries)

    exhibition = response.context["exhibition"]
    assert (len(exhibition.companies), len(exhibition.pavilions), len(exhibition.sessions)) == (n, n, n)


@pytest.mark.django_db
@pytest.mark.parametrize("n", ROWS)
def test_cities_queries_do_not_grow_with_cities(client, django_assert_num_queries, n):
    event = EventFactory()
    ParticipatingCityFactory.create_batch(n, event=event)

    # event, cities
    with django_assert_num_queries(2):
        response = client.get(reverse("events:cities"))
    assert_served_again_without_queries(client, reverse("events:cities"), response, django_assert_num_queries)

    assert len(response.context["cities"]) == n


@pytest.mark.django_db
@pytest.mark.parametrize("n", ROWS)
def test_live_queries_do_not_grow_with_streamed_sessions(client, django_assert_num_queries, n):
    event = EventFactory()
    sessions_with_speakers(event, n, is_streamed=True)

    # seats, event, streamed sessions, their speakers
    with django_assert_num_queries(4):
        response = client.get(reverse("events:live"))
    assert_served_again_without_queries(client, reverse("events:live"), response, django_assert_num_queries)

    assert len(response.context["streamed"]) == n


@pytest.mark.django_db
@pytest.mark.parametrize("n", ROWS)
def test_about_queries_do_not_grow_with_rows(client, django_assert_num_queries, n):
    event = EventFactory()
    ParticipatingCityFactory.create_batch(n, event=event)
    sessions_with_speakers(event, n)

    # event, all the figures in one query
    with django_assert_num_queries(2):
        response = client.get(reverse("events:about"))
    assert_served_again_without_queries(client, reverse("events:about"), response, django_assert_num_queries)

    assert response.context["figures"].cities == n
    assert response.context["figures"].sessions == n


@pytest.mark.django_db
@pytest.mark.parametrize("n", ROWS)
def test_session_page_queries_do_not_grow_with_speakers(client, django_assert_num_queries, n):
    event = EventFactory()
    session = SessionFactory(event=event)
    for _ in range(n):
        SessionSpeakerFactory(session=session)

    # seats, event, session (kind, room, event joined), speakers, and what other apps add
    # (events/extras.py: the General Assembly's published decisions)
    with django_assert_num_queries(5):
        response = client.get(session.get_absolute_url())
    assert_served_again_without_queries(client, session.get_absolute_url(), response, django_assert_num_queries)

    assert len(response.context["session"].appearances.all()) == n


@pytest.mark.django_db
def test_pages_without_an_event_run_one_query(client, django_assert_num_queries):
    with django_assert_num_queries(2):
        response = client.get(reverse("events:programme"))
    assert_served_again_without_queries(client, reverse("events:programme"), response, django_assert_num_queries)

    assert response.status_code == 200
