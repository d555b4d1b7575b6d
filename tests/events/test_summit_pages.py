"""The 2010 summit as loaded by `manage.py load_summit`, read on the public pages in
Korean and English: every fact of docs/summit-facts.md is on the site."""

import html
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import translation

from tests.events.test_pages import get, text_of

pytestmark = pytest.mark.django_db

WORKSHOPS = {
    "workshop-u-city": ("Workshop: U-City", "워크숍: U-City"),
    "workshop-gis": ("Workshop: GIS", "워크숍: GIS"),
    "workshop-un-e-government-network": ("Workshop: UN e-Government network", "워크숍: UN 전자정부 네트워크"),
    "workshop-ccl-open-public-information": (
        "Workshop: applying CCL to open public information",
        "워크숍: 공공정보 개방에 따른 CCL 적용방안",
    ),
}
FACT_CITIES_EN = ["Barcelona", "Frankfurt", "San Francisco", "Berlin", "Moscow", "Hanoi", "Ulaanbaatar", "Seoul"]
FACT_CITIES_KO = ["바르셀로나", "프랑크푸르트", "샌프란시스코", "베를린", "모스크바", "하노이", "울란바타르", "서울"]


@pytest.fixture(autouse=True)
def summit():
    call_command("load_summit", stdout=StringIO())


def read(client, lang: str, name: str, **kwargs) -> str:
    """The page's text as a visitor reads it (entities decoded)."""
    response = get(client, lang, name, **kwargs)
    assert response.status_code == 200
    return html.unescape(text_of(response))


def assert_all_in(text: str, facts) -> None:
    missing = [fact for fact in facts if fact not in text]
    assert missing == []


# --- About ----------------------------------------------------------------------------------


def test_about_page_in_english_states_the_facts(client):
    text = read(client, "en", "about")

    assert_all_in(
        text,
        [
            "World e-Governments Organization of Cities and Local Governments (WeGO)",
            "first international IT organisation founded on the initiative of a city",
            "WeGO Founding General Assembly",
            "“e-Sharing for All”",
            "September 6–8, 2010",
            "Grand Hyatt Seoul",
            "about 50 cities",
            *FACT_CITIES_EN,
            "Professor Darrell M. West, Vice President of the Brookings Institution",
            "seven cities, among them Barcelona, Berlin and Frankfurt",
            "citizen participation",
            "U-City; GIS; the UN e-Government network; applying CCL to open public information",
            "Samsung SDS, LG CNS and KT",
            "u-City and GIS pavilions",
            "TV.seoul.go.kr",
            "electronic conference system with touchscreens",
            "World e-Government Mayors Forum in Seoul in 2008",
            "Seoul e-Government Declaration",
            "World CIO Forum in 2009",
            "“World IT Capital”",
            "About 680 people from 124 cities",
            "Informatization Planning Group, headed by Song Jeong-hee",
            "Seoul Metropolitan Government, Informatization Planning Group",
            "UN Project Office on Governance (UNPOG), part of UNDESA",
            "officially sponsored by UN Project Office on Governance (UNPOG)",
        ],
    )


def test_about_page_in_korean_states_the_facts(client):
    text = read(client, "ko", "about")

    assert_all_in(
        text,
        [
            "세계도시 전자정부 협의체(WeGO) 창립총회",
            "세계도시 전자정부의 나눔과 번영",
            "2010년 9월 6일~8일",
            "남산 그랜드 하얏트 서울",
            "50여 개 도시",
            *FACT_CITIES_KO,
            "브루킹스연구소 부소장 대럴 엠 웨스트 교수",
            "7개 도시가 시민참여를 주제로",
            "U-City, GIS, UN 전자정부 네트워크, 공공정보 개방에 따른 CCL 적용방안",
            "삼성SDS, LG CNS, KT 등 8개 기업",
            "u-City관과 GIS관",
            "서울시 인터넷방송(TV.seoul.go.kr)",
            "전자회의시스템과 터치스크린",
            "서울 전자정부 선언",
            "세계 IT 수도",
            "서울특별시 정보화기획단(단장 송정희)",
            "유엔거버넌스센터(UNPOG)",
        ],
    )


# --- Exhibition -----------------------------------------------------------------------------


def test_exhibition_page_in_english_shows_eight_companies_and_seouls_pavilions(client):
    text = read(client, "en", "exhibition")

    assert text.index("City pavilions") < text.index("Seoul u-City Pavilion") < text.index("Companies")
    assert text.index("Seoul GIS Pavilion") < text.index("Companies") < text.index("Samsung SDS")
    assert_all_in(text, ["Samsung SDS", "LG CNS", "KT", "One of the eight companies", "September 7", "September 8"])
    assert text.count("Booth C") == 8
    assert text.count("Booth S") == 2


def test_exhibition_page_in_korean_shows_eight_companies_and_seouls_pavilions(client):
    text = read(client, "ko", "exhibition")

    assert_all_in(
        text, ["서울시 u-City관", "서울시 GIS관", "삼성SDS", "LG CNS", "KT", "8개 기업", "9월 7일", "9월 8일"]
    )
    assert text.count("부스 C") == 8


# --- Cities ---------------------------------------------------------------------------------


def test_cities_page_in_english_lists_the_cities_and_the_best_practice_presenters(client):
    text = read(client, "en", "cities")

    assert "50 cities from 45 countries take part." in text
    best_practice = text[text.index("Best-practice presentations") : text.index("Chair city")]
    assert_all_in(best_practice, ["Barcelona", "Berlin", "Frankfurt"])
    assert len(best_practice.split(":", 1)[1].split()) == 8  # seven cities, "San Francisco" in two words
    assert_all_in(text, [f"{city} " for city in FACT_CITIES_EN])
    assert "Chair city Seoul South Korea" in text


def test_cities_page_in_korean_lists_the_cities(client):
    text = read(client, "ko", "cities")

    assert_all_in(text, FACT_CITIES_KO)
    assert "대한민국" in text


# --- Speakers -------------------------------------------------------------------------------


def test_speakers_page_in_english_presents_the_keynote_speaker_and_the_organiser(client):
    text = read(client, "en", "speakers")

    assert_all_in(
        text,
        [
            "Darrell M. West Vice President Brookings Institution Washington, United States of America",
            "Keynote speech: Professor Darrell M. West · Keynote speaker",
            "Song Jeong-hee Head, Informatization Planning Group Seoul Metropolitan Government",
        ],
    )


def test_speakers_page_in_korean_presents_the_keynote_speaker_and_the_organiser(client):
    text = read(client, "ko", "speakers")

    assert_all_in(text, ["대럴 엠 웨스트 부소장 브루킹스연구소 워싱턴, 미국", "송정희 정보화기획단장 서울특별시"])


# --- Sessions -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("lang", "facts"),
    [
        (
            "en",
            ["Keynote speech: Professor Darrell M. West", "Vice President, Brookings Institution", "TV.seoul.go.kr"],
        ),
        ("ko", ["기조연설: 대럴 엠 웨스트 교수", "부소장, 브루킹스연구소", "TV.seoul.go.kr"]),
    ],
)
def test_keynote_session_page_gives_the_speaker_and_the_live_stream(client, lang, facts):
    response = get(client, lang, "session", slug="keynote-darrell-m-west")

    assert_all_in(html.unescape(text_of(response)), facts)
    assert 'href="http://TV.seoul.go.kr" rel="noopener"' in response.content.decode()


@pytest.mark.parametrize("lang", ["en", "ko"])
@pytest.mark.parametrize("slug", list(WORKSHOPS))
def test_each_workshop_session_page_gives_its_title_and_welcomes_citizens(client, lang, slug):
    text = read(client, lang, "session", slug=slug)

    title = WORKSHOPS[slug][0 if lang == "en" else 1]
    assert title in text
    if lang == "en":
        assert "Open to citizens" in text
        assert "citizens and IT professionals are welcome to attend" in text
    else:
        assert "일반 시민과 IT 관계자도 참석" in text


@pytest.mark.parametrize(
    ("lang", "facts"),
    [
        (
            "en",
            [
                "election of the chair city and the vice-chair cities",
                "expected to be the first chair city",
                "selection of the next host city",
                "final adoption of the bylaws",
                "cooperation programmes and projects",
                "future development",
            ],
        ),
        ("ko", ["의장 도시 및 부의장 도시 선출", "차기 개최 도시 선정", "협의체 규약 최종 의결", "향후 발전 방안"]),
    ],
)
def test_plenary_session_page_gives_the_agenda(client, lang, facts):
    assert_all_in(read(client, lang, "session", slug="plenary-session"), facts)


@pytest.mark.parametrize(
    ("lang", "facts"),
    [
        ("en", ["seven cities, among them Barcelona, Berlin and Frankfurt", "citizen participation"]),
        ("ko", ["바르셀로나, 베를린, 프랑크푸르트 등 7개 도시", "시민참여"]),
    ],
)
def test_best_practice_session_page_names_the_seven_cities_theme(client, lang, facts):
    assert_all_in(read(client, lang, "session", slug="best-practices-citizen-participation"), facts)


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_programme_of_8_september_shows_the_four_workshops_side_by_side(client, lang):
    with translation.override(lang):
        url = reverse("events:programme")

    response = client.get(url, {"day": "2010-09-08"})

    text = html.unescape(text_of(response))
    assert_all_in(text, [titles[0 if lang == "en" else 1] for titles in WORKSHOPS.values()])
    assert '<section class="time-slot is-parallel"' in response.content.decode()
