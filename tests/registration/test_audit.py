"""The audit trail: every change of a registration, its bookings, consents and
check-ins has a history row saying who (attendee, desk, organiser, system), when,
and the values after it (the row before holds those before): made on the private
page, at the desk, in the admin, by the waiting list's promotion, by the purge."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from registration import audit, history, roles, services
from registration.audit import ActorKind
from registration.models import Booking, BookingStatus, CheckIn, Consent, Registration
from tests.factories import WorkshopFactory
from tests.registration.desk_world import desk_url, post, register, scan, staff_user
from tests.registration.pages import manage_url, register_directly, submit, valid_data

pytestmark = pytest.mark.usefixtures("no_mail_after_commit")


def organiser_client(client):
    user = staff_user("orga", roles.ORGANISERS)
    user.is_staff = True
    user.save()
    client.force_login(user)
    return client, user


def trail(model, **filters) -> list[tuple[str, str, str, str]]:
    """(type, actor, user, via) of each history row, oldest first."""
    rows = model.history.filter(**filters).order_by("history_date", "history_id")
    return [
        (row.history_type, row.history_actor, row.history_user.username if row.history_user else "", row.history_via)
        for row in rows
    ]


def test_the_form_and_the_private_page_are_recorded_as_the_attendee(client, clock, open_event):
    workshop, other = WorkshopFactory(event=open_event), WorkshopFactory(event=open_event)
    submit(client, clock, valid_data(name="Ana Lima", organisation="Old Org", sessions=[workshop.pk]))
    registration = Registration.objects.get()

    client.post(manage_url(registration, "manage_sessions"), {"sessions-sessions": [other.pk]})
    details = {
        "details-name": "Ana Lima",
        "details-organisation": "New Org",
        "details-job_title": "",
        "details-country": "BR",
        "details-city": "Seoul",
        "details-phone": "",
        "details-language": "en",
        "details-needs": "",
    }
    response = client.post(manage_url(registration, "manage_details"), details)
    assert response.status_code == 302, response.context["details_form"].errors

    assert trail(Registration, id=registration.pk) == [("+", "attendee", "", ""), ("~", "attendee", "", "")]
    assert trail(Booking, registration=registration, session=workshop) == [
        ("+", "attendee", "", ""),
        ("~", "attendee", "", ""),
    ]
    assert trail(Booking, registration=registration, session=other) == [("+", "attendee", "", "")]
    assert {row[1] for row in trail(Consent, registration=registration)} == {"attendee"}
    assert len(trail(Consent, registration=registration)) == registration.consents.count()  # bulk_create too
    changes = history.changes_of(registration)
    organisation = [f for c in changes if c.subject == "registration" for f in c.fields if f.name == "organisation"]
    assert [(f.before, f.after) for f in organisation] == [("", "Old Org"), ("Old Org", "New Org")]
    dropped = next(c for c in changes if c.subject == "booking" and c.action == "~")
    assert [(f.name, f.before, f.after) for f in dropped.fields] == [("status", "Seat booked", "Cancelled")]


def test_desk_scan_undo_and_walk_in_are_recorded_as_desk_staff(desk_client, desk_user, world, on_7_september):
    person = register(world.event, name="Ana Lima")
    checkin_id = scan(desk_client, world.entrance_7, person.ticket_secret).json()["checkin"]["id"]
    post(desk_client, "api_undo", {"checkin": checkin_id})

    assert trail(CheckIn, id=checkin_id) == [("+", "desk", "desk-staff", ""), ("~", "desk", "desk-staff", "")]
    undo = [c for c in history.changes_of(person) if c.subject == "check-in"][-1]
    assert [f.name for f in undo.fields] == ["undone_at", "undone_by"]
    assert undo.fields[1].after == "desk-staff"


def test_a_walk_in_is_recorded_as_desk_staff(desk_client, world, on_7_september):
    page = desk_client.get(desk_url("walk_in")).content.decode()
    token = re.search(r'name="token" value="([^"]+)"', page).group(1)
    fields = {"name": "Walk In", "category": "citizen", "country": "KR", "privacy_consent": "on"}
    desk_client.post(desk_url("walk_in"), {**fields, "checkpoint": world.entrance_7.slug, "token": token})

    walk_in = Registration.objects.get(name="Walk In")
    assert trail(Registration, id=walk_in.pk) == [("+", "desk", "desk-staff", "walk_in")]
    assert trail(CheckIn, registration=walk_in) == [("+", "desk", "desk-staff", "walk_in")]


def test_admin_edits_and_actions_are_recorded_as_the_organiser(client, clock, open_event):
    organiser, _user = organiser_client(client)
    registration = register_directly(open_event, name="Ana Lima", organisation="Old Org")
    change_url = reverse("admin:registration_registration_change", args=[registration.pk])
    form = organiser.get(change_url).context["adminform"].form
    data = {name: "" if value is None else str(value) for name, value in form.initial.items() if name in form.fields}
    for formset_prefix in ("bookings", "consents", "checkins"):
        data.update({f"{formset_prefix}-TOTAL_FORMS": "0", f"{formset_prefix}-INITIAL_FORMS": "0"})
    organiser.post(change_url, {**data, "organisation": "Seoul City Hall"})
    changelist = reverse("admin:registration_registration_changelist")
    organiser.post(changelist, {"action": "cancel_selected", "_selected_action": [registration.pk]})

    assert trail(Registration, id=registration.pk) == [
        ("+", "system", "", ""),
        ("~", "organiser", "orga", ""),
        ("~", "organiser", "orga", ""),
    ]
    page = organiser.get(change_url).content.decode()  # the admin in Korean
    assert "변경 기록" in page
    assert "Old Org → Seoul City Hall" in page
    assert "주최 측 (orga)" in page
    with translation.override("en"):
        english = organiser.get(reverse("admin:registration_registration_change", args=[registration.pk]))
    assert "Audit trail" in english.content.decode()
    assert "an organiser (orga)" in english.content.decode()


def test_waiting_list_promotion_is_recorded_as_the_system(clock, open_event):
    workshop = WorkshopFactory(event=open_event, capacity=1)
    first = register_directly(open_event, sessions=[workshop])
    second = register_directly(open_event, sessions=[workshop])
    waiting = Booking.objects.get(registration=second)
    assert waiting.status == BookingStatus.WAITLISTED

    with audit.acting_as(ActorKind.ATTENDEE):
        services.cancel(registration=first)

    assert trail(Booking, id=waiting.pk)[-1] == ("~", "system", "", "waiting_list")
    assert trail(Registration, id=first.pk)[-1] == ("~", "attendee", "", "")
    with translation.override("en"):
        promoted = next(c for c in history.changes_of(second) if c.subject == "booking" and c.action == "~")
    assert (promoted.actor_label, promoted.via_label) == ("the system", "waiting-list promotion")


def test_a_registration_that_loses_the_last_place_records_its_bookings_waiting(clock, open_event):
    """_settle_place changes the bookings just made: recorded through save(), not update()."""
    open_event.capacity = 1
    open_event.save()
    workshop = WorkshopFactory(event=open_event, capacity=5)
    register_directly(open_event)
    registration = Registration(event=open_event, name="Late", country="KR", language="en", category="citizen")
    registration.status = "confirmed"
    registration.save()
    booking = services._book(registration, workshop, clock_now(), new=True)
    services._settle_place(registration, [workshop], {workshop.pk: booking}, open_event, clock_now())

    assert Booking.history.filter(id=booking.pk).latest("history_id").status == BookingStatus.WAITLISTED
    assert Registration.history.filter(id=registration.pk).latest("history_id").status == "waitlisted"


def clock_now():
    return timezone.now()


def test_history_runs_a_constant_number_of_queries(clock, open_event, django_assert_num_queries):
    workshops = [WorkshopFactory(event=open_event) for _ in range(2)]
    registration = register_directly(open_event, sessions=workshops[:1])
    # four history tables, then the sessions named (no checkpoint, no staff account yet)
    with django_assert_num_queries(5):
        few = history.changes_of(registration)
    services.change_sessions(registration=registration, session_ids=[workshops[1].pk])
    services.set_news_consent(registration=registration, granted=True)
    with django_assert_num_queries(5):
        more = history.changes_of(registration)
    assert len(more) > len(few)


def test_the_admin_change_page_queries_do_not_grow_with_the_history(client, clock, open_event):
    organiser, _user = organiser_client(client)
    workshops = [WorkshopFactory(event=open_event) for _ in range(3)]
    registration = register_directly(open_event, sessions=workshops[:1])
    change_url = reverse("admin:registration_registration_change", args=[registration.pk])
    organiser.get(change_url)  # warm the session and content-type caches

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert organiser.get(change_url).status_code == 200
        return len(captured)

    few = queries()
    for workshop in workshops[1:]:
        services.change_sessions(registration=registration, session_ids=[workshop.pk])
        services.set_news_consent(registration=registration, granted=not services.news_consent_granted(registration))

    assert len(history.changes_of(registration)) > 8
    assert queries() == few


def test_the_audit_trail_scrolls_in_a_box_the_keyboard_reaches(client, clock, open_event):
    """On a phone the trail's table scrolls sideways in its own box: the box takes
    the keyboard's focus and is named by the trail's heading (axe:
    scrollable-region-focusable)."""
    organiser, _user = organiser_client(client)
    registration = register_directly(open_event, name="Ana Lima")

    page = organiser.get(reverse("admin:registration_registration_change", args=[registration.pk])).content.decode()

    assert '<div class="audit-scroll" role="region" tabindex="0" aria-labelledby="audit-trail-title">' in page
    assert '<h2 id="audit-trail-title">' in page
