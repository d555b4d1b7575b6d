"""The world the desk tests share: an event of 6-8 September 2010 with a
citizens' day on the 7th, a delegates-only day on the 6th, a workshop room whose
door checks seats on the 8th, an entrance per day, and desk staff (the fixtures
`world`, `desk_user`, `desk_client` and `on_7_september` are in conftest.py)."""

import json
from dataclasses import dataclass
from datetime import date

from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import translation

from events.models import Audience, Event, Room, Session
from registration import roles, services
from registration.models import Checkpoint, CheckpointKind, Registration
from tests.factories import EventFactory, RoomFactory, SessionFactory, WorkshopFactory, seoul

PASSWORD = "desk-test-password"


@dataclass
class World:
    event: Event
    room: Room
    workshop: Session
    entrance_6: Checkpoint
    entrance_7: Checkpoint
    entrance_8: Checkpoint
    door: Checkpoint


def build_world() -> World:
    event = EventFactory(slug="wego-2010", registration_opens_at=None, registration_closes_at=None)
    room = RoomFactory(event=event, name_en="Workshop room 1", name_ko="워크숍 1실", checks_attendance=True)
    # 6 September: delegates only; 7 September: open to citizens; 8 September: workshops.
    SessionFactory(
        event=event,
        slug="general-assembly",
        audience=Audience.DELEGATES,
        starts_at=seoul(2010, 9, 6, 10, 0),
        ends_at=seoul(2010, 9, 6, 17, 0),
    )
    SessionFactory(event=event, slug="forum", starts_at=seoul(2010, 9, 7, 10, 0), ends_at=seoul(2010, 9, 7, 17, 0))
    workshop = WorkshopFactory(
        event=event,
        room=room,
        slug="u-city",
        title_en="U-City",
        title_ko="유시티",
        starts_at=seoul(2010, 9, 8, 9, 30),
        ends_at=seoul(2010, 9, 8, 12, 0),
        capacity=30,
    )

    door = Checkpoint.objects.create(
        event=event,
        slug="door-room-1",
        name_en="Door of workshop room 1",
        name_ko="워크숍 1실 출입구",
        kind=CheckpointKind.ROOM,
        room=room,
    )
    return World(event, room, workshop, entrance(event, 6), entrance(event, 7), entrance(event, 8), door)


def entrance(event: Event, day: int) -> Checkpoint:
    """The event's entrance of one day of September 2010."""
    return Checkpoint.objects.create(
        event=event,
        slug=f"entrance-{day}",
        name_en=f"Entrance — {day} September",
        name_ko=f"입구 — 9월 {day}일",
        kind=CheckpointKind.ENTRANCE,
        day=date(2010, 9, day),
    )


def register(event: Event, *, name: str, category: str = "citizen", sessions=(), **person) -> Registration:
    """A registration made the way the public form makes it (registration.services)."""
    person = {"name": name, "country": "KR", "language": "en", "category": category, **person}
    outcome = services.register(event=event, person=person, session_ids=[s.pk for s in sessions], walk_in=True)
    return outcome.registration


def staff_user(username: str, group: str | None = None):
    user = get_user_model().objects.create_user(username=username, password=PASSWORD)
    if group:
        user.groups.add(roles.ensure_groups()[group])
    return user


def desk_url(name: str, lang: str = "en", **kwargs) -> str:
    with translation.override(lang):
        return reverse(f"desk:{name}", kwargs=kwargs or None)


# The desk's JSON API -------------------------------------------------------------------


def post(client, name, payload, lang="en", **extra):
    return client.post(desk_url(name, lang), json.dumps(payload), content_type="application/json", **extra)


def scan(client, checkpoint, ticket, **extra):
    return post(client, "api_checkin", {"checkpoint": checkpoint.slug, "ticket": ticket}, **extra)


def search(client, q, checkpoint="entrance-7"):
    params = {"q": q}
    if checkpoint:
        params["checkpoint"] = checkpoint
    return client.get(desk_url("api_search"), params)


def names(response):
    return [match["name"] for match in response.json()["results"]]
