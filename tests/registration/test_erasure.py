"""Erasure on request: the registration is cancelled (seats and place to the
people waiting), its personal data blanked in the registration and in its
history, its link, ticket and code dead, its mail gone; the counts stay, and the
audit trail says who erased and when, with no erased value. From the admin
(organisers: registration.erase_person) and from the private page."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse as django_reverse
from django.utils import translation

from registration import checkin, erasure, roles, services
from registration.audit import ERASED
from registration.models import (
    Booking,
    BookingStatus,
    CheckIn,
    Checkpoint,
    CheckpointKind,
    OutgoingMail,
    Registration,
    Status,
)
from tests.factories import WorkshopFactory
from tests.registration.desk_world import staff_user
from tests.registration.pages import manage_url, register_directly, text
from tests.registration.test_purge_leaves_no_trace import database_dump, traces

pytestmark = pytest.mark.usefixtures("no_mail_after_commit")

NAME, ADDRESS, ORGANISATION = "독고 한결", "hangyeol@example.org", "서울특별시청"


def reverse(name, args):
    with translation.override("en"):
        return django_reverse(name, args=args)


def organiser(client):
    user = staff_user("orga", roles.ORGANISERS)
    user.is_staff = True
    user.save()
    client.force_login(user)
    return client, user


@pytest.fixture
def full_workshop(clock, open_event):
    """One seat: the person holds it, someone else waits for it; the person checked in on its day."""
    open_event.capacity = 1
    open_event.save()
    workshop = WorkshopFactory(event=open_event, capacity=1)
    person = register_directly(open_event, sessions=[workshop], name=NAME, email=ADDRESS, organisation=ORGANISATION)
    services.update_details(
        registration=person, person={"organisation": "Second Organisation"}
    )  # a second value in the history
    waiting = register_directly(open_event, sessions=[workshop], name="Waiting Person", email="wait@example.org")
    entrance = Checkpoint.objects.create(
        event=open_event, slug="entrance", name_en="Entrance", kind=CheckpointKind.ENTRANCE, day=workshop.local_day()
    )
    assert checkin.check_in(checkpoint=entrance, registration=person, now=workshop.starts_at).result == "ok"
    return person, waiting, workshop, entrance


def assert_erased(person: Registration, old: Registration, workshop, entrance, waiting) -> None:
    person.refresh_from_db()
    assert (person.name, person.email, person.organisation, person.status) == ("", "", "", Status.CANCELLED)
    assert person.anonymised_at is not None
    # The old ticket, code and link find nothing.
    assert checkin.find_ticket(event=workshop.event, text=old.ticket_secret) is None
    assert checkin.find_ticket(event=workshop.event, text=old.code) is None
    # The seat and the place went to the person waiting; the counts are right.
    waiting.refresh_from_db()
    assert waiting.status == Status.CONFIRMED
    assert Booking.objects.get(registration=waiting).status == BookingStatus.CONFIRMED
    workshop.refresh_from_db()
    workshop.event.refresh_from_db()
    assert (workshop.seats_booked, workshop.event.seats_taken) == (1, 1)
    # The check-in still counts at its checkpoint; no mail to them is left.
    assert CheckIn.objects.filter(checkpoint=entrance, undone_at__isnull=True).count() == 1
    assert not OutgoingMail.objects.filter(to_email__iexact=ADDRESS).exists()
    # No erased value anywhere in the database, the history tables included.
    assert (
        traces(database_dump(), NAME, ADDRESS, ORGANISATION, "Second Organisation", old.manage_secret, old.code)
        == set()
    )


def test_an_organiser_erases_a_person_from_the_admin(client, full_workshop):
    person, waiting, workshop, entrance = full_workshop
    old = Registration.objects.get(pk=person.pk)
    admin, user = organiser(client)
    change_page = admin.get(reverse("admin:registration_registration_change", [person.pk])).content.decode()
    assert reverse("admin:registration_erase", [person.pk]) in change_page

    confirm = admin.get(reverse("admin:registration_erase", [person.pk]))
    assert "This cannot be undone." in text(confirm)
    response = admin.post(reverse("admin:registration_erase", [person.pk]))

    assert response["Location"] == reverse("admin:registration_registration_change", [person.pk])
    assert_erased(person, old, workshop, entrance, waiting)
    assert client.get(manage_url(old)).status_code == 404
    erased = Registration.history.filter(id=person.pk, history_change_reason=ERASED).get()
    assert (erased.history_actor, erased.history_user, erased.history_via) == ("organiser", user, "erasure")
    assert (erased.name, erased.email) == ("", "")
    page = text(admin.get(reverse("admin:registration_registration_change", [person.pk])))
    assert "erased on request" in page
    assert "an organiser (orga)" in page
    # The erasure's line says the values are gone, next to when they went.
    assert "Personal data erased; the erased values are not kept." in page


def test_a_person_erases_themselves_from_their_private_page(client, full_workshop):
    person, waiting, workshop, entrance = full_workshop
    old = Registration.objects.get(pk=person.pk)
    assert manage_url(person, "erase") in client.get(manage_url(person)).content.decode()

    confirm = client.get(manage_url(person, "erase"))
    assert "This cannot be undone." in text(confirm)
    done = client.post(manage_url(person, "erase"))

    assert "Your data has been erased" in text(done)
    assert_erased(person, old, workshop, entrance, waiting)
    assert client.get(manage_url(old)).status_code == 404
    assert client.get(manage_url(old, "my_data_json")).status_code == 404
    erased = Registration.history.filter(id=person.pk, history_change_reason=ERASED).get()
    assert (erased.history_actor, erased.history_user, erased.history_via) == ("attendee", None, "erasure")


def test_erasing_twice_changes_nothing_more(clock, open_event):
    person = register_directly(open_event, name=NAME, email=ADDRESS)
    erasure.erase(registration=person)
    rows = Registration.history.filter(id=person.pk).count()

    erasure.erase(registration=person)

    assert Registration.history.filter(id=person.pk).count() == rows


@pytest.mark.parametrize("role", ["desk", "staff_without_permission"])
def test_erasure_is_for_organisers_only(client, clock, open_event, role):
    person = register_directly(open_event, name=NAME, email=ADDRESS)
    if role == "desk":
        user = staff_user("desk", roles.DESK_STAFF)
    else:
        user = get_user_model().objects.create_user("clerk", is_staff=True)
        user.user_permissions.add(*roles.ensure_groups()[roles.ORGANISERS].permissions.exclude(codename="erase_person"))
    client.force_login(user)

    client.post(reverse("admin:registration_erase", [person.pk]))

    person.refresh_from_db()
    assert (person.name, person.email) == (NAME, ADDRESS)
    if role != "desk":
        page = client.get(reverse("admin:registration_registration_change", [person.pk])).content.decode()
        assert reverse("admin:registration_erase", [person.pk]) not in page
