"""The no-show release against the desk, and against itself, on PostgreSQL:
threads released together (tests/registration/test_concurrency.py's run_at_once),
each on its own connection, against committed data."""

import pytest

from registration import checkin, noshows
from registration.models import (
    Booking,
    BookingStatus,
    CheckIn,
    Checkpoint,
    CheckpointKind,
    MailKind,
    OutgoingMail,
    SeatRelease,
)
from tests.factories import EventFactory, RoomFactory, WorkshopFactory, seoul
from tests.registration.desk_world import register
from tests.registration.invariants import assert_counters_consistent
from tests.registration.test_concurrency import no_errors, run_at_once

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("no_mail_after_commit")]

NOW = seoul(2010, 9, 8, 10, 0)  # 30 minutes into the workshops, past the 15-minute delay
ROUNDS = 12


def workshop_with_door(event, n, capacity):
    room = RoomFactory(event=event, name_en=f"Room {n}", name_ko=f"{n}실")
    door = Checkpoint.objects.create(
        event=event, slug=f"door-{n}", name=f"Door {n}", kind=CheckpointKind.ROOM, room=room
    )
    session = WorkshopFactory(event=event, room=room, slug=f"workshop-{n}", capacity=capacity)
    return session, door


def scanning(door, registration):
    return lambda: checkin.check_in(checkpoint=door, registration=registration, now=NOW)


def test_a_person_scanned_while_the_job_runs_keeps_their_seat(requires_postgres):
    event = EventFactory(no_show_release_minutes=15, capacity=None)
    for n in range(ROUNDS):
        session, door = workshop_with_door(event, n, capacity=4)
        people = [register(event, name=f"Person {n}-{i}", sessions=[session]) for i in range(4)]

        outcomes, errors = run_at_once(
            [*[scanning(door, p) for p in people], lambda: noshows.release_no_shows(now=NOW)]
        )

        assert no_errors(errors)
        assert [o.result for o in outcomes[:4]] == ["ok"] * 4
        # Scanned before the job looked, or given the seat back at once: nobody loses it.
        assert set(Booking.objects.filter(session=session).values_list("status", flat=True)) == {"confirmed"}
        assert not SeatRelease.objects.filter(booking__session=session, reversed_at__isnull=True).exists()
        assert CheckIn.objects.filter(session=session, undone_at__isnull=True).count() == 4
    assert_counters_consistent(event)


def test_with_people_waiting_a_late_scan_either_keeps_the_seat_or_is_refused(requires_postgres):
    event = EventFactory(no_show_release_minutes=15, capacity=None)
    for n in range(ROUNDS):
        session, door = workshop_with_door(event, n, capacity=3)
        people = [register(event, name=f"Person {n}-{i}", sessions=[session]) for i in range(3)]
        waiting = [register(event, name=f"Waiting {n}-{i}", sessions=[session]) for i in range(3)]
        assert {Booking.objects.get(registration=w).status for w in waiting} == {BookingStatus.WAITLISTED}

        outcomes, errors = run_at_once(
            [*[scanning(door, p) for p in people], lambda: noshows.release_no_shows(now=NOW)]
        )

        assert no_errors(errors)
        for person, outcome in zip(people, outcomes[:3], strict=True):
            booking = Booking.objects.get(registration=person, session=session)
            released = SeatRelease.objects.filter(booking=booking, reversed_at__isnull=True).exists()
            if outcome.result == "ok":  # in before the job: the seat is theirs
                assert (booking.status, released) == (BookingStatus.CONFIRMED, False)
            else:  # the job first, the seat went to someone waiting
                assert (outcome.reason, booking.status, released) == ("full", BookingStatus.CANCELLED, True)
        checked_in = CheckIn.objects.filter(session=session, undone_at__isnull=True).values_list(
            "registration", flat=True
        )
        seated = Booking.objects.filter(session=session, status=BookingStatus.CONFIRMED).values_list(
            "registration", flat=True
        )
        assert set(checked_in) <= set(seated)
        assert_counters_consistent(event)


def test_two_jobs_at_once_release_each_seat_once(requires_postgres):
    event = EventFactory(no_show_release_minutes=15, capacity=None)
    sessions = [workshop_with_door(event, n, capacity=10)[0] for n in range(3)]
    for session in sessions:
        for i in range(5):
            register(event, name=f"{session.slug}-{i}", sessions=[session], email=f"{session.slug}-{i}@example.org")

    counts, errors = run_at_once([lambda: noshows.release_no_shows(now=NOW) for _ in range(6)])

    assert no_errors(errors)
    assert sum(counts) == 15
    assert SeatRelease.objects.count() == 15
    assert OutgoingMail.objects.filter(kind=MailKind.SEAT_RELEASED).count() == 15
    assert_counters_consistent(event)


def test_the_last_free_seat_at_the_door_goes_to_one_person(requires_postgres):
    event = EventFactory(no_show_release_minutes=15, capacity=None)
    session, door = workshop_with_door(event, 0, capacity=3)
    for i in range(2):
        checkin.check_in(checkpoint=door, registration=register(event, name=f"Booked {i}", sessions=[session]), now=NOW)
    walk_ups = [register(event, name=f"Walk-up {i}") for i in range(10)]

    outcomes, errors = run_at_once([scanning(door, person) for person in walk_ups])

    assert no_errors(errors)
    assert sorted(o.result for o in outcomes) == ["ok"] + ["refused"] * 9
    assert noshows.free_seats(type(session).objects.get(pk=session.pk)) == 0
