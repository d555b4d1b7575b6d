"""The desk's checkpoints of the 2010 summit, loaded with its programme.

events.seed.load_summit sends events.signals.programme_loaded inside its
transaction; load_checkpoints answers it with an entrance per day and a door per
room that checks attendance (events.summit2010.CHECKPOINTS), matched on their
slugs, so loading twice creates and changes nothing.
"""

from events import summit2010
from events.models import Event, Room
from events.seed import SeedResult, sync
from registration.models import Checkpoint


def load_checkpoints(sender, *, event: Event, rooms: dict[str, Room], result: SeedResult, **kwargs) -> None:
    """Create or update the edition's checkpoints; deletes none (an organiser's stay)."""
    for row in summit2010.CHECKPOINTS:
        room = rooms[row["room"]] if "room" in row else None
        sync(result, Checkpoint, ("event", "slug"), {**row, "event": event, "room": room})
