"""The programme's admin forms: sessions with inline speakers, the current event, the
site's CSP, image uploads."""

import re
from io import BytesIO

import pytest
from django.urls import reverse
from PIL import Image

from events.models import Event, Session, SessionSpeaker, Speaker, SpeakerRole
from tests.events.admin_helpers import MODELS, admin_url, make_rows, session_form
from tests.events.test_images import SECRET, image_bytes, jpeg_with_exif_and_trailer, png_with_alpha, upload
from tests.factories import (
    EventFactory,
    RoomFactory,
    SessionFactory,
    SessionKindFactory,
    SessionSpeakerFactory,
    SpeakerFactory,
    seoul,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def event():
    return EventFactory(slug="wego-2010", name_en="WeGO General Assembly", name_ko="WeGO 창립총회")


# Sessions: add and change with inline speakers ---------------------------------------


def test_add_session_with_speakers_saves_both_languages(admin_client, event):
    kind = SessionKindFactory()
    room = RoomFactory(event=event)
    west = SpeakerFactory(event=event, name_en="Darrell M. West")
    kim = SpeakerFactory(event=event, name_en="Kim")

    response = admin_client.post(
        admin_url("session", "add"),
        session_form(event, kind, room, speakers=[(west, SpeakerRole.KEYNOTE, 0), (kim, SpeakerRole.MODERATOR, 1)]),
    )

    assert response.status_code == 302, response.context["adminform"].form.errors
    session = Session.objects.get(slug="workshop-1")
    assert session.title_ko == "워크숍 1: 시민 참여"
    assert session.title_en == "Workshop 1: Citizen participation"
    assert session.description_ko == "시민 참여 사례"
    assert session.description_en == "Cases of citizen participation"
    assert session.event.local(session.starts_at) == seoul(2010, 9, 8, 9, 30)
    assert [(a.speaker, a.role, a.position) for a in session.appearances.all()] == [
        (west, "keynote", 0),
        (kim, "moderator", 1),
    ]


def test_change_session_page_shows_both_languages_and_speakers(admin_client, event):
    session = SessionFactory(event=event, title_en="Plenary", title_ko="본회의")
    SessionSpeakerFactory(session=session, speaker=SpeakerFactory(event=event, name_en="Darrell M. West"))

    response = admin_client.get(admin_url("session", "change", session.pk))

    content = response.content.decode()
    assert 'name="title_ko"' in content
    assert 'name="title_en"' in content
    assert 'value="본회의"' in content
    assert 'value="Plenary"' in content
    assert "Darrell M. West" in content
    assert 'name="appearances-0-role"' in content
    assert 'name="appearances-0-position"' in content


def test_change_session_updates_speakers_inline(admin_client, event):
    session = SessionFactory(event=event, slug="workshop-1")
    appearance = SessionSpeakerFactory(session=session, role=SpeakerRole.PRESENTER)
    appearance.role = SpeakerRole.PANELLIST
    newcomer = SpeakerFactory(event=event)

    response = admin_client.post(
        admin_url("session", "change", session.pk),
        session_form(event, session.kind, session.room, existing=[appearance], speakers=[(newcomer, "moderator", 2)])
        | {"title_en": "Renamed"},
    )

    assert response.status_code == 302
    session.refresh_from_db()
    assert session.title_en == "Renamed"
    assert [(a.speaker, a.role) for a in session.appearances.all()] == [
        (appearance.speaker, "panellist"),
        (newcomer, "moderator"),
    ]


def test_session_speaker_from_another_event_is_a_form_error(admin_client, event):
    stranger = SpeakerFactory(event=EventFactory(slug="other", is_current=False))

    response = admin_client.post(
        admin_url("session", "add"), session_form(event, SessionKindFactory(), speakers=[(stranger, "presenter", 0)])
    )

    assert response.status_code == 200
    assert "This speaker belongs to another event." in response.content.decode()
    assert not Session.objects.exists()


def test_session_same_speaker_twice_is_a_form_error(admin_client, event):
    speaker = SpeakerFactory(event=event)

    response = admin_client.post(
        admin_url("session", "add"),
        session_form(event, SessionKindFactory(), speakers=[(speaker, "presenter", 0), (speaker, "moderator", 1)]),
    )

    assert response.status_code == 200
    assert not SessionSpeaker.objects.exists()
    assert "Please correct the duplicate" in response.content.decode()


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"ends_at_1": "09:00:00"}, "ends_at", "The session must end after it starts."),
        ({"booking_required": "on"}, "capacity", "Give the number of seats when seats must be booked."),
        ({"title_ko": "", "title_en": ""}, "title_ko", "This field is required."),
    ],
)
def test_session_form_errors_are_shown_on_the_field(admin_client, event, overrides, field, message):
    response = admin_client.post(admin_url("session", "add"), session_form(event, SessionKindFactory(), **overrides))

    assert response.status_code == 200
    assert response.context["adminform"].form.errors[field] == [message]
    assert not Session.objects.exists()


def test_session_room_of_another_event_is_a_form_error(admin_client, event):
    room = RoomFactory(event=EventFactory(slug="other", is_current=False))

    response = admin_client.post(admin_url("session", "add"), session_form(event, SessionKindFactory(), room))

    assert response.context["adminform"].form.errors["room"] == [
        f"Choose a room of {event.name}: this room belongs to another edition."
    ]


def test_session_capacity_below_booked_seats_is_a_form_error(admin_client, event):
    session = SessionFactory(event=event, slug="workshop-1", booking_required=True, capacity=10)
    Session.objects.filter(pk=session.pk).update(seats_booked=8)

    response = admin_client.post(
        admin_url("session", "change", session.pk),
        session_form(event, session.kind, session.room, booking_required="on", capacity="5"),
    )

    assert response.context["adminform"].form.errors["capacity"] == [
        "8 seats are already booked; the capacity cannot be lower."
    ]


# Events: which one is current --------------------------------------------------------


def event_form(**overrides):
    data = {
        "name_ko": "제2차 총회",
        "name_en": "Second General Assembly",
        "slug": "wego-2012",
        "start_date": "2012-09-04",
        "end_date": "2012-09-06",
        "time_zone": "Asia/Seoul",
        "venue_name_ko": "장소",
        "venue_name_en": "Venue",
    }
    return data | overrides


def test_event_change_page_has_fieldsets(admin_client, event):
    content = admin_client.get(admin_url("event", "change", event.pk)).content.decode()

    for legend in ["Dates", "Registration", "Venue", "Live stream"]:
        assert f">{legend}</" in content
    assert 'name="is_current"' in content
    assert 'name="registration_opens_at_0"' in content
    assert 'name="live_stream_url"' in content


def test_add_event_saves_both_languages(admin_client, event):
    response = admin_client.post(admin_url("event", "add"), event_form())

    assert response.status_code == 302
    added = Event.objects.get(slug="wego-2012")
    assert (added.name_ko, added.name_en, added.is_current) == ("제2차 총회", "Second General Assembly", False)


def test_second_current_event_is_a_form_error_not_a_server_error(admin_client, event):
    response = admin_client.post(admin_url("event", "add"), event_form(is_current="on"))

    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert errors["is_current"] == [
        "“WeGO General Assembly” is already the current edition. Only one can be current: "
        "untick “current edition” there first."
    ]
    assert list(Event.objects.current()) == [event]


def test_making_an_old_event_current_is_a_form_error(admin_client, event):
    old = EventFactory(slug="old", is_current=False)

    response = admin_client.post(admin_url("event", "change", old.pk), event_form(slug="old", is_current="on"))

    assert "is_current" in response.context["adminform"].form.errors
    old.refresh_from_db()
    assert old.is_current is False


def test_current_event_can_be_saved_again(admin_client, event):
    response = admin_client.post(
        admin_url("event", "change", event.pk), event_form(slug="wego-2010", is_current="on", name_en="Renamed")
    )

    assert response.status_code == 302
    event.refresh_from_db()
    assert (event.name_en, event.is_current) == ("Renamed", True)


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"end_date": "2012-09-01"}, "end_date"),
        (
            {
                "registration_opens_at_0": "2012-08-01",
                "registration_opens_at_1": "09:00",
                "registration_closes_at_0": "2012-07-01",
                "registration_closes_at_1": "09:00",
            },
            "registration_closes_at",
        ),
    ],
)
def test_event_dates_out_of_order_are_form_errors(admin_client, event, overrides, field):
    response = admin_client.post(admin_url("event", "add"), event_form(**overrides))

    assert response.status_code == 200
    assert field in response.context["adminform"].form.errors
    assert not Event.objects.filter(slug="wego-2012").exists()


# Pages work under the site's CSP and load nothing from another host ------------------


PAGES = [(model, "changelist") for model in MODELS] + [(model, "add") for model in MODELS]


@pytest.mark.parametrize(("model", "action"), PAGES)
def test_admin_pages_have_no_inline_code_and_nothing_from_other_hosts(admin_client, event, model, action):
    make_rows(event, 1)

    response = admin_client.get(admin_url(model, action))

    content = response.content.decode()
    assert "script-src 'self'" in response["Content-Security-Policy"]
    assert "style=" not in content
    assert "<style" not in content
    for tag in re.findall(r"<script\b[^>]*>", content):
        assert "src=" in tag or 'type="application/json"' in tag, tag
    for address in re.findall(r'(?:src|href)="([^"]*)"', content):
        assert not re.match(r"^(https?:)?//", address), address


# Image uploads through the admin -----------------------------------------------------


def speaker_form(event, photo, **overrides):
    data = {
        "event": event.pk,
        "name_ko": "김철수",
        "name_en": "Kim Chul-soo",
        "slug": "kim",
        "country": "KR",
        "photo": photo,
    }
    return data | overrides


def exhibitor_form(event, logo):
    return {
        "event": event.pk,
        "name_ko": "서울 u-City 관",
        "name_en": "Seoul u-City pavilion",
        "slug": "u-city",
        "kind": "pavilion",
        "position": "0",
        "logo": logo,
    }


def stored_bytes(field_file) -> bytes:
    with field_file.open("rb") as f:
        return f.read()


def test_admin_photo_upload_is_reencoded_under_a_random_name(admin_client, event):
    original = jpeg_with_exif_and_trailer(size=(120, 80))

    response = admin_client.post(
        admin_url("speaker", "add"), speaker_form(event, upload(original, name="kim-passport-photo.jpg"))
    )

    assert response.status_code == 302
    photo = Speaker.objects.get(slug="kim").photo
    assert re.fullmatch(r"speakers/[0-9a-f]{32}\.jpg", photo.name)
    assert "passport" not in photo.name
    data = stored_bytes(photo)
    assert data != original
    assert SECRET not in data
    assert b"Secret Photographer" not in data
    stored = Image.open(BytesIO(data))
    stored.load()
    assert stored.format == "JPEG"
    assert stored.size == (80, 120)  # EXIF orientation applied, then dropped
    assert dict(stored.getexif()) == {}


def test_admin_logo_upload_keeps_transparency_under_a_random_name(admin_client, event):
    original = png_with_alpha()

    response = admin_client.post(
        admin_url("exhibitor", "add"), exhibitor_form(event, upload(original, "samsung.png", "image/png"))
    )

    assert response.status_code == 302
    logo = event.exhibitors.get().logo
    assert re.fullmatch(r"logos/[0-9a-f]{32}\.png", logo.name)
    assert "samsung" not in logo.name
    data = stored_bytes(logo)
    assert data != original
    assert Image.open(BytesIO(data)).mode == "RGBA"


@pytest.mark.parametrize(
    ("content", "name"),
    [
        pytest.param(b"I am only text, pretending.\n" * 20, "photo.png", id="text-renamed-png"),
        pytest.param(image_bytes("JPEG", size=(300, 300))[:500], "photo.jpg", id="truncated-jpeg"),
    ],
)
def test_admin_broken_upload_is_a_form_error(admin_client, event, content, name):
    response = admin_client.post(admin_url("speaker", "add"), speaker_form(event, upload(content, name)))

    assert response.status_code == 200
    assert response.context["adminform"].form.errors["photo"] == [
        "This file is not an image we can read. Upload a JPEG, PNG, GIF or WebP picture."
    ]
    assert not Speaker.objects.exists()


def test_admin_image_over_pixel_cap_is_a_form_error(admin_client, event, settings):
    settings.IMAGE_MAX_PIXELS = 10_000

    response = admin_client.post(
        admin_url("exhibitor", "add"), exhibitor_form(event, upload(image_bytes("PNG", size=(200, 100)), "big.png"))
    )

    assert response.status_code == 200
    assert response.context["adminform"].form.errors["logo"] == [
        "This image is too large (200 × 100 pixels). Upload one of at most 10,000 pixels (width × height)."
    ]
    assert not event.exhibitors.exists()


def test_admin_change_without_new_photo_keeps_the_stored_one(admin_client, event):
    admin_client.post(admin_url("speaker", "add"), speaker_form(event, upload(image_bytes(), "a.jpg")))
    speaker = Speaker.objects.get(slug="kim")
    name = speaker.photo.name

    response = admin_client.post(admin_url("speaker", "change", speaker.pk), speaker_form(event, "", name_en="Kim C."))

    assert response.status_code == 302
    speaker.refresh_from_db()
    assert (speaker.name_en, speaker.photo.name) == ("Kim C.", name)


def test_make_current_action_switches_the_current_edition(admin_client):
    old = EventFactory(slug="wego-2010", is_current=True)
    new = EventFactory(slug="wego-2012", is_current=False)

    response = admin_client.post(
        reverse("admin:events_event_changelist"),
        {"action": "make_current", "_selected_action": [new.pk]},
        follow=True,
    )

    old.refresh_from_db()
    new.refresh_from_db()
    assert (old.is_current, new.is_current) == (False, True)
    assert "current edition" in response.content.decode() or "현재" in response.content.decode()
