"""Django's migrate, without the statement timeout.

The site's connections stop any statement after settings.DATABASE_STATEMENT_TIMEOUT_MS
(15 s), but a data migration or an index built on a big table may take longer and
must not fail half-way on that. The lock timeout stays: a migration that cannot
get its lock within seconds stops (PostgreSQL rolls it back; run migrate again)
instead of making every request queue behind it. See docs/faults.md.
"""

from django.core.management.commands import migrate

from wegov.db import without_statement_timeout


class Command(migrate.Command):
    def handle(self, *args, **options):
        with without_statement_timeout(options["database"]):
            return super().handle(*args, **options)
