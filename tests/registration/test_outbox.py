"""The outbox cannot lose a registration: mail goes out after the commit, a
mail server that is down is retried with back-off, and two workers never send
one mail twice. Also the `send_outbox` worker command."""

import itertools
import threading
import time
from datetime import timedelta
from io import StringIO

import pytest
from django.core.mail.backends.base import BaseEmailBackend
from django.core.mail.backends.locmem import EmailBackend as LocmemBackend
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.utils import timezone

from registration import outbox, services
from registration.management.commands.send_outbox import Command as SendOutbox
from registration.models import MailKind, MailStatus, OutgoingMail, Registration
from tests.factories import EventFactory, PersonFactory, WorkshopFactory, seoul

T0 = seoul(2010, 8, 20, 10, 0)


class MailServerDown(BaseEmailBackend):
    """The SMTP server refuses connections."""

    def send_messages(self, messages):
        raise ConnectionRefusedError(111, "Connection refused")


class ProcessDiesMidSend(BaseEmailBackend):
    """The process is killed while the mail server has the message: nothing
    after this line runs (SystemExit is what SIGTERM's default handler raises)."""

    def send_messages(self, messages):
        raise SystemExit(143)


class SlowRecordingBackend(BaseEmailBackend):
    """Takes a moment per message and records every recipient it sent to."""

    sent: list[str] = []
    lock = threading.Lock()

    def send_messages(self, messages):
        time.sleep(0.02)
        with self.lock:
            SlowRecordingBackend.sent.extend(address for message in messages for address in message.to)
        return len(messages)


def use_backend(settings, backend: type[BaseEmailBackend]) -> None:
    path = f"{backend.__module__}.{backend.__qualname__}"
    if hasattr(settings, "MAILERS"):  # once settings move to Django 6.1's MAILERS
        settings.MAILERS = {"default": {"BACKEND": path}}
    else:
        settings.EMAIL_BACKEND = path


@pytest.fixture
def mail_server_down(settings):
    use_backend(settings, MailServerDown)


@pytest.fixture
def event(db):
    return EventFactory(slug="wego-2010", name_en="WeGO General Assembly")


def register(event, sessions=(), **person):
    details = PersonFactory(**person)
    return services.register(event=event, person=details, session_ids=[s.pk for s in sessions]).registration


def confirmation_of(registration) -> OutgoingMail:
    return OutgoingMail.objects.get(registration=registration, kind=MailKind.CONFIRMATION)


# Retries ------------------------------------------------------------------------


@pytest.mark.usefixtures("mail_server_down")
def test_registration_survives_a_mail_server_that_is_down(event, time_machine, django_capture_on_commit_callbacks):
    time_machine.move_to(T0, tick=False)

    with django_capture_on_commit_callbacks(execute=True):
        registration = register(event, [WorkshopFactory(event=event)], email="ana@example.org")

    assert Registration.objects.filter(pk=registration.pk, email="ana@example.org").exists()
    mail = confirmation_of(registration)
    assert mail.status == MailStatus.QUEUED
    assert mail.attempts == 1
    assert mail.last_error == "ConnectionRefusedError: [Errno 111] Connection refused"
    assert mail.next_attempt_at == T0 + timedelta(seconds=30)
    assert mail.sent_at is None


def test_queued_mail_is_sent_once_the_server_is_back(event, settings, time_machine, mailoutbox):
    time_machine.move_to(T0, tick=False)
    use_backend(settings, MailServerDown)
    registration = register(event, email="ana@example.org")
    assert outbox.deliver_due() == (0, 1)

    use_backend(settings, LocmemBackend)  # the server is back
    assert outbox.deliver_due() == (0, 0)  # not due before its back-off has passed
    time_machine.move_to(T0 + timedelta(seconds=31), tick=False)
    assert outbox.deliver_due() == (1, 0)

    mail = confirmation_of(registration)
    assert mail.status == MailStatus.SENT
    assert mail.attempts == 2
    assert mail.last_error == ""
    assert mail.sent_at == T0 + timedelta(seconds=31)
    assert [m.to for m in mailoutbox] == [["ana@example.org"]]
    assert outbox.deliver_due() == (0, 0)  # sent mail is never sent again


@pytest.mark.usefixtures("mail_server_down")
def test_back_off_grows_and_the_mail_is_marked_failed_after_max_attempts(event, time_machine):
    time_machine.move_to(T0, tick=False)
    registration = register(event, email="ana@example.org")
    delays = []

    for _attempt in range(outbox.MAX_ATTEMPTS):
        mail = confirmation_of(registration)
        time_machine.move_to(mail.next_attempt_at, tick=False)
        assert outbox.deliver_due() == (0, 1)
        mail.refresh_from_db()
        delays.append(mail.next_attempt_at - timezone.now())

    assert mail.status == MailStatus.FAILED
    assert mail.attempts == outbox.MAX_ATTEMPTS
    assert "Connection refused" in mail.last_error
    assert delays[:4] == [timedelta(seconds=s) for s in (30, 60, 120, 240)]
    assert all(later >= earlier for earlier, later in itertools.pairwise(delays))
    assert max(delays) <= outbox.MAX_DELAY
    # A mail server down for a whole day loses nothing: retries go on for longer.
    assert sum(delays[:-1], timedelta()) > timedelta(days=1)
    time_machine.move_to(T0 + timedelta(days=2), tick=False)
    assert outbox.deliver_due() == (0, 0)  # failed mail waits for an organiser


def test_back_off_schedule():
    assert [outbox.backoff(n) for n in (1, 2, 3, 4)] == [timedelta(seconds=s) for s in (30, 60, 120, 240)]
    assert outbox.backoff(30) == outbox.MAX_DELAY


# The worker command ---------------------------------------------------------------


def test_send_outbox_once_sends_what_is_queued(event, mailoutbox, settings):
    settings.OUTBOX_SEND_ON_COMMIT = False
    register(event, email="ana@example.org")
    register(event, email="bo@example.org")
    out = StringIO()

    call_command("send_outbox", "--once", stdout=out)

    assert out.getvalue() == "Outbox: 2 sent, 0 failed (will be retried or are marked failed).\n"
    assert sorted(m.to[0] for m in mailoutbox) == ["ana@example.org", "bo@example.org"]
    assert set(OutgoingMail.objects.values_list("status", flat=True)) == {MailStatus.SENT}


@pytest.mark.usefixtures("mail_server_down")
def test_send_outbox_reports_failures(event, settings):
    settings.OUTBOX_SEND_ON_COMMIT = False
    register(event, email="ana@example.org")
    out = StringIO()

    call_command("send_outbox", "--once", stdout=out)

    assert out.getvalue() == "Outbox: 0 sent, 1 failed (will be retried or are marked failed).\n"
    assert OutgoingMail.objects.get().attempts == 1


def test_send_outbox_loop_stops_cleanly_on_sigterm(event, settings, monkeypatch, mailoutbox):
    settings.OUTBOX_SEND_ON_COMMIT = False
    register(event, email="ana@example.org")
    passes = []
    real_run_pass = SendOutbox.run_pass

    def run_pass_then_stop(self):
        result = real_run_pass(self)
        passes.append(result)
        if len(passes) == 2:
            self.stop()  # what the SIGTERM handler calls
        return result

    monkeypatch.setattr(SendOutbox, "run_pass", run_pass_then_stop)
    out = StringIO()

    call_command("send_outbox", "--interval", "0.01", stdout=out)

    assert passes == [(1, 0), (0, 0)]
    lines = out.getvalue().splitlines()
    assert lines[0] == "Outbox worker started: a pass every 0.01 s. Stop with Ctrl-C or SIGTERM."
    assert lines[1].endswith(": 1 sent, 0 failed.")
    assert lines[-1] == "Outbox worker stopped."
    assert len(mailoutbox) == 1


def test_send_outbox_loop_stops_on_keyboard_interrupt(db, monkeypatch):
    def interrupted(self):
        raise KeyboardInterrupt

    monkeypatch.setattr(SendOutbox, "run_pass", interrupted)
    out = StringIO()

    call_command("send_outbox", stdout=out)

    assert out.getvalue().splitlines()[-1] == "Outbox worker stopped."


def test_send_outbox_refuses_a_bad_interval(db):
    with pytest.raises(CommandError, match="--interval"):
        call_command("send_outbox", "--interval", "0")


# Two workers ------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_two_workers_never_send_the_same_mail_twice(requires_postgres, settings):
    settings.OUTBOX_SEND_ON_COMMIT = False
    event = EventFactory(slug="wego-2010")
    addresses = [f"person{n}@example.org" for n in range(12)]
    for address in addresses:
        register(event, email=address)
    use_backend(settings, SlowRecordingBackend)
    SlowRecordingBackend.sent = []
    start = threading.Barrier(2)
    results, errors = [], []

    def worker():
        try:
            start.wait()
            results.append(outbox.deliver_due())
        except Exception as exc:  # reported below, not lost in the thread
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert errors == []
    assert sorted(SlowRecordingBackend.sent) == sorted(addresses)
    assert sum(sent for sent, _failed in results) == len(addresses)
    assert all(sent > 0 for sent, _failed in results)  # both workers took a share
    assert set(OutgoingMail.objects.values_list("status", "attempts")) == {(MailStatus.SENT, 1)}


# At most once ---------------------------------------------------------------------------


def test_a_mail_abandoned_mid_send_is_never_resent_by_itself(event, settings, time_machine, mailoutbox, admin_client):
    settings.OUTBOX_SEND_ON_COMMIT = False
    time_machine.move_to(T0, tick=False)
    registration = register(event, email="ana@example.org")
    use_backend(settings, ProcessDiesMidSend)
    with pytest.raises(SystemExit):
        outbox.deliver_due()
    mail = confirmation_of(registration)
    assert (mail.status, mail.attempts, mail.claimed_at) == (MailStatus.SENDING, 1, T0)

    use_backend(settings, LocmemBackend)  # a new worker starts
    time_machine.move_to(T0 + outbox.LEASE - timedelta(seconds=1), tick=False)
    assert outbox.deliver_due() == (0, 0)  # perhaps still being sent: left alone
    assert confirmation_of(registration).status == MailStatus.SENDING
    time_machine.move_to(T0 + outbox.LEASE + timedelta(seconds=1), tick=False)
    assert outbox.deliver_due() == (0, 0)
    time_machine.move_to(T0 + timedelta(days=3), tick=False)
    assert outbox.deliver_due() == (0, 0)

    mail.refresh_from_db()
    assert (mail.status, mail.sent_at) == (MailStatus.UNKNOWN, None)
    assert mail.last_error == outbox.ABANDONED
    assert mailoutbox == []
    changelist = admin_client.get("/en/admin/registration/outgoingmail/?status__exact=unknown")
    assert "check whether it arrived before Retry now" in changelist.content.decode()

    # The organiser asked: it never arrived.
    admin_client.post(
        "/en/admin/registration/outgoingmail/",
        {"action": "retry_now", "_selected_action": [mail.pk]},
    )
    assert outbox.deliver_due() == (1, 0)
    assert [m.to for m in mailoutbox] == [["ana@example.org"]]
    assert confirmation_of(registration).status == MailStatus.SENT


def test_retry_now_leaves_a_mail_that_is_being_sent_alone(event, settings, admin_client):
    settings.OUTBOX_SEND_ON_COMMIT = False
    registration = register(event, email="ana@example.org")
    OutgoingMail.objects.update(status=MailStatus.SENDING, claimed_at=timezone.now())

    admin_client.post(
        "/en/admin/registration/outgoingmail/",
        {"action": "retry_now", "_selected_action": [confirmation_of(registration).pk]},
    )

    assert confirmation_of(registration).status == MailStatus.SENDING
