"""End-to-end harness: Playwright drives Debian's Chromium against pytest-django's
live server, on a phone-sized screen.

Without /usr/bin/chromium (apt-get install chromium; WEGOV_CHROMIUM names another)
the e2e tests are skipped, unless WEGOV_E2E=required (as .ci/run sets it): then they fail.
Screenshots land in test-artifacts/e2e/ (gitignored); a failing test leaves one too.
"""

import contextlib
import os
import re
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from playwright.sync_api import BrowserContext, sync_playwright
from playwright.sync_api import Error as PlaywrightError

from events.models import Event
from tests.e2e.helpers import ARTIFACTS, E2EPage

# Playwright's sync API keeps an event loop running in this thread; Django's ORM
# refuses to run next to one unless told it is safe (it is: one test at a time).
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = Path(os.environ.get("WEGOV_CHROMIUM", "/usr/bin/chromium"))  # Debian's
CHROMIUM_ARGS = [
    "--no-sandbox",  # CI runs as root
    "--disable-gpu",
    # No connections to Google's services: the machines have no network.
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
PHONE = {
    "viewport": {"width": 390, "height": 844},
    "device_scale_factor": 2,
    "is_mobile": True,
    "has_touch": True,
}
LOCALES = {"ko": "ko-KR", "en": "en-GB"}


def e2e_required() -> bool:
    return os.environ.get("WEGOV_E2E", "").lower() == "required"


def pytest_collection_modifyitems(items):
    for item in items:
        if item.path.is_relative_to(Path(__file__).parent):
            item.add_marker(pytest.mark.e2e)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    if report.when == "call":
        item.e2e_failed = report.failed
    return report


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        reason = f"{CHROMIUM} is missing (apt-get install chromium)"
        if e2e_required():
            pytest.fail(f"WEGOV_E2E=required but {reason}", pytrace=False)
        pytest.skip(f"end-to-end tests need a browser: {reason}")

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def new_page(request, browser, live_server):
    """Open a page in a fresh browser context: `new_page("en")`. Phone-sized unless
    context options (viewport=..., permissions=...) say otherwise. The page records
    every request URL, and as errors: server errors (5xx), JavaScript errors and
    Content-Security-Policy refusals."""
    opened: list[tuple[BrowserContext, E2EPage]] = []

    def make(lang: str = "ko", **context_options) -> E2EPage:
        context = browser.new_context(**{**PHONE, "locale": LOCALES[lang], **context_options})
        context.set_default_timeout(10_000)
        visit = E2EPage(page=context.new_page(), base_url=live_server.url)
        visit.record(context)
        opened.append((context, visit))
        return visit

    yield make

    for number, (context, visit) in enumerate(opened):
        if getattr(request.node, "e2e_failed", False):
            ARTIFACTS.mkdir(parents=True, exist_ok=True)
            safe = re.sub(r"[^\w.-]+", "-", request.node.name).strip("-")
            with contextlib.suppress(PlaywrightError):
                visit.page.screenshot(path=ARTIFACTS / f"FAILED-{safe}-{number}.png", full_page=True)
        context.close()


@pytest.fixture
def summit(transactional_db) -> Event:
    """The 2010 founding General Assembly as `make run` loads it."""
    call_command("load_summit", stdout=StringIO())
    return Event.objects.current().get()
