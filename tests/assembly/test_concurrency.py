"""The assembly's limits hold when requests arrive at the same moment: threads
released at once against PostgreSQL (row locks do nothing on SQLite)."""

import itertools

import pytest

from assembly import door, services
from assembly.errors import AssemblyError
from assembly.models import Accreditation, AccreditationRole, Movement, Proxy
from registration.models import CheckIn
from tests.assembly.world import DURING, accredited, build_plenary, delegate
from tests.registration.test_concurrency import run_at_once

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("requires_postgres")]


def giving(giver, holder):
    def call():
        try:
            return services.give_proxy(giver=giver, holder=holder)
        except AssemblyError as error:
            return error.code

    return call


def test_a_holder_never_gets_more_proxies_than_the_limit():
    plenary = build_plenary(members=8, max_proxies=2)
    holder, givers = plenary.cities[0], plenary.cities[1:]

    results, errors = run_at_once([giving(giver, holder) for giver in givers])

    assert errors == [None] * len(givers)
    assert Proxy.objects.filter(holder=holder).count() == 2
    assert sorted(r for r in results if isinstance(r, str)) == ["limit"] * (len(givers) - 2)


def test_one_city_giving_its_proxy_twice_at_once_gives_it_once():
    plenary = build_plenary(members=6, max_proxies=5)
    giver = plenary.cities[0]

    results, errors = run_at_once([giving(giver, holder) for holder in plenary.cities[1:]])

    assert errors == [None] * 5
    assert Proxy.objects.filter(giver=giver).count() == 1
    assert sorted(r for r in results if isinstance(r, str)) == ["already_given"] * 4


def test_a_chain_made_from_both_ends_at_once_is_refused():
    plenary = build_plenary(members=3, max_proxies=5)
    a, b, c = plenary.cities

    # a -> b and b -> c at once: b would both hold and give.
    for _attempt in range(5):
        Proxy.objects.all().delete()
        results, errors = run_at_once([giving(a, b), giving(b, c)])
        assert errors == [None, None]
        assert Proxy.objects.count() == 1
        assert [r for r in results if isinstance(r, str)] == ["chain"]


def test_two_desks_checking_one_person_in_and_out_agree():
    plenary = build_plenary(members=1)
    voter = accredited(plenary.cities[0], "Voter")

    def entering():
        return door.enter(settings=plenary.settings, registration=voter, now=DURING).result

    results, errors = run_at_once([entering] * 6)

    assert errors == [None] * 6
    assert sorted(results) == ["already_in"] * 5 + ["in"]
    assert CheckIn.objects.filter(registration=voter, undone_at__isnull=True).count() == 1

    def leaving():
        return door.leave(settings=plenary.settings, registration=voter, now=DURING).result

    results, errors = run_at_once([leaving] * 3 + [entering] * 3)

    assert errors == [None] * 6
    row = CheckIn.objects.get(registration=voter)
    movements = list(Movement.objects.filter(checkin=row).order_by("pk").values_list("direction", flat=True))
    # Every passage that changed the state is logged, and the row agrees with the last one.
    assert movements[0] == "in"
    assert all(x != y for x, y in itertools.pairwise(movements))
    assert (row.checked_out_at is None) == (movements[-1] == "in")


def test_two_organisers_accrediting_voting_delegates_of_one_city_at_once_make_one():
    plenary = build_plenary(members=1)
    city = plenary.cities[0]
    people = [delegate(city, f"Delegate {n}") for n in range(5)]

    def accrediting(registration):
        def call():
            try:
                return services.accredit(
                    registration=registration, city=city, role=AccreditationRole.VOTING, credentials="Letter"
                )
            except AssemblyError as error:
                return error.code

        return call

    results, errors = run_at_once([accrediting(person) for person in people])

    assert errors == [None] * 5
    assert Accreditation.objects.filter(city=city, role=AccreditationRole.VOTING).count() == 1
    assert sorted(r for r in results if isinstance(r, str)) == ["voting_taken"] * 4
