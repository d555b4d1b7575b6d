"""What a visitor sees first, in a real browser on a phone, in Korean and in English:
the home page and the programme with the four workshop sessions of 8 September."""

import re
from datetime import date

import pytest
from playwright.sync_api import expect

from events.models import Event, Session
from tests.e2e.helpers import (
    HANGUL,
    E2EPage,
    assert_no_browser_errors,
    assert_only_local_requests,
    find_day_tab,
    tab_names,
)

pytestmark = pytest.mark.e2e

LANGS = ["ko", "en"]
PAGES = [pytest.param("", id="home"), pytest.param("programme/", id="programme")]
WORKSHOP_DAY = date(2010, 9, 8)
# The four workshop sessions of the record, as their English titles name them.
WORKSHOP_TOPICS = {
    "U-City": r"u-?city",
    "GIS": r"\bgis\b",
    "UN e-Government network": r"\bun\b|united nations",
    "CCL": r"\bccl\b|creative commons",
}


def translated(obj, field: str, lang: str) -> str:
    """What the page shows for a translated field: its own language, else the other."""
    other = "en" if lang == "ko" else "ko"
    return getattr(obj, f"{field}_{lang}") or getattr(obj, f"{field}_{other}") or ""


def squeeze(text: str) -> str:
    return " ".join(text.split()).casefold()


def workshops(event: Event) -> list[Session]:
    return list(Session.objects.filter(event=event, kind__slug="workshop", is_published=True).order_by("starts_at"))


def open_programme_on(visit: E2EPage, lang: str, day: date) -> None:
    """Open the programme and choose the day's tab, as a visitor would."""
    visit.open(f"/{lang}/programme/")
    tab = find_day_tab(visit.page, day, lang)
    assert tab is not None, f"no tab for {day} on {visit.page.url}; tabs and links: {tab_names(visit.page)}"
    tab.click()
    visit.page.wait_for_load_state("networkidle")


def open_page(visit: E2EPage, lang: str, path: str) -> None:
    if path == "programme/":
        open_programme_on(visit, lang, WORKSHOP_DAY)
    else:
        visit.open(f"/{lang}/{path}")


def visible_titles(visit: E2EPage, sessions: list[Session], lang: str):
    """The element showing each session's title, asserted visible."""
    found = []
    for session in sessions:
        title = translated(session, "title", lang)
        locator = visit.page.get_by_text(title, exact=False).filter(visible=True).first
        expect(locator, f"workshop {title!r} is not visible on {visit.page.url}").to_be_visible()
        found.append(locator)
    return found


def overlaps_vertically(a: dict, b: dict) -> bool:
    return a["y"] < b["y"] + b["height"] and b["y"] < a["y"] + a["height"]


def test_summit_has_the_four_workshops_on_8_september(summit):
    sessions = workshops(summit)

    assert [s.local_day() for s in sessions] == [WORKSHOP_DAY] * 4
    titles = " | ".join(s.title_en for s in sessions)
    missing = [topic for topic, pattern in WORKSHOP_TOPICS.items() if not re.search(pattern, titles, re.IGNORECASE)]
    assert not missing, f"workshop titles {titles!r} do not name {missing}"


@pytest.mark.parametrize("lang", LANGS)
def test_home_shows_the_event_in_the_chosen_language(new_page, summit, lang):
    visit = new_page(lang)

    response = visit.open(f"/{lang}/")

    assert response.status == 200
    expect(visit.page.locator("html")).to_have_attribute("lang", re.compile(rf"^{lang}\b", re.IGNORECASE))
    visit.screenshot(f"home-{lang}")
    text = squeeze(visit.text())
    names = [translated(summit, "name", lang), translated(summit, "short_name", lang)]
    assert any(name and squeeze(name) in text for name in names), f"none of {names} on the {lang} home page"
    for field in ("theme", "venue_name"):
        value = translated(summit, field, lang)
        assert squeeze(value) in text, f"{field} {value!r} not on the {lang} home page"
    register = visit.page.get_by_role("link", name=re.compile(r"regist|등록|신청", re.IGNORECASE))
    expect(register.filter(visible=True).first).to_be_visible()


@pytest.mark.parametrize("lang", LANGS)
def test_programme_shows_the_four_workshops_stacked_on_a_phone(new_page, summit, lang):
    visit = new_page(lang)
    sessions = workshops(summit)

    open_programme_on(visit, lang, WORKSHOP_DAY)

    heading = visit.page.get_by_role("heading", level=1).first.inner_text()
    in_korean = HANGUL.search(heading) is not None
    assert in_korean == (lang == "ko"), f"the programme's heading {heading!r} is not in {lang}"
    titles = visible_titles(visit, sessions, lang)
    visit.screenshot(f"programme-{lang}-{WORKSHOP_DAY}")
    boxes = [t.bounding_box() for t in titles]
    assert not any(overlaps_vertically(a, b) for i, a in enumerate(boxes) for b in boxes[i + 1 :]), (
        "the parallel workshops sit side by side on a phone instead of stacked"
    )


def test_programme_shows_parallel_workshops_side_by_side_on_a_wide_screen(new_page, summit):
    visit = new_page(
        "en", viewport={"width": 1280, "height": 900}, device_scale_factor=1, is_mobile=False, has_touch=False
    )
    sessions = workshops(summit)

    open_programme_on(visit, "en", WORKSHOP_DAY)

    boxes = [t.bounding_box() for t in visible_titles(visit, sessions, "en")]
    visit.screenshot(f"programme-en-{WORKSHOP_DAY}-wide")
    assert any(overlaps_vertically(a, b) for i, a in enumerate(boxes) for b in boxes[i + 1 :]), (
        "the parallel workshops are stacked on a wide screen"
    )


@pytest.mark.parametrize("path", PAGES)
@pytest.mark.parametrize("lang", LANGS)
def test_public_page_loads_nothing_from_another_host(new_page, summit, lang, path):
    # With the Content-Security-Policy on, the browser drops a request to another
    # host before making it; bypassing it here shows what the page asks for.
    visit = new_page(lang, bypass_csp=True)

    open_page(visit, lang, path)
    visit.page.evaluate("window.scrollTo(0, document.body.scrollHeight)")
    visit.page.wait_for_load_state("networkidle")

    assert_only_local_requests(visit.requests, visit.base_url)


@pytest.mark.parametrize("path", PAGES)
@pytest.mark.parametrize("lang", LANGS)
def test_public_page_runs_without_server_script_or_policy_errors(new_page, summit, lang, path):
    visit = new_page(lang)

    open_page(visit, lang, path)
    visit.page.evaluate("window.scrollTo(0, document.body.scrollHeight)")
    visit.page.wait_for_load_state("networkidle")

    assert_no_browser_errors(visit)


def test_language_switch_shows_the_same_page_in_english(new_page, summit):
    visit = new_page("ko")
    visit.open("/ko/programme/")
    page = visit.page
    switch = page.get_by_role("link", name="English", exact=True).or_(
        page.get_by_role("button", name="English", exact=True)
    )
    if not switch.filter(visible=True).count():  # on a phone it may sit in the collapsed menu
        page.locator(".navbar-toggler").filter(visible=True).first.click()

    switch.filter(visible=True).first.click()

    expect(page).to_have_url(re.compile(r"/en/programme/$"))
    expect(page.locator("html")).to_have_attribute("lang", re.compile(r"^en\b", re.IGNORECASE))
