"""The desk in a real browser while the database is busy (PostgreSQL): a scan
behind a held row lock and a search that cannot finish in time show staff the
server's translated "busy, try again" message, and the desk works again as soon
as the lock is gone. A screenshot of the busy answer lands in test-artifacts/e2e/."""

import pytest
from playwright.sync_api import expect

from registration.models import CheckIn, Registration
from tests.e2e import test_desk_journey as journey
from tests.e2e.test_desk_journey import LAPTOP, choose_todays_entrance, desk_input, expect_answer, log_in, scan, t
from tests.registration.test_busy import BUSY_JSON, LockHolder

LANG = "ko"

# The desk journey's world: its clock (7 September 2010), desk account and registered people.
_on_7_september = journey._on_7_september
_no_mail_and_fresh_throttles = journey._no_mail_and_fresh_throttles
desk_staff = journey.desk_staff
people = journey.people


@pytest.fixture
def holder(requires_postgres):
    lock_holder = LockHolder()
    yield lock_holder
    lock_holder.close()


def test_desk_shows_the_busy_message_and_works_again_after_the_lock(new_page, summit, desk_staff, people, holder):
    visit = new_page(LANG, **LAPTOP)
    page = visit.page
    log_in(visit, LANG, "desk-busy", axe=False)
    choose_todays_entrance(visit, LANG, "desk-busy", summit.checkpoints.get(slug="entrance-2010-09-07"), axe=False)
    field = desk_input(page, LANG)
    jiwoo = people["최지우"]

    # A scan while another transaction holds the registration's row: the answer
    # comes after the lock timeout (3 s), says busy, and nothing is recorded.
    holder.lock_row(Registration, jiwoo.pk)
    scan(page, jiwoo.ticket_secret)
    expect(page.locator("#desk-result-title")).to_have_text(t(LANG, BUSY_JSON), timeout=10_000)
    expect(page.locator("#desk-result")).to_have_class("desk-result is-problem")
    visit.screenshot("desk-busy-ko")
    assert not CheckIn.objects.exists()

    holder.release()
    scan(page, jiwoo.ticket_secret)
    expect_answer(page, "ok", t(LANG, "Checked in"), jiwoo.name)
    assert CheckIn.objects.get().registration == jiwoo

    # A name search while nobody may read the registrations.
    holder.lock_table(Registration)
    expect(field).to_be_focused()
    page.keyboard.type("민준")
    expect(page.locator("#desk-matches-status")).to_have_text(t(LANG, BUSY_JSON), timeout=10_000)
