"""Who may do what: every staff page crossed with every role, each with the exact
outcome (docs/roles.md says the same in words).

The admin's pages and actions are found by walking admin.site._registry, so a
model someone registers later is checked without a line here; it needs a row in
the world (ROWS, one line, or test_every_admin_model_has_a_row fails). A page
outside the admin is one line of PAGES, an admin action one line of
ORGANISER_ACTIONS. One world for the whole module (built once, rolled back at
the end); each test's own writes are rolled back after it.

The rule, written once (expected_model_permissions): organisers hold every
permission on the models of ADMIN_APPS (ORGANISER_APPS and assembly) and may see
and remove two-factor devices; viewers may only view those models; desk staff
and anonymous visitors never pass the admin's log-in. What the admin itself
offers (RegistrationAdmin adds no rows, CheckInAdmin changes none, MailingAdmin
has no "delete selected") is read with a superuser, then crossed with the rule.
Every refusal writes nothing to the database (its SQL is captured).
"""

import json
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

import pytest
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from assembly import services as assembly_services
from assembly.models import Decision, DecisionKind, Movement
from registration import checkin, roles, services
from registration.delegations import importing, mailing
from registration.delegations.files import Row
from registration.delegations.models import ImportBatch, Mailing
from registration.models import (
    Booking,
    CheckIn,
    Checkpoint,
    MailStatus,
    OutgoingMail,
    Registration,
    SeatRelease,
    Status,
)
from tests.assembly.world import accredited, build_plenary, enter
from tests.factories import (
    EventFactory,
    ExhibitorFactory,
    ParticipatingCityFactory,
    SessionFactory,
    SessionKindFactory,
    SpeakerFactory,
    WorkshopFactory,
    seoul,
)
from tests.registration.delegation_helpers import person_row
from tests.registration.desk_world import entrance

User = get_user_model()
pytestmark = [pytest.mark.django_db]

ROLES = ("anonymous", "desk", "viewer", "organiser")
# The apps whose models organisers manage in the admin and viewers may see
# (registration.roles for two of them; assembly grants its own, assembly/roles.py).
ADMIN_APPS = (*roles.ORGANISER_APPS, "assembly")
GROUP_OF = {"desk": roles.DESK_STAFF, "viewer": roles.VIEWERS, "organiser": roles.ORGANISERS}
LANG = "ko"
# Writes a refused request may still make: its session, and the log-in throttle's records.
BOOKKEEPING_TABLES = ("django_session", "axes_")


# The world ----------------------------------------------------------------------------------


@dataclass
class World:
    users: dict
    superuser: object
    rows: dict  # model -> one row of it
    registration: Registration  # a delegate awaiting approval
    arriving: Registration  # confirmed, not checked in yet
    checkpoint: Checkpoint
    checkin: CheckIn
    batch: ImportBatch  # a delegation list waiting for its confirm
    draft: Mailing  # a mailing written, not sent yet
    delegate: Registration  # accredited to the plenary, in the hall


def register(event, name: str, category: str = "citizen", sessions=()) -> Registration:
    person = {"name": name, "email": f"{name.lower()}@example.org", "country": "KR", "category": category}
    outcome = services.register(event=event, person=person, session_ids=[s.pk for s in sessions])
    return outcome.registration


def build_world() -> World:
    event = EventFactory(slug="wego-2010", registration_opens_at=None, registration_closes_at=None)
    workshop = WorkshopFactory(event=event, kind=SessionKindFactory())
    # The citizens' forum on the 7th: the entrance of the 7th admits citizens.
    SessionFactory(event=event, room=workshop.room, starts_at=seoul(2010, 9, 7, 10), ends_at=seoul(2010, 9, 7, 17))
    # A delegate awaits approval: approve, reject, cancel and resend all act on it.
    pending = register(event, "Minjun", category="delegate", sessions=[workshop])
    assert pending.status == Status.PENDING
    citizen = register(event, "Ana")
    arriving = register(event, "Bora")
    checkpoint = entrance(event, 7)
    admitted = checkin.check_in(checkpoint=checkpoint, registration=citizen, now=seoul(2010, 9, 7, 10))
    OutgoingMail.objects.filter(registration=citizen).update(status=MailStatus.FAILED)
    users = {role: User.objects.create_user(username=role, password="x", is_staff=role != "desk") for role in GROUP_OF}
    for role, group in GROUP_OF.items():
        users[role].groups.add(roles.ensure_groups()[group])
    superuser = User.objects.create_superuser(username="root", password="x")
    # Someone else's two-factor devices (the role users have none: no code asked).
    enrolled = User.objects.create_user(username="enrolled", is_staff=True)
    TOTPDevice.objects.create(user=enrolled, name="app", confirmed=True)
    backup = StaticDevice.objects.create(user=enrolled, name="backup")
    StaticToken.objects.create(device=backup, token="abcdefgh")
    ExhibitorFactory(event=event)
    ParticipatingCityFactory(event=event)
    SpeakerFactory(event=event)
    AccessAttempt.objects.create(username="someone", ip_address="192.0.2.1", failures_since_start=1)
    AccessLog.objects.create(username="someone", ip_address="192.0.2.1")
    AccessFailureLog.objects.create(username="someone", ip_address="192.0.2.1")
    # A past edition for the archive.
    EventFactory(
        slug="wego-2008",
        name_en="WeGO 2008",
        name_ko="WeGO 2008",
        start_date=date(2008, 10, 1),
        end_date=date(2008, 10, 3),
        is_current=False,
    )
    # Minjun's workshop seat, released as a no-show's: "give the seat back" acts on it.
    SeatRelease.objects.create(booking=Booking.objects.get(registration=pending), released_at=seoul(2010, 9, 7, 9))
    batch, draft = back_office(event, users["organiser"], arriving)
    delegate = general_assembly(users["organiser"])
    # One row of every model the admin shows: the change and delete pages need one.
    rows = {model: ROWS.get(model, default_row)(model, pending) for model in admin.site._registry}
    return World(users, superuser, rows, pending, arriving, checkpoint, admitted.checkin, batch, draft, delegate)


def back_office(event, organiser, arriving):
    """A delegation list uploaded (not imported yet) and a mailing to Bora, written, not sent."""
    city = ParticipatingCityFactory(event=event, name_en="Import City", name_ko="가져오기 시")
    rows = [Row(line=2, values=person_row(0))]
    batch = importing.start_import(event=event, city=city, file_name="list.csv", rows=rows, user=organiser)
    draft = mailing.start_mailing(
        registrations=Registration.objects.filter(pk=arriving.pk), user=organiser, description="Bora"
    )
    texts = {"subject_ko": "안내", "body_ko": "내용", "subject_en": "News", "body_en": "Text"}
    return batch, mailing.save_text(mailing=draft, kind="service", texts=texts)


def general_assembly(organiser) -> Registration:
    """The plenary (its settings and door), one accredited delegate in the hall, a
    proxy and a decision recorded, not published."""
    plenary = build_plenary(members=3)
    delegate = accredited(plenary.cities[0], "Seo-yeon")
    enter(plenary, delegate)
    assembly_services.give_proxy(giver=plenary.cities[1], holder=plenary.cities[0], user=organiser)
    decision = Decision(event=plenary.event, kind=DecisionKind.BYLAWS, text_en="Adopted", text_ko="채택")
    assembly_services.record_decision(decision=decision, user=organiser)
    return delegate


def default_row(model, pending):
    return model.objects.order_by("pk").first()


# A model whose first row is not the one to act on: name the row here (one line).
ROWS: dict = {
    Registration: lambda model, pending: pending,
    OutgoingMail: lambda model, pending: OutgoingMail.objects.filter(status=MailStatus.FAILED).first(),
    User: lambda model, pending: User.objects.get(username="enrolled"),
}


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        built = build_world()
        yield built
        transaction.set_rollback(True)


@pytest.fixture(autouse=True)
def _settings(settings):
    settings.REQUIRE_2FA = False  # two-factor log-in has its own tests (tests/twofactor)
    settings.OUTBOX_SEND_ON_COMMIT = False
    settings.DESK_REHEARSAL_DAY = date(2010, 9, 7)


def as_each_role(world):
    """Each role in turn, with its own client, its writes rolled back after it."""
    for role in ROLES:
        client = Client()
        with transaction.atomic():
            if role != "anonymous":
                client.force_login(world.users[role])
            yield role, client
            transaction.set_rollback(True)


def writes(queries) -> list[str]:
    """The SQL that changed data, less the session and the log-in throttle."""
    changed = [q["sql"] for q in queries if q["sql"].lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))]
    return [sql for sql in changed if not any(table in sql for table in BOOKKEEPING_TABLES)]


def request(client, method: str, url: str, data=None, **extra):
    with CaptureQueriesContext(connection) as queries:
        response = getattr(client, method.lower())(url, data, **extra)
    return response, writes(queries.captured_queries)


# Outcomes -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class AdminLogin:
    def check(self, response, url):
        assert response.status_code == 302, url
        assert response["Location"].startswith(f"/{LANG}/admin/login/?next="), url


@dataclass(frozen=True)
class DeskLogin:
    def check(self, response, url):
        assert response.status_code == 302, url
        assert response["Location"].startswith(f"/{LANG}/desk/login/?next="), url


@dataclass(frozen=True)
class Forbidden:
    template: str | None = None

    def check(self, response, url):
        assert response.status_code == 403, url
        if self.template:
            assert self.template in [t.name for t in response.templates], url


@dataclass(frozen=True)
class ForbiddenJson:
    def check(self, response, url):
        assert response.status_code == 403, url
        assert response["Content-Type"] == "application/json"
        assert response.json()["error"]


@dataclass(frozen=True)
class Page:
    template: str
    contains: str = ""

    def check(self, response, url):
        assert response.status_code == 200, url
        assert self.template in [t.name for t in response.templates], url
        assert self.contains in response.content.decode(), url


@dataclass(frozen=True)
class File:
    content_type: str

    def check(self, response, url):
        assert response.status_code == 200, url
        assert response["Content-Type"].startswith(self.content_type), url
        assert len(b"".join(response)) > 100, url


@dataclass(frozen=True)
class Json:
    key: str

    def check(self, response, url):
        assert response.status_code == 200, url
        assert self.key in response.json(), url


@dataclass(frozen=True)
class Redirect:
    """A form sent and done: on to the next page."""

    to: str

    def check(self, response, url):
        assert response.status_code == 302, url
        assert response["Location"].startswith(self.to), url


@dataclass(frozen=True)
class NotFound:
    """Not there for this user (an account the viewer-accounts pages do not touch)."""

    def check(self, response, url):
        assert response.status_code == 404, url


REFUSALS = (AdminLogin, DeskLogin, Forbidden, ForbiddenJson, NotFound)


def check(outcome, response, url: str, who: str) -> None:
    """outcome.check, its failure naming the role."""
    try:
        outcome.check(response, url)
    except AssertionError as error:
        raise AssertionError(f"{who}: {error}") from error


# Pages outside the admin: one line each --------------------------------------------------------


@dataclass(frozen=True)
class Case:
    name: str
    url: Callable  # world -> address
    outcomes: dict  # role -> outcome
    method: str = "GET"
    data: Callable | None = None  # world -> JSON body
    form: Callable | None = None  # world -> a form's fields, sent as a browser does
    # rows written by a role allowed in: world -> count (more after the request)
    count: Callable | None = None


def staff_pages(template, viewer=None, **extra):
    """Organisers get the page; viewers too unless `viewer` says otherwise."""
    page = Page(template, **extra)
    return {"anonymous": AdminLogin(), "desk": AdminLogin(), "viewer": viewer or page, "organiser": page}


def organisers_only(outcome):
    return {"anonymous": AdminLogin(), "desk": AdminLogin(), "viewer": Forbidden(), "organiser": outcome}


def desk(outcome, refused=Forbidden("desk/forbidden.html"), anonymous=DeskLogin()):
    """Desk staff and organisers (who hold every registration permission) use the desk; viewers do not."""
    return {"anonymous": anonymous, "desk": outcome, "viewer": refused, "organiser": outcome}


def desk_api(outcome):
    return desk(outcome, refused=ForbiddenJson(), anonymous=ForbiddenJson())


def everyone(outcome):
    """A public page or file: the same for every role."""
    return dict.fromkeys(ROLES, outcome)


def at(path):
    return lambda world: f"/{LANG}/{path}"


def checkins(world):
    return CheckIn.objects.filter(undone_at__isnull=True).count()


def device_page(page: str):
    return lambda w: f"/{LANG}/admin/otp_totp/totpdevice/{TOTPDevice.objects.get().pk}/{page}/"


def registrations(world):
    return Registration.objects.count()


def cancelled(world):
    return Registration.objects.filter(status=Status.CANCELLED).count()


def mails(world):
    return OutgoingMail.objects.count()


def movements(world):
    return Movement.objects.count()


def person_page(page: str):
    """The admin's pages about one person (the delegate awaiting approval)."""
    return lambda w: f"/{LANG}/admin/registration/registration/{w.registration.pk}/{page}"


def private_page(page: str):
    """The person's own private pages (the link in their e-mails)."""
    return lambda w: f"/{LANG}/register/manage/{w.registration.manage_secret}/{page}"


def active_viewers(world):
    return User.objects.filter(groups__name=roles.VIEWERS, is_active=True).count()


def viewer_account(page: str):
    """The world's viewer: the only account the viewer-accounts pages may act on."""
    return lambda w: f"/{LANG}/admin/accounts/viewers/{w.users['viewer'].pk}/{page}"


def queued_scan(world) -> dict:
    """One check-in the offline desk made while the network was down (10:30 on the 7th)."""
    made = int(seoul(2010, 9, 7, 10, 30).timestamp() * 1000)
    scan = {"id": str(uuid.UUID(int=1)), "checkpoint": world.checkpoint.slug, "registration": world.arriving.code}
    return {"scans": [{**scan, "at": made}], "sent_at": made}


# Nobody reads a two-factor key back (settings.OTP_ADMIN_HIDE_SENSITIVE_DATA).
NOBODY = {"anonymous": AdminLogin(), "desk": AdminLogin(), "viewer": Forbidden(), "organiser": Forbidden()}

PAGES = [
    Case("two-factor key", device_page("config"), NOBODY),
    Case("two-factor key as QR code", device_page("qrcode"), NOBODY),
    Case("dashboard", at("admin/dashboard/"), staff_pages("admin/dashboard.html")),
    Case("export csv", at("admin/dashboard/attendees.csv"), organisers_only(File("text/csv"))),
    Case("export xlsx", at("admin/dashboard/attendees.xlsx"), organisers_only(File("application/vnd.openxml"))),
    Case("two-factor set-up", at("admin/two-factor/enrol/"), staff_pages("twofactor/enrol.html")),
    Case("desk: checkpoints", at("desk/"), desk(Page("desk/checkpoints.html"))),
    Case("desk", lambda w: f"/{LANG}/desk/checkpoint/{w.checkpoint.slug}/", desk(Page("desk/desk.html"))),
    Case("desk: walk-in", at("desk/walk-in/"), desk(Page("desk/walk_in.html"))),
    Case(
        "desk: badge",
        lambda w: f"/{LANG}/desk/attendee/{w.registration.code}/badge.pdf",
        desk(File("application/pdf")),
    ),
    Case(
        "desk api: search", lambda w: f"/{LANG}/desk/api/search/?q=Ana&checkpoint=entrance-7", desk_api(Json("results"))
    ),
    Case("desk api: counters", at("desk/api/counters/?checkpoint=entrance-7"), desk_api(Json("counters"))),
    Case(
        "desk api: check in",
        at("desk/api/checkin/"),
        desk_api(Json("result")),
        method="POST",
        data=lambda w: {"checkpoint": w.checkpoint.slug, "registration": w.arriving.code},
        count=checkins,
    ),
    Case(
        "desk api: undo",
        at("desk/api/undo/"),
        desk_api(Json("undone")),
        method="POST",
        data=lambda w: {"checkin": w.checkin.pk},
        count=lambda world: -checkins(world),
    ),
    # The offline desk: the list a tablet keeps, the scans it queued, its service worker.
    Case("desk api: offline list", at("desk/api/offline-list/?checkpoint=entrance-7"), desk_api(Json("people"))),
    Case("desk api: queued", at("desk/api/queued/"), desk_api(Json("results")), "POST", queued_scan, checkins),
    Case("desk: service worker", at("desk/sw.js"), everyone(File("text/javascript"))),
    # Check-in lists (personal data): organisers only, like the attendee exports.
    Case("check-ins csv", at("admin/dashboard/checkins.csv"), organisers_only(File("text/csv"))),
    Case("check-ins xlsx", at("admin/dashboard/checkins.xlsx"), organisers_only(File("application/vnd.openxml"))),
    # A person's data (an access request) and its erasure: organisers only.
    Case(
        "personal data",
        person_page("personal-data/"),
        organisers_only(Page("admin/registration/registration/personal_data.html", "minjun@example.org")),
    ),
    Case("personal data json", person_page("personal-data.json"), organisers_only(File("application/json"))),
    Case(
        "erase: asks first", person_page("erase/"), organisers_only(Page("admin/registration/registration/erase.html"))
    ),
    Case(
        "erase",
        person_page("erase/"),
        organisers_only(Redirect(f"/{LANG}/admin/registration/registration/")),
        method="POST",
        count=cancelled,
    ),
    # The person's own private pages: whoever holds the link (no log-in).
    Case("my data", private_page("data/"), everyone(Page("registration/my_data.html", "minjun@example.org"))),
    Case("my data json", private_page("data.json"), everyone(File("application/json"))),
    Case("erase my data: asks first", private_page("erase/"), everyone(Page("registration/erase.html"))),
    # Delegations: viewers see the page; importing and mailings are organisers' only.
    Case(
        "delegations",
        at("admin/delegations/"),
        staff_pages("admin/delegations/delegations.html", contains="가져오기 시"),
    ),
    Case("import", at("admin/delegations/import/"), organisers_only(Page("admin/delegations/upload.html"))),
    Case("import template csv", at("admin/delegations/import/template.csv"), organisers_only(File("text/csv"))),
    Case(
        "import template xlsx",
        at("admin/delegations/import/template.xlsx"),
        organisers_only(File("application/vnd.openxml")),
    ),
    Case(
        "import preview",
        lambda w: f"/{LANG}/admin/delegations/import/{w.batch.pk}/",
        organisers_only(Page("admin/delegations/preview.html", "list.csv")),
    ),
    Case(
        "import confirmed",
        lambda w: f"/{LANG}/admin/delegations/import/{w.batch.pk}/",
        organisers_only(Redirect(f"/{LANG}/admin/delegations/import/")),
        method="POST",
        count=registrations,
    ),
    Case(
        "mailing: write",
        lambda w: f"/{LANG}/admin/delegations/mailings/{w.draft.pk}/write/",
        organisers_only(Page("admin/delegations/mailing_form.html")),
    ),
    Case(
        "mailing: preview",
        lambda w: f"/{LANG}/admin/delegations/mailings/{w.draft.pk}/preview/",
        organisers_only(Page("admin/delegations/mailing_preview.html", "News")),
    ),
    Case(
        "mailing: send",
        lambda w: f"/{LANG}/admin/delegations/mailings/{w.draft.pk}/send/",
        organisers_only(Redirect(f"/{LANG}/admin/registration/mailing/")),
        method="POST",
        count=mails,
    ),
    # Partners' viewer accounts: organisers give and withdraw them; the partner's
    # set-password page is open (the link is the key; a bad one says so).
    Case(
        "viewer accounts",
        at("admin/accounts/viewers/"),
        organisers_only(Page("admin/partners/viewers.html", ">viewer<")),
    ),
    Case(
        "viewer accounts: give",
        at("admin/accounts/viewers/"),
        organisers_only(Redirect(f"/{LANG}/admin/accounts/viewers/")),
        method="POST",
        form=lambda w: {"username": "partner-new", "name": "Partner", "is_superuser": "on"},
        count=active_viewers,
    ),
    Case(
        "viewer accounts: withdraw asks first",
        viewer_account("withdraw/"),
        organisers_only(Page("admin/partners/withdraw.html", "viewer")),
    ),
    Case(
        "viewer accounts: withdraw",
        viewer_account("withdraw/"),
        organisers_only(Redirect(f"/{LANG}/admin/accounts/viewers/")),
        method="POST",
        count=lambda world: -active_viewers(world),
    ),
    Case(
        "viewer accounts: someone else's",
        lambda w: f"/{LANG}/admin/accounts/viewers/{w.users['organiser'].pk}/withdraw/",
        organisers_only(NotFound()),
        method="POST",
    ),
    Case(
        "set password: a bad link",
        at("admin/accounts/set-password/MQ/set-password/"),
        everyone(Page("admin/partners/set_password.html", "이 링크는 작동하지 않습니다")),
    ),
    Case(
        "set password: done",
        at("admin/accounts/set-password/done/"),
        everyone(Page("admin/partners/set_password_done.html")),
    ),
    # Public pages: the archive of past editions, the rooms' occupancy, the quorum board.
    Case("archive", at("archive/"), everyone(Page("events/archive.html", "WeGO 2008"))),
    Case("archive: an edition", at("archive/wego-2008/"), everyone(Page("events/archive_edition.html", "WeGO 2008"))),
    Case("live rooms json", at("live/rooms.json"), everyone(Json("rooms"))),
    Case("quorum board", at("assembly/quorum/"), everyone(Page("assembly/board.html", "Member 1"))),
    Case("quorum board json", at("assembly/quorum.json"), everyone(Json("cities"))),
    # The plenary door: desk staff (and organisers), as the desk.
    Case("plenary door", at("assembly/door/"), desk(Page("assembly/door.html"))),
    Case(
        "plenary door api",
        at("assembly/door/api/"),
        desk_api(Json("result")),
        method="POST",
        data=lambda w: {"registration": w.delegate.code, "action": "out"},
        count=movements,
    ),
]


@pytest.mark.parametrize("case", PAGES, ids=lambda case: case.name)
def test_page(world, case):
    for role, client in as_each_role(world):
        url = case.url(world)
        outcome = case.outcomes[role]
        before = case.count(world) if case.count else None

        if case.data:
            body = json.dumps(case.data(world))
            response, changed = request(client, case.method, url, body, content_type="application/json")
        elif case.form:
            response, changed = request(client, case.method, url, case.form(world))
        else:
            response, changed = request(client, case.method, url)

        check(outcome, response, url, role)
        if isinstance(outcome, REFUSALS):
            assert changed == [], f"{role}: {url}"
        elif case.count:
            assert case.count(world) > before, f"{role}: {url}"


# The admin: every registered model ----------------------------------------------------------

PERMISSIONS = ("view", "add", "change", "delete")
ADMIN_MODELS = sorted(admin.site._registry, key=lambda model: model._meta.label)


def label(model) -> str:
    return model._meta.label


def expected_model_permissions(role: str, model) -> set[str]:
    """The rule (docs/roles.md): what each role may do with a model in the admin."""
    app, name = model._meta.app_label, model._meta.model_name
    if role == "organiser":
        if app in ADMIN_APPS:
            return set(PERMISSIONS)
        return {p for p in PERMISSIONS if f"{app}.{p}_{name}" in roles.ORGANISER_DEVICE_PERMISSIONS}
    if role == "viewer":
        return {"view"} if app in ADMIN_APPS else set()
    return set()


def offered(world, model, permission: str) -> bool:
    """Whether the admin offers this at all (to a superuser): RegistrationAdmin
    adds and deletes no rows, CheckInAdmin and BookingAdmin change none..."""
    model_admin = admin.site._registry[model]
    request = RequestFactory().get("/")
    request.user = world.superuser
    if permission == "add":
        return model_admin.has_add_permission(request)
    return getattr(model_admin, f"has_{permission}_permission")(request, world.rows[model])


def allowed(world, role: str, model, permission: str) -> bool:
    return permission in expected_model_permissions(role, model) and offered(world, model, permission)


def admin_url(model, page: str, *args) -> str:
    with translation.override(LANG):
        return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{page}", args=args)


@dataclass(frozen=True)
class ReadOnly:
    """The change page with every field read-only and no save button."""

    def check(self, response, url):
        assert response.status_code == 200, url
        assert "admin/change_form.html" in [t.name for t in response.templates], url
        html = response.content.decode()
        assert 'name="_save"' not in html, url
        assert 'name="_continue"' not in html, url


@dataclass(frozen=True)
class NotRun:
    """An admin action the user may not run: the list again (Django's "no action
    selected"), never its result."""

    def check(self, response, url):
        assert response.status_code in (200, 302), url
        assert response["Content-Type"].startswith("text/html"), url
        if response.status_code == 302:
            assert response["Location"].startswith(url.split("?")[0]), url


@dataclass(frozen=True)
class Wrote:
    """An admin action that changes data: back to the list (the write is asserted apart)."""

    def check(self, response, url):
        assert response.status_code == 302, url
        assert response["Location"].startswith(url.split("?")[0]), url


@dataclass(frozen=True)
class Drafted(Wrote):
    """ "Write to these people": a draft mailing made, on to writing it."""

    def check(self, response, url):
        assert response.status_code == 302, url
        assert response["Location"].startswith(f"/{LANG}/admin/delegations/mailings/"), url


REFUSALS = (*REFUSALS, NotRun)


def expected_page(world, role: str, model, page: str):
    if role in ("anonymous", "desk"):
        return AdminLogin()  # desk staff are not staff: the admin's log-in page
    may = {p: allowed(world, role, model, p) for p in PERMISSIONS}
    if page == "changelist":
        return Page("admin/change_list.html") if may["view"] or may["change"] else Forbidden()
    if page == "add":
        return Page("admin/change_form.html", 'name="_save"') if may["add"] else Forbidden()
    if page == "change":
        if may["change"]:
            return Page("admin/change_form.html", 'name="_save"')
        return ReadOnly() if may["view"] else Forbidden()
    return Page("admin/delete_confirmation.html") if may["delete"] else Forbidden()


def test_every_admin_model_has_a_row_in_the_world(world):
    missing = [label(model) for model, row in world.rows.items() if row is None]
    assert missing == [], "give these models a row in build_world (or ROWS)"


@pytest.mark.parametrize("page", ["changelist", "add", "change", "delete"])
@pytest.mark.parametrize("model", ADMIN_MODELS, ids=label)
def test_admin_page(world, model, page):
    args = () if page in ("changelist", "add") else (world.rows[model].pk,)
    url = admin_url(model, page, *args)
    for role, client in as_each_role(world):
        response, changed = request(client, "GET", url)

        check(expected_page(world, role, model, page), response, url, role)
        assert changed == [], f"{role}: {url}"  # looking writes nothing


@pytest.mark.parametrize("page", ["add", "change", "delete"])
@pytest.mark.parametrize("model", ADMIN_MODELS, ids=label)
def test_admin_form_sent(world, model, page):
    """A form sent by each role: refused and nothing written for those who may
    not; an empty add or change form from those who may comes back with its
    errors (the model's own tests fill it in); a delete allowed deletes."""
    row = world.rows[model]
    url = admin_url(model, page, *(() if page == "add" else (row.pk,)))
    data = {"post": "yes"} if page == "delete" else {"_save": "Save"}
    for role, client in as_each_role(world):
        where = f"{role}: {url}"
        response, changed = request(client, "POST", url, data)

        if not allowed(world, role, model, page):
            refusal = expected_page(world, role, model, page)
            if isinstance(refusal, (ReadOnly, Page)):  # may view: the read-only page refuses a change
                refusal = Forbidden()
            check(refusal, response, url, role)
            assert changed == [], where
            assert model.objects.filter(pk=row.pk).exists(), where
        elif page != "delete" and response.status_code == 200:
            assert response.context["errors"], where
            assert changed == [], where
        elif page != "delete":  # a form with nothing required (the outbox's: all read-only) saves
            assert response.status_code == 302, where
            assert response["Location"] == admin_url(model, "changelist"), where
        elif response.status_code == 200:  # rows of other models still need it (on_delete=PROTECT)
            assert response.context["protected"], where
            assert model.objects.filter(pk=row.pk).exists(), where
        else:
            assert response.status_code == 302, where
            assert not model.objects.filter(pk=row.pk).exists(), where


# Admin actions: one line per action an organiser may run ---------------------------------------

ORGANISER_ACTIONS = {
    "delete_selected": Page("admin/delete_selected_confirmation.html"),  # asks first: writes nothing yet
    "approve_selected": Wrote(),
    "reject_selected": Wrote(),
    "cancel_selected": Wrote(),
    "resend_confirmation": Wrote(),
    "print_badges_a6": File("application/pdf"),
    "print_badges_a4": File("application/pdf"),
    "export_selected_xlsx": File("application/vnd.openxmlformats"),
    "export_selected_csv": File("text/csv"),
    "mark_not_sample": Wrote(),
    "mark_sample": Wrote(),
    "make_current": Wrote(),
    "retry_now": Wrote(),
    "write_to_these_people": Drafted(),
    "give_back": Wrote(),
    "publish": Wrote(),
}
ACTIONS = [(model, action.name) for model in ADMIN_MODELS for action in admin.site._registry[model]._get_base_actions()]


def action_function(model, name):
    return next(a.func for a in admin.site._registry[model]._get_base_actions() if a.name == name)


def action_offered(world, model, name: str) -> bool:
    """Whether the admin offers the action at all (to a superuser): MailingAdmin,
    say, deletes only a draft, one at a time, so offers no "delete selected"."""
    request = RequestFactory().get("/")
    request.user = world.superuser
    return name in admin.site._registry[model].get_actions(request)


def may_run(world, role: str, model, name: str) -> bool:
    """The list first (view or change), then every permission the action declares,
    by the rule: the model's as above; the others (export, print_badges) organisers' only."""
    if not (allowed(world, role, model, "view") or allowed(world, role, model, "change")):
        return False
    if not action_offered(world, model, name):
        return False
    needed = getattr(action_function(model, name), "allowed_permissions", ())
    return all(allowed(world, role, model, p) if p in PERMISSIONS else role == "organiser" for p in needed)


@pytest.mark.parametrize(("model", "name"), [a for a in ACTIONS if a[0]._meta.app_label in ADMIN_APPS])
def test_every_action_of_ours_declares_what_it_needs(model, name):
    needed = set(getattr(action_function(model, name), "allowed_permissions", ()))

    assert needed, f"{name}: give @admin.action a permissions= list"
    assert needed != {"view"}, f"{name}: viewers would run it; declare what it needs (change, export...)"


@pytest.mark.parametrize(("model", "name"), ACTIONS, ids=lambda v: v if isinstance(v, str) else label(v))
def test_admin_action(world, model, name):
    url = admin_url(model, "changelist")
    data = {"action": name, "_selected_action": [world.rows[model].pk], "index": "0"}
    for role, client in as_each_role(world):
        response, changed = request(client, "POST", url, data)

        if role in ("anonymous", "desk"):
            outcome = AdminLogin()
        elif may_run(world, role, model, name):
            outcome = ORGANISER_ACTIONS[name]  # KeyError: add the action's outcome to ORGANISER_ACTIONS
        elif allowed(world, role, model, "view"):
            outcome = NotRun()
        else:
            outcome = Forbidden()
        check(outcome, response, url, f"{role}, {name}")
        if isinstance(outcome, Wrote):
            assert changed != [], f"{role}: {name}"
        else:
            assert changed == [], f"{role}: {name}"
