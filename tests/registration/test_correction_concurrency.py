"""Address corrections at the same moment as other writers (PostgreSQL: row
locks and the unique constraint decide; SQLite has no row locks)."""

import pytest

from events.models import Event
from registration import correction, services
from registration.models import Booking, BookingStatus, MailKind, MailStatus, OutgoingMail, Registration, Status
from tests.factories import EventFactory, PersonFactory, WorkshopFactory
from tests.registration.invariants import assert_counters_consistent
from tests.registration.test_concurrency import no_errors, registering, run_at_once

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("no_mail_after_commit")]

TYPO = "minjun@exmaple.org"
RIGHT = "minjun@example.org"


def made_with_typo(event, sessions=()) -> Registration:
    outcome = services.register(
        event=event,
        person=PersonFactory(email=TYPO),
        session_ids=[s.pk for s in sessions],
        submission_token="t" * 43,
    )
    return outcome.registration


def correcting(email):
    return lambda: correction.correct_address(submission_token="t" * 43, email=email)


def test_a_double_click_corrects_once_and_mails_once(requires_postgres):
    event = EventFactory()
    made_with_typo(event)

    results, errors = run_at_once([correcting(RIGHT), correcting(RIGHT)])

    assert no_errors(errors)
    assert sorted(results) == [correction.Result.MOVED, correction.Result.UNCHANGED]
    assert Registration.objects.get().email == RIGHT
    queued = OutgoingMail.objects.filter(status=MailStatus.QUEUED)
    assert list(queued.values_list("kind", "to_email")) == [(MailKind.CONFIRMATION, RIGHT)]


def test_correction_and_a_registration_of_the_same_address_at_once_leave_one(requires_postgres):
    event = EventFactory()
    workshop = WorkshopFactory(event=event, capacity=1)
    typo = made_with_typo(event, [workshop])
    waiting = services.register(event=event, person=PersonFactory(), session_ids=[workshop.pk]).registration

    results, errors = run_at_once([correcting(RIGHT), registering(event, email=RIGHT)])

    assert no_errors(errors)
    running = Registration.objects.filter(email__iexact=RIGHT).exclude(status=Status.CANCELLED)
    assert running.count() == 1
    typo.refresh_from_db()
    if results[0] == correction.Result.MOVED:  # the correction came first: the form met a known address
        assert typo.email == RIGHT
        assert OutgoingMail.objects.filter(kind=MailKind.EXISTING, to_email=RIGHT).count() == 1
    else:  # the registration came first: the typo's seat went to the person waiting
        assert results[0] == correction.Result.ALREADY_REGISTERED
        assert typo.status == Status.CANCELLED
        assert Booking.objects.get(registration=waiting).status == BookingStatus.CONFIRMED
    assert_counters_consistent(Event.objects.get(pk=event.pk))


def test_a_correction_cancelling_its_registration_among_other_writers_keeps_counts(requires_postgres):
    event = EventFactory(capacity=3)
    workshop = WorkshopFactory(event=event, capacity=1)
    services.register(event=event, person=PersonFactory(email=RIGHT), session_ids=[])
    made_with_typo(event, [workshop])
    holder = services.register(event=event, person=PersonFactory(), session_ids=[]).registration

    results, errors = run_at_once(
        [
            correcting(RIGHT),
            lambda: services.cancel(registration=holder),
            registering(event, [workshop]),
            registering(event, [workshop]),
        ]
    )

    assert no_errors(errors)
    assert results[0] == correction.Result.ALREADY_REGISTERED
    assert_counters_consistent(Event.objects.get(pk=event.pk))
