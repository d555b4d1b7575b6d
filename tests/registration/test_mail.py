"""registration.mail: each outbox row becomes an e-mail in the attendee's
language; the confirmation carries the QR code as an inline (cid:) image, an
.ics of the booked sessions, the registration code and the private link."""

import email
import email.policy

import icalendar
import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from registration import outbox, services
from registration.delegations.models import Mailing
from registration.mail import build_message
from registration.models import MailKind, OutgoingMail
from tests.factories import EventFactory, PersonFactory, RoomFactory, WorkshopFactory, seoul
from tests.registration.test_tickets import png_matrix, qr_matrix

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("no_mail_after_commit")]


@pytest.fixture
def event():
    return EventFactory(slug="wego-2010", name_en="WeGO General Assembly", name_ko="WeGO 창립총회")


@pytest.fixture
def workshop(event):
    return WorkshopFactory(
        event=event,
        slug="workshop-2",
        title_en="Workshop 2: Open data",
        title_ko="워크숍 2: 공공 데이터 개방",
        room=RoomFactory(event=event, name_en="Room A", name_ko="A실"),
        starts_at=seoul(2010, 9, 8, 14, 0),
        ends_at=seoul(2010, 9, 8, 17, 30),
        capacity=1,
    )


def register(event, sessions=(), **person):
    details = PersonFactory(**person)
    return services.register(event=event, person=details, session_ids=[s.pk for s in sessions]).registration


def sent_to(mailoutbox, address):
    """Send what is due and return the one message sent to `address`, as it
    would arrive: serialised and parsed back."""
    outbox.deliver_due()
    [message] = [m for m in mailoutbox if m.to == [address]]
    return email.message_from_bytes(message.message().as_bytes(), policy=email.policy.default)


def manage_url(registration, language):
    with translation.override(language):
        return settings.SITE_URL + reverse("registration:manage", kwargs={"secret": registration.manage_secret})


def subject(message) -> str:
    # A long header is folded on the wire and may come back with a leading blank.
    return str(message["Subject"]).strip()


def parts(message) -> dict[str, object]:
    return {part.get_content_type(): part for part in message.walk()}


# The confirmation ----------------------------------------------------------------


def test_confirmation_has_the_qr_as_a_related_inline_image(event, workshop, mailoutbox):
    registration = register(event, [workshop], email="ana@example.org", language="en")

    message = sent_to(mailoutbox, "ana@example.org")

    assert message.get_content_type() == "multipart/mixed"
    body, calendar = message.iter_parts()
    assert body.get_content_type() == "multipart/alternative"
    plain, related = body.iter_parts()
    assert plain.get_content_type() == "text/plain"
    assert related.get_content_type() == "multipart/related"
    html_part, image = related.iter_parts()
    assert html_part.get_content_type() == "text/html"
    assert image.get_content_type() == "image/png"
    assert image.get_content_disposition() == "inline"
    content_id = image["Content-ID"]
    assert content_id.startswith("<")
    assert content_id.endswith(">")
    html = html_part.get_content()
    assert f'src="cid:{content_id[1:-1]}"' in html
    assert "data:" not in html
    assert png_matrix(image.get_content()) == qr_matrix(registration.ticket_secret)
    assert calendar.get_content_type() == "text/calendar"


def test_confirmation_has_an_ics_of_the_booked_workshop(event, workshop, mailoutbox):
    registration = register(event, [workshop], email="ana@example.org", language="en")

    message = sent_to(mailoutbox, "ana@example.org")

    [attachment] = list(message.iter_attachments())
    assert attachment.get_content_type() == "text/calendar"
    assert attachment.get_filename() == f"wego-2010-{registration.code}.ics"
    calendar = icalendar.Calendar.from_ical(attachment.get_content())
    assert [tz["TZID"] for tz in calendar.walk("VTIMEZONE")] == ["Asia/Seoul"]
    [vevent] = calendar.walk("VEVENT")
    assert str(vevent["SUMMARY"]) == "Workshop 2: Open data"
    assert vevent["DTSTART"].params["TZID"] == "Asia/Seoul"
    assert b"DTSTART;TZID=Asia/Seoul:20100908T140000" in attachment.get_content().encode()


def test_confirmation_in_english_has_code_link_and_sessions(event, workshop, mailoutbox):
    registration = register(event, [workshop], name="Ana Lima", email="ana@example.org", language="en")

    message = sent_to(mailoutbox, "ana@example.org")

    assert subject(message) == f"Registration confirmed: WeGO General Assembly ({registration.code})"
    assert message["To"] == "ana@example.org"
    assert message["Content-Language"] == "en"
    assert message["Auto-Submitted"] == "auto-generated"
    content = parts(message)
    text = content["text/plain"].get_content()
    html = content["text/html"].get_content()
    link = manage_url(registration, "en")
    assert link.startswith(settings.SITE_URL + "/en/")
    for body in (text, html):
        assert "Dear Ana Lima," in body
        assert "Your registration for WeGO General Assembly is confirmed." in body
        assert registration.code in body
        assert "Workshop 2: Open data" in body
    assert "14:00–17:30" in text
    assert "14:00</time>–17:30" in html
    assert link in text
    assert f'href="{link}"' in html
    assert '<html lang="en">' in html
    assert 'alt="QR code of your ticket (registration code ' in html
    assert registration.ticket_secret not in text + html  # the secret travels only inside the QR image


def test_confirmation_in_korean(event, workshop, mailoutbox):
    registration = register(event, [workshop], email="minjun@example.org", name="김민준", language="ko")

    message = sent_to(mailoutbox, "minjun@example.org")

    assert "WeGO 창립총회" in subject(message)
    assert registration.code in subject(message)
    assert message["Content-Language"] == "ko"
    content = parts(message)
    html = content["text/html"].get_content()
    text = content["text/plain"].get_content()
    assert '<html lang="ko">' in html
    assert manage_url(registration, "ko") in text
    assert manage_url(registration, "ko").startswith(settings.SITE_URL + "/ko/")
    assert "김민준" in text
    assert "워크숍 2: 공공 데이터 개방" in html
    [attachment] = list(message.iter_attachments())
    assert "SUMMARY:워크숍 2: 공공 데이터 개방" in attachment.get_content()


def test_plain_text_part_is_not_html_escaped(event, mailoutbox):
    register(event, name="Anne O'Brien & Sons", email="anne@example.org")

    content = parts(sent_to(mailoutbox, "anne@example.org"))

    assert "Dear Anne O'Brien & Sons," in content["text/plain"].get_content()
    assert "Dear Anne O&#x27;Brien &amp; Sons," in content["text/html"].get_content()


def test_waitlisted_session_is_listed_without_a_calendar_file(event, workshop, mailoutbox):
    register(event, [workshop], email="first@example.org")
    register(event, [workshop], email="second@example.org", language="en")

    message = sent_to(mailoutbox, "second@example.org")

    assert list(message.iter_attachments()) == []
    text = parts(message)["text/plain"].get_content()
    assert "On the waiting list" in text
    assert "Workshop 2: Open data" in text
    assert "Your booked sessions" not in text


# The other kinds -------------------------------------------------------------------


def test_pending_registration_is_told_so_and_gets_no_ticket_yet(event, workshop, mailoutbox):
    registration = register(event, [workshop], email="press@example.org", category="press", language="en")

    message = sent_to(mailoutbox, "press@example.org")

    assert subject(message) == f"Registration received, awaiting approval: WeGO General Assembly ({registration.code})"
    assert "multipart/related" not in parts(message)
    assert "image/png" not in parts(message)
    assert list(message.iter_attachments()) == []
    text = parts(message)["text/plain"].get_content()
    assert "Registrations as “Press” are confirmed by an organiser" in text
    assert manage_url(registration, "en") in text


def test_approval_sends_the_ticket(event, workshop, mailoutbox):
    registration = register(event, [workshop], email="press@example.org", category="press", language="en")
    outbox.deliver_due()
    mailoutbox.clear()

    services.approve(registration=registration)
    message = sent_to(mailoutbox, "press@example.org")

    assert subject(message) == f"Registration approved: WeGO General Assembly ({registration.code})"
    [image] = [part for part in message.walk() if part.get_content_type() == "image/png"]
    assert png_matrix(image.get_content()) == qr_matrix(registration.ticket_secret)
    assert [a.get_content_type() for a in message.iter_attachments()] == ["text/calendar"]


def test_promotion_from_a_session_waiting_list_names_the_session(event, workshop, mailoutbox):
    first = register(event, [workshop], email="first@example.org")
    second = register(event, [workshop], email="second@example.org", language="en")
    outbox.deliver_due()
    mailoutbox.clear()

    services.cancel(registration=first)
    message = sent_to(mailoutbox, "second@example.org")

    assert subject(message) == f"A seat has become free for you: WeGO General Assembly ({second.code})"
    text = parts(message)["text/plain"].get_content()
    assert "a seat has become free in “Workshop 2: Open data”, and it is now yours" in text
    assert "image/png" in parts(message)
    [attachment] = list(message.iter_attachments())
    assert "Workshop 2: Open data" in attachment.get_content()


def test_existing_address_gets_its_link_and_no_ticket(event, mailoutbox):
    registration = register(event, email="ana@example.org", language="en")
    outbox.deliver_due()
    mailoutbox.clear()

    again = services.register(event=event, person=PersonFactory(email="ANA@example.org"), session_ids=[])
    message = sent_to(mailoutbox, "ANA@example.org")

    assert again.registration == registration
    assert subject(message) == "Your existing registration for WeGO General Assembly"
    text = parts(message)["text/plain"].get_content()
    assert "This address is already registered, so no new registration was made." in text
    assert manage_url(registration, "en") in text
    assert "image/png" not in parts(message)


def test_cancellation_mail_has_no_ticket_and_no_link(event, workshop, mailoutbox):
    registration = register(event, [workshop], email="ana@example.org", language="en")
    outbox.deliver_due()
    mailoutbox.clear()

    services.cancel(registration=registration)
    message = sent_to(mailoutbox, "ana@example.org")

    assert subject(message) == f"Registration cancelled: WeGO General Assembly ({registration.code})"
    assert "image/png" not in parts(message)
    assert registration.manage_secret not in message.as_string()


def test_a_confirmation_rendered_after_cancelling_carries_no_ticket(event, workshop):
    registration = register(event, [workshop], email="ana@example.org", language="en")
    confirmation = OutgoingMail.objects.get(registration=registration, kind=MailKind.CONFIRMATION)
    services.cancel(registration=registration)
    confirmation.refresh_from_db()

    message = build_message(confirmation)

    assert message.related == []
    assert message.attachments == []
    assert "this registration has since been cancelled" in message.body


@pytest.mark.parametrize("language", ["ko", "en"])
@pytest.mark.parametrize("kind", MailKind.values)
def test_every_kind_renders_in_both_languages(event, workshop, kind, language):
    registration = register(event, [workshop], email="ana@example.org", language=language)
    context = {"session_slug": workshop.slug}
    if kind == MailKind.MAILING:  # an organisers' mailing is rendered from its record
        texts = {"subject_ko": "안내", "body_ko": "본문", "subject_en": "Notice", "body_en": "Body"}
        context["mailing"] = Mailing.objects.create(**texts).pk
    mail = outbox.queue(kind=kind, registration=registration, context=context)

    message = build_message(mail)
    wire = message.message().as_bytes()

    assert message.to == ["ana@example.org"]
    assert message.subject.strip()
    assert "\n" not in message.subject
    [(html, mimetype)] = message.alternatives
    assert mimetype == "text/html"
    assert f'<html lang="{language}">' in html
    for body in (message.body, html):
        assert "{{" not in body
        assert "{%" not in body
        assert registration.code in body
    with_ticket = kind in {"confirmation", "approved", "promoted", "updated"}
    assert (b"Content-Type: multipart/related" in wire) is with_ticket
    assert ("cid:" in html) is with_ticket
    assert "data:" not in html


def test_mail_without_a_registration_is_still_a_polite_message(event):
    mail = OutgoingMail.objects.create(kind=MailKind.MANAGE_LINK, to_email="ghost@example.org", language="en")

    message = build_message(mail)

    assert message.to == ["ghost@example.org"]
    assert message.subject == "No registration found: WeGO General Assembly"
    assert "We have no registration with this e-mail address" in message.body
    assert message.related == []
    message.message().as_bytes()


@pytest.mark.parametrize(("language", "dates"), [("en", "September 6–8, 2010"), ("ko", "2010년 9월 6일~8일")])
def test_the_event_dates_are_written_as_the_pages_write_them(language, dates, mailoutbox):
    """One date style per language: the mail's event line uses the pages' date range,
    not two full dates ("September 6, 2010 – September 8, 2010")."""
    event = EventFactory(start_date=seoul(2010, 9, 6, 9, 0).date(), end_date=seoul(2010, 9, 8, 9, 0).date())
    register(event, email="dates@example.org", language=language)

    message = sent_to(mailoutbox, "dates@example.org")

    for body in (parts(message)["text/plain"].get_content(), parts(message)["text/html"].get_content()):
        assert f": {dates}, " in body
        assert "2010 – " not in body
        assert "일 – 2010" not in body
