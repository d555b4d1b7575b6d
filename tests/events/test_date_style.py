"""One date style per language. English: "September 8, 2010", "September 8",
"September 6–8, 2010" (never "8 September", "Sept. 8" or "09/08/2010"); Korean:
"2010년 9월 8일", "9월 8일"."""

import html
import re
from datetime import date
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import translation
from django.utils.formats import date_format

from events.models import Event
from events.templatetags.events_tags import date_range, day_label
from tests.events.test_pages import get, text_of

pytestmark = pytest.mark.django_db

MONTHS = "January|February|March|April|May|June|July|August|September|October|November|December"
# What another English style looks like.
OTHER_ENGLISH_STYLES = {
    "day before month": re.compile(rf"\b\d{{1,2}}(?:–\d{{1,2}})?\s+(?:{MONTHS})\b"),
    "abbreviated month": re.compile(r"\b(?:Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept?|Oct|Nov|Dec)\.?\s+\d"),
    "numbers only": re.compile(r"\b\d{1,2}/\d{1,2}/\d{2,4}\b"),
    "a.m./p.m.": re.compile(r"\b[ap]\.m\."),
}
PAGES = ["home", "programme", "about", "exhibition", "speakers"]


@pytest.fixture
def summit() -> Event:
    call_command("load_summit", stdout=StringIO())
    return Event.objects.current().get()


def other_styles(text: str) -> dict[str, list[str]]:
    found = {name: pattern.findall(text) for name, pattern in OTHER_ENGLISH_STYLES.items()}
    return {name: hits for name, hits in found.items() if hits}


def test_english_dates_read_month_day_year():
    # The date ranges: tests/events/test_queries.py::test_date_range_in_english.
    with translation.override("en"):
        assert day_label(date(2010, 9, 8)) == "September 8 (Wed)"
        assert date_format(date(2010, 9, 8), "DATE_FORMAT") == "September 8, 2010"
        assert date_format(date(2010, 9, 8), "SHORT_DATE_FORMAT") == "2010-09-08"  # the admin's tables


def test_korean_dates_read_year_month_day():
    with translation.override("ko"):
        assert date_range(date(2010, 9, 6), date(2010, 9, 8)) == "2010년 9월 6일~8일"
        assert date_format(date(2010, 9, 8), "DATE_FORMAT") == "2010년 9월 8일"
        assert day_label(date(2010, 9, 8)) == "9월 8일 (수)"


@pytest.mark.parametrize("name", PAGES)
def test_english_pages_use_one_date_style(client, summit, name):
    text = html.unescape(text_of(get(client, "en", name)))

    assert re.search(rf"\b(?:{MONTHS}) \d{{1,2}}\b", text), f"no date on the {name} page"
    assert other_styles(text) == {}


def test_english_session_and_registration_pages_use_one_date_style(client, summit):
    session = summit.sessions.filter(is_published=True).order_by("starts_at").first()
    with translation.override("en"):
        session_page = client.get(session.get_absolute_url())
        closed_page = client.get("/en/register/")  # the 2010 window closed long ago

    for response in (session_page, closed_page):
        text = html.unescape(text_of(response))
        assert re.search(rf"\b(?:{MONTHS}) \d{{1,2}}, 2010\b", text), f"no full date on {response.request['PATH_INFO']}"
        assert other_styles(text) == {}
