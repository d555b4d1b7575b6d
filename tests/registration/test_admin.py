"""Registrations, bookings and the outbox in the admin: search, filters, the
actions that go through the services (seats freed and given on), read-only
counters and secrets, and changelists with a fixed number of queries."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from events.models import Event, Session
from registration import services
from registration.models import (
    Booking,
    BookingStatus,
    MailKind,
    MailStatus,
    OutgoingMail,
    Registration,
    Status,
)
from tests.factories import EventFactory, PersonFactory, SessionFactory, WorkshopFactory, seoul

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("no_mail_after_commit")]

REGISTRATIONS = "admin:registration_registration_changelist"
BOOKINGS = "admin:registration_booking_changelist"
OUTBOX = "admin:registration_outgoingmail_changelist"


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.fixture
def event():
    return EventFactory(slug="wego-2010", name_en="WeGO General Assembly", capacity=100)


@pytest.fixture
def workshop(event):
    return WorkshopFactory(event=event, slug="workshop-1", title_en="Workshop 1: Open data", capacity=1)


def register(event, sessions=(), **person):
    details = PersonFactory(**person)
    return services.register(event=event, person=details, session_ids=[s.pk for s in sessions]).registration


def listed(response) -> list[Registration]:
    return list(response.context["cl"].result_list)


def act(admin_client, action, objects, url=REGISTRATIONS):
    return admin_client.post(
        reverse(url), {"action": action, "_selected_action": [obj.pk for obj in objects]}, follow=True
    )


# Registrations list ------------------------------------------------------------


def test_changelist_shows_the_columns_organisers_need(admin_client, event, time_machine):
    time_machine.move_to(seoul(2010, 8, 20, 9, 5), tick=False)
    registration = register(
        event, name="김민준", email="minjun@example.org", organisation="Seoul Metropolitan Government"
    )

    response = admin_client.get(reverse(REGISTRATIONS))

    assert listed(response) == [registration]
    html = response.content.decode()
    for text in (registration.code, "김민준", "minjun@example.org", "Seoul Metropolitan Government"):
        assert text in html
    assert '<td class="field-registered_at">2010-08-20 09:05</td>' in html
    assert registration.ticket_secret not in html
    assert registration.manage_secret not in html


@pytest.mark.parametrize("n", [1, 5])
def test_changelist_queries_do_not_grow_with_rows(admin_client, event, workshop, n, django_assert_num_queries):
    for _ in range(n):
        register(event, [workshop])
    admin_client.get(reverse(REGISTRATIONS))  # warm the session and content-type caches

    # session, user, event filter, delegation filter, session filter, 2 counts,
    # registrations+event+delegation (the admin never reads request.event)
    with django_assert_num_queries(8):
        response = admin_client.get(reverse(REGISTRATIONS))

    assert len(listed(response)) == n


@pytest.mark.parametrize(
    ("term", "expected"),
    [
        ("jose", ["José Kim"]),
        ("KIM", ["José Kim"]),
        ("lima@", ["Ana Lima"]),
        ("information planning", ["Ana Lima"]),
        ("nobody", []),
    ],
)
def test_search_by_name_email_and_organisation(admin_client, event, term, expected):
    register(event, name="José Kim", email="jk@example.org", organisation="Busan City")
    register(event, name="Ana Lima", email="ana.lima@example.org", organisation="Information Planning Division")

    response = admin_client.get(reverse(REGISTRATIONS), {"q": term})

    assert [r.name for r in listed(response)] == expected


@pytest.mark.parametrize("typed", ["{code}", "{lower}", "{spaced}"])
def test_search_by_code_as_read_out_over_the_phone(admin_client, event, typed):
    wanted = register(event)
    register(event)
    term = typed.format(code=wanted.code, lower=wanted.code.lower(), spaced=f"{wanted.code[:4]} {wanted.code[4:]}")

    response = admin_client.get(reverse(REGISTRATIONS), {"q": term})

    assert listed(response) == [wanted]


def test_filters_by_category_status_and_walk_in(admin_client, event):
    citizen = register(event, category="citizen")
    press = register(event, category="press")
    walk_in = services.register(event=event, person=PersonFactory(), session_ids=[], walk_in=True).registration

    assert listed(admin_client.get(reverse(REGISTRATIONS), {"category": "press"})) == [press]
    assert listed(admin_client.get(reverse(REGISTRATIONS), {"status": "pending"})) == [press]
    assert listed(admin_client.get(reverse(REGISTRATIONS), {"is_walk_in__exact": "1"})) == [walk_in]
    everyone = listed(admin_client.get(reverse(REGISTRATIONS), {"event__id__exact": str(event.pk)}))
    assert set(everyone) == {citizen, press, walk_in}


def test_filter_by_session_lists_the_events_bookable_sessions(admin_client, event, workshop):
    other_workshop = WorkshopFactory(
        event=event,
        slug="workshop-2",
        title_en="Workshop 2: Smart city",
        starts_at=seoul(2010, 9, 8, 14),
        ends_at=seoul(2010, 9, 8, 17),
    )
    SessionFactory(event=event, slug="opening", title_en="Opening ceremony")  # no booking: not offered
    seated = register(event, [workshop])
    waiting = register(event, [workshop])  # capacity 1: on the waiting list
    elsewhere = register(event, [other_workshop])
    cancelled = register(event, [workshop, other_workshop])
    services.cancel(registration=cancelled)

    response = admin_client.get(reverse(REGISTRATIONS), {"session": str(workshop.pk)})

    assert set(listed(response)) == {seated, waiting}
    assert elsewhere not in listed(response)
    [session_filter] = [f for f in response.context["cl"].filter_specs if getattr(f, "parameter_name", "") == "session"]
    assert [title for _pk, title in session_filter.lookup_choices] == [workshop.title, other_workshop.title]


def test_filter_by_session_ignores_a_bad_value(admin_client, event, workshop):
    register(event, [workshop])

    response = admin_client.get(reverse(REGISTRATIONS), {"session": "x' OR 1=1"})

    assert response.status_code == 200
    assert listed(response) == []


def attention_world(event) -> dict[str, Registration]:
    """One registration per reason the desk may (or may not) mark someone."""
    vip = register(event, name="VIP")
    Registration.objects.filter(pk=vip.pk).update(needs_attention=True, attention_note="Mayor")
    stale = register(event, name="Stale note")  # a note without the flag: not marked
    Registration.objects.filter(pk=stale.pk).update(attention_note="old note")
    wheelchair = services.register(
        event=event,
        person=PersonFactory(name="Wheelchair", needs="Wheelchair access"),
        session_ids=[],
        sensitive_consent=True,
    ).registration
    unconsented = register(event, name="Needs typed without consent")
    Registration.objects.filter(pk=unconsented.pk).update(needs="Vegetarian")
    nobody = register(event, name="Nobody special")
    return {"vip": vip, "stale": stale, "wheelchair": wheelchair, "unconsented": unconsented, "nobody": nobody}


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("desk", {"vip", "wheelchair"}),
        ("flagged", {"vip"}),
        ("needs", {"wheelchair", "unconsented"}),
        ("", {"vip", "stale", "wheelchair", "unconsented", "nobody"}),
    ],
)
def test_filter_by_attention_at_the_desk(admin_client, event, value, expected):
    people = attention_world(event)

    response = admin_client.get(reverse(REGISTRATIONS), {"attention": value} if value else {})

    names = {key for key, person in people.items() if person in listed(response)}
    assert names == expected


def test_attention_filter_is_offered_with_its_choices(admin_client, event):
    response = admin_client.get(reverse(REGISTRATIONS))

    [attention] = [f for f in response.context["cl"].filter_specs if getattr(f, "parameter_name", "") == "attention"]
    assert [str(label) for _value, label in attention.lookup_choices] == [
        "Marked for attention at the desk",
        "Flagged by an organiser",
        "Gave accessibility or dietary needs",
    ]


def test_the_needs_fieldset_says_what_the_desk_shows(admin_client, event):
    registration = register(event)

    response = admin_client.get(reverse("admin:registration_registration_change", args=[registration.pk]))

    assert "those who gave accessibility or dietary needs with their consent" in response.content.decode()


# Read-only where the services keep the rules --------------------------------------


def test_registrations_are_not_added_or_deleted_in_the_admin(admin_client, event):
    registration = register(event)

    assert admin_client.get(reverse("admin:registration_registration_add")).status_code == 403
    delete_url = reverse("admin:registration_registration_delete", args=[registration.pk])
    assert admin_client.post(delete_url, {"post": "yes"}).status_code == 403
    changelist = admin_client.get(reverse(REGISTRATIONS)).content.decode()
    assert 'value="approve_selected"' in changelist
    assert 'value="delete_selected"' not in changelist
    assert Registration.objects.filter(pk=registration.pk).exists()


def test_change_form_hides_secrets_and_shows_bookings_and_consents(admin_client, event, workshop):
    registration = register(event, [workshop], name="Ana Lima")

    response = admin_client.get(reverse("admin:registration_registration_change", args=[registration.pk]))

    html = response.content.decode()
    assert registration.code in html
    assert "Workshop 1: Open data" in html
    for secret in (registration.ticket_secret, registration.manage_secret):
        assert secret not in html
    form = response.context["adminform"].form
    assert "status" not in form.fields
    assert "category" not in form.fields
    assert "name" in form.fields
    inline_models = [inline.formset.model for inline in response.context["inline_admin_formsets"]]
    assert [model.__name__ for model in inline_models] == ["Booking", "Consent", "CheckIn"]
    for inline in response.context["inline_admin_formsets"]:
        assert not inline.has_add_permission
        assert not inline.has_change_permission


def test_saving_the_form_changes_the_details_but_never_the_status(admin_client, event, workshop):
    registration = register(event, [workshop], name="Ana Lima", category="citizen")
    url = reverse("admin:registration_registration_change", args=[registration.pk])
    page = admin_client.get(url)
    data = {
        name: value if value is not None else ""
        for name, value in page.context["adminform"].form.initial.items()
        if name in page.context["adminform"].form.fields
    }
    for inline in page.context["inline_admin_formsets"]:
        management = inline.formset.management_form
        data.update({f"{management.prefix}-{key}": value for key, value in management.initial.items()})
    # Cancelled elsewhere while the organiser had the form open:
    services.cancel(registration=registration)
    data.update({"name": "Ana Lima Silva", "status": "confirmed", "category": "delegate", "country": "BR"})

    response = admin_client.post(url, data)

    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else ""
    registration.refresh_from_db()
    assert registration.name == "Ana Lima Silva"
    assert registration.country.code == "BR"
    assert registration.status == Status.CANCELLED
    assert registration.category == "citizen"


def change_form_data(admin_client, url) -> dict:
    """What the change form posts back when nothing is touched."""
    page = admin_client.get(url)
    form = page.context["adminform"].form
    data = {name: value if value is not None else "" for name, value in form.initial.items() if name in form.fields}
    for inline in page.context["inline_admin_formsets"]:
        management = inline.formset.management_form
        data.update({f"{management.prefix}-{key}": value for key, value in management.initial.items()})
    return data


def test_needs_are_refused_in_the_admin_without_the_persons_consent(admin_client, event):
    registration = register(event, name="Ana Lima", needs="")
    url = reverse("admin:registration_registration_change", args=[registration.pk])
    data = change_form_data(admin_client, url)
    data.update({"needs": "Wheelchair access", "name": "Ana Lima Silva"})

    response = admin_client.post(url, data)

    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert list(errors) == ["needs"]
    assert "has not agreed to the processing of accessibility or dietary needs" in errors["needs"][0]
    registration.refresh_from_db()
    assert (registration.needs, registration.name) == ("", "Ana Lima")


@pytest.mark.parametrize(
    ("consented", "before", "after"),
    [
        (True, "Wheelchair access", "Wheelchair access; a vegetarian meal"),  # changed, with consent
        (False, "Vegetarian", ""),  # stored before the rule, cleared without consent
    ],
)
def test_needs_the_rule_allows_are_saved_in_the_admin(admin_client, event, consented, before, after):
    details = PersonFactory(needs=before if consented else "")
    registration = services.register(
        event=event, person=details, session_ids=[], sensitive_consent=consented
    ).registration
    Registration.objects.filter(pk=registration.pk).update(needs=before)
    url = reverse("admin:registration_registration_change", args=[registration.pk])
    data = change_form_data(admin_client, url)
    data["needs"] = after

    response = admin_client.post(url, data)

    assert response.status_code == 302
    registration.refresh_from_db()
    assert registration.needs == after


# Actions ----------------------------------------------------------------------------


def test_approve_selected_confirms_pending_and_skips_others(admin_client, event):
    press = register(event, category="press", email="press@example.org")
    citizen = register(event, category="citizen")

    response = act(admin_client, "approve_selected", [press, citizen])

    press.refresh_from_db()
    assert press.status == Status.CONFIRMED
    assert OutgoingMail.objects.filter(registration=press, kind=MailKind.APPROVED).count() == 1
    messages = [str(m) for m in response.context["messages"]]
    assert messages == ["1 registration approved.", "1 registration skipped: not awaiting approval."]


def test_reject_selected_frees_the_seat_for_the_first_person_waiting(admin_client, event, workshop):
    delegate = register(event, [workshop], category="delegate")  # pending, holds the one seat
    waiting = register(event, [workshop], category="citizen")

    act(admin_client, "reject_selected", [delegate])

    delegate.refresh_from_db()
    workshop.refresh_from_db()
    event.refresh_from_db()
    assert delegate.status == Status.REJECTED
    assert Booking.objects.get(registration=waiting, session=workshop).status == BookingStatus.CONFIRMED
    assert workshop.seats_booked == 1
    assert event.seats_taken == 1
    assert OutgoingMail.objects.filter(registration=waiting, kind=MailKind.PROMOTED).count() == 1
    assert OutgoingMail.objects.filter(registration=delegate, kind=MailKind.REJECTED).count() == 1


def test_reject_selected_leaves_confirmed_registrations_alone(admin_client, event):
    citizen = register(event, category="citizen")

    act(admin_client, "reject_selected", [citizen])

    citizen.refresh_from_db()
    assert citizen.status == Status.CONFIRMED


def test_cancel_selected_frees_seats_and_places(admin_client, event, workshop):
    seated = register(event, [workshop])
    waiting = register(event, [workshop])

    response = act(admin_client, "cancel_selected", [seated])

    seated.refresh_from_db()
    assert seated.status == Status.CANCELLED
    assert Booking.objects.get(registration=waiting, session=workshop).status == BookingStatus.CONFIRMED
    assert Session.objects.get(pk=workshop.pk).seats_booked == 1
    assert Event.objects.get(pk=event.pk).seats_taken == 1
    assert [str(m) for m in response.context["messages"]] == ["1 registration cancelled."]


def test_resend_confirmation_queues_the_right_mail(admin_client, event):
    citizen = register(event, category="citizen")
    press = register(event, category="press")
    cancelled = register(event)
    services.cancel(registration=cancelled)
    OutgoingMail.objects.all().delete()

    response = act(admin_client, "resend_confirmation", [citizen, press, cancelled])

    kinds = dict(OutgoingMail.objects.values_list("registration_id", "kind"))
    assert kinds == {citizen.pk: MailKind.CONFIRMATION, press.pk: MailKind.PENDING}
    assert [str(m) for m in response.context["messages"]] == [
        "2 registrations e-mailed again.",
        "1 registration skipped: cancelled, rejected or without e-mail.",
    ]


# Bookings --------------------------------------------------------------------------


@pytest.mark.parametrize("n", [1, 5])
def test_booking_changelist_is_read_only_with_fixed_queries(
    admin_client, event, workshop, n, django_assert_num_queries
):
    for _ in range(n):
        register(event, [workshop])
    admin_client.get(reverse(BOOKINGS))

    # session, user, event and session filters, 2 counts, bookings+registration+session+event
    with django_assert_num_queries(7):
        response = admin_client.get(reverse(BOOKINGS))

    assert len(response.context["cl"].result_list) == n
    assert admin_client.get(reverse("admin:registration_booking_add")).status_code == 403
    assert "Workshop 1: Open data" in response.content.decode()


def test_booking_changelist_filters_by_status(admin_client, event, workshop):
    seated = register(event, [workshop])
    register(event, [workshop])

    response = admin_client.get(reverse(BOOKINGS), {"status__exact": BookingStatus.CONFIRMED})

    assert [b.registration for b in response.context["cl"].result_list] == [seated]


# Outbox -----------------------------------------------------------------------------


def failing_mail(event, **fields) -> OutgoingMail:
    registration = register(event)
    mail = registration.mails.get()
    for name, value in fields.items():
        setattr(mail, name, value)
    mail.save()
    return mail


def test_outbox_shows_status_attempts_and_last_error(admin_client, event):
    mail = failing_mail(
        event,
        attempts=3,
        last_error="SMTPServerDisconnected: Connection unexpectedly closed",
        next_attempt_at=timezone.now() + timedelta(minutes=2),
    )

    response = admin_client.get(reverse(OUTBOX))

    html = response.content.decode()
    assert list(response.context["cl"].result_list) == [mail]
    assert "SMTPServerDisconnected: Connection unexpectedly closed" in html
    assert mail.to_email in html
    assert admin_client.get(reverse("admin:registration_outgoingmail_add")).status_code == 403


def test_outbox_filters_by_status_and_kind(admin_client, event):
    failed = failing_mail(event, status=MailStatus.FAILED)
    failing_mail(event, status=MailStatus.SENT)

    assert list(admin_client.get(reverse(OUTBOX), {"status__exact": "failed"}).context["cl"].result_list) == [failed]
    by_kind = admin_client.get(reverse(OUTBOX), {"kind__exact": "confirmation"}).context["cl"].result_list
    assert len(by_kind) == 2


def test_retry_now_requeues_unsent_mail(admin_client, event, time_machine):
    time_machine.move_to(seoul(2010, 8, 20, 10), tick=False)
    failed = failing_mail(
        event,
        status=MailStatus.FAILED,
        attempts=30,
        last_error="SMTPServerDisconnected",
        next_attempt_at=seoul(2010, 8, 20, 12),
    )
    sent = failing_mail(event, status=MailStatus.SENT, attempts=1, next_attempt_at=seoul(2010, 8, 20, 9))

    act(admin_client, "retry_now", [failed, sent], url=OUTBOX)

    failed.refresh_from_db()
    sent.refresh_from_db()
    assert failed.status == MailStatus.QUEUED
    assert failed.next_attempt_at == seoul(2010, 8, 20, 10)
    assert failed.attempts == 0  # a fresh round of retries with back-off
    assert failed.last_error  # why it failed stays visible until the next attempt
    assert sent.status == MailStatus.SENT
    assert sent.attempts == 1


@pytest.mark.parametrize("n", [1, 5])
def test_outbox_changelist_queries_do_not_grow_with_rows(admin_client, event, n, django_assert_num_queries):
    for _ in range(n):
        register(event)
    admin_client.get(reverse(OUTBOX))

    # session, user, 2 counts, mails (the admin never reads request.event)
    with django_assert_num_queries(5):
        response = admin_client.get(reverse(OUTBOX))

    assert len(response.context["cl"].result_list) == n


def test_outbox_and_booking_detail_pages_are_read_only(admin_client, event, workshop):
    registration = register(event, [workshop])
    mail = failing_mail(event, last_error="ConnectionRefusedError: [Errno 111] Connection refused")
    booking = Booking.objects.get(registration=registration)

    mail_page = admin_client.get(reverse("admin:registration_outgoingmail_change", args=[mail.pk]))
    booking_page = admin_client.get(reverse("admin:registration_booking_change", args=[booking.pk]))

    assert "ConnectionRefusedError: [Errno 111] Connection refused" in mail_page.content.decode()
    assert mail_page.context["adminform"].form.fields == {}
    assert booking_page.context["adminform"].form.fields == {}
    assert 'name="_save"' not in booking_page.content.decode()
