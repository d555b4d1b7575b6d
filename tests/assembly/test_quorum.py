"""Quorum arithmetic: who holds each member city's vote in the hall, proxies,
alternates and check-outs (assembly/queries.py)."""

import pytest

from assembly import queries, services
from assembly.models import AccreditationRole, QuorumRule
from tests.assembly.world import accredited, build_plenary, enter, leave, not_a_member

pytestmark = pytest.mark.django_db

ALTERNATE = AccreditationRole.ALTERNATE


def quorum(plenary):
    return queries.quorum_of(plenary.settings)


def test_majority_quorum_is_more_than_half_of_member_cities(plenary):
    not_a_member(plenary)  # a city without a vote is not counted

    state = quorum(plenary)

    assert (state.members, state.required, state.votes, state.reached) == (5, 3, 0, False)


def test_fixed_quorum_uses_the_number(plenary):
    plenary.settings.quorum_rule = QuorumRule.FIXED
    plenary.settings.quorum_number = 2
    plenary.settings.save()

    assert quorum(plenary).required == 2


def test_voting_delegates_in_the_hall_reach_the_quorum(plenary):
    voters = [accredited(city, f"Voter {n}") for n, city in enumerate(plenary.cities[:3])]
    for voter in voters[:2]:
        enter(plenary, voter)
    assert (quorum(plenary).votes, quorum(plenary).reached) == (2, False)

    enter(plenary, voters[2])

    assert (quorum(plenary).direct, quorum(plenary).votes, quorum(plenary).reached) == (3, 3, True)


def test_a_delegate_who_checked_out_no_longer_counts(plenary):
    voter = accredited(plenary.cities[0], "Voter")
    enter(plenary, voter)

    leave(plenary, voter)

    assert quorum(plenary).votes == 0


def test_coming_back_counts_again(plenary):
    voter = accredited(plenary.cities[0], "Voter")
    enter(plenary, voter)
    leave(plenary, voter)

    enter(plenary, voter)

    assert quorum(plenary).votes == 1


def test_an_alternate_votes_only_while_the_voting_delegate_is_absent(plenary):
    city = plenary.cities[0]
    voter = accredited(city, "Voter")
    alternate = accredited(city, "Alternate", ALTERNATE)
    enter(plenary, alternate)
    assert quorum(plenary).city(city.pk).voter.registration_id == alternate.pk

    enter(plenary, voter)

    state = quorum(plenary)
    assert state.city(city.pk).voter.registration_id == voter.pk
    assert state.votes == 1  # one city, one vote, however many of its delegates are in


def test_alternates_act_in_their_order(plenary):
    city = plenary.cities[0]
    accredited(city, "Voter")
    second = accredited(city, "Second", ALTERNATE, position=2)
    first = accredited(city, "First", ALTERNATE, position=1)
    enter(plenary, second)
    enter(plenary, first)

    assert quorum(plenary).city(city.pk).voter.registration_id == first.pk


def test_a_proxy_counts_when_its_holder_city_is_present(plenary):
    giver, holder = plenary.cities[0], plenary.cities[1]
    services.give_proxy(giver=giver, holder=holder)
    voter = accredited(holder, "Holder's voter")

    assert quorum(plenary).votes == 0  # the holder city is not in the hall
    enter(plenary, voter)

    state = quorum(plenary)
    assert (state.direct, state.by_proxy, state.votes) == (1, 1, 2)


def test_a_proxy_stops_counting_when_its_holder_leaves(plenary):
    giver, holder = plenary.cities[0], plenary.cities[1]
    services.give_proxy(giver=giver, holder=holder)
    voter = accredited(holder, "Holder's voter")
    enter(plenary, voter)

    leave(plenary, voter)

    assert (quorum(plenary).by_proxy, quorum(plenary).votes) == (0, 0)


def test_a_present_giver_votes_itself_and_its_proxy_is_not_counted_twice(plenary):
    giver, holder = plenary.cities[0], plenary.cities[1]
    services.give_proxy(giver=giver, holder=holder)
    enter(plenary, accredited(holder, "Holder's voter"))

    enter(plenary, accredited(giver, "Giver's voter"))

    state = quorum(plenary)
    assert (state.direct, state.by_proxy, state.votes) == (2, 0, 2)


def test_an_acting_alternate_carries_the_proxies(plenary):
    giver, holder = plenary.cities[0], plenary.cities[1]
    services.give_proxy(giver=giver, holder=holder)
    accredited(holder, "Absent voter")
    enter(plenary, accredited(holder, "Alternate", ALTERNATE))

    state = quorum(plenary)
    assert (state.votes, state.reached) == (2, False)
    assert state.city(holder.pk).proxies == [giver]


def test_an_undone_check_in_does_not_count(plenary):
    from registration import checkin

    voter = accredited(plenary.cities[0], "Voter")
    outcome = enter(plenary, voter)
    row = queries.CheckIn.objects.get(registration=outcome.registration)

    checkin.undo(checkin=row)

    assert quorum(plenary).votes == 0


def test_a_cancelled_registration_loses_its_vote(plenary):
    from registration import services as registrations

    voter = accredited(plenary.cities[0], "Voter")
    enter(plenary, voter)

    registrations.cancel(registration=voter)

    assert quorum(plenary).votes == 0


@pytest.mark.parametrize("n", [1, 4])
def test_quorum_queries_do_not_grow_with_cities_and_delegates(django_assert_num_queries, n):
    plenary = build_plenary(members=n)
    for number, city in enumerate(plenary.cities):
        enter(plenary, accredited(city, f"Voter {number}"))
        accredited(city, f"Alternate {number}", ALTERNATE)
    if n > 1:
        services.give_proxy(giver=plenary.cities[0], holder=plenary.cities[1])

    with django_assert_num_queries(3):  # cities, accreditations with presence, proxies
        state = quorum(plenary)

    assert state.direct == n
