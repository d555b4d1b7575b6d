"""The desk's checkpoint chooser runs the same number of queries for one
checkpoint a day as for five, with the current event read once (request.event,
shared by the page and its header)."""

from datetime import date

import pytest
from django.urls import reverse
from django.utils import translation

from registration.models import Checkpoint, CheckpointKind
from tests.factories import EventFactory, RoomFactory, SessionFactory, seoul


def checkpoints_page_url() -> str:
    with translation.override("en"):
        return reverse("desk:checkpoints")


def make_checkpoints(event, n: int) -> None:
    """n entrances (6 September onwards) and n room doors, each room with a session on the 7th."""
    for i in range(n):
        room = RoomFactory(event=event, name_en=f"Room {i}", checks_attendance=True)
        SessionFactory(event=event, room=room, starts_at=seoul(2010, 9, 7, 10 + i), ends_at=seoul(2010, 9, 7, 11 + i))
        Checkpoint.objects.create(
            event=event,
            slug=f"entrance-{i}",
            name_en=f"Entrance {i}",
            kind=CheckpointKind.ENTRANCE,
            day=date(2010, 9, 6 + i % 3),
        )
        Checkpoint.objects.create(
            event=event, slug=f"door-{i}", name_en=f"Door {i}", kind=CheckpointKind.ROOM, room=room
        )


@pytest.mark.parametrize("n", [1, 5])
def test_checkpoint_chooser_queries_do_not_grow_with_checkpoints(
    desk_client, time_machine, n, django_assert_num_queries
):
    time_machine.move_to(seoul(2010, 9, 7, 9, 0), tick=False)
    event = EventFactory(slug="wego-2010")
    make_checkpoints(event, n)
    desk_client.get(checkpoints_page_url())  # warm the session

    # session, user, permissions (2), the current event (once), checkpoints+rooms, rooms with sessions today
    with django_assert_num_queries(7):
        response = desk_client.get(checkpoints_page_url())

    assert len(response.context["entrances"]) == n
    assert len(response.context["rooms"]) == n
    assert all(door.open_today for door in response.context["rooms"])


def test_checkpoint_chooser_without_a_current_event_reads_it_once(desk_client, django_assert_num_queries):
    desk_client.get(checkpoints_page_url())

    # session, user, permissions (2), the current event: none
    with django_assert_num_queries(5):
        response = desk_client.get(checkpoints_page_url())

    assert response.context["desk_event"] is None
    assert "There is no current event" in response.content.decode()
