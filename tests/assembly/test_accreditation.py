"""Accreditation and proxies: the rules (assembly/services.py) and the database
constraints behind them."""

import pytest
from django.db import IntegrityError

from assembly import services
from assembly.errors import AssemblyError
from assembly.models import Accreditation, AccreditationRole, Proxy
from registration import services as registrations
from tests.assembly.world import accredited, build_plenary, delegate, not_a_member

pytestmark = pytest.mark.django_db

VOTING, ALTERNATE = AccreditationRole.VOTING, AccreditationRole.ALTERNATE


def accredit(registration, city, role=VOTING, user=None):
    return services.accredit(registration=registration, city=city, role=role, credentials="Letter", user=user)


def test_accreditation_records_who_and_when(plenary, admin_user):
    registration = delegate(plenary.cities[0], "Voter")

    accreditation = accredit(registration, plenary.cities[0], user=admin_user)

    assert (accreditation.accredited_by, accreditation.credentials) == (admin_user, "Letter")
    assert accreditation.accredited_at is not None


def test_a_second_voting_delegate_is_refused(plenary):
    city = plenary.cities[0]
    accredited(city, "First")

    with pytest.raises(AssemblyError) as error:
        accredit(delegate(city, "Second"), city)

    assert error.value.code == "voting_taken"


def test_the_database_refuses_a_second_voting_delegate(plenary):
    city = plenary.cities[0]
    accredited(city, "First")

    with pytest.raises(IntegrityError):
        Accreditation.objects.create(
            city=city, registration=delegate(city, "Second"), role=VOTING, credentials="Letter"
        )


def test_the_database_refuses_an_accreditation_without_credentials(plenary):
    city = plenary.cities[0]

    with pytest.raises(IntegrityError):
        Accreditation.objects.create(city=city, registration=delegate(city, "Voter"), role=VOTING, credentials="")


def test_several_alternates_are_allowed(plenary):
    city = plenary.cities[0]
    accredited(city, "Voter")
    accredited(city, "Alternate 1", ALTERNATE, position=1)
    accredited(city, "Alternate 2", ALTERNATE, position=2)

    assert city.accreditations.filter(role=ALTERNATE).count() == 2


def test_only_a_delegate_of_the_city_can_be_accredited(plenary):
    other_city_delegate = delegate(plenary.cities[1], "Someone else's")

    with pytest.raises(AssemblyError) as error:
        accredit(other_city_delegate, plenary.cities[0])

    assert error.value.code == "not_delegate"


def test_a_cancelled_delegate_cannot_be_accredited(plenary):
    registration = delegate(plenary.cities[0], "Voter")
    registrations.cancel(registration=registration)
    registration.refresh_from_db()

    with pytest.raises(AssemblyError) as error:
        accredit(registration, plenary.cities[0])

    assert error.value.code == "ended"


def test_a_city_without_a_vote_gets_no_accreditation(plenary):
    guest = not_a_member(plenary)
    registration = delegate(guest, "Guest")

    with pytest.raises(AssemblyError) as error:
        accredit(registration, guest)

    assert error.value.code == "not_member"


def test_changing_a_voting_delegate_into_an_alternate_frees_the_vote(plenary):
    city = plenary.cities[0]
    first = accredited(city, "First")
    accredit(first, city, ALTERNATE)

    accredit(delegate(city, "Second"), city)

    assert city.accreditations.get(role=VOTING).registration.name == "Second"


# Proxies ----------------------------------------------------------------------------


def give(plenary, giver, holder):
    return services.give_proxy(giver=plenary.cities[giver], holder=plenary.cities[holder])


def refusal(plenary, giver, holder) -> str:
    with pytest.raises(AssemblyError) as error:
        give(plenary, giver, holder)
    return error.value.code


def test_a_proxy_records_who_gave_it(plenary, admin_user):
    proxy = services.give_proxy(giver=plenary.cities[0], holder=plenary.cities[1], user=admin_user)

    assert (proxy.given_by, proxy.holder) == (admin_user, plenary.cities[1])


def test_no_proxy_to_itself(plenary):
    assert refusal(plenary, 0, 0) == "self"


def test_the_database_refuses_a_proxy_to_itself(plenary):
    with pytest.raises(IntegrityError):
        Proxy.objects.create(giver=plenary.cities[0], holder=plenary.cities[0])


def test_one_proxy_given_per_city(plenary):
    give(plenary, 0, 1)

    assert refusal(plenary, 0, 2) == "already_given"


def test_no_chain_a_holder_cannot_give_its_proxy(plenary):
    give(plenary, 0, 1)

    assert refusal(plenary, 1, 2) == "chain"


def test_no_chain_a_giver_cannot_hold_a_proxy(plenary):
    give(plenary, 0, 1)

    assert refusal(plenary, 2, 0) == "chain"


def test_a_city_holds_at_most_the_limit(plenary):
    give(plenary, 0, 4)
    give(plenary, 1, 4)

    assert refusal(plenary, 2, 4) == "limit"


def test_no_proxy_to_a_city_without_a_vote(plenary):
    guest = not_a_member(plenary)

    with pytest.raises(AssemblyError) as error:
        services.give_proxy(giver=plenary.cities[0], holder=guest)

    assert error.value.code == "not_member"


def test_a_withdrawn_proxy_can_be_given_again(plenary):
    proxy = give(plenary, 0, 1)

    services.withdraw_proxy(proxy=proxy)

    assert give(plenary, 0, 2).holder == plenary.cities[2]


def test_no_proxies_when_the_limit_is_zero(db):
    plenary = build_plenary(max_proxies=0)

    assert refusal(plenary, 0, 1) == "limit"
