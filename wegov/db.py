"""The database's time limits (settings.DATABASE_LOCK_TIMEOUT_MS and
DATABASE_STATEMENT_TIMEOUT_MS, PostgreSQL only): recognising a statement that
PostgreSQL gave up on, and lifting the statement limit for long commands."""

from contextlib import contextmanager

from django.db import OperationalError, connections
from django.db.backends.signals import connection_created

LOCK_NOT_AVAILABLE = "55P03"  # lock_timeout passed (or NOWAIT refused)
QUERY_CANCELED = "57014"  # statement_timeout passed
TIMEOUT_CODES = {LOCK_NOT_AVAILABLE, QUERY_CANCELED}


def timeout_code(error: BaseException) -> str:
    """The SQLSTATE if `error` is PostgreSQL giving up on a lock wait or a
    statement, else "". Django raises its OperationalError from psycopg's."""
    if not isinstance(error, OperationalError):
        return ""
    code = getattr(error.__cause__, "pgcode", None) or ""
    return code if code in TIMEOUT_CODES else ""


@contextmanager
def without_statement_timeout(alias: str = "default"):
    """Inside: no statement timeout on the `alias` connection, including a
    connection opened meanwhile (a data migration or an index on a big table may
    take minutes). The lock timeout stays. Afterwards the configured limit is back."""
    wrapper = connections[alias]
    if wrapper.vendor != "postgresql":
        yield
        return

    def lift(sender, connection, **kwargs):
        if connection.alias == alias:
            with connection.cursor() as cursor:
                cursor.execute("SET statement_timeout = 0")

    connection_created.connect(lift, weak=False)
    try:
        if wrapper.connection is not None:
            lift(None, wrapper)
        yield
    finally:
        connection_created.disconnect(lift)
        if wrapper.connection is not None and wrapper.is_usable():
            with wrapper.cursor() as cursor:
                cursor.execute("RESET statement_timeout")
