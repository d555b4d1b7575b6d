"""Factories with no surprises: each builds the smallest valid object."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import factory

from events.models import (
    Event,
    Exhibitor,
    ParticipatingCity,
    Room,
    Session,
    SessionKind,
    SessionSpeaker,
    Speaker,
)

SEOUL = ZoneInfo("Asia/Seoul")


def seoul(year, month, day, hour=0, minute=0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=SEOUL)


class EventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Event
        django_get_or_create = ("slug",)

    slug = factory.Sequence(lambda n: f"event-{n}")
    name_en = factory.Sequence(lambda n: f"Test Assembly {n}")
    name_ko = factory.Sequence(lambda n: f"테스트 총회 {n}")
    theme_en = "e-Sharing for All"
    theme_ko = "세계도시 전자정부의 나눔과 번영"
    start_date = date(2010, 9, 6)
    end_date = date(2010, 9, 8)
    venue_name_en = "Grand Hyatt Seoul"
    venue_name_ko = "그랜드 하얏트 서울"
    city_en = "Seoul"
    city_ko = "서울"
    is_current = True


class RoomFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Room

    event = factory.SubFactory(EventFactory)
    name_en = factory.Sequence(lambda n: f"Room {n}")
    name_ko = factory.Sequence(lambda n: f"회의실 {n}")
    capacity = 100


class SessionKindFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SessionKind
        django_get_or_create = ("slug",)

    slug = "workshop"
    name_en = "Workshop"
    name_ko = "워크숍"


class SessionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Session

    event = factory.SubFactory(EventFactory)
    kind = factory.SubFactory(SessionKindFactory)
    room = factory.SubFactory(RoomFactory, event=factory.SelfAttribute("..event"))
    slug = factory.Sequence(lambda n: f"session-{n}")
    title_en = factory.Sequence(lambda n: f"Session {n}")
    title_ko = factory.Sequence(lambda n: f"세션 {n}")
    starts_at = seoul(2010, 9, 8, 9, 30)
    ends_at = seoul(2010, 9, 8, 12, 0)


class SpeakerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Speaker

    event = factory.SubFactory(EventFactory)
    slug = factory.Sequence(lambda n: f"speaker-{n}")
    name_en = factory.Sequence(lambda n: f"Speaker {n}")
    name_ko = factory.Sequence(lambda n: f"연사 {n}")
    organisation_en = "City Hall"
    country = "KR"


class SessionSpeakerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SessionSpeaker

    session = factory.SubFactory(SessionFactory)
    speaker = factory.SubFactory(SpeakerFactory, event=factory.SelfAttribute("..session.event"))


class ExhibitorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Exhibitor

    event = factory.SubFactory(EventFactory)
    slug = factory.Sequence(lambda n: f"exhibitor-{n}")
    name_en = factory.Sequence(lambda n: f"Exhibitor {n}")
    name_ko = factory.Sequence(lambda n: f"전시업체 {n}")
    booth = factory.Sequence(lambda n: f"B{n}")


class ParticipatingCityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ParticipatingCity

    event = factory.SubFactory(EventFactory)
    name_en = factory.Sequence(lambda n: f"City {n}")
    name_ko = factory.Sequence(lambda n: f"도시 {n}")
    country = "DE"


class WorkshopFactory(SessionFactory):
    """A session whose seats are booked at registration (the 8 September workshops)."""

    booking_required = True
    capacity = 30


class PersonFactory(factory.DictFactory):
    """The personal details registration.services.register takes, as a dict."""

    name = factory.Sequence(lambda n: f"Attendee {n}")
    email = factory.Sequence(lambda n: f"attendee{n}@example.org")
    country = "KR"
    language = "en"
    category = "citizen"
