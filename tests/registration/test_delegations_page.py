"""The delegations page: every participating city with its delegates, their
status, bookings and check-ins, in a fixed number of queries; the
registrations list shows and filters the delegation."""

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from registration import services
from registration.models import Booking, CheckIn, Checkpoint, Registration
from tests.factories import EventFactory, ParticipatingCityFactory, PersonFactory, WorkshopFactory
from tests.registration.delegation_helpers import organiser_user, staff_with

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("no_mail_after_commit")]


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.fixture
def event():
    return EventFactory(slug="wego-2010")


def delegates(event, city, n, workshop, checkpoint):
    people = []
    for i in range(n):
        person = PersonFactory(category="delegate", organisation="City Hall", name=f"{city.name} delegate {i}")
        outcome = services.register(
            event=event, person=person, session_ids=[workshop.pk], organiser=None, delegation=city
        )
        people.append(outcome.registration)
        if i % 2:
            CheckIn.objects.create(registration=outcome.registration, checkpoint=checkpoint, day=event.start_date)
    return people


@pytest.mark.parametrize("n", [2, 20])
def test_the_page_lists_each_citys_delegates_in_fixed_queries(client, event, n, django_assert_num_queries):
    workshop = WorkshopFactory(event=event, slug="w1", title_en="Open data", capacity=100)
    checkpoint = Checkpoint.objects.create(event=event, slug="entrance", name="Main entrance", day=event.start_date)
    berlin = ParticipatingCityFactory(event=event, name_en="Berlin")
    quito = ParticipatingCityFactory(event=event, name_en="Quito")
    delegates(event, berlin, n, workshop, checkpoint)
    delegates(event, quito, 1, workshop, checkpoint)
    services.register(event=event, person=PersonFactory(), session_ids=[])  # not a delegate
    client.force_login(staff_with("viewer", "view_registration"))

    with django_assert_num_queries(QUERIES):
        response = client.get(reverse("delegations:index"))

    rows = {d.city.name: d for d in response.context["delegations"]}
    assert [len(rows["Berlin"].delegates), len(rows["Quito"].delegates)] == [n, 1]
    assert rows["Berlin"].checked_in == n // 2
    assert rows["Berlin"].holding_a_place == n
    first = rows["Berlin"].delegates[0]
    assert [b.session.title for b in first.held_bookings] == ["Open data"]
    html = response.content.decode()
    assert "Berlin delegate 0" in html
    assert "Main entrance" in html
    assert "Awaiting approval" in html  # delegates who registered themselves wait for approval


# session, user, its permissions (user, groups), the event (middleware), cities,
# delegates, their bookings, their check-ins.
QUERIES = 9


def test_the_page_needs_the_view_permission(client, event):
    client.force_login(staff_with("nobody"))

    assert client.get(reverse("delegations:index")).status_code == 403


def test_the_registrations_list_filters_by_delegation(client, event):
    city = ParticipatingCityFactory(event=event, name_en="Berlin")
    delegate = services.register(
        event=event, person=PersonFactory(category="delegate", organisation="X"), session_ids=[], delegation=city
    ).registration
    services.register(event=event, person=PersonFactory(), session_ids=[])
    client.force_login(organiser_user())

    response = client.get(reverse("admin:registration_registration_changelist"), {"delegation__id__exact": city.pk})

    assert list(response.context["cl"].result_list) == [delegate]
    assert "Berlin" in response.content.decode()


def test_the_registrations_list_filters_by_check_in(client, event):
    checkpoint = Checkpoint.objects.create(event=event, slug="entrance", name="Main entrance", day=event.start_date)
    inside = services.register(event=event, person=PersonFactory(), session_ids=[]).registration
    outside = services.register(event=event, person=PersonFactory(), session_ids=[]).registration
    undone = services.register(event=event, person=PersonFactory(), session_ids=[]).registration
    CheckIn.objects.create(registration=inside, checkpoint=checkpoint, day=event.start_date)
    CheckIn.objects.create(registration=undone, checkpoint=checkpoint, day=event.start_date, undone_at=timezone.now())
    client.force_login(organiser_user())
    url = reverse("admin:registration_registration_changelist")

    yes = client.get(url, {"checked_in": "yes"}).context["cl"].result_list
    no = client.get(url, {"checked_in": "no"}).context["cl"].result_list

    assert list(yes) == [inside]
    assert set(no) == {outside, undone}
    assert Registration.objects.count() == 3
    assert Booking.objects.count() == 0


def test_another_event_is_chosen_by_its_id_and_odd_values_are_ignored(client, event):
    ParticipatingCityFactory(event=event, name_en="Berlin")
    older = EventFactory(slug="wego-2008", is_current=False)
    ParticipatingCityFactory(event=older, name_en="Quito")
    client.force_login(staff_with("viewer", "view_registration"))
    url = reverse("delegations:index")

    chosen = client.get(url, {"event": older.pk})
    odd = client.get(url, {"event": "9" * 30})

    assert [d.city.name for d in chosen.context["delegations"]] == ["Quito"]
    assert [d.city.name for d in odd.context["delegations"]] == ["Berlin"]


def test_an_organiser_puts_a_registration_in_a_delegation_of_its_event(client, event):
    from registration import organiser
    from registration.errors import RegistrationError

    berlin = ParticipatingCityFactory(event=event, name_en="Berlin")
    elsewhere = ParticipatingCityFactory(event=EventFactory(slug="wego-2008", is_current=False))
    person = services.register(
        event=event, person=PersonFactory(category="delegate", organisation="X"), session_ids=[]
    ).registration
    client.force_login(organiser_user())
    page = client.get(reverse("admin:registration_registration_change", args=[person.pk]))

    assert list(page.context["adminform"].form.fields["delegation"].queryset) == [berlin]
    organiser.edit_registration(registration=person, changes={"delegation": berlin})
    with pytest.raises(RegistrationError) as refused:
        organiser.edit_registration(registration=person, changes={"delegation": elsewhere})

    person.refresh_from_db()
    assert person.delegation == berlin
    assert refused.value.code == "wrong_event"
