"""/healthz: 200 only when the database and the cache both work; otherwise 503
naming what is down, quickly, never a 500 and never cached."""

import json
import os
import subprocess
import sys
import time

import pytest
from django.conf import settings

from tests.test_settings import SETTINGS_VARIABLES

CLOSED_PORT_REDIS = "redis://127.0.0.1:1/0"  # nothing listens on port 1: refused at once
CLOSED_PORT_POSTGRES = "postgres://postgres@127.0.0.1:1/wegov"


def test_healthz_is_ok_when_database_and_cache_work(client, db):
    response = client.get("/healthz")

    assert (response.status_code, response.json()) == (200, {"status": "ok", "database": "ok", "cache": "ok"})
    assert "no-store" in response["Cache-Control"]


def test_healthz_says_the_cache_is_down_when_redis_is_unreachable(client, db, settings):
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": CLOSED_PORT_REDIS}
    }
    started = time.monotonic()

    response = client.get("/healthz")

    assert time.monotonic() - started < 2
    assert (response.status_code, response.json()) == (
        503,
        {"status": "unavailable", "database": "ok", "cache": "down"},
    )
    assert "no-store" in response["Cache-Control"]


def test_healthz_says_the_cache_is_down_when_it_keeps_nothing(client, db, settings):
    """A cache that swallows its errors answers every read with a miss: not "ok"."""
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}

    response = client.get("/healthz")

    assert (response.status_code, response.json()["cache"]) == (503, "down")


def test_healthz_answers_only_get_and_head(client, db):
    assert client.head("/healthz").status_code == 200
    assert client.post("/healthz").status_code == 405


# With the production settings, in a process of its own ------------------------------------

ASK_HEALTH = """
import json, time
import django
django.setup()
from django.test import Client
started = time.monotonic()
response = Client().get("/healthz")
print(json.dumps({"status": response.status_code, "body": response.json(), "seconds": time.monotonic() - started}))
"""


def health_with(**variables: str) -> dict:
    env = {name: value for name, value in os.environ.items() if name not in SETTINGS_VARIABLES}
    env |= {
        "DJANGO_SETTINGS_MODULE": "wegov.settings",
        "DEBUG": "false",
        "SECRET_KEY": "s" * 60,
        "ALLOWED_HOSTS": "testserver",
        **variables,
    }
    result = subprocess.run(
        [sys.executable, "-c", ASK_HEALTH],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize(
    ("variables", "expected"),
    [
        ({"DATABASE_URL": CLOSED_PORT_POSTGRES}, {"status": "unavailable", "database": "down", "cache": "ok"}),
        (
            {"DATABASE_URL": CLOSED_PORT_POSTGRES, "REDIS_URL": CLOSED_PORT_REDIS},
            {"status": "unavailable", "database": "down", "cache": "down"},
        ),
    ],
    ids=["database down", "both down"],
)
def test_healthz_says_what_is_down_with_production_settings(variables, expected):
    got = health_with(**variables)

    assert (got["status"], got["body"]) == (503, expected)
    assert got["seconds"] < 2


def test_healthz_answers_plain_http_when_https_is_enforced(client, db, settings):
    """The load balancer checks each node over plain HTTP; everything else is redirected."""
    settings.SECURE_SSL_REDIRECT = True

    assert client.get("/healthz").status_code == 200
    assert client.get("/en/").status_code == 301
