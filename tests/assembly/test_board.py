"""The public quorum board: its page and board.json with ETag/304, no personal data."""

import pytest
from django.core.cache import cache

from assembly import services
from tests.assembly.world import accredited, build_plenary, enter, leave, url

pytestmark = pytest.mark.django_db


def test_board_json_has_the_figures_and_city_names(client, plenary):
    services.give_proxy(giver=plenary.cities[1], holder=plenary.cities[0])
    enter(plenary, accredited(plenary.cities[0], "Anna Voter"))

    data = client.get(url("board_json")).json()

    assert {k: data[k] for k in ("members", "required", "direct", "by_proxy", "votes", "reached")} == {
        "members": 5,
        "required": 3,
        "direct": 1,
        "by_proxy": 1,
        "votes": 2,
        "reached": False,
    }
    assert data["cities"][:2] == [
        {"name_ko": "회원도시 1", "name_en": "Member 1", "vote": "direct"},
        {"name_ko": "회원도시 2", "name_en": "Member 2", "vote": "proxy"},
    ]


def test_board_has_no_personal_data(client, plenary):
    voter = accredited(plenary.cities[0], "Anna Voter")
    enter(plenary, voter)

    body = client.get(url("board_json")).content.decode() + client.get(url("board")).content.decode()

    for personal in (voter.name, voter.code, voter.ticket_secret, voter.email or "@"):
        assert personal not in body


def test_an_unchanged_board_answers_304(client, plenary):
    first = client.get(url("board_json"))

    again = client.get(url("board_json"), HTTP_IF_NONE_MATCH=first["ETag"])

    assert again.status_code == 304
    assert again["ETag"] == first["ETag"]
    assert again.content == b""


def test_a_change_gives_a_new_etag_and_the_new_figures(client, plenary):
    first = client.get(url("board_json"))
    voter = accredited(plenary.cities[0], "Voter")
    enter(plenary, voter)

    changed = client.get(url("board_json"), HTTP_IF_NONE_MATCH=first["ETag"])
    leave(plenary, voter)
    back = client.get(url("board_json"), HTTP_IF_NONE_MATCH=changed["ETag"])

    assert changed.status_code == 200
    assert changed.json()["votes"] == 1
    assert back.status_code == 200
    assert back["ETag"] == first["ETag"]
    assert back.json()["votes"] == 0


def test_the_board_is_read_from_the_database_not_a_process(client, plenary):
    """Another node's change (rows written without this process knowing) shows
    once the shared copy, at most a second old, is gone."""
    client.get(url("board_json"))
    from registration.models import CheckIn  # a change made elsewhere: no door.board_changed here

    voter = accredited(plenary.cities[0], "Voter")
    CheckIn.objects.create(
        registration=voter, checkpoint=plenary.checkpoint, session=plenary.session, day=plenary.event.start_date
    )
    cache.clear()  # the second has passed

    assert client.get(url("board_json")).json()["votes"] == 1


def test_the_board_page_is_bilingual_and_polls(client, plenary):
    page = client.get(url("board", "ko")).content.decode()

    for text in ("정족수", "Quorum required", "Votes present", "Last updated", "js/quorum-board.js", "board-config"):
        assert text in page
    assert "<script>" not in page  # no inline script (CSP)


@pytest.mark.parametrize("n", [1, 4])
def test_board_queries_do_not_grow_with_cities(client, django_assert_num_queries, n):
    plenary = build_plenary(members=n)
    for number, city in enumerate(plenary.cities):
        enter(plenary, accredited(city, f"Voter {number}"))

    with django_assert_num_queries(5):  # event, settings, cities, accreditations, proxies
        response = client.get(url("board_json"))
    with django_assert_num_queries(2):  # event, settings: the figures are shared for a second
        client.get(url("board_json"))

    assert response.json()["direct"] == n


def test_board_without_settings_says_so(client, db):
    from tests.factories import EventFactory

    EventFactory()

    assert client.get(url("board_json")).status_code == 404
    assert "not set up" in client.get(url("board")).content.decode()


def test_board_json_may_be_revalidated_by_anyone(client, plenary):
    response = client.get(url("board_json"))

    assert response["Cache-Control"] in ("no-cache, public", "public, no-cache")
    assert response.json()["members"] == 5
