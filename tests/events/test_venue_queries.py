"""The venue page runs the same number of queries for one room as for five when
it is rendered, and none when the page cache serves it again."""

import pytest
from django.urls import reverse

from tests.factories import EventFactory, RoomFactory


@pytest.mark.django_db
@pytest.mark.parametrize("n", [1, 5])
def test_venue_queries_do_not_grow_with_rooms(client, django_assert_num_queries, n):
    event = EventFactory()
    RoomFactory.create_batch(n, event=event)
    url = reverse("events:venue")

    # the current event, the rooms
    with django_assert_num_queries(2):
        response = client.get(url)
    with django_assert_num_queries(0):
        again = client.get(url)

    assert [room.event_id for room in response.context["rooms"]] == [event.pk] * n
    assert again.content == response.content
