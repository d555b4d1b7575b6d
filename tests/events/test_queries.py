"""The named reads behind the public pages (events.queries)."""

from datetime import date

import pytest
from django.utils import translation

from events import queries
from events.models import CityRole, ExhibitorKind, Session, SpeakerRole
from events.templatetags.events_tags import date_range, day_label, hostname
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


@pytest.mark.django_db
def test_get_current_event_is_the_current_one_or_none():
    assert queries.get_current_event() is None
    EventFactory(slug="old", is_current=False)
    current = EventFactory(slug="now")

    assert queries.get_current_event() == current


@pytest.mark.django_db
def test_programme_for_filters_by_day_and_kind_in_event_time():
    event = EventFactory()
    keynote = SessionKindFactory(slug="keynote")
    late = SessionFactory(event=event, starts_at=seoul(2010, 9, 7, 23, 30), ends_at=seoul(2010, 9, 8, 0, 30))
    early = SessionFactory(event=event, starts_at=seoul(2010, 9, 8, 0, 30), ends_at=seoul(2010, 9, 8, 1, 0))
    talk = SessionFactory(event=event, kind=keynote, starts_at=seoul(2010, 9, 8, 9), ends_at=seoul(2010, 9, 8, 10))
    SessionFactory(event=event, is_published=False, starts_at=seoul(2010, 9, 8, 9), ends_at=seoul(2010, 9, 8, 10))
    SessionFactory(event=EventFactory(slug="other", is_current=False))

    assert list(queries.programme_for(event, day=date(2010, 9, 7))) == [late]
    assert list(queries.programme_for(event, day=date(2010, 9, 8))) == [early, talk]
    assert list(queries.programme_for(event, kind=keynote)) == [talk]
    assert list(queries.programme_for(event)) == [late, early, talk]


@pytest.mark.django_db
def test_programme_for_gives_booked_seats():
    event = EventFactory()
    session = SessionFactory(event=event, booking_required=True, capacity=10)
    Session.objects.filter(pk=session.pk).update(seats_booked=7)

    (found,) = queries.programme_for(event)

    assert found.seats_booked == 7
    assert found.seats_left == 3


@pytest.mark.django_db
def test_programme_index_lists_days_overall_and_per_kind():
    event = EventFactory()
    workshop = SessionKindFactory(slug="workshop")
    keynote = SessionKindFactory(slug="keynote")
    SessionFactory(event=event, kind=keynote, starts_at=seoul(2010, 9, 7, 10), ends_at=seoul(2010, 9, 7, 11))
    SessionFactory(event=event, kind=workshop, starts_at=seoul(2010, 9, 8, 9), ends_at=seoul(2010, 9, 8, 10))

    index = queries.programme_index(event)

    assert index.days == [date(2010, 9, 7), date(2010, 9, 8)]
    assert index.days_with(workshop) == [date(2010, 9, 8)]
    assert index.days_with(None) == index.days
    assert queries.programme_tabs(event, index) == [date(2010, 9, 6), date(2010, 9, 7), date(2010, 9, 8)]


@pytest.mark.django_db
def test_programme_kinds_are_those_with_published_sessions_of_the_event():
    event = EventFactory()
    workshop = SessionKindFactory(slug="workshop")
    SessionKindFactory(slug="unused")
    hidden = SessionKindFactory(slug="hidden")
    SessionFactory(event=event, kind=workshop)
    SessionFactory(event=event, kind=hidden, is_published=False)

    assert list(queries.programme_kinds(event)) == [workshop]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("moment", "kind_slug", "expected"),
    [
        (seoul(2010, 9, 1, 12), None, date(2010, 9, 7)),  # before: first day with sessions
        (seoul(2010, 9, 8, 7), None, date(2010, 9, 8)),  # during: today
        (seoul(2010, 9, 6, 7), None, date(2010, 9, 7)),  # during, today empty: the next day with sessions
        (seoul(2010, 9, 7, 7), "workshop", date(2010, 9, 8)),  # the next day with sessions of that kind
        (seoul(2010, 9, 8, 7), "keynote", date(2010, 9, 7)),  # none left: the first day of that kind
        (seoul(2011, 1, 1), None, date(2010, 9, 7)),  # after
    ],
)
def test_default_programme_day(moment, kind_slug, expected):
    event = EventFactory()
    workshop = SessionKindFactory(slug="workshop")
    keynote = SessionKindFactory(slug="keynote")
    SessionFactory(event=event, kind=keynote, starts_at=seoul(2010, 9, 7, 10), ends_at=seoul(2010, 9, 7, 11))
    SessionFactory(event=event, kind=workshop, starts_at=seoul(2010, 9, 8, 9), ends_at=seoul(2010, 9, 8, 10))
    index = queries.programme_index(event)
    kind = {"workshop": workshop, "keynote": keynote, None: None}[kind_slug]

    assert queries.default_programme_day(event, index, kind, moment) == expected


@pytest.mark.django_db
def test_time_slots_group_parallel_sessions():
    event = EventFactory()
    a = SessionFactory(event=event, starts_at=seoul(2010, 9, 8, 9, 30))
    b = SessionFactory(event=event, starts_at=seoul(2010, 9, 8, 9, 30))
    c = SessionFactory(event=event, starts_at=seoul(2010, 9, 8, 13, 0), ends_at=seoul(2010, 9, 8, 14, 0))

    slots = queries.time_slots(queries.programme_for(event))

    assert [(slot.sessions, slot.is_parallel) for slot in slots] == [([a, b], True), ([c], False)]


@pytest.mark.django_db
def test_session_for_finds_only_published_sessions_of_the_event():
    event = EventFactory()
    session = SessionFactory(event=event, slug="talk")
    SessionFactory(event=event, slug="draft", is_published=False)
    SessionFactory(event=EventFactory(slug="other", is_current=False), slug="elsewhere")

    assert queries.session_for(event, "talk") == session
    assert queries.session_for(event, "draft") is None
    assert queries.session_for(event, "elsewhere") is None


def make_day(event):
    """Opening 09:30-10:20, keynote 10:20-11:00, two parallel sessions 11:00-12:30."""
    return {
        "opening": SessionFactory(event=event, starts_at=seoul(2010, 9, 7, 9, 30), ends_at=seoul(2010, 9, 7, 10, 20)),
        "keynote": SessionFactory(event=event, starts_at=seoul(2010, 9, 7, 10, 20), ends_at=seoul(2010, 9, 7, 11, 0)),
        "left": SessionFactory(event=event, starts_at=seoul(2010, 9, 7, 11, 0), ends_at=seoul(2010, 9, 7, 12, 30)),
        "right": SessionFactory(event=event, starts_at=seoul(2010, 9, 7, 11, 0), ends_at=seoul(2010, 9, 7, 12, 30)),
    }


@pytest.mark.django_db
def test_now_and_next_during_a_session():
    event = EventFactory()
    day = make_day(event)

    result = queries.now_and_next(event, seoul(2010, 9, 7, 10, 30))

    assert (result.state, result.now, result.next) == ("during", [day["keynote"]], [day["left"], day["right"]])
    assert result.next_starts_at == seoul(2010, 9, 7, 11, 0)


@pytest.mark.django_db
def test_now_and_next_at_the_boundary_between_sessions():
    event = EventFactory()
    day = make_day(event)

    result = queries.now_and_next(event, seoul(2010, 9, 7, 10, 20))

    assert (result.now, result.next) == ([day["keynote"]], [day["left"], day["right"]])


@pytest.mark.django_db
def test_now_and_next_before_the_event_gives_the_first_sessions():
    event = EventFactory()
    day = make_day(event)

    result = queries.now_and_next(event, seoul(2010, 9, 1, 12, 0))

    assert (result.state, result.now, result.next) == ("before", [], [day["opening"]])


@pytest.mark.django_db
def test_now_and_next_on_the_first_day_before_any_session():
    event = EventFactory()
    day = make_day(event)

    result = queries.now_and_next(event, seoul(2010, 9, 6, 8, 0))

    assert (result.state, result.now, result.next) == ("during", [], [day["opening"]])


@pytest.mark.django_db
@pytest.mark.parametrize("moment", [seoul(2010, 9, 7, 13, 0), seoul(2010, 9, 9, 0, 0), seoul(2026, 1, 1)])
def test_now_and_next_after_the_last_session_is_after(moment):
    event = EventFactory()
    make_day(event)

    assert queries.now_and_next(event, moment).state == "after"


@pytest.mark.django_db
def test_highlights_find_keynotes_workshops_exhibition_and_streams():
    event = EventFactory()
    keynote = SessionFactory(event=event, kind=SessionKindFactory(slug="keynote"), is_streamed=True)
    west = SessionSpeakerFactory(session=keynote, role=SpeakerRole.KEYNOTE)
    SessionSpeakerFactory(session=keynote, role=SpeakerRole.MODERATOR)
    workshop = SessionFactory(event=event, kind=SessionKindFactory(slug="workshop"))
    fair = SessionFactory(event=event, kind=SessionKindFactory(slug="exhibition"))
    SessionFactory(event=event, kind=SessionKindFactory(slug="reception"))

    highlights = queries.highlights_for(event)

    assert highlights.keynotes == [west]
    assert highlights.workshops == [workshop]
    assert highlights.exhibition == [fair]
    assert highlights.streamed == [keynote]
    assert highlights


@pytest.mark.django_db
def test_highlights_of_an_empty_programme_are_falsy():
    assert not queries.highlights_for(EventFactory())


@pytest.mark.django_db
def test_speakers_for_lists_published_appearances_in_time_order():
    event = EventFactory()
    speaker = SpeakerFactory(event=event, name_en="A", name_ko="가")
    later = SessionFactory(event=event, starts_at=seoul(2010, 9, 8, 9), ends_at=seoul(2010, 9, 8, 10))
    earlier = SessionFactory(event=event, starts_at=seoul(2010, 9, 7, 9), ends_at=seoul(2010, 9, 7, 10))
    hidden = SessionFactory(event=event, is_published=False)
    for session in (later, earlier, hidden):
        SessionSpeakerFactory(session=session, speaker=speaker)
    SpeakerFactory(event=EventFactory(slug="other", is_current=False))

    (found,) = queries.speakers_for(event)

    assert [a.session for a in found.appearances.all()] == [earlier, later]


@pytest.mark.django_db
def test_exhibition_for_splits_pavilions_and_companies():
    event = EventFactory()
    company = ExhibitorFactory(event=event)
    pavilion = ExhibitorFactory(event=event, kind=ExhibitorKind.PAVILION)
    hall = SessionFactory(event=event, kind=SessionKindFactory(slug="exhibition"))

    exhibition = queries.exhibition_for(event)

    assert (exhibition.pavilions, exhibition.companies, exhibition.sessions) == ([pavilion], [company], [hall])


@pytest.mark.django_db
def test_city_groups_put_chair_then_vice_chairs_then_members():
    event = EventFactory()
    member = ParticipatingCityFactory(event=event, position=1)
    vice = ParticipatingCityFactory(event=event, role=CityRole.VICE_CHAIR, position=2)
    chair = ParticipatingCityFactory(event=event, role=CityRole.CHAIR, position=3)

    groups = queries.city_groups(queries.cities_for(event))

    assert [(g.role, g.cities) for g in groups] == [("chair", [chair]), ("vice_chair", [vice]), ("member", [member])]


@pytest.mark.django_db
def test_figures_for_counts_without_multiplying_rows():
    event = EventFactory()
    ParticipatingCityFactory.create_batch(3, event=event, country="DE")
    ParticipatingCityFactory(event=event, country="FR")
    SessionFactory.create_batch(2, event=event)
    SessionFactory(event=event, is_published=False)
    SpeakerFactory.create_batch(5, event=event)
    ExhibitorFactory(event=event)

    figures = queries.figures_for(event)

    assert figures == queries.EventFigures(cities=4, countries=2, sessions=2, speakers=5, exhibitors=1)


@pytest.mark.django_db
def test_figures_for_an_empty_event_are_zero():
    figures = queries.figures_for(EventFactory())

    assert figures == queries.EventFigures(cities=0, countries=0, sessions=0, speakers=0, exhibitors=0)


# --- Template helpers ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        (date(2010, 9, 6), date(2010, 9, 8), "September 6–8, 2010"),
        (date(2010, 8, 30), date(2010, 9, 2), "August 30–September 2, 2010"),
        (date(2010, 9, 6), date(2010, 9, 6), "September 6, 2010"),
    ],
)
def test_date_range_in_english(start, end, expected):
    with translation.override("en"):
        assert date_range(start, end) == expected


def test_day_label_in_both_languages():
    with translation.override("ko"):
        assert day_label(date(2010, 9, 8)) == "9월 8일 (수)"
    with translation.override("en"):
        assert day_label(date(2010, 9, 8)) == "September 8 (Wed)"


@pytest.mark.parametrize(
    ("url", "expected"),
    [("https://tv.seoul.go.kr/live", "tv.seoul.go.kr"), ("http://www.example.org", "example.org"), ("", "")],
)
def test_hostname(url, expected):
    assert hostname(url) == expected
