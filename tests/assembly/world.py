"""The world the assembly tests share: the plenary of 7 September 2010 in the
Grand Ballroom, its door, five member cities (and one that is not a member) and
their accredited delegates."""

import json
from dataclasses import dataclass

from django.urls import reverse
from django.utils import translation

from assembly import door, services
from assembly.models import AccreditationRole, AssemblySettings
from events.models import Audience, Event, ParticipatingCity, Session
from registration import services as registrations
from registration.models import Checkpoint, CheckpointKind, Registration
from tests.factories import EventFactory, ParticipatingCityFactory, RoomFactory, SessionFactory, seoul

DURING = seoul(2010, 9, 7, 11, 5)  # the plenary runs 11:00-12:30


@dataclass
class Plenary:
    event: Event
    session: Session
    checkpoint: Checkpoint
    settings: AssemblySettings
    cities: list[ParticipatingCity]


def build_plenary(*, members: int = 5, max_proxies: int = 2) -> Plenary:
    event = EventFactory(slug="wego-2010", registration_opens_at=None, registration_closes_at=None)
    room = RoomFactory(event=event, name_en="Grand Ballroom", name_ko="그랜드 볼룸", capacity=500)
    session = SessionFactory(
        event=event,
        room=room,
        slug="plenary-session",
        audience=Audience.DELEGATES,
        starts_at=seoul(2010, 9, 7, 11, 0),
        ends_at=seoul(2010, 9, 7, 12, 30),
    )
    checkpoint = Checkpoint.objects.create(
        event=event,
        slug="door-grand-ballroom",
        name_en="Grand Ballroom door",
        name_ko="그랜드 볼룸 출입구",
        kind=CheckpointKind.ROOM,
        room=room,
    )
    settings = AssemblySettings.objects.create(
        event=event, session=session, checkpoint=checkpoint, max_proxies=max_proxies
    )
    cities = [
        ParticipatingCityFactory(event=event, name_en=f"Member {n}", name_ko=f"회원도시 {n}", position=n)
        for n in range(1, members + 1)
    ]
    return Plenary(event, session, checkpoint, settings, cities)


def delegate(city: ParticipatingCity, name: str) -> Registration:
    """A delegate of `city`, registered and approved as an organiser does."""
    person = {"name": name, "country": "DE", "language": "en", "category": "delegate"}
    registration = registrations.register(event=city.event, person=person, session_ids=[], walk_in=True).registration
    registration.delegation = city
    registration.save(update_fields=["delegation"])
    if registration.status == "pending":
        registrations.approve(registration=registration)
    registration.refresh_from_db()
    return registration


def accredited(city: ParticipatingCity, name: str, role: str = AccreditationRole.VOTING, position: int = 1):
    registration = delegate(city, name)
    services.accredit(registration=registration, city=city, role=role, credentials="Mayor's letter", position=position)
    return registration


def enter(plenary: Plenary, registration: Registration, now=DURING):
    return door.enter(settings=plenary.settings, registration=registration, now=now)


def leave(plenary: Plenary, registration: Registration, now=DURING):
    return door.leave(settings=plenary.settings, registration=registration, now=now)


def not_a_member(plenary: Plenary) -> ParticipatingCity:
    city = ParticipatingCityFactory(event=plenary.event, name_en="Guest", name_ko="손님", position=99)
    ParticipatingCity.objects.filter(pk=city.pk).update(role="observer")
    city.role = "observer"
    return city


def url(name: str, lang: str = "en") -> str:
    with translation.override(lang):
        return reverse(f"assembly:{name}")


def door_post(client, payload, lang="en"):
    return client.post(url("door_api", lang), json.dumps(payload), content_type="application/json")
