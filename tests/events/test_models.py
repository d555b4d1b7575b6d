"""events.models: the database refuses what code might forget (each constraint
asserted with a write that skips every form and model check), the session's
live-stream address, the registration window and the sample-data marks."""

from datetime import date, timedelta

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import translation
from django.utils.text import capfirst

from events.models import Event, Exhibitor, ParticipatingCity, Room, Session, SessionSpeaker, Speaker
from tests.factories import (
    EventFactory,
    ExhibitorFactory,
    ParticipatingCityFactory,
    RoomFactory,
    SessionFactory,
    SessionSpeakerFactory,
    SpeakerFactory,
    seoul,
)

pytestmark = pytest.mark.django_db


def new_event(**values) -> Event:
    """An unsaved event with the fields the database requires."""
    defaults = {
        "slug": "wego-2012",
        "name_en": "Second General Assembly",
        "start_date": date(2012, 9, 3),
        "end_date": date(2012, 9, 5),
        "venue_name_en": "City Hall",
    }
    return Event(**defaults | values)


# Constraints: one current event -------------------------------------------------------


def test_database_refuses_a_second_current_event():
    EventFactory(slug="wego-2010", is_current=True)

    with pytest.raises(IntegrityError), transaction.atomic():
        new_event(is_current=True).save()


def test_database_refuses_making_a_second_event_current_by_update():
    EventFactory(slug="wego-2010", is_current=True)
    old = EventFactory(slug="old", is_current=False)

    with pytest.raises(IntegrityError), transaction.atomic():
        Event.objects.filter(pk=old.pk).update(is_current=True)


def test_database_allows_many_events_that_are_not_current():
    EventFactory(slug="wego-2010", is_current=True)
    new_event(slug="a", is_current=False).save()
    new_event(slug="b", is_current=False).save()

    assert Event.objects.filter(is_current=False).count() == 2


# Constraints: dates and times in order -------------------------------------------------


def test_database_refuses_an_event_that_ends_before_it_starts():
    with pytest.raises(IntegrityError), transaction.atomic():
        new_event(start_date=date(2012, 9, 5), end_date=date(2012, 9, 4)).save()


def test_database_allows_a_one_day_event():
    new_event(start_date=date(2012, 9, 5), end_date=date(2012, 9, 5)).save()

    assert Event.objects.get(slug="wego-2012").days() == [date(2012, 9, 5)]


@pytest.mark.parametrize("minutes", [0, -30])
def test_database_refuses_a_session_that_does_not_end_after_it_starts(minutes):
    session = SessionFactory()

    with pytest.raises(IntegrityError), transaction.atomic():
        Session.objects.filter(pk=session.pk).update(ends_at=F("starts_at") + timedelta(minutes=minutes))


def test_database_refuses_creating_a_session_that_ends_before_it_starts():
    event = EventFactory()

    with pytest.raises(IntegrityError), transaction.atomic():
        SessionFactory(event=event, starts_at=seoul(2010, 9, 8, 12, 0), ends_at=seoul(2010, 9, 8, 9, 30))


@pytest.mark.parametrize("closes_after_opening", [timedelta(0), timedelta(hours=-1)])
def test_database_refuses_a_registration_window_that_does_not_close_after_it_opens(closes_after_opening):
    opens = seoul(2012, 8, 1, 9, 0)

    with pytest.raises(IntegrityError), transaction.atomic():
        new_event(registration_opens_at=opens, registration_closes_at=opens + closes_after_opening).save()


@pytest.mark.parametrize(
    ("opens", "closes"),
    [(None, None), (seoul(2012, 8, 1), None), (None, seoul(2012, 9, 1)), (seoul(2012, 8, 1), seoul(2012, 9, 1))],
)
def test_database_allows_an_open_ended_or_ordered_registration_window(opens, closes):
    new_event(registration_opens_at=opens, registration_closes_at=closes).save()

    assert Event.objects.filter(slug="wego-2012").exists()


# Constraints: seats ---------------------------------------------------------------------


def test_database_refuses_a_booked_session_without_capacity():
    with pytest.raises(IntegrityError), transaction.atomic():
        SessionFactory(booking_required=True, capacity=None)


def test_database_refuses_removing_the_capacity_of_a_booked_session():
    session = SessionFactory(booking_required=True, capacity=30)

    with pytest.raises(IntegrityError), transaction.atomic():
        Session.objects.filter(pk=session.pk).update(capacity=None)


def test_database_allows_a_session_without_booking_or_capacity():
    session = SessionFactory(booking_required=False, capacity=None)

    assert session.seats_left is None
    assert session.is_full is False


def test_database_refuses_booking_more_seats_than_the_capacity():
    session = SessionFactory(booking_required=True, capacity=2)

    with pytest.raises(IntegrityError), transaction.atomic():
        Session.objects.filter(pk=session.pk).update(seats_booked=3)


def test_database_refuses_taking_more_places_than_the_event_admits():
    event = EventFactory(capacity=10)

    with pytest.raises(IntegrityError), transaction.atomic():
        Event.objects.filter(pk=event.pk).update(seats_taken=11)


# Constraints: unique slugs and names ------------------------------------------------------


def test_database_refuses_two_events_with_one_slug():
    new_event(slug="wego-2012").save()

    with pytest.raises(IntegrityError), transaction.atomic():
        new_event(slug="wego-2012", name_en="Copy").save()


@pytest.mark.parametrize(
    ("factory", "model", "field"),
    [
        (SessionFactory, Session, "slug"),
        (SpeakerFactory, Speaker, "slug"),
        (ExhibitorFactory, Exhibitor, "slug"),
        # Names are unique in each language (django-modeltranslation adds a constraint per column).
        (RoomFactory, Room, "name_ko"),
        (RoomFactory, Room, "name_en"),
        (ParticipatingCityFactory, ParticipatingCity, "name_ko"),
        (ParticipatingCityFactory, ParticipatingCity, "name_en"),
    ],
)
def test_database_refuses_a_second_row_with_one_slug_or_name_in_an_event(factory, model, field):
    event = EventFactory()
    first, copy = factory(event=event), factory(event=event)

    with pytest.raises(IntegrityError), transaction.atomic():
        model.objects.filter(pk=copy.pk).update(**{field: getattr(first, field)})


@pytest.mark.parametrize(
    ("factory", "field", "value"),
    [
        (SessionFactory, "slug", "opening"),
        (SpeakerFactory, "slug", "darrell-m-west"),
        (ExhibitorFactory, "slug", "samsung-sds"),
        (RoomFactory, "name_en", "Grand Ballroom"),
        (ParticipatingCityFactory, "name_en", "Seoul"),
    ],
)
def test_database_allows_one_slug_or_name_in_each_event(factory, field, value):
    first = factory(event=EventFactory(slug="wego-2010", is_current=True), **{field: value})
    second = factory(event=EventFactory(slug="wego-2012", is_current=False), **{field: value})

    assert getattr(first, field) == getattr(second, field)
    assert first.event_id != second.event_id


def test_database_refuses_a_speaker_twice_in_one_session():
    appearance = SessionSpeakerFactory()

    with pytest.raises(IntegrityError), transaction.atomic():
        SessionSpeaker.objects.create(session=appearance.session, speaker=appearance.speaker, position=1)


# Session.live_stream_url ------------------------------------------------------------------


@pytest.fixture
def streaming_event():
    return EventFactory(live_stream_url="https://tv.seoul.go.kr/")


def test_streamed_session_without_its_own_address_uses_the_events(streaming_event):
    session = SessionFactory(event=streaming_event, is_streamed=True, stream_url="")

    assert session.live_stream_url == "https://tv.seoul.go.kr/"


def test_streamed_session_with_its_own_address_uses_it(streaming_event):
    session = SessionFactory(event=streaming_event, is_streamed=True, stream_url="https://stream.example.org/ws")

    assert session.live_stream_url == "https://stream.example.org/ws"


def test_session_that_is_not_streamed_has_no_address_from_the_event(streaming_event):
    session = SessionFactory(event=streaming_event, is_streamed=False, stream_url="")

    assert session.live_stream_url == ""


def test_streamed_session_of_an_event_without_an_address_has_none():
    session = SessionFactory(event=EventFactory(live_stream_url=""), is_streamed=True, stream_url="")

    assert session.live_stream_url == ""


def test_session_live_stream_url_follows_a_change_of_the_events_address(streaming_event):
    session = SessionFactory(event=streaming_event, is_streamed=True)
    Event.objects.filter(pk=streaming_event.pk).update(live_stream_url="https://new.example.org/")

    assert Session.objects.select_related("event").get(pk=session.pk).live_stream_url == "https://new.example.org/"


# Event.registration_is_open ------------------------------------------------------------------

OPENS = seoul(2010, 8, 2, 9, 0)
CLOSES = seoul(2010, 9, 8, 12, 0)
TICK = timedelta(microseconds=1)


@pytest.fixture
def window_event():
    return EventFactory(registration_opens_at=OPENS, registration_closes_at=CLOSES)


@pytest.mark.parametrize(
    ("moment", "expected"),
    [
        (OPENS - timedelta(days=1), False),
        (OPENS - TICK, False),
        (OPENS, True),  # opens at the opening time
        (OPENS + TICK, True),
        (CLOSES - TICK, True),
        (CLOSES, False),  # closed at the closing time
        (CLOSES + timedelta(days=1), False),
    ],
)
def test_registration_is_open_from_opening_until_just_before_closing(window_event, moment, expected):
    with time_machine.travel(moment, tick=False):
        assert window_event.registration_is_open() is expected
    assert window_event.registration_is_open(now=moment) is expected


@pytest.mark.parametrize("moment", [seoul(2000, 1, 1), OPENS, seoul(2030, 1, 1)])
def test_registration_without_a_window_is_always_open(moment):
    event = EventFactory(registration_opens_at=None, registration_closes_at=None)

    with time_machine.travel(moment, tick=False):
        assert event.registration_is_open() is True


@pytest.mark.parametrize(("moment", "expected"), [(OPENS - TICK, False), (OPENS, True), (seoul(2030, 1, 1), True)])
def test_registration_without_a_closing_time_stays_open_once_opened(moment, expected):
    event = EventFactory(registration_opens_at=OPENS, registration_closes_at=None)

    with time_machine.travel(moment, tick=False):
        assert event.registration_is_open() is expected


@pytest.mark.parametrize(("moment", "expected"), [(seoul(2000, 1, 1), True), (CLOSES - TICK, True), (CLOSES, False)])
def test_registration_without_an_opening_time_is_open_until_it_closes(moment, expected):
    event = EventFactory(registration_opens_at=None, registration_closes_at=CLOSES)

    with time_machine.travel(moment, tick=False):
        assert event.registration_is_open() is expected


# Sample data: whole rows and invented details ---------------------------------------------


def test_detail_choices_name_each_editable_field_once():
    names = [name for name, _label in Session.detail_choices()]

    assert {"title", "description", "starts_at", "ends_at", "room", "audience", "capacity"} <= set(names)
    assert len(names) == len(set(names))
    assert not {"title_ko", "title_en", "id", "event", "slug", "is_sample", "invented_fields"} & set(names)
    assert "seats_booked" not in names  # kept by the registration service, not editable


def test_invented_labels_follow_the_form_order_in_the_active_language():
    session = SessionFactory(invented_fields=["room", "starts_at"])

    with translation.override("en"):
        assert session.invented_labels() == ["Starts", "Room"]
    with translation.override("ko"):
        assert session.invented_labels() == [
            capfirst(translation.gettext("starts")),
            capfirst(translation.gettext("room")),
        ]


def test_clean_refuses_an_unknown_invented_detail():
    session = SessionFactory(invented_fields=["starts_at", "no_such_field"])

    with pytest.raises(ValidationError) as error:
        session.clean()

    with translation.override("en"):
        assert error.value.message_dict == {"invented_fields": ["Unknown details: no_such_field."]}


def test_clean_accepts_known_invented_details():
    SessionFactory(invented_fields=["starts_at", "room"]).clean()


def test_new_rows_have_no_invented_details():
    assert SessionFactory().invented_fields == []
    assert EventFactory(slug="x", is_current=False).invented_fields == []
