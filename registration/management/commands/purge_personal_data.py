from django.core.management.base import BaseCommand

from registration.retention import destroy_expired


class Command(BaseCommand):
    help = (
        "Destroy personal data whose retention period has ended (three months after the event; "
        "news subscribers' name and e-mail at most two years), with its copies in sessions, the admin "
        "log and the outbox, and delete expired sessions (as clearsessions does). Run daily, e.g. from cron."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Only count what would be destroyed.")

    def handle(self, *args, dry_run=False, **options):
        result = destroy_expired(dry_run=dry_run)
        verb = "Would anonymise" if dry_run else "Anonymised"
        self.stdout.write(
            f"{verb} {result.anonymised} registration(s); "
            f"{result.kept_for_news} keep only name and e-mail for the news they agreed to."
        )
        if not dry_run:
            self.stdout.write(
                f"Sessions deleted (expired, or holding purged data): {result.sessions_deleted}; "
                f"admin log entries scrubbed: {result.log_entries_scrubbed}."
            )
