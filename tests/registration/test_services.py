"""registration.services: capacity, waiting lists, duplicates and the outbox.

Every scenario ends by recounting the seat counters (tests/registration/invariants.py).
"""

from datetime import timedelta

import pytest
from django.db import IntegrityError, transaction
from django.db.models import F
from django.db.models.functions import Lower

from events.models import Audience, Event, Session
from registration import outbox, services
from registration.errors import RegistrationError
from registration.models import (
    Booking,
    BookingStatus,
    Consent,
    ConsentKind,
    MailKind,
    MailStatus,
    OutgoingMail,
    Registration,
    Status,
)
from tests.factories import EventFactory, PersonFactory, SessionFactory, WorkshopFactory, seoul
from tests.registration.invariants import assert_counters_consistent

T0 = seoul(2010, 8, 20, 10)


@pytest.fixture(autouse=True)
def _no_send_on_commit(settings):
    settings.OUTBOX_SEND_ON_COMMIT = False


@pytest.fixture
def event(db):
    return EventFactory(capacity=100)


def workshop(event, **kwargs):
    return WorkshopFactory(event=event, **kwargs)


def register(event, sessions=(), **kwargs):
    """Register a new person (details from PersonFactory, overridable)."""
    options = {key: kwargs.pop(key) for key in ("now", "submission_token", "walk_in", "news_consent") if key in kwargs}
    return services.register(
        event=event, person=PersonFactory(**kwargs), session_ids=[s.pk for s in sessions], **options
    )


def booking(registration, session) -> Booking:
    return Booking.objects.get(registration=registration, session=session)


def mail_kinds(registration) -> list[str]:
    return list(OutgoingMail.objects.filter(registration=registration).order_by("pk").values_list("kind", flat=True))


def roll_back(action):
    """Run action in a transaction that is then rolled back."""
    with transaction.atomic():
        action()
        raise RuntimeError("roll back")


def refresh(*objects):
    for obj in objects:
        obj.refresh_from_db()


# Register --------------------------------------------------------------------


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


# Duplicates ------------------------------------------------------------------


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


# Change sessions -------------------------------------------------------------


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


# Cancel, reject, approve -----------------------------------------------------


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


def test_approve_cancelled_registration_changes_nothing(event):
    press = register(event, category="press").registration
    services.cancel(registration=press)

    unchanged = services.approve(registration=press)

    assert unchanged.status == Status.CANCELLED
    assert MailKind.APPROVED not in mail_kinds(press)
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


# Database backstops ----------------------------------------------------------


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


# The outbox is written in the same transaction -------------------------------


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


def test_mail_is_sent_only_after_commit(event, settings, monkeypatch, django_capture_on_commit_callbacks):
    settings.OUTBOX_SEND_ON_COMMIT = True
    delivered = []
    monkeypatch.setattr(outbox, "deliver_by_id", delivered.append)

    with django_capture_on_commit_callbacks(execute=True):
        registration = register(event).registration
        assert delivered == []

    assert delivered == [OutgoingMail.objects.get(registration=registration).pk]


def test_mail_of_rolled_back_transaction_is_never_sent(
    event, settings, monkeypatch, django_capture_on_commit_callbacks
):
    settings.OUTBOX_SEND_ON_COMMIT = True
    delivered = []
    monkeypatch.setattr(outbox, "deliver_by_id", delivered.append)

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(RuntimeError):
            roll_back(lambda: register(event))

    assert (callbacks, delivered) == ([], [])


def test_failing_send_after_commit_keeps_the_registration(
    event, settings, monkeypatch, django_capture_on_commit_callbacks
):
    settings.OUTBOX_SEND_ON_COMMIT = True

    def mail_server_down(mail_id):
        raise ConnectionRefusedError("mail server down")

    monkeypatch.setattr(outbox, "deliver_by_id", mail_server_down)

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        outcome = register(event)

    assert (len(callbacks), outcome.created) == (1, True)
    assert Registration.objects.get() == outcome.registration
    assert OutgoingMail.objects.get().status == MailStatus.QUEUED


# Registering again after cancelling ---------------------------------------------


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


def test_register_again_after_cancelling_when_restarted_meanwhile_gets_existing_mail(event, monkeypatch):
    """The cancelled row read before the lock was registered again meanwhile:
    the second form gets the existing registration's link, not a second restart."""
    person = PersonFactory()
    first = services.register(event=event, person=person, session_ids=[]).registration
    services.cancel(registration=first)
    stale_read = services.same_address(event, person["email"]).first()
    services.register(event=event, person=person, session_ids=[])  # starts the row over
    original = services.same_address

    def returns_the_stale_row(event_, email):
        query = original(event_, email)
        query.first = lambda: stale_read
        return query

    monkeypatch.setattr(services, "same_address", returns_the_stale_row)
    outcome = services.register(event=event, person=person, session_ids=[])

    assert (outcome.created, outcome.registration.pk) == (False, first.pk)
    assert mail_kinds(first)[-1] == MailKind.EXISTING
    assert Registration.objects.get(pk=first.pk).status == Status.CONFIRMED
    assert_counters_consistent(event)
