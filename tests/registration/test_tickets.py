"""registration.tickets: the QR code holds the ticket secret and nothing else;
the printable ticket never fails for want of a font; the .ics of booked sessions."""

import io
import xml.etree.ElementTree as ET
from datetime import datetime
from zoneinfo import ZoneInfo

import icalendar
import pytest
import segno
from django.conf import settings
from django.utils import translation
from PIL import Image

from events.calendar import session_uid
from registration import services, tickets
from tests.factories import EventFactory, PersonFactory, RoomFactory, SessionFactory, WorkshopFactory, seoul

pytestmark = pytest.mark.django_db

SEOUL = ZoneInfo("Asia/Seoul")
SVG = "{http://www.w3.org/2000/svg}"


def qr_matrix(payload: str) -> list[tuple[bool, ...]]:
    """The modules of the QR code a scanner would read as `payload`."""
    return [tuple(bool(module) for module in row) for row in segno.make(payload, error="m", micro=False).matrix]


def png_matrix(png: bytes, *, scale: int = 8, border: int = 4) -> list[tuple[bool, ...]]:
    """Read the modules back out of a QR code PNG (the centre pixel of each)."""
    image = Image.open(io.BytesIO(png)).convert("L")
    size = image.width // scale - 2 * border
    centre = scale // 2
    return [
        tuple(image.getpixel(((border + x) * scale + centre, (border + y) * scale + centre)) < 128 for x in range(size))
        for y in range(size)
    ]


@pytest.fixture
def event():
    return EventFactory(slug="wego-2010", name_en="WeGO General Assembly", name_ko="WeGO 창립총회")


@pytest.fixture
def workshop(event):
    return WorkshopFactory(
        event=event,
        slug="workshop-2",
        title_en="Workshop 2: Open data",
        title_ko="워크숍 2: 공공 데이터 개방",
        room=RoomFactory(event=event, name_en="Room A", name_ko="A실"),
        starts_at=seoul(2010, 9, 8, 14, 0),
        ends_at=seoul(2010, 9, 8, 17, 30),
        capacity=1,
    )


def register(event, sessions=(), **person):
    details = PersonFactory(**person)
    return services.register(event=event, person=details, session_ids=[s.pk for s in sessions]).registration


@pytest.fixture
def registration(event, workshop):
    return register(event, [workshop], name="José Kim", email="jose.kim@example.org", organisation="Seoul City")


# QR code ------------------------------------------------------------------------


def test_qr_png_holds_the_ticket_secret_and_nothing_else(registration):
    matrix = png_matrix(tickets.qr_png(registration, scale=8))

    assert matrix == qr_matrix(registration.ticket_secret)
    assert matrix != qr_matrix(registration.code)
    assert matrix != qr_matrix(f"{registration.ticket_secret}|{registration.code}")


def test_ticket_secret_is_random_and_free_of_personal_data(event):
    first = register(event, name="김민준", email="minjun@example.org")
    second = register(event, name="김민준", email="minjun2@example.org")

    assert first.ticket_secret != second.ticket_secret
    assert len(first.ticket_secret) >= 22  # 128+ bits in URL-safe base64
    for secret in (first.ticket_secret, second.ticket_secret):
        assert first.code not in secret
        assert "minjun" not in secret.lower()
        assert str(first.pk) != secret
    assert first.ticket_secret != first.manage_secret


def test_qr_svg_is_accessible_markup_of_the_secret_alone(registration):
    svg = tickets.qr_svg(registration, title="Your ticket")

    root = ET.fromstring(svg.replace("<svg ", '<svg xmlns="http://www.w3.org/2000/svg" ', 1))  # noqa: S314 (our own markup)
    assert root.get("role") == "img"
    assert root.get("class") == "ticket-qr"
    assert root.get("viewBox") is not None
    assert root.find(f"{SVG}title").text == "Your ticket"
    assert "style" not in svg
    assert "<script" not in svg
    expected = segno.make(registration.ticket_secret, error="m", micro=False).svg_inline(
        scale=1, border=4, dark="#000", light="#fff", omitsize=True, svgclass="ticket-qr", title="Your ticket"
    )
    assert svg == expected.replace("<svg ", '<svg role="img" ', 1)


def test_qr_svg_title_is_translated_and_escaped(registration):
    with translation.override("en"):
        assert "<title>QR code of your ticket</title>" in tickets.qr_svg(registration)
    svg = tickets.qr_svg(registration, title='<b onclick="x">')
    assert "<b " not in svg
    assert "&lt;b" in svg


# Printable ticket ---------------------------------------------------------------


@pytest.fixture
def _clear_font_cache():
    tickets._fonts.cache_clear()
    yield
    tickets._fonts.cache_clear()


def test_ticket_png_is_a_printable_image(registration):
    with translation.override("ko"):
        png = tickets.ticket_png(registration)

    image = Image.open(io.BytesIO(png))
    assert image.format == "PNG"
    assert image.width == tickets.TICKET_WIDTH
    assert 1000 < image.height < 1600


@pytest.mark.usefixtures("_clear_font_cache")
def test_ticket_png_without_any_installed_font_still_draws(event, monkeypatch):
    monkeypatch.setattr(tickets, "FONT_FILES", {"regular": ["/nonexistent.ttf"], "bold": ["/nonexistent-bold.ttf"]})
    person = register(event, name="김민준", organisation="서울특별시", language="ko")

    with translation.override("ko"):
        png = tickets.ticket_png(person)

    assert Image.open(io.BytesIO(png)).format == "PNG"
    # Hangul cannot be drawn with Pillow's own font: left out, never drawn as boxes.
    assert tickets._drawable(["김민준"], weight="regular", size=20) == (None, None)
    text, _font = tickets._drawable(["김민준 총회", "General Assembly"], weight="regular", size=20)
    assert text == "General Assembly"


@pytest.mark.usefixtures("_clear_font_cache")
def test_ticket_png_leaves_out_right_to_left_text_without_a_layout_engine(event, monkeypatch):
    monkeypatch.setattr(tickets.features, "check", lambda feature: False)
    person = register(event, name="محمد علي")

    png = tickets.ticket_png(person)

    assert Image.open(io.BytesIO(png)).format == "PNG"
    assert tickets._drawable(["محمد علي"], weight="bold", size=20) == (None, None)


# Calendar -----------------------------------------------------------------------


def test_sessions_ics_lists_the_booked_workshop_in_seoul_time(registration, workshop):
    SessionFactory(event=workshop.event, slug="opening")  # not booked: not in the file

    with translation.override("en"):
        calendar = icalendar.Calendar.from_ical(tickets.sessions_ics(registration))

    assert [tz["TZID"] for tz in calendar.walk("VTIMEZONE")] == ["Asia/Seoul"]
    assert calendar.get_missing_tzids() == set()
    [vevent] = calendar.walk("VEVENT")
    assert str(vevent["UID"]) == session_uid(workshop) == "wego-2010.workshop-2@wego2010.we-gov.org"
    assert str(vevent["SUMMARY"]) == "Workshop 2: Open data"
    assert vevent["DTSTART"].params["TZID"] == "Asia/Seoul"
    assert vevent["DTSTART"].dt == datetime(2010, 9, 8, 14, 0, tzinfo=SEOUL)
    assert vevent["DTEND"].dt == datetime(2010, 9, 8, 17, 30, tzinfo=SEOUL)
    assert str(vevent["LOCATION"]).startswith("Room A, ")
    assert registration.code in str(vevent["DESCRIPTION"])
    with translation.override("en"):
        assert str(vevent["URL"]) == settings.SITE_URL + workshop.get_absolute_url()


def test_sessions_ics_speaks_the_active_language_and_keeps_its_uid(registration, workshop):
    with translation.override("ko"):
        calendar = icalendar.Calendar.from_ical(tickets.sessions_ics(registration))

    [vevent] = calendar.walk("VEVENT")
    assert str(vevent["SUMMARY"]) == "워크숍 2: 공공 데이터 개방"
    assert str(vevent["UID"]) == session_uid(workshop)


def test_sessions_ics_leaves_out_waiting_list_places_and_private_links(event, workshop, registration):
    waiting = register(event, [workshop], email="second@example.org")  # the one seat is taken

    content = tickets.sessions_ics(waiting)

    assert icalendar.Calendar.from_ical(content).walk("VEVENT") == []
    assert waiting.manage_secret.encode() not in content
    assert registration.manage_secret.encode() not in tickets.sessions_ics(registration)
