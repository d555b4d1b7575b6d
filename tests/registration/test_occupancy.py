"""Live room occupancy (registration/occupancy.py, /live/rooms.json) and the
overflow pointer on the public pages and at the desk."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from events.models import Room, Session
from registration import checkin, occupancy
from registration.models import CheckIn
from tests.factories import EventFactory, RoomFactory, SessionFactory, seoul
from tests.registration.desk_world import desk_url, post, register, scan

pytestmark = pytest.mark.django_db

DURING = seoul(2010, 9, 8, 10, 0)


def rooms_url(lang="en"):
    with translation.override(lang):
        return reverse("live_rooms")


def admit(world, name, *, now=DURING):
    person = register(world.event, name=name, sessions=[world.workshop])
    return checkin.check_in(checkpoint=world.door, registration=person, now=now).checkin


def test_figures_count_live_check_ins_at_the_door_of_the_running_session(world):
    admit(world, "In 1")
    admit(world, "In 2")
    checkin.undo(checkin=admit(world, "Undone"), now=DURING)
    CheckIn.objects.filter(pk=admit(world, "Left").pk).update(checked_out_at=DURING)
    earlier = SessionFactory(
        event=world.event, room=world.room, starts_at=seoul(2010, 9, 8, 8, 0), ends_at=seoul(2010, 9, 8, 9, 0)
    )
    person = register(world.event, name="Earlier")
    checkin.check_in(checkpoint=world.door, registration=person, now=seoul(2010, 9, 8, 8, 30))
    checkin.check_in(checkpoint=world.entrance_8, registration=person, now=DURING)

    [figures] = occupancy.room_figures(world.event, DURING)

    assert (figures.session, figures.inside, figures.capacity) == (world.workshop, 2, 30)
    assert CheckIn.objects.filter(session=earlier).count() == 1


@pytest.mark.parametrize(
    ("inside", "capacity", "state"),
    [
        (0, 30, "free"),
        (23, 30, "free"),
        (24, 30, "filling"),
        (29, 30, "filling"),
        (30, 30, "full"),
        (31, 30, "full"),
        (5, None, ""),
    ],
)
def test_state_thresholds(inside, capacity, state):
    assert occupancy.state_of(inside, capacity) == state


def test_capacity_is_the_sessions_bookable_seats_else_the_rooms(world):
    open_session = SessionFactory(event=world.event, room=RoomFactory(event=world.event, capacity=40))

    assert occupancy.room_figures(world.event, DURING)[0].capacity == 30
    assert occupancy._capacity(open_session) == 40


def test_a_full_room_points_to_its_overflow_room_else_the_live_stream(world):
    translation.activate("en")
    world.workshop.event = world.event
    overflow = RoomFactory(event=world.event, name_en="Grand Ballroom", location_en="2nd floor")
    assert occupancy.pointer_for(world.workshop) is None

    Session.objects.filter(pk=world.workshop.pk).update(is_streamed=True, stream_url="https://live.example.org/u")
    world.workshop.refresh_from_db()
    stream = occupancy.pointer_for(world.workshop)
    assert (stream.text, stream.url) == ("Watch the live stream.", "https://live.example.org/u")

    world.room.overflow_room = overflow
    world.room.save()
    world.workshop.refresh_from_db()
    room = occupancy.pointer_for(world.workshop)
    assert (room.text, room.url) == ("Go to the overflow room: Grand Ballroom, 2nd floor.", "")


def test_overflow_room_must_be_another_room_of_the_same_event(world):
    translation.activate("en")
    elsewhere = RoomFactory(event=EventFactory(is_current=False))
    world.room.overflow_room = elsewhere
    with pytest.raises(ValidationError) as other_event:
        world.room.full_clean()
    world.room.overflow_room = world.room
    with pytest.raises(ValidationError) as itself:
        world.room.full_clean()

    assert other_event.value.message_dict["overflow_room"] == ["Choose a room of the same event."]
    assert itself.value.message_dict["overflow_room"] == ["A room cannot be its own overflow room."]


@pytest.mark.parametrize("n", [1, 4])
def test_rooms_json_in_a_constant_number_of_queries_then_from_the_cache(
    client, world, during_the_workshop, n, django_assert_num_queries
):
    for i in range(1, n):
        room = RoomFactory(event=world.event, capacity=10)
        world.event.checkpoints.create(slug=f"door-{i}", name=f"Door {i}", kind="room", room=room)
        SessionFactory(event=world.event, room=room, slug=f"talk-{i}")
    admit(world, "In")

    with django_assert_num_queries(2):  # the current event, the running sessions with their counts
        first = client.get(rooms_url())
    with django_assert_num_queries(0):
        second = client.get(rooms_url())

    data = first.json()
    assert data["live"] is True
    assert len(data["rooms"]) == n
    assert next(room for room in data["rooms"] if room["session"] == "u-city") == {
        "session": "u-city",
        "room": "Workshop room 1",
        "state": "free",
        "label": "Seats free",
        "inside": 1,
        "capacity": 30,
        "text": "Seats free: 1 of 30 seats taken",
        "pointer": None,
    }
    assert second.content == first.content
    assert first["Cache-Control"] == f"public, max-age={occupancy.CACHE_SECONDS}"
    assert client.get(rooms_url(), HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304


def test_rooms_json_is_in_the_language_of_its_address(client, world, during_the_workshop):
    data = client.get(rooms_url("ko")).json()

    assert data["rooms"][0]["room"] == "워크숍 1실"
    assert data["rooms"][0]["label"] != "Seats free"


def test_a_full_room_in_the_json_carries_its_pointer(client, world, during_the_workshop):
    Session.objects.filter(pk=world.workshop.pk).update(capacity=2)
    Room.objects.filter(pk=world.room.pk).update(overflow_room=RoomFactory(event=world.event, name_en="Hall B"))
    admit(world, "One")
    admit(world, "Two")

    [room] = client.get(rooms_url()).json()["rooms"]

    assert (room["state"], room["label"]) == ("full", "Full")
    assert room["pointer"] == {"text": "Go to the overflow room: Hall B.", "url": ""}


def test_nothing_is_shown_outside_the_event_days(client, world, time_machine):
    time_machine.move_to(seoul(2010, 9, 9, 10, 0), tick=False)

    assert client.get(rooms_url()).json() == {"live": False, "rooms": []}


def test_figures_follow_the_desk_rehearsal_day(client, world, settings, time_machine):
    settings.DESK_REHEARSAL_DAY = date(2010, 9, 8)
    time_machine.move_to(seoul(2026, 12, 4, 10, 0), tick=False)

    data = client.get(rooms_url()).json()

    assert data["live"] is True
    assert [room["session"] for room in data["rooms"]] == ["u-city"]


def test_programme_and_session_pages_carry_placeholders_not_figures(client, world, during_the_workshop):
    admit(world, "In")
    with translation.override("en"):
        programme = client.get(reverse("events:programme"), {"day": "2010-09-08"}).text
        session = client.get(world.workshop.get_absolute_url()).text

    for page in (programme, session):
        assert 'data-occupancy-url="/en/live/rooms.json"' in page
        assert 'data-occupancy-session="u-city"' in page
        assert "js/occupancy" in page
        assert "1 of 30" not in page
    assert 'role="status" hidden' in session


def test_desk_answer_at_a_full_door_points_to_the_overflow_room(desk_client, world, during_the_workshop):
    Session.objects.filter(pk=world.workshop.pk).update(capacity=1)
    Room.objects.filter(pk=world.room.pk).update(overflow_room=RoomFactory(event=world.event, name_en="Hall B"))
    admit(world, "Seated")

    data = scan(desk_client, world.door, register(world.event, name="Late").ticket_secret).json()
    page = desk_client.get(desk_url("desk", slug=world.door.slug)).text

    assert (data["result"], data["reason"], data["title"]) == ("refused", "full", "Room full")
    assert data["pointer"] == {"text": "Go to the overflow room: Hall B.", "url": ""}
    assert (data["occupancy"]["state"], data["occupancy"]["inside"]) == ("full", 1)
    assert "When this room is full:" in page
    assert "Go to the overflow room: Hall B." in page


def test_desk_answer_that_takes_the_last_seat_says_so_and_points_to_the_stream(desk_client, world, during_the_workshop):
    Session.objects.filter(pk=world.workshop.pk).update(capacity=2, stream_url="https://stream.example.org/u")
    admit(world, "Seated")
    person = register(world.event, name="Last", sessions=[world.workshop])

    payload = {"checkpoint": world.door.slug, "ticket": person.ticket_secret}
    data = post(desk_client, "api_checkin", payload, "ko").json()

    assert (data["result"], data["seat_note"]) == ("ok", "")  # a booked seat: nothing to say
    assert data["occupancy"]["text"] == "만석: 좌석 2석 중 2석 입장"
    assert data["pointer"] == {"text": "생중계로 시청해 주십시오.", "url": "https://stream.example.org/u"}


def test_desk_answer_while_seats_are_free_has_figures_and_no_pointer(desk_client, world, during_the_workshop):
    data = scan(desk_client, world.door, register(world.event, name="Early", sessions=[world.workshop]).ticket_secret)

    assert (data.json()["seat_note"], data.json()["pointer"]) == ("", None)
    assert data.json()["occupancy"]["text"] == "Seats free: 1 of 30 seats taken"


def test_desk_answer_at_an_entrance_says_nothing_about_rooms(desk_client, world, on_7_september):
    data = scan(desk_client, world.entrance_7, register(world.event, name="Anyone").ticket_secret).json()

    assert data["result"] == "ok"
    assert "occupancy" not in data
    assert "pointer" not in data
