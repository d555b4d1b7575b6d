"""A new visitor registers on a phone, in Korean and in English, in a real browser:
fills in the form (a mistake first, then corrected), receives the e-mail with the
QR code, the calendar file and the private link, opens the link, downloads the
ticket, moves to another workshop and cancels. And the "lost my link" page says
the same for a known and an unknown address, mailing only the known one.

Throughout: nothing loaded from another host, no server, script or
Content-Security-Policy error (a request to another host is either seen or, when
the policy blocks it, reported as a refusal), no serious axe-core violation, and
no page wider than the phone.
"""

import email
import email.policy
import re
from email.message import EmailMessage
from urllib.parse import urlsplit

import icalendar
import pytest
from django.conf import settings
from django.core.cache import cache
from django.utils import translation
from django.utils.translation import gettext
from django_countries import countries
from playwright.sync_api import Page, expect

from events.models import Event, Session
from registration import consent, services
from registration.models import Booking, BookingStatus, MailKind, MailStatus, OutgoingMail, Registration, Status
from tests.e2e.helpers import (
    HANGUL,
    E2EPage,
    assert_accessible,
    assert_no_browser_errors,
    assert_only_local_requests,
)
from tests.factories import PersonFactory

LANGS = ["ko", "en"]
# Who registers, in each language.
PEOPLE = {
    "ko": {
        "name": "김민준",
        "email": "minjun.kim@example.org",
        "typo": "minjun.kim.example.org",  # the @ forgotten
        "organisation": "서울특별시 마포구청",
        "country": "KR",
        "city": "서울",
    },
    "en": {
        "name": "José Müller",
        "email": "jose.muller@example.org",
        "typo": "jose.muller.example.org",
        "organisation": "Stadt Köln, Amt für Informationsverarbeitung",
        "country": "DE",
        "city": "Köln",
    },
}
LANGUAGE_NAMES = {"ko": "한국어", "en": "English"}
MANAGE_LINK = re.compile(r"https?://\S+/register/manage/[\w-]+/")


@pytest.fixture
def open_summit(summit) -> Event:
    """The General Assembly with online registration open (as `load_summit --demo`
    leaves it): the 2010 window closed long ago."""
    summit.registration_closes_at = None
    summit.save(update_fields=["registration_closes_at"])
    return summit


@pytest.fixture(autouse=True)
def _people_fill_forms_quickly_here(settings):
    # Playwright types faster than a person; the minimum fill time has its own tests.
    settings.REGISTRATION_MIN_FILL_SECONDS = 0


@pytest.fixture(autouse=True)
def _fresh_throttles():
    cache.clear()
    yield
    cache.clear()


def t(lang: str, message: str) -> str:
    """An interface string as the page in `lang` shows it."""
    with translation.override(lang):
        return gettext(message)


def title_in(session: Session, lang: str) -> str:
    other = "en" if lang == "ko" else "ko"
    return getattr(session, f"title_{lang}") or getattr(session, f"title_{other}")


def workshops(event: Event) -> list[Session]:
    return list(Session.objects.filter(event=event, kind__slug="workshop").order_by("room__position", "pk"))


def seats(*sessions: Session) -> list[int]:
    return [Session.objects.get(pk=s.pk).seats_booked for s in sessions]


def check_page(visit: E2EPage, name: str) -> None:
    """What every page of the journey must be: accessible, phone-wide, error-free."""
    page = visit.page
    page.wait_for_load_state("networkidle")
    assert_fits_the_phone(page)
    visit.screenshot(name)
    assert_accessible(page)
    assert_no_browser_errors(visit)


def assert_fits_the_phone(page: Page) -> None:
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, f"{page.url} is {overflow}px wider than the phone's screen"


def assert_in_language(page: Page, lang: str) -> None:
    expect(page.locator("html")).to_have_attribute("lang", re.compile(rf"^{lang}\b", re.IGNORECASE))
    heading = page.get_by_role("heading", level=1).first.inner_text()
    assert (HANGUL.search(heading) is not None) == (lang == "ko"), f"the heading {heading!r} is not in {lang}"


def textbox(page: Page, lang: str, label: str):
    return page.get_by_role("textbox", name=t(lang, label))


def workshop_label(page: Page, session: Session, lang: str):
    """The label of a workshop's checkbox, which a person taps."""
    return page.locator("label").filter(has_text=title_in(session, lang))


def workshop_box(page: Page, session: Session, lang: str):
    return page.get_by_role("checkbox", name=re.compile(re.escape(title_in(session, lang))))


def field_error(page: Page, field: str):
    """The error shown with a field (crispy's invalid-feedback under the input)."""
    return page.locator(f"#div_id_{field} .invalid-feedback")


def assert_error_next_to(page: Page, field, error) -> None:
    """The error is visible just below its field, and the field points to it."""
    expect(error).to_be_visible()
    field_box, error_box = field.bounding_box(), error.bounding_box()
    gap = error_box["y"] - (field_box["y"] + field_box["height"])
    assert 0 <= gap < 40, f"the error sits {gap}px from its field"


def received(mailoutbox, address: str) -> list[EmailMessage]:
    """The messages sent to `address`, as they arrive: serialised and parsed back."""
    return [
        email.message_from_bytes(m.message().as_bytes(), policy=email.policy.default)
        for m in mailoutbox
        if m.to == [address]
    ]


def calendar_titles(message: EmailMessage) -> list[str]:
    """The sessions in the e-mail's attached .ics."""
    [ics] = [part for part in message.iter_attachments() if (part.get_filename() or "").endswith(".ics")]
    assert ics.get_content_type() == "text/calendar"
    return [str(e["SUMMARY"]) for e in icalendar.Calendar.from_ical(ics.get_content()).walk("VEVENT")]


def manage_path(message: EmailMessage, lang: str) -> str:
    """The private link in the e-mail's text part, as a path on the live server."""
    text = message.get_body(preferencelist=("plain",)).get_content()
    links = set(MANAGE_LINK.findall(text))
    assert len(links) == 1, f"expected one private link in the e-mail, found {links}:\n{text}"
    [link] = links
    assert link.startswith(f"{settings.SITE_URL}/{lang}/"), f"{link} is not on {settings.SITE_URL} in {lang}"
    return urlsplit(link).path


# The journey ----------------------------------------------------------------------


def fill_in_with_mistakes(page: Page, lang: str, person: dict, chosen: Session, parallel: Session) -> None:
    """What a person types, with two mistakes: the e-mail without its @ and two
    workshops that run at the same time."""
    textbox(page, lang, "Full name").fill(person["name"])
    textbox(page, lang, "E-mail address").fill(person["typo"])
    page.get_by_role("radio", name=t(lang, "Citizen"), exact=True).check()
    textbox(page, lang, "Organisation").fill(person["organisation"])
    with translation.override(lang):
        country_name = str(dict(countries)[person["country"]])
    page.get_by_role("combobox", name=t(lang, "Country")).select_option(label=country_name)
    textbox(page, lang, "City").fill(person["city"])
    for session in (chosen, parallel):
        workshop_label(page, session, lang).click()
        expect(workshop_box(page, session, lang)).to_be_checked()
    privacy = page.get_by_role("checkbox", name=consent.PRIVACY.shown(lang).agreement)
    news = page.get_by_role("checkbox", name=consent.NEWS.shown(lang).agreement)
    expect(privacy).not_to_be_checked()
    expect(news).not_to_be_checked()
    privacy.check()


@pytest.mark.parametrize("lang", LANGS)
def test_register_receive_mail_change_workshop_and_cancel_on_a_phone(new_page, open_summit, mailoutbox, lang):
    person = PEOPLE[lang]
    chosen, parallel, moved_to, _ = workshops(open_summit)
    before = dict(zip(("chosen", "moved_to"), seats(chosen, moved_to), strict=True))
    event_before = open_summit.seats_taken
    visit = new_page(lang)
    page = visit.page

    # The home page leads to the form.
    visit.open(f"/{lang}/")
    page.get_by_role("link", name=t(lang, "Register to attend")).filter(visible=True).first.click()
    expect(page).to_have_url(re.compile(rf"/{lang}/register/$"))
    assert_in_language(page, lang)
    mail_language = page.get_by_role("group", name=t(lang, "Language for e-mails"))
    expect(mail_language.get_by_role("radio", name=LANGUAGE_NAMES[lang], exact=True)).to_be_checked()
    check_page(visit, f"register-{lang}-1-empty")

    # A first try with two mistakes: both are shown at their fields, in the page's
    # language, and what was typed is kept.
    fill_in_with_mistakes(page, lang, person, chosen, parallel)
    page.get_by_role("button", name=t(lang, "Register"), exact=True).click()

    expect(page.locator("#error-summary")).to_be_visible()
    email_field = textbox(page, lang, "E-mail address")
    with translation.override(lang):
        invalid_email = gettext("Enter a valid email address.")
        same_time = gettext("“%(a)s” and “%(b)s” take place at the same time. Choose one of them.") % {
            "a": title_in(chosen, lang),
            "b": title_in(parallel, lang),
        }
    expect(field_error(page, "email")).to_have_text(invalid_email)
    assert_error_next_to(page, email_field, field_error(page, "email"))
    expect(email_field).to_have_attribute("aria-invalid", "true")
    expect(field_error(page, "sessions")).to_contain_text(same_time)
    if lang == "ko":
        assert HANGUL.search(invalid_email), "the e-mail error is not in Korean"
        assert HANGUL.search(same_time), "the overlap error is not in Korean"
    expect(email_field).to_have_value(person["typo"])
    expect(textbox(page, lang, "Full name")).to_have_value(person["name"])
    expect(textbox(page, lang, "Organisation")).to_have_value(person["organisation"])
    expect(page.get_by_role("combobox", name=t(lang, "Country"))).to_have_value(person["country"])
    expect(textbox(page, lang, "City")).to_have_value(person["city"])
    expect(page.get_by_role("radio", name=t(lang, "Citizen"), exact=True)).to_be_checked()
    expect(workshop_box(page, chosen, lang)).to_be_checked()
    expect(workshop_box(page, parallel, lang)).to_be_checked()
    expect(page.get_by_role("checkbox", name=consent.PRIVACY.shown(lang).agreement)).to_be_checked()
    expect(page.get_by_role("checkbox", name=consent.NEWS.shown(lang).agreement)).not_to_be_checked()
    assert not Registration.objects.exists()
    check_page(visit, f"register-{lang}-2-errors")

    # Corrected and sent.
    email_field.fill(person["email"])
    workshop_label(page, parallel, lang).click()
    expect(workshop_box(page, parallel, lang)).not_to_be_checked()
    page.get_by_role("button", name=t(lang, "Register"), exact=True).click()

    # "Check your e-mail", naming the address.
    expect(page).to_have_url(re.compile(rf"/{lang}/register/sent/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(t(lang, "Check your e-mail"))
    expect(page.get_by_text(person["email"])).to_be_visible()
    check_page(visit, f"register-{lang}-3-sent")

    registration = Registration.objects.get()
    assert (registration.name, registration.email, registration.language) == (person["name"], person["email"], lang)
    assert registration.status == Status.CONFIRMED
    assert seats(chosen, moved_to) == [before["chosen"] + 1, before["moved_to"]]

    # The e-mail, in the page's language: the QR inline, the calendar attached.
    [message] = received(mailoutbox, person["email"])
    subject = str(message["Subject"]).strip()
    assert registration.code in subject
    if lang == "ko":
        assert HANGUL.search(subject), f"the subject {subject!r} is not in Korean"
    else:
        assert subject.startswith("Registration confirmed"), subject
    assert message["Content-Language"] == lang
    html = message.get_body(preferencelist=("html",))
    images = [part for part in message.walk() if part.get_content_type() == "image/png"]
    assert len(images) == 1, "the e-mail has no inline QR image"
    assert images[0].get_content_disposition() == "inline"
    assert f'src="cid:{images[0]["Content-ID"].strip("<>")}"' in html.get_content()
    assert calendar_titles(message) == [title_in(chosen, lang)]

    # The private link: the registration, its QR ticket and its code.
    path = manage_path(message, lang)
    visit.open(path)
    expect(page.get_by_role("heading", level=1)).to_have_text(t(lang, "Your registration"))
    expect(page.get_by_role("status").filter(has_text=t(lang, "Your registration is confirmed."))).to_be_visible()
    expect(page.get_by_text(person["name"], exact=True)).to_be_visible()
    ticket = page.get_by_role("region", name=t(lang, "Your ticket"))
    expect(ticket.get_by_role("img", name=t(lang, "QR code of your ticket"))).to_be_visible()
    expect(ticket.get_by_text(registration.code, exact=True)).to_be_visible()
    booked = page.locator(".booked-sessions")
    expect(booked).to_contain_text(title_in(chosen, lang))
    check_page(visit, f"register-{lang}-4-manage")

    # The ticket as a PNG image to keep.
    download_link = ticket.get_by_role("link", name=t(lang, "Download the ticket (PNG image)"))
    with page.expect_download() as download_info:
        download_link.click()
    download = download_info.value
    assert download.suggested_filename == f"wego-ticket-{registration.code}.png"
    assert download.path().read_bytes().startswith(b"\x89PNG\r\n\x1a\n")
    png = page.request.get(visit.base_url + download_link.get_attribute("href"))
    assert (png.status, png.headers["content-type"]) == (200, "image/png")

    # Another workshop instead.
    workshop_label(page, chosen, lang).click()
    workshop_label(page, moved_to, lang).click()
    expect(workshop_box(page, chosen, lang)).not_to_be_checked()
    expect(workshop_box(page, moved_to, lang)).to_be_checked()
    page.get_by_role("button", name=t(lang, "Save my sessions")).click()

    expect(page).to_have_url(re.compile(re.escape(path) + "$"))
    expect(page.get_by_text(t(lang, "Your session choices have been saved."))).to_be_visible()
    expect(booked).to_contain_text(title_in(moved_to, lang))
    expect(booked).not_to_contain_text(title_in(chosen, lang))
    held = dict(Booking.objects.filter(registration=registration).values_list("session_id", "status"))
    assert held.get(moved_to.pk) == BookingStatus.CONFIRMED
    assert held.get(chosen.pk, BookingStatus.CANCELLED) == BookingStatus.CANCELLED
    assert seats(chosen, moved_to) == [before["chosen"], before["moved_to"] + 1]
    check_page(visit, f"register-{lang}-5-moved")

    # Cancelled, after a confirmation step.
    page.get_by_role("link", name=t(lang, "Cancel my registration…")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(t(lang, "Cancel your registration?"))
    assert Registration.objects.get().status == Status.CONFIRMED
    check_page(visit, f"register-{lang}-6-confirm-cancel")
    page.get_by_role("button", name=t(lang, "Yes, cancel my registration")).click()

    expect(page).to_have_url(re.compile(re.escape(path) + "$"))
    expect(page.get_by_role("status").filter(has_text=t(lang, "This registration has been cancelled."))).to_be_visible()
    expect(page.get_by_role("img", name=t(lang, "QR code of your ticket"))).to_have_count(0)
    expect(page.locator("svg.ticket-qr")).to_have_count(0)
    expect(page.get_by_role("link", name=t(lang, "Download the ticket (PNG image)"))).to_have_count(0)
    assert page.request.get(png.url).status == 404
    registration.refresh_from_db()
    assert registration.status == Status.CANCELLED
    assert not Booking.objects.filter(registration=registration).exclude(status=BookingStatus.CANCELLED).exists()
    assert seats(chosen, moved_to) == [before["chosen"], before["moved_to"]]
    open_summit.refresh_from_db()
    assert open_summit.seats_taken == event_before
    check_page(visit, f"register-{lang}-7-cancelled")

    # Every change was mailed, in the page's language; the change with the new calendar.
    sent = OutgoingMail.objects.filter(registration=registration).order_by("pk")
    assert list(sent.values_list("kind", "status")) == [
        (MailKind.CONFIRMATION, MailStatus.SENT),
        (MailKind.UPDATED, MailStatus.SENT),
        (MailKind.CANCELLED, MailStatus.SENT),
    ]
    _confirmed, updated, cancelled = received(mailoutbox, person["email"])
    assert [m["Content-Language"] for m in (updated, cancelled)] == [lang, lang]
    assert calendar_titles(updated) == [title_in(moved_to, lang)]
    assert not list(cancelled.iter_attachments())

    assert_only_local_requests(visit.requests, visit.base_url)


# Lost link ------------------------------------------------------------------------


def ask_for_link(visit: E2EPage, lang: str, address: str, *, screenshot: str = "") -> str:
    """Ask for the private link as a person would; return the page's text with
    the address typed replaced, for comparing."""
    page = visit.page
    visit.open(f"/{lang}/register/")
    page.get_by_role("link", name=t(lang, "Already registered? Get the link to your registration again.")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(t(lang, "Get the link to your registration"))
    if screenshot:
        check_page(visit, f"{screenshot}-form")
    textbox(page, lang, "E-mail address").fill(address)
    page.get_by_role("button", name=t(lang, "Send me the link")).click()
    expect(page).to_have_url(re.compile(rf"/{lang}/register/lost/sent/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(t(lang, "Check your e-mail"))
    expect(page.get_by_text(address)).to_be_visible()
    return visit.text().replace(address, "ADDRESS")


@pytest.mark.parametrize("lang", LANGS)
def test_lost_link_page_says_the_same_for_known_and_unknown_addresses(new_page, open_summit, mailoutbox, lang):
    known = PEOPLE[lang]
    person = PersonFactory(name=known["name"], email=known["email"], country=known["country"], language=lang)
    services.register(event=open_summit, person=person, session_ids=[])
    mailoutbox.clear()
    visit = new_page(lang)

    for_known = ask_for_link(visit, lang, known["email"].upper(), screenshot=f"lost-{lang}")
    check_page(visit, f"lost-{lang}-sent")
    for_unknown = ask_for_link(visit, lang, "nobody@example.org")

    assert for_known == for_unknown
    queued = OutgoingMail.objects.filter(kind=MailKind.MANAGE_LINK)
    assert [m.to_email for m in queued] == [known["email"]]
    [message] = received(mailoutbox, known["email"])
    assert message["Content-Language"] == lang
    assert not received(mailoutbox, "nobody@example.org")
    registration = Registration.objects.get()
    assert manage_path(message, lang).endswith(f"/manage/{registration.manage_secret}/")
    assert_no_browser_errors(visit)
    assert_only_local_requests(visit.requests, visit.base_url)
