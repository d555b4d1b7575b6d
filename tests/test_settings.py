"""wegov/settings.py and wegov/env.py: settings come from the environment.

Settings are read once, at import, so each case imports them afresh in a
subprocess (`django.setup()` with a chosen environment) and prints what it got.
The settings know nothing of tests: the test suite's allowances are made by
tests/conftest.py, so the subprocess gets what a site gets."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from wegov.env import env_bool, env_int, env_list, env_str

BASE_DIR = Path(settings.BASE_DIR)

# Every variable settings.py reads; the subprocess starts with none of them set.
SETTINGS_VARIABLES = {
    "DEBUG",
    "SECRET_KEY",
    "PRODUCTION",
    "DATABASE_URL",
    "DATABASE_CONN_MAX_AGE",
    "REDIS_URL",
    "ALLOWED_HOSTS",
    "CSRF_TRUSTED_ORIGINS",
    "SECURE_COOKIES",
    "SECURE_SSL_REDIRECT",
    "BEHIND_PROXY",
    "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "SECURE_HSTS_PRELOAD",
    "EMAIL_BACKEND",
    "SITE_URL",
    "MEDIA_ROOT",
    "DJANGO_SETTINGS_MODULE",
    "WEGOV_DESK_REHEARSAL_DAY",
}

PRINT_SETTINGS = """
import json
import django
from django.conf import settings
django.setup()
database = settings.DATABASES["default"]
print(json.dumps({
    "DEBUG": settings.DEBUG,
    "SECRET_KEY": settings.SECRET_KEY,
    "ENGINE": database["ENGINE"],
    "NAME": str(database["NAME"]),
    "HOST": database.get("HOST", ""),
    "DEMO_ACCOUNTS_ALLOWED": settings.DEMO_ACCOUNTS_ALLOWED,
}))
"""


def run_python(args: list[str], **environment: str) -> subprocess.CompletedProcess:
    env = {name: value for name, value in os.environ.items() if name not in SETTINGS_VARIABLES}
    env |= {"DJANGO_SETTINGS_MODULE": "wegov.settings", **environment}
    return subprocess.run(
        [sys.executable, *args], cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=120, check=False
    )


def fresh_settings(**environment: str) -> dict:
    """The settings a new process gets with `environment`."""
    result = run_python(["-c", PRINT_SETTINGS], **environment)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


# SECRET_KEY ------------------------------------------------------------------------------


@pytest.mark.parametrize("environment", [{}, {"DEBUG": "false"}, {"DEBUG": "false", "SECRET_KEY": ""}])
@pytest.mark.parametrize("entry_point", ["wegov.wsgi", "wegov.asgi"])
def test_secret_key_is_required_to_serve_when_debug_is_off(environment, entry_point):
    result = run_python(["-c", f"import {entry_point}"], **environment)

    assert result.returncode != 0
    assert "ImproperlyConfigured: SECRET_KEY must be set when DEBUG is off." in result.stderr


def test_without_a_secret_key_nothing_can_be_signed_when_debug_is_off():
    result = run_python(["-c", "import django; django.setup(); from django.core import signing; signing.dumps(1)"])

    assert result.returncode != 0
    assert "The SECRET_KEY setting must not be empty." in result.stderr


def test_migrations_can_be_checked_without_any_environment():
    """CI and a fresh clone run `makemigrations --check` with nothing set."""
    result = run_python(["manage.py", "makemigrations", "--check", "--dry-run"])

    assert result.returncode == 0, result.stderr
    assert "No changes detected" in result.stdout


def test_secret_key_from_the_environment_is_used_with_debug_off():
    key = "k" * 60

    got = fresh_settings(DEBUG="false", SECRET_KEY=key)

    assert (got["DEBUG"], got["SECRET_KEY"]) == (False, key)


def test_debug_on_uses_the_given_secret_key():
    got = fresh_settings(DEBUG="true", SECRET_KEY="s" * 60)

    assert (got["DEBUG"], got["SECRET_KEY"]) == (True, "s" * 60)


def test_the_test_suite_gets_a_throwaway_key_without_debug():
    """tests/conftest.py gives the suite a key when the environment has none."""
    assert settings.SECRET_KEY
    assert len(settings.SECRET_KEY) > 50


PRINT_ALLOWANCES = """
import json
import pytest  # importing pytest once switched the settings to the test suite's
import django
from django.conf import settings
django.setup()
print(json.dumps([settings.AXES_ENABLED, settings.OUTBOX_SEND_IN_THREAD, settings.SESSION_COOKIE_SECURE]))
"""


def test_the_settings_have_no_test_switch():
    """Neither pytest nor WEGOV_TESTING turns off the log-in throttle, the
    background mail senders or secure cookies: only tests/conftest.py does, in the suite.
    (On PostgreSQL: SQLite sends mail in the request itself, see the outbox settings.)"""
    environment = {"WEGOV_TESTING": "true", "SECRET_KEY": "s" * 60, "DATABASE_URL": "postgres://u@127.0.0.1:5432/db"}
    result = run_python(["-c", PRINT_ALLOWANCES], **environment)

    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout.strip().splitlines()[-1]) == [True, True, True]


def test_a_debug_value_that_is_not_a_boolean_stops_the_process():
    result = run_python(["-c", "import django; django.setup()"], DEBUG="maybe", SECRET_KEY="s" * 60)

    assert result.returncode != 0
    assert "DEBUG must be a boolean (true/false), got 'maybe'" in result.stderr


# DATABASE_URL ----------------------------------------------------------------------------


def test_database_defaults_to_a_sqlite_file_next_to_manage_py():
    got = fresh_settings(SECRET_KEY="s" * 60)

    assert got["ENGINE"] == "django.db.backends.sqlite3"
    assert Path(got["NAME"]) == BASE_DIR / "db.sqlite3"


def test_database_url_selects_postgresql():
    got = fresh_settings(SECRET_KEY="s" * 60, DATABASE_URL="postgres://wegov@db.example.org:5432/wegov_prod")

    assert (got["ENGINE"], got["NAME"], got["HOST"]) == (
        "django.db.backends.postgresql",
        "wegov_prod",
        "db.example.org",
    )


# Demo accounts ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("environment", "allowed"),
    [
        ({"DEBUG": "true"}, True),
        ({"DEBUG": "true", "PRODUCTION": "true"}, False),
        ({"DEBUG": "false"}, False),
        ({"DEBUG": "false", "PRODUCTION": "true"}, False),
    ],
)
def test_demo_accounts_are_allowed_only_with_debug_on_and_not_in_production(environment, allowed):
    got = fresh_settings(SECRET_KEY="s" * 60, **environment)

    assert got["DEMO_ACCOUNTS_ALLOWED"] is allowed


def test_create_demo_accounts_refuses_with_production_true_even_with_debug_on(tmp_path):
    database = tmp_path / "db.sqlite3"

    result = run_python(
        ["manage.py", "create_demo_accounts"],
        DEBUG="true",
        PRODUCTION="true",
        SECRET_KEY="s" * 60,
        DATABASE_URL=f"sqlite:///{database}",
    )

    assert result.returncode != 0
    assert "Demo accounts are only created on a development site" in result.stderr
    assert "password" not in result.stdout


# wegov.env helpers -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("1", True), ("true", True), (" Yes ", True), ("ON", True), ("0", False), ("false", False), ("", False)],
)
def test_env_bool_reads_common_spellings(monkeypatch, raw, expected):
    monkeypatch.setenv("WEGOV_TEST_FLAG", raw)

    assert env_bool("WEGOV_TEST_FLAG") is expected


def test_env_bool_default_when_unset(monkeypatch):
    monkeypatch.delenv("WEGOV_TEST_FLAG", raising=False)

    assert env_bool("WEGOV_TEST_FLAG", default=True) is True


def test_env_bool_refuses_anything_else(monkeypatch):
    monkeypatch.setenv("WEGOV_TEST_FLAG", "maybe")

    with pytest.raises(ImproperlyConfigured, match="WEGOV_TEST_FLAG must be a boolean"):
        env_bool("WEGOV_TEST_FLAG")


@pytest.mark.parametrize(("raw", "expected"), [("25", 25), ("", 7), (" ", 7)])
def test_env_int(monkeypatch, raw, expected):
    monkeypatch.setenv("WEGOV_TEST_NUMBER", raw)

    assert env_int("WEGOV_TEST_NUMBER", 7) == expected


def test_env_int_refuses_a_word(monkeypatch):
    monkeypatch.setenv("WEGOV_TEST_NUMBER", "twenty")

    with pytest.raises(ImproperlyConfigured, match="WEGOV_TEST_NUMBER must be an integer"):
        env_int("WEGOV_TEST_NUMBER", 7)


def test_env_list_splits_on_commas_and_drops_blanks(monkeypatch):
    monkeypatch.setenv("WEGOV_TEST_LIST", " a.example.org, ,b.example.org ")

    assert env_list("WEGOV_TEST_LIST") == ["a.example.org", "b.example.org"]


def test_env_list_and_env_str_defaults(monkeypatch):
    monkeypatch.delenv("WEGOV_TEST_LIST", raising=False)

    assert env_list("WEGOV_TEST_LIST", ["x"]) == ["x"]
    assert env_str("WEGOV_TEST_LIST", "d") == "d"


def test_a_rehearsal_day_is_refused_on_a_production_site():
    result = run_python(
        ["-c", "import django; django.setup()"],
        DEBUG="false",
        SECRET_KEY="k" * 60,
        PRODUCTION="true",
        WEGOV_DESK_REHEARSAL_DAY="2010-09-07",
    )

    assert result.returncode != 0
    assert "WEGOV_DESK_REHEARSAL_DAY is set with PRODUCTION=true" in result.stderr


def test_a_malformed_rehearsal_day_stops_the_site():
    result = run_python(["-c", "import django; django.setup()"], DEBUG="true", WEGOV_DESK_REHEARSAL_DAY="7 Sept")

    assert result.returncode != 0
    assert "WEGOV_DESK_REHEARSAL_DAY must be a date (YYYY-MM-DD)" in result.stderr
