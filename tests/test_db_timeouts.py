"""The database's time limits: set from the environment for PostgreSQL only,
recognised when PostgreSQL gives up, and lifted for `migrate` (a data migration
or an index on a big table may run for minutes)."""

import json

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import OperationalError, connection
from django.db.models.signals import pre_migrate

from tests.test_settings import run_python
from wegov.db import QUERY_CANCELED, timeout_code, without_statement_timeout

PRINT_DATABASE_OPTIONS = """
import json
import django
from django.conf import settings
django.setup()
print(json.dumps(settings.DATABASES["default"].get("OPTIONS", {})))
"""


def database_options(**environment) -> dict:
    result = run_python(["-c", PRINT_DATABASE_OPTIONS], **environment)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_postgresql_connections_get_the_timeouts_from_the_environment():
    options = database_options(
        DATABASE_URL="postgres://wegov@db.example.org/wegov?options=-c%20search_path%3Dpublic",
        DATABASE_LOCK_TIMEOUT_MS="2500",
        DATABASE_STATEMENT_TIMEOUT_MS="20000",
    )

    assert options == {"options": "-c search_path=public -c lock_timeout=2500 -c statement_timeout=20000"}


def test_postgresql_timeouts_default_to_3_and_15_seconds():
    options = database_options(
        DATABASE_URL="postgres://wegov@db.example.org/wegov",
        DATABASE_LOCK_TIMEOUT_MS="",  # unset (whatever the environment running the tests says)
        DATABASE_STATEMENT_TIMEOUT_MS="",
    )

    assert options == {"options": "-c lock_timeout=3000 -c statement_timeout=15000"}


def test_sqlite_gets_no_postgresql_options():
    # Only SQLite's own: transactions that take the write lock at once (tests/registration/test_outbox_sqlite.py).
    assert database_options(DATABASE_URL="sqlite:///tmp/x.sqlite3", DATABASE_LOCK_TIMEOUT_MS="2500") == {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }


def statement_timeout() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT setting FROM pg_settings WHERE name = 'statement_timeout'")
        return cursor.fetchone()[0]


@pytest.mark.django_db(transaction=True)
def test_a_long_statement_runs_only_without_the_statement_timeout(requires_postgres):
    with connection.cursor() as cursor:
        cursor.execute("SET statement_timeout = '100ms'")
        with pytest.raises(OperationalError) as stopped:
            cursor.execute("SELECT pg_sleep(0.3)")

    with without_statement_timeout():
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_sleep(0.3)")
            cursor.execute("SELECT 1")
            assert cursor.fetchone() == (1,)

    assert timeout_code(stopped.value) == QUERY_CANCELED
    assert statement_timeout() == str(settings.DATABASE_STATEMENT_TIMEOUT_MS)


@pytest.mark.django_db(transaction=True)
def test_migrate_runs_without_the_statement_timeout_and_keeps_the_lock_timeout(requires_postgres):
    seen = []

    def record(**kwargs):
        with connection.cursor() as cursor:
            cursor.execute("SELECT setting FROM pg_settings WHERE name IN ('lock_timeout', 'statement_timeout')")
            seen.append(tuple(row[0] for row in cursor.fetchall()))

    pre_migrate.connect(record, weak=False)
    try:
        call_command("migrate", verbosity=0)
    finally:
        pre_migrate.disconnect(record)

    assert set(seen) == {(str(settings.DATABASE_LOCK_TIMEOUT_MS), "0")}
    assert statement_timeout() == str(settings.DATABASE_STATEMENT_TIMEOUT_MS)


@pytest.mark.django_db(transaction=True)
def test_migrate_lifts_the_statement_timeout_on_a_connection_opened_during_it(requires_postgres):
    connection.close()
    seen = []

    def record(**kwargs):
        seen.append(statement_timeout())

    pre_migrate.connect(record, weak=False)
    try:
        call_command("migrate", verbosity=0)
    finally:
        pre_migrate.disconnect(record)

    assert set(seen) == {"0"}
