"""Bad input is never a server error: a sweep of hostile values over every public
form, the private page and its ticket, the desk's JSON API and walk-in form, both
log-in forms and the changelist of every model in the admin.

Each value is sent the way a browser or a script could send it: in a URL path
segment, in a query string, in a form field (a lone surrogate as the bytes
%ED%A0%80, which no UTF-8 text holds), in a JSON field ("\\ud800"), and whole
forms in another declared charset. Every answer must be below 500, and where
the value is one that must be refused (a NUL character, a non-ASCII digit where
a number is expected), nothing may be written: the rows of every table a request
could write are compared before and after.

The sweep runs on SQLite and on PostgreSQL (CI): NUL characters only fail there
("A string literal cannot contain NUL (0x00) characters.").
"""

import json
from unittest import mock
from urllib.parse import quote, urlencode

import pytest
from django.conf import settings
from django.contrib import admin
from django.contrib.admin.models import LogEntry
from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.middleware.csrf import _get_new_csrf_string
from django.test import Client
from django.urls import reverse
from django.utils import translation

from registration import antiabuse, checkin, roles, services
from registration.models import Booking, CheckIn, Consent, Registration
from tests.factories import seoul
from tests.registration.desk_world import build_world, register, staff_user

NUL = "\x00"
PAYLOADS = {
    "nul": NUL,
    "nul-inside": "Kim\x00Minjun",
    "surrogate": "\ud800",
    "superscript-two": "²",
    "arabic-twelve": "١٢",
    "long": "x" * 300,
    "huge-number": "9" * 25,
}
# Most fields are text or a choice and take any digits: only what no database
# stores is worth sending there. Fields read as a number or a code get every value.
TEXT_PAYLOADS = {name: PAYLOADS[name] for name in ["nul", "nul-inside", "surrogate", "long"]}
NUMBER_FIELDS = {"sessions", "sessions-sessions", "session", "phone", "ticket", "registration", "checkpoint"}
# Values that may never reach a table, whatever the field.
NEVER_WRITTEN = {"nul", "nul-inside"}
# Django refuses a form declared in any known charset but UTF-8 (reading request.POST
# raises BadRequest) and reads one in an unknown charset as UTF-8.


def payloads_for(field: str) -> dict:
    return PAYLOADS if field.removeprefix("details-") in NUMBER_FIELDS else TEXT_PAYLOADS


CHARSETS = {"utf-16": True, "latin-1": True, "x-unknown": False}


@pytest.fixture(autouse=True)
def _quiet(settings):
    settings.OUTBOX_SEND_ON_COMMIT = False
    settings.REGISTRATION_MIN_FILL_SECONDS = 0
    settings.REGISTRATION_THROTTLES = {"register": (10_000, 600), "lost": (10_000, 600)}


@pytest.fixture
def world(db, time_machine):
    time_machine.move_to(seoul(2010, 9, 7, 10, 0), tick=False)
    world = build_world()
    world.person = register(
        world.event, name="김민준", email="minjun@example.org", sessions=[world.workshop], organisation="Seoul"
    )
    world.checkin = checkin.check_in(checkpoint=world.entrance_7, registration=world.person).checkin
    return world


def snapshot():
    """Everything a request in the sweep could write, in two queries: the number
    of rows of every table the admin shows (and the tables behind them), the
    live check-ins and confirmed bookings, and every registration's row."""
    tables = {model._meta.db_table for model in [*admin.site._registry, Booking, CheckIn, Consent, LogEntry]}
    # Table names from the models, no input: S608 does not apply.
    counts = [f"(SELECT COUNT(*) FROM {table})" for table in sorted(tables)]  # noqa: S608
    counts.append(f"(SELECT COUNT(*) FROM {CheckIn._meta.db_table} WHERE undone_at IS NULL)")  # noqa: S608
    counts.append(f"(SELECT COUNT(*) FROM {Booking._meta.db_table} WHERE status = 'confirmed')")  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {', '.join(counts)}")
        rows = cursor.fetchone()
    return rows, list(Registration.objects.order_by("pk").values_list())


class Sweep:
    """Sends requests, each in a savepoint (a server error on PostgreSQL aborts the
    transaction), and collects what went wrong, so one run lists every failure."""

    def __init__(self, client: Client):
        self.client = client
        self.failures: list[str] = []
        self.count = 0

    def send(self, label: str, method: str, path: str, *, body=b"", content_type="", refused=False, **extra):
        before = snapshot() if refused else None
        savepoint = transaction.savepoint_create()
        # The sweep reads no response.context: not copying every template context halves its time.
        with mock.patch("django.test.client.store_rendered_templates"):
            if method == "GET":
                response = self.client.get(path, **extra)
            else:
                response = self.client.generic(method, path, body, content_type=content_type, **extra)
        self.count += 1
        if response.status_code >= 500:
            transaction.savepoint_rollback(savepoint)
            self.failures.append(f"{response.status_code} {label}")
            return response
        transaction.savepoint_commit(savepoint)
        if refused and snapshot() != before:
            self.failures.append(f"wrote rows: {label}")
        return response

    def post_form(self, label: str, path: str, data: dict, *, refused=False, **extra):
        body = urlencode(data, doseq=True, errors="surrogatepass")
        return self.send(
            label, "POST", path, body=body.encode(), content_type="application/x-www-form-urlencoded", refused=refused
        )

    def post_json(self, label: str, path: str, data, *, refused=False):
        body = json.dumps(data).encode()
        return self.send(label, "POST", path, body=body, content_type="application/json", refused=refused)

    def get_query(self, label: str, path: str, params: dict, *, refused=True):
        query = urlencode(params, doseq=True, errors="surrogatepass")
        return self.send(label, "GET", f"{path}?{query}", refused=refused)

    def post_in_charsets(self, label: str, path: str, data: dict, charsets=tuple(CHARSETS)):
        """Post the form declared in other charsets, with the CSRF cookie and token
        a browser sends (Django's CSRF check is the first to read the form)."""
        token = _get_new_csrf_string()
        self.client.cookies[settings.CSRF_COOKIE_NAME] = token
        self.client.handler.enforce_csrf_checks = True
        body = urlencode({**data, "csrfmiddlewaretoken": token}, doseq=True).encode()
        try:
            for charset in charsets:
                refused = CHARSETS[charset]
                content_type = f"application/x-www-form-urlencoded; charset={charset}"
                sent = f"{label} {charset}"
                response = self.send(sent, "POST", path, body=body, content_type=content_type, refused=refused)
                if refused and response.status_code != 400:
                    self.failures.append(f"{response.status_code}, not 400: {sent}")
        finally:
            self.client.handler.enforce_csrf_checks = False

    def assert_clean(self):
        assert self.count > 0
        failures = "\n".join(self.failures)
        assert not self.failures, f"{len(self.failures)} of {self.count} requests failed:\n{failures}"


def segment(value: str) -> str:
    return quote(value, safe="", errors="surrogatepass")


def url(name: str, **kwargs) -> str:
    with translation.override("en"):
        return reverse(name, kwargs=kwargs or None)


@pytest.fixture
def sweep(db):
    return Sweep(Client(raise_request_exception=False))


# Public forms ---------------------------------------------------------------------------------

REGISTRATION_FIELDS = [
    *services.PERSON_FIELDS,
    "sessions",
    "news_consent",
    antiabuse.STAMP_FIELD,
    antiabuse.WARNED_FIELD,
    antiabuse.HONEYPOT_FIELD,
]


def registration_data(n: int, world) -> dict:
    return {
        "name": "Ana Lima",
        "email": f"sweep{n}@example.org",
        "organisation": "Lisbon",
        "job_title": "",
        "country": "PT",
        "city": "Lisbon",
        "phone": "",
        "language": "en",
        "needs": "",
        "category": "citizen",
        "sessions": str(world.workshop.pk),
        "privacy_consent": "on",
        antiabuse.STAMP_FIELD: antiabuse.new_stamp(),
    }


def test_registration_form_sweep(sweep, world):
    n = 0
    for field in REGISTRATION_FIELDS:
        for name, value in payloads_for(field).items():
            n += 1
            data = {**registration_data(n, world), field: value}
            # A NUL in a checkbox or in the "warned" marker is not stored: it may register.
            stored = field not in {"news_consent", antiabuse.WARNED_FIELD}
            refused = (name in NEVER_WRITTEN and stored) or field in {"email", "sessions"}
            sweep.post_form(f"register {field}={name}", url("registration:start"), data, refused=refused)
    sweep.post_in_charsets("register", url("registration:start"), registration_data(0, world))

    sweep.assert_clean()


def test_lost_link_form_sweep(sweep, world):
    for name, value in PAYLOADS.items():
        sweep.post_form(f"lost email={name}", url("registration:lost"), {"email": value}, refused=True)
        sweep.post_form(
            f"lost honeypot={name}",
            url("registration:lost"),
            {"email": "minjun@example.org", antiabuse.HONEYPOT_FIELD: value},
            refused=True,
        )
    sweep.post_in_charsets("lost", url("registration:lost"), {"email": "minjun@example.org"})

    sweep.assert_clean()


DETAILS = {
    "details-name": "김민준",
    "details-organisation": "Seoul",
    "details-job_title": "",
    "details-country": "KR",
    "details-city": "Seoul",
    "details-phone": "",
    "details-language": "ko",
    "details-needs": "",
}


def test_private_page_sweep(sweep, world):
    secret = world.person.manage_secret
    pages = {
        "manage": ("GET", "registration:manage"),
        "ticket": ("GET", "registration:ticket_png"),
        "details": ("POST", "registration:manage_details"),
        "sessions": ("POST", "registration:manage_sessions"),
        "news": ("POST", "registration:manage_news"),
        "cancel": ("POST", "registration:cancel"),
    }
    for page, (method, name) in pages.items():
        path = url(name, secret="SECRET")
        for payload, value in PAYLOADS.items():
            sweep.send(f"{page} secret={payload}", method, path.replace("SECRET", segment(value)), refused=True)
            if method == "GET":
                sweep.get_query(f"{page} ?x={payload}", url(name, secret=secret), {"x": value})

    forms = {
        "details": (url("registration:manage_details", secret=secret), DETAILS),
        "sessions": (url("registration:manage_sessions", secret=secret), {"sessions-sessions": world.workshop.pk}),
        "news": (url("registration:manage_news", secret=secret), {"news-news_consent": "on"}),
    }
    for form, (path, data) in forms.items():
        for field in data:
            for payload, value in payloads_for(field).items():
                # A NUL in the checkbox is not stored: it gives the consent, as any value does.
                refused = (payload in NEVER_WRITTEN and form != "news") or field == "sessions-sessions"
                sweep.post_form(f"{form} {field}={payload}", path, {**data, field: value}, refused=refused)
        sweep.post_in_charsets(form, path, data)
    refused_charsets = [charset for charset, refused in CHARSETS.items() if refused]
    sweep.post_in_charsets("cancel", url("registration:cancel", secret=secret), {}, charsets=refused_charsets)

    sweep.assert_clean()
    assert Registration.objects.get(pk=world.person.pk).status == "confirmed"


def test_public_pages_sweep_query_strings(sweep, world):
    pages = {"events:home": ["x"], "events:programme": ["day", "kind"], "registration:start": ["x"]}
    for name, params in pages.items():
        for payload, value in PAYLOADS.items():
            sweep.get_query(f"{name} ?{payload}=1", url(name), {value: "1"})
            for param in params:
                sweep.get_query(f"{name} ?{param}={payload}", url(name), {param: value})

    sweep.assert_clean()


# The desk -------------------------------------------------------------------------------------


@pytest.fixture
def desk_sweep(sweep, world):
    sweep.client.force_login(staff_user("desk-staff", roles.DESK_STAFF))
    return sweep


ODD_JSON = [None, True, 12, 1.5, [], {}, ["x"], {"a": 1}, 2**70]


def test_desk_api_sweep(desk_sweep, world):
    sweep = desk_sweep
    checkin_url = url("desk:api_checkin")
    scan = {"checkpoint": world.entrance_7.slug, "ticket": world.person.ticket_secret}
    picked = {"checkpoint": world.entrance_7.slug, "registration": world.person.code}
    for base in (scan, picked):
        for field in [*base, "device"]:
            for payload, value in payloads_for(field).items():
                refused = field != "device"  # a device name is cleaned, not refused
                label = f"checkin {field}={payload}"
                response = sweep.post_json(label, checkin_url, {**base, field: value}, refused=refused)
                if refused and response.status_code not in (200, 400):
                    sweep.failures.append(f"{response.status_code} {label}")
            for value in ODD_JSON:
                label = f"checkin {field}={value!r}"
                sweep.post_json(label, checkin_url, {**base, field: value}, refused=field != "device")
    for raw in [b"\x00", b'{"ticket": "\x00"}', b'{"ticket": "\xed\xa0\x80"}', b"\xff\xfe", b'"\\ud800"', b"[]"]:
        label = f"checkin body {raw!r}"
        response = sweep.send(label, "POST", checkin_url, body=raw, content_type="application/json", refused=True)
        assert response.status_code == 400, raw

    undo_url = url("desk:api_undo")
    for payload, value in {**PAYLOADS, "id-nul": f"{world.checkin.pk}\x00", "id-arabic": "١"}.items():
        sweep.post_json(f"undo checkin={payload}", undo_url, {"checkin": value}, refused=True)
    for value in ODD_JSON:
        sweep.post_json(f"undo checkin={value!r}", undo_url, {"checkin": value}, refused=True)

    for name in ["desk:api_search", "desk:api_counters"]:
        for param in ["q", "checkpoint"]:
            for payload, value in PAYLOADS.items():
                params = {"checkpoint": world.entrance_7.slug, "q": "김민", param: value}
                sweep.get_query(f"{name} ?{param}={payload}", url(name), params)

    sweep.assert_clean()
    assert CheckIn.objects.get().undone_at is None


WALK_IN = {
    "name": "Walk In",
    "organisation": "",
    "category": "citizen",
    "country": "KR",
    "email": "",
    "phone": "",
    "session": "",
    "privacy_consent": "on",
    "checkpoint": "entrance-7",
}


def test_walk_in_sweep(desk_sweep, world):
    sweep = desk_sweep
    path = url("desk:walk_in")
    token = sweep.client.get(path).context["token"]
    fields = [*WALK_IN, "join_waiting_list", "token", "confirm_new", "device"]
    for field in fields:
        for payload, value in payloads_for(field).items():
            data = {**WALK_IN, "name": f"Walk In {field} {payload}", "token": token, field: value}
            refused = payload in NEVER_WRITTEN or field in {"session", "checkpoint", "token", "email"}
            refused = refused and field != "device"
            sweep.post_form(f"walk-in {field}={payload}", path, data, refused=refused)
    for payload, value in PAYLOADS.items():
        data = {"check_in_instead": value, "checkpoint": "entrance-7"}
        sweep.post_form(f"walk-in check_in_instead={payload}", path, data, refused=True)
        data = {"check_in_instead": world.person.code, "checkpoint": value}
        sweep.post_form(f"walk-in check_in_instead checkpoint={payload}", path, data, refused=True)
        for param in ["checkpoint", "badge"]:
            sweep.get_query(f"walk-in ?{param}={payload}", path, {param: value})
        badge = url("desk:badge", code="CODE")
        sweep.send(f"badge code={payload}", "GET", badge.replace("CODE", segment(value)), refused=True)
        sweep.get_query(f"badge ?layout={payload}", url("desk:badge", code=world.person.code), {"layout": value})
        sweep.get_query(f"checkpoints ?change={payload}", url("desk:checkpoints"), {"change": value})
        desk_page = url("desk:desk", slug="SLUG").replace("SLUG", segment(value))
        sweep.send(f"desk page slug={payload}", "GET", desk_page, refused=True)
    sweep.post_in_charsets("walk-in", path, {**WALK_IN, "token": token})

    sweep.assert_clean()


# Log-in forms --------------------------------------------------------------------------------


@pytest.mark.parametrize("login", ["admin:login", "desk:login"])
def test_login_sweep(sweep, db, settings, login):
    settings.AXES_ENABLED = True
    staff_user("desk-staff", roles.DESK_STAFF)
    path = url(login)
    names = {**PAYLOADS, "long-255": "y" * 255, "long-256": "y" * 256, "long-5000": "z" * 5000}
    for n, (payload, value) in enumerate(names.items()):
        address = f"10.1.0.{n + 1}"
        for data in ({"username": value, "password": "wrong"}, {"username": "desk-staff", "password": value}):
            sweep.send(
                f"{login} {data}"[:80],
                "POST",
                path,
                body=urlencode(data, errors="surrogatepass").encode(),
                content_type="application/x-www-form-urlencoded",
                REMOTE_ADDR=address,
            )
        sweep.get_query(f"{login} ?next={payload}", path, {"next": value})
    sweep.post_in_charsets(login, path, {"username": "desk-staff", "password": "wrong"})

    sweep.assert_clean()
    assert "_auth_user_id" not in sweep.client.session


# The admin -----------------------------------------------------------------------------------

# Fewer values for the admin's many parameters: a NUL, text that is no number, digits that are no ASCII digits.
ADMIN_PAYLOADS = {
    name: PAYLOADS[name] for name in ["nul", "surrogate", "superscript-two", "arabic-twelve", "huge-number"]
}
ADMIN_MODELS = sorted(admin.site._registry, key=lambda model: model._meta.label)


@pytest.fixture
def admin_sweep(sweep, world):
    superuser = get_user_model().objects.create_superuser("boss", "boss@example.org", "boss-password-2010")
    sweep.client.force_login(superuser)
    return sweep


@pytest.mark.parametrize("model", ADMIN_MODELS, ids=lambda model: model._meta.label)
def test_admin_changelist_sweep(admin_sweep, model):
    sweep = admin_sweep
    info = (model._meta.app_label, model._meta.model_name)
    changelist = url(f"admin:{info[0]}_{info[1]}_changelist")
    response = sweep.client.get(changelist)
    assert response.status_code == 200, changelist
    cl = response.context["cl"]
    params = {"q", "o", "p", "_to_field"}
    for spec in cl.filter_specs:
        params.update(spec.expected_parameters())
    if cl.date_hierarchy:
        field = cl.date_hierarchy
        params.update({f"{field}__year", f"{field}__month", f"{field}__day"})
    for param in sorted(params):
        for payload, value in ADMIN_PAYLOADS.items():
            sweep.get_query(f"{changelist}?{param}={payload}", changelist, {param: value})
    for payload, value in ADMIN_PAYLOADS.items():
        for action in ["delete_selected", *cl.model_admin.get_actions(response.wsgi_request)]:
            data = {"action": action, "index": "0", admin.helpers.ACTION_CHECKBOX_NAME: value, "post": "yes"}
            sweep.post_form(f"{changelist} action {action}={payload}", changelist, data, refused=True)
        change = url(f"admin:{info[0]}_{info[1]}_change", object_id="ID").replace("ID", segment(value))
        sweep.send(f"change id={payload}", "GET", change, refused=True)
        sweep.post_form(f"change id={payload} post", change, {"name": "x"}, refused=True)
    sweep.post_in_charsets(changelist, changelist, {"action": "delete_selected", "index": "0"})

    sweep.assert_clean()
