"""The organisers' dashboard on a phone (390 px): its charts and check-in list
links fit the screen (no sideways scrolling of the page: wide tables scroll in
their own box), the charts are images with a name, and the numbers open under
them. A screenshot lands in test-artifacts/e2e/ for people to look at."""

from datetime import UTC, datetime

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from registration import roles
from registration.models import CheckIn, Registration
from tests.e2e.helpers import assert_no_browser_errors, assert_only_local_requests, format_violations, wcag_violations
from tests.e2e.test_accessibility import log_in
from tests.factories import EventFactory, SessionFactory, seoul
from tests.registration.desk_world import entrance
from tests.registration.test_dashboard import register

pytestmark = pytest.mark.e2e

PHONE_WIDTH = 390
# Elements sticking out of the page on the right (to say what is too wide).
WIDER_THAN_THE_PAGE = """() => [...document.querySelectorAll("body *")]
  .filter(e => !e.closest(".dashboard-scroll"))
  .filter(e => e.getBoundingClientRect().right > document.documentElement.clientWidth + 0.5)
  .slice(0, 8).map(e => e.tagName + "." + e.className + " " + Math.round(e.getBoundingClientRect().right))"""


@pytest.fixture
def busy_event(transactional_db):
    """Thirty registrations over three weeks and a morning of check-ins."""
    event = EventFactory(slug="wego-2010", registration_opens_at=None, registration_closes_at=None)
    SessionFactory(event=event, slug="forum", starts_at=seoul(2010, 9, 6, 10), ends_at=seoul(2010, 9, 6, 17))
    door = entrance(event, 6)
    for i in range(30):
        person = register(event, name=f"참가자 {i}", organisation="서울특별시 정보화기획단 전자정부 국제협력팀")
        Registration.objects.filter(pk=person.pk).update(created_at=datetime(2010, 8, 10 + i % 21, 3, 0, tzinfo=UTC))
        moment = seoul(2010, 9, 6, 8 + i % 6, 10)
        CheckIn.objects.create(registration=person, checkpoint=door, day=door.day, checked_in_at=moment)
    return event


@pytest.fixture
def organiser_user(transactional_db):
    user = get_user_model().objects.create_user("organiser-e2e", password="not-used", is_staff=True)
    user.groups.add(roles.ensure_groups()[roles.ORGANISERS])
    return user


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_the_dashboard_fits_a_phone_with_its_charts(new_page, busy_event, organiser_user, lang):
    visit = new_page(lang)
    log_in(visit, organiser_user)
    visit.open(f"/{lang}/admin/dashboard/")
    page = visit.page

    wide = page.evaluate(WIDER_THAN_THE_PAGE)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE_WIDTH, wide
    charts = page.locator("figure.dashboard-chart svg[role=img]")
    expect(charts).to_have_count(2)  # registrations per day; check-ins on the first day
    for chart in charts.all():
        expect(chart).to_be_visible()
        assert chart.bounding_box()["width"] <= PHONE_WIDTH
        assert chart.locator("rect").count() > 0
        expect(chart).to_have_accessible_name(chart.locator("title").text_content())
    for summary in page.locator("figure.dashboard-chart summary").all():
        summary.click()
    expect(page.locator("figure.dashboard-chart table").first).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE_WIDTH  # the numbers open: still fits
    expect(page.locator('a[href*="/admin/dashboard/checkins.csv?day=2010-09-06"]').first).to_be_attached()
    visit.screenshot(f"dashboard-phone-{lang}")
    violations = wcag_violations(page)
    assert not violations, format_violations(violations)
    assert_only_local_requests(visit.requests, visit.base_url)
    assert_no_browser_errors(visit)
