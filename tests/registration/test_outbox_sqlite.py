"""Mail under `make run` (SQLite, runserver's threads): a printed mail is marked
sent, no mail goes out twice, and no confirmation follows a cancellation.

SQLite's default (deferred) transactions fail at once with "database is locked"
when two of them read and then write at the same time; settings.py makes every
transaction take the write lock when it begins (BEGIN IMMEDIATE), so the second
one waits its turn instead."""

import threading
import time

import pytest
from django.conf import settings
from django.db import connections, transaction

from registration import outbox, services
from registration.models import MailKind, MailStatus, OutgoingMail
from tests.factories import EventFactory, PersonFactory
from tests.registration.test_outbox import SlowRecordingBackend, use_backend

SCRATCH = "sqlite_scratch"


@pytest.fixture
def sqlite_file(tmp_path, django_db_blocker):
    """A second alias on a SQLite file, configured like the site's database."""
    default = settings.DATABASES["default"]
    if default["ENGINE"] != "django.db.backends.sqlite3":
        pytest.skip("SQLite's locking only")
    scratch = {**default, "NAME": str(tmp_path / "db.sqlite3")}
    configured = connections.configure_settings({"default": default, SCRATCH: scratch})
    connections.settings[SCRATCH] = configured[SCRATCH]
    with django_db_blocker.unblock():
        yield SCRATCH
        connections[SCRATCH].close()
    del connections.settings[SCRATCH]


def test_two_sqlite_transactions_that_read_then_write_wait_for_each_other(sqlite_file):
    with connections[sqlite_file].cursor() as cursor:
        cursor.execute("CREATE TABLE mail (id INTEGER PRIMARY KEY, status TEXT)")
        cursor.execute("INSERT INTO mail (status) VALUES ('queued')")
    errors, done = [], []

    def claim_and_record(n):
        try:
            with transaction.atomic(using=sqlite_file), connections[sqlite_file].cursor() as cursor:
                cursor.execute("SELECT status FROM mail WHERE id = 1")  # like outbox._claim: read ...
                time.sleep(0.2)
                cursor.execute("UPDATE mail SET status = %s WHERE id = 1", [f"sent by {n}"])  # ... then write
            done.append(n)
        except Exception as exc:
            errors.append(exc)
        finally:
            connections[sqlite_file].close()

    threads = [threading.Thread(target=claim_and_record, args=(n,)) for n in (1, 2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert sorted(done) == [1, 2]


@pytest.fixture
def event(db):
    return EventFactory(slug="wego-2010", name_en="WeGO General Assembly")


def test_a_confirmation_still_queued_at_cancellation_is_withdrawn_not_sent(event, settings, mailoutbox):
    settings.OUTBOX_SEND_ON_COMMIT = False  # the mail waits in the queue, as after "database is locked"
    registration = services.register(
        event=event, person=PersonFactory(email="ana@example.org"), session_ids=[]
    ).registration
    services.cancel(registration=registration)

    assert outbox.deliver_due() == (1, 0)

    kinds = dict(OutgoingMail.objects.filter(registration=registration).values_list("kind", "status"))
    assert kinds == {MailKind.CONFIRMATION: MailStatus.WITHDRAWN, MailKind.CANCELLED: MailStatus.SENT}
    assert len(mailoutbox) == 1
    assert "has been cancelled" in mailoutbox[0].body
    assert outbox.deliver_due() == (0, 0)


def test_a_mail_sent_after_commit_is_recorded_once_and_never_sent_again(event, settings):
    use_backend(settings, SlowRecordingBackend)
    SlowRecordingBackend.sent = []
    with transaction.atomic():
        registration = services.register(
            event=event, person=PersonFactory(email="bo@example.org"), session_ids=[]
        ).registration
    # The test database never commits: run what the commit would run.
    mail = OutgoingMail.objects.get(registration=registration)
    assert outbox.deliver_by_id(mail.pk) is True
    assert outbox.deliver_by_id(mail.pk) is False
    assert outbox.deliver_due() == (0, 0)

    mail.refresh_from_db()
    assert (mail.status, mail.attempts) == (MailStatus.SENT, 1)
    assert SlowRecordingBackend.sent == ["bo@example.org"]


PRINT_MAIL_SETTINGS = """
import django
from django.conf import settings
django.setup()
print(settings.OUTBOX_SEND_IN_THREAD, settings.DATABASES["default"].get("OPTIONS", {}).get("transaction_mode"))
"""


@pytest.mark.parametrize(
    ("database_url", "expected"),
    [("", "False IMMEDIATE"), ("postgres://postgres@127.0.0.1:5432/wegov", "True None")],
)
def test_make_run_on_sqlite_sends_in_the_request_that_committed(database_url, expected):
    from tests.test_settings import run_python

    environment = {"DEBUG": "true"} | ({"DATABASE_URL": database_url} if database_url else {})
    result = run_python(["-c", PRINT_MAIL_SETTINGS], **environment)

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == expected
