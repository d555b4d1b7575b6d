"""The General Assembly in the admin: organisers' permissions, accreditations
and proxies through the services, and lists in a fixed number of queries."""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import translation

from assembly import services
from assembly.models import Accreditation, AccreditationRole, Decision, DecisionKind, Proxy
from registration import roles
from tests.assembly.world import DURING, accredited, build_plenary, delegate
from tests.registration.desk_world import staff_user

pytestmark = pytest.mark.django_db


def admin_url(name: str, *args) -> str:
    with translation.override("en"):
        return reverse(f"admin:assembly_{name}", args=args or None)


@pytest.fixture
def organiser_client(client, db):
    user = staff_user("organiser", roles.ORGANISERS)
    user.is_staff = True
    user.save()
    client.force_login(user)
    return client


def test_organisers_hold_the_assembly_permissions_and_desk_staff_none(db):
    organisers = set(Group.objects.get(name=roles.ORGANISERS).permissions.values_list("codename", flat=True))
    desk = set(Group.objects.get(name=roles.DESK_STAFF).permissions.values_list("content_type__app_label", flat=True))

    assert {"add_accreditation", "add_proxy", "add_decision", "change_assemblysettings"} <= organisers
    assert "assembly" not in desk


def test_viewers_hold_only_the_assembly_view_permissions(db):
    viewers = Group.objects.get(name=roles.VIEWERS).permissions.filter(content_type__app_label="assembly")

    assert set(viewers.values_list("codename", flat=True)) == {
        "view_assemblysettings",
        "view_accreditation",
        "view_proxy",
        "view_movement",
        "view_decision",
    }


def test_a_viewer_sees_the_decisions_but_cannot_publish_one(client, plenary):
    viewer = staff_user("viewer", roles.VIEWERS)
    viewer.is_staff = True
    viewer.save()
    client.force_login(viewer)
    decision = services.record_decision(
        decision=Decision(event=plenary.event, kind=DecisionKind.BYLAWS, text_en="Adopted", text_ko="채택"),
        now=DURING,
    )
    url = admin_url("decision_changelist")

    listed = client.get(url)
    response = client.post(url, {"action": "publish", "_selected_action": [decision.pk], "index": "0"})

    assert listed.status_code == 200
    assert listed.context["cl"].result_count == 1
    assert listed.context["action_form"] is None  # no action offered: not "publish", not "delete"
    assert response.status_code in (200, 302)
    decision.refresh_from_db()
    assert decision.published_at is None


def test_an_organiser_accredits_a_delegate_in_the_admin(organiser_client, plenary):
    city = plenary.cities[0]
    registration = delegate(city, "Voter")

    response = organiser_client.post(
        admin_url("accreditation_add"),
        {"city": city.pk, "registration": registration.pk, "role": "voting", "position": 1, "credentials": "Letter"},
    )

    assert response.status_code == 302
    accreditation = Accreditation.objects.get()
    assert (accreditation.registration, accreditation.accredited_by.username) == (registration, "organiser")


def test_the_admin_explains_why_a_person_cannot_be_accredited(organiser_client, plenary):
    registration = delegate(plenary.cities[1], "Other city's delegate")

    response = organiser_client.post(
        admin_url("accreditation_add"),
        {
            "city": plenary.cities[0].pk,
            "registration": registration.pk,
            "role": "voting",
            "position": 1,
            "credentials": "Letter",
        },
    )

    assert response.status_code == 200
    assert "This person is not registered as a delegate of this city." in response.content.decode()
    assert not Accreditation.objects.exists()


def test_the_admin_refuses_a_second_voting_delegate_next_to_the_form(organiser_client, plenary):
    city = plenary.cities[0]
    accredited(city, "First")
    second = delegate(city, "Second")

    response = organiser_client.post(
        admin_url("accreditation_add"),
        {"city": city.pk, "registration": second.pk, "role": "voting", "position": 1, "credentials": "Letter"},
    )

    assert "This city already has a voting delegate." in response.content.decode()
    assert Accreditation.objects.count() == 1


def test_an_organiser_records_a_proxy_and_its_limit_is_explained(organiser_client):
    plenary = build_plenary(max_proxies=1)
    add = admin_url("proxy_add")
    cities = plenary.cities

    first = organiser_client.post(add, {"giver": cities[0].pk, "holder": cities[2].pk})
    second = organiser_client.post(add, {"giver": cities[1].pk, "holder": cities[2].pk}, follow=True)

    assert first.status_code == 302
    assert Proxy.objects.get().given_by.username == "organiser"
    assert "The holder city already holds as many proxies as allowed (1)." in second.content.decode()
    assert Proxy.objects.count() == 1


def test_a_proxy_to_itself_is_refused_next_to_the_field(organiser_client, plenary):
    city = plenary.cities[0]

    response = organiser_client.post(admin_url("proxy_add"), {"giver": city.pk, "holder": city.pk})

    assert "A city cannot give its proxy to itself." in response.content.decode()
    assert not Proxy.objects.exists()


def test_desk_staff_cannot_open_the_assembly_admin(client, plenary):
    client.force_login(staff_user("desk", roles.DESK_STAFF))

    response = client.get(admin_url("accreditation_changelist"))

    assert response.status_code == 302  # to the admin's log-in: no admin access


@pytest.mark.parametrize("n", [1, 4])
# session, user, the filter's events or cities, the count twice (filtered and all), the rows with their columns
@pytest.mark.parametrize(("name", "queries"), [("accreditation", 6), ("proxy", 6), ("decision", 6)])
def test_admin_lists_do_not_grow_with_rows(admin_client, django_assert_num_queries, n, name, queries):
    plenary = build_plenary(members=n + 1, max_proxies=n)
    for number, city in enumerate(plenary.cities[:n]):
        accredited(city, f"Voter {number}")
        services.give_proxy(giver=city, holder=plenary.cities[n])
        services.record_decision(
            decision=Decision(event=plenary.event, kind=DecisionKind.BYLAWS, text_en="Adopted", text_ko="채택"),
            now=DURING,
        )
    url = admin_url(f"{name}_changelist")
    admin_client.get(url)  # the session and the content types, read once

    with django_assert_num_queries(queries):
        response = admin_client.get(url)

    assert response.context["cl"].result_count == n


def test_accreditation_role_choices(plenary):
    assert {choice for choice, _label in AccreditationRole.choices} == {"voting", "alternate"}
