"""Many people at the same moment: threads released together by a barrier, each
with its own PostgreSQL connection, against committed data (transaction=True).

Row locks do nothing on SQLite, so these run on PostgreSQL only.
"""

import threading
from collections import Counter

import pytest
from django.db import connection, transaction

from events.models import Event
from registration import outbox, services
from registration.models import Booking, BookingStatus, MailKind, MailStatus, OutgoingMail, Registration, Status
from tests.factories import EventFactory, PersonFactory, WorkshopFactory
from tests.registration.invariants import assert_counters_consistent

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("no_mail_after_commit")]

TIMEOUT = 30  # seconds; a deadlock or a lost thread fails the test instead of hanging it


def run_at_once(calls):
    """Run each call in its own thread, all released at the same moment.
    Returns (results, errors) in the order of the calls."""
    barrier = threading.Barrier(len(calls))
    results = [None] * len(calls)
    errors = [None] * len(calls)

    def work(index, call):
        try:
            connection.ensure_connection()  # connect before the start line, not after it
            barrier.wait(timeout=TIMEOUT)
            results[index] = call()
        except Exception as exc:  # reported by the test, not lost in the thread
            errors[index] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=work, args=(i, call)) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(TIMEOUT)
    assert not any(thread.is_alive() for thread in threads), "a thread is stuck (deadlock?)"
    return results, errors


def registering(event, sessions=(), submission_token=None, **person):
    def call():
        return services.register(
            event=event,
            person=PersonFactory(**person),
            session_ids=[s.pk for s in sessions],
            submission_token=submission_token,
        )

    return call


def no_errors(errors):
    return [repr(e) for e in errors if e is not None] == []


def test_last_workshop_seats_go_to_exactly_as_many_people(requires_postgres):
    event = EventFactory(capacity=None)
    session = WorkshopFactory(event=event, capacity=8)
    for _ in range(3):
        registering(event, [session])()

    outcomes, errors = run_at_once([registering(event, [session]) for _ in range(25)])

    assert no_errors(errors)
    assert all(o.created for o in outcomes)
    statuses = Counter(Booking.objects.filter(session=session).values_list("status", flat=True))
    assert statuses == {BookingStatus.CONFIRMED: 8, BookingStatus.WAITLISTED: 20}
    assert sum(1 for o in outcomes if o.waitlisted_sessions == [session]) == 20
    session.refresh_from_db()
    assert session.seats_booked == session.capacity
    assert_counters_consistent(event)


def test_last_event_places_go_to_exactly_as_many_people(requires_postgres):
    event = EventFactory(capacity=10)

    outcomes, errors = run_at_once([registering(event) for _ in range(30)])

    assert no_errors(errors)
    statuses = Counter(o.registration.status for o in outcomes)
    assert statuses == {Status.CONFIRMED: 10, Status.WAITLISTED: 20}
    event.refresh_from_db()
    assert event.seats_taken == 10
    assert_counters_consistent(event)


def test_double_submit_creates_one_registration(requires_postgres):
    event = EventFactory()
    session = WorkshopFactory(event=event, capacity=5)
    person = PersonFactory()

    outcomes, errors = run_at_once(
        [registering(event, [session], submission_token="same-form", **person) for _ in range(10)]
    )

    assert no_errors(errors)
    assert Registration.objects.count() == 1
    assert {o.registration.pk for o in outcomes} == {Registration.objects.get().pk}
    assert [o.created for o in outcomes].count(True) == 1
    assert OutgoingMail.objects.filter(kind=MailKind.CONFIRMATION).count() == 1
    assert_counters_consistent(event)


def test_same_address_in_other_cases_at_once_creates_one_registration(requires_postgres):
    event = EventFactory()
    spellings = ["minji.kim@example.kr", "Minji.Kim@example.kr", "MINJI.KIM@EXAMPLE.KR", "minji.KIM@Example.Kr"]

    outcomes, errors = run_at_once([registering(event, email=spellings[i % 4]) for i in range(12)])

    assert no_errors(errors)
    assert Registration.objects.count() == 1
    assert [o.created for o in outcomes].count(True) == 1
    assert {o.registration.pk for o in outcomes} == {Registration.objects.get().pk}
    kinds = Counter(OutgoingMail.objects.values_list("kind", flat=True))
    assert kinds == {MailKind.CONFIRMATION: 1, MailKind.EXISTING: 11}
    assert_counters_consistent(event)


def test_cancellations_changes_and_registrations_at_once_keep_counters(requires_postgres):
    event = EventFactory(capacity=12)
    a = WorkshopFactory(event=event, capacity=4)
    b = WorkshopFactory(event=event, capacity=4)  # parallel to a
    people = [registering(event, [a if i % 2 else b])().registration for i in range(16)]  # 12 places, 4 waitlisted
    assert_counters_consistent(event)

    calls = [lambda r=r: services.cancel(registration=r) for r in people[0:12:2]]  # b's seats and waiters
    calls += [lambda r=r: services.change_sessions(registration=r, session_ids=[b.pk]) for r in people[1:12:4]]  # a→b
    calls += [lambda r=r: services.cancel(registration=r) for r in people[13:16:2]]  # waitlisted for the event
    calls += [registering(event, [a]) for _ in range(5)] + [registering(event, [b]) for _ in range(5)]
    _, errors = run_at_once(calls)

    assert no_errors(errors)
    assert_counters_consistent(event)
    event.refresh_from_db()
    assert event.seats_taken == 12  # more people waited than places were freed


def test_waiting_list_promotion_under_concurrent_cancellations(requires_postgres):
    event = EventFactory(capacity=None)
    session = WorkshopFactory(event=event, capacity=5)
    holders = [registering(event, [session])().registration for _ in range(5)]
    waiting = [registering(event, [session])().registration for _ in range(8)]

    _, errors = run_at_once([lambda r=r: services.cancel(registration=r) for r in holders])

    assert no_errors(errors)
    promoted = set(
        Booking.objects.filter(session=session, status=BookingStatus.CONFIRMED).values_list("registration", flat=True)
    )
    assert promoted == {r.pk for r in waiting[:5]}  # the first five waiting, in order
    assert OutgoingMail.objects.filter(kind=MailKind.PROMOTED).count() == 5
    assert_counters_consistent(event)


def test_mail_goes_out_while_a_registration_holds_the_event_lock(requires_postgres, mailoutbox):
    """The sender locks only its outbox row: neither refused by PostgreSQL (a
    FOR UPDATE on the nullable registration join) nor skipping mail whose
    event row a registration has locked."""
    event = EventFactory()
    registration = registering(event)().registration
    mail = OutgoingMail.objects.get(registration=registration)
    locked, release = threading.Event(), threading.Event()

    def hold_event_lock():
        try:
            with transaction.atomic():
                Event.objects.select_for_update().get(pk=event.pk)
                locked.set()
                release.wait(TIMEOUT)
        finally:
            connection.close()

    holder = threading.Thread(target=hold_event_lock)
    holder.start()
    try:
        assert locked.wait(TIMEOUT)
        delivered = outbox.deliver_by_id(mail.pk)
    finally:
        release.set()
        holder.join(TIMEOUT)

    mail.refresh_from_db()
    assert (delivered, mail.status, mail.attempts) == (True, MailStatus.SENT, 1)
    assert [m.to for m in mailoutbox] == [[registration.email]]


def test_outbox_worker_claims_due_mail_on_postgres(requires_postgres, mailoutbox):
    event = EventFactory()
    for _ in range(3):
        registering(event)()

    assert outbox.deliver_due() == (3, 0)
    assert set(OutgoingMail.objects.values_list("status", flat=True)) == {MailStatus.SENT}
    assert len(mailoutbox) == 3


# The lock design (registration.services): sessions, registration, the event's row last --


def hold_row_lock(model, pk, locked, release):
    """In a thread: lock one row and keep it until `release` is set."""

    def hold():
        try:
            with transaction.atomic():
                model.objects.select_for_update().get(pk=pk)
                locked.set()
                release.wait(TIMEOUT)
        finally:
            connection.close()

    return threading.Thread(target=hold)


def test_a_registration_waiting_for_a_workshop_blocks_no_other_registration(requires_postgres):
    """Only the sessions concerned are locked, and the event's row only at the
    end: while workshop A's row is held and someone registering for A waits for
    it, registrations for workshop B (and for no workshop) go through."""
    from events.models import Session

    event = EventFactory(capacity=50)
    a, b = WorkshopFactory(event=event, capacity=5), WorkshopFactory(event=event, capacity=5)
    locked, release = threading.Event(), threading.Event()
    holder = hold_row_lock(Session, a.pk, locked, release)
    holder.start()
    waiter_result = []

    def wait_for_a():
        try:
            waiter_result.append(registering(event, [a])())
        finally:
            connection.close()

    waiter = threading.Thread(target=wait_for_a)
    try:
        assert locked.wait(TIMEOUT)
        waiter.start()
        waiter.join(0.5)  # now queued on A's row
        assert waiter.is_alive()
        outcomes, errors = run_at_once([registering(event, [b]) for _ in range(3)] + [registering(event)])
        assert waiter.is_alive()  # still waiting for A: the others did not wait for it
    finally:
        release.set()
        holder.join(TIMEOUT)
        waiter.join(TIMEOUT)

    assert no_errors(errors)
    assert [o.registration.status for o in outcomes] == [Status.CONFIRMED] * 4
    assert waiter_result[0].registration.status == Status.CONFIRMED
    assert_counters_consistent(event)


def waiting_for_a_row_lock() -> bool:
    """Whether another connection to the test database waits for a row lock."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'"
        )
        return cursor.fetchone()[0] > 0


def test_register_again_after_cancelling_when_restarted_meanwhile_gets_existing_mail(requires_postgres):
    """The cancelled row read before the lock was registered again meanwhile:
    the second form gets the existing registration's link, not a second restart."""
    event = EventFactory()
    person = PersonFactory()
    first = services.register(event=event, person=person, session_ids=[]).registration
    services.cancel(registration=first)
    restarted, release = threading.Event(), threading.Event()
    second = []

    def restart_and_hold():
        try:
            with transaction.atomic():  # the row stays locked until `release`
                services.register(event=event, person=person, session_ids=[])
                restarted.set()
                release.wait(TIMEOUT)
        finally:
            connection.close()

    def register_again():
        try:
            second.append(services.register(event=event, person=person, session_ids=[]))
        finally:
            connection.close()

    holder, waiter = threading.Thread(target=restart_and_hold), threading.Thread(target=register_again)
    holder.start()
    try:
        assert restarted.wait(TIMEOUT)
        waiter.start()  # reads the committed, cancelled row, then waits for its lock
        for _ in range(int(TIMEOUT / 0.05)):
            if waiting_for_a_row_lock():
                break
            threading.Event().wait(0.05)
        assert waiter.is_alive()
    finally:
        release.set()
        holder.join(TIMEOUT)
        waiter.join(TIMEOUT)

    outcome = second[0]
    assert (outcome.created, outcome.registration.pk) == (False, first.pk)
    kinds = list(OutgoingMail.objects.filter(registration=first).order_by("pk").values_list("kind", flat=True))
    assert kinds[-1] == MailKind.EXISTING
    assert Registration.objects.get(pk=first.pk).status == Status.CONFIRMED
    assert_counters_consistent(event)


def test_rush_for_one_workshop_gives_its_seats_to_exactly_as_many_people(requires_postgres):
    """The bench's rush in small: many people at the same instant for a workshop
    with few seats, in an event with a capacity and free places."""
    event = EventFactory(capacity=60)
    workshop = WorkshopFactory(event=event, capacity=8)

    outcomes, errors = run_at_once([registering(event, [workshop]) for _ in range(40)])

    assert no_errors(errors)
    assert Counter(o.registration.status for o in outcomes) == {Status.CONFIRMED: 40}
    statuses = Counter(Booking.objects.filter(session=workshop).values_list("status", flat=True))
    assert statuses == {BookingStatus.CONFIRMED: 8, BookingStatus.WAITLISTED: 32}
    assert sum(1 for o in outcomes if o.waitlisted_sessions == [workshop]) == 32
    assert_counters_consistent(event)


def test_last_places_with_seats_at_once_waitlist_the_rest_and_give_their_seats_back(requires_postgres):
    """More people than places, each booking a workshop with enough seats: the
    ones settled after the last place join the waiting list and give back the
    seat they booked, so the workshop's count equals the people with a place."""
    event = EventFactory(capacity=10)
    workshop = WorkshopFactory(event=event, capacity=30)
    outcomes, errors = run_at_once([registering(event, [workshop]) for _ in range(30)])

    assert no_errors(errors)
    assert Counter(o.registration.status for o in outcomes) == {Status.CONFIRMED: 10, Status.WAITLISTED: 20}
    workshop.refresh_from_db()
    assert workshop.seats_booked == 10
    assert_counters_consistent(event)


def test_every_writer_at_once_neither_deadlocks_nor_miscounts(requires_postgres):
    """Registrations (with and without sessions, a person cancelled who comes
    back), cancellations and rejections that promote people waiting for the
    event and for workshops, session changes, approvals and an organiser
    filling free places, all released at the same instant."""
    event = EventFactory(capacity=14)
    a = WorkshopFactory(event=event, capacity=3)
    b = WorkshopFactory(event=event, capacity=3)  # parallel to a
    people = [registering(event, [a if i % 2 else b])().registration for i in range(12)]
    back = PersonFactory(category="press")
    gone = services.register(event=event, person=back, session_ids=[]).registration  # pending
    press = [registering(event, category="press")().registration for _ in range(2)]  # the second waits
    waiting = [registering(event, [a])().registration for _ in range(4)]  # waitlisted for the event
    services.reject(registration=gone)  # its place went to the first person waiting: 14 places taken
    assert_counters_consistent(event)

    calls = [lambda r=r: services.cancel(registration=r) for r in people[0:8:2]]
    calls += [lambda r=r: services.change_sessions(registration=r, session_ids=[b.pk]) for r in people[1:8:2]]
    calls += [lambda: services.approve(registration=press[0]), lambda: services.reject(registration=press[1])]
    calls += [lambda r=r: services.cancel(registration=r) for r in waiting[2:]]  # only pending ones are rejected
    calls += [lambda: services.fill_free_places(event=event)]
    calls += [lambda: services.register(event=event, person=back, session_ids=[a.pk])]
    calls += [registering(event, [a]) for _ in range(4)] + [registering(event) for _ in range(4)]
    _, errors = run_at_once(calls)

    assert no_errors(errors)
    assert_counters_consistent(event)
    event.refresh_from_db()
    assert event.seats_taken == 14  # more people waited than places were freed
