"""After purge_personal_data, a purged person's name and e-mail address are
nowhere: not in any row of any table of the database (sessions decoded, JSON
escapes undone), and not in the cache. The person goes through what leaves
copies: the registration form and its "check your e-mail" page (the address in
the session), a lost-link request, a mail to the address linked to no
registration, organisers' edits in the admin (its history), a wrong admin
log-in with the address as user name (django-axes). The audit trail's rows
(registration.audit) keep the changes, without the values."""

import json
import pickle
from io import StringIO

import pytest
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.contrib.sessions.backends.db import SessionStore
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.urls import reverse

from registration import outbox, services
from registration.models import MailKind, Registration
from tests.factories import WorkshopFactory, seoul
from tests.registration.pages import register_directly, submit, url, valid_data

OLD_NAME = "독고 한결"
NEW_NAME = "독고 한별"
ADDRESS = "Hangyeol.Dokgo@Example.org"
KEPT_NAME = "Kept Newsreader"
KEPT_ADDRESS = "kept.newsreader@example.org"


@pytest.fixture(autouse=True)
def _mail(settings):
    settings.OUTBOX_SEND_ON_COMMIT = False
    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}


def database_dump() -> list[tuple[str, str]]:
    """(table, row as text) for every row of every table; sessions decoded."""
    rows = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            quoted = connection.ops.quote_name(table)
            if connection.vendor == "postgresql":
                cursor.execute(f"SELECT row_to_json(t)::text FROM {quoted} t")  # noqa: S608 (the database's own names)
            else:
                cursor.execute(f"SELECT * FROM {quoted}")  # noqa: S608
            rows += [(table, " ".join(_text(value) for value in row)) for row in cursor.fetchall()]
        cursor.execute("SELECT session_data FROM django_session")
        rows += [("django_session (decoded)", json.dumps(SessionStore().decode(data))) for (data,) in cursor.fetchall()]
    return rows


def cache_dump() -> list[tuple[str, str]]:
    """(key, value as text) for everything in the cache: local memory or Redis."""
    if hasattr(cache, "_cache") and isinstance(cache._cache, dict):  # LocMemCache
        # The test's own cache, written by this test run.
        return [(key, _text(value) + repr(pickle.loads(value))) for key, value in list(cache._cache.items())]  # noqa: S301
    client = cache._cache.get_client(write=False)  # RedisCache: its own database number
    return [(_text(key), _text(client.get(key) or b"")) for key in client.scan_iter(count=1000)]


def _text(value) -> str:
    if isinstance(value, bytes | memoryview):
        return bytes(value).decode("utf-8", "replace")
    return str(value)


def traces(dump: list[tuple[str, str]], *values: str) -> set[str]:
    """Where any of the values appears: as typed, in any case, JSON-escaped once or twice."""
    forms = set()
    for value in values:
        escaped = json.dumps(value)[1:-1]
        forms |= {value.casefold(), escaped.casefold(), json.dumps(escaped)[1:-1].casefold()}
    return {where for where, text in dump if any(form in text.casefold() for form in forms)}


def edit_in_admin(organiser: Client, registration: Registration, **changes) -> None:
    """Save the registration's admin change form, as an organiser does."""
    change_url = reverse("admin:registration_registration_change", args=[registration.pk])
    page = organiser.get(change_url)
    form = page.context["adminform"].form
    data = {name: "" if value is None else str(value) for name, value in form.initial.items() if name in form.fields}
    for inline in page.context["inline_admin_formsets"]:
        management = inline.formset.management_form
        data.update({f"{management.prefix}-{key}": value for key, value in management.initial.items()})
    response = organiser.post(change_url, {**data, **changes})
    assert response.status_code == 302, form.errors


def test_a_purged_person_leaves_no_trace_in_the_database_or_the_cache(client, clock, open_event, settings):
    workshop = WorkshopFactory(event=open_event, capacity=10)
    organiser, organiser_user = Client(), get_user_model().objects.create_superuser("organiser", "org@we-gov.org", "pw")
    organiser.force_login(organiser_user)

    # The person registers, reads "check your e-mail" (the address is in a signed cookie) ...
    response = submit(client, clock, valid_data(name=OLD_NAME, email=ADDRESS, sessions=[workshop.pk]))
    assert response.status_code == 302
    assert ADDRESS in client.get(url("sent")).content.decode()
    someone_else = submit(Client(), clock, valid_data(name=KEPT_NAME, email=KEPT_ADDRESS, news_consent="on"))
    assert someone_else.status_code == 302
    registration = Registration.objects.get(email__iexact=ADDRESS)
    # ... asks for their link again; a mail to their address linked to no registration ...
    client.post(url("lost"), {"email": ADDRESS.lower()})
    outbox.queue(kind=MailKind.MANAGE_LINK, to_email=ADDRESS.lower())
    # ... organisers edit them twice (the admin's history keeps each name) ...
    edit_in_admin(organiser, registration, organisation="서울특별시청")
    edit_in_admin(organiser, registration, name=NEW_NAME)
    # ... someone types the address as a user name at the admin's log-in ...
    settings.AXES_ENABLED = True
    Client().post("/en/admin/login/", {"username": ADDRESS, "password": "wrong"}, REMOTE_ADDR="10.0.0.9")
    settings.AXES_ENABLED = False
    assert outbox.deliver_due() == (4, 0)  # confirmation x 2, lost link, the unlinked mail

    # Purge day: three months after the event; that morning they asked for their link again.
    clock.move_to(seoul(2010, 12, 10, 9, 0), tick=False)
    client.post(url("lost"), {"email": ADDRESS})
    # A session from before the address moved into a signed cookie still holds it.
    old_session = SessionStore()
    old_session["registration_sent_to"] = ADDRESS
    old_session.create()
    before = traces(database_dump(), ADDRESS, OLD_NAME, NEW_NAME)

    call_command("purge_personal_data", stdout=StringIO())

    assert before >= {
        "registration_registration",
        "registration_outgoingmail",
        "django_admin_log",
        "django_session (decoded)",
        "axes_accessattempt",
        "registration_historicalregistration",  # the audit trail (registration.audit)
    }
    dump = database_dump()
    assert traces(dump, ADDRESS, OLD_NAME, NEW_NAME, registration.manage_secret) == set()
    assert traces(cache_dump(), ADDRESS, OLD_NAME, NEW_NAME) == set()
    # The search works: the news subscriber's name and address are kept, as promised.
    assert traces(dump, KEPT_NAME) >= {"registration_registration"}
    assert traces(dump, KEPT_ADDRESS) >= {"registration_registration"}
    # The history itself stays, without the names: what was changed, on which registration.
    organiser.force_login(organiser_user)  # a new day, a new session
    history = organiser.get(reverse("admin:registration_registration_history", args=[registration.pk]))
    assert [entry.object_repr for entry in history.context["action_list"]] == [f"({registration.code})"] * 2
    assert "Full name" in history.content.decode()
    # The audit trail stays too, its values blanked, its last row the purge's.
    trail = Registration.history.filter(id=registration.pk).order_by("history_date", "history_id")
    assert len(trail) >= 4  # registered, two admin edits, the purge
    assert {(row.name, row.email, row.organisation) for row in trail} == {("", "", "")}
    assert (trail.last().history_actor, trail.last().history_via) == ("system", "retention")


def test_purge_deletes_expired_sessions_and_keeps_live_ones_of_others(clock, open_event):
    old = SessionStore()
    old["registration_lost_for"] = "someone@example.org"  # as sessions held it before the signed cookie
    old.create()
    clock.move_to(seoul(2010, 12, 10, 9, 0), tick=False)
    fresh = SessionStore()
    fresh["django_language"] = "en"
    fresh.create()
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM django_session")
        assert cursor.fetchone()[0] == 2

    call_command("purge_personal_data", stdout=StringIO())

    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM django_session")
        assert cursor.fetchone()[0] == 1  # the expired one is gone
    assert SessionStore(session_key=fresh.session_key).load() == {"django_language": "en"}


def test_scrubbing_the_admin_log_keeps_other_peoples_entries(clock, open_event):
    gone = register_directly(open_event, name="Gone Person", email="gone@example.org")
    kept = register_directly(open_event, name="Kept Person", email="kept@example.org")
    services.set_news_consent(registration=kept, granted=True)  # keeps name and address for two years
    user = get_user_model().objects.create_superuser("organiser", "org@we-gov.org", "pw")
    for person in (gone, kept):
        LogEntry.objects.create(
            user=user,
            content_type=ContentType.objects.get_for_model(Registration),
            object_id=str(person.pk),
            object_repr=str(person),
            action_flag=CHANGE,
            change_message=json.dumps([{"changed": {"fields": ["Organisation"]}}]),
        )
    clock.move_to(seoul(2010, 12, 10, 9, 0), tick=False)

    call_command("purge_personal_data", stdout=StringIO())

    reprs = dict(LogEntry.objects.values_list("object_id", "object_repr"))
    assert reprs == {str(gone.pk): f"({gone.code})", str(kept.pk): f"Kept Person ({kept.code})"}
