"""The venue Wi-Fi drops in the middle of the queue (docs/desk.md, "When the
network drops"), in a real browser on 7 September 2010.

A desk opens today's entrance (it fetches the entrance's list and its service
worker keeps the page), then loses the network: it says it is offline in words,
looks the scanned tickets up on the device (green "queued", red "not on the
list"), survives a reload (the page comes from the service worker, the queue
and the list from the device's storage), and when the network returns sends the
queue by itself and lists what was accepted. A second desk at the same entrance,
in another browser, counts the three check-ins.
"""

import re
import time

import pytest
from playwright.sync_api import Page, expect

from registration.models import CheckIn
from tests.e2e import test_desk_journey as journey
from tests.e2e.test_desk_journey import (
    SCREENS,
    check_page,
    choose_todays_entrance,
    counter,
    desk_input,
    expect_answer,
    log_in,
    scan,
    t,
)

API = re.compile(r".*/desk/api/.*")

# The desk journey's world: its clock (7 September 2010), desk account and registered people.
_on_7_september = journey._on_7_september
_no_mail_and_fresh_throttles = journey._no_mail_and_fresh_throttles
desk_staff = journey.desk_staff
people = journey.people

ENTRANCE = journey.ENTRANCE


def wait_until(page: Page, script: str, what: str, seconds: float = 10) -> None:
    """Poll an async script in the page until it answers true."""
    deadline = time.monotonic() + seconds
    while not page.evaluate(script):
        assert time.monotonic() < deadline, f"gave up waiting for {what}"
        time.sleep(0.1)


def open_desk(new_page, lang: str, shots: str, summit, screen: str = "laptop"):
    visit = new_page(lang, **SCREENS[screen])
    log_in(visit, lang, shots, axe=False)
    choose_todays_entrance(visit, lang, shots, summit.checkpoints.get(slug=ENTRANCE), axe=False)
    return visit


def banner(page: Page):
    return page.locator("#desk-offline")


@pytest.mark.parametrize(("lang", "screen"), [("ko", "phone"), ("en", "laptop")])
def test_desk_keeps_scanning_offline_and_sends_the_queue_when_back(new_page, summit, desk_staff, people, lang, screen):
    jiwoo, minjun, josefine = people["최지우"], people["김민준"], people["Josefine Berg"]
    visit = open_desk(new_page, lang, f"desk-offline-{lang}", summit, screen)
    page = visit.page
    # The list for today's entrance, on the device; the page, kept by the service worker.
    wait_until(page, "() => !!localStorage.getItem('wegov.desk.offline-list')", "the offline list")
    stored = page.evaluate("JSON.parse(localStorage.getItem('wegov.desk.offline-list'))")
    assert (stored["checkpoint"], len(stored["people"])) == (ENTRANCE, len(journey.PEOPLE))
    assert all(len(person) == 3 for person in stored["people"])  # name, code, digest: nothing else
    assert jiwoo.ticket_secret not in str(stored)
    wait_until(page, "async () => !!(await caches.match(location.pathname))", "the service worker's copy of the page")
    other = open_desk(new_page, "en", f"desk-offline-{lang}-other", summit)
    expect(counter(other.page, "entered_today")).to_have_text("0")

    # The Wi-Fi drops.
    page.context.set_offline(True)
    # Chromium's offline mode may not cover a request the service worker lets through
    # to the network: the desk's API is cut here too, as a real outage would.
    page.context.route(API, lambda route: route.abort("internetdisconnected"))
    scan(page, jiwoo.ticket_secret)
    expect_answer(page, "ok", t(lang, "Queued — will be sent"), jiwoo.name)
    expect(banner(page)).to_be_visible()
    expect(banner(page)).to_contain_text(t(lang, "Offline"))
    expect(banner(page)).to_contain_text(t(lang, "Waiting to be sent: %(count)s.") % {"count": 1})
    scan(page, "NotOnTheListAtAll_0123456789abc")
    expect_answer(page, "refused", t(lang, "Not on the list"))
    code = minjun.code.lower()
    scan(page, f"{code[:4]}-{code[4:]}")  # the printed code, typed
    expect_answer(page, "ok", t(lang, "Queued — will be sent"), minjun.name)
    check_page(visit, f"desk-offline-{lang}-queued")
    assert not CheckIn.objects.exists()

    # A reload without the network: the page from the service worker, the queue kept.
    response = page.reload()
    assert response.from_service_worker
    expect(page.locator("#desk")).to_have_attribute("data-ready", "true")
    expect(banner(page)).to_contain_text(t(lang, "Waiting to be sent: %(count)s.") % {"count": 2})
    expect(desk_input(page, lang)).to_be_focused()
    scan(page, josefine.ticket_secret)
    expect_answer(page, "ok", t(lang, "Queued — will be sent"), josefine.name)
    scan(page, josefine.ticket_secret)
    expect_answer(page, "already", t(lang, "Already queued on this device"), josefine.name)
    assert not CheckIn.objects.exists()

    # The network returns: the queue goes by itself, and the desk lists the answers.
    page.context.unroute(API)
    page.context.set_offline(False)
    sent = page.locator("#desk-sent-list li")
    expect(sent).to_have_count(3, timeout=15_000)
    for person in (jiwoo, minjun, josefine):
        expect(sent.filter(has_text=person.name)).to_contain_text(t(lang, "Checked in"))
    expect(banner(page)).to_be_hidden()
    expect(counter(page, "entered_today")).to_have_text("3", timeout=10_000)
    check_page(visit, f"desk-offline-{lang}-sent")
    rows = CheckIn.objects.filter(checkpoint__slug=ENTRANCE, undone_at__isnull=True)
    assert {row.registration_id for row in rows} == {jiwoo.pk, minjun.pk, josefine.pk}
    assert all(row.client_scan_id is not None and row.checked_in_by == desk_staff for row in rows)
    assert page.evaluate("localStorage.getItem('wegov.desk.queue')") == "[]"

    # The other desk at the entrance counts them (its counters refresh by themselves).
    expect(counter(other.page, "entered_today")).to_have_text("3", timeout=15_000)
    expect(counter(other.page, "here_today")).to_have_text("3")


def test_log_out_empties_what_the_desk_kept_on_the_device(new_page, summit, desk_staff, people):
    visit = open_desk(new_page, "en", "desk-offline-logout", summit)
    page = visit.page
    wait_until(page, "() => !!localStorage.getItem('wegov.desk.offline-list')", "the offline list")
    wait_until(page, "async () => !!(await caches.match(location.pathname))", "the service worker's copy of the page")

    page.get_by_role("button", name=re.compile(t("en", "Log out"))).click()

    expect(page).to_have_url(re.compile(r"/en/desk/login/"))
    assert page.evaluate("localStorage.getItem('wegov.desk.offline-list')") is None
    assert page.evaluate("async () => (await caches.keys()).filter(k => k.startsWith('wegov-desk:')).length") == 0
    assert page.evaluate("async () => (await navigator.serviceWorker.getRegistrations()).length") == 0
