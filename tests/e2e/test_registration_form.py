"""The registration form in a real browser: a field's error goes away as the
person corrects it (and comes back if they undo the correction, or from the
server when they send the form again); a session page's Register button ticks
that session; the Korean form suggests the Republic of Korea."""

import pytest
from playwright.sync_api import expect

from registration.models import Registration
from tests.e2e.helpers import assert_no_browser_errors
from tests.e2e.test_registration_journey import (  # noqa: F401 (fixtures)
    LANGS,
    PEOPLE,
    _fresh_throttles,
    _people_fill_forms_quickly_here,
    check_page,
    field_error,
    fill_in_with_mistakes,
    open_summit,
    t,
    textbox,
    workshop_box,
    workshop_label,
    workshops,
)


@pytest.mark.parametrize("lang", LANGS)
def test_field_errors_go_away_as_they_are_corrected(new_page, open_summit, lang):  # noqa: F811
    person = PEOPLE[lang]
    chosen, parallel, _, _ = workshops(open_summit)
    visit = new_page(lang)
    page = visit.page
    visit.open(f"/{lang}/register/")
    fill_in_with_mistakes(page, lang, person, chosen, parallel)
    page.get_by_role("button", name=t(lang, "Register"), exact=True).click()
    email_field = textbox(page, lang, "E-mail address")
    summary = page.locator("#error-summary")
    expect(field_error(page, "email")).to_be_visible()
    expect(summary.locator("li")).to_have_count(2)

    email_field.fill(person["email"])

    expect(field_error(page, "email")).to_be_hidden()
    expect(email_field).not_to_have_attribute("aria-invalid", "true")
    expect(summary.locator("li:visible")).to_have_count(1)
    expect(field_error(page, "sessions")).to_be_visible()
    visit.screenshot(f"form-{lang}-one-error-corrected")

    email_field.fill(person["typo"])  # the correction undone: the error is back
    expect(field_error(page, "email")).to_be_visible()
    expect(email_field).to_have_attribute("aria-invalid", "true")

    email_field.fill(person["email"])
    workshop_label(page, parallel, lang).click()
    expect(field_error(page, "sessions")).to_be_hidden()
    expect(summary).to_be_hidden()

    email_field.fill(person["typo"])  # sent again with a mistake: the server shows it again
    page.get_by_role("button", name=t(lang, "Register"), exact=True).click()
    expect(field_error(page, "email")).to_be_visible()
    expect(field_error(page, "sessions")).to_have_count(0)
    expect(page.locator("#error-summary li")).to_have_count(1)
    assert not Registration.objects.exists()
    check_page(visit, f"form-{lang}-errors-again")


@pytest.mark.parametrize("width", [390, 1280])
@pytest.mark.parametrize("lang", LANGS)
def test_register_from_a_session_page_with_that_session_chosen(new_page, open_summit, lang, width):  # noqa: F811
    chosen, others = workshops(open_summit)[0], workshops(open_summit)[1:]
    visit = new_page(lang, viewport={"width": width, "height": 900})
    page = visit.page
    visit.open(f"/{lang}{chosen.get_absolute_url()[3:]}")

    page.get_by_role("link", name=t(lang, "Register to attend")).filter(visible=True).last.click()

    expect(workshop_box(page, chosen, lang)).to_be_checked()
    for other in others:
        expect(workshop_box(page, other, lang)).not_to_be_checked()
    country = page.get_by_role("combobox", name=t(lang, "Country"))
    expect(country).to_have_value("KR" if lang == "ko" else "")
    page.wait_for_load_state("networkidle")
    visit.screenshot(f"form-{lang}-{width}-from-session")
    assert_no_browser_errors(visit)
