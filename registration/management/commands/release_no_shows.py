"""Release the booked seats of people who did not come (registration/noshows.py).

    python manage.py release_no_shows

Safe to run as often as wanted and from several machines at once: a seat is
released once. The outbox worker (send_outbox) also runs it once a minute; a
timer is for sites that run no worker (docs/rooms.md).
"""

from django.core.management.base import BaseCommand

from registration import noshows


class Command(BaseCommand):
    help = "Release the booked seats of people not checked in some minutes after their session started."

    def handle(self, *args, **options):
        released = noshows.release_no_shows()
        self.stdout.write(f"No-shows: {released} seat(s) released.")
