"""registration.services.register: capacity, waiting lists, the session rules, duplicates,
registering again, the place settled last.

Every scenario ends by recounting the seat counters (tests/registration/invariants.py).
"""

import pytest
from django.db.models.functions import Lower

from events.models import Audience, Event
from registration import services
from registration.errors import RegistrationError
from registration.models import (
    BookingStatus,
    Consent,
    ConsentKind,
    MailKind,
    OutgoingMail,
    Registration,
    Status,
)
from tests.factories import EventFactory, PersonFactory, SessionFactory, WorkshopFactory, seoul
from tests.registration.invariants import assert_counters_consistent
from tests.registration.services_helpers import T0, booking, mail_kinds, refresh, register, workshop

pytestmark = pytest.mark.usefixtures("no_mail_after_commit")


@pytest.fixture
def event(db):
    return EventFactory(capacity=100)


# Register ----------------------------------------------------------------------------


def test_register_citizen_is_confirmed_with_a_seat(event):
    session = workshop(event, capacity=5)

    outcome = register(event, [session], email="minji@example.kr", news_consent=True)

    registration = outcome.registration
    assert (outcome.created, registration.status, outcome.waitlisted_sessions) == (True, Status.CONFIRMED, [])
    assert booking(registration, session).status == BookingStatus.CONFIRMED
    refresh(event, session)
    assert (event.seats_taken, session.seats_booked) == (1, 1)
    assert mail_kinds(registration) == [MailKind.CONFIRMATION]
    assert OutgoingMail.objects.get(registration=registration).to_email == "minji@example.kr"
    consents = {c.kind: (c.granted, c.text_version, c.via) for c in Consent.objects.filter(registration=registration)}
    assert consents == {
        ConsentKind.PRIVACY: (True, services.PRIVACY_TEXT_VERSION, "online"),
        ConsentKind.NEWS: (True, services.NEWS_TEXT_VERSION, "online"),
    }
    assert_counters_consistent(event)


def test_register_without_news_consent_records_it_refused(event):
    registration = register(event).registration

    news = Consent.objects.get(registration=registration, kind=ConsentKind.NEWS)
    assert news.granted is False


@pytest.mark.parametrize("category", ["press", "delegate"])
def test_register_category_needing_approval_is_pending_and_holds_a_place(event, category):
    session = workshop(event, capacity=5)

    registration = register(event, [session], category=category).registration

    assert registration.status == Status.PENDING
    assert booking(registration, session).status == BookingStatus.CONFIRMED
    refresh(event, session)
    assert (event.seats_taken, session.seats_booked) == (1, 1)
    assert mail_kinds(registration) == [MailKind.PENDING]
    assert_counters_consistent(event)


def test_register_when_event_full_is_waitlisted(event):
    event.capacity = 1
    event.save()
    session = workshop(event, capacity=5)
    register(event)

    outcome = register(event, [session])

    registration = outcome.registration
    assert registration.status == Status.WAITLISTED
    assert outcome.waitlisted_sessions == [session]
    waiting = booking(registration, session)
    assert (waiting.status, waiting.waitlisted_at is not None) == (BookingStatus.WAITLISTED, True)
    refresh(event, session)
    assert (event.seats_taken, session.seats_booked) == (1, 0)
    assert mail_kinds(registration) == [MailKind.WAITLISTED]
    assert_counters_consistent(event)


def test_register_when_session_full_waitlists_only_the_booking(event):
    session = workshop(event, capacity=1)
    other = workshop(event, starts_at=seoul(2010, 9, 8, 14), ends_at=seoul(2010, 9, 8, 16))
    register(event, [session])

    outcome = register(event, [session, other], now=T0)

    registration = outcome.registration
    assert registration.status == Status.CONFIRMED
    assert outcome.waitlisted_sessions == [session]
    waiting = booking(registration, session)
    assert (waiting.status, waiting.waitlisted_at) == (BookingStatus.WAITLISTED, T0)
    assert booking(registration, other).status == BookingStatus.CONFIRMED
    refresh(event, session, other)
    assert (event.seats_taken, session.seats_booked, other.seats_booked) == (2, 1, 1)
    assert_counters_consistent(event)


def test_register_delegates_only_session_refused_for_citizen(event):
    session = workshop(event, audience=Audience.DELEGATES)

    with pytest.raises(RegistrationError) as refused:
        register(event, [session], category="citizen")

    assert (refused.value.code, refused.value.field) == ("delegates_only", "sessions")
    assert not Registration.objects.exists()
    assert not OutgoingMail.objects.exists()
    assert_counters_consistent(event)


def test_register_delegates_only_session_open_to_delegates(event):
    session = workshop(event, audience=Audience.DELEGATES)

    registration = register(event, [session], category="delegate").registration

    assert booking(registration, session).status == BookingStatus.CONFIRMED
    assert_counters_consistent(event)


def test_register_overlapping_workshops_refused(event):
    first = workshop(event, starts_at=seoul(2010, 9, 8, 9, 30), ends_at=seoul(2010, 9, 8, 12))
    second = workshop(event, starts_at=seoul(2010, 9, 8, 11), ends_at=seoul(2010, 9, 8, 13))

    with pytest.raises(RegistrationError) as refused:
        register(event, [first, second])

    assert (refused.value.code, refused.value.field) == ("overlap", "sessions")
    assert not Registration.objects.exists()
    assert_counters_consistent(event)


def test_register_back_to_back_workshops_accepted(event):
    morning = workshop(event, starts_at=seoul(2010, 9, 8, 9, 30), ends_at=seoul(2010, 9, 8, 12))
    afternoon = workshop(event, starts_at=seoul(2010, 9, 8, 12), ends_at=seoul(2010, 9, 8, 14))

    outcome = register(event, [morning, afternoon])

    assert outcome.registration.bookings.filter(status=BookingStatus.CONFIRMED).count() == 2
    assert_counters_consistent(event)


def test_register_session_of_another_event_refused(event):
    elsewhere = WorkshopFactory(event=EventFactory(is_current=False))

    with pytest.raises(RegistrationError) as refused:
        register(event, [elsewhere])

    assert refused.value.code == "not_bookable"
    assert not Registration.objects.exists()
    refresh(elsewhere)
    assert elsewhere.seats_booked == 0


@pytest.mark.parametrize(
    "attributes", [{"is_published": False}, {"booking_required": False, "capacity": None}], ids=["hidden", "unbooked"]
)
def test_register_session_not_bookable_refused(event, attributes):
    session = SessionFactory(event=event, **{"booking_required": True, "capacity": 5, **attributes})

    with pytest.raises(RegistrationError) as refused:
        register(event, [session])

    assert refused.value.code == "not_bookable"
    assert not Registration.objects.exists()


@pytest.mark.parametrize(
    ("opens", "closes"),
    [(None, seoul(2010, 8, 15)), (seoul(2010, 8, 1), seoul(2010, 8, 10)), (seoul(2010, 9, 1), None)],
    ids=["closed", "window-over", "not-yet-open"],
)
def test_register_outside_registration_window_refused(event, opens, closes):
    event.registration_opens_at, event.registration_closes_at = opens, closes
    event.save()

    with pytest.raises(RegistrationError) as refused:
        register(event, now=T0)

    assert refused.value.code == "closed"
    assert not Registration.objects.exists()


def test_register_walk_in_accepted_when_registration_closed(event):
    event.registration_closes_at = seoul(2010, 9, 5)
    event.save()

    registration = register(event, now=seoul(2010, 9, 6, 9), walk_in=True).registration

    assert (registration.status, registration.is_walk_in) == (Status.CONFIRMED, True)
    assert set(Consent.objects.filter(registration=registration).values_list("via", flat=True)) == {"desk"}
    assert_counters_consistent(event)


# Duplicates --------------------------------------------------------------------------


def test_register_same_submission_token_twice_creates_one_registration(event):
    session = workshop(event, capacity=5)
    person = PersonFactory()

    first = services.register(event=event, person=person, session_ids=[session.pk], submission_token="tok-1")
    second = services.register(event=event, person=person, session_ids=[session.pk], submission_token="tok-1")

    assert (first.created, second.created) == (True, False)
    assert second.registration.pk == first.registration.pk
    assert Registration.objects.count() == 1
    assert mail_kinds(first.registration) == [MailKind.CONFIRMATION]
    refresh(session)
    assert session.seats_booked == 1
    assert_counters_consistent(event)


def test_register_a_form_sent_again_with_an_address_now_registered_by_another_gives_its_own(event):
    """The earlier-submission lookup finds two rows, the form's own (by its token)
    and another with the address: the form's own wins and no mail is queued."""
    own = services.register(
        event=event, person=PersonFactory(email="first@example.org"), session_ids=[], submission_token="tok-1"
    ).registration
    other = register(event, email="second@example.org").registration

    again = services.register(
        event=event, person=PersonFactory(email="SECOND@example.org"), session_ids=[], submission_token="tok-1"
    )

    assert (again.created, again.registration.pk) == (False, own.pk)
    assert Registration.objects.count() == 2
    assert mail_kinds(own) == [MailKind.CONFIRMATION]
    assert mail_kinds(other) == [MailKind.CONFIRMATION]


def test_register_same_email_in_other_case_gives_existing_registration(event):
    session = workshop(event, capacity=5)
    first = register(event, [session], email="Minji.Kim@Example.kr", name="Kim Minji").registration

    outcome = register(event, [session], email="  minji.kim@EXAMPLE.KR ", name="Someone else")

    assert (outcome.created, outcome.registration.pk) == (False, first.pk)
    assert Registration.objects.count() == 1
    assert mail_kinds(first) == [MailKind.CONFIRMATION, MailKind.EXISTING]
    existing = OutgoingMail.objects.get(kind=MailKind.EXISTING)
    assert existing.to_email == "minji.kim@EXAMPLE.KR"
    refresh(first, session)
    assert (first.name, first.email, session.seats_booked) == ("Kim Minji", "Minji.Kim@Example.kr", 1)
    assert_counters_consistent(event)


def test_register_address_equal_only_by_database_lower_is_no_server_error(event):
    """The address check must use the unique constraint's own equality
    (LOWER(email)): the Kelvin sign U+212A lowers to "k" on PostgreSQL but
    upper-cases to itself, so an UPPER-based lookup (iexact) misses the match."""
    register(event, email="kim@example.org")

    outcome = register(event, email="\u212aim@example.org")

    addresses = Registration.objects.annotate(key=Lower("email")).values("key").distinct().count()
    assert Registration.objects.count() == addresses
    assert outcome.created is (addresses == 2)


def test_register_same_email_at_another_event_is_a_new_registration(event):
    register(event, email="minji@example.kr")
    other = EventFactory(is_current=False)

    outcome = register(other, email="MINJI@example.kr")

    assert outcome.created is True
    assert Registration.objects.filter(email__iexact="minji@example.kr").count() == 2


# Registering again after cancelling --------------------------------------------------


def test_register_again_after_cancelling_starts_the_same_row_over_with_new_secrets(event):
    seat = workshop(event, capacity=5)
    first = register(event, [seat], email="again@example.org").registration
    old_ticket, old_manage = first.ticket_secret, first.manage_secret
    services.cancel(registration=first)

    outcome = register(event, [seat], email="AGAIN@example.org", name="New Name")

    refresh(first, seat, event)
    assert (outcome.created, outcome.registration.pk) == (True, first.pk)
    assert (first.status, first.name, first.cancelled_at) == (Status.CONFIRMED, "New Name", None)
    assert first.ticket_secret != old_ticket
    assert first.manage_secret != old_manage
    assert booking(first, seat).status == BookingStatus.CONFIRMED
    assert (seat.seats_booked, event.seats_taken) == (1, 1)
    assert mail_kinds(first)[-1] == MailKind.CONFIRMATION
    assert_counters_consistent(event)


def test_register_again_after_rejection_only_mails_the_existing_link(event):
    first = register(event, email="press@example.org", category="press").registration
    services.reject(registration=first)

    outcome = register(event, email="press@example.org", category="press")

    refresh(first)
    assert (outcome.created, first.status) == (False, Status.REJECTED)
    assert mail_kinds(first)[-1] == MailKind.EXISTING


def test_change_sessions_refused_once_registration_has_closed(event):
    seat, other = workshop(event, capacity=5), workshop(event, capacity=5)
    registration = register(event, [seat]).registration
    event.registration_closes_at = seoul(2010, 9, 1)
    event.save()

    with pytest.raises(RegistrationError) as error:
        services.change_sessions(registration=registration, session_ids=[other.pk], now=seoul(2010, 9, 2))

    assert error.value.code == "closed"
    assert booking(registration, seat).status == BookingStatus.CONFIRMED


# The place is settled under the event's lock, last -----------------------------------


def test_register_with_a_stale_event_that_filled_meanwhile_is_waitlisted_and_gives_back_its_seat(event):
    """The view read the event before the last place went: the registration is
    settled on the event's latest row, joins the waiting list, and the seat it
    booked tentatively goes back, all in one transaction."""
    event.capacity = 1
    event.save()
    session = workshop(event, capacity=5)
    stale = Event.objects.get(pk=event.pk)  # read while one place is free
    first = register(event, [session]).registration

    outcome = register(stale, [session])

    assert (first.status, outcome.registration.status) == (Status.CONFIRMED, Status.WAITLISTED)
    assert outcome.waitlisted_sessions == [session]
    assert booking(outcome.registration, session).status == BookingStatus.WAITLISTED
    assert mail_kinds(outcome.registration) == [MailKind.WAITLISTED]
    session.refresh_from_db()
    assert session.seats_booked == 1
    assert_counters_consistent(event)


def test_register_with_a_stale_full_event_gets_the_place_that_freed_meanwhile(event):
    event.capacity = 1
    event.save()
    session = workshop(event, capacity=5)
    holder = register(event, [session]).registration
    stale = Event.objects.get(pk=event.pk)  # read while the event is full
    services.cancel(registration=holder)

    outcome = register(stale, [session])

    assert outcome.registration.status == Status.CONFIRMED
    assert outcome.waitlisted_sessions == []
    assert booking(outcome.registration, session).status == BookingStatus.CONFIRMED
    assert mail_kinds(outcome.registration) == [MailKind.CONFIRMATION]
    assert_counters_consistent(event)


def test_register_with_a_stale_event_that_got_a_capacity_meanwhile_respects_it(event):
    event.capacity = None
    event.save()
    stale = Event.objects.get(pk=event.pk)  # read while the event had no limit
    register(event)
    Event.objects.filter(pk=event.pk).update(capacity=1)

    outcome = register(stale)

    assert outcome.registration.status == Status.WAITLISTED
    assert_counters_consistent(event)
