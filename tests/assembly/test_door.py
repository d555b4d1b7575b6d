"""The plenary door desk: its page and JSON API (assembly/views.py, door.py)."""

import pytest
from django.urls import reverse

from assembly import queries, services
from assembly.models import AccreditationRole, Movement
from registration.models import CheckIn
from tests.assembly.world import accredited, delegate, door_post, url
from tests.registration.desk_world import staff_user

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("during")]


def scan(client, registration, action="in", **kw):
    return door_post(client, {"ticket": registration.ticket_secret, "action": action}, **kw).json()


def test_anonymous_visitors_are_sent_to_the_log_in(client, plenary):
    response = client.get(url("door"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("desk:login"))


def test_anonymous_api_calls_are_refused(client, plenary):
    voter = accredited(plenary.cities[0], "Voter")

    response = door_post(client, {"ticket": voter.ticket_secret, "action": "in"})

    assert response.status_code == 403
    assert not CheckIn.objects.exists()


def test_staff_without_the_desk_permission_are_refused(client, plenary):
    client.force_login(staff_user("nobody"))

    assert client.get(url("door")).status_code == 403
    assert door_post(client, {"ticket": "X", "action": "show"}).status_code == 403


def test_the_page_has_the_scan_input_and_the_script(desk_client, plenary):
    page = desk_client.get(url("door")).content.decode()

    assert 'id="door-input"' in page
    assert "js/plenary-door.js" in page
    assert "Grand Ballroom door" in page


def test_the_page_says_when_the_door_is_not_set_up(desk_client, plenary):
    plenary.settings.checkpoint = None
    plenary.settings.save()

    page = desk_client.get(url("door")).content.decode()

    assert "not set up" in page
    assert "door-input" not in page


def test_a_voting_delegate_is_checked_in_and_shown_the_vote(desk_client, plenary):
    voter = accredited(plenary.cities[0], "Anna Voter")

    answer = scan(desk_client, voter)

    assert answer["result"] == "in"
    assert answer["inside"] is True
    assert answer["standing"]["kind"] == "vote"
    assert answer["standing"]["title"] == "VOTE: Member 1"
    assert answer["person"]["name"] == "Anna Voter"
    assert answer["quorum"] == {"votes": 1, "required": 3, "reached": False}
    row = CheckIn.objects.get(registration=voter)
    assert (row.checkpoint, row.session) == (plenary.checkpoint, plenary.session)


def test_a_typed_code_works_like_a_scan(desk_client, plenary):
    voter = accredited(plenary.cities[0], "Voter")

    answer = door_post(desk_client, {"ticket": voter.code.lower(), "action": "in"}).json()

    assert answer["result"] == "in"


def test_the_answer_is_in_the_language_of_the_page(desk_client, plenary):
    voter = accredited(plenary.cities[0], "Voter")

    answer = door_post(desk_client, {"ticket": voter.code, "action": "in"}, lang="ko").json()

    assert answer["title"] == "입장 확인 완료"
    assert answer["standing"]["title"] == "투표권: 회원도시 1"


def test_the_holder_is_shown_the_proxies_they_carry(desk_client, plenary):
    services.give_proxy(giver=plenary.cities[1], holder=plenary.cities[0])
    voter = accredited(plenary.cities[0], "Voter")

    answer = scan(desk_client, voter)

    assert answer["standing"]["proxies"] == ["Member 2"]
    assert answer["standing"]["proxies_title"] == "Also carries the proxy of: Member 2"
    assert answer["quorum"]["votes"] == 2


def test_an_alternate_is_told_they_have_no_vote_while_the_voting_delegate_is_in(desk_client, plenary):
    city = plenary.cities[0]
    voter = accredited(city, "Voter")
    alternate = accredited(city, "Alternate", AccreditationRole.ALTERNATE)
    scan(desk_client, voter)

    answer = scan(desk_client, alternate)

    assert answer["standing"]["kind"] == "alternate"
    assert answer["standing"]["title"] == "Alternate of Member 1: no vote now"


def test_an_alternate_takes_the_vote_when_the_voting_delegate_leaves(desk_client, plenary):
    city = plenary.cities[0]
    voter = accredited(city, "Voter")
    alternate = accredited(city, "Alternate", AccreditationRole.ALTERNATE)
    scan(desk_client, voter)
    scan(desk_client, alternate)

    scan(desk_client, voter, "out")
    answer = scan(desk_client, alternate, "show")

    assert answer["standing"]["kind"] == "vote"
    assert "voting while the voting delegate is absent" in answer["standing"]["detail"]


def test_a_delegate_without_accreditation_is_an_observer(desk_client, plenary):
    observer = delegate(plenary.cities[0], "Observer")

    answer = scan(desk_client, observer)

    assert answer["result"] == "in"
    assert answer["standing"]["title"] == "Observer: no vote"
    assert answer["quorum"]["votes"] == 0


def test_check_out_and_back_in_use_one_row_and_log_every_passage(desk_client, plenary, django_user_model):
    voter = accredited(plenary.cities[0], "Voter")
    scan(desk_client, voter)

    out = scan(desk_client, voter, "out")
    again_out = scan(desk_client, voter, "out")
    back = scan(desk_client, voter, "in")
    again_in = scan(desk_client, voter, "in")

    assert [out["result"], again_out["result"], back["result"], again_in["result"]] == [
        "out",
        "already_out",
        "back_in",
        "already_in",
    ]
    assert out["inside"] is False
    assert out["quorum"]["votes"] == 0
    assert back["quorum"]["votes"] == 1
    row = CheckIn.objects.get(registration=voter)
    assert row.checked_out_at is None
    assert list(Movement.objects.order_by("pk").values_list("direction", flat=True)) == ["in", "out", "in"]
    assert Movement.objects.filter(by__username="door").count() == 3


def test_check_out_records_who_and_when(desk_client, plenary):
    voter = accredited(plenary.cities[0], "Voter")
    scan(desk_client, voter)

    scan(desk_client, voter, "out")

    row = CheckIn.objects.get(registration=voter)
    assert row.checked_out_by.username == "door"
    assert row.checked_out_at is not None


def test_showing_changes_nothing(desk_client, plenary):
    voter = accredited(plenary.cities[0], "Voter")

    answer = scan(desk_client, voter, "show")

    assert (answer["result"], answer["inside"], answer["standing"]["kind"]) == ("shown", False, "vote")
    assert answer["standing"]["title"] == "On entering: VOTE: Member 1"
    assert not CheckIn.objects.exists()


def test_an_unknown_code_is_refused_clearly(desk_client, plenary):
    answer = door_post(desk_client, {"ticket": "NOPE1234", "action": "in"}).json()

    assert answer["result"] == "refused"
    assert answer["message"] == "Unknown code: no registration has this ticket."
    assert answer["person"] is None


def test_the_check_in_rules_of_the_desk_hold(desk_client, plenary, during):
    voter = accredited(plenary.cities[0], "Voter")
    during.move_to("2010-09-07T13:00:00+09:00", tick=False)  # after the plenary

    answer = scan(desk_client, voter)

    assert (answer["result"], answer["title"]) == ("refused", "Not admitted")
    assert not CheckIn.objects.exists()


@pytest.mark.parametrize(
    "payload",
    [{"action": "in"}, {"ticket": 5, "action": "in"}, {"ticket": "A\x00B"}, {"ticket": "A", "action": "dance"}],
)
def test_bad_input_gets_a_clear_400(desk_client, plenary, payload):
    response = door_post(desk_client, payload)

    assert response.status_code == 400
    assert response.json()["error"]


def test_a_get_on_the_api_is_refused(desk_client, plenary):
    assert desk_client.get(url("door_api")).status_code == 405


def test_the_door_keeps_the_board_up_to_date(desk_client, client, plenary):
    voter = accredited(plenary.cities[0], "Voter")
    assert client.get(url("board_json")).json()["votes"] == 0  # now shared for a second

    scan(desk_client, voter)

    assert client.get(url("board_json")).json()["votes"] == 1
    assert queries.quorum_of(plenary.settings).votes == 1


def test_an_earlier_alternate_is_told_they_take_the_vote_on_entering(desk_client, plenary):
    city = plenary.cities[0]
    accredited(city, "Absent voter")
    first = accredited(city, "First", AccreditationRole.ALTERNATE, position=1)
    second = accredited(city, "Second", AccreditationRole.ALTERNATE, position=2)
    scan(desk_client, second)

    first_outside = scan(desk_client, first, "show")
    assert first_outside["standing"]["kind"] == "vote"
    scan(desk_client, first)
    second_inside = scan(desk_client, second, "show")

    assert second_inside["standing"]["kind"] == "alternate"


def test_a_door_admits_to_a_named_session_only_in_its_room(plenary):
    from registration import checkin
    from tests.assembly.world import DURING
    from tests.factories import SessionFactory

    voter = accredited(plenary.cities[0], "Voter")
    times = {"starts_at": plenary.session.starts_at, "ends_at": plenary.session.ends_at}
    elsewhere = SessionFactory(event=plenary.event, **times)

    door = {"checkpoint": plenary.checkpoint, "registration": voter, "now": DURING}
    refused = checkin.check_in(**door, for_session=elsewhere)
    admitted = checkin.check_in(**door, for_session=plenary.session)

    assert (refused.result, refused.reason) == ("refused", "wrong_checkpoint")
    assert (admitted.result, admitted.session) == ("ok", plenary.session)


def test_the_door_admits_to_the_plenary_while_the_session_before_it_runs(plenary):
    from tests.assembly.world import enter
    from tests.factories import SessionFactory, seoul

    SessionFactory(
        event=plenary.event,
        room=plenary.session.room,
        starts_at=seoul(2010, 9, 7, 10, 20),
        ends_at=plenary.session.starts_at,
    )
    voter = accredited(plenary.cities[0], "Early")

    enter(plenary, voter, now=seoul(2010, 9, 7, 10, 50))

    assert CheckIn.objects.get(registration=voter).session == plenary.session
    assert queries.quorum_of(plenary.settings).votes == 1
