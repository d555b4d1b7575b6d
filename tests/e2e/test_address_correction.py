"""A visitor mistypes the domain of their address, sees it on the "Check your
e-mail" page and corrects it there, in a real browser on a phone: the
registration keeps its workshop seat, the mail arrives at the right address
once, and the links mailed to the mistyped address no longer work."""

import re

import pytest
from playwright.sync_api import expect

from registration import consent
from registration.models import Registration, Status
from tests.e2e.test_registration_journey import (  # noqa: F401 (fixtures used by name)
    _fresh_throttles,
    _people_fill_forms_quickly_here,
    check_page,
    manage_path,
    open_summit,
    received,
    t,
    textbox,
    workshop_label,
    workshops,
)

PEOPLE = {
    "ko": {"name": "김민준", "typo": "minjun.kim@exmaple.org", "email": "minjun.kim@example.org"},
    "en": {"name": "José Müller", "typo": "jose.muller@exmaple.org", "email": "jose.muller@example.org"},
}


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_a_typo_in_the_address_is_corrected_on_the_sent_page(new_page, open_summit, mailoutbox, lang):  # noqa: F811
    person = PEOPLE[lang]
    chosen = workshops(open_summit)[0]
    visit = new_page(lang)
    page = visit.page
    visit.open(f"/{lang}/register/")
    textbox(page, lang, "Full name").fill(person["name"])
    textbox(page, lang, "E-mail address").fill(person["typo"])
    page.get_by_role("radio", name=t(lang, "Citizen"), exact=True).check()
    textbox(page, lang, "Organisation").fill("WeGO")
    page.get_by_role("combobox", name=t(lang, "Country")).select_option("KR")
    textbox(page, lang, "City").fill("Seoul")
    workshop_label(page, chosen, lang).click()
    page.get_by_role("checkbox", name=consent.PRIVACY.shown(lang).agreement).check()
    page.get_by_role("button", name=t(lang, "Register"), exact=True).click()
    expect(page).to_have_url(re.compile(rf"/{lang}/register/sent/$"))
    [typo_mail] = received(mailoutbox, person["typo"])

    field = page.get_by_role("textbox", name=t(lang, "The right e-mail address"))
    expect(field).to_have_value(person["typo"])
    field.fill(person["email"])
    page.get_by_role("button", name=t(lang, "Correct the address")).click()

    expect(page).to_have_url(re.compile(rf"/{lang}/register/sent/\?corrected=1$"))
    expect(page.locator(".lead")).to_contain_text(person["email"])
    check_page(visit, f"correction-{lang}-done")
    registration = Registration.objects.get()
    assert (registration.email, registration.status) == (person["email"], Status.CONFIRMED)
    assert list(registration.bookings.values_list("session_id", flat=True)) == [chosen.pk]
    [right_mail] = received(mailoutbox, person["email"])
    assert manage_path(right_mail, lang) != manage_path(typo_mail, lang)
    assert len(received(mailoutbox, person["typo"])) == 1
    visit.open(manage_path(typo_mail, lang))
    expect(page.get_by_role("heading", level=1)).to_have_text(t(lang, "This private link does not work"))
