"""Preparing the next edition in the admin while 2010 is current
(events/admin_editions.py): times typed and shown in the edition's own time
zone, the zone said next to the fields, a change of edition (hence of zone)
before saving caught, and only the edition's rooms offered."""

import re
from datetime import UTC, date, datetime

import pytest
from django.urls import reverse
from django.utils import translation

from events.models import Event, Session
from tests.events.admin_helpers import admin_url, session_form
from tests.factories import EventFactory, RoomFactory, SessionFactory, SessionKindFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def seoul_2010():
    return EventFactory(slug="wego-2010", name_en="WeGO 2010", is_current=True)


@pytest.fixture
def madrid_2012(seoul_2010):
    """The next edition, being prepared: not current, in Madrid (UTC+2 in June)."""
    return EventFactory(
        slug="wego-2012",
        name_en="WeGO 2012",
        is_current=False,
        time_zone="Europe/Madrid",
        start_date=date(2012, 6, 12),
        end_date=date(2012, 6, 14),
    )


def madrid_session_form(event, room=None, **overrides):
    return session_form(
        event,
        SessionKindFactory(),
        room,
        starts_at_0="2012-06-12",
        starts_at_1="10:00:00",
        ends_at_0="2012-06-12",
        ends_at_1="11:30:00",
        **overrides,
    )


def value_of(html: str, name: str) -> str:
    return re.search(rf'name="{name}"[^>]*value="([^"]*)"|value="([^"]*)"[^>]*name="{name}"', html).group(1)


def room_choices(html: str) -> list[str]:
    select = re.search(r'<select name="room".*?</select>', html, re.S).group(0)
    return re.findall(r'<option value="\d+"[^>]*>([^<]*)</option>', select)


# Times in the edition's zone -------------------------------------------------------------------


def test_a_time_typed_for_a_madrid_edition_is_madrid_time(admin_client, madrid_2012):
    response = admin_client.post(
        admin_url("session", "add"), madrid_session_form(madrid_2012, shown_time_zone="Europe/Madrid")
    )

    assert response.status_code == 302, response.context["adminform"].form.errors
    session = Session.objects.get(slug="workshop-1")
    assert session.starts_at == datetime(2012, 6, 12, 8, 0, tzinfo=UTC)  # 10:00 in Madrid, summer time
    assert session.ends_at == datetime(2012, 6, 12, 9, 30, tzinfo=UTC)


def test_the_change_page_shows_the_time_back_in_madrid_time_and_names_the_zone(admin_client, madrid_2012):
    session = SessionFactory(
        event=madrid_2012,
        starts_at=datetime(2012, 6, 12, 8, 0, tzinfo=UTC),
        ends_at=datetime(2012, 6, 12, 9, 30, tzinfo=UTC),
    )

    html = admin_client.get(admin_url("session", "change", session.pk)).content.decode()

    assert value_of(html, "starts_at_0") == "2012-06-12"
    assert value_of(html, "starts_at_1") == "10:00:00"
    assert value_of(html, "ends_at_1") == "11:30:00"
    assert "Time in Europe/Madrid, the edition's time zone." in html
    assert value_of(html, "shown_time_zone") == "Europe/Madrid"


def test_a_seoul_session_stays_in_seoul_time(admin_client, seoul_2010):
    session = SessionFactory(
        event=seoul_2010,
        starts_at=datetime(2010, 9, 8, 0, 30, tzinfo=UTC),
        ends_at=datetime(2010, 9, 8, 3, 0, tzinfo=UTC),
    )

    html = admin_client.get(admin_url("session", "change", session.pk)).content.decode()

    assert value_of(html, "starts_at_1") == "09:30:00"
    assert "Time in Asia/Seoul, the edition's time zone." in html


def test_the_add_page_for_an_edition_says_its_zone_and_preselects_it(admin_client, madrid_2012):
    html = admin_client.get(admin_url("session", "add") + f"?event={madrid_2012.pk}").content.decode()

    assert "Time in Europe/Madrid, the edition's time zone." in html
    assert re.search(rf'<option value="{madrid_2012.pk}" selected>', html)


def test_the_add_page_without_an_edition_is_for_the_current_one(admin_client, seoul_2010, madrid_2012):
    html = admin_client.get(admin_url("session", "add")).content.decode()

    assert "Time in Asia/Seoul, the edition's time zone." in html
    assert re.search(rf'<option value="{seoul_2010.pk}" selected>', html)


def test_choosing_an_edition_in_another_zone_asks_to_check_the_times(admin_client, madrid_2012):
    # The page was shown for the current edition (Seoul); Madrid chosen before saving.
    data = madrid_session_form(madrid_2012, shown_time_zone="Asia/Seoul")

    response = admin_client.post(admin_url("session", "add"), data)

    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert "this time is read as Europe/Madrid time" in errors["starts_at"][0]
    assert "it was Asia/Seoul" in errors["starts_at"][0]
    assert not Session.objects.exists()
    html = response.content.decode()
    assert value_of(html, "shown_time_zone") == "Europe/Madrid"

    # Saved again as it is now shown: the times are Madrid time.
    response = admin_client.post(admin_url("session", "add"), data | {"shown_time_zone": "Europe/Madrid"})

    assert response.status_code == 302
    assert Session.objects.get().starts_at == datetime(2012, 6, 12, 8, 0, tzinfo=UTC)


def test_registration_opening_is_typed_in_the_events_zone(admin_client, madrid_2012):
    from tests.events.test_admin_forms import event_form

    data = event_form(
        slug="wego-2012",
        time_zone="Europe/Madrid",
        start_date="2012-06-12",
        end_date="2012-06-14",
        registration_opens_at_0="2012-03-01",
        registration_opens_at_1="09:00:00",
        shown_time_zone="Europe/Madrid",
    )
    response = admin_client.post(admin_url("event", "change", madrid_2012.pk), data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    madrid_2012.refresh_from_db()
    assert madrid_2012.registration_opens_at == datetime(2012, 3, 1, 8, 0, tzinfo=UTC)  # winter: UTC+1
    html = admin_client.get(admin_url("event", "change", madrid_2012.pk)).content.decode()
    assert value_of(html, "registration_opens_at_1") == "09:00:00"
    assert "Time in Europe/Madrid, the edition's time zone." in html


def test_changing_an_events_zone_with_times_filled_in_asks_to_check_them(admin_client, madrid_2012):
    from tests.events.test_admin_forms import event_form

    data = event_form(
        slug="wego-2012",
        time_zone="Europe/Lisbon",
        start_date="2012-06-12",
        end_date="2012-06-14",
        registration_opens_at_0="2012-03-01",
        registration_opens_at_1="09:00:00",
        shown_time_zone="Europe/Madrid",
    )

    response = admin_client.post(admin_url("event", "change", madrid_2012.pk), data)

    assert response.status_code == 200
    assert "read as Europe/Lisbon time" in response.context["adminform"].form.errors["registration_opens_at"][0]
    assert Event.objects.get(pk=madrid_2012.pk).time_zone == "Europe/Madrid"


def test_a_new_event_reads_its_times_in_the_zone_chosen_for_it(admin_client, seoul_2010):
    from tests.events.test_admin_forms import event_form

    # The add page shows the default zone (Asia/Seoul); Madrid is chosen in the form.
    data = event_form(
        time_zone="Europe/Madrid",
        registration_opens_at_0="2012-03-01",
        registration_opens_at_1="09:00:00",
        shown_time_zone="Asia/Seoul",
    )

    first = admin_client.post(admin_url("event", "add"), data)
    assert first.status_code == 200
    assert "read as Europe/Madrid time" in first.context["adminform"].form.errors["registration_opens_at"][0]
    response = admin_client.post(admin_url("event", "add"), data | {"shown_time_zone": "Europe/Madrid"})

    assert response.status_code == 302, response.context["adminform"].form.errors
    assert Event.objects.get(slug="wego-2012").registration_opens_at == datetime(2012, 3, 1, 8, 0, tzinfo=UTC)


def test_the_madrid_edition_in_korean_still_says_madrid_time(admin_client, madrid_2012):
    session = SessionFactory(
        event=madrid_2012,
        starts_at=datetime(2012, 6, 12, 8, 0, tzinfo=UTC),
        ends_at=datetime(2012, 6, 12, 9, 30, tzinfo=UTC),
    )

    html = admin_client.get(admin_url("session", "change", session.pk, lang="ko")).content.decode()

    assert value_of(html, "starts_at_1") == "10:00:00"
    assert "Europe/Madrid 시각(이 행사의 시간대)." in html


# Rooms of the edition --------------------------------------------------------------------------


def test_a_sessions_form_offers_only_its_editions_rooms(admin_client, seoul_2010, madrid_2012):
    RoomFactory(event=seoul_2010, name_en="Grand Ballroom")
    sala = RoomFactory(event=madrid_2012, name_en="Sala Madrid")
    session = SessionFactory(
        event=madrid_2012,
        room=sala,
        starts_at=datetime(2012, 6, 12, 8, tzinfo=UTC),
        ends_at=datetime(2012, 6, 12, 9, tzinfo=UTC),
    )

    change = admin_client.get(admin_url("session", "change", session.pk)).content.decode()
    add = admin_client.get(admin_url("session", "add")).content.decode()

    assert room_choices(change) == ["Sala Madrid"]
    assert room_choices(add) == ["Grand Ballroom"]  # the current edition's


def test_a_room_of_another_edition_is_refused_next_to_the_field(admin_client, seoul_2010, madrid_2012):
    seoul_room = RoomFactory(event=seoul_2010, name_en="Grand Ballroom")

    data = madrid_session_form(madrid_2012, seoul_room, shown_time_zone="Europe/Madrid")
    response = admin_client.post(admin_url("session", "add"), data)

    assert response.context["adminform"].form.errors["room"] == [
        "Choose a room of WeGO 2012: this room belongs to another edition."
    ]
    assert not Session.objects.exists()


def test_a_checkpoints_form_offers_only_its_editions_rooms(admin_client, seoul_2010, madrid_2012):
    RoomFactory(event=seoul_2010, name_en="Grand Ballroom")
    RoomFactory(event=madrid_2012, name_en="Sala Madrid")

    with translation.override("en"):
        address = reverse("admin:registration_checkpoint_add")
    html = admin_client.get(f"{address}?event={madrid_2012.pk}").content.decode()

    assert room_choices(html) == ["Sala Madrid"]


def test_lists_say_which_edition_a_row_belongs_to(admin_client, seoul_2010, madrid_2012):
    SessionFactory(
        event=madrid_2012,
        title_en="Apertura",
        starts_at=datetime(2012, 6, 12, 8, tzinfo=UTC),
        ends_at=datetime(2012, 6, 12, 9, tzinfo=UTC),
    )
    RoomFactory(event=madrid_2012, name_en="Sala Madrid")

    sessions = admin_client.get(admin_url("session") + f"?event__id__exact={madrid_2012.pk}").content.decode()
    rooms = admin_client.get(admin_url("room") + f"?event__id__exact={madrid_2012.pk}").content.decode()

    assert re.search(r'<td class="field-event[^"]*">WeGO 2012</td>', sessions)
    assert re.search(r'<td class="field-event[^"]*">WeGO 2012</td>', rooms)
    assert "Apertura" in sessions
