"""The outbox worker: sends queued e-mail and retries what failed, with back-off.

    python manage.py send_outbox              # every 10 seconds until stopped
    python manage.py send_outbox --once       # one pass (and the no-show release), then exit (cron)

Stops cleanly on Ctrl-C or SIGTERM, after the pass in progress. Any number of
workers may run at once: each claims rows with SELECT ... FOR UPDATE SKIP LOCKED.
A database that goes away (restart, fail-over, a killed connection) never ends
the loop: the pass is logged, broken connections are closed, and the next pass
reconnects. How one mail is claimed, sent and recorded: registration.outbox.

Once a minute the loop also releases the booked seats of people who did not
come (registration/noshows.py; also `manage.py release_no_shows`).
"""

import logging
import signal
import threading
import time

from django import db
from django.core.management.base import BaseCommand, CommandError
from django.db import connections
from django.utils import timezone

from registration import noshows, outbox

logger = logging.getLogger(__name__)

NO_SHOWS_EVERY_SECONDS = 60


class Command(BaseCommand):
    help = "Send the e-mail waiting in the outbox; retry failed mail with back-off."

    def add_arguments(self, parser):
        parser.add_argument("--interval", type=float, default=10.0, help="Seconds between passes (default: 10).")
        parser.add_argument("--once", action="store_true", help="Run one pass and exit.")

    def handle(self, *args, interval: float, once: bool, **options):
        if interval <= 0:
            raise CommandError("--interval must be more than 0 seconds.")
        if once:
            self.no_shows_due = 0.0
            self.release_no_shows()
            sent, failed = self.run_pass()
            self.stdout.write(f"Outbox: {sent} sent, {failed} failed (will be retried or are marked failed).")
            return
        self.stopping = threading.Event()
        previous = self._handle_signals()
        self.stdout.write(f"Outbox worker started: a pass every {interval:g} s. Stop with Ctrl-C or SIGTERM.")
        self.no_shows_due = 0.0
        try:
            while not self.stopping.is_set():
                self.release_no_shows()
                sent, failed = self.run_pass()
                if sent or failed:
                    self.stdout.write(f"{timezone.localtime():%Y-%m-%d %H:%M:%S %Z}: {sent} sent, {failed} failed.")
                self.stopping.wait(interval)
        except KeyboardInterrupt:
            pass
        finally:
            for signum, handler in previous.items():
                signal.signal(signum, handler)
        self.stdout.write("Outbox worker stopped.")

    def run_pass(self) -> tuple[int, int]:
        """One pass over the due mail. A database error (DatabaseError, or the
        InterfaceError of a connection that was closed under it) is logged and
        the pass tried again next time rather than ending the worker; mail sent
        before the error is already recorded as sent."""
        try:
            _refresh_connections()
            return outbox.deliver_due()
        except db.Error:
            logger.exception("Outbox pass failed on a database error; trying again next pass.")
            return 0, 0
        finally:
            _refresh_connections()

    def release_no_shows(self) -> None:
        """Release due no-show seats, at most once a minute (their mails go out
        in this pass). A database error is logged and tried again next time."""
        if time.monotonic() < self.no_shows_due:
            return
        self.no_shows_due = time.monotonic() + NO_SHOWS_EVERY_SECONDS
        try:
            _refresh_connections()
            released = noshows.release_no_shows()
        except db.Error:
            logger.exception("Releasing no-show seats failed on a database error; trying again next minute.")
            return
        if released:
            self.stdout.write(f"{timezone.localtime():%Y-%m-%d %H:%M:%S %Z}: {released} no-show seat(s) released.")

    def stop(self, signum=None, frame=None) -> None:
        self.stopping.set()

    def _handle_signals(self) -> dict:
        """SIGTERM (and SIGINT) end the loop after the pass in progress."""
        if threading.current_thread() is not threading.main_thread():
            return {}
        return {signum: signal.signal(signum, self.stop) for signum in (signal.SIGTERM, signal.SIGINT)}


def _refresh_connections() -> None:
    """What Django does around each request, for a process that never serves
    one: drop connections that broke or outlived CONN_MAX_AGE. (Not inside an
    atomic block, as in a test: closing there would break the transaction.)"""
    for connection in connections.all(initialized_only=True):
        if not connection.in_atomic_block:
            try:
                connection.close_if_unusable_or_obsolete()
            except db.Error:
                connection.close()
