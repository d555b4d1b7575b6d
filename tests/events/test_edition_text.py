"""What the pages say about an edition comes from its Event, not from a template:
the 2010 summit reads as before (Founding General Assembly, Seoul time, Seoul's
internet broadcasting service, the Namsan sketch), and another edition in another
city does not mention Seoul at all."""

import re
from datetime import date
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command
from django.urls import reverse
from django.utils import translation

from events.models import Event, VenueSketch
from tests.events.test_pages import get, in_language, text_of
from tests.factories import EventFactory, RoomFactory, SessionFactory, seoul

LANGS = ["ko", "en"]
SEOUL_NAMES = re.compile("Seoul|서울")


@pytest.fixture
def summit(db) -> Event:
    call_command("load_summit", stdout=StringIO())
    return Event.objects.get(slug="wego-2010")


def say(lang: str, message: str, **params) -> str:
    """An interface message as the page shows it in `lang`, placeholders filled."""
    return in_language(lang, message) % params


# --- The 2010 summit reads as before -----------------------------------------------------


def test_summit_names_its_edition_city_stream_service_and_sketch(summit):
    assert (summit.edition_en, summit.edition_ko) == ("Founding General Assembly", "창립총회")
    assert (summit.city_en, summit.city_ko) == ("Seoul", "서울")
    assert summit.live_stream_provider_en == "Seoul’s internet broadcasting service"
    assert summit.live_stream_provider_ko == "서울시 인터넷 방송"
    assert summit.data_attribution == "WeGO / Seoul Metropolitan Government"
    assert summit.venue_sketch == VenueSketch.NAMSAN


@pytest.mark.parametrize(("lang", "edition"), [("ko", "창립총회"), ("en", "Founding General Assembly")])
def test_summit_home_page_names_the_founding_general_assembly(client, summit, lang, edition):
    html = get(client, lang, "home").content.decode()

    assert f'<p class="hero-kicker">{edition}</p>' in html


@pytest.mark.parametrize(("lang", "city"), [("ko", "서울"), ("en", "Seoul")])
def test_summit_programme_gives_times_as_local_time_in_seoul(client, summit, lang, city):
    text = text_of(get(client, lang, "programme"))

    assert say(lang, "All times are local time in %(city)s (%(tz)s).", city=city, tz="Asia/Seoul") in text


def test_summit_programme_in_english_reads_as_before(client, summit):
    assert "All times are local time in Seoul (Asia/Seoul)." in text_of(get(client, "en", "programme"))


@pytest.mark.parametrize(("lang", "city"), [("ko", "서울"), ("en", "Seoul")])
def test_summit_session_page_gives_seoul_time(client, summit, lang, city):
    text = text_of(get(client, lang, "session", slug="opening-ceremony"))

    assert say(lang, "%(city)s time (%(tz)s)", city=city, tz="Asia/Seoul") in text
    if lang == "en":
        assert "09:30–10:20 Seoul time (Asia/Seoul)" in text


@pytest.mark.parametrize(("lang", "city"), [("ko", "서울"), ("en", "Seoul")])
def test_summit_home_during_the_event_gives_seoul_time_now(client, summit, lang, city):
    with time_machine.travel(seoul(2010, 9, 7, 9, 45), tick=False):
        text = text_of(get(client, lang, "home"))

    assert say(lang, "%(city)s time now: %(time)s", city=city, time="09:45") in text


@pytest.mark.parametrize(
    ("lang", "provider"), [("ko", "서울시 인터넷 방송"), ("en", "Seoul’s internet broadcasting service")]
)
def test_summit_live_page_names_seouls_internet_broadcasting_service(client, summit, lang, provider):
    text = text_of(get(client, lang, "live"))

    message = "The opening ceremony is streamed live on %(provider)s, %(host)s."
    assert say(lang, message, provider=provider, host="tv.seoul.go.kr") in text


def test_summit_live_page_in_english_reads_as_before(client, summit):
    text = text_of(get(client, "en", "live"))

    assert "The opening ceremony is streamed live on Seoul’s internet broadcasting service, tv.seoul.go.kr." in text
    assert "The link opens tv.seoul.go.kr. We do not embed its player here" in text


@pytest.mark.parametrize("lang", LANGS)
def test_summit_venue_page_shows_the_namsan_sketch(client, summit, lang):
    html = get(client, lang, "venue").content.decode()

    assert '<svg viewBox="0 0 400 300" role="img"' in html
    assert in_language(lang, "N Seoul Tower") in html


def test_summit_open_data_credits_wego_and_seoul(client, summit):
    data = client.get(reverse("events:programme_json")).json()

    assert data["licence"]["attribution"] == "WeGO / Seoul Metropolitan Government"


# --- Another edition, in another city ----------------------------------------------------


def tallinn_assembly() -> Event:
    """The next General Assembly, held somewhere else, with a stream and a session."""
    event = EventFactory(
        slug="wego-2012",
        name_en="WeGO 2nd General Assembly",
        name_ko="WeGO 제2차 총회",
        edition_en="Second General Assembly",
        edition_ko="제2차 총회",
        city_en="Tallinn",
        city_ko="탈린",
        time_zone="Europe/Tallinn",
        start_date=date(2012, 10, 1),
        end_date=date(2012, 10, 2),
        venue_name_en="Kultuurikatel",
        venue_name_ko="쿨투리카텔",
        live_stream_url="https://stream.example.ee/",
        live_stream_provider_en="Estonian Public Broadcasting",
        live_stream_provider_ko="에스토니아 공영방송",
        theme_en="Open cities",
        theme_ko="열린 도시",
    )
    room = RoomFactory(event=event, name_en="Main hall", name_ko="대강당")
    SessionFactory(
        event=event,
        room=room,
        slug="opening",
        title_en="Opening",
        title_ko="개막",
        starts_at=seoul(2012, 10, 1, 16, 0),
        ends_at=seoul(2012, 10, 1, 17, 0),
        is_streamed=True,
    )
    return event


def page(client, lang: str, name: str, **kwargs) -> str:
    response = get(client, lang, name, **kwargs)
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize(
    ("name", "kwargs"),
    [
        ("home", {}),
        ("programme", {}),
        ("session", {"slug": "opening"}),
        ("live", {}),
        ("venue", {}),
        ("about", {}),
        ("speakers", {}),
        ("exhibition", {}),
        ("cities", {}),
    ],
)
def test_another_edition_never_mentions_seoul(client, lang, name, kwargs):
    tallinn_assembly()

    html = page(client, lang, name, **kwargs)

    assert SEOUL_NAMES.findall(html) == []


@pytest.mark.django_db
def test_another_edition_speaks_of_its_own_city_edition_and_stream(client):
    tallinn_assembly()

    home = text_of(get(client, "en", "home"))
    programme = text_of(get(client, "en", "programme"))
    session = text_of(get(client, "en", "session", slug="opening"))
    live = text_of(get(client, "en", "live"))

    assert "Second General Assembly" in home
    assert "All times are local time in Tallinn (Europe/Tallinn)." in programme
    assert "10:00–11:00 Tallinn time (Europe/Tallinn)" in session
    assert "streamed live on Estonian Public Broadcasting, stream.example.ee." in live
    assert "<svg" not in page(client, "en", "venue")
    assert "Founding General Assembly" not in page(client, "en", "home")


@pytest.mark.django_db
def test_another_edition_home_during_the_event_gives_its_local_time(client):
    tallinn_assembly()

    with time_machine.travel(seoul(2012, 10, 1, 16, 30), tick=False):
        text = text_of(get(client, "en", "home"))

    assert "Tallinn time now: 10:30" in text


@pytest.mark.django_db
def test_an_edition_without_city_or_stream_service_says_local_time_and_the_host(client):
    event = tallinn_assembly()
    Event.objects.filter(pk=event.pk).update(
        city="", city_en="", city_ko="", live_stream_provider="", live_stream_provider_en="", live_stream_provider_ko=""
    )

    programme = text_of(get(client, "en", "programme"))
    session = text_of(get(client, "en", "session", slug="opening"))
    live = text_of(get(client, "en", "live"))
    with time_machine.travel(seoul(2012, 10, 1, 16, 30), tick=False):
        home = text_of(get(client, "en", "home"))

    assert "All times are local time (Europe/Tallinn)." in programme
    assert "10:00–11:00 local time (Europe/Tallinn)" in session
    assert "The opening ceremony is streamed live on stream.example.ee." in live
    assert "Local time now: 10:30" in home


@pytest.mark.django_db
def test_an_edition_without_an_edition_name_shows_no_kicker(client):
    event = tallinn_assembly()
    Event.objects.filter(pk=event.pk).update(edition="", edition_en="", edition_ko="")

    assert "hero-kicker" not in page(client, "en", "home")


def test_venue_sketch_template_exists_for_every_choice():
    from django.template.loader import get_template

    for value in VenueSketch.values:
        assert get_template(Event(venue_sketch=value).venue_sketch_template)
    assert Event(venue_sketch="").venue_sketch_template == ""


def test_reading_the_edition_falls_back_to_the_other_language(db):
    event = EventFactory(edition_en="Second General Assembly", edition_ko="")

    with translation.override("ko"):
        assert Event.objects.get(pk=event.pk).edition == "Second General Assembly"
