"""Erasure at the same moment as a scan at the desk and as session changes:
threads released together on PostgreSQL. The counters stay equal to a recount,
nothing deadlocks, and the erased person's values are gone from the history."""

import pytest

from registration import checkin, erasure, services
from registration.models import CheckIn, Checkpoint, CheckpointKind, Registration, Status
from tests.factories import EventFactory, PersonFactory, WorkshopFactory
from tests.registration.invariants import assert_counters_consistent
from tests.registration.test_concurrency import no_errors, run_at_once

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("no_mail_after_commit")]


def registered(event, sessions, **person):
    return services.register(
        event=event, person=PersonFactory(**person), session_ids=[s.pk for s in sessions], walk_in=True
    ).registration


@pytest.mark.parametrize("attempt", range(3))
def test_erasure_with_a_scan_and_session_changes_keeps_the_counts(requires_postgres, attempt):
    event = EventFactory(capacity=3, registration_opens_at=None, registration_closes_at=None)
    first = WorkshopFactory(event=event, capacity=1)
    second = WorkshopFactory(
        event=event, capacity=1, starts_at=first.ends_at, ends_at=first.ends_at + (first.ends_at - first.starts_at)
    )
    person = registered(event, [first, second], name="Erased Person", email="erased@example.org")
    others = [registered(event, [first], name=f"Other {n}") for n in range(2)]  # waiting for `first`
    waiting_for_place = registered(event, [second], name="Waiting Place")  # the event is full: on its list
    assert waiting_for_place.status == Status.WAITLISTED
    entrance = Checkpoint.objects.create(
        event=event, slug="entrance", name_en="Entrance", kind=CheckpointKind.ENTRANCE, day=first.local_day()
    )

    def scan():
        found = checkin.find_ticket(event=event, text=person.ticket_secret)
        return checkin.check_in(checkpoint=entrance, registration=found, now=first.starts_at)

    calls = [
        lambda: erasure.erase(registration=person),
        scan,
        lambda: services.change_sessions(registration=others[0], session_ids=[second.pk]),
        lambda: services.change_sessions(registration=others[1], session_ids=[first.pk, second.pk]),
        lambda: services.change_sessions(registration=person, session_ids=[second.pk]),
    ]
    _results, errors = run_at_once(calls)

    # Only the erased person's own change may be refused (their registration ended first).
    assert no_errors(errors[:4])
    assert errors[4] is None or getattr(errors[4], "code", "") == "cancelled"
    assert_counters_consistent(event)
    erased = Registration.objects.get(pk=person.pk)
    assert (erased.name, erased.email, erased.status) == ("", "", Status.CANCELLED)
    assert not Registration.history.filter(id=person.pk, name="Erased Person").exists()
    assert not Registration.history.filter(id=person.pk, email="erased@example.org").exists()
    assert CheckIn.objects.filter(registration=erased).count() <= 1
    assert Registration.objects.get(pk=waiting_for_place.pk).status == Status.CONFIRMED  # got the freed place
