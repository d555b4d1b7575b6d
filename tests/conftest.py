import secrets

import pytest
from django.core.cache import cache
from django.db import connection
from django.utils import translation


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _empty_cache():
    """Every test starts with an empty cache (the page cache above all)."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _reset_language():
    yield
    translation.activate("ko")


@pytest.fixture
def requires_postgres(db):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: row locks do nothing on SQLite (make test with DATABASE_URL, as .ci/run does)")


@pytest.fixture
def no_mail_after_commit(settings):
    """Mail stays queued in the outbox instead of being sent after the commit:
    the test reads the rows (a test file asks for it in its `pytestmark`)."""
    settings.OUTBOX_SEND_ON_COMMIT = False


@pytest.fixture
def smtp():
    """A real SMTP server on 127.0.0.1 (tests/fakesmtp.py), steerable while it runs:
    point Django's SMTP backend at it with `settings.MAILERS = smtp.settings_for()`."""
    from tests.fakesmtp import FakeSMTPServer

    server = FakeSMTPServer().start()
    yield server
    server.stop()


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _fresh_shared_form():
    """The shared registration form (registration/formcache.py) lives in the
    cache, which outlives a test: each test starts with a new content version."""
    from events import pagecache

    pagecache._new_version()


def pytest_configure(config):
    """What the test suite needs that a site never has, whatever the environment
    (`make test` exports DEBUG=true; a bare `pytest` has nothing set). Applied to
    the settings once, before any test; the `settings` fixture restores to these."""
    from django.conf import settings

    if not settings._wrapped.SECRET_KEY:  # reading an empty key through `settings` raises
        settings.SECRET_KEY = "test-" + secrets.token_urlsafe(50)
    if not settings.ALLOWED_HOSTS:
        settings.ALLOWED_HOSTS = ["127.0.0.1", "localhost", "[::1]"]
    # Django's test client logs in without a request, which the log-in throttle needs;
    # its own tests turn it on with the settings fixture.
    settings.AXES_ENABLED = False
    # Static files from the source folders, without collectstatic's manifest.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.WHITENOISE_USE_FINDERS = True
    # Mail after commit is sent in the request's own thread, so a test sees it at once.
    settings.OUTBOX_SEND_IN_THREAD = False
    # The test client speaks plain http.
    settings.SESSION_COOKIE_SECURE = settings.CSRF_COOKIE_SECURE = False
