"""registration.services: cancel, reject and approve, and a long sequence of them.

Every scenario ends by recounting the seat counters (tests/registration/invariants.py).
"""

from datetime import timedelta

import pytest

from events.models import Event
from registration import services
from registration.errors import RegistrationError
from registration.models import (
    BookingStatus,
    MailKind,
    OutgoingMail,
    Status,
)
from tests.factories import EventFactory, seoul
from tests.registration.invariants import assert_counters_consistent
from tests.registration.services_helpers import T0, booking, mail_kinds, refresh, register, workshop

pytestmark = pytest.mark.usefixtures("no_mail_after_commit")


@pytest.fixture
def event(db):
    return EventFactory(capacity=100)


# Cancel, reject, approve -------------------------------------------------------------


def test_cancel_frees_place_and_seat_and_promotes_first_waiting_on_session(event):
    session = workshop(event, capacity=1)
    holder = register(event, [session]).registration
    first = register(event, [session], now=T0).registration
    second = register(event, [session], now=T0 + timedelta(minutes=1)).registration

    cancelled = services.cancel(registration=holder)

    assert cancelled.status == Status.CANCELLED
    assert cancelled.cancelled_at is not None
    assert booking(holder, session).status == BookingStatus.CANCELLED
    assert booking(first, session).status == BookingStatus.CONFIRMED
    assert booking(second, session).status == BookingStatus.WAITLISTED
    assert mail_kinds(holder) == [MailKind.CONFIRMATION, MailKind.CANCELLED]
    assert mail_kinds(first) == [MailKind.CONFIRMATION, MailKind.PROMOTED]
    assert mail_kinds(second) == [MailKind.CONFIRMATION]
    refresh(event, session)
    assert (event.seats_taken, session.seats_booked) == (2, 1)
    assert_counters_consistent(event)


def test_cancel_promotes_first_waitlisted_registration_with_its_seat(event):
    event.capacity = 1
    event.save()
    session = workshop(event, capacity=5)
    holder = register(event).registration
    first = register(event, [session]).registration
    second = register(event).registration

    services.cancel(registration=holder)

    refresh(first, second)
    assert (first.status, second.status) == (Status.CONFIRMED, Status.WAITLISTED)
    assert booking(first, session).status == BookingStatus.CONFIRMED
    assert mail_kinds(first) == [MailKind.WAITLISTED, MailKind.PROMOTED]
    refresh(event, session)
    assert (event.seats_taken, session.seats_booked) == (1, 1)
    assert_counters_consistent(event)


def test_cancel_promotes_waitlisted_delegate_to_pending(event):
    event.capacity = 1
    event.save()
    holder = register(event).registration
    delegate = register(event, category="delegate").registration

    services.cancel(registration=holder)

    refresh(delegate)
    assert delegate.status == Status.PENDING
    assert_counters_consistent(event)


def test_cancel_seat_skips_waiting_booking_of_waitlisted_registration(event):
    """A seat goes to the first waiting person who has a place at the event; a
    waitlisted registration waits for its place first, then for the seat."""
    event.capacity = 2
    event.save()
    session = workshop(event, capacity=1)
    holder = register(event, [session]).registration
    with_place = register(event, [session], now=T0 + timedelta(minutes=5)).registration
    without_place = register(event, [session], now=T0).registration  # earlier in the session's queue
    assert without_place.status == Status.WAITLISTED

    services.cancel(registration=holder)

    assert booking(with_place, session).status == BookingStatus.CONFIRMED
    refresh(without_place)
    assert without_place.status == Status.CONFIRMED  # got the place the holder freed
    assert booking(without_place, session).status == BookingStatus.WAITLISTED  # the seat is taken
    assert_counters_consistent(event)

    services.cancel(registration=with_place)

    assert booking(without_place, session).status == BookingStatus.CONFIRMED
    assert_counters_consistent(event)


def test_cancel_twice_changes_nothing(event):
    event.capacity = 1
    event.save()
    session = workshop(event, capacity=1)
    holder = register(event, [session]).registration
    services.cancel(registration=holder)
    waiting = register(event, [session]).registration
    mails = OutgoingMail.objects.count()

    again = services.cancel(registration=holder)

    assert again.status == Status.CANCELLED
    assert OutgoingMail.objects.count() == mails
    refresh(waiting, event, session)
    assert (waiting.status, event.seats_taken, session.seats_booked) == (Status.CONFIRMED, 1, 1)
    assert_counters_consistent(event)


def test_cancel_waitlisted_registration_frees_nothing(event):
    event.capacity = 1
    event.save()
    session = workshop(event, capacity=5)
    register(event, [session])
    waiting = register(event, [session]).registration

    services.cancel(registration=waiting)

    refresh(event, session)
    assert (event.seats_taken, session.seats_booked) == (1, 1)
    assert booking(waiting, session).status == BookingStatus.CANCELLED
    assert_counters_consistent(event)


def test_reject_frees_the_seat_like_cancel(event):
    session = workshop(event, capacity=1)
    delegate = register(event, [session], category="delegate").registration
    waiting = register(event, [session]).registration

    rejected = services.reject(registration=delegate)

    assert rejected.status == Status.REJECTED
    assert mail_kinds(delegate) == [MailKind.PENDING, MailKind.REJECTED]
    assert booking(waiting, session).status == BookingStatus.CONFIRMED
    assert mail_kinds(waiting) == [MailKind.CONFIRMATION, MailKind.PROMOTED]
    refresh(event, session)
    assert (event.seats_taken, session.seats_booked) == (1, 1)
    assert_counters_consistent(event)


@pytest.mark.parametrize("category", ["citizen", "waitlisted"])
def test_reject_refuses_a_registration_not_awaiting_approval(event, category):
    event.capacity = 1
    event.save()
    register(event)  # takes the one place
    if category == "waitlisted":
        registration = register(event, category="press").registration  # waits: no place to be pending in
    else:
        Event.objects.filter(pk=event.pk).update(capacity=2)
        registration = register(Event.objects.get(pk=event.pk), category=category).registration
    status = registration.status

    with pytest.raises(RegistrationError) as refused:
        services.reject(registration=registration)

    assert refused.value.code == "not_pending"
    registration.refresh_from_db()
    assert registration.status == status
    assert MailKind.REJECTED not in mail_kinds(registration)
    assert_counters_consistent(event)


def test_approve_pending_confirms_and_mails(event):
    session = workshop(event)
    press = register(event, [session], category="press").registration

    approved = services.approve(registration=press)

    assert approved.status == Status.CONFIRMED
    assert mail_kinds(press) == [MailKind.PENDING, MailKind.APPROVED]
    refresh(event, session)
    assert (event.seats_taken, session.seats_booked) == (1, 1)
    assert_counters_consistent(event)


def test_approve_confirmed_registration_changes_nothing(event):
    registration = register(event).registration

    unchanged = services.approve(registration=registration)

    assert unchanged.status == Status.CONFIRMED
    assert mail_kinds(registration) == [MailKind.CONFIRMATION]


@pytest.mark.parametrize(("act", "mail"), [("approve", MailKind.APPROVED), ("reject", MailKind.REJECTED)])
def test_approve_or_reject_of_a_cancelled_registration_changes_nothing(event, act, mail):
    press = register(event, category="press").registration
    services.cancel(registration=press)

    unchanged = getattr(services, act)(registration=press)

    assert unchanged.status == Status.CANCELLED
    assert mail not in mail_kinds(press)
    assert_counters_consistent(event)


def test_long_sequence_keeps_counters_consistent(event):
    event.capacity = 4
    event.save()
    a = workshop(event, capacity=2)
    b = workshop(event, capacity=1)
    later = workshop(event, capacity=1, starts_at=seoul(2010, 9, 8, 14), ends_at=seoul(2010, 9, 8, 16))
    people = [register(event, [a, later], now=T0 + timedelta(minutes=i)).registration for i in range(3)]
    people += [
        register(event, [b], category="press", now=T0 + timedelta(minutes=10 + i)).registration for i in range(3)
    ]
    assert_counters_consistent(event)

    steps = [
        lambda: services.change_sessions(registration=people[0], session_ids=[b.pk]),
        lambda: services.reject(registration=people[3]),
        lambda: services.cancel(registration=people[1]),
        lambda: services.approve(registration=people[4]),
        lambda: services.change_sessions(registration=people[2], session_ids=[a.pk]),
        lambda: services.cancel(registration=people[0]),
        lambda: register(event, [a, later]),
        lambda: services.cancel(registration=people[4]),
    ]
    for step in steps:
        step()
        assert_counters_consistent(event)
