"""A new member of the venue staff works the check-in desk in a real browser, in
Korean and in English, on a phone and on a laptop, on 7 September 2010 (the
server's clock is moved there; the entrance of the 7th is "today").

They log in with a desk account, pick today's entrance (the device remembers
it), check people in with a USB scanner (green, then orange for a second scan,
red for an unknown code; the answer clears itself), find people by a part of a
Hangul or an accent-free Latin name and pick them with the arrow keys, undo a
mistaken check-in, watch the counters move (also for a check-in made at another
device), mute the sound (remembered), and register a walk-in: the duplicate hint
first, then the new registration, checked in with this device's name, and its
badge as a PDF. A separate test reads a real ticket's QR code with the camera
(Chromium's fake camera playing a video made from the QR code).

Throughout: nothing loaded from another host, no server, script or
Content-Security-Policy error, no serious axe-core violation, no page wider than
the screen, and screenshots under test-artifacts/e2e/ for people to look at.

The desk's timers (the answer clears after 6 or 12 seconds, the counters are
polled every 5 seconds) run on Playwright's clock, which the test moves forward
instead of waiting.
"""

import io
import re
import time
from pathlib import Path

import pytest
import segno
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.utils import translation
from django.utils.translation import gettext
from PIL import Image
from playwright.sync_api import Page, expect
from pypdf import PdfReader

from registration import checkin as checkins
from registration import roles, services
from registration.checkin import REASONS
from registration.desk.forms import WalkInForm
from registration.models import CheckIn, Checkpoint, Registration, Status
from tests.e2e.conftest import CHROMIUM, CHROMIUM_ARGS, LOCALES, PHONE, e2e_required
from tests.e2e.helpers import (
    E2EPage,
    assert_accessible,
    assert_no_browser_errors,
    assert_only_local_requests,
)
from tests.factories import seoul

LANGS = ["ko", "en"]
LAPTOP = {"viewport": {"width": 1366, "height": 768}, "device_scale_factor": 1, "is_mobile": False, "has_touch": False}
SCREENS = {"phone": PHONE, "laptop": LAPTOP}
TODAY = seoul(2010, 9, 7, 10, 0)  # the second day: citizens are admitted
ENTRANCE = "entrance-2010-09-07"
USERNAME = "desk-e2e"
PASSWORD = "desk-e2e-password"
DEVICE = {"ko": "입구 태블릿 A", "en": "Entrance tablet A"}
# Who is registered before the doors open (all with a place): name, organisation, category, country.
PEOPLE = [
    ("최지우", "서울특별시청", "citizen", "KR"),
    ("김민준", "서울특별시 마포구청", "citizen", "KR"),
    ("박민준", "부산광역시청", "delegate", "KR"),
    ("José Müller", "Stadt Köln", "delegate", "DE"),
    ("Josefine Berg", "Stockholms stad", "delegate", "SE"),
    ("이지은", "", "citizen", "KR"),
    ("박서연", "종로구청", "citizen", "KR"),
]
WALK_IN = {"name": "박서연", "organisation": "성북구 주민자치회"}


@pytest.fixture(autouse=True)
def _on_7_september(time_machine):
    """The server's clock on the second day (time-machine patches every thread's
    clock, the live server's too); it keeps running."""
    time_machine.move_to(TODAY, tick=True)


@pytest.fixture(autouse=True)
def _no_mail_and_fresh_throttles(settings):
    settings.OUTBOX_SEND_ON_COMMIT = False
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def desk_staff(transactional_db):
    """A new desk account, in the "Desk staff" group as an organiser makes it."""
    user = get_user_model().objects.create_user(USERNAME, password=PASSWORD)
    user.groups.add(roles.ensure_groups()[roles.DESK_STAFF])
    assert user.has_perm("registration.use_desk")
    assert not user.is_staff  # no admin
    return user


@pytest.fixture
def people(summit) -> dict[str, Registration]:
    registered = {}
    for number, (name, organisation, category, country) in enumerate(PEOPLE):
        person = {
            "name": name,
            "organisation": organisation,
            "category": category,
            "country": country,
            "email": f"person{number}@example.org",
            "language": "ko" if country == "KR" else "en",
        }
        registration = services.register(event=summit, person=person, session_ids=[], walk_in=True).registration
        if registration.status == Status.PENDING:  # delegates: an organiser approves them
            registration = services.approve(registration=registration)
        assert registration.status == Status.CONFIRMED
        registered[name] = registration
    return registered


def t(lang: str, message: str) -> str:
    """An interface string as the page in `lang` shows it."""
    with translation.override(lang):
        return gettext(message)


def in_lang(lang: str, value) -> str:
    with translation.override(lang):
        return str(value)


def check_page(visit: E2EPage, name: str, *, axe: bool = True) -> None:
    """What every desk page must be: error-free, no wider than the screen,
    accessible; and a screenshot for people to look at."""
    page = visit.page
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, f"{page.url} is {overflow}px wider than the screen"
    visit.screenshot(name)
    if axe:
        assert_accessible(page)
    assert_no_browser_errors(visit)


def desk_input(page: Page, lang: str):
    return page.get_by_role("combobox", name=t(lang, "Scan a ticket, or type a code, name, e-mail or organisation"))


def result(page: Page):
    return page.locator("#desk-result")


def counter(page: Page, name: str):
    return page.locator(f'[data-counter="{name}"]')


def expect_answer(page: Page, state: str, title: str, *texts: str) -> None:
    panel = result(page)
    expect(panel).to_have_class(re.compile(rf"\bis-{state}\b"))
    expect(page.locator("#desk-result-title")).to_have_text(title)
    for text in texts:
        expect(panel).to_contain_text(text)


def expect_counters(page: Page, *, entered: int, here: int | None = None, registered: int | None = None) -> None:
    expect(counter(page, "entered_today")).to_have_text(str(entered))
    expect(counter(page, "here_today")).to_have_text(str(entered if here is None else here))
    if registered is not None:
        expect(counter(page, "registered")).to_have_text(str(registered))


def scan(page: Page, text: str) -> None:
    """A USB scanner: types into the focused input, then Enter."""
    page.keyboard.type(text)
    page.keyboard.press("Enter")


def pick_with_arrows(visit: E2EPage, lang: str, query: str, name: str, *, screenshot: str = "") -> None:
    """Type a part of a name, wait for the matches, move to `name` with ↓ and press Enter."""
    page = visit.page
    field = desk_input(page, lang)
    expect(field).to_be_focused()
    page.keyboard.type(query)
    matches = page.get_by_role("listbox", name=t(lang, "Matches")).get_by_role("option")
    expect(matches.filter(has_text=name)).to_have_count(1)
    assert matches.count() >= 2, "the query should match more than one person, to make the arrows count"
    for _ in range(matches.count()):
        page.keyboard.press("ArrowDown")
        selected = page.locator('[role=option][aria-selected="true"]')
        expect(selected).to_have_count(1)
        expect(field).to_have_attribute("aria-activedescendant", selected.get_attribute("id"))
        if name in selected.inner_text():
            break
    if screenshot:
        check_page(visit, screenshot)
    page.keyboard.press("Enter")


def live_checkins(registration: Registration) -> list[CheckIn]:
    return list(CheckIn.objects.filter(registration=registration, undone_at__isnull=True))


# The journey ----------------------------------------------------------------------


def log_in(visit: E2EPage, lang: str, shots: str, *, axe: bool = True) -> None:
    page = visit.page
    page.goto(f"{visit.base_url}/{lang}/desk/")  # not logged in: the desk sends staff to its log-in page
    expect(page).to_have_url(re.compile(rf"/{lang}/desk/login/"))
    expect(page.get_by_role("heading", level=1)).to_have_text(t(lang, "Log in to the check-in desk"))
    expect(page.locator("html")).to_have_attribute("lang", lang)
    check_page(visit, f"{shots}-1-login", axe=axe)
    page.get_by_role("textbox", name=t(lang, "User name")).fill(USERNAME)
    page.get_by_label(t(lang, "Password")).fill(PASSWORD)
    page.get_by_role("button", name=t(lang, "Log in"), exact=True).click()
    expect(page).to_have_url(re.compile(rf"/{lang}/desk/$"))


def choose_todays_entrance(visit: E2EPage, lang: str, shots: str, entrance: Checkpoint, *, axe: bool = True) -> None:
    page = visit.page
    expect(page.get_by_role("heading", level=1)).to_have_text(t(lang, "Choose your checkpoint"))
    # One entrance is today's (marked "today"; room doors with sessions today say "sessions today").
    links = page.locator("a.checkpoint-link.is-today").filter(
        has=page.locator(".checkpoint-badge", has_text=re.compile(rf"^{t(lang, 'today')}$"))
    )
    expect(links).to_have_count(1)
    expect(links).to_contain_text(getattr(entrance, f"name_{lang}"))
    check_page(visit, f"{shots}-2-checkpoints", axe=axe)
    links.click()
    expect(page).to_have_url(re.compile(rf"/{lang}/desk/checkpoint/{ENTRANCE}/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(getattr(entrance, f"name_{lang}"))
    # A scanner types as soon as the page shows: wait until the desk's script runs.
    expect(page.locator("#desk")).to_have_attribute("data-ready", "true")


@pytest.mark.parametrize("screen", ["phone", "laptop"])
@pytest.mark.parametrize("lang", LANGS)
def test_desk_scan_search_undo_counters_sound_and_walk_in(new_page, summit, desk_staff, people, lang, screen):
    shots = f"desk-{lang}-{screen}"
    # axe-core on every page on the phone; on the laptop on the desk page, whose layout differs most.
    phone = screen == "phone"
    entrance = Checkpoint.objects.get(slug=ENTRANCE)
    registered = len(PEOPLE)
    visit = new_page(lang, **SCREENS[screen])
    page = visit.page
    page.clock.install()  # the desk's timers: moved forward below instead of waited for

    # Log in, and pick today's entrance.
    log_in(visit, lang, shots, axe=phone)
    choose_todays_entrance(visit, lang, shots, entrance, axe=phone)
    field = desk_input(page, lang)
    expect(field).to_be_focused()
    expect_counters(page, entered=0, registered=registered)
    check_page(visit, f"{shots}-3-desk")

    # The device remembers it: the desk's address opens this checkpoint directly,
    # and "Change checkpoint" names it.
    assert page.evaluate("localStorage.getItem('wegov.desk.checkpoint')") == ENTRANCE
    page.goto(f"{visit.base_url}/{lang}/desk/")
    expect(page).to_have_url(re.compile(rf"/{lang}/desk/checkpoint/{ENTRANCE}/$"))
    page.get_by_role("link", name=t(lang, "Change checkpoint")).click()
    remembered = page.locator("#desk-remembered")
    expect(remembered).to_be_visible()
    expect(remembered).to_contain_text(getattr(entrance, f"name_{lang}"))
    page.get_by_role("link", name=t(lang, "Continue there")).click()
    expect(page).to_have_url(re.compile(rf"/{lang}/desk/checkpoint/{ENTRANCE}/$"))
    expect(field).to_be_focused()

    # The device gets a name (kept with each of its check-ins).
    page.get_by_text(t(lang, "Recent check-ins on this device, and device settings")).click()
    page.get_by_role("textbox", name=t(lang, "Name of this device (saved in each check-in)")).fill(DEVICE[lang])
    page.keyboard.press("Tab")  # "change" fires; the desk takes the cursor back
    expect(field).to_be_focused()
    assert page.evaluate("localStorage.getItem('wegov.desk.device')") == DEVICE[lang]

    # A USB scanner: green with the name, then orange for the same ticket.
    jiwoo = people["최지우"]
    scan(page, jiwoo.ticket_secret)
    expect_answer(page, "ok", t(lang, "Checked in"), jiwoo.name, jiwoo.organisation, jiwoo.code)
    expect_counters(page, entered=1)
    expect(field).to_be_focused()
    expect(field).to_have_value("")
    [row] = live_checkins(jiwoo)
    assert (row.checkpoint, row.device, row.checked_in_by) == (entrance, DEVICE[lang], desk_staff)
    check_page(visit, f"{shots}-4-green")

    scan(page, jiwoo.ticket_secret)
    expect_answer(page, "already", t(lang, "Already checked in"), jiwoo.name, getattr(entrance, f"name_{lang}"))
    expect_counters(page, entered=1)
    assert len(live_checkins(jiwoo)) == 1
    check_page(visit, f"{shots}-5-orange", axe=phone)

    # A code nobody has (typed, with a dash): red, with the reason; it clears itself.
    scan(page, "XK7P-M2QR")
    expect_answer(page, "refused", t(lang, "Unknown code"), in_lang(lang, REASONS["unknown"]))
    expect(page.locator("#desk-matches-wrap")).to_be_hidden()  # it was looked up as a name too: nothing
    expect(field).to_be_focused()
    check_page(visit, f"{shots}-6-red", axe=phone)
    page.clock.fast_forward(6_000)
    expect(result(page)).to_have_class(re.compile(r"\bis-refused\b"))  # red stays longer: 12 seconds
    page.clock.fast_forward(6_500)
    expect(result(page)).to_have_class(re.compile(r"\bis-idle\b"))
    expect(page.locator("#desk-result-title")).to_have_text(t(lang, "Ready: scan the next ticket"))

    # By a part of a Hangul name: "민준" finds 김민준 and 박민준.
    minjun = people["김민준"]
    pick_with_arrows(visit, lang, "민준", minjun.name, screenshot=f"{shots}-7-matches")
    expect_answer(page, "ok", t(lang, "Checked in"), minjun.name, minjun.organisation)
    expect_counters(page, entered=2)
    assert len(live_checkins(minjun)) == 1
    # A green answer clears itself after 6 seconds.
    page.clock.fast_forward(6_500)
    expect(result(page)).to_have_class(re.compile(r"\bis-idle\b"))

    # By a Latin part without accents: "jose" finds José Müller and Josefine Berg.
    jose = people["José Müller"]
    pick_with_arrows(visit, lang, "jose", jose.name)
    expect_answer(page, "ok", t(lang, "Checked in"), jose.name)
    expect_counters(page, entered=3)
    check_page(visit, f"{shots}-8-picked", axe=False)

    # The wrong José? Undo: recorded, not deleted; the counters go back.
    page.get_by_role("button", name=t(lang, "Undo"), exact=True).click()
    expect_answer(page, "undone", t(lang, "Undone"), jose.name)
    expect_counters(page, entered=2)
    expect(field).to_be_focused()
    [undone] = CheckIn.objects.filter(registration=jose)
    assert undone.undone_at is not None
    assert undone.undone_by == desk_staff
    assert not live_checkins(jose)
    recent = page.locator("#desk-recent")
    expect(recent.locator("li.is-undone")).to_contain_text(jose.name)
    expect(recent.get_by_role("button", name=re.compile(re.escape(minjun.name)))).to_be_visible()
    check_page(visit, f"{shots}-9-undone", axe=phone)

    # Another desk checks someone in: the counters follow without a reload
    # (the desk asks every 5 seconds).
    checkins.check_in(checkpoint=entrance, registration=people["이지은"], device="entrance-b")
    expect_counters(page, entered=2)
    page.clock.fast_forward(5_000)
    expect_counters(page, entered=3)

    # Sound off, and it stays off after a reload.
    page.get_by_role("button", name=t(lang, "Sound on")).click()
    expect(page.get_by_role("button", name=t(lang, "Sound off"))).to_be_visible()
    expect(field).to_be_focused()
    page.reload()
    expect(page.get_by_role("button", name=t(lang, "Sound off"))).to_be_visible()
    assert page.evaluate("localStorage.getItem('wegov.desk.muted')") == "1"

    # A walk-in with the name of someone registered: the form shows them first.
    page.get_by_role("link", name=t(lang, "Walk-in"), exact=True).click()
    expect(page).to_have_url(re.compile(rf"/{lang}/desk/walk-in/\?checkpoint={ENTRANCE}$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(t(lang, "Walk-in registration"))
    expect(page.get_by_role("combobox", name=t(lang, "Check in at"))).to_have_value(ENTRANCE)
    check_page(visit, f"{shots}-10-walk-in", axe=phone)
    page.get_by_role("textbox", name=t(lang, "Full name")).fill(WALK_IN["name"])
    page.get_by_role("textbox", name=t(lang, "Organisation")).fill(WALK_IN["organisation"])
    page.get_by_role("button", name=t(lang, "Register and check in")).click()

    # The consent not ticked yet: the form comes back with the error first, and
    # what was typed (the form sent a second time must work: it once said "expired").
    summary = page.locator("#error-summary")
    expect(summary).to_be_focused()
    consent_error = in_lang(lang, WalkInForm.base_fields["privacy_consent"].error_messages["required"])
    expect(summary).to_contain_text(consent_error)
    expect(page.get_by_role("textbox", name=t(lang, "Full name"))).to_have_value(WALK_IN["name"])
    consent = page.get_by_role("checkbox", name=in_lang(lang, WalkInForm.base_fields["privacy_consent"].label))
    expect(consent).not_to_be_checked()
    consent.check()
    page.get_by_role("button", name=t(lang, "Register and check in")).click()

    candidates = page.get_by_role("region", name=t(lang, "Already registered?"))
    expect(candidates).to_be_visible()
    existing = people["박서연"]
    expect(candidates).to_contain_text(existing.code)
    expect(candidates).to_contain_text(existing.organisation)
    expect(candidates).to_contain_text(t(lang, "similar name"))
    expect(page.get_by_role("textbox", name=t(lang, "Full name"))).to_have_value(WALK_IN["name"])
    assert Registration.objects.filter(name=WALK_IN["name"]).count() == 1
    check_page(visit, f"{shots}-11-already-registered", axe=phone)

    # Not them: a new registration, checked in here by this device, then the badge.
    # Right under the hint (the same button ends the form, further down).
    candidates.get_by_role("button", name=t(lang, "None of these — register as new and check in")).click()
    expect(page).to_have_url(re.compile(rf"/{lang}/desk/walk-in/\?badge=\w+&checkpoint={ENTRANCE}$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(t(lang, "Walk-in registered"))
    walk_in = Registration.objects.exclude(pk=existing.pk).get(name=WALK_IN["name"])
    assert walk_in.is_walk_in
    assert walk_in.organisation == WALK_IN["organisation"]
    expect(page.locator("#walk-in-result")).to_have_attribute("data-result", "ok")
    expect(page.get_by_role("heading", level=2)).to_have_text(WALK_IN["name"])
    expect(page.get_by_text(walk_in.code, exact=True)).to_be_visible()
    [row] = live_checkins(walk_in)
    assert (row.checkpoint, row.device, row.checked_in_by) == (entrance, DEVICE[lang], desk_staff)
    check_page(visit, f"{shots}-12-badge-ready", axe=phone)

    badge_link = page.get_by_role("link", name=t(lang, "Print the badge (A6)"))
    pdf = page.request.get(visit.base_url + badge_link.get_attribute("href"))
    assert (pdf.status, pdf.headers["content-type"]) == (200, "application/pdf")
    assert pdf.body().startswith(b"%PDF-")
    [badge] = PdfReader(io.BytesIO(pdf.body())).pages
    badge_text = " ".join(badge.extract_text().split())
    assert WALK_IN["name"] in badge_text, badge_text
    assert walk_in.code in badge_text, badge_text

    # Back at the desk: the walk-in counts, the sound is still off.
    page.get_by_role("link", name=t(lang, "Back to check-in")).click()
    expect(page).to_have_url(re.compile(rf"/{lang}/desk/checkpoint/{ENTRANCE}/$"))
    expect_counters(page, entered=4, registered=registered + 1)
    expect(page.get_by_role("button", name=t(lang, "Sound off"))).to_be_visible()
    expect(desk_input(page, lang)).to_be_focused()

    assert_no_browser_errors(visit)
    assert_only_local_requests(visit.requests, visit.base_url)


# The camera -----------------------------------------------------------------------


def y4m_of_qr(text: str, path, *, width: int = 640, height: int = 480, frames: int = 10) -> None:
    """A short video (YUV4MPEG2, 4:2:0) showing the QR code of `text`, for
    Chromium's fake camera (--use-file-for-fake-video-capture)."""
    buffer = io.BytesIO()
    segno.make_qr(text, error="m").save(buffer, kind="png", scale=10, border=4)
    qr = Image.open(io.BytesIO(buffer.getvalue())).convert("L")
    side = min(width, height) - 40
    qr = qr.resize((side, side), Image.NEAREST)
    frame = Image.new("L", (width, height), 255)
    frame.paste(qr, ((width - side) // 2, (height - side) // 2))
    luma = frame.tobytes()
    chroma = bytes([128]) * ((width // 2) * (height // 2))
    with open(path, "wb") as video:
        video.write(f"YUV4MPEG2 W{width} H{height} F10:1 Ip A1:1 C420jpeg\n".encode())
        for _ in range(frames):
            video.write(b"FRAME\n" + luma + chroma + chroma)


# Chromium on Linux has no BarcodeDetector: the desk reads the camera with jsQR (npm),
# which `make test` installs (`make frontend`: npm ci) when the machine has npm.
JSQR = Path(settings.BASE_DIR) / "node_modules" / "jsqr" / "dist" / "jsQR.js"


@pytest.fixture
def camera_browser(browser, tmp_path, people):
    """A second Chromium whose camera films the QR code of 최지우's ticket."""
    if not JSQR.exists():
        reason = f"the desk's QR decoder {JSQR} is not installed (make frontend, which needs npm)"
        if e2e_required():
            pytest.fail(f"WEGOV_E2E=required but {reason}", pytrace=False)
        pytest.skip(f"the camera test needs jsQR: {reason}")
    video = tmp_path / "ticket.y4m"
    y4m_of_qr(people["최지우"].ticket_secret, video)
    camera = browser.browser_type.launch(
        executable_path=str(CHROMIUM),
        args=[
            *CHROMIUM_ARGS,
            "--use-fake-ui-for-media-stream",
            "--use-fake-device-for-media-stream",
            f"--use-file-for-fake-video-capture={video}",
        ],
    )
    yield camera
    camera.close()


def test_camera_reads_a_ticket_qr_code_and_checks_the_person_in(camera_browser, live_server, desk_staff, people):
    lang = "en"
    person = people["최지우"]
    context = camera_browser.new_context(**PHONE, locale=LOCALES[lang], permissions=["camera"])
    context.set_default_timeout(10_000)
    visit = E2EPage(page=context.new_page(), base_url=live_server.url)
    visit.record(context)
    page = visit.page
    try:
        log_in(visit, lang, f"desk-{lang}-camera", axe=False)
        page.locator(f'[data-checkpoint="{ENTRANCE}"]').click()
        expect(desk_input(page, lang)).to_be_focused()
        assert page.evaluate("window.isSecureContext"), f"{live_server.url} is not a secure context: no camera"

        page.get_by_role("button", name=t(lang, "Camera"), exact=True).click()
        expect(page.locator("#desk-camera-status")).to_have_text(t(lang, "Point the camera at the QR code."))
        expect(page.locator("#desk-video")).to_be_visible()
        expect_answer(page, "ok", t(lang, "Checked in"), person.name)
        green_at = time.monotonic()
        [row] = live_checkins(person)
        assert row.checkpoint.slug == ENTRANCE
        expect(counter(page, "entered_today")).to_have_text("1")
        check_page(visit, f"desk-{lang}-camera-green", axe=False)
        # Chromium on Linux has no BarcodeDetector: the QR code was read by jsQR (npm), from this site.
        native = page.evaluate("'BarcodeDetector' in window")
        assert native or page.evaluate("typeof window.jsQR") == "function"
        assert native or any(url.endswith("/static/vendor/jsqr/jsQR.js") for url in visit.requests)

        # The ticket stays in view (real seconds: the camera's timing): it is not
        # sent again, so the green answer does not turn orange.
        page.wait_for_timeout(max(0, 4_500 - (time.monotonic() - green_at) * 1000))
        expect_answer(page, "ok", t(lang, "Checked in"), person.name)
        assert len(live_checkins(person)) == 1

        page.get_by_role("button", name=t(lang, "Close camera")).click()
        expect(page.locator("#desk-camera")).to_be_hidden()
        expect(desk_input(page, lang)).to_be_focused()
        assert_no_browser_errors(visit)
        assert_only_local_requests(visit.requests, visit.base_url)
    finally:
        context.close()
