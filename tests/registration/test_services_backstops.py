"""registration.services: the database's backstops, and the outbox written in the same transaction.

Every scenario ends by recounting the seat counters (tests/registration/invariants.py).
"""

import pytest
from django.db import IntegrityError, transaction
from django.db.models import F

from events.models import Event, Session
from registration import services
from registration.models import (
    Booking,
    BookingStatus,
    MailKind,
    MailStatus,
    OutgoingMail,
    Registration,
)
from tests.factories import EventFactory
from tests.registration.invariants import assert_counters_consistent
from tests.registration.services_helpers import booking, refresh, register, roll_back, workshop

pytestmark = pytest.mark.usefixtures("no_mail_after_commit")


@pytest.fixture
def event(db):
    return EventFactory(capacity=100)


# Database backstops ------------------------------------------------------------------


def test_database_refuses_session_overbooking(event):
    session = workshop(event, capacity=2)

    with pytest.raises(IntegrityError), transaction.atomic():
        Session.objects.filter(pk=session.pk).update(seats_booked=F("capacity") + 1)


def test_database_refuses_event_overfilling(event):
    with pytest.raises(IntegrityError), transaction.atomic():
        Event.objects.filter(pk=event.pk).update(seats_taken=101)


def test_database_refuses_negative_seat_count(event):
    session = workshop(event, capacity=2)

    with pytest.raises(IntegrityError), transaction.atomic():
        Session.objects.filter(pk=session.pk).update(seats_booked=F("seats_booked") - 1)


def test_database_refuses_same_email_in_other_case(event):
    register(event, email="minji@example.kr")

    with pytest.raises(IntegrityError), transaction.atomic():
        Registration.objects.create(
            event=event, name="Copy", email="MINJI@Example.KR", country="KR", category="citizen"
        )


def test_database_allows_many_registrations_without_email(event):
    for _ in range(2):
        Registration.objects.create(event=event, name="Walk-in", email="", country="KR", category="citizen")

    assert Registration.objects.filter(email="").count() == 2


def test_database_refuses_second_booking_of_a_session(event):
    session = workshop(event)
    registration = register(event, [session]).registration

    with pytest.raises(IntegrityError), transaction.atomic():
        Booking.objects.create(registration=registration, session=session)


# The outbox is written in the same transaction ---------------------------------------


def test_rolled_back_registration_leaves_no_mail(event):
    session = workshop(event, capacity=5)

    with pytest.raises(RuntimeError):
        roll_back(lambda: register(event, [session]))

    assert not Registration.objects.exists()
    assert not OutgoingMail.objects.exists()
    refresh(event, session)
    assert (event.seats_taken, session.seats_booked) == (0, 0)


def test_rolled_back_cancel_leaves_no_mail_and_no_promotion(event):
    session = workshop(event, capacity=1)
    holder = register(event, [session]).registration
    waiting = register(event, [session]).registration

    with pytest.raises(RuntimeError):
        roll_back(lambda: services.cancel(registration=holder))

    assert set(OutgoingMail.objects.values_list("kind", flat=True)) == {MailKind.CONFIRMATION}
    assert booking(waiting, session).status == BookingStatus.WAITLISTED
    assert_counters_consistent(event)


def test_mail_is_sent_only_after_commit(event, settings, mailoutbox, django_capture_on_commit_callbacks):
    settings.OUTBOX_SEND_ON_COMMIT = True

    with django_capture_on_commit_callbacks(execute=True):
        registration = register(event).registration
        assert mailoutbox == []

    assert [m.to for m in mailoutbox] == [[registration.email]]
    assert OutgoingMail.objects.get(registration=registration).status == MailStatus.SENT


def test_mail_of_rolled_back_transaction_is_never_sent(event, settings, mailoutbox, django_capture_on_commit_callbacks):
    settings.OUTBOX_SEND_ON_COMMIT = True

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(RuntimeError):
            roll_back(lambda: register(event))

    assert (callbacks, mailoutbox) == ([], [])


def test_failing_send_after_commit_keeps_the_registration(event, settings, smtp, django_capture_on_commit_callbacks):
    settings.OUTBOX_SEND_ON_COMMIT = True
    settings.MAILERS = smtp.settings_for(timeout=5)
    smtp.refuse = "451 4.3.0 mail server down"

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        outcome = register(event)

    assert (len(callbacks), outcome.created) == (1, True)
    assert Registration.objects.get() == outcome.registration
    assert OutgoingMail.objects.get().status == MailStatus.QUEUED
    assert smtp.received == []
