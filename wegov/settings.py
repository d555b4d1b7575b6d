"""Settings for wegov, read from the environment (see .env.example)."""

from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _
from xstatic.pkg import bootstrap as xstatic_bootstrap

from wegov.env import dev_secret_key, env_bool, env_date, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = env_bool("DEBUG", default=False)
SECRET_KEY = env_str("SECRET_KEY")
# With DEBUG off a SECRET_KEY is required to serve (wegov/wsgi.py and asgi.py refuse to
# start without one, and Django refuses to sign anything with an empty key), but not to
# run management commands that sign nothing, such as `makemigrations --check` in CI.
# (The test suite gets a throwaway key from tests/conftest.py.)
if not SECRET_KEY and DEBUG:
    # Development only: a key kept in a git-ignored file, so that a restart of
    # runserver keeps people logged in and signed form stamps valid.
    SECRET_KEY = dev_secret_key(BASE_DIR / ".dev-secret-key")

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
# Demo accounts (organiser, desk staff) may only be created on a development site.
PRODUCTION = env_bool("PRODUCTION", default=False)
DEMO_ACCOUNTS_ALLOWED = DEBUG and not PRODUCTION

INSTALLED_APPS = [
    "modeltranslation",  # before django.contrib.admin
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_countries",
    "phonenumber_field",
    "axes",
    "simple_history",
    # Two-factor log-in for staff (twofactor/): time-based codes and backup codes.
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "events",
    "registration",
    "twofactor",
    "assembly",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Refuses a NUL in the URL or query string before anything else reads it.
    "wegov.middleware.BadInputMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Stored public pages, served before sessions, locale, CSRF... (events/pagecache.py).
    "events.pagecache.PageCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    # request.event: the current edition, read once and only when used (events/middleware.py).
    "events.middleware.CurrentEventMiddleware",
    # A lock or statement timeout becomes the "busy, please try again" answer (503).
    "wegov.middleware.DatabaseBusyMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # request.user.is_verified(): whether this log-in session entered a two-factor code.
    "django_otp.middleware.OTPMiddleware",
    # Staff reach the admin and the dashboard only after the code (twofactor/middleware.py).
    "twofactor.middleware.TwoFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Who changes registrations (the audit trail): the request, read only when a history row is written.
    "registration.audit.AuditMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    # Last: turns a lockout (too many failed log-ins) into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "wegov.urls"
WSGI_APPLICATION = "wegov.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "events.context_processors.current_event",
            ],
        },
    },
]

# Database: DATABASE_URL, or a SQLite file so that `make run` needs no set-up.
DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# No request waits long for a row lock or a slow statement (PostgreSQL only): past
# these it gets the "busy, please try again" answer (wegov.middleware). The statement
# timeout stays under gunicorn's 30 s worker timeout; `migrate` lifts it (docs/faults.md).
DATABASE_LOCK_TIMEOUT_MS = env_int("DATABASE_LOCK_TIMEOUT_MS", 3000)
DATABASE_STATEMENT_TIMEOUT_MS = env_int("DATABASE_STATEMENT_TIMEOUT_MS", 15000)
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    _options = DATABASES["default"].setdefault("OPTIONS", {})
    _options["options"] = " ".join(
        filter(
            None,
            [
                _options.get("options", ""),
                f"-c lock_timeout={DATABASE_LOCK_TIMEOUT_MS}",
                f"-c statement_timeout={DATABASE_STATEMENT_TIMEOUT_MS}",
            ],
        )
    )

# SQLite (`make run`): every transaction takes the write lock when it begins
# (BEGIN IMMEDIATE) and a writer waits up to 20 s for it. With SQLite's default
# (deferred) transactions, two that read and then write at the same time, e.g.
# runserver's request thread and a mail being recorded, fail at once with
# "database is locked" instead of waiting their turn.
SQLITE = DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3"
if SQLITE:
    DATABASES["default"].setdefault("OPTIONS", {}).update(transaction_mode="IMMEDIATE", timeout=20)

# Cache: shared between gunicorn nodes in production (REDIS_URL).
REDIS_URL = env_str("REDIS_URL")
# With Redis down, each cache call gives up after REDIS_TIMEOUT seconds and the cache
# acts empty (wegov.cache): sessions come from the database, throttles allow.
REDIS_TIMEOUT = float(env_int("REDIS_TIMEOUT_MS", 500)) / 1000
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "wegov.cache.ForgivingRedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": {"socket_connect_timeout": REDIS_TIMEOUT, "socket_timeout": REDIS_TIMEOUT},
        }
    }
    # Sessions read from the shared cache, written through to the database: one
    # query less on every logged-in request (the desk's scanner above all).
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Public pages kept whole in that cache until an organiser changes them (events/pagecache.py);
# entries expire after this many seconds in any case. 0 turns page caching off.
PAGE_CACHE_SECONDS = env_int("PAGE_CACHE_SECONDS", 600)

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "admin:login"
AUTHENTICATION_BACKENDS = [
    # First: refuses a log-in while its user name + address is locked out.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

# Failed log-ins (desk and admin) are throttled per user name AND address together:
# the venue shares one address, so one person's typos must not lock out every desk.
# Attempts are stored in the database, so every node sees them.
# (Off in the test suite, tests/conftest.py: its client.login() passes no request.)
AXES_ENABLED = True
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
# The user name as the throttle stores it: clipped to its column (a longer one was a server error).
AXES_USERNAME_CALLABLE = "registration.desk.auth.throttled_username"
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "desk/locked_out.html"
AXES_VERBOSE = False  # no banner on every manage.py command; failures and lockouts are still logged
# The client's address as the registration throttles see it: behind the proxy
# (BEHIND_PROXY) the X-Forwarded-For hop the proxy appended, not the proxy's own.
AXES_CLIENT_IP_CALLABLE = "wegov.clientip.client_ip"

# Two-factor log-in (twofactor/, docs/roles.md): required, every staff account (the
# admin, the dashboard) enrols an authenticator app at its first log-in and enters a
# code at every log-in; optional, an account may enrol from the admin. Desk staff
# (not staff) never need it. Default: required with PRODUCTION=true.
REQUIRE_2FA = env_bool("WEGOV_REQUIRE_2FA", default=PRODUCTION)
OTP_TOTP_ISSUER = "WeGO"
# The admin's pages of devices never show a key or its QR code: organisers may
# remove someone's device (a lost phone), not read it.
OTP_ADMIN_HIDE_SENSITIVE_DATA = True

# Languages and time
LANGUAGE_CODE = "ko"
LANGUAGES = [("ko", _("Korean")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Seoul"
USE_I18N = True
# English dates in one style ("September 8, 2010"): wegov/formats/en/formats.py.
FORMAT_MODULE_PATH = ["wegov.formats"]
USE_TZ = True

MODELTRANSLATION_DEFAULT_LANGUAGE = "ko"
MODELTRANSLATION_LANGUAGES = ("ko", "en")
# A missing translation falls back to the other language, never to a blank.
MODELTRANSLATION_FALLBACK_LANGUAGES = {"default": ("ko", "en"), "ko": ("en",), "en": ("ko",)}

# Static files: served by the site itself (whitenoise); nothing from another host.
STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [
    BASE_DIR / "static",
    ("vendor/bootstrap", xstatic_bootstrap.BASE_DIR),
]
# The desk's QR decoder for browsers without BarcodeDetector (npm jsqr; `make node_modules`).
# Optional: the site starts without it, and the desk then offers the camera only where
# the browser reads QR codes itself.
if (BASE_DIR / "node_modules" / "jsqr" / "dist").exists():
    STATICFILES_DIRS.append(("vendor/jsqr", BASE_DIR / "node_modules" / "jsqr" / "dist"))
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(BASE_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = DEBUG
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
# Uploaded images are refused above this many pixels (decompression bombs).
IMAGE_MAX_PIXELS = env_int("IMAGE_MAX_PIXELS", 24_000_000)

# Forms
CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# Phone numbers typed without a country code are Korean; stored as E.164 (+82...).
PHONENUMBER_DEFAULT_REGION = "KR"
PHONENUMBER_DB_FORMAT = "E164"

# E-mail
# Django 6.1 configures mail through MAILERS; the values still come from the
# environment variables EMAIL_* listed in .env.example.
MAILERS = {
    "default": {
        "BACKEND": env_str(
            "EMAIL_BACKEND",
            "wegov.console_mail.EmailBackend"  # printed readably, Korean too
            if DEBUG
            else "django.core.mail.backends.smtp.EmailBackend",
        ),
        "OPTIONS": {},
    }
}
if MAILERS["default"]["BACKEND"].endswith("smtp.EmailBackend"):
    MAILERS["default"]["OPTIONS"] = {
        "host": env_str("EMAIL_HOST", "localhost"),
        "port": env_int("EMAIL_PORT", 25),
        "username": env_str("EMAIL_HOST_USER"),
        "password": env_str("EMAIL_HOST_PASSWORD"),
        "use_tls": env_bool("EMAIL_USE_TLS", False),
        "use_ssl": env_bool("EMAIL_USE_SSL", False),
        "timeout": env_int("EMAIL_TIMEOUT", 10),
    }
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "WeGO 2010 <noreply@we-gov.org>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Mail goes through the outbox (registration.outbox); after a commit the server
# tries to send it at once, and `manage.py send_outbox` retries what failed.
OUTBOX_SEND_ON_COMMIT = env_bool("OUTBOX_SEND_ON_COMMIT", True)
# ... in a background thread, so a slow mail server never holds up a page.
# Not on SQLite (`make run`): there the request that committed sends its mail itself,
# so that no second writer competes for SQLite's single write lock.
OUTBOX_SEND_IN_THREAD = env_bool("OUTBOX_SEND_IN_THREAD", not SQLITE)
# ... at most this many such threads per process at once (none holds a database
# connection while the mail server is talked to); more mail waits for the worker.
OUTBOX_SEND_THREADS = env_int("OUTBOX_SEND_THREADS", 4)

# Anti-robot checks of the public forms (registration/antiabuse.py, docs/registration.md):
# a form sent back sooner than this many seconds after it was shown is held back (0: off) ...
REGISTRATION_MIN_FILL_SECONDS = 3
# ... and (requests, seconds) per throttle scope; a scope set here replaces the one in
# registration.antiabuse.DEFAULT_THROTTLES, the others keep theirs.
REGISTRATION_THROTTLES = {}

# The badges' fonts (registration/badges.py), in order of preference; None: Debian's
# fonts-nanum and DejaVu (registration.badges.DEFAULT_FONT_PATHS).
BADGE_FONT_PATHS = None

# The public address of the site, for links in e-mails.
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

# Security
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = env_bool("SECURE_COOKIES", not DEBUG)
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", False)
# The load balancer's health check may speak plain HTTP to each node.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
# Behind a reverse proxy: trust its X-Forwarded-Proto and (for throttles) the last X-Forwarded-For hop.
BEHIND_PROXY = env_bool("BEHIND_PROXY", False)

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if BEHIND_PROXY else None
# HSTS: off unless set. Production behind TLS sets a year with subdomains and preload
# (.env.example; `manage.py check --deploy` asks for all three). Preloading is hard to
# undo: every subdomain must then serve HTTPS.
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", False)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)

# A desk rehearsal: the check-in desk acts as if today were this day (real time of
# day, in the event's time zone). Empty on the live site; `make run` sets 2010-09-07.
DESK_REHEARSAL_DAY = env_date("WEGOV_DESK_REHEARSAL_DAY")
if DESK_REHEARSAL_DAY and PRODUCTION:
    raise ImproperlyConfigured(
        "WEGOV_DESK_REHEARSAL_DAY is set with PRODUCTION=true: a rehearsal would record check-ins "
        "under the wrong date. Rehearse on a copy of the site."
    )
# Content-Security-Policy: everything from this site only; no inline script or style.
SECURE_CSP = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "img-src": ["'self'", "data:"],
    "font-src": ["'self'"],
    "connect-src": ["'self'"],
    "media-src": ["'self'", "data:"],
    "frame-ancestors": ["'none'"],
    "form-action": ["'self'"],
    "base-uri": ["'self'"],
    "object-src": ["'none'"],
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "INFO"}},
}
