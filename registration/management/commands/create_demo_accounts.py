from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.urls import reverse
from django.utils import translation

from registration.roles import DemoAccountsNotAllowedError, ensure_demo_accounts


class Command(BaseCommand):
    help = (
        "Create the demo organiser and desk-staff accounts and print their log-ins. "
        "Development sites only: refuses unless settings.DEMO_ACCOUNTS_ALLOWED."
    )

    def handle(self, *args, **options):
        try:
            outcomes = ensure_demo_accounts()
        except DemoAccountsNotAllowedError as error:
            raise CommandError(str(error)) from error
        with translation.override(settings.LANGUAGE_CODE):
            admin_url = settings.SITE_URL + reverse("admin:index")
            desk_url = settings.SITE_URL + reverse("desk:checkpoints")
        self.stdout.write(self.style.SUCCESS("Demo accounts (development only, passwords are public):"))
        for account, outcome in outcomes:
            where = admin_url if account.is_staff else desk_url + " (the check-in desk only)"
            self.stdout.write(
                f"  {account.group}: {where}  username: {account.username}  password: {account.password}  ({outcome})"
            )
