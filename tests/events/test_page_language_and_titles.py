"""What a screen reader needs from the public pages' markup (KWCAG / WCAG 2.2): Korean
text on an English page marked lang="ko", and a distinct title for each programme
day and filter."""

import re
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import translation

from events.templatetags.events_tags import mark_korean
from tests.events.test_pages import get

pytestmark = pytest.mark.django_db


@pytest.fixture
def summit():
    call_command("load_summit", stdout=StringIO())


def title(response) -> str:
    match = re.search(r"<title>(.*?)</title>", response.content.decode(), re.S)
    assert match, "the page has no title"
    return " ".join(match.group(1).split())


def test_hangul_on_an_english_page_is_marked_korean():
    with translation.override("en"):
        marked = mark_korean("Taxi: ask for Grand Hyatt Seoul (그랜드 하얏트 서울) on Sowol-ro, <Namsan>.")

    assert marked == (
        'Taxi: ask for Grand Hyatt Seoul (<span lang="ko">그랜드 하얏트 서울</span>) on Sowol-ro, &lt;Namsan&gt;.'
    )


def test_hangul_on_a_korean_page_is_left_as_it_is():
    with translation.override("ko"):
        assert mark_korean("남산 그랜드 하얏트 서울") == "남산 그랜드 하얏트 서울"


def test_english_directions_mark_the_korean_hotel_name(client, summit):
    html = get(client, "en", "venue").content.decode()

    assert '(<span lang="ko">그랜드 하얏트 서울</span>)' in html


def test_programme_titles_differ_per_day_and_kind(client, summit):
    with translation.override("en"):
        pages = {
            query: title(client.get(f"/en/programme/?{query}"))
            for query in ("day=2010-09-07", "day=2010-09-08", "day=2010-09-08&kind=workshop")
        }

    assert len(set(pages.values())) == 3, pages
    assert pages["day=2010-09-08"].startswith("September 8 (Wed) · Programme")
    assert pages["day=2010-09-08&kind=workshop"].startswith("Workshop · September 8 (Wed) · Programme")
