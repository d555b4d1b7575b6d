"""events.seed.load_summit: every fact of docs/summit-facts.md lands in the
database, in Korean and English, invented rows are flagged, and loading twice
changes nothing."""

import re
from datetime import date, time
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import translation
from modeltranslation.translator import translator

from events.management.commands.load_summit import Command as LoadSummit
from events.models import (
    Audience,
    Event,
    Exhibitor,
    ParticipatingCity,
    Room,
    Session,
    SessionKind,
    SessionSpeaker,
    Speaker,
    SpeakerRole,
)
from events.seed import MODELS as PROGRAMME_MODELS
from events.seed import load_summit
from registration.models import Checkpoint, CheckpointKind
from tests.factories import EventFactory

# Every model the load writes: the programme and, loaded with it by registration/, the checkpoints.
MODELS = (*PROGRAMME_MODELS, Checkpoint)

HANGUL = re.compile("[가-힣]")
FACT_CITIES = {"Barcelona", "Frankfurt", "San Francisco", "Berlin", "Moscow", "Hanoi", "Ulaanbaatar"}
SAMPLE_SESSIONS = {
    "arrivals-and-registration",
    "welcome-reception",
    "registration-7-september",
    "delegates-lunch",
    "workshop-registration",
    "farewell-lunch",
}


@pytest.fixture
def summit(db):
    return load_summit().event


def sessions_of_kind(event, slug):
    return list(Session.objects.filter(event=event, kind__slug=slug).select_related("room").order_by("slug"))


def test_load_summit_creates_the_current_event(summit):
    event = Event.objects.current().get()

    assert event == summit
    assert event.slug == "wego-2010"
    assert (event.start_date, event.end_date) == (date(2010, 9, 6), date(2010, 9, 8))
    assert event.time_zone == "Asia/Seoul"
    assert event.is_sample is False
    assert "창립총회" in event.name_ko
    assert "General Assembly" in event.name_en
    assert (event.theme_en, event.theme_ko) == ("e-Sharing for All", "세계도시 전자정부의 나눔과 번영")
    assert "Grand Hyatt Seoul" in event.venue_name_en
    assert "남산" in event.venue_name_ko
    assert event.website == "http://www.we-gov.org/"
    assert event.live_stream_url == "http://TV.seoul.go.kr"


def test_load_summit_names_organiser_and_sponsor(summit):
    assert summit.organiser_en == "Seoul Metropolitan Government, Informatization Planning Group"
    assert summit.organiser_ko == "서울특별시 정보화기획단"
    assert "UNPOG" in summit.sponsor_en
    assert "UNDESA" in summit.sponsor_en
    assert "UNPOG" in summit.sponsor_ko
    assert "UNDESA" in summit.sponsor_ko


def test_load_summit_sets_an_assumed_registration_window_and_capacity(summit):
    assert summit.local(summit.registration_opens_at).date() == date(2010, 8, 2)
    assert summit.local(summit.registration_closes_at).date() == date(2010, 9, 8)
    assert summit.capacity == 1500
    assert "Sample directions" in summit.venue_directions_en
    assert "예시 안내" in summit.venue_directions_ko


def test_load_summit_replaces_another_current_event(db):
    other = EventFactory(is_current=True)

    load_summit()

    other.refresh_from_db()
    assert other.is_current is False
    assert list(Event.objects.current().values_list("slug", flat=True)) == ["wego-2010"]


def test_event_description_states_the_facts(summit):
    english = summit.description_en
    assert "TV.seoul.go.kr" in english
    assert "about 50 cities" in english
    for city in FACT_CITIES:
        assert city in english
    assert "Mayors and delegations" in english
    assert "register in advance on this website or on the spot at the venue" in english
    assert "electronic conference system with touchscreens" in english
    korean = summit.description_ko
    assert "TV.seoul.go.kr" in korean
    for city in ("바르셀로나", "프랑크푸르트", "샌프란시스코", "베를린", "모스크바", "하노이", "울란바타르"):
        assert city in korean
    assert "50여 개 도시" in korean
    assert "사전 온라인 등록" in korean
    assert "현장 등록" in korean
    assert "전자회의시스템과 터치스크린" in korean


def test_about_gives_the_background(summit):
    english = summit.about_en
    for fact in (
        "proposed by Seoul",
        "first international IT organisation founded on the initiative of a city",
        "World e-Government Mayors Forum in Seoul in 2008",
        "33 cities",
        "Seoul e-Government Declaration",
        "World CIO Forum in 2009",
        "steering committee in June 2010",
        "ranked first four times in a row since 2003",
        "world's 100 largest cities",
        "Rutgers University and Sungkyunkwan University",
        "UNDESA and the American Society for Public Administration",
        "“World IT Capital”",
        "About 680 people from 124 cities",
        "10 cities, beginning with Moscow and including Hanoi, Ulaanbaatar and Barcelona",
        "Song Jeong-hee",
        "UNPOG",
    ):
        assert fact in english
    korean = summit.about_ko
    for fact in (
        "세계 전자정부 시장 포럼",
        "33개 도시",
        "서울 전자정부 선언",
        "세계 CIO포럼",
        "2010년 6월",
        "운영위원회",
        "4회 연속 1위",
        "럿거스대학교와 성균관대학교",
        "미국행정학회",
        "세계 IT 수도",
        "124개 도시",
        "680명",
        "10개 도시",
        "송정희",
        "UNPOG",
    ):
        assert fact in korean


def test_keynote_by_darrell_m_west_at_the_opening(summit):
    [keynote] = sessions_of_kind(summit, "keynote")
    [opening] = sessions_of_kind(summit, "opening-ceremony")

    [appearance] = SessionSpeaker.objects.filter(session=keynote).select_related("speaker")
    west = appearance.speaker
    assert appearance.role == SpeakerRole.KEYNOTE
    assert (west.slug, west.name_en, west.name_ko) == ("darrell-m-west", "Darrell M. West", "대럴 엠 웨스트")
    assert west.title_en == "Vice President"
    assert west.organisation_en == "Brookings Institution"
    assert west.city_en == "Washington"
    assert west.country == "US"
    assert west.is_sample is False
    assert keynote.is_sample is False
    assert summit.local(keynote.starts_at).date() == date(2010, 9, 7)
    assert keynote.starts_at == opening.ends_at


def test_opening_ceremony_is_streamed_on_seoul_internet_broadcasting(summit):
    [opening] = sessions_of_kind(summit, "opening-ceremony")

    assert summit.local(opening.starts_at).date() == date(2010, 9, 7)
    assert opening.is_streamed is True
    assert opening.live_stream_url == "http://TV.seoul.go.kr"
    assert "TV.seoul.go.kr" in opening.description_en
    assert "TV.seoul.go.kr" in opening.description_ko
    assert opening.is_sample is False


def test_plenary_agenda_elects_chair_cities_and_adopts_the_bylaws(summit):
    [plenary] = sessions_of_kind(summit, "plenary")

    assert summit.local(plenary.starts_at).date() == date(2010, 9, 7)
    assert plenary.audience == Audience.DELEGATES
    for item in (
        "election of the chair city and the vice-chair cities",
        "Seoul",
        "expected to be the first chair city",
        "selection of the next host city",
        "final adoption of the bylaws",
        "cooperation programmes and projects",
        "future development",
    ):
        assert item in plenary.description_en
    for item in (
        "의장 도시 및 부의장 도시 선출",
        "초대 의장 도시",
        "차기 개최 도시 선정",
        "규약 최종 의결",
        "협력 프로그램과 사업",
        "향후 발전 방안",
    ):
        assert item in plenary.description_ko


def test_seven_cities_present_best_practices_on_citizen_participation(summit):
    [session] = sessions_of_kind(summit, "best-practice")
    presenters = [a.speaker for a in SessionSpeaker.objects.filter(session=session).select_related("speaker")]
    presenting_cities = ParticipatingCity.objects.filter(event=summit, presents_best_practice=True)

    assert summit.local(session.starts_at).date() == date(2010, 9, 7)
    assert "citizen participation" in session.description_en
    assert "시민참여" in session.description_ko
    assert "7개 도시" in session.description_ko
    assert len(presenters) == 7
    assert {"Barcelona", "Berlin", "Frankfurt"} <= {p.city_en for p in presenters}
    assert {c.name_en for c in presenting_cities} == {p.city_en for p in presenters}
    assert all(p.is_sample for p in presenters)


def test_four_workshop_sessions_run_in_parallel_on_the_morning_of_8_september(summit):
    workshops = sessions_of_kind(summit, "workshop")

    assert len(workshops) == 4
    assert {w.title_en for w in workshops} == {
        "Workshop: U-City",
        "Workshop: GIS",
        "Workshop: UN e-Government network",
        "Workshop: applying CCL to open public information",
    }
    assert len({(w.starts_at, w.ends_at) for w in workshops}) == 1
    start, end = summit.local(workshops[0].starts_at), summit.local(workshops[0].ends_at)
    assert start.date() == date(2010, 9, 8)
    assert end.time() <= time(12, 0)
    assert len({w.room_id for w in workshops}) == 4
    for workshop in workshops:
        assert workshop.audience == Audience.PUBLIC
        assert workshop.booking_required is True
        assert workshop.capacity == workshop.room.capacity
        assert 80 <= workshop.capacity <= 150
        assert workshop.room.checks_attendance is True
        assert workshop.is_sample is False
        assert "citizens and IT professionals" in workshop.description_en
        assert "IT experts and academics from Korea and abroad" in workshop.description_en
        assert "일반 시민과 IT 관계자" in workshop.description_ko
        roles = list(SessionSpeaker.objects.filter(session=workshop).values_list("role", flat=True))
        assert roles == [SpeakerRole.MODERATOR, SpeakerRole.PANELLIST, SpeakerRole.PANELLIST]


def test_ccl_workshop_names_creative_commons(summit):
    ccl = Session.objects.get(event=summit, slug="workshop-ccl-open-public-information")

    assert "Creative Commons" in ccl.description_en
    assert ccl.title_ko == "워크숍: 공공정보 개방에 따른 CCL 적용방안"


def test_it_exhibition_runs_on_7_and_8_september(summit):
    days = [summit.local(s.starts_at).date() for s in sessions_of_kind(summit, "exhibition")]

    assert sorted(days) == [date(2010, 9, 7), date(2010, 9, 8)]


def test_eight_companies_and_seouls_two_pavilions_exhibit(summit):
    companies = Exhibitor.objects.filter(event=summit, kind="company")
    pavilions = Exhibitor.objects.filter(event=summit, kind="pavilion")

    assert companies.count() == 8
    assert {"Samsung SDS", "LG CNS", "KT"} <= {c.name_en for c in companies}
    assert {"삼성SDS", "LG CNS", "KT"} <= {c.name_ko for c in companies}
    assert {p.name_en for p in pavilions} == {"Seoul u-City Pavilion", "Seoul GIS Pavilion"}
    assert {p.name_ko for p in pavilions} == {"서울시 u-City관", "서울시 GIS관"}
    assert {e.slug for e in Exhibitor.objects.filter(event=summit, is_sample=False)} == {
        "samsung-sds",
        "lg-cns",
        "kt",
        "seoul-u-city-pavilion",
        "seoul-gis-pavilion",
    }
    assert all(e.booth for e in Exhibitor.objects.filter(event=summit))


def test_about_fifty_cities_take_part_with_seoul_as_chair(summit):
    cities = ParticipatingCity.objects.filter(event=summit)

    assert 45 <= cities.count() <= 55
    assert FACT_CITIES <= {c.name_en for c in cities}
    seoul = cities.get(name_en="Seoul")
    assert (seoul.name_ko, seoul.role, seoul.country, seoul.is_sample) == ("서울", "chair", "KR", False)
    assert {c.name_en for c in cities.filter(is_sample=False)} == FACT_CITIES | {"Seoul"}
    assert cities.filter(role="vice_chair").exists()
    assert not cities.filter(role="vice_chair", is_sample=False).exists()
    assert all(c.country for c in cities)


def test_song_jeong_hee_heads_the_organising_group(summit):
    song = Speaker.objects.get(event=summit, slug="song-jeong-hee")

    assert (song.name_en, song.name_ko) == ("Song Jeong-hee", "송정희")
    assert song.title_ko == "정보화기획단장"
    assert song.is_sample is False


def test_invented_rows_are_flagged_as_samples(summit):
    assert all(room.is_sample for room in Room.objects.filter(event=summit))
    assert set(Session.objects.filter(event=summit, is_sample=True).values_list("slug", flat=True)) == SAMPLE_SESSIONS
    assert set(Speaker.objects.filter(event=summit, is_sample=False).values_list("slug", flat=True)) == {
        "darrell-m-west",
        "song-jeong-hee",
    }
    assert Exhibitor.objects.filter(event=summit, kind="company", is_sample=True).count() == 5


def test_every_session_falls_within_the_event_in_a_room(summit):
    days = set(summit.days())

    for session in Session.objects.filter(event=summit).select_related("room"):
        assert summit.local(session.starts_at).date() in days
        assert session.ends_at > session.starts_at
        assert session.room.event_id == summit.pk


@pytest.mark.parametrize(
    "model", [Event, Room, SessionKind, Session, Speaker, Exhibitor, ParticipatingCity, Checkpoint]
)
def test_every_translated_field_is_filled_in_both_languages(summit, model):
    fields = translator.get_options_for_model(model).fields

    for obj in model.objects.all():
        for name in fields:
            korean, english = getattr(obj, f"{name}_ko"), getattr(obj, f"{name}_en")
            assert bool(korean) == bool(english), f"{obj!r}.{name}"
            if name == "name" and model is not Exhibitor:
                assert HANGUL.search(korean), f"{obj!r}.name_ko is not Korean"


def test_session_kinds_are_dark_enough_for_white_text(summit):
    colours = list(SessionKind.objects.values_list("colour", flat=True))

    assert len(colours) == len(set(colours)) == 8
    for colour in colours:
        assert contrast_with_white(colour) >= 4.5, colour


def test_loading_twice_creates_and_changes_nothing(summit):
    before = snapshot()

    result = load_summit()

    assert result.created.total() == 0
    assert result.updated.total() == 0
    assert result.unchanged.total() == sum(len(rows) for rows in before.values())
    assert snapshot() == before


def test_loading_again_restores_a_changed_fact_and_keeps_the_seat_counter(summit):
    Session.objects.filter(slug="plenary-session").update(title_en="Changed", seats_booked=3)

    result = load_summit()

    plenary = Session.objects.get(slug="plenary-session")
    assert (result.created.total(), result.updated.total()) == (0, 1)
    assert plenary.title_en == "Plenary session"
    assert plenary.seats_booked == 3


def test_load_summit_command_prints_a_summary(db):
    first, second = StringIO(), StringIO()

    call_command("load_summit", stdout=first)
    call_command("load_summit", stdout=second)

    assert "wego-2010" in first.getvalue()
    assert "0 created" not in first.getvalue()
    assert "0 created, 0 updated" in second.getvalue()
    assert "sessions 16" in second.getvalue()
    assert "checkpoints 8" in second.getvalue()  # 3 entrances, 4 workshop doors, the plenary door (assembly)


# The desk's checkpoints ----------------------------------------------------------------


def test_load_summit_creates_an_entrance_per_day(summit):
    entrances = Checkpoint.objects.filter(event=summit, kind=CheckpointKind.ENTRANCE).order_by("day")

    assert [(c.slug, c.day, c.name_en, c.name_ko) for c in entrances] == [
        ("entrance-2010-09-06", date(2010, 9, 6), "Entrance — September 6", "입구 — 9월 6일"),
        ("entrance-2010-09-07", date(2010, 9, 7), "Entrance — September 7", "입구 — 9월 7일"),
        ("entrance-2010-09-08", date(2010, 9, 8), "Entrance — September 8", "입구 — 9월 8일"),
    ]
    assert all(c.room_id is None for c in entrances)


def test_load_summit_creates_a_door_per_room_that_checks_attendance(summit):
    doors = Checkpoint.objects.filter(event=summit, kind=CheckpointKind.ROOM).select_related("room")
    doors = doors.exclude(slug="door-grand-ballroom-plenary")  # the General Assembly's (assembly/seed.py)
    workshop_rooms = {w.room for w in sessions_of_kind(summit, "workshop")}

    assert {door.room for door in doors} == workshop_rooms
    assert set(Room.objects.filter(event=summit, checks_attendance=True)) == workshop_rooms
    assert {door.slug for door in doors} == {
        "door-regency-room",
        "door-grand-salon",
        "door-namsan-room",
        "door-hangang-room",
    }
    for door in doors:
        assert door.day is None
        assert door.name_en == f"{door.room.name_en} door"
        assert door.name_ko == f"{door.room.name_ko} 출입구"


def test_loading_again_keeps_checkpoints_and_their_check_ins(summit):
    before = dict(Checkpoint.objects.values_list("slug", "pk"))
    Checkpoint.objects.filter(slug="entrance-2010-09-07").update(name_en="Changed")

    result = load_summit()

    assert dict(Checkpoint.objects.values_list("slug", "pk")) == before
    assert Checkpoint.objects.get(slug="entrance-2010-09-07").name_en == "Entrance — September 7"
    assert (result.created.total(), result.updated.total()) == (0, 1)


# --demo ---------------------------------------------------------------------------------


def test_demo_leaves_registration_open(db):
    event = load_summit(demo=True).event

    event.refresh_from_db()
    assert event.registration_closes_at is None
    assert event.local(event.registration_opens_at).date() == date(2010, 8, 2)
    assert event.registration_is_open() is True


def test_loading_twice_with_demo_creates_and_changes_nothing(db):
    load_summit(demo=True)
    before = snapshot()

    result = load_summit(demo=True)

    assert (result.created.total(), result.updated.total()) == (0, 0)
    assert snapshot() == before


def test_loading_without_demo_restores_the_2010_window(db):
    load_summit(demo=True)

    result = load_summit()

    event = Event.objects.get(slug="wego-2010")
    assert (result.created.total(), result.updated.total()) == (0, 1)
    assert event.local(event.registration_closes_at).date() == date(2010, 9, 8)


def test_load_summit_command_takes_demo(db):
    first, second = StringIO(), StringIO()

    call_command("load_summit", "--demo", stdout=first)
    call_command("load_summit", "--demo", stdout=second)

    assert Event.objects.get(slug="wego-2010").registration_closes_at is None
    assert "registration stays open" in first.getvalue()
    assert "0 created, 0 updated" in second.getvalue()


def test_load_summit_command_documents_demo():
    help_text = " ".join(LoadSummit().create_parser("manage.py", "load_summit").format_help().split())

    assert "--demo" in help_text
    assert "Leave online registration open (no closing time)" in help_text


def snapshot() -> dict:
    """Every column of every row the loader writes (raw: the untranslated columns too)."""
    rows = {}
    for model in MODELS:
        queryset = model.objects.order_by("pk")
        rows[model.__name__] = list(queryset.raw_values() if hasattr(queryset, "raw_values") else queryset.values())
    return rows


def contrast_with_white(colour: str) -> float:
    """WCAG 2 contrast ratio of white text on `colour` (#rrggbb)."""

    def channel(hex_pair: str) -> float:
        value = int(hex_pair, 16) / 255
        return value / 12.92 if value <= 0.03928 else ((value + 0.055) / 1.055) ** 2.4

    red, green, blue = (channel(colour[i : i + 2]) for i in (1, 3, 5))
    luminance = 0.2126 * red + 0.7152 * green + 0.0722 * blue
    return 1.05 / (luminance + 0.05)


# Invented details of rows from the record -----------------------------------------------

SAMPLE_DATA_MODELS = [Event, Room, Session, Speaker, Exhibitor, ParticipatingCity]


def invented(queryset, key="slug") -> dict:
    return {getattr(row, key): row.invented_fields for row in queryset}


def test_event_lists_its_assumed_details(summit):
    assert summit.is_sample is False
    assert summit.invented_fields == [
        "venue_address",
        "venue_directions",
        "registration_opens_at",
        "registration_closes_at",
        "capacity",
        "website",
        "contact_email",
    ]


def test_every_session_from_the_record_lists_its_invented_times_and_room(summit):
    facts = Session.objects.filter(event=summit, is_sample=False).select_related("kind")

    assert len(facts) == 10
    for session in facts:
        assert {"starts_at", "ends_at", "room"} <= set(session.invented_fields), session.slug
        if session.kind.slug == "workshop":
            # The record opens the workshops to citizens; seat booking and capacity are assumed.
            assert session.invented_fields == ["starts_at", "ends_at", "room", "booking_required", "capacity"]
        else:
            assert session.invented_fields == ["starts_at", "ends_at", "room", "audience"]


def test_wholly_invented_rows_list_no_details(summit):
    for model in SAMPLE_DATA_MODELS:
        for row in model.objects.filter(is_sample=True):
            assert row.invented_fields == [], f"{model.__name__} {row}"


def test_exhibitors_from_the_record_list_their_invented_booths_and_websites(summit):
    assert invented(Exhibitor.objects.filter(event=summit, is_sample=False)) == {
        "seoul-u-city-pavilion": ["booth"],
        "seoul-gis-pavilion": ["booth"],
        "samsung-sds": ["booth", "website"],
        "lg-cns": ["booth", "website"],
        "kt": ["booth", "website"],
    }


def test_seoul_as_chair_city_is_marked_as_assumed(summit):
    seoul = ParticipatingCity.objects.get(event=summit, name_en="Seoul")

    # The record: Seoul "is expected to be" the first chair city.
    assert (seoul.role, seoul.is_sample, seoul.invented_fields) == ("chair", False, ["role"])


def test_only_barcelona_berlin_and_frankfurt_are_presenters_from_the_record(summit):
    presenters = ParticipatingCity.objects.filter(event=summit, presents_best_practice=True)

    assert invented(presenters, key="name_en") == {
        "Barcelona": [],
        "Berlin": [],
        "Frankfurt": [],
        "San Francisco": ["presents_best_practice"],
        "Moscow": ["presents_best_practice"],
        "Hanoi": ["presents_best_practice"],
        "Ulaanbaatar": ["presents_best_practice"],
    }
    assert all(not city.is_sample for city in presenters)


def test_speakers_from_the_record_have_no_invented_details(summit):
    assert invented(Speaker.objects.filter(event=summit, is_sample=False)) == {
        "darrell-m-west": [],
        "song-jeong-hee": [],
    }


@pytest.mark.parametrize("model", SAMPLE_DATA_MODELS)
def test_every_invented_detail_names_a_field_of_its_model(summit, model):
    known = {name for name, _label in model.detail_choices()}

    for row in model.objects.all():
        assert set(row.invented_fields) <= known, f"{model.__name__} {row}: {row.invented_fields}"
        row.clean()  # the admin's validation accepts them too


def test_loading_again_restores_the_invented_marks(summit):
    Session.objects.filter(slug="opening-ceremony").update(invented_fields=[])

    result = load_summit()

    assert (result.created.total(), result.updated.total()) == (0, 1)
    assert Session.objects.get(slug="opening-ceremony").invented_fields == ["starts_at", "ends_at", "room", "audience"]


@pytest.fixture
def organiser_client(client, django_user_model):
    user = django_user_model.objects.create_superuser("admin", "admin@example.org", "pw")
    client.force_login(user)
    return client


def test_admin_shows_the_summits_invented_details(organiser_client, summit):
    with translation.override("en"):
        sessions = reverse("admin:events_session_changelist")
        opening = reverse("admin:events_session_change", args=[Session.objects.get(slug="opening-ceremony").pk])
        seoul = ParticipatingCity.objects.get(name_en="Seoul")
        seoul_page = reverse("admin:events_participatingcity_change", args=[seoul.pk])
        event_page = reverse("admin:events_event_change", args=[summit.pk])

    changelist = organiser_client.get(sessions).content.decode()
    opening_form = organiser_client.get(opening).content.decode()
    seoul_form = organiser_client.get(seoul_page).content.decode()
    event_form = organiser_client.get(event_page).content.decode()

    assert '<td class="field-invented">Starts, Ends, Room, Who may attend</td>' in changelist
    assert "not taken from the official record: Starts, Ends, Room, Who may attend." in opening_form
    assert "not taken from the official record: Role." in seoul_form
    assert (
        "not taken from the official record: Venue address, How to get there, Registration opens, "
        "Registration closes, Capacity, Website, Organisers&#x27; contact address." in event_form
    )
