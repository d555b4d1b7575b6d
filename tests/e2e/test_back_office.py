"""The back office in a browser, on a phone-sized screen: an organiser imports a
delegation list (upload, preview, confirm), then writes to that delegation
from the registrations list (write, preview in both languages, send). Every
page of the back office is error-free (no Content-Security-Policy refusal: the
mail preview's frame included), no wider than the screen, and accessible."""

import re

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from registration import roles
from registration.delegations.models import Mailing, MailingStatus
from registration.models import MailKind, OutgoingMail, Registration, Status
from tests.e2e.helpers import assert_accessible, assert_no_browser_errors
from tests.factories import EventFactory, ParticipatingCityFactory

pytestmark = [pytest.mark.django_db(transaction=True)]

PASSWORD = "back-office-e2e-2010"
CSV = (
    "name,email,organisation,job_title,country,city,phone,language,category,needs,sessions\n"
    "Anna Schmidt,anna@berlin.example.org,Senate Chancellery,Director,DE,Berlin,,en,,,\n"
    "김민준,minjun@berlin.example.org,Senate Chancellery,Adviser,KR,Berlin,,ko,,Vegetarian meal,\n"
)


def check_page(visit, name: str) -> None:
    page = visit.page
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, f"{page.url} is {overflow}px wider than the screen"
    visit.screenshot(name)
    assert_accessible(page)
    assert_no_browser_errors(visit)


def test_import_a_delegation_then_write_to_it(new_page, tmp_path, settings):
    settings.OUTBOX_SEND_ON_COMMIT = False
    event = EventFactory(slug="wego-2010", name_en="WeGO General Assembly", capacity=100)
    city = ParticipatingCityFactory(event=event, name_en="Berlin", name_ko="베를린")
    user = get_user_model().objects.create_user("organiser-e2e", password=PASSWORD, is_staff=True)
    user.groups.add(roles.ensure_groups()[roles.ORGANISERS])
    file = tmp_path / "berlin.csv"
    file.write_text(CSV, encoding="utf-8-sig")

    visit = new_page("en")
    page = visit.page
    visit.open("/en/admin/login/?next=/en/admin/delegations/import/")
    page.locator("#id_username").fill("organiser-e2e")
    page.locator("#id_password").fill(PASSWORD)
    page.locator("#id_password").press("Enter")
    expect(page).to_have_url(re.compile(r"/en/admin/delegations/import/$"))

    page.get_by_label("Delegation (participating city)").select_option(value=str(city.pk))
    page.get_by_label("Delegation list (.xlsx or .csv)").set_input_files(str(file))
    check_page(visit, "back-office-1-upload")
    page.get_by_role("button", name="Upload and check").click()

    expect(page.get_by_role("table")).to_contain_text("Vegetarian meal")
    check_page(visit, "back-office-2-preview")
    page.get_by_role("button", name="Import 2 people").click()
    expect(page.locator(".messagelist")).to_contain_text("2 people imported as delegates of Berlin")
    assert set(Registration.objects.values_list("status", "delegation")) == {(Status.CONFIRMED, city.pk)}

    visit.open(f"/en/admin/registration/registration/?delegation__id__exact={city.pk}")
    page.locator("#action-toggle").check()
    page.locator("select[name=action]").select_option("write_to_these_people")
    page.locator("button[name=index]").click()
    expect(page).to_have_url(re.compile(r"/en/admin/delegations/mailings/\d+/write/$"))
    check_page(visit, "back-office-3-write")
    page.get_by_label("Service message (about their attendance)").check()
    page.locator("#id_subject_ko").fill("셔틀버스 안내")
    page.locator("#id_body_ko").fill("셔틀버스는 8시에 출발합니다.")
    page.locator("#id_subject_en").fill("Shuttle bus")
    page.locator("#id_body_en").fill("The shuttle leaves at 8:00.\n<Lobby>")
    page.get_by_role("button", name="Preview").click()

    expect(page.locator("#recipient-count")).to_contain_text("It goes to 2 people")
    english = page.locator("#mail-html-en")
    expect(english).to_contain_text("The shuttle leaves at 8:00.")
    expect(english).to_contain_text("<Lobby>")
    expect(page.locator("#mail-html-ko")).to_contain_text("셔틀버스는 8시에 출발합니다.")
    check_page(visit, "back-office-4-preview")
    page.get_by_role("button", name="Send to 2 people").click()

    expect(page.locator(".messagelist")).to_contain_text("queued for 2 people")
    mailing = Mailing.objects.get()
    assert mailing.status == MailingStatus.SENT
    languages = OutgoingMail.objects.filter(kind=MailKind.MAILING).values_list("language", flat=True)
    assert sorted(languages) == ["en", "ko"]
