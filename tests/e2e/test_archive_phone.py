"""A past edition's pages on a phone (390 px): they fit the screen, pass the
WCAG checks, load nothing from another host and offer no way to register."""

from datetime import UTC, date, datetime

import pytest

from tests.e2e.helpers import assert_no_browser_errors, assert_only_local_requests, format_violations, wcag_violations
from tests.factories import EventFactory, RoomFactory, SessionFactory, SessionSpeakerFactory, SpeakerFactory

pytestmark = pytest.mark.e2e

PHONE_WIDTH = 390


@pytest.fixture
def past(transactional_db):
    EventFactory(slug="wego-2010", name_en="WeGO 2010", is_current=True)
    event = EventFactory(
        slug="wego-2008",
        name_en="WeGO 2008 General Assembly of the World e-Governments Organization",
        name_ko="2008 세계도시전자정부협의체 총회",
        city_en="Barcelona",
        city_ko="바르셀로나",
        is_current=False,
        time_zone="Europe/Madrid",
        start_date=date(2008, 6, 10),
        end_date=date(2008, 6, 11),
    )
    session = SessionFactory(
        event=event,
        room=RoomFactory(event=event, name_en="Sala Gaudí", name_ko="가우디 홀"),
        slug="e-democracy",
        title_en="e-Democracy in cities: participation platforms for citizens",
        title_ko="도시의 전자민주주의: 시민 참여 플랫폼",
        starts_at=datetime(2008, 6, 10, 8, 0, tzinfo=UTC),
        ends_at=datetime(2008, 6, 10, 9, 30, tzinfo=UTC),
        booking_required=True,
        capacity=40,
    )
    SessionSpeakerFactory(session=session, speaker=SpeakerFactory(event=event, slug="ada", name_en="Ada Puig"))
    return event


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_past_edition_pages_fit_a_phone(new_page, past, lang):
    visit = new_page(lang)
    for path, name in [
        (f"/{lang}/archive/", "index"),
        (f"/{lang}/archive/wego-2008/", "edition"),
        (f"/{lang}/archive/wego-2008/programme/?day=2008-06-10", "programme"),
        (f"/{lang}/archive/wego-2008/sessions/e-democracy/", "session"),
        (f"/{lang}/archive/wego-2008/speakers/", "speakers"),
        (f"/{lang}/archive/wego-2008/register/", "register"),
    ]:
        response = visit.open(path)
        assert response.status == 200, path
        page = visit.page
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE_WIDTH, path
        if name != "index":  # the list of past editions keeps the current edition's Register button
            assert page.locator(f'a[href^="/{lang}/register/"]').count() == 0, f"{path} offers to register"
        violations = wcag_violations(page)
        assert not violations, f"{path}\n" + format_violations(violations)
        if name == "programme":
            visit.screenshot(f"archive-programme-phone-{lang}")
    assert_only_local_requests(visit.requests, visit.base_url)
    assert_no_browser_errors(visit)
