"""Settings of the benchmark's server: production's own (wegov/settings.py, read from the
environment bench/checkin.py sets), except that the static files are collected into the
benchmark's temporary folder rather than the release's staticfiles/."""

import os
from pathlib import Path

from wegov.settings import *  # noqa: F403

STATIC_ROOT = Path(os.environ["WEGOV_BENCH_STATIC_ROOT"])

# The constant view the benchmarks compare every page with (bench/urls.py); only here.
ROOT_URLCONF = "bench.urls"
