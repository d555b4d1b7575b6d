"""The back office's "at most once" under real concurrency (PostgreSQL, threads
released together): a delegation list confirmed twice at once imports once; a
mailing sent twice at once is queued once."""

from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model

from registration.delegations import importing, mailing
from registration.delegations.files import Row
from registration.delegations.models import ImportStatus, MailingStatus
from registration.models import MailKind, OutgoingMail, Registration
from tests.factories import EventFactory, ParticipatingCityFactory, WorkshopFactory
from tests.registration.delegation_helpers import person_row
from tests.registration.invariants import assert_counters_consistent
from tests.registration.test_concurrency import registering, run_at_once

HOUR = timedelta(hours=1)
pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("no_mail_after_commit")]


def test_a_confirm_clicked_twice_at_once_imports_once(requires_postgres):
    event = EventFactory(slug="wego-2010", capacity=100)
    city = ParticipatingCityFactory(event=event)
    user = get_user_model().objects.create_user("organiser", is_staff=True)
    rows = [Row(line=n + 2, values=person_row(n)) for n in range(10)]
    batch = importing.start_import(event=event, city=city, file_name="list.csv", rows=rows, user=user)

    results, errors = run_at_once([lambda: importing.confirm_import(batch=batch, user=user) for _ in range(4)])

    assert sum(1 for r in results if r is not None) == 1
    assert [e.code for e in errors if e is not None] == ["imported"] * 3
    assert Registration.objects.filter(delegation=city).count() == 10
    assert OutgoingMail.objects.filter(kind=MailKind.CONFIRMATION).count() == 10
    batch.refresh_from_db()
    assert (batch.status, batch.imported_count) == (ImportStatus.IMPORTED, 10)
    event.refresh_from_db()
    assert event.seats_taken == 10


def test_a_mailing_sent_twice_at_once_is_queued_once(requires_postgres):
    event = EventFactory(slug="wego-2010", capacity=100)
    city = ParticipatingCityFactory(event=event)
    user = get_user_model().objects.create_user("organiser", is_staff=True)
    rows = [Row(line=n + 2, values=person_row(n)) for n in range(5)]
    importing.confirm_import(
        batch=importing.start_import(event=event, city=city, file_name="l.csv", rows=rows, user=user), user=user
    )
    draft = mailing.start_mailing(registrations=Registration.objects.all(), user=user, description="")
    texts = {"subject_ko": "안내", "body_ko": "본문", "subject_en": "Notice", "body_en": "Body"}
    mailing.save_text(mailing=draft, kind="service", texts=texts)

    results, errors = run_at_once([lambda: mailing.send_mailing(mailing=draft, user=user) for _ in range(4)])

    assert [r for r in results if r is not None] == [5]
    assert [e.code for e in errors if e is not None] == ["sent"] * 3
    assert OutgoingMail.objects.filter(kind=MailKind.MAILING).count() == 5
    draft.refresh_from_db()
    assert draft.status == MailingStatus.SENT


def test_an_import_and_online_registrations_for_the_same_workshops_never_deadlock(requires_postgres):
    event = EventFactory(slug="wego-2010", capacity=40)
    first = WorkshopFactory(event=event, slug="w1", capacity=10)
    second = WorkshopFactory(event=event, slug="w2", capacity=10, starts_at=first.ends_at, ends_at=first.ends_at + HOUR)
    city = ParticipatingCityFactory(event=event)
    user = get_user_model().objects.create_user("organiser", is_staff=True)
    # Line by line, alternately booking the second workshop then both (the lock
    # order the import must keep whatever the file's order).
    rows = [Row(line=n + 2, values=person_row(n, sessions="w2" if n % 2 else "w2 w1")) for n in range(12)]
    batch = importing.start_import(event=event, city=city, file_name="list.csv", rows=rows, user=user)
    online = [registering(event, [first] if n % 2 else [second, first]) for n in range(12)]

    _results, errors = run_at_once([lambda: importing.confirm_import(batch=batch, user=user), *online])

    assert [repr(e) for e in errors if e is not None] == []
    assert Registration.objects.filter(delegation=city).count() == 12
    assert Registration.objects.filter(event=event).count() == 24
    assert_counters_consistent(event)
