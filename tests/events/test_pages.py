"""The public pages in Korean and English: what a visitor reads on each."""

import re
from dataclasses import dataclass

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from events.models import Audience, CityRole, Event, ExhibitorKind, Session, SpeakerRole
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

LANGS = ["ko", "en"]
PUBLIC_PAGES = ["home", "programme", "speakers", "exhibition", "cities", "about", "venue", "live"]
HANGUL = re.compile(r"[\uac00-\ud7a3]")


@dataclass
class Summit:
    event: Event
    opening: Session
    keynote: Session
    plenary: Session
    workshops: list[Session]


def build_summit() -> Summit:
    """A small General Assembly: opening and keynote streamed, a delegates-only
    plenary, four parallel workshops with booked seats, a two-day exhibition."""
    event = EventFactory(
        name_en="WeGO Founding General Assembly",
        name_ko="세계도시 전자정부 협의체 창립총회",
        organiser_en="Seoul Metropolitan Government",
        organiser_ko="서울특별시",
        sponsor_en="UNPOG",
        sponsor_ko="유엔거버넌스센터(UNPOG)",
        description_en="Mayors of about 50 cities meet in Seoul.",
        description_ko="세계 50여 개 도시의 시장이 서울에 모입니다.",
        about_en="WeGO was proposed by Seoul.",
        about_ko="WeGO는 서울시가 제안했습니다.",
        venue_address_en="322 Sowol-ro, Yongsan-gu, Seoul",
        venue_address_ko="서울 용산구 소월로 322",
        venue_directions_en="From Itaewon Station (Line 6), take a taxi up the hill.",
        venue_directions_ko="6호선 이태원역에서 택시로 오르막을 오릅니다.",
        live_stream_url="https://tv.seoul.go.kr/",
        venue_sketch="namsan",
    )
    ballroom = RoomFactory(event=event, name_en="Grand Ballroom", name_ko="그랜드 볼룸", location_en="Lobby level")
    opening_kind = SessionKindFactory(slug="opening-ceremony", name_en="Opening ceremony", name_ko="개막식")
    keynote_kind = SessionKindFactory(slug="keynote", name_en="Keynote", name_ko="기조연설")
    plenary_kind = SessionKindFactory(slug="plenary", name_en="Plenary session", name_ko="본회의")
    workshop_kind = SessionKindFactory(slug="workshop", name_en="Workshop", name_ko="워크숍")
    exhibition_kind = SessionKindFactory(slug="exhibition", name_en="IT exhibition", name_ko="IT 전시")

    opening = SessionFactory(
        event=event,
        kind=opening_kind,
        room=ballroom,
        slug="opening-ceremony",
        title_en="Opening ceremony",
        title_ko="개막식",
        starts_at=seoul(2010, 9, 7, 9, 30),
        ends_at=seoul(2010, 9, 7, 10, 20),
        is_streamed=True,
    )
    keynote = SessionFactory(
        event=event,
        kind=keynote_kind,
        room=ballroom,
        slug="keynote",
        title_en="Keynote speech",
        title_ko="기조연설",
        starts_at=seoul(2010, 9, 7, 10, 20),
        ends_at=seoul(2010, 9, 7, 11, 0),
        is_streamed=True,
    )
    west = SpeakerFactory(
        event=event,
        slug="darrell-m-west",
        name_en="Darrell M. West",
        name_ko="대럴 엠 웨스트",
        title_en="Vice President",
        organisation_en="Brookings Institution",
        city_en="Washington",
        country="US",
        biography_en="Scholar of digital government.",
    )
    SessionSpeakerFactory(session=keynote, speaker=west, role=SpeakerRole.KEYNOTE)
    plenary = SessionFactory(
        event=event,
        kind=plenary_kind,
        room=ballroom,
        slug="plenary",
        title_en="Plenary session",
        title_ko="본회의",
        starts_at=seoul(2010, 9, 7, 11, 0),
        ends_at=seoul(2010, 9, 7, 12, 30),
        audience=Audience.DELEGATES,
    )
    for day in (7, 8):
        SessionFactory(
            event=event,
            kind=exhibition_kind,
            room=RoomFactory(event=event, name_en=f"Exhibition hall {day}", name_ko=f"전시장 {day}"),
            slug=f"exhibition-{day}",
            title_en=f"IT exhibition, day {day}",
            title_ko=f"IT 전시 {day}일",
            starts_at=seoul(2010, 9, day, 13, 0),
            ends_at=seoul(2010, 9, day, 18, 0),
        )
    topics = [("u-city", "U-City", "유시티"), ("gis", "GIS", "지리정보"), ("un", "UN network", "유엔 네트워크")]
    topics.append(("ccl", "CCL for open information", "공공정보 CCL"))
    workshops = [
        SessionFactory(
            event=event,
            kind=workshop_kind,
            room=RoomFactory(event=event, name_en=f"Workshop room {slug}", name_ko=f"워크숍실 {slug}"),
            slug=f"workshop-{slug}",
            title_en=f"Workshop: {en}",
            title_ko=f"워크숍: {ko}",
            starts_at=seoul(2010, 9, 8, 9, 30),
            ends_at=seoul(2010, 9, 8, 12, 0),
            booking_required=True,
            capacity=40,
        )
        for slug, en, ko in topics
    ]
    return Summit(event, opening, keynote, plenary, workshops)


def get(client, lang: str, name: str, **kwargs):
    with translation.override(lang):
        url = reverse(f"events:{name}", kwargs=kwargs or None)
    return client.get(url)


def in_language(lang: str, message: str) -> str:
    """An interface string as the page shows it in `lang` (translated or not yet)."""
    with translation.override(lang):
        return gettext(message)


def text_of(response) -> str:
    """The page's text as read: inline tags dropped, block tags as spaces."""
    html = re.sub(r"</?(?:time|span|a|strong|em|abbr)\b[^>]*>", "", response.content.decode())
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


# --- Every page, both languages ----------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("name", PUBLIC_PAGES)
def test_public_page_is_in_the_requested_language(client, lang, name):
    summit = build_summit()

    response = get(client, lang, name)

    assert response.status_code == 200
    html = response.content.decode()
    assert f'<html lang="{lang}"' in html
    name_in_lang = summit.event.name_ko if lang == "ko" else summit.event.name_en
    assert name_in_lang in html
    assert in_language(lang, "Skip to main content") in html
    assert 'href="#main"' in html
    assert 'id="main"' in html


@pytest.mark.django_db
@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("name", PUBLIC_PAGES)
def test_public_page_renders_without_a_current_event(client, lang, name):
    response = get(client, lang, name)

    assert response.status_code == 200
    assert in_language(lang, "No event yet") in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("name", PUBLIC_PAGES)
def test_public_page_loads_nothing_from_another_host(client, name):
    build_summit()

    html = get(client, "en", name).content.decode()

    loads = re.findall(r"<(?:script|img|link|iframe|source|video|audio)\b[^>]*?\b(?:src|href)=\"([^\"]*)\"", html)
    assert loads, "the page loads its own CSS and JS"
    assert [url for url in loads if re.match(r"(?i)^(https?:)?//", url)] == []
    assert "<iframe" not in html
    assert "style=" not in html
    assert "<style" not in html
    assert re.findall(r"<script(?![^>]*\bsrc=)[^>]*>", html) == []


@pytest.mark.django_db
@pytest.mark.parametrize("lang", LANGS)
def test_header_offers_the_other_language_named_in_itself(client, lang):
    build_summit()

    html = get(client, lang, "programme").content.decode()

    other = "en" if lang == "ko" else "ko"
    assert f'<a class="language-link" href="/{other}/programme/" hreflang="{other}">' in html
    assert "csrfmiddlewaretoken" not in html
    assert "한국어" in html
    assert "English" in html
    assert f'<link rel="alternate" hreflang="{other}" href="/{other}/programme/">' in html


@pytest.mark.django_db
def test_language_switch_keeps_the_page_and_its_query(client):
    build_summit()

    html = client.get("/en/programme/?day=2010-09-08&kind=workshop").content.decode()

    assert 'href="/ko/programme/?day=2010-09-08&amp;kind=workshop" hreflang="ko"' in html


@pytest.mark.django_db
def test_language_switch_posts_to_the_same_page_in_the_other_language(client):
    build_summit()

    response = client.post("/i18n/setlang/", {"language": "en", "next": "/en/speakers/"})

    assert response.status_code == 302
    assert response["Location"] == "/en/speakers/"
    assert response.cookies["django_language"].value == "en"


@pytest.mark.django_db
@pytest.mark.parametrize("lang", LANGS)
def test_navigation_marks_the_current_page(client, lang):
    build_summit()

    html = get(client, lang, "speakers").content.decode()

    with translation.override(lang):
        speakers_url = reverse("events:speakers")
    assert f'href="{speakers_url}" aria-current="page"' in html
    assert html.count('aria-current="page"') == 1


@pytest.mark.django_db
def test_footer_names_organiser_sponsor_feeds_and_licence(client):
    build_summit()

    html = get(client, "en", "about").content.decode()

    footer = html[html.index("<footer") :]
    assert "Seoul Metropolitan Government" in footer
    assert "UNPOG" in footer
    assert 'href="/en/programme.ics"' in footer
    assert 'href="/en/programme.json"' in footer
    assert "CC BY 4.0" in footer


# --- Home ----------------------------------------------------------------------------


@pytest.mark.django_db
def test_home_in_korean_shows_theme_dates_venue_and_register_link(client):
    build_summit()

    response = get(client, "ko", "home")

    html = response.content.decode()
    assert "세계도시 전자정부 협의체 창립총회" in html
    assert "세계도시 전자정부의 나눔과 번영" in html
    assert "그랜드 하얏트 서울" in html
    assert "서울특별시" in html
    assert "유엔거버넌스센터(UNPOG)" in html
    assert 'href="/ko/register/"' in html
    assert "2010" in html


@pytest.mark.django_db
def test_home_in_english_shows_theme_dates_venue_and_register_link(client):
    build_summit()

    text = text_of(get(client, "en", "home"))

    assert "WeGO Founding General Assembly" in text
    assert "e-Sharing for All" in text
    assert "September 6–8, 2010" in text
    assert "Grand Hyatt Seoul" in text
    assert "Seoul Metropolitan Government" in text
    assert "Register to attend" in text


@pytest.mark.django_db
def test_home_highlights_keynote_workshops_exhibition_and_stream(client):
    build_summit()

    text = text_of(get(client, "en", "home"))

    assert "Darrell M. West" in text
    assert "Workshop in 4 sessions" in text
    assert "Workshop: CCL for open information" in text
    assert "IT exhibition" in text
    assert "Live stream" in text
    assert "How to watch online" in text


@pytest.mark.django_db
def test_home_falls_back_to_english_when_korean_is_empty(client):
    summit = build_summit()
    Event.objects.filter(pk=summit.event.pk).update(theme_ko="")

    html = get(client, "ko", "home").content.decode()

    assert "e-Sharing for All" in html


# --- Session page ----------------------------------------------------------------------


@pytest.mark.django_db
def test_session_page_shows_details_speakers_calendar_and_stream(client):
    summit = build_summit()

    response = get(client, "en", "session", slug=summit.keynote.slug)

    text = text_of(response)
    html = response.content.decode()
    assert "Keynote speech" in text
    assert "Keynote" in text
    assert "09:30" not in text
    assert "10:20–11:00" in text
    assert "Grand Ballroom, Lobby level" in text
    assert "Darrell M. West Keynote speaker" in text
    assert "Vice President, Brookings Institution" in text
    assert "Open to citizens" in text
    assert 'href="/en/sessions/keynote.ics"' in html
    assert 'href="https://tv.seoul.go.kr/" rel="noopener"' in html
    assert 'href="/en/programme/?day=2010-09-07"' in html
    assert 'href="/en/speakers/#darrell-m-west"' in html


@pytest.mark.django_db
def test_session_page_in_korean(client):
    summit = build_summit()

    text = text_of(get(client, "ko", "session", slug=summit.keynote.slug))

    assert "기조연설" in text
    assert "대럴 엠 웨스트" in text
    assert "그랜드 볼룸" in text
    assert "2010년 9월 7일" in text


@pytest.mark.django_db
def test_session_page_shows_seats_left_and_full(client):
    summit = build_summit()
    Session.objects.filter(pk=summit.workshops[0].pk).update(seats_booked=15)
    Session.objects.filter(pk=summit.workshops[1].pk).update(seats_booked=40)

    left = text_of(get(client, "en", "session", slug=summit.workshops[0].slug))
    full = text_of(get(client, "en", "session", slug=summit.workshops[1].slug))

    assert "25 of 40 seats left" in left
    assert "Full: every seat is booked." in full


@pytest.mark.django_db
def test_session_page_for_delegates_only_says_so_and_has_no_stream_link(client):
    summit = build_summit()

    response = get(client, "en", "session", slug=summit.plenary.slug)

    text = text_of(response)
    assert "Delegates only" in text
    assert "tv.seoul.go.kr" not in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("lang", LANGS)
def test_unknown_session_gives_the_404_page(client, lang):
    build_summit()

    response = get(client, lang, "session", slug="no-such-session")

    assert response.status_code == 404
    html = response.content.decode()
    assert in_language(lang, "Page not found") in html
    assert f'<html lang="{lang}"' in html


@pytest.mark.django_db
def test_unpublished_session_and_other_events_sessions_are_not_found(client):
    summit = build_summit()
    Session.objects.filter(pk=summit.plenary.pk).update(is_published=False)
    old = EventFactory(slug="old", is_current=False)
    SessionFactory(event=old, slug="old-session")

    assert get(client, "en", "session", slug="plenary").status_code == 404
    assert get(client, "en", "session", slug="old-session").status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path",
    [
        "/en/sessions/bad%20slug!/",
        "/en/sessions/%00/",
        "/en/sessions/",
        "/en/programme/extra/",
        "/en/speakers/%E2%80%AE/",
        "/xx/programme/",
        "/en/sessions/keynote.ics/extra",
    ],
)
def test_malformed_urls_give_the_404_page(client, path):
    build_summit()

    response = client.get(path)

    assert response.status_code == 404
    lang = "en" if path.startswith("/en/") else "ko"
    assert in_language(lang, "Page not found") in response.content.decode()


@pytest.mark.django_db
def test_404_page_renders_without_a_current_event(client):
    response = client.get("/ko/sessions/anything/")

    assert response.status_code == 404
    html = response.content.decode()
    assert in_language("ko", "Page not found") in html
    assert 'href="/en/sessions/anything/" hreflang="en"' in html


# --- Speakers, exhibition, cities --------------------------------------------------------


@pytest.mark.django_db
def test_speakers_page_lists_speakers_with_anchor_country_and_sessions(client):
    summit = build_summit()
    SpeakerFactory(event=summit.event, slug="song", name_en="Song Jeong-hee", name_ko="송정희", country="KR")

    response = get(client, "en", "speakers")

    html = response.content.decode()
    text = text_of(response)
    assert 'id="darrell-m-west"' in html
    assert "Darrell M. West" in text
    assert "Brookings Institution" in text
    assert "Washington, United States of America" in text
    assert "Scholar of digital government." in text
    assert "Keynote speech · Keynote speaker" in text
    assert '<span class="avatar avatar-initials avatar-lg" aria-hidden="true">SJ</span>' in html


@pytest.mark.django_db
def test_speakers_page_in_korean_names_countries_in_korean(client):
    build_summit()

    text = text_of(get(client, "ko", "speakers"))

    assert "대럴 엠 웨스트" in text
    assert "미국" in text


@pytest.mark.django_db
def test_speakers_page_leaves_out_unpublished_sessions(client):
    summit = build_summit()
    Session.objects.filter(pk=summit.keynote.pk).update(is_published=False)

    text = text_of(get(client, "en", "speakers"))

    assert "Darrell M. West" in text
    assert "Keynote speech" not in text


@pytest.mark.django_db
def test_exhibition_page_shows_pavilions_companies_booths_and_hours(client):
    summit = build_summit()
    ExhibitorFactory(event=summit.event, name_en="Seoul u-City pavilion", kind=ExhibitorKind.PAVILION, booth="P1")
    ExhibitorFactory(
        event=summit.event, name_en="Samsung SDS", booth="A3", website="https://www.samsungsds.com/", slug="sds"
    )

    response = get(client, "en", "exhibition")

    html = response.content.decode()
    text = text_of(response)
    assert text.index("City pavilions") < text.index("Seoul u-City pavilion") < text.index("Companies")
    assert text.index("Companies") < text.index("Samsung SDS")
    assert "Booth A3" in text
    assert "Booth P1" in text
    assert '<span class="logo-placeholder" aria-hidden="true">Samsung SDS</span>' in html
    assert 'href="https://www.samsungsds.com/" rel="noopener"' in html
    assert "13:00–18:00" in text
    assert "September 8" in text


@pytest.mark.django_db
def test_cities_page_groups_by_role_with_countries_and_best_practice(client):
    summit = build_summit()
    ParticipatingCityFactory(event=summit.event, name_en="Seoul", name_ko="서울", country="KR", role=CityRole.CHAIR)
    ParticipatingCityFactory(
        event=summit.event, name_en="Barcelona", country="ES", role=CityRole.VICE_CHAIR, presents_best_practice=True
    )
    ParticipatingCityFactory(event=summit.event, name_en="Berlin", country="DE", presents_best_practice=True)
    ParticipatingCityFactory(event=summit.event, name_en="Hanoi", country="VN")

    text = text_of(get(client, "en", "cities"))

    assert "4 cities from 4 countries take part." in text
    chair, vice, members = text.index("Chair city"), text.index("Vice-chair city"), text.index("Member cities (2)")
    assert chair < text.index("Seoul South Korea") < vice < text.index("Barcelona Spain") < members
    assert members < text.index("Berlin Germany")
    assert members < text.index("Hanoi")
    assert "citizen participation: Barcelona Berlin" in text


@pytest.mark.django_db
def test_cities_page_in_korean(client):
    summit = build_summit()
    ParticipatingCityFactory(event=summit.event, name_en="Seoul", name_ko="서울", country="KR", role=CityRole.CHAIR)

    text = text_of(get(client, "ko", "cities"))

    assert "서울" in text
    assert "대한민국" in text


# --- About, venue, live -----------------------------------------------------------------


@pytest.mark.django_db
def test_about_page_tells_about_wego_and_the_sponsor(client):
    summit = build_summit()
    ParticipatingCityFactory.create_batch(3, event=summit.event)

    text = text_of(get(client, "en", "about"))

    assert "WeGO was proposed by Seoul." in text
    assert "Mayors of about 50 cities meet in Seoul." in text
    assert "officially sponsored by UNPOG" in text
    assert "3 cities, 1 countries" in text
    assert "9 sessions" in text


@pytest.mark.django_db
def test_about_page_in_korean(client):
    build_summit()

    text = text_of(get(client, "ko", "about"))

    assert "WeGO는 서울시가 제안했습니다." in text
    assert "유엔거버넌스센터(UNPOG)" in text


@pytest.mark.django_db
@pytest.mark.parametrize("lang", LANGS)
def test_venue_page_gives_address_directions_and_a_local_sketch(client, lang):
    build_summit()

    response = get(client, lang, "venue")

    html = response.content.decode()
    if lang == "ko":
        assert "서울 용산구 소월로 322" in html
        assert "6호선 이태원역에서" in html
    else:
        assert "322 Sowol-ro, Yongsan-gu, Seoul" in html
        assert "From Itaewon Station (Line 6)" in html
    assert '<svg viewBox="0 0 400 300" role="img"' in html
    assert "<iframe" not in html


@pytest.mark.django_db
def test_venue_page_without_a_sketch_shows_no_map_of_another_venue(client):
    summit = build_summit()
    Event.objects.filter(pk=summit.event.pk).update(venue_sketch="")

    response = get(client, "en", "venue")

    html = response.content.decode()
    assert "<svg" not in html
    assert "N Seoul Tower" not in html
    assert "From Itaewon Station (Line 6)" in html


@pytest.mark.django_db
def test_live_page_links_to_the_stream_and_lists_streamed_sessions(client):
    build_summit()

    response = get(client, "en", "live")

    html = response.content.decode()
    text = text_of(response)
    assert 'href="https://tv.seoul.go.kr/" rel="noopener"' in html
    assert "Watch on tv.seoul.go.kr" in text
    assert "Opening ceremony" in text
    assert "Keynote speech" in text
    assert "Plenary session" not in text
    assert "<iframe" not in html


@pytest.mark.django_db
def test_live_page_without_a_stream_address_says_it_comes_later(client):
    summit = build_summit()
    Event.objects.filter(pk=summit.event.pk).update(live_stream_url="")

    text = text_of(get(client, "en", "live"))

    assert "will be published here before the opening ceremony" in text
