"""The page cache (events/pagecache.py): right in time (seat counts at most a few seconds
old, one process renders again while the others serve the old page briefly, the clock's
changes: a session starting, midnight)."""

from datetime import timedelta

import pytest
import time_machine
from django.core.cache import cache
from django.db.models import F

from events import pagecache
from events.models import Session
from registration import services as registration_services
from tests.events.pagecache_helpers import DAY, build_summit, cached_text, get, key_of, url
from tests.factories import PersonFactory, SessionFactory, WorkshopFactory, seoul

pytestmark = pytest.mark.django_db


@pytest.fixture
def summit():
    return build_summit()


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
