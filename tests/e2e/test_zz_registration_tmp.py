import re
import pytest
from playwright.sync_api import expect
from events.models import Event, Session
from registration.models import Registration, Status
from tests.e2e.helpers import assert_accessible, assert_no_browser_errors, assert_only_local_requests, ARTIFACTS

pytestmark = pytest.mark.e2e


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_registration_journey(summit, new_page, settings, lang):
    settings.REGISTRATION_MIN_FILL_SECONDS = 0
    Event.objects.filter(pk=summit.pk).update(registration_opens_at=None, registration_closes_at=None)
    visit = new_page(lang)
    visit.open(f"/{lang}/register/")
    visit.screenshot(f"reg-form-{lang}")
    assert_accessible(visit.page)
    # empty submit -> errors, summary focused
    visit.page.get_by_role("button", name=re.compile("Register|등록")).last.click()
    visit.page.wait_for_load_state("networkidle")
    visit.screenshot(f"reg-errors-{lang}")
    assert visit.page.evaluate("document.activeElement.id") == "error-summary"
    assert_accessible(visit.page)
    # delegates-only hidden for citizens
    delegate_boxes = visit.page.locator("input[data-delegates-only]")
    print("delegate-only sessions:", delegate_boxes.count())
    page = visit.page
    page.fill("#id_name", "김민준")
    page.fill("#id_email", f"minjun-{lang}@example.org")
    page.check("#id_category_0")
    if delegate_boxes.count():
        assert not delegate_boxes.first.is_visible()
        page.check("#id_category_4")
        assert delegate_boxes.first.is_visible()
        page.check("#id_category_0")
    page.select_option("#id_country", "KR")
    page.fill("#id_city", "서울")
    page.fill("#id_phone", "010-1234-5678")
    workshop = Session.objects.filter(event=summit, kind__slug="workshop", booking_required=True).order_by("pk").first()
    page.check(f"input[name=sessions][value='{workshop.pk}']")
    page.check("#id_privacy_consent")
    page.get_by_role("button", name=re.compile("^(Register|등록)")).last.click()
    page.wait_for_load_state("networkidle")
    visit.screenshot(f"reg-sent-{lang}")
    assert "/register/sent/" in page.url, page.url
    assert_accessible(page)
    reg = Registration.objects.get(email=f"minjun-{lang}@example.org")
    visit.open(f"/{lang}/register/manage/{reg.manage_secret}/")
    visit.screenshot(f"reg-manage-{lang}")
    assert_accessible(page)
    expect(page.locator("svg.ticket-qr")).to_be_visible()
    box = page.locator("svg.ticket-qr").bounding_box()
    print("qr box", box)
    other = Session.objects.filter(event=summit, kind__slug="workshop", booking_required=True).order_by("pk")[1]
    page.uncheck(f"input[name='sessions-sessions'][value='{workshop.pk}']")
    page.check(f"input[name='sessions-sessions'][value='{other.pk}']")
    page.get_by_role("button", name=re.compile("Save my sessions|")).first
    page.locator("form[action$='/sessions/'] button[type=submit]").click()
    page.wait_for_load_state("networkidle")
    assert list(reg.bookings.filter(status="confirmed").values_list("session_id", flat=True)) == [other.pk]
    page.locator(f"a[href$='/cancel/']").click()
    page.wait_for_load_state("networkidle")
    visit.screenshot(f"reg-cancel-{lang}")
    assert_accessible(page)
    page.locator("form[action$='/cancel/'] button[type=submit]").click()
    page.wait_for_load_state("networkidle")
    reg.refresh_from_db()
    assert reg.status == Status.CANCELLED
    visit.screenshot(f"reg-cancelled-{lang}")
    visit.open(f"/{lang}/register/lost/")
    assert_accessible(page)
    assert_no_browser_errors(visit)
    assert_only_local_requests(visit.requests, visit.base_url)
