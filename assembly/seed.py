"""The 2010 General Assembly's plenary, loaded with its programme.

events.seed.load_summit sends events.signals.programme_loaded inside its
transaction; load_plenary answers it with the plenary's door (a checkpoint at
the Grand Ballroom, matched on its slug) and the edition's AssemblySettings
(the plenary session, its door; majority quorum, at most two proxies a city),
created once: loading again leaves an organiser's settings as they are.
Assumed, like the rooms: the record names neither the room nor the rules.
"""

from assembly.models import AssemblySettings, QuorumRule
from events.models import Event, Room, Session
from events.seed import SeedResult, sync
from registration.models import Checkpoint, CheckpointKind

PLENARY_SESSION = "plenary-session"
PLENARY_ROOM = "Grand Ballroom"
PLENARY_DOOR = {
    "slug": "door-grand-ballroom-plenary",
    "kind": CheckpointKind.ROOM,
    "day": None,
    "name_en": "Plenary door (Grand Ballroom)",
    "name_ko": "본회의장 출입구 (그랜드 볼룸)",
    "position": 9,
}


def load_plenary(sender, *, event: Event, rooms: dict[str, Room], result: SeedResult, **kwargs) -> None:
    session = Session.objects.filter(event=event, slug=PLENARY_SESSION).first()
    room = rooms.get(PLENARY_ROOM)
    if session is None or room is None:
        return
    door = sync(result, Checkpoint, ("event", "slug"), {**PLENARY_DOOR, "event": event, "room": room})
    AssemblySettings.objects.get_or_create(
        event=event,
        defaults={"quorum_rule": QuorumRule.MAJORITY, "max_proxies": 2, "session": session, "checkpoint": door},
    )
