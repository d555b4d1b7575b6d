"""The programme page: day tabs, the kind filter, parallel sessions, seats, and
what happens now and next on the home page while the event runs."""

import re

import pytest
import time_machine
from django.utils import translation

from events.models import Session
from tests.events.test_pages import build_summit, get, in_language, text_of
from tests.factories import SessionFactory, seoul


def programme(client, lang="en", **params):
    with translation.override(lang):
        query = "&".join(f"{key}={value}" for key, value in params.items())
        return client.get(f"/{lang}/programme/" + (f"?{query}" if query else ""))


def current_tab(html: str) -> str:
    match = re.search(r'<a class="nav-link active[^"]*" href="[^"]*\?day=([\d-]+)[^"]*" aria-current="page">', html)
    assert match, "no tab is marked as the current page"
    return match.group(1)


@pytest.mark.django_db
@pytest.mark.parametrize("lang", ["ko", "en"])
def test_programme_has_one_tab_per_event_day(client, lang):
    build_summit()

    response = programme(client, lang)

    html = response.content.decode()
    tabs = re.findall(r'class="nav-link[^"]*" href="/\w\w/programme/\?day=([\d-]+)"', html)
    assert tabs == ["2010-09-06", "2010-09-07", "2010-09-08"]
    labels = {"ko": ["9월 6일 (월)", "9월 7일 (화)", "9월 8일 (수)"], "en": ["September 6 (Mon)", "September 8 (Wed)"]}
    for label in labels[lang]:
        assert label in text_of(response)


@pytest.mark.django_db
def test_programme_opens_on_the_first_day_with_sessions_outside_the_event(client):
    build_summit()

    with time_machine.travel(seoul(2010, 8, 31, 12, 0), tick=False):
        html = programme(client).content.decode()

    assert current_tab(html) == "2010-09-07"
    assert "Opening ceremony" in html
    assert "Workshop: GIS" not in html


@pytest.mark.django_db
def test_programme_opens_on_today_during_the_event(client):
    build_summit()

    with time_machine.travel(seoul(2010, 9, 8, 8, 0), tick=False):
        html = programme(client).content.decode()

    assert current_tab(html) == "2010-09-08"
    assert "Workshop: GIS" in html


@pytest.mark.django_db
def test_programme_day_tab_shows_that_days_sessions_in_time_order(client):
    build_summit()

    text = text_of(programme(client, day="2010-09-07"))
    text = text[text.index("September 8 (Wed)") :]  # after the filter and the tabs

    opening, keynote, plenary = (text.index(t) for t in ("Opening ceremony", "Keynote speech", "Plenary session"))
    assert opening < keynote < plenary
    assert "09:30–10:20" in text
    assert "Workshop: GIS" not in text


@pytest.mark.django_db
def test_programme_shows_the_four_workshops_as_one_parallel_slot(client):
    summit = build_summit()

    response = programme(client, day="2010-09-08")

    html = response.content.decode()
    slot = html[html.index('<section class="time-slot is-parallel"') :]
    slot = slot[: slot.index("</section>")]
    assert "4 parallel sessions" in slot
    assert "row-cols-1 row-cols-md-2 row-cols-xl-4" in slot
    assert [s.title_en for s in summit.workshops] == re.findall(r'<a href="/en/sessions/[^"]+/">([^<]+)</a>', slot)
    assert len(response.context["slots"]) == 2  # 09:30 workshops, 13:00 exhibition


@pytest.mark.django_db
def test_programme_shows_seats_left_and_full_for_booked_sessions(client):
    summit = build_summit()
    Session.objects.filter(pk=summit.workshops[0].pk).update(seats_booked=39)
    Session.objects.filter(pk=summit.workshops[1].pk).update(seats_booked=40)

    text = text_of(programme(client, day="2010-09-08"))

    assert "1 seat left" in text
    assert "Full" in text
    assert text.count("40 seats left") == 2


@pytest.mark.django_db
def test_programme_marks_audience_and_live_stream(client):
    build_summit()

    text = text_of(programme(client, day="2010-09-07"))

    assert "Opening ceremony Opening ceremony Open to citizens Live stream" in text
    assert "Plenary session Plenary session Delegates only" in text


@pytest.mark.django_db
def test_programme_shows_speakers_with_their_role(client):
    build_summit()

    text = text_of(programme(client, day="2010-09-07"))

    assert "Darrell M. West (Keynote speaker)" in text


@pytest.mark.django_db
def test_programme_times_are_in_seoul_time_whatever_the_server_zone(client, settings):
    settings.TIME_ZONE = "UTC"
    build_summit()

    text = text_of(programme(client, day="2010-09-08"))

    assert "09:30–12:00" in text


@pytest.mark.django_db
def test_programme_filter_by_kind_keeps_the_day_and_lists_only_that_kind(client):
    build_summit()

    response = programme(client, day="2010-09-07", kind="keynote")

    html = response.content.decode()
    assert [s.slug for s in response.context["sessions"]] == ["keynote"]
    assert '<option value="keynote" selected>Keynote</option>' in html
    assert '<input type="hidden" name="day" value="2010-09-07">' in html
    assert 'href="/en/programme/?day=2010-09-08&amp;kind=keynote"' in html


@pytest.mark.django_db
def test_programme_filter_by_kind_opens_on_a_day_that_has_it(client):
    build_summit()

    with time_machine.travel(seoul(2010, 8, 1), tick=False):
        response = programme(client, kind="workshop")

    assert current_tab(response.content.decode()) == "2010-09-08"
    assert len(response.context["sessions"]) == 4


@pytest.mark.django_db
def test_programme_filter_with_no_sessions_that_day_points_to_other_days(client):
    build_summit()

    text = text_of(programme(client, day="2010-09-07", kind="workshop"))

    assert "No “Workshop” sessions on this day. Try: September 8 (Wed)" in text


@pytest.mark.django_db
@pytest.mark.parametrize(
    "params",
    [
        {"day": "2010-13-45"},
        {"day": "yesterday"},
        {"day": "2031-01-01"},
        {"day": "%2500"},
        {"kind": "no-such-kind"},
        {"kind": "%3Cscript%3E"},
        {"day": "2010-09-08", "kind": "x" * 500},
    ],
)
def test_programme_ignores_unknown_day_or_kind_with_a_note(client, params):
    build_summit()

    response = programme(client, **params)

    assert response.status_code == 200
    assert 'role="status"' in response.content.decode()
    assert "<script>" not in response.content.decode()
    assert response.context["sessions"]


@pytest.mark.django_db
def test_programme_without_sessions_says_so(client):
    from tests.factories import EventFactory

    EventFactory()

    response = programme(client)

    assert response.status_code == 200
    assert "No sessions on this day." in text_of(response)


@pytest.mark.django_db
def test_programme_falls_back_to_english_titles_in_korean(client):
    summit = build_summit()
    SessionFactory(
        event=summit.event,
        kind=summit.opening.kind,
        room=None,
        slug="english-only",
        title_ko="",
        title_en="Only in English",
        starts_at=seoul(2010, 9, 6, 18, 0),
        ends_at=seoul(2010, 9, 6, 20, 0),
    )

    text = text_of(programme(client, "ko", day="2010-09-06"))

    assert "Only in English" in text
    assert in_language("ko", "Open to citizens") in text


@pytest.mark.django_db
def test_programme_in_korean_shows_korean_titles(client):
    build_summit()

    text = text_of(programme(client, "ko", day="2010-09-08"))

    assert "워크숍: 공공정보 CCL" in text
    assert "워크숍실 gis" in text


@pytest.mark.django_db
def test_programme_leaves_out_unpublished_sessions(client):
    summit = build_summit()
    Session.objects.filter(pk=summit.plenary.pk).update(is_published=False)

    text = text_of(programme(client, day="2010-09-07"))

    assert "Plenary session" not in text


# --- Now and next on the home page --------------------------------------------------------


@pytest.mark.django_db
def test_home_during_a_session_shows_it_now_and_the_next_one(client):
    build_summit()

    with time_machine.travel(seoul(2010, 9, 7, 9, 45), tick=False):
        response = get(client, "en", "home")

    text = text_of(response)
    assert "Seoul time now: 09:45" in text
    on_now, following = text.index("On now"), text.index("Next")
    assert on_now < text.index("Opening ceremony") < following < text.index("Keynote speech")
    assert [s.slug for s in response.context["now_and_next"].now] == ["opening-ceremony"]


@pytest.mark.django_db
def test_home_before_the_workshops_shows_all_four_as_next(client):
    build_summit()

    with time_machine.travel(seoul(2010, 9, 8, 9, 0), tick=False):
        response = get(client, "en", "home")

    assert response.context["now_and_next"].state == "during"
    assert [s.slug for s in response.context["now_and_next"].next] == [
        "workshop-u-city",
        "workshop-gis",
        "workshop-un",
        "workshop-ccl",
    ]
    assert "No session is running at the moment." in text_of(response)


@pytest.mark.django_db
def test_home_before_the_event_says_when_it_starts(client):
    build_summit()

    with time_machine.travel(seoul(2010, 8, 27, 12, 0), tick=False):
        text = text_of(get(client, "en", "home"))

    assert "The General Assembly starts on September 6, 2010. That is in 10 days." in text
    assert "First on the programme" in text
    assert "Opening ceremony" in text


@pytest.mark.django_db
def test_home_after_the_event_says_it_has_ended(client):
    build_summit()

    with time_machine.travel(seoul(2010, 9, 9, 9, 0), tick=False):
        text = text_of(get(client, "en", "home"))

    assert "The General Assembly has ended." in text
    assert "On now" not in text


@pytest.mark.django_db
def test_home_now_and_next_in_korean(client):
    build_summit()

    with time_machine.travel(seoul(2010, 9, 7, 10, 30), tick=False):
        text = text_of(get(client, "ko", "home"))

    assert "기조연설" in text
    assert "본회의" in text
