import json
from datetime import datetime
from zoneinfo import ZoneInfo

import icalendar
import pytest
from django.urls import reverse
from django.utils import translation

from events.models import Audience, SpeakerRole
from tests.factories import (
    EventFactory,
    ExhibitorFactory,
    ParticipatingCityFactory,
    RoomFactory,
    SessionFactory,
    SessionKindFactory,
    SessionSpeakerFactory,
    SpeakerFactory,
    seoul,
)

pytestmark = pytest.mark.django_db

SEOUL = ZoneInfo("Asia/Seoul")


def url(name, lang="en", **kwargs):
    with translation.override(lang):
        return reverse(f"events:{name}", kwargs=kwargs or None)


def parse(response) -> icalendar.Calendar:
    return icalendar.Calendar.from_ical(response.content)


@pytest.fixture
def event():
    return EventFactory(
        slug="wego-2010",
        name_en="WeGO General Assembly",
        name_ko="WeGO 창립총회",
        data_attribution="WeGO / Seoul Metropolitan Government",
    )


@pytest.fixture
def workshop(event):
    room = RoomFactory(event=event, name_en="Grand Ballroom", name_ko="그랜드 볼룸")
    session = SessionFactory(
        event=event,
        room=room,
        slug="workshop-1",
        title_en="Workshop 1: Open data",
        title_ko="워크숍 1: 공공 데이터 개방",
        description_en="Cities share how they open their data.",
        description_ko="도시들이 데이터 개방 경험을 나눕니다.",
        starts_at=seoul(2010, 9, 8, 9, 30),
        ends_at=seoul(2010, 9, 8, 12, 0),
    )
    speaker = SpeakerFactory(event=event, slug="darrell-west", name_en="Darrell M. West", name_ko="대럴 웨스트")
    SessionSpeakerFactory(session=session, speaker=speaker, role=SpeakerRole.MODERATOR)
    return session


def test_programme_ics_is_a_valid_calendar_in_seoul_time(client, workshop):
    response = client.get(url("programme_ics"))

    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="wego-2010-en.ics"'
    calendar = parse(response)
    assert str(calendar["VERSION"]) == "2.0"
    assert str(calendar["PRODID"]).startswith("-//WeGO//")
    assert str(calendar["CALSCALE"]) == "GREGORIAN"
    assert str(calendar["X-WR-CALNAME"]) == "WeGO General Assembly"
    assert str(calendar["X-WR-TIMEZONE"]) == "Asia/Seoul"
    assert [tz["TZID"] for tz in calendar.walk("VTIMEZONE")] == ["Asia/Seoul"]
    assert calendar.get_missing_tzids() == set()
    [vevent] = calendar.walk("VEVENT")
    assert vevent["DTSTART"].params["TZID"] == "Asia/Seoul"
    assert vevent["DTSTART"].dt == datetime(2010, 9, 8, 9, 30, tzinfo=SEOUL)
    assert vevent["DTEND"].dt == datetime(2010, 9, 8, 12, 0, tzinfo=SEOUL)
    assert b"DTSTART;TZID=Asia/Seoul:20100908T093000" in response.content
    assert vevent["DTSTAMP"].dt.tzinfo is not None
    assert vevent["UID"] == "wego-2010.workshop-1@wego2010.we-gov.org"


def test_programme_ics_speaks_english_under_en(client, workshop):
    vevent = parse(client.get(url("programme_ics", "en"))).walk("VEVENT")[0]

    assert str(vevent["SUMMARY"]) == "Workshop 1: Open data"
    assert str(vevent["LOCATION"]) == "Grand Ballroom, Grand Hyatt Seoul"
    assert "Cities share how they open their data." in str(vevent["DESCRIPTION"])
    assert "Darrell M. West (Moderator, City Hall)" in str(vevent["DESCRIPTION"])
    assert str(vevent["URL"]) == "http://testserver/en/sessions/workshop-1/"


def test_programme_ics_speaks_korean_under_ko_and_survives_folding(client, workshop):
    workshop.description_ko = "공공 데이터를 시민과 나누는 방법에 관한 긴 설명입니다. " * 10
    workshop.save()

    response = client.get(url("programme_ics", "ko"))

    vevent = parse(response).walk("VEVENT")[0]
    assert str(vevent["SUMMARY"]) == "워크숍 1: 공공 데이터 개방"
    assert str(vevent["LOCATION"]) == "그랜드 볼룸, 그랜드 하얏트 서울"
    assert workshop.description_ko.strip() in str(vevent["DESCRIPTION"])
    assert "대럴 웨스트" in str(vevent["DESCRIPTION"])
    assert str(vevent["URL"]) == "http://testserver/ko/sessions/workshop-1/"
    assert max(len(line) for line in response.content.split(b"\r\n")) <= 75  # folded, valid UTF-8 per line
    response.content.decode("utf-8")


def test_programme_ics_korean_title_falls_back_to_english(client, event):
    SessionFactory(event=event, title_ko="", title_en="Only in English")

    vevent = parse(client.get(url("programme_ics", "ko"))).walk("VEVENT")[0]

    assert str(vevent["SUMMARY"]) == "Only in English"


def test_programme_ics_uid_is_stable_across_requests_and_languages(client, workshop):
    first = parse(client.get(url("programme_ics", "en"))).walk("VEVENT")[0]["UID"]
    second = parse(client.get(url("programme_ics", "ko"))).walk("VEVENT")[0]["UID"]
    single = parse(client.get(url("session_ics", "ko", slug="workshop-1"))).walk("VEVENT")[0]["UID"]

    assert first == second == single == "wego-2010.workshop-1@wego2010.we-gov.org"
    assert str(workshop.pk) not in first.split("@")[0].split(".")


def test_programme_ics_lists_only_published_sessions_of_current_event(client, event):
    SessionFactory(event=event, slug="shown")
    SessionFactory(event=event, slug="hidden", is_published=False)
    other = EventFactory(slug="wego-2012", is_current=False)
    SessionFactory(event=other, slug="elsewhere")

    calendar = parse(client.get(url("programme_ics")))

    assert [str(v["UID"]) for v in calendar.walk("VEVENT")] == ["wego-2010.shown@wego2010.we-gov.org"]


def test_programme_ics_orders_sessions_by_start(client, event):
    SessionFactory(event=event, slug="late", starts_at=seoul(2010, 9, 7, 14), ends_at=seoul(2010, 9, 7, 15))
    SessionFactory(event=event, slug="early", starts_at=seoul(2010, 9, 6, 10), ends_at=seoul(2010, 9, 6, 11))

    calendar = parse(client.get(url("programme_ics")))

    assert [str(v["UID"]).split(".")[1].split("@")[0] for v in calendar.walk("VEVENT")] == ["early", "late"]


def test_session_ics_has_one_event(client, workshop):
    response = client.get(url("session_ics", "en", slug="workshop-1"))

    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="wego-2010-workshop-1.ics"'
    calendar = parse(response)
    [vevent] = calendar.walk("VEVENT")
    assert str(vevent["SUMMARY"]) == "Workshop 1: Open data"
    assert vevent["DTSTART"].dt == datetime(2010, 9, 8, 9, 30, tzinfo=SEOUL)
    assert [tz["TZID"] for tz in calendar.walk("VTIMEZONE")] == ["Asia/Seoul"]


@pytest.mark.parametrize("slug", ["no-such-session", "unpublished"])
def test_session_ics_unknown_or_unpublished_is_404(client, event, slug):
    SessionFactory(event=event, slug="unpublished", is_published=False)

    response = client.get(url("session_ics", "en", slug=slug))

    assert response.status_code == 404


def test_session_ics_of_another_event_is_404(client, event):
    SessionFactory(event=EventFactory(slug="old", is_current=False), slug="old-session")

    assert client.get(url("session_ics", "en", slug="old-session")).status_code == 404


@pytest.mark.parametrize("name", ["programme_ics", "programme_json"])
def test_feeds_without_current_event_are_404(client, name):
    EventFactory(is_current=False)

    assert client.get(url(name)).status_code == 404


@pytest.mark.parametrize("name", ["programme_ics", "programme_json"])
def test_feeds_refuse_post(client, event, name):
    assert client.post(url(name)).status_code == 405


def test_programme_json_has_licence_event_and_both_languages(client, workshop):
    ExhibitorFactory(event=workshop.event, slug="samsung", name_en="Samsung SDS", name_ko="삼성SDS", booth="A1")
    ParticipatingCityFactory(event=workshop.event, name_en="Seoul", name_ko="서울", country="KR", role="chair")

    response = client.get(url("programme_json", "ko"))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response["Access-Control-Allow-Origin"] == "*"
    data = json.loads(response.content.decode("utf-8"))
    assert data["licence"] == {
        "id": "CC-BY-4.0",
        "name": "Creative Commons Attribution 4.0 International",
        "url": "https://creativecommons.org/licenses/by/4.0/",
        "attribution": "WeGO / Seoul Metropolitan Government",
    }
    assert data["generated_at"].endswith("+09:00")
    assert data["event"]["name"] == {"ko": "WeGO 창립총회", "en": "WeGO General Assembly"}
    assert data["event"]["theme"] == {"ko": "세계도시 전자정부의 나눔과 번영", "en": "e-Sharing for All"}
    assert data["event"]["start_date"] == "2010-09-06"
    assert data["event"]["end_date"] == "2010-09-08"
    assert data["event"]["time_zone"] == "Asia/Seoul"
    assert data["event"]["venue"]["name"] == {"ko": "그랜드 하얏트 서울", "en": "Grand Hyatt Seoul"}
    assert data["exhibitors"][0]["name"] == {"ko": "삼성SDS", "en": "Samsung SDS"}
    assert data["exhibitors"][0]["booth"] == "A1"
    assert data["cities"] == [
        {
            "name": {"ko": "서울", "en": "Seoul"},
            "country": "KR",
            "role": "chair",
            "presents_best_practice": False,
            "is_sample": False,
            "invented_fields": [],
        }
    ]
    assert "서울" in response.content.decode("utf-8")  # not \\u-escaped


def test_programme_json_sessions_have_local_times_and_details(client, workshop):
    data = client.get(url("programme_json", "en")).json()

    [session] = data["sessions"]
    assert session["slug"] == "workshop-1"
    assert session["title"] == {"ko": "워크숍 1: 공공 데이터 개방", "en": "Workshop 1: Open data"}
    assert session["description"]["ko"] == "도시들이 데이터 개방 경험을 나눕니다."
    assert session["kind"] == {"slug": "workshop", "name": {"ko": "워크숍", "en": "Workshop"}}
    assert session["start"] == "2010-09-08T09:30:00+09:00"
    assert session["end"] == "2010-09-08T12:00:00+09:00"
    assert session["room"] == {"ko": "그랜드 볼룸", "en": "Grand Ballroom"}
    assert session["audience"] == "public"
    assert session["url"] == {
        "ko": "http://testserver/ko/sessions/workshop-1/",
        "en": "http://testserver/en/sessions/workshop-1/",
    }
    assert session["ics"]["en"] == "http://testserver/en/sessions/workshop-1.ics"
    assert session["speakers"] == [
        {
            "slug": "darrell-west",
            "name": {"ko": "대럴 웨스트", "en": "Darrell M. West"},
            "role": "moderator",
            "organisation": {"ko": "City Hall", "en": "City Hall"},
        }
    ]
    assert data["speakers"][0]["slug"] == "darrell-west"
    assert data["speakers"][0]["sessions"] == ["workshop-1"]
    assert data["speakers"][0]["photo"] is None


def test_programme_json_booking_fields(client, event):
    SessionFactory(
        event=event,
        slug="booked",
        audience=Audience.DELEGATES,
        booking_required=True,
        capacity=40,
        is_streamed=True,
    )

    [session] = client.get(url("programme_json")).json()["sessions"]

    assert session["audience"] == "delegates"
    assert session["booking_required"] is True
    assert session["capacity"] == 40
    assert session["seats_left"] == 40
    assert session["is_streamed"] is True


def test_programme_json_speakers_have_photo_urls_and_only_published_sessions(client, workshop):
    hidden = SessionFactory(event=workshop.event, slug="hidden", is_published=False)
    speaker = workshop.speakers.get()
    SessionSpeakerFactory(session=hidden, speaker=speaker)
    speaker.photo = "speakers/" + "c" * 32 + ".jpg"
    speaker.save()

    data = client.get(url("programme_json")).json()

    assert [s["slug"] for s in data["sessions"]] == ["workshop-1"]
    assert data["speakers"][0]["sessions"] == ["workshop-1"]
    assert data["speakers"][0]["photo"] == "http://testserver/media/speakers/" + "c" * 32 + ".jpg"
    assert data["speakers"][0]["country"] == "KR"


def test_session_ics_mentions_the_live_stream(client, event):
    event.live_stream_url = "https://stream.example.org/wego"
    event.save()
    SessionFactory(event=event, slug="opening", is_streamed=True)

    vevent = parse(client.get(url("session_ics", slug="opening"))).walk("VEVENT")[0]

    assert "Live stream: https://stream.example.org/wego" in str(vevent["DESCRIPTION"])


def test_programme_json_is_the_same_under_both_prefixes(client, workshop):
    ko = client.get(url("programme_json", "ko")).json()
    en = client.get(url("programme_json", "en")).json()

    ko.pop("generated_at")
    en.pop("generated_at")
    assert ko == en


def make_programme(event, n):
    kind = SessionKindFactory()
    for i in range(n):
        room = RoomFactory(event=event)
        session = SessionFactory(
            event=event,
            kind=kind,
            room=room,
            starts_at=seoul(2010, 9, 6 + i % 3, 9),
            ends_at=seoul(2010, 9, 6 + i % 3, 10),
        )
        SessionSpeakerFactory(session=session, role=SpeakerRole.PRESENTER)
        SessionSpeakerFactory(session=session, role=SpeakerRole.PANELLIST, position=1)
        ExhibitorFactory(event=event)
        ParticipatingCityFactory(event=event)


@pytest.mark.parametrize("n", [1, 5])
def test_programme_ics_queries_do_not_grow_with_sessions(client, event, n, django_assert_num_queries):
    make_programme(event, n)

    with django_assert_num_queries(3):  # event, sessions + kind/room/event, speakers
        response = client.get(url("programme_ics"))
    with django_assert_num_queries(0):  # the page cache
        again = client.get(url("programme_ics"))

    assert len(parse(response).walk("VEVENT")) == n
    assert again.content == response.content


@pytest.mark.parametrize("n", [1, 5])
def test_session_ics_queries_do_not_grow_with_speakers(client, event, n, django_assert_num_queries):
    session = SessionFactory(event=event, slug="panel")
    SessionSpeakerFactory.create_batch(n, session=session)

    with django_assert_num_queries(3):  # event, session, speakers
        response = client.get(url("session_ics", slug="panel"))
    with django_assert_num_queries(0):  # the page cache
        again = client.get(url("session_ics", slug="panel"))

    assert str(parse(response).walk("VEVENT")[0]["DESCRIPTION"]).count("\n- ") == n
    assert again.content == response.content


@pytest.mark.parametrize("n", [1, 5])
def test_programme_json_queries_do_not_grow_with_rows(client, event, n, django_assert_num_queries):
    make_programme(event, n)

    # seat fingerprint (page cache), event, sessions, their speakers, speakers, their sessions, exhibitors, cities
    with django_assert_num_queries(8):
        data = client.get(url("programme_json")).json()
    with django_assert_num_queries(0):  # the page cache
        assert client.get(url("programme_json")).json() == data

    assert len(data["sessions"]) == n
    assert len(data["speakers"]) == 2 * n
    assert len(data["exhibitors"]) == n
    assert len(data["cities"]) == n


# --- What the JSON says about the edition and its invented details ---------------------


def test_programme_json_credits_the_organiser_when_no_attribution_is_set(client):
    EventFactory(organiser_en="City of Tallinn", organiser_ko="탈린시", data_attribution="")

    licence = client.get(url("programme_json", "ko")).json()["licence"]

    assert licence["attribution"] == "City of Tallinn"
    assert licence["id"] == "CC-BY-4.0"


def test_programme_json_credits_the_event_without_organiser_or_attribution(client):
    EventFactory(name_en="Second General Assembly", organiser_en="", organiser_ko="", data_attribution="")

    assert client.get(url("programme_json")).json()["licence"]["attribution"] == "Second General Assembly"


def test_programme_json_gives_the_edition_city_and_stream_service(client):
    EventFactory(
        edition_en="Founding General Assembly",
        edition_ko="창립총회",
        live_stream_provider_en="Seoul’s internet broadcasting service",
        live_stream_provider_ko="서울시 인터넷 방송",
    )

    data = client.get(url("programme_json")).json()["event"]

    assert data["edition"] == {"ko": "창립총회", "en": "Founding General Assembly"}
    assert data["city"] == {"ko": "서울", "en": "Seoul"}
    assert data["live_stream_provider"] == {"ko": "서울시 인터넷 방송", "en": "Seoul’s internet broadcasting service"}


def test_programme_json_marks_invented_details(client, event):
    event.invented_fields = ["capacity"]
    event.save()
    SessionFactory(event=event, slug="opening", invented_fields=["starts_at", "ends_at", "room"])
    SessionFactory(event=event, slug="lunch", is_sample=True)

    data = client.get(url("programme_json")).json()

    assert (data["event"]["is_sample"], data["event"]["invented_fields"]) == (False, ["capacity"])
    marks = {s["slug"]: (s["is_sample"], s["invented_fields"]) for s in data["sessions"]}
    assert marks == {"opening": (False, ["starts_at", "ends_at", "room"]), "lunch": (True, [])}
