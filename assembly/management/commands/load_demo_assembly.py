from django.core.management.base import BaseCommand, CommandError

from assembly.demo import ensure_demo_assembly
from registration.roles import DemoAccountsNotAllowedError


class Command(BaseCommand):
    help = (
        "Accredit a few sample delegates (after load_demo_attendees) as their city's voting delegate and "
        "give one sample proxy, so the plenary door and the quorum board have people to show. "
        "Development sites only; idempotent."
    )

    def handle(self, *args, **options):
        try:
            accredited = ensure_demo_assembly()
        except DemoAccountsNotAllowedError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(self.style.SUCCESS(f"Sample accreditations: {accredited} made now."))
