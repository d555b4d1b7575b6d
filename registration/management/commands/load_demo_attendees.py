from django.core.management.base import BaseCommand, CommandError

from registration.demo import ensure_demo_attendees
from registration.roles import DemoAccountsNotAllowedError


class Command(BaseCommand):
    help = (
        "Register sample attendees (Korean and foreign delegates, citizens, press…) in the current event, "
        "so the desk, the dashboard and the exports have people to show. Development sites only; "
        "idempotent; no mail is sent to them."
    )

    def handle(self, *args, **options):
        try:
            created, existing = ensure_demo_attendees()
        except DemoAccountsNotAllowedError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            self.style.SUCCESS(f"Sample attendees: {created} registered, {existing} already there.")
            + " Try the desk with a name such as 민준 or jose."
        )
