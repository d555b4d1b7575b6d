"""Settings of the benchmark's server: production's own (wegov/settings.py, read from the
environment bench/checkin.py sets), except that the static files are collected into the
benchmark's temporary folder rather than the release's staticfiles/."""

import os
from pathlib import Path

from wegov.settings import *  # noqa: F403

STATIC_ROOT = Path(os.environ["WEGOV_BENCH_STATIC_ROOT"])

# The constant view the benchmarks compare every page with (bench/urls.py); only here.
ROOT_URLCONF = "bench.urls"

# bench/rush.py's visitors send the form as soon as it arrives; people take longer than the
# anti-robot minimum fill time (3 s in production, registration/antiabuse.py). Only here.
REGISTRATION_MIN_FILL_SECONDS = float(os.environ.get("WEGOV_BENCH_MIN_FILL_SECONDS", "3"))
