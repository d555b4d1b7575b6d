"""Issue 10's walk through the back office, in Chromium on a phone-sized screen.

A new organiser imports a delegation of 20 people from an Excel file (after a
file with one bad line is refused whole), writes to one workshop's attendees
and each gets the mail in their own language, gives a partner a viewer account
(the partner sets a password through the link the organiser passes on, in
another browser) and the partner reads but exports nothing, the
organiser changes a registration and reads who did it in its audit trail,
downloads one person's data and erases them, and reads the dashboard's charts
on the phone. A shorter Korean pass: the import's preview and the dashboard.
Everything goes through the pages, never through the services; screenshots
land in test-artifacts/e2e/."""

import json
import re
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core import mail as django_mail
from openpyxl import Workbook
from playwright.sync_api import expect

from registration import outbox, roles
from registration.models import MailKind, OutgoingMail, Registration, Status
from tests.e2e.helpers import assert_accessible, assert_no_browser_errors
from tests.factories import EventFactory, ParticipatingCityFactory, WorkshopFactory

pytestmark = [pytest.mark.django_db(transaction=True)]

PASSWORD = "organiser-journey-2010"
PARTNER_PASSWORD = "Han-river-bridges-2010"
PHONE_WIDTH = 390
HEADER = "name email organisation job_title country city phone language category needs sessions".split()
WORKSHOP = "workshop-1"
BOOKERS = {0, 3, 5, 8, 11, 14, 17}  # lines of the file that book the workshop


def delegates(count: int = 20) -> list[list[str]]:
    """Berlin's delegation: every third person writes in Korean, some book the workshop."""
    rows = []
    for i in range(count):
        korean = i % 3 == 0
        rows.append(
            [
                f"김민준 {i}" if korean else f"Anna Schmidt {i}",
                f"delegate{i}@berlin.example.org",
                "Senate Chancellery",
                "Adviser",
                "KR" if korean else "Germany",
                "Berlin",
                "",
                "ko" if korean else "en",
                "",
                "Vegetarian meal" if i == 1 else "",
                WORKSHOP if i in BOOKERS else "",
            ]
        )
    return rows


def workbook(path: Path, rows: list[list[str]]) -> Path:
    book = Workbook()
    sheet = book.active
    sheet.append(HEADER)
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


def check_page(visit, name: str, *, axe: bool = True) -> None:
    """No wider than the phone, a screenshot, accessible, no browser error."""
    page = visit.page
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, f"{page.url} is {overflow}px wider than the screen"
    visit.screenshot(name)
    if axe:
        assert_accessible(page)
    assert_no_browser_errors(visit)


def log_in(visit, lang: str, username: str, password: str, then: str) -> None:
    page = visit.page
    visit.open(f"/{lang}/admin/login/?next={then}")
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(password)
    page.locator("#id_password").press("Enter")
    expect(page).to_have_url(re.compile(re.escape(then) + "$"))
    page.wait_for_load_state("networkidle")  # the admin's scripts (autofocus, widgets) are done


@pytest.fixture
def world(settings):
    settings.OUTBOX_SEND_ON_COMMIT = False  # the mail waits in the outbox; the test sends it
    event = EventFactory(slug="wego-2010", name_en="WeGO General Assembly", name_ko="WeGO 총회", capacity=100)
    workshop = WorkshopFactory(
        event=event, slug=WORKSHOP, title_en="Open data workshop", title_ko="공공 데이터 워크숍", capacity=30
    )
    city = ParticipatingCityFactory(event=event, name_en="Berlin", name_ko="베를린")
    users = get_user_model().objects
    organiser = users.create_user("new-organiser", password=PASSWORD, is_staff=True)
    organiser.groups.add(roles.ensure_groups()[roles.ORGANISERS])
    return {"event": event, "workshop": workshop, "city": city}


def import_delegation(visit, lang: str, city, tmp_path: Path, shots: str) -> None:
    """The bad file is refused whole (error on its line, no import button), then
    the good one is imported."""
    page = visit.page
    bad = delegates(3)
    bad[1][1] = "not-an-address"
    bad_file = workbook(tmp_path / "berlin-bad.xlsx", bad)
    good_file = workbook(tmp_path / "berlin.xlsx", delegates())

    page.locator("#id_city").select_option(value=str(city.pk))
    page.locator("#id_file").set_input_files(str(bad_file))
    check_page(visit, f"{shots}-1-upload")
    page.locator("input[type=submit]").click()

    error_line = page.locator("#line-3")  # the header is line 1
    expect(error_line).to_have_class(re.compile("row-error"))
    expect(error_line.locator(".row-errors")).to_be_visible()
    # The reason reads as lines of words next to the line, not a column of syllables.
    assert error_line.locator(".row-errors").bounding_box()["width"] >= 160
    expect(page.locator(".row-error")).to_have_count(1)
    expect(page.locator("input[type=submit][value*='20'], input[type=submit][value*='3']")).to_have_count(0)
    check_page(visit, f"{shots}-2-refused")
    assert not Registration.objects.exists()

    visit.open(f"/{lang}/admin/delegations/import/")
    page.locator("#id_city").select_option(value=str(city.pk))
    page.locator("#id_file").set_input_files(str(good_file))
    page.locator("input[type=submit]").click()
    expect(page.locator("#line-21")).to_be_visible()
    expect(page.locator(".row-error")).to_have_count(0)
    check_page(visit, f"{shots}-3-preview")
    page.locator("form input[type=submit]").click()
    expect(page.locator(".messagelist")).to_be_visible()
    assert Registration.objects.filter(delegation=city, status=Status.CONFIRMED).count() == 20


def test_a_new_organiser_walks_the_back_office(new_page, world, tmp_path):
    event, workshop, city = world["event"], world["workshop"], world["city"]
    visit = new_page("en")
    page = visit.page
    log_in(visit, "en", "new-organiser", PASSWORD, "/en/admin/delegations/import/")

    # 1. The delegation, from Excel.
    import_delegation(visit, "en", city, tmp_path, "journey-en-import")
    expect(page.locator(".messagelist")).to_contain_text("20 people imported as delegates of Berlin")
    visit.open("/en/admin/delegations/")
    expect(page.locator("body")).to_contain_text("Anna Schmidt 19")
    expect(page.locator("body")).to_contain_text("Open data workshop")
    check_page(visit, "journey-en-4-delegations")

    # 2. A reminder to the workshop's attendees, in both languages.
    visit.open(f"/en/admin/registration/registration/?session={workshop.pk}")
    expect(page.locator("#result_list tbody tr")).to_have_count(len(BOOKERS))
    check_page(visit, "journey-en-5-workshop-list")
    page.locator("#action-toggle").check()
    page.locator("select[name=action]").select_option("write_to_these_people")
    page.locator("button[name=index]").click()
    expect(page).to_have_url(re.compile(r"/en/admin/delegations/mailings/\d+/write/$"))
    page.get_by_label("Service message (about their attendance)").check()
    page.locator("#id_subject_ko").fill("워크숍 안내")
    page.locator("#id_body_ko").fill("워크숍은 9시 30분에 시작합니다.")
    page.locator("#id_subject_en").fill("Workshop reminder")
    page.locator("#id_body_en").fill("The workshop starts at 9:30.")
    page.get_by_role("button", name="Preview").click()
    expect(page.locator("#recipient-count")).to_contain_text(f"It goes to {len(BOOKERS)} people")
    expect(page.locator("#mail-html-en")).to_contain_text("The workshop starts at 9:30.")
    expect(page.locator("#mail-html-ko")).to_contain_text("워크숍은 9시 30분에 시작합니다.")
    check_page(visit, "journey-en-6-mail-preview")
    page.get_by_role("button", name=f"Send to {len(BOOKERS)} people").click()
    expect(page.locator(".messagelist")).to_contain_text(f"queued for {len(BOOKERS)} people")

    django_mail.outbox.clear()
    outbox.deliver_due()
    reminders = [m for m in django_mail.outbox if m.subject in {"워크숍 안내", "Workshop reminder"}]
    bookers = Registration.objects.filter(bookings__session=workshop).distinct()
    assert sorted(m.to[0] for m in reminders) == sorted(bookers.values_list("email", flat=True))
    for message in reminders:
        person = bookers.get(email=message.to[0])
        if person.language == "ko":
            assert message.subject == "워크숍 안내"
            assert "워크숍은 9시 30분에 시작합니다." in message.body
            assert "The workshop starts" not in message.body
        else:
            assert message.subject == "Workshop reminder"
            assert "The workshop starts at 9:30." in message.body
            assert "워크숍은" not in message.body
    assert {p.language for p in bookers} == {"ko", "en"}
    assert not OutgoingMail.objects.filter(kind=MailKind.MAILING).exclude(status="sent").exists()

    # 3. The organiser gives a partner a viewer account; the partner sets a password
    # through the link, in another browser, and logs in.
    visit.open("/en/admin/")
    page.get_by_role("link", name="Partners' viewer accounts").click()
    expect(page).to_have_url(re.compile(r"/en/admin/accounts/viewers/$"))
    page.locator("#id_username").fill("partner-seoul")
    page.locator("#id_name").fill("Seoul partner (Digital Policy Division)")
    page.get_by_role("button", name="Give the account").click()
    expect(page.locator("#set-password-link")).to_be_visible()
    link = page.locator("#set-password-link").input_value()
    check_page(visit, "journey-en-7-viewer-account")
    partner_user = get_user_model().objects.get(username="partner-seoul")
    assert partner_user.is_staff
    assert not partner_user.is_superuser
    assert not partner_user.has_usable_password()
    assert list(partner_user.groups.values_list("name", flat=True)) == [roles.VIEWERS]
    visit.open("/en/admin/accounts/viewers/")
    expect(page.locator("#set-password-link")).to_have_count(0)  # shown once

    partner = new_page("en")
    partner_page = partner.page
    partner_page.goto(link)
    expect(partner_page.locator("#content-main")).to_contain_text("Your user name is partner-seoul")
    partner_page.locator("#id_new_password1").fill(PARTNER_PASSWORD)
    partner_page.locator("#id_new_password2").fill(PARTNER_PASSWORD)
    check_page(partner, "journey-en-7-partner-sets-password")
    partner_page.get_by_role("button", name="Set my password").click()
    expect(partner_page.locator("#content-main")).to_contain_text("Your password is set")
    partner_page.goto(link)
    expect(partner_page.locator("#content-main")).to_contain_text("This link does not work")  # once
    log_in(partner, "en", "partner-seoul", PARTNER_PASSWORD, "/en/admin/registration/registration/")
    expect(partner_page.locator("#result_list tbody tr")).to_have_count(20)
    actions = partner_page.locator("select[name=action] option").evaluate_all("os => os.map(o => o.value)")
    assert not [action for action in actions if action.startswith(("export", "print", "write"))]
    partner_page.get_by_role("link", name="Anna Schmidt 1", exact=True).click()
    expect(partner_page.locator(".audit-trail")).to_be_visible()  # she reads the registration and its trail
    expect(partner_page.get_by_role("link", name="Personal data")).to_have_count(0)
    expect(partner_page.get_by_role("link", name="Erase this person")).to_have_count(0)
    expect(partner_page.locator("input[name=_save]")).to_have_count(0)
    check_page(partner, "journey-en-8-partner-registration")
    partner.open("/en/admin/dashboard/")
    expect(partner_page.locator("figure.dashboard-chart svg[role=img]").first).to_be_visible()
    expect(partner_page.locator("a[href*='attendees.csv'], a[href*='attendees.xlsx']")).to_have_count(0)
    check_page(partner, "journey-en-8-partner-dashboard")
    refused = partner_page.goto(f"{partner.base_url}/en/admin/dashboard/attendees.csv")
    assert refused.status == 403
    refused = partner_page.goto(f"{partner.base_url}/en/admin/registration/registration/1/personal-data.json")
    assert refused.status == 403

    # 4. The organiser changes a registration and reads who did it.
    anna = Registration.objects.get(email="delegate1@berlin.example.org")
    visit.open(f"/en/admin/registration/registration/{anna.pk}/change/")
    page.locator("#id_organisation").fill("Berlin Senate Chancellery, Digital Office")
    page.locator("input[name=_continue]").click()
    expect(page.locator(".messagelist")).to_be_visible()
    trail = page.locator(".audit-trail")
    line = trail.locator("tbody tr").filter(has_text="Berlin Senate Chancellery, Digital Office")
    expect(line).to_have_count(1)
    expect(line).to_contain_text("new-organiser")
    expect(line).to_contain_text("Senate Chancellery → Berlin Senate Chancellery, Digital Office")
    # On the phone the trail scrolls in its box, its "before → after" column wide enough to read.
    assert line.locator("td").last.bounding_box()["width"] >= 150
    check_page(visit, "journey-en-9-audit-trail")

    # 5. Her personal data, downloaded; then she is erased.
    page.get_by_role("link", name="Personal data").click()
    expect(page.locator("body")).to_contain_text("delegate1@berlin.example.org")
    check_page(visit, "journey-en-10-personal-data")
    with page.expect_download() as download_info:
        page.locator("a[href$='personal-data.json']").click()
    data = json.loads(Path(download_info.value.path()).read_text(encoding="utf-8"))
    assert "delegate1@berlin.example.org" in json.dumps(data, ensure_ascii=False)

    old_link = f"/en/register/manage/{anna.manage_secret}/"
    assert partner_page.goto(partner.base_url + old_link).status == 200  # her link works until she is erased
    visit.open(f"/en/admin/registration/registration/{anna.pk}/change/")
    page.get_by_role("link", name="Erase this person").click()
    check_page(visit, "journey-en-11-erase")
    page.get_by_role("button", name="Yes, erase this person").click()
    expect(page.locator(".messagelist")).to_contain_text("The person's data was erased")
    anna.refresh_from_db()
    assert anna.anonymised_at is not None
    assert anna.email != "delegate1@berlin.example.org"
    trail_text = page.locator(".audit-trail").inner_text()
    assert "Personal data erased; the erased values are not kept." in trail_text
    assert "delegate1@berlin.example.org" not in page.content()
    assert "Berlin Senate Chancellery, Digital Office" not in trail_text
    check_page(visit, "journey-en-12-erased")
    gone = partner_page.goto(partner.base_url + old_link)
    assert gone.status == 404
    expect(partner_page.locator("h1")).to_have_text("This private link does not work")

    # 6. The dashboard's charts on the phone.
    visit.open("/en/admin/dashboard/")
    charts = page.locator("figure.dashboard-chart svg[role=img]")
    assert charts.count() >= 1
    for chart in charts.all():
        expect(chart).to_be_visible()
        assert chart.bounding_box()["width"] <= PHONE_WIDTH
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE_WIDTH
    check_page(visit, "journey-en-13-dashboard")
    assert event.registrations.count() == 20


def test_the_korean_back_office_import_and_dashboard(new_page, world, tmp_path):
    city = world["city"]
    visit = new_page("ko")
    page = visit.page
    log_in(visit, "ko", "new-organiser", PASSWORD, "/ko/admin/delegations/import/")
    expect(page.locator("html")).to_have_attribute("lang", "ko")

    import_delegation(visit, "ko", city, tmp_path, "journey-ko-import")
    expect(page.locator(".messagelist")).to_contain_text("베를린")

    visit.open("/ko/admin/dashboard/")
    charts = page.locator("figure.dashboard-chart svg[role=img]")
    assert charts.count() >= 1
    for chart in charts.all():
        expect(chart).to_be_visible()
        name = chart.locator("title").text_content()
        assert re.search(r"[\uac00-\ud7a3]", name), f"chart named in English on the Korean page: {name}"
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE_WIDTH
    # The workshop's title reads as words, not a column of syllables.
    title = page.locator("#bookable-sessions").get_by_role("link", name="공공 데이터 워크숍", exact=True)
    assert title.bounding_box()["width"] >= 30  # one syllable a line: about 15
    check_page(visit, "journey-ko-4-dashboard")
