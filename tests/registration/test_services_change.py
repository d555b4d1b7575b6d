"""registration.services.change_sessions: seats freed and booked, waiting lists, the session rules.

Every scenario ends by recounting the seat counters (tests/registration/invariants.py).
"""

from datetime import timedelta

import pytest

from registration import services
from registration.errors import RegistrationError
from registration.models import (
    Booking,
    BookingStatus,
    MailKind,
    OutgoingMail,
)
from tests.factories import EventFactory
from tests.registration.invariants import assert_counters_consistent
from tests.registration.services_helpers import T0, booking, mail_kinds, refresh, register, workshop

pytestmark = pytest.mark.usefixtures("no_mail_after_commit")


@pytest.fixture
def event(db):
    return EventFactory(capacity=100)


# Change sessions ---------------------------------------------------------------------


def test_change_sessions_frees_seat_and_promotes_first_waiting(event):
    a = workshop(event, capacity=1)
    b = workshop(event, capacity=5)
    mover = register(event, [a]).registration
    first_waiting = register(event, [a], now=T0).registration
    second_waiting = register(event, [a], now=T0 + timedelta(minutes=1)).registration

    outcome = services.change_sessions(registration=mover, session_ids=[b.pk])

    assert outcome.waitlisted_sessions == []
    assert booking(mover, a).status == BookingStatus.CANCELLED
    assert booking(mover, b).status == BookingStatus.CONFIRMED
    assert booking(first_waiting, a).status == BookingStatus.CONFIRMED
    assert booking(second_waiting, a).status == BookingStatus.WAITLISTED
    assert MailKind.PROMOTED in mail_kinds(first_waiting)
    assert OutgoingMail.objects.get(kind=MailKind.PROMOTED).context == {"session_slug": a.slug}
    assert mail_kinds(mover)[-1] == MailKind.UPDATED
    refresh(a, b)
    assert (a.seats_booked, b.seats_booked) == (1, 1)
    assert_counters_consistent(event)


def test_change_sessions_to_a_full_session_waitlists(event):
    a = workshop(event, capacity=5)
    b = workshop(event, capacity=1)
    register(event, [b])
    mover = register(event, [a]).registration

    outcome = services.change_sessions(registration=mover, session_ids=[b.pk])

    assert outcome.waitlisted_sessions == [b]
    assert booking(mover, b).status == BookingStatus.WAITLISTED
    assert booking(mover, a).status == BookingStatus.CANCELLED
    refresh(a, b)
    assert (a.seats_booked, b.seats_booked) == (0, 1)
    assert_counters_consistent(event)


def test_change_sessions_back_to_a_cancelled_booking_books_again(event):
    a = workshop(event, capacity=5)
    b = workshop(event, capacity=5)
    mover = register(event, [a]).registration
    services.change_sessions(registration=mover, session_ids=[b.pk])

    services.change_sessions(registration=mover, session_ids=[a.pk])

    assert booking(mover, a).status == BookingStatus.CONFIRMED
    assert booking(mover, b).status == BookingStatus.CANCELLED
    assert_counters_consistent(event)


def test_change_sessions_unchanged_choice_sends_no_mail(event):
    a = workshop(event)
    registration = register(event, [a]).registration

    services.change_sessions(registration=registration, session_ids=[a.pk])

    assert mail_kinds(registration) == [MailKind.CONFIRMATION]
    assert_counters_consistent(event)


def test_change_sessions_with_ids_as_text_keeps_the_booking(event):
    a = workshop(event, capacity=1)
    registration = register(event, [a]).registration
    waiting = register(event, [a]).registration

    services.change_sessions(registration=registration, session_ids=[str(a.pk)])

    assert booking(registration, a).status == BookingStatus.CONFIRMED
    assert booking(waiting, a).status == BookingStatus.WAITLISTED
    assert mail_kinds(registration) == [MailKind.CONFIRMATION]
    assert_counters_consistent(event)


def test_change_sessions_overlap_refused_and_nothing_changes(event):
    a = workshop(event)
    b = workshop(event)
    registration = register(event, [a]).registration

    with pytest.raises(RegistrationError) as refused:
        services.change_sessions(registration=registration, session_ids=[a.pk, b.pk])

    assert refused.value.code == "overlap"
    assert list(registration.bookings.values_list("session_id", "status")) == [(a.pk, BookingStatus.CONFIRMED)]
    assert_counters_consistent(event)


def test_change_sessions_of_cancelled_registration_refused(event):
    a = workshop(event)
    registration = register(event).registration
    services.cancel(registration=registration)

    with pytest.raises(RegistrationError) as refused:
        services.change_sessions(registration=registration, session_ids=[a.pk])

    assert refused.value.code == "cancelled"
    assert not Booking.objects.exists()
