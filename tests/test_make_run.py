"""`make run PORT=8101`: the log-ins it prints and the links in the mail it prints
point at the port it serves (the Makefile exports SITE_URL from HOST and PORT)."""

import os
import shutil
import subprocess

import pytest
from django.conf import settings

pytestmark = pytest.mark.skipif(shutil.which("make") is None, reason="needs GNU make")

SHOW = 'show-site-url: ; @echo "$$SITE_URL"'


def site_url_for_make(*arguments: str, **environment: str) -> str:
    env = {name: value for name, value in os.environ.items() if name != "SITE_URL"} | environment
    result = subprocess.run(
        ["make", "--no-print-directory", "-s", "--eval", SHOW, "show-site-url", *arguments],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return result.stdout.strip()


def test_make_run_links_follow_the_port_it_serves():
    assert site_url_for_make("PORT=8101") == "http://127.0.0.1:8101"
    assert site_url_for_make("HOST=localhost", "PORT=8102") == "http://localhost:8102"
    assert site_url_for_make() == "http://127.0.0.1:8000"


def test_a_site_url_from_the_environment_wins():
    assert site_url_for_make("PORT=8101", SITE_URL="https://wego.example.org") == "https://wego.example.org"
