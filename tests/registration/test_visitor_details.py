"""What people read: the organisers' contact address (the edition's setting) in
the footer, the mails and the "write to the organisers" pages; one name for the
event in a mail's subject and body; a lost-link mail for a cancelled registration
offers no ticket; the ticket image's dates in the reader's language; the
"check your e-mail" page says what happens next and how to correct the address."""

import pytest
from django.urls import reverse
from django.utils import translation

from registration import outbox, services, tickets
from registration.models import MailKind, OutgoingMail
from tests.factories import EventFactory, PersonFactory
from tests.registration.pages import submit, text, valid_data

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("no_mail_after_commit")]

CONTACT = "wego2010@we-gov.org"


@pytest.fixture
def event():
    return EventFactory(
        slug="wego-2010",
        name_en="WeGO Founding General Assembly",
        name_ko="세계도시 전자정부 협의체(WeGO) 창립총회",
        short_name_en="WeGO General Assembly",
        short_name_ko="WeGO 창립총회",
        contact_email=CONTACT,
    )


def register(event, **person):
    return services.register(event=event, person=PersonFactory(**person), session_ids=[]).registration


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_every_mail_names_the_event_once_and_gives_the_organisers_address(event, mailoutbox, lang):
    registration = register(event, email="ana@example.org", language=lang)
    outbox.deliver_due()
    services.cancel(registration=registration)
    outbox.deliver_due()

    assert len(mailoutbox) == 2
    name = event.name_ko if lang == "ko" else event.name_en
    short = event.short_name_ko if lang == "ko" else event.short_name_en
    for message in mailoutbox:
        html = message.alternatives[0].content
        assert name in message.subject
        assert name in message.body
        assert short not in message.subject.replace(name, "")
        assert CONTACT in message.body
        assert f'href="mailto:{CONTACT}"' in html
        assert message.reply_to == [CONTACT]


def test_without_a_contact_address_mails_say_replies_are_not_read(mailoutbox):
    event = EventFactory(contact_email="")
    register(event, email="bo@example.org", language="en")
    outbox.deliver_due()

    [message] = mailoutbox
    assert "replies are not read" in message.body
    assert message.reply_to == []


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_the_lost_link_mail_of_a_cancelled_registration_offers_no_ticket(event, mailoutbox, lang):
    registration = register(event, email="ana@example.org", language=lang)
    services.cancel(registration=registration)
    OutgoingMail.objects.all().delete()
    outbox.queue(kind=MailKind.MANAGE_LINK, registration=registration)
    outbox.deliver_due()

    [message] = mailoutbox
    with translation.override(lang):
        no_ticket = translation.gettext("This registration has been cancelled, so there is no ticket.")
        offers_ticket = translation.gettext(
            "On your private registration page you can see your ticket, change your details and sessions, or cancel:"
        )
    assert no_ticket in message.body
    assert offers_ticket not in message.body
    assert "ticket.png" not in message.body
    assert message.attachments == []


@pytest.mark.parametrize(("lang", "dates"), [("en", "September 6–8, 2010"), ("ko", "2010년 9월 6일~8일")])
def test_the_ticket_image_dates_are_in_the_readers_language(event, monkeypatch, lang, dates):
    registration = register(event, email="ana@example.org")
    drawn = []
    original = tickets._Canvas.text

    def recording(self, candidates, *args, **kwargs):
        drawn.append(list(candidates))
        return original(self, candidates, *args, **kwargs)

    monkeypatch.setattr(tickets._Canvas, "text", recording)
    with translation.override(lang):
        tickets.ticket_png(registration)

    date_lines = [candidates for candidates in drawn if any("2010" in c for c in candidates)]
    assert date_lines[0][1] == dates


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_the_footer_gives_the_organisers_address(client, event, lang):
    page = client.get(f"/{lang}/").content.decode()

    assert f'<a href="mailto:{CONTACT}">{CONTACT}</a>' in page


def test_a_page_that_says_write_to_the_organisers_gives_their_address(client, event):
    registration = register(event, email="ana@example.org", language="en")
    with translation.override("en"):
        manage = reverse("registration:manage", kwargs={"secret": registration.manage_secret})

    page = text(client.get(manage))

    # The details form: "To change your e-mail address ..., please write to the organisers."
    assert "please write to the organisers. Their address: " + CONTACT in page


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_the_sent_page_says_what_happens_next_and_how_to_correct_the_address(client, clock, open_event, lang):
    with translation.override(lang):
        path = reverse("registration:sent")
        start = reverse("registration:start")
        next_heading = translation.gettext("What happens next")
        again = translation.gettext("Register again with the right address")
    registered = submit(client, clock, valid_data(email="ana@exmaple.org"), lang=lang)
    assert registered["Location"] == path

    response = client.get(path)

    html = response.content.decode()
    assert next_heading in html
    assert html.count("ana@exmaple.org") == 2  # in the text, and in the correction form's field to edit
    with translation.override(lang):
        assert (
            translation.gettext(
                "If the address has a typo, the e-mail cannot reach you. Correct it here within 30 minutes of "
                "registering, in this browser: your registration then keeps its place and seats, and the e-mail "
                "goes to the right address."
            )
            in html
        )
        assert translation.gettext("Correct the address") in html
    assert f'href="{start}">{again}</a>' in html
