"""WCAG 2.2 AA (KWCAG 2.2) across the site, in a real browser: the public pages, the
registration form, a registration's private pages, the check-in desk and the admin,
in Korean and English, on a phone (390 px) and a laptop (1280 px).

- axe-core with the WCAG 2.0/2.1/2.2 A and AA rules (target-size included) and its
  best practices: no serious or critical violation;
- every focusable element shows a focus indicator (outline or box-shadow) of at
  least 3:1 against the background around it (tests/e2e/focus.js measures it);
- the header menu at 200 % text size (text only) in a 1280 px window wraps instead
  of running off the screen; the phone menu closes with Escape.

Each test tours one part of the site in one browser context and reports every page's
problems at once, so that the whole tour costs one page load per page.
"""

import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.test import Client
from django.utils import translation
from django.utils.translation import gettext
from playwright.sync_api import expect

from registration import roles, services
from registration.models import Registration, Status
from tests.e2e.conftest import PHONE
from tests.e2e.helpers import ARTIFACTS, HANGUL, E2EPage, format_violations, wcag_violations

pytestmark = pytest.mark.e2e

LANGS = ["ko", "en"]
LAPTOP = {"viewport": {"width": 1280, "height": 800}, "device_scale_factor": 1, "is_mobile": False, "has_touch": False}
SCREENS = {"phone": PHONE, "laptop": LAPTOP}
REHEARSAL_DAY = date(2010, 9, 7)  # the desk acts as if today were the second day
MIN_FOCUS_CONTRAST = 3.0
FOCUS_SCRIPT = (Path(__file__).parent / "focus.js").read_text(encoding="utf-8")
# Text nodes with Hangul outside an element marked lang="ko" (the site's own texts;
# people's names and organisations on the private, desk and admin pages are data).
UNMARKED_HANGUL = """() => {
  const hangul = /[\\u1100-\\u11ff\\u3130-\\u318f\\uac00-\\ud7a3]/;
  const found = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const marked = node.parentElement.closest("[lang]");
    if (hangul.test(node.data) && !node.parentElement.closest("script, style")
        && !(marked && marked.lang.toLowerCase().startsWith("ko"))) {
      found.push(node.data.trim().slice(0, 80));
    }
  }
  return found;
}"""
AREAS = ["public", "registration", "private", "desk", "admin"]
# The parts of the site whose focus is measured (the admin's styles are Django's).
FOCUS_AREAS = ["public", "registration", "private", "desk"]
# Moderate in axe-core, required here: all content inside landmarks (the desk's
# rehearsal note), and a heading on every page (the admin's log-in page).
ALSO_BLOCKING = ("region", "page-has-heading-one")


@dataclass(frozen=True)
class Stop:
    """A page of a tour: its address, and optionally what to do there first."""

    path: str
    name: str
    submit: str = ""  # a CSS selector of a button to press first (e.g. to show form errors)
    scan: bool = False  # on the desk: scan the registration's ticket first (shows the Undo button)


def tour(area: str, lang: str, summit, registration: Registration | None) -> list[Stop]:
    """The pages of one part of the site, in `lang`."""
    p = f"/{lang}"
    if area == "public":
        session = summit.sessions.filter(is_published=True, kind__slug="workshop").order_by("starts_at").first()
        return [
            Stop(f"{p}/", "home"),
            Stop(f"{p}/programme/?day=2010-09-08&kind=workshop", "programme"),
            Stop(f"{p}/sessions/{session.slug}/", "session"),
            Stop(f"{p}/speakers/", "speakers"),
            Stop(f"{p}/exhibition/", "exhibition"),
            Stop(f"{p}/cities/", "cities"),
            Stop(f"{p}/about/", "about"),
            Stop(f"{p}/venue/", "venue"),
            Stop(f"{p}/live/", "live"),
        ]
    if area == "registration":
        return [
            Stop(f"{p}/register/", "form"),
            Stop(f"{p}/register/", "form-errors", submit="form.registration-form button[type=submit]"),
            Stop(f"{p}/register/lost/", "lost-link"),
        ]
    if area == "private":
        secret = registration.manage_secret
        return [
            Stop(f"{p}/register/manage/{secret}/", "manage"),
            Stop(f"{p}/register/manage/{secret}/cancel/", "cancel"),
        ]
    if area == "desk":
        return [
            Stop(f"{p}/desk/login/", "login"),
            Stop(f"{p}/desk/", "checkpoints"),
            Stop(f"{p}/desk/checkpoint/entrance-2010-09-07/", "desk"),
            Stop(f"{p}/desk/checkpoint/entrance-2010-09-07/", "desk-checked-in", scan=True),
            Stop(f"{p}/desk/walk-in/?checkpoint=entrance-2010-09-07", "walk-in"),
            Stop(
                f"{p}/desk/walk-in/?checkpoint=entrance-2010-09-07",
                "walk-in-errors",
                submit="#walk-in-form button[type=submit]",
            ),
        ]
    assert area == "admin"
    return [
        Stop(f"{p}/admin/login/", "login"),
        Stop(f"{p}/admin/", "index"),
        Stop(f"{p}/admin/registration/registration/", "registrations"),
        Stop(f"{p}/admin/registration/registration/{registration.pk}/change/", "registration"),
        Stop(f"{p}/admin/dashboard/", "dashboard"),
    ]


@pytest.fixture(autouse=True)
def _rehearsal_and_quiet_mail(settings):
    settings.DESK_REHEARSAL_DAY = REHEARSAL_DAY
    settings.OUTBOX_SEND_ON_COMMIT = False
    settings.REGISTRATION_MIN_FILL_SECONDS = 0
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def open_summit(summit):
    summit.registration_closes_at = None
    summit.save(update_fields=["registration_closes_at"])
    return summit


@pytest.fixture
def registration(open_summit) -> Registration:
    person = {
        "name": "김민준",
        "organisation": "서울특별시 마포구청",
        "category": "citizen",
        "country": "KR",
        "email": "minjun.kim@example.org",
        "language": "ko",
    }
    registration = services.register(event=open_summit, person=person, session_ids=[]).registration
    assert registration.status == Status.CONFIRMED
    return registration


@pytest.fixture
def staff(transactional_db):
    """An organiser (the admin and the desk) and a desk account, as roles makes them."""
    groups = roles.ensure_groups()
    users = {}
    for name, group, is_staff in (("organiser-e2e", roles.ORGANISERS, True), ("desk-e2e", roles.DESK_STAFF, False)):
        user = get_user_model().objects.create_user(name, password="e2e-password-not-used", is_staff=is_staff)
        user.groups.add(groups[group])
        users[group] = user
    return users


def log_in(visit: E2EPage, user) -> None:
    """Give the browser the session cookie of a logged-in `user`."""
    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    visit.page.context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": visit.base_url}])


def visit_stop(visit: E2EPage, stop: Stop, registration: Registration) -> None:
    """Open the stop's page (its load event: no page of the tour loads more later,
    but the desk's script, waited for) and do what the stop says."""
    page = visit.page
    page.goto(visit.base_url + stop.path)
    if page.locator("#desk").count():
        expect(page.locator("#desk")).to_have_attribute("data-ready", "true")
    if stop.scan:
        page.keyboard.type(registration.code)
        page.keyboard.press("Enter")
        expect(page.locator(".desk-undo")).to_be_visible()
    if stop.submit:
        with page.expect_navigation():
            page.locator(stop.submit).first.click()


def focus_problems(visit: E2EPage) -> list[str]:
    """Every focusable element whose focus indicator is below 3:1."""
    visit.page.keyboard.press("Shift")  # from now on focus is shown as for a keyboard user
    rows = visit.page.evaluate(FOCUS_SCRIPT.strip().rstrip(";"))
    assert rows, f"no focusable element on {visit.page.url}"
    return [
        f"{row['element']}: {row['ratio']}:1 ({row['indicators']})"
        + ("" if row["focusVisible"] else " [does not match :focus-visible]")
        for row in rows
        if row["ratio"] < MIN_FOCUS_CONTRAST or not row["focusVisible"]
    ]


@pytest.mark.parametrize("screen", SCREENS)
@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("area", AREAS)
def test_pages_pass_axe_and_show_focus_at_3_to_1(new_page, open_summit, registration, staff, area, lang, screen):
    """On every page of the tour: axe-core's WCAG 2.2 A/AA rules (serious, critical and
    ALSO_BLOCKING), the focus indicator of every focusable element (not on the admin,
    whose styles are Django's), and no unmarked Korean on the English public pages."""
    visit = new_page(lang, **SCREENS[screen])
    problems = []
    focus = []

    for stop in tour(area, lang, open_summit, registration):
        if stop.name == "login":
            visit.page.context.clear_cookies()
        visit_stop(visit, stop, registration)
        violations = wcag_violations(visit.page, also=ALSO_BLOCKING)
        if violations:
            problems.append(f"{stop.path} ({stop.name}):\n{format_violations(violations)}")
        unmarked = visit.page.evaluate(UNMARKED_HANGUL) if lang == "en" and area in ("public", "registration") else []
        if unmarked:
            problems.append(f"{stop.path} ({stop.name}): Korean text not marked lang=ko: {unmarked}")
        faint = focus_problems(visit) if area in FOCUS_AREAS else []
        if faint:
            focus.append(f"{stop.path} ({stop.name}):\n" + "\n".join(f"    {p}" for p in faint))
        if violations or unmarked or faint:
            visit.screenshot(f"a11y-{area}-{stop.name}-{lang}-{screen}")
        if stop.name == "login":
            log_in(visit, staff[roles.ORGANISERS])

    assert not problems, "axe-core (WCAG 2.2 A/AA) and unmarked Korean:\n" + "\n".join(problems)
    assert not focus, f"focus indicators below {MIN_FOCUS_CONTRAST}:1:\n" + "\n".join(focus)


def t(lang: str, message: str, **values) -> str:
    """An interface string as the page in `lang` shows it (Django's own included)."""
    with translation.override(lang):
        text = gettext(message)
    return text % values if values else text


def overflow(page) -> int:
    return page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")


@pytest.mark.parametrize("lang", LANGS)
def test_admin_fits_the_screen_and_speaks_the_page_language(new_page, open_summit, registration, staff, lang):
    phone = new_page(lang)
    log_in(phone, staff[roles.ORGANISERS])
    phone.page.goto(f"{phone.base_url}/{lang}/admin/dashboard/")

    assert overflow(phone.page) <= 0, f"the dashboard is {overflow(phone.page)}px wider than the phone"
    tables = phone.page.locator("table.dashboard-table")
    assert tables.count() >= 4
    for table in tables.all():
        box = table.locator("xpath=..")
        expect(box).to_have_attribute("role", "region")  # named by the table's caption, focusable to scroll
        expect(box).to_have_attribute("tabindex", "0")
        expect(box).to_have_accessible_name(table.locator("caption").inner_text())

    laptop = new_page(lang, **LAPTOP)
    log_in(laptop, staff[roles.ORGANISERS])
    page = laptop.page
    page.goto(f"{laptop.base_url}/{lang}/admin/registration/registration/")

    results = page.locator("#changelist .results")
    cut = results.evaluate("box => box.scrollWidth - box.clientWidth")
    assert cut <= 0, f"at 1280 px the registration list's last {cut}px of columns are cut off"
    name = Registration._meta.verbose_name_plural
    with translation.override(lang):
        name = str(name)
    expect(page.get_by_role("textbox", name=t(lang, "Search %(name)s", name=name), exact=True)).to_be_visible()
    blank = page.locator("select[name=action] option").first.inner_text()
    assert blank == t(lang, "- Select an option -")
    if lang == "ko":
        assert HANGUL.search(blank), f"the action list's first choice is not in Korean: {blank!r}"
    filters = page.locator("#changelist-filter li a").all()
    boxes = [link.bounding_box() for link in filters]
    assert len(boxes) >= 10
    low = [round(box["height"]) for box in boxes if box["height"] < 24]
    assert not low, f"filter links only {low}px high: less than 24px apart"

    page.goto(f"{laptop.base_url}/{lang}/admin/registration/registration/{registration.pk}/change/")
    icons = page.locator('img[src$="/admin/img/icon-yes.svg"], img[src$="/admin/img/icon-no.svg"]')
    expect(icons.first).to_be_visible()
    assert set(icons.evaluate_all("icons => icons.map(icon => icon.alt)")) <= {t(lang, "Yes"), t(lang, "No")}
    consents = page.locator("#consents-group")
    expect(consents).to_contain_text(t(lang, "on the registration form"))

    page.context.clear_cookies()
    page.goto(f"{laptop.base_url}/{lang}/admin/login/")
    expect(page.get_by_role("heading", level=1)).to_have_text(t(lang, "Log in"))


@pytest.mark.parametrize("lang", LANGS)
def test_header_menu_wraps_at_200_percent_text_in_a_1280_px_window(new_page, summit, lang):
    visit = new_page(lang, **LAPTOP)
    page = visit.page
    # Text-only zoom, as the browser's font-size setting does it (page zoom would narrow the window).
    page.context.new_cdp_session(page).send("Page.setFontSizes", {"fontSizes": {"standard": 32, "fixed": 26}})
    page.goto(f"{visit.base_url}/{lang}/programme/")
    assert page.evaluate("parseFloat(getComputedStyle(document.documentElement).fontSize)") == 32

    header = page.locator(".site-header")
    items = header.locator("a, button").filter(visible=True).all()
    assert len(items) >= 9  # brand, the seven sections, Register (and the language)
    width = page.evaluate("document.documentElement.clientWidth")
    off = [
        item.inner_text().strip() or item.get_attribute("class")
        for item in items
        if item.bounding_box()["x"] + item.bounding_box()["width"] > width + 0.5
    ]
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(
        path=ARTIFACTS / f"a11y-header-200-percent-{lang}.png"
    )  # the window (a full page loses the text size)
    assert off == [], f"at 200 % text the header runs off the screen: {off}"
    assert overflow(page) <= 0, f"at 200 % text the page is {overflow(page)}px wider than the window"


def test_phone_menu_closes_with_escape_and_gives_focus_back_to_its_button(new_page, summit):
    visit = new_page("en")
    page = visit.page
    page.goto(f"{visit.base_url}/en/")
    toggler = page.get_by_role("button", name="Menu")
    menu = page.locator("#site-nav")

    toggler.click()
    expect(menu).to_have_class(re.compile(r"\bshow\b"))  # opened (Bootstrap's slide is over)
    expect(toggler).to_have_attribute("aria-expanded", "true")
    menu.get_by_role("link", name="Speakers", exact=True).focus()  # the menu's, not the archive's
    page.keyboard.press("Escape")

    expect(menu).to_be_hidden()
    expect(toggler).to_have_attribute("aria-expanded", "false")
    expect(toggler).to_be_focused()
