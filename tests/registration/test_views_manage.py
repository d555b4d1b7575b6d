"""The private manage page (see, change, cancel, ticket) and the "lost my link"
page, through the Django test client, in Korean and English. Services are real
(nothing mocked); the clock is frozen (tests/registration/conftest.py)."""

import re
from datetime import timedelta

import pytest
from django.utils import translation

from events.models import Event
from registration import consent, services
from registration.models import (
    BookingStatus,
    Consent,
    ConsentKind,
    MailKind,
    OutgoingMail,
    Registration,
    Status,
)
from tests.factories import EventFactory
from tests.registration.conftest import NOW
from tests.registration.pages import (
    assert_private,
    error_text,
    in_language,
    manage_url,
    register_directly,
    submit,
    text,
    url,
    valid_data,
    without_csrf,
)

LANGS = ["ko", "en"]


# Manage page -------------------------------------------------------------------------


@pytest.mark.parametrize("lang", LANGS)
def test_manage_page_shows_registration_ticket_and_forms(client, clock, workshops, lang):
    registration = register_directly(workshops[0].event, sessions=[workshops[0]], name="Ana Lima", phone="")

    response = client.get(manage_url(registration, lang=lang))

    assert response.status_code == 200
    assert_private(response)
    page, html = text(response), response.content.decode()
    assert registration.code in page
    assert "Ana Lima" in page
    assert in_language(lang, "Your registration is confirmed.") in page
    assert '<svg role="img"' in html
    assert 'class="ticket-qr"' in html
    assert url("ticket_png", lang, secret=registration.manage_secret) in html
    assert url("manage_sessions", lang, secret=registration.manage_secret) in html
    assert url("manage_details", lang, secret=registration.manage_secret) in html
    assert url("cancel", lang, secret=registration.manage_secret) in html
    with translation.override(lang):
        assert workshops[0].title in page
    assert registration.ticket_secret not in html  # only inside the QR's pixels


def test_manage_page_explains_pending_approval(client, clock, open_event):
    registration = register_directly(open_event, category="press")

    response = client.get(manage_url(registration))
    page = text(response)

    assert "Your registration is awaiting approval." in page
    assert "confirmed once an organiser has approved them" in page
    assert "Your ticket appears here, and is e-mailed to you, as soon as your place is confirmed." in page
    assert 'class="ticket-qr' not in response.content.decode()
    assert registration.code in page  # for phone support
    assert client.get(manage_url(registration, "ticket_png")).status_code == 404


def test_manage_page_explains_the_waiting_list(client, clock, open_event):
    Event.objects.filter(pk=open_event.pk).update(capacity=1)
    register_directly(open_event)
    waiting = register_directly(open_event)

    page = text(client.get(manage_url(waiting)))

    assert waiting.status == Status.WAITLISTED
    assert "You are on the waiting list." in page
    assert "Your ticket appears here, and is e-mailed to you, as soon as your place is confirmed." in page
    assert client.get(manage_url(waiting, "ticket_png")).status_code == 404


@pytest.mark.parametrize("path", ["manage", "cancel", "ticket_png"])
def test_unknown_secret_is_not_found(client, db, path):
    response = client.get(url(path, secret="not-a-secret"))

    assert response.status_code == 404
    assert "This private link does not work" in text(response)


@pytest.mark.parametrize("path", ["manage_details", "manage_sessions", "cancel"])
def test_posting_to_an_unknown_secret_is_not_found(client, db, path):
    assert client.post(url(path, secret="x" * 500), {"x": "y"}).status_code == 404


def test_change_workshop_moves_the_booking(client, clock, workshops):
    registration = register_directly(workshops[0].event, sessions=[workshops[0]])

    response = client.post(manage_url(registration, "manage_sessions"), {"sessions-sessions": [workshops[1].pk]})

    assert response.status_code == 302
    assert response["Location"] == manage_url(registration)
    assert_private(response)
    statuses = dict(registration.bookings.values_list("session_id", "status"))
    assert statuses == {workshops[0].pk: BookingStatus.CANCELLED, workshops[1].pk: BookingStatus.CONFIRMED}
    workshops[0].refresh_from_db()
    workshops[1].refresh_from_db()
    assert (workshops[0].seats_booked, workshops[1].seats_booked) == (0, 1)
    assert OutgoingMail.objects.filter(kind=MailKind.UPDATED).count() == 1
    assert "Your session choices have been saved." in text(client.get(response["Location"]))


def test_change_to_a_full_workshop_joins_its_waiting_list(client, clock, workshops):
    full = workshops[1]
    full.capacity = 1
    full.save(update_fields=["capacity"])
    register_directly(full.event, sessions=[full])
    registration = register_directly(full.event, sessions=[workshops[0]])

    response = client.post(manage_url(registration, "manage_sessions"), {"sessions-sessions": [full.pk]}, follow=True)

    assert registration.bookings.get(session=full).status == BookingStatus.WAITLISTED
    assert "“GIS” is full: you are on its waiting list" in text(response)


def test_change_to_overlapping_workshops_is_refused(client, clock, workshops):
    registration = register_directly(workshops[0].event, sessions=[workshops[0]])

    response = client.post(
        manage_url(registration, "manage_sessions"), {"sessions-sessions": [workshops[0].pk, workshops[1].pk]}
    )

    assert response.status_code == 200
    assert "take place at the same time" in error_text(response, "sessions-sessions")
    assert list(registration.bookings.values_list("session_id", flat=True)) == [workshops[0].pk]


def test_manage_page_does_not_offer_delegates_only_sessions_to_citizens(client, clock, workshops, delegates_session):
    citizen = register_directly(delegates_session.event)
    delegate = register_directly(delegates_session.event, category="delegate")

    citizen_page = client.get(manage_url(citizen))
    refused = client.post(manage_url(citizen, "manage_sessions"), {"sessions-sessions": [delegates_session.pk]})

    assert "Delegates' briefing" not in text(citizen_page)
    assert "is not one of the available choices" in error_text(refused, "sessions-sessions")
    assert not citizen.bookings.exists()
    assert "Delegates' briefing" in text(client.get(manage_url(delegate)))


def test_change_details(client, clock, open_event):
    registration = register_directly(open_event, email="ana@example.org", language="en")
    data = {
        "details-name": "Ana Lima",
        "details-organisation": "Prefeitura de São Paulo",
        "details-job_title": "CIO",
        "details-country": "BR",
        "details-city": "São Paulo",
        "details-phone": "+55 11 3113-8000",
        "details-language": "ko",
        "details-needs": "Vegetarian",
        "details-sensitive_consent": "on",
        "details-email": "attacker@example.org",
        "email": "attacker@example.org",
        "details-category": "delegate",
    }

    response = client.post(manage_url(registration, "manage_details"), data)

    assert response.status_code == 302
    registration.refresh_from_db()
    assert (registration.name, registration.city, registration.country.code) == ("Ana Lima", "São Paulo", "BR")
    assert registration.phone == "+551131138000"
    assert registration.language == "ko"
    assert registration.email == "ana@example.org"
    assert registration.category == "citizen"
    assert registration.needs == "Vegetarian"
    assert registration.consents.filter(kind="sensitive", granted=True).count() == 1
    assert "Your details have been saved." in text(client.get(response["Location"]))


def test_change_details_error_keeps_what_was_typed(client, clock, open_event):
    registration = register_directly(open_event, name="Ana")

    response = client.post(
        manage_url(registration, "manage_details"),
        {"details-name": "", "details-city": "Curitiba", "details-country": "BR", "details-language": "en"},
    )

    assert response.status_code == 200
    assert error_text(response, "details-name")
    assert 'value="Curitiba"' in response.content.decode()
    registration.refresh_from_db()
    assert registration.name == "Ana"


def test_cancel_asks_first_then_frees_the_seat_and_promotes_the_waiting_list(client, clock, workshops):
    workshop = workshops[0]
    workshop.capacity = 1
    workshop.save(update_fields=["capacity"])
    registration = register_directly(workshop.event, sessions=[workshop])
    waiting = register_directly(workshop.event, sessions=[workshop])

    confirm = client.get(manage_url(registration, "cancel"))

    assert confirm.status_code == 200
    assert_private(confirm)
    assert "Yes, cancel my registration" in text(confirm)
    registration.refresh_from_db()
    assert registration.status == Status.CONFIRMED

    response = client.post(manage_url(registration, "cancel"))

    assert response["Location"] == manage_url(registration)
    registration.refresh_from_db()
    assert registration.status == Status.CANCELLED
    workshop.refresh_from_db()
    assert workshop.seats_booked == 1
    assert waiting.bookings.get().status == BookingStatus.CONFIRMED
    assert OutgoingMail.objects.filter(kind=MailKind.CANCELLED, registration=registration).count() == 1
    assert OutgoingMail.objects.filter(kind=MailKind.PROMOTED, registration=waiting).count() == 1

    page = client.get(response["Location"])

    assert "This registration has been cancelled." in text(page)
    assert "<svg" not in page.content.decode()
    assert manage_url(registration, "ticket_png") not in page.content.decode()
    assert client.get(manage_url(registration, "ticket_png")).status_code == 404


def test_cancelled_registration_cannot_be_changed(client, clock, workshops):
    registration = register_directly(workshops[0].event)
    services.cancel(registration=registration)

    response = client.post(manage_url(registration, "manage_sessions"), {"sessions-sessions": [workshops[0].pk]})

    assert response["Location"] == manage_url(registration)
    assert not registration.bookings.exists()
    assert client.get(manage_url(registration, "cancel"))["Location"] == manage_url(registration)


def test_rejected_registration_shows_no_ticket(client, clock, open_event):
    registration = register_directly(open_event, category="delegate")
    services.reject(registration=registration)

    response = client.get(manage_url(registration))

    assert "This registration was not approved." in text(response)
    assert "<svg" not in response.content.decode()
    assert client.get(manage_url(registration, "ticket_png")).status_code == 404


@pytest.mark.parametrize("lang", LANGS)
def test_news_consent_can_be_withdrawn_and_given_again_on_the_manage_page(client, clock, open_event, lang):
    submit(client, clock, valid_data(news_consent="on"), lang=lang)
    registration = Registration.objects.get()
    page = client.get(manage_url(registration, lang=lang)).content.decode()
    assert re.search(r'<input type="checkbox" name="news-news_consent"[^>]*\bchecked\b', page)

    clock.shift(60)
    withdrawn = client.post(manage_url(registration, "manage_news", lang=lang), {}, follow=True)
    clock.shift(60)
    client.post(manage_url(registration, "manage_news", lang=lang), {})  # unchanged: nothing recorded
    history = list(
        Consent.objects.filter(registration=registration, kind=ConsentKind.NEWS)
        .order_by("given_at")
        .values_list("granted", "given_at", "language", "text_version")
    )

    assert in_language(lang, "Saved: you will not receive news from WeGO.") in text(withdrawn)
    assert in_language(lang, "You do not receive news from WeGO. To receive it, tick the box and save.") in text(
        withdrawn
    )
    assert not re.search(r'name="news-news_consent"[^>]*\bchecked\b', withdrawn.content.decode())
    assert history == [
        (True, NOW + timedelta(seconds=5), lang, consent.NEWS.version),
        (False, NOW + timedelta(seconds=65), lang, consent.NEWS.version),
    ]
    assert services.news_consent_granted(registration) is False

    client.post(manage_url(registration, "manage_news", lang=lang), {"news-news_consent": "on"})

    assert services.news_consent_granted(registration) is True
    assert Consent.objects.filter(registration=registration, kind=ConsentKind.NEWS).count() == 3


def test_news_consent_can_be_withdrawn_after_cancelling(client, clock, open_event):
    submit(client, clock, valid_data(news_consent="on"))
    registration = Registration.objects.get()
    services.cancel(registration=registration)

    client.post(manage_url(registration, "manage_news"), {})

    assert services.news_consent_granted(registration) is False


def test_ticket_png_downloads_a_png(client, clock, open_event):
    registration = register_directly(open_event)

    response = client.get(manage_url(registration, "ticket_png"))

    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response.content.startswith(b"\x89PNG\r\n\x1a\n")
    assert response["Content-Disposition"] == f'attachment; filename="wego-ticket-{registration.code}.png"'
    assert_private(response)


# Lost link ---------------------------------------------------------------------------


@pytest.mark.parametrize("lang", LANGS)
def test_lost_link_page_says_the_same_whether_or_not_the_address_is_registered(client, clock, open_event, lang):
    registration = register_directly(open_event, email="Known@Example.org")
    OutgoingMail.objects.all().delete()

    known = client.post(url("lost", lang), {"email": "known@example.org"}, follow=True)
    unknown = client.post(url("lost", lang), {"email": "nobody@example.org"}, follow=True)

    assert known.redirect_chain == unknown.redirect_chain == [(url("lost_sent", lang), 302)]
    masked_known = without_csrf(known.content).replace(b"known@example.org", b"ADDRESS")
    masked_unknown = without_csrf(unknown.content).replace(b"nobody@example.org", b"ADDRESS")
    assert masked_known == masked_unknown
    assert "known@example.org" in text(known)
    mail = OutgoingMail.objects.get()
    assert (mail.kind, mail.registration, mail.to_email) == (MailKind.MANAGE_LINK, registration, "Known@Example.org")


def test_lost_link_invalid_address_gives_a_field_error(client, db, open_event):
    response = client.post(url("lost"), {"email": "not an address"})

    assert response.status_code == 200
    assert error_text(response, "email") == "Enter a valid email address."
    assert 'value="not an address"' in response.content.decode()
    assert not OutgoingMail.objects.exists()


def test_lost_link_only_looks_in_the_current_event(client, clock, open_event):
    register_directly(EventFactory(slug="old", is_current=False, registration_closes_at=None), email="old@example.org")
    OutgoingMail.objects.all().delete()

    client.post(url("lost"), {"email": "old@example.org"})

    assert not OutgoingMail.objects.exists()
