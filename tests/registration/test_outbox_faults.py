"""The outbox under faults, against PostgreSQL and a real SMTP server
(tests/fakesmtp.py): a database connection killed in the middle of a pass, two
workers at once, a mail server that refuses or hangs during a rush. Nothing is
lost, nothing is sent twice, and a hung mail server holds no database
connection."""

import threading
import time
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection, connections
from django.utils import timezone

from registration import outbox, services
from registration.management.commands.send_outbox import Command as SendOutbox
from registration.models import MailStatus, OutgoingMail
from tests.factories import EventFactory, PersonFactory
from tests.fakesmtp import FakeSMTPServer

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("requires_postgres")]

TIMEOUT = 30


@pytest.fixture
def mail_to(settings, smtp):
    """Django's SMTP backend, pointed at the fake server; nothing sent on commit."""
    settings.MAILERS = smtp.settings_for(timeout=5)
    settings.OUTBOX_SEND_ON_COMMIT = False
    return smtp


@pytest.fixture
def second_connection():
    """A connection of its own to the test database, outside Django's."""
    raw = connection.get_new_connection(connection.get_connection_params())
    raw.autocommit = True
    yield raw
    raw.close()


def kill_connection_of(raw, wrapper) -> bool:
    """pg_terminate_backend the session behind one thread's Django connection."""
    with raw.cursor() as cursor:
        cursor.execute("SELECT pg_terminate_backend(%s)", [wrapper.connection.get_backend_pid()])
        return cursor.fetchone()[0]


def open_connections() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()")
        return cursor.fetchone()[0]


def register(event, address: str):
    return services.register(event=event, person=PersonFactory(email=address), session_ids=[]).registration


def register_people(n: int) -> list[str]:
    event = EventFactory(slug="wego-2010")
    addresses = [f"person{k}@example.org" for k in range(n)]
    for address in addresses:
        register(event, address)
    return addresses


class CountingWorker(SendOutbox):
    """The real worker loop, stopped (as SIGTERM would) after `passes` passes."""

    def __init__(self, passes: int, **kwargs):
        super().__init__(**kwargs)
        self.wanted = passes
        self.results: list[tuple[int, int]] = []

    def run_pass(self):
        result = super().run_pass()
        self.results.append(result)
        if len(self.results) >= self.wanted:
            self.stop()
        return result


# Fault 2: the database connection dies in the middle of a pass -----------------------------


def test_a_mail_the_server_accepted_is_never_sent_again_when_the_connection_dies(mail_to, second_connection):
    addresses = register_people(3)
    worker_db, killed = connections["default"], []  # this thread's connection: the worker's

    def kill_the_worker_connection_once(recipients):
        if not killed:
            killed.append(kill_connection_of(second_connection, worker_db))

    mail_to.on_message = kill_the_worker_connection_once
    worker = SendOutbox(stdout=StringIO())

    first = worker.run_pass()
    later = [worker.run_pass(), worker.run_pass()]

    assert killed == [True]  # the worker's connection, after the server took the first mail
    assert mail_to.per_recipient() == dict.fromkeys(addresses, 1)
    assert (first, later) == ((3, 0), [(0, 0), (0, 0)])
    assert set(OutgoingMail.objects.values_list("status", "attempts")) == {(MailStatus.SENT, 1)}
    assert OutgoingMail.objects.filter(sent_at__isnull=True).count() == 0


def test_the_worker_loop_keeps_running_through_killed_connections(mail_to, second_connection, caplog):
    addresses = register_people(4)
    worker_db, kills = connections["default"], []

    def kill_after_every_other_mail(recipients):
        if len(mail_to.received) % 2 == 0:
            kills.append(kill_connection_of(second_connection, worker_db))

    mail_to.on_message = kill_after_every_other_mail
    worker, out = CountingWorker(passes=3), StringIO()

    call_command(worker, "--interval", "0.01", stdout=out)

    assert kills == [True, True]
    assert mail_to.per_recipient() == dict.fromkeys(addresses, 1)
    assert worker.results == [(4, 0), (0, 0), (0, 0)]
    assert out.getvalue().splitlines()[-1] == "Outbox worker stopped."
    assert set(OutgoingMail.objects.values_list("status", flat=True)) == {MailStatus.SENT}
    assert "Recording the outcome of mail" in caplog.text  # retried on a fresh connection


def test_a_database_error_while_claiming_ends_the_pass_not_the_worker(mail_to, second_connection, caplog):
    (address,) = register_people(1)
    second_connection.autocommit = False
    with second_connection.cursor() as cursor:  # the outbox table locked by someone else
        cursor.execute("LOCK TABLE registration_outgoingmail IN ACCESS EXCLUSIVE MODE")
    with connection.cursor() as cursor:
        cursor.execute("SET lock_timeout = '200ms'")

    class ReleasingWorker(CountingWorker):
        def run_pass(self):
            result = super().run_pass()
            second_connection.rollback()  # the lock goes after the first pass
            return result

    worker = ReleasingWorker(passes=2)
    call_command(worker, "--interval", "0.01", stdout=StringIO())

    assert worker.results == [(0, 0), (1, 0)]
    assert "Outbox pass failed on a database error" in caplog.text
    assert mail_to.per_recipient() == {address: 1}


def test_two_workers_never_send_one_mail_twice_over_smtp(mail_to):
    addresses = register_people(12)
    start = threading.Barrier(2)
    results, errors = [], []

    def worker():
        try:
            start.wait()
            results.append(SendOutbox(stdout=StringIO()).run_pass())
        except Exception as exc:  # reported below, not lost in the thread
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(TIMEOUT)

    assert errors == []
    assert mail_to.per_recipient() == dict.fromkeys(addresses, 1)
    assert sum(sent for sent, _failed in results) == len(addresses)
    assert set(OutgoingMail.objects.values_list("status", "attempts")) == {(MailStatus.SENT, 1)}


# A mail server that refuses, or hangs ----------------------------------------------------


@pytest.mark.parametrize("fault", ["refuses", "is_down"])
def test_a_refusing_mail_server_leaves_the_mail_queued_then_sends_it_once(settings, fault):
    settings.OUTBOX_SEND_ON_COMMIT = False
    smtp = FakeSMTPServer().start()
    settings.MAILERS = smtp.settings_for(timeout=5)
    if fault == "refuses":
        smtp.refuse = "451 4.3.0 Try again later"
    else:
        smtp.stop()  # nothing listens on its port any more
    (address,) = register_people(1)

    try:
        assert outbox.deliver_due() == (0, 1)
        mail = OutgoingMail.objects.get()
        assert (mail.status, mail.attempts) == (MailStatus.QUEUED, 1)
        assert mail.next_attempt_at > timezone.now() + timedelta(seconds=25)
        assert ("451" if fault == "refuses" else "ConnectionRefusedError") in mail.last_error

        if fault == "is_down":
            smtp = FakeSMTPServer().start()
            settings.MAILERS = smtp.settings_for(timeout=5)
        smtp.refuse = None
        assert outbox.deliver_due() == (0, 0)  # its back-off has not passed
        assert outbox.deliver_due(now=timezone.now() + timedelta(seconds=31)) == (1, 0)
        assert outbox.deliver_due(now=timezone.now() + timedelta(days=1)) == (0, 0)
    finally:
        smtp.stop()

    assert smtp.per_recipient() == {address: 1}
    assert OutgoingMail.objects.get().status == MailStatus.SENT


def test_a_hung_mail_server_during_a_rush_holds_no_database_connections(settings, smtp):
    """300 registrations in a row, each handing its mail to an after-commit
    sender, while the mail server accepts connections but never answers: at
    most OUTBOX_SEND_THREADS senders at once, none holding a database
    connection while it waits (only for its short claim or record), so the
    connections stay far under PostgreSQL's limit; once the server answers
    again, everyone gets their mail exactly once."""
    settings.OUTBOX_SEND_ON_COMMIT = True
    settings.OUTBOX_SEND_IN_THREAD = True
    settings.OUTBOX_SEND_THREADS = 4
    settings.MAILERS = smtp.settings_for(timeout=8)
    smtp.hang()
    event = EventFactory(slug="wego-2010")
    idle = open_connections()  # this test's own connection
    addresses = [f"person{k}@example.org" for k in range(300)]
    connections_seen, senders_seen = [], []

    for k, address in enumerate(addresses):
        register(event, address)  # commits, then hands its mail to a sender if one is free
        if k % 10 == 0:
            connections_seen.append(open_connections())
            senders_seen.append(sum(t.name.startswith("outbox-") for t in threading.enumerate()))
    hung = []
    for _ in range(10):
        time.sleep(0.05)
        hung.append(open_connections())

    smtp.recover()
    for thread in threading.enumerate():
        if thread.name.startswith("outbox-"):
            thread.join(TIMEOUT)
    _sent, failed = outbox.deliver_due(now=timezone.now() + timedelta(hours=1))

    assert max(connections_seen + hung) <= idle + 4
    assert min(hung) <= idle  # the senders wait for the hung server with no connection
    assert 1 <= max(senders_seen) <= 4
    assert failed == 0
    assert smtp.per_recipient() == dict.fromkeys(addresses, 1)
    assert set(OutgoingMail.objects.values_list("status", flat=True)) == {MailStatus.SENT}
