"""Importing a city's delegation list in the admin: upload, a preview of every
line with its errors, one all-or-nothing confirm through the registration
service (consents by the organiser, confirmation mails in each language)."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation
from openpyxl import Workbook, load_workbook

from events.models import Audience
from registration.delegations.files import KEYS, FileRefusedError, read_upload
from registration.delegations.models import ImportBatch, ImportStatus
from registration.models import Booking, Consent, ConsentKind, MailKind, OutgoingMail, Registration, Status
from tests.factories import EventFactory, ParticipatingCityFactory, PersonFactory
from tests.registration.delegation_helpers import csv_file, organiser_user, person_row, staff_with, xlsx_file

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("no_mail_after_commit", "clock")]


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.fixture
def city(open_event):
    return ParticipatingCityFactory(event=open_event, name_en="Berlin", name_ko="베를린", country="DE")


@pytest.fixture
def organiser(client):
    user = organiser_user()
    client.force_login(user)
    client.user = user
    return client


def upload(client, event, city, file):
    return client.post(reverse("delegations:upload"), {"event": event.pk, "city": city.pk, "file": file})


def batch_of(response) -> ImportBatch:
    assert response.status_code == 302, response.context["form"].errors if response.context else response
    return ImportBatch.objects.get(pk=int(response.url.rstrip("/").rsplit("/", 1)[1]))


def preview(client, batch):
    return client.get(reverse("delegations:preview", args=[batch.pk]))


def confirm(client, batch):
    return client.post(reverse("delegations:preview", args=[batch.pk]), follow=True)


@pytest.mark.parametrize("make_file", [csv_file, xlsx_file])
def test_import_twenty_people_registers_them_as_confirmed_delegates(organiser, open_event, city, workshops, make_file):
    rows = [person_row(n, sessions="workshop-1" if n < 5 else "") for n in range(20)]
    batch = batch_of(upload(organiser, open_event, city, make_file(rows)))

    page = preview(organiser, batch)
    assert [row.ok for row in page.context["rows"]] == [True] * 20
    assert page.context["may_confirm"]
    assert b"Import 20 people" in page.content
    assert Registration.objects.count() == 0

    confirm(organiser, batch)

    people = Registration.objects.order_by("email")
    assert people.count() == 20
    assert {(p.status, p.category, p.delegation_id) for p in people} == {(Status.CONFIRMED, "delegate", city.pk)}
    assert Booking.objects.filter(session=workshops[0]).count() == 5
    consents = Consent.objects.filter(kind=ConsentKind.PRIVACY)
    assert {(c.via, c.given_by_id, c.granted) for c in consents} == {("organiser", organiser.user.pk, True)}
    assert consents.count() == 20
    assert not Consent.objects.filter(kind=ConsentKind.NEWS, granted=True).exists()
    mails = OutgoingMail.objects.filter(kind=MailKind.CONFIRMATION)
    assert sorted(mails.values_list("language", flat=True)) == ["en"] * 10 + ["ko"] * 10
    assert {m.to_email for m in mails} == {p.email for p in people}
    batch.refresh_from_db()
    assert (batch.status, batch.imported_count, batch.imported_by) == (ImportStatus.IMPORTED, 20, organiser.user)
    assert batch.rows == []  # the file's copy of the details goes once they are registered


def test_one_bad_line_imports_nobody_and_shows_its_error_next_to_it(organiser, open_event, city):
    rows = [person_row(n) for n in range(5)]
    rows[2]["email"] = "not-an-address"
    batch = batch_of(upload(organiser, open_event, city, csv_file(rows)))

    page = preview(organiser, batch)
    checked = page.context["rows"]
    assert [row.ok for row in checked] == [True, True, False, True, True]
    assert checked[2].line == 4  # the header is line 1
    assert checked[2].errors == [("E-mail address", "Enter a valid email address.")]
    assert not page.context["may_confirm"]
    html = page.content.decode()
    line = html[html.index('id="line-4"') :]
    assert line.index("Enter a valid email address.") < line.index("not-an-address")
    assert "Import 5 people" not in html

    response = confirm(organiser, batch)  # posted anyway

    assert Registration.objects.count() == 0
    assert OutgoingMail.objects.count() == 0
    assert "Some lines have errors: nothing was imported." in response.content.decode()


def test_an_address_twice_in_the_file_is_an_error(organiser, open_event, city):
    rows = [person_row(1), person_row(2), person_row(3, email="DELEGATE1@city.example.org")]
    batch = batch_of(upload(organiser, open_event, city, csv_file(rows)))

    checked = preview(organiser, batch).context["rows"]

    assert checked[2].errors == [("E-mail address", "Also on line 2 of this file.")]
    assert [row.ok for row in checked] == [True, True, False]


def test_an_address_already_registered_is_an_error(organiser, open_event, city):
    from registration import services

    services.register(event=open_event, person=PersonFactory(email="delegate2@city.example.org"), session_ids=[])
    batch = batch_of(upload(organiser, open_event, city, csv_file([person_row(1), person_row(2)])))

    checked = preview(organiser, batch).context["rows"]

    assert checked[1].errors == [("E-mail address", "Already registered for this event.")]


def test_the_confirm_checks_again_and_rolls_back_everything(organiser, open_event, city):
    from registration import services

    batch = batch_of(upload(organiser, open_event, city, csv_file([person_row(n) for n in range(4)])))
    services.register(event=open_event, person=PersonFactory(email="delegate3@city.example.org"), session_ids=[])

    confirm(organiser, batch)

    assert Registration.objects.filter(delegation=city).count() == 0
    assert ImportBatch.objects.get(pk=batch.pk).status == ImportStatus.PREVIEW


def test_the_rules_of_the_public_form_apply(organiser, open_event, city, workshops, delegates_session):
    rows = [
        person_row(1, organisation="", category="it"),
        person_row(2, category="citizen", sessions="delegates-briefing"),
        person_row(3, sessions="workshop-1, workshop-2"),
        person_row(4, sessions="no-such-session"),
        person_row(5, country="Germany", language="English", sessions="delegates-briefing", phone="+49 30 1234567"),
        person_row(6, language="fr"),
    ]
    batch = batch_of(upload(organiser, open_event, city, csv_file(rows)))

    checked = preview(organiser, batch).context["rows"]

    assert [label for label, _message in checked[0].errors] == ["Organisation"]
    assert checked[1].errors == [
        ("Sessions that need a booked seat", "“Delegates' briefing” is for city delegates only.")
    ]
    assert "at the same time" in checked[2].errors[0][1]
    assert checked[3].errors == [
        ("Sessions that need a booked seat", "No bookable session has the short name no-such-session.")
    ]
    assert checked[4].ok
    assert (checked[4].person["country"], checked[4].person["language"]) == ("DE", "en")
    assert checked[4].sessions == [delegates_session]
    assert delegates_session.audience == Audience.DELEGATES
    assert [label for label, _message in checked[5].errors] == ["Language for e-mails"]


def test_needs_are_kept_with_the_sensitive_consent_given_by_the_organiser(organiser, open_event, city):
    batch = batch_of(upload(organiser, open_event, city, csv_file([person_row(1, needs="Wheelchair access")])))

    confirm(organiser, batch)

    person = Registration.objects.get()
    assert person.needs == "Wheelchair access"
    sensitive = person.consents.get(kind=ConsentKind.SENSITIVE)
    assert (sensitive.via, sensitive.given_by, sensitive.granted) == ("organiser", organiser.user, True)


def test_confirming_twice_imports_once(organiser, open_event, city):
    batch = batch_of(upload(organiser, open_event, city, csv_file([person_row(1), person_row(2)])))
    confirm(organiser, batch)

    response = confirm(organiser, batch)

    assert Registration.objects.count() == 2
    assert OutgoingMail.objects.count() == 2
    assert "Imported: 2 people" in response.content.decode()


@pytest.mark.parametrize("file_format", ["xlsx", "csv"])
def test_the_template_parses_back_and_its_example_is_valid(organiser, open_event, city, file_format):
    response = organiser.get(reverse(f"delegations:template_{file_format}"))
    content = b"".join(response.streaming_content) if response.streaming else response.content
    upload_file = SimpleUploadedFile(f"template.{file_format}", content)

    rows = read_upload(upload_file)

    assert [row.values["email"] for row in rows] == ["gildong.hong@example.org"]
    upload_file.seek(0)
    batch = batch_of(upload(organiser, open_event, city, upload_file))
    assert [row.ok for row in preview(organiser, batch).context["rows"]] == [True]
    if file_format == "xlsx":
        sheet = load_workbook(io.BytesIO(content)).active
        assert [cell.value for cell in sheet[1]] == list(KEYS)
    else:
        assert content.startswith("\ufeff".encode())


def test_a_korean_excel_csv_in_cp949_is_read(organiser, open_event, city):
    rows = [person_row(1, name="김민준", city="서울", country="대한민국")]

    batch = batch_of(upload(organiser, open_event, city, csv_file(rows, encoding="cp949")))

    checked = preview(organiser, batch).context["rows"]
    assert (checked[0].person["name"], checked[0].person["country"]) == ("김민준", "KR")


@pytest.mark.parametrize(
    ("file", "message"),
    [
        (SimpleUploadedFile("list.pdf", b"%PDF-1.4"), "Upload a .csv or .xlsx file"),
        (SimpleUploadedFile("list.xlsx", b"this is no workbook"), "This is not a readable Excel file"),
        (SimpleUploadedFile("list.xlsx", b"PK\x03\x04broken zip"), "This is not a readable Excel file"),
        (SimpleUploadedFile("list.csv", b"x" * (1024 * 1024 + 1)), "larger than 1 MB"),
        (SimpleUploadedFile("list.csv", b"nom,courriel\nA,b@example.org\n"), "missing: name, email"),
        (SimpleUploadedFile("list.csv", b"name,email\n"), "The file lists nobody"),
        (SimpleUploadedFile("list.csv", b"\xff\xfe\x00\x00binary\x00"), "CSV"),
    ],
)
def test_a_file_that_cannot_be_read_is_a_form_error(organiser, open_event, city, file, message):
    response = upload(organiser, open_event, city, file)

    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors["file"])
    assert ImportBatch.objects.count() == 0


def test_more_than_500_people_is_refused(open_event):
    header = ",".join(KEYS)
    lines = [f"D{n},d{n}@example.org" + "," * (len(KEYS) - 2) for n in range(501)]
    file = SimpleUploadedFile("big.csv", "\n".join([header, *lines]).encode())

    with pytest.raises(FileRefusedError, match="more than 500"):
        read_upload(file)


def test_a_sheet_of_more_than_5000_lines_is_refused():
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(list(KEYS))
    sheet.cell(row=5002, column=1, value="Far down")
    buffer = io.BytesIO()
    workbook.save(buffer)

    with pytest.raises(FileRefusedError, match="more than 5000 lines"):
        read_upload(SimpleUploadedFile("long.xlsx", buffer.getvalue()))


def test_a_city_of_another_event_is_refused(organiser, open_event):
    other = ParticipatingCityFactory(event=EventFactory(slug="wego-2009", is_current=False))

    response = upload(organiser, open_event, other, csv_file([person_row(1)]))

    assert response.context["form"].errors["city"] == ["This city does not take part in the event chosen."]


def test_import_needs_the_permission(client, open_event, city):
    viewer = staff_with("viewer", "view_registration")
    client.force_login(viewer)

    assert client.get(reverse("delegations:upload")).status_code == 403
    assert client.get(reverse("delegations:template_csv")).status_code == 403


def test_import_pages_need_the_log_in(client):
    response = client.get(reverse("delegations:upload"))

    assert response.status_code == 302
    assert "/admin/login/" in response.url


def test_an_unconfirmed_list_goes_with_the_events_registration_data(organiser, open_event, city):
    from datetime import timedelta

    from registration.retention import KEEP_AFTER_EVENT, destroy_expired

    batch_of(upload(organiser, open_event, city, csv_file([person_row(1)])))

    destroy_expired(today=open_event.end_date + KEEP_AFTER_EVENT)
    assert ImportBatch.objects.count() == 1
    destroy_expired(today=open_event.end_date + KEEP_AFTER_EVENT + timedelta(days=1))

    assert ImportBatch.objects.count() == 0


@pytest.mark.parametrize("n", [2, 20])
def test_the_preview_runs_a_fixed_number_of_queries(
    organiser, open_event, city, workshops, n, django_assert_num_queries
):
    rows = [person_row(i, sessions="workshop-2") for i in range(n)]
    batch = batch_of(upload(organiser, open_event, city, csv_file(rows)))

    # session, user, its permissions (user, groups), the batch with event, city and
    # uploader, the bookable sessions, the addresses already registered.
    with django_assert_num_queries(7):
        response = preview(organiser, batch)

    assert len(response.context["rows"]) == n


def test_the_import_pages_speak_korean(organiser, open_event, city):
    batch = batch_of(upload(organiser, open_event, city, csv_file([person_row(1), person_row(2, email="x")])))

    with translation.override("ko"):
        form = organiser.get(reverse("delegations:upload"))
        page = organiser.get(reverse("delegations:preview", args=[batch.pk]))

    assert "서식 파일 (Excel)" in form.content.decode()
    html = page.content.decode()
    assert "오류가 있는 줄이 1개 있습니다." in html
    assert "전자우편 주소: 올바른 이메일 주소를 입력하세요." in html


@pytest.mark.parametrize("n", [1, 4])
def test_the_imports_list_queries_do_not_grow(organiser, open_event, city, n, django_assert_num_queries):
    for i in range(n):
        batch_of(upload(organiser, open_event, city, csv_file([person_row(i)])))
    url = reverse("admin:registration_importbatch_changelist")
    organiser.get(url)  # warm the content-type cache

    # session, user, its permissions (user, groups), the event filter's choices,
    # two counts, the batches with city, event and uploader.
    with django_assert_num_queries(IMPORTS_QUERIES):
        response = organiser.get(url)

    assert len(response.context["cl"].result_list) == n


IMPORTS_QUERIES = 8
