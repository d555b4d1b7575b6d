"""Helpers for the end-to-end tests: a recorded browser page, the same-host check
and the axe-core accessibility check."""

import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from urllib.parse import urlsplit

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import BrowserContext, ConsoleMessage, Locator, Page, Response

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "e2e"
# Addresses that never leave the browser.
LOCAL_SCHEMES = {"data", "blob", "about"}
BLOCKING_IMPACTS = ("serious", "critical")
HANGUL = re.compile(r"[\uac00-\ud7a3]")
POLICY_REFUSAL = re.compile(r"Content Security Policy|Refused to", re.IGNORECASE)


@dataclass
class E2EPage:
    """A browser page on the live server that remembers every request and every
    error it saw (server errors, JavaScript errors, Content-Security-Policy refusals)."""

    page: Page
    base_url: str
    requests: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def record(self, context: BrowserContext) -> None:
        """Remember every request of the context and the errors its page reports."""
        context.on("request", lambda request: self.requests.append(request.url))
        context.on("response", self._on_response)
        self.page.on("pageerror", lambda error: self.errors.append(f"JavaScript error: {error}"))
        self.page.on("console", self._on_console)

    def _on_response(self, response: Response) -> None:
        if response.status >= 500:
            self.errors.append(f"HTTP {response.status} for {response.request.method} {response.url}")

    def _on_console(self, message: ConsoleMessage) -> None:
        if message.type == "error" and POLICY_REFUSAL.search(message.text):
            self.errors.append(f"console error: {message.text}")

    def open(self, path: str):
        response = self.page.goto(self.base_url + path)
        self.page.wait_for_load_state("networkidle")
        return response

    def text(self) -> str:
        """The text a person sees (hidden elements left out)."""
        return self.page.locator("body").inner_text()

    def screenshot(self, name: str) -> Path:
        """A full-page picture under test-artifacts/e2e/ for people to look at."""
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        path = ARTIFACTS / f"{name}.png"
        self.page.screenshot(path=path, full_page=True)
        return path


def assert_only_local_requests(requests: list[str], base_url: str) -> None:
    """Every request went to the live server itself: no CDN, fonts or map tiles."""
    own = urlsplit(base_url).netloc
    foreign = sorted(
        {url for url in requests if urlsplit(url).scheme not in LOCAL_SCHEMES and urlsplit(url).netloc != own}
    )
    assert not foreign, f"requests to another host than {own}:\n" + "\n".join(f"  {url}" for url in foreign)


def assert_no_browser_errors(visit: E2EPage) -> None:
    assert not visit.errors, "the browser reported errors:\n" + "\n".join(f"  {e}" for e in visit.errors)


def format_violations(violations: list[dict]) -> str:
    lines = []
    for violation in violations:
        lines.append(f"- {violation['id']} ({violation['impact']}): {violation['help']}  [{violation['helpUrl']}]")
        for node in violation["nodes"]:
            target = " ".join(str(t) for t in node["target"])
            lines.append(f"    at {target}")
            lines.append(f"       {node['html'][:200]}")
            summary = (node.get("failureSummary") or "").replace("\n", " / ")
            if summary:
                lines.append(f"       {summary[:400]}")
    return "\n".join(lines)


def assert_accessible(page: Page) -> None:
    """axe-core finds no violation of impact serious or critical (WCAG 2.2 A/AA rules)."""
    violations = wcag_violations(page)
    assert not violations, f"axe-core violations on {page.url}:\n{format_violations(violations)}"


def day_patterns(day: date, lang: str) -> list[str]:
    """How a day tab may name a day: '9월 8일', '8 September', 'Sep 8', '2010-09-08'."""
    iso = day.isoformat()
    if lang == "ko":
        return [rf"{day.month}\s*월\s*{day.day}\s*일", rf"\b{day.month}\.\s*{day.day}\.", iso]
    month = day.strftime("%b")  # Sep
    return [rf"\b{day.day}\s+{month}", rf"\b{month}[a-z]*\.?\s+{day.day}\b", iso]


def find_day_tab(page: Page, day: date, lang: str) -> Locator | None:
    """The tab (or the link or button acting as one) that shows a day's sessions."""
    name = re.compile("|".join(day_patterns(day, lang)), re.IGNORECASE)
    candidates = [
        page.get_by_role("tab", name=name),
        page.get_by_role("link", name=name),
        page.get_by_role("button", name=name),
        page.locator(f'a[href*="{day.isoformat()}"]'),
    ]
    for locator in candidates:
        visible = locator.filter(visible=True)
        if visible.count():
            return visible.first
    return None


def tab_names(page: Page) -> list[str]:
    """What the page offers as tabs or links, for a failure message."""
    names = page.get_by_role("tab").all_inner_texts() + page.get_by_role("link").all_inner_texts()
    return [" ".join(n.split()) for n in names if n.strip()]


# axe-core's rules for WCAG 2.0, 2.1 and 2.2 at levels A and AA (2.2's target-size
# among them, which axe leaves out unless asked), and its best practices.
WCAG_22_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]


def wcag_violations(page: Page, *, also: tuple[str, ...] = ()) -> list[dict]:
    """axe-core's serious and critical violations of WCAG 2.2 A/AA on the page,
    and those of the rules named in `also` whatever their impact."""
    options = {"runOnly": {"type": "tag", "values": WCAG_22_AA}, "resultTypes": ["violations"]}
    results = Axe().run(page, options=options)
    return [v for v in results.response["violations"] if v.get("impact") in BLOCKING_IMPACTS or v["id"] in also]
