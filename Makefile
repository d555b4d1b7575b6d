# wegov: the two set-up commands are `make run` and `make test`.
SHELL := /bin/bash
# Development defaults; production sets DEBUG=false and a SECRET_KEY in its environment.
export DEBUG ?= true
VENV ?= .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
MANAGE := $(PY) manage.py
HOST ?= 127.0.0.1
PORT ?= 8000
# Links in mail and the printed log-ins point at the address `make run` serves.
export SITE_URL ?= http://$(HOST):$(PORT)

# The first interpreter that is Python >= 3.12. The machine's default python3
# may be 3.11, with which pip would quietly install an older Django.
PYTHON_CANDIDATES := $(PYTHON) python3.13 python3.12 python3 \
	$(wildcard $(HOME)/.pyenv/versions/3.13*/bin/python3) \
	$(wildcard $(HOME)/.pyenv/versions/3.12*/bin/python3) \
	$(wildcard /usr/local/bin/python3.1[23]) $(wildcard /usr/bin/python3.1[23])
FIND_PYTHON = for c in $(PYTHON_CANDIDATES); do \
	if "$$c" -c 'import sys; sys.exit(sys.version_info < (3, 12))' >/dev/null 2>&1; then echo "$$c"; break; fi; done

.PHONY: run test frontend venv install migrate messages compilemessages summit demo-accounts lint format check clean

$(VENV)/.installed: requirements.txt requirements-dev.txt
	@py="$$($(FIND_PYTHON))"; \
	if [ -z "$$py" ]; then \
		echo "ERROR: wegov needs Python 3.12 or newer (Django 6.1). None was found." >&2; \
		echo "Tried: $(PYTHON_CANDIDATES)" >&2; \
		echo "Install python3.12 or python3.13, or run: make PYTHON=/path/to/python3.12 run" >&2; \
		exit 1; \
	fi; \
	echo "Using $$py ($$("$$py" --version))"; \
	"$$py" -m venv $(VENV)
	$(PIP) install -q --upgrade pip
	# XStatic-Bootstrap ships only a source archive whose build needs setuptools' pkg_resources.
	$(PIP) install -q "setuptools<81" wheel
	$(PIP) install -q --no-build-isolation XStatic-Bootstrap==5.3.8.0
	$(PIP) install -q -r requirements-dev.txt
	@touch $@

venv install: $(VENV)/.installed

compilemessages: install
	@if command -v msgfmt >/dev/null; then $(MANAGE) compilemessages -v 1 --ignore=.venv --ignore=node_modules; \
	else echo "msgfmt not found: using the committed .mo files (apt-get install gettext to rebuild them)"; fi

messages: install
	$(MANAGE) makemessages -l ko -l en --ignore=.venv --ignore=node_modules --ignore=tests --ignore=bench --ignore=test-artifacts --no-obsolete
	$(MANAGE) makemessages -d djangojs -l ko -l en --ignore=.venv --ignore=node_modules --ignore=staticfiles --no-obsolete

migrate: install
	$(MANAGE) migrate --noinput -v 0

# make is for development: registration stays open so people trying the site can
# register (CI loads the same way). Production runs `manage.py load_summit` itself.
SUMMIT_ARGS ?= --demo
summit: migrate
	$(MANAGE) load_summit $(SUMMIT_ARGS)

demo-accounts: summit
	$(MANAGE) create_demo_accounts
	$(MANAGE) load_demo_attendees
	$(MANAGE) load_demo_assembly

# The desk's QR decoder (npm) and the badges' Korean font: installed when this
# machine can, otherwise a warning; the site runs without them.
frontend:
	@if command -v npm >/dev/null; then $(MAKE) --no-print-directory node_modules; \
	else echo "WARNING: npm not found: the desk's camera works only where the browser reads QR codes itself" >&2; fi

# The desk acts as if today were 7 September 2010 (a rehearsal), so it can be tried
# years later; `make run DESK_REHEARSAL_DAY=` gives the real date.
DESK_REHEARSAL_DAY ?= 2010-09-07
run: install compilemessages migrate summit demo-accounts frontend fonts
	WEGOV_DESK_REHEARSAL_DAY=$(DESK_REHEARSAL_DAY) $(MANAGE) runserver $(HOST):$(PORT)

# frontend: the camera test needs the desk's QR decoder (jsQR from npm).
test: install compilemessages frontend
	$(VENV)/bin/pytest $(PYTEST_ARGS)

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: install
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

check: install
	$(MANAGE) makemigrations --check --dry-run
	$(MANAGE) check

clean:
	rm -rf $(VENV) staticfiles db.sqlite3

# The end-to-end browser tests alone; they fail (not skip) without /usr/bin/chromium.
.PHONY: e2e
e2e: install compilemessages frontend
	WEGOV_E2E=required $(VENV)/bin/pytest tests/e2e $(PYTEST_ARGS)

# The outbox worker: sends queued e-mail and retries what failed (Ctrl-C stops it).
.PHONY: outbox
outbox: migrate
	$(MANAGE) send_outbox

# Fonts for the PDF badges: Hangul needs a TrueType font (Debian fonts-nanum; see registration/badges.py).
# Installs it when run as root with apt-get; otherwise only warns (badges still print, without Hangul).
.PHONY: fonts
fonts:
	@if ls /usr/share/fonts/truetype/nanum/NanumGothic*.ttf >/dev/null 2>&1; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		echo "Installing fonts-nanum for Korean names on badges"; \
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq fonts-nanum >/dev/null 2>&1 \
		|| { apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq fonts-nanum >/dev/null; } \
		|| echo "WARNING: could not install fonts-nanum: Korean names on badges will not print." >&2; \
	else \
		echo "WARNING: no NanumGothic font: Korean names on badges need the Debian package fonts-nanum" >&2; \
		echo "         (sudo apt-get install fonts-nanum), or set BADGE_FONT_PATHS to a Korean .ttf font." >&2; \
	fi

# The desk's QR decoder (npm jsqr, served as static vendor/jsqr/jsQR.js) for browsers
# without BarcodeDetector. Installed from the lock file; the site starts without it.
node_modules: package.json package-lock.json
	npm ci --no-audit --no-fund
	@touch $@

# The check-in benchmark (issue 4; bench/README.md): 20 desks scanning at once against gunicorn
# with production settings, on this machine's PostgreSQL (database wegov_bench, created and
# dropped) and Redis. Fails when the 99th percentile exceeds 50 ms; BENCH_ARGS=--report-only to
# only report, e.g. make bench BENCH_ARGS="--report-only --desks 20 --scans 100".
.PHONY: bench
bench: install
	$(PY) bench/checkin.py $(BENCH_ARGS)

# Production on this machine (docs/deploy.md): DEBUG=false whatever the environment says;
# migrate, collectstatic, the summit if the database has no event, then gunicorn
# (deploy/gunicorn.conf.py) and the outbox worker in the foreground. Ctrl-C here, or
# `make stop` in another shell, stops both. Reads DATABASE_URL (default
# postgres://postgres@127.0.0.1:5432/wegov, created if missing), REDIS_URL, SECRET_KEY
# (generated into run/secret-key when unset), ALLOWED_HOSTS, HOST, PORT and .env.example's others.
.PHONY: serve stop
serve: install compilemessages frontend
	$(PY) deploy/serve.py

stop:
	@$(if $(wildcard $(PY)),$(PY),python3) deploy/serve.py stop

# Issue 8's benchmark (bench/README.md): every public page and feed in both languages, the
# registration form, a registration POST and a check-in scan against Django's own ceiling
# (/bench/ceiling) in interleaved rounds, 16 desks at a door's pace and at the same instant, and
# the two rushes counted in the database, with gunicorn in production configuration (4 sync
# workers, DEBUG off) over PostgreSQL (database wegov_bench_pages, created and dropped) and Redis
# (database 6). Prints one table of every target; fails when one is missed or a count is wrong.
# BENCH_PAGES_ARGS="--report-only" to only report; "--no-rush" for the pages only.
.PHONY: bench-pages bench-rush
bench-pages: install
	$(PY) bench/pages.py $(BENCH_PAGES_ARGS)

# The same benchmark without the public pages: registration, check-in and the rushes only.
bench-rush: install
	$(PY) bench/pages.py --no-pages $(BENCH_RUSH_ARGS)
