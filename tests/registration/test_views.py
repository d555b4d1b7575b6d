"""The public registration pages, through the Django test client, in Korean
and English: the form, the "check your e-mail" page, the private manage page
and the "lost my link" page. Services are real (nothing mocked); the clock is
frozen (tests/registration/conftest.py) and moved past the minimum fill time."""

import re
from datetime import timedelta

import pytest
from django.utils import translation

from events.models import Event
from registration import consent, formcache, services
from registration.models import (
    Booking,
    BookingStatus,
    Consent,
    ConsentKind,
    MailKind,
    OutgoingMail,
    Registration,
    Status,
)
from tests.factories import EventFactory, WorkshopFactory, seoul
from tests.registration.conftest import NOW
from tests.registration.pages import (
    error_text,
    in_language,
    open_form,
    register_directly,
    submit,
    text,
    url,
    valid_data,
    without_csrf,
)

LANGS = ["ko", "en"]


# The form -------------------------------------------------------------------------------


@pytest.mark.parametrize("lang", LANGS)
def test_form_shows_fields_sessions_and_consent_in_page_language(client, clock, workshops, delegates_session, lang):
    response = client.get(url("start", lang))

    assert response.status_code == 200
    page = text(response)
    privacy, news = consent.PRIVACY.shown(lang), consent.NEWS.shown(lang)
    for shown in (privacy, news):
        assert shown.title in page
        assert shown.agreement in page
        for clause in shown.clauses:
            assert clause.heading in page
            assert clause.body in page
    html = response.content.decode()
    assert f'data-consent-version="{consent.PRIVACY.version}"' in html
    assert re.search(r'<input type="checkbox" name="privacy_consent"[^>]*\brequired\b', html)
    assert not re.search(r'<input type="checkbox" name="news_consent"[^>]*\bchecked\b', html)
    with translation.override(lang):
        workshop_title, delegates_title = workshops[0].title, delegates_session.title
    assert workshop_title in page
    assert delegates_title in page
    assert in_language(lang, "city delegates only") in page
    assert 'data-delegates-only="true"' in html
    assert "09:30–12:00" in page  # Seoul time
    assert '<input type="hidden" name="form_stamp"' in html
    assert re.search(
        r'<input type="text" name="website" id="id_website" value="" tabindex="-1" autocomplete="off">', html
    )
    assert '<div class="visually-hidden" aria-hidden="true">' in html
    # The e-mail language defaults to the page's language.
    assert re.search(rf'<input type="radio"[^>]*name="language" value="{lang}"[^>]*checked', html)
    assert response["Cache-Control"] == "private, no-store"


def test_form_shows_seats_left_and_full_sessions(client, clock, open_event):
    WorkshopFactory(event=open_event, title_en="Almost full", capacity=2, seats_booked=1)
    WorkshopFactory(event=open_event, title_en="Full", capacity=1, seats_booked=1, starts_at=seoul(2010, 9, 7, 9, 0))

    page = text(client.get(url("start", "en")))

    assert "Almost full · September 8 09:30–12:00" in page
    assert "1 seat left" in page
    assert "Full · September 7 09:00–12:00" in page
    assert "full — you will join the waiting list" in page


def test_form_says_when_the_event_is_full(client, clock, open_event):
    Event.objects.filter(pk=open_event.pk).update(capacity=1)
    assert "The event is full." not in text(client.get(url("start")))
    Event.objects.filter(pk=open_event.pk).update(seats_taken=1)
    clock.shift(formcache.MAX_AGE)  # the shared form's counts are at most this old

    assert "The event is full. You can still register: you join the waiting list" in text(client.get(url("start")))


@pytest.mark.parametrize("lang", LANGS)
def test_full_journey_registers_queues_confirmation_and_redirects(client, clock, workshops, lang):
    data = valid_data(language=lang, sessions=[workshops[1].pk], news_consent="on")

    response = submit(client, clock, data, lang=lang)

    assert response.status_code == 302
    assert response["Location"] == url("sent", lang)
    registration = Registration.objects.get()
    assert registration.event.slug == "wego-2010"
    assert registration.name == "김민준"
    assert registration.email == "minjun@example.org"
    assert registration.organisation == "서울특별시"
    assert registration.country.code == "KR"
    assert registration.phone == "+821012345678"
    assert registration.language == lang
    assert registration.category == "citizen"
    assert registration.status == Status.CONFIRMED
    assert [(b.session, b.status) for b in registration.bookings.all()] == [(workshops[1], BookingStatus.CONFIRMED)]
    consents = {c.kind: c for c in Consent.objects.filter(registration=registration)}
    assert consents[ConsentKind.PRIVACY].granted is True
    assert consents[ConsentKind.PRIVACY].text_version == consent.PRIVACY.version
    assert consents[ConsentKind.PRIVACY].given_at == NOW + timedelta(seconds=5)
    assert consents[ConsentKind.NEWS].granted is True
    assert consents[ConsentKind.NEWS].text_version == consent.NEWS.version
    assert list(OutgoingMail.objects.values_list("kind", "to_email")) == [(MailKind.CONFIRMATION, "minjun@example.org")]

    sent = client.get(response["Location"])

    assert sent.status_code == 200
    assert in_language(lang, "Check your e-mail") in text(sent)
    assert "minjun@example.org" in text(sent)
    assert registration.code not in sent.content.decode()
    assert registration.manage_secret not in sent.content.decode()
    assert sent["Cache-Control"] == "private, no-store"


@pytest.mark.parametrize(("page", "mail"), [("en", "ko"), ("ko", "en")])
def test_consent_records_the_language_its_text_was_shown_in(client, clock, open_event, page, mail):
    submit(client, clock, valid_data(language=mail), lang=page)

    assert Registration.objects.get().language == mail
    assert set(Consent.objects.values_list("kind", "language")) == {
        (ConsentKind.PRIVACY, page),
        (ConsentKind.NEWS, page),
    }


def test_sent_page_without_an_address_speaks_in_general(client, db):
    response = client.get(url("sent"))

    assert response.status_code == 200
    assert "We have sent your ticket and the private link to your registration to the address you gave." in text(
        response
    )


def test_news_consent_is_optional_and_stored_as_refused(client, clock, open_event):
    submit(client, clock, valid_data())

    news = Consent.objects.get(kind=ConsentKind.NEWS)
    assert news.granted is False
    assert news.text_version == consent.NEWS.version


def test_press_registration_awaits_approval(client, clock, open_event):
    submit(client, clock, valid_data(category="press", organisation="연합뉴스"))

    registration = Registration.objects.get()
    assert registration.status == Status.PENDING
    assert OutgoingMail.objects.get().kind == MailKind.PENDING


def test_known_address_gives_the_same_sent_page_and_mails_the_existing_link(client, clock, open_event):
    first = submit(client, clock, valid_data(email="mina@example.org"))
    first_page = client.get(first["Location"])
    again = submit(client, clock, valid_data(email="mina@example.org", name="Someone else"))
    again_page = client.get(again["Location"])

    assert again["Location"] == first["Location"]
    assert without_csrf(again_page.content) == without_csrf(first_page.content)
    assert Registration.objects.count() == 1
    assert list(OutgoingMail.objects.order_by("pk").values_list("kind", flat=True)) == [
        MailKind.CONFIRMATION,
        MailKind.EXISTING,
    ]


def test_known_address_in_other_case_reveals_nothing(client, clock, open_event):
    existing = register_directly(open_event, email="Mina.Park@Example.org")
    OutgoingMail.objects.all().delete()

    response = submit(client, clock, valid_data(email="mina.park@EXAMPLE.ORG"))
    duplicate_page = client.get(response["Location"])
    Registration.objects.all().delete()
    OutgoingMail.objects.all().delete()
    response = submit(client, clock, valid_data(email="mina.park@EXAMPLE.ORG"))
    new_page = client.get(response["Location"])

    assert without_csrf(duplicate_page.content) == without_csrf(new_page.content)
    assert "mina.park@EXAMPLE.ORG" in text(new_page)
    assert existing.code not in duplicate_page.content.decode()
    assert OutgoingMail.objects.get().kind == MailKind.CONFIRMATION


def test_known_address_queues_existing_mail_to_the_stored_registration(client, clock, open_event):
    existing = register_directly(open_event, email="Mina.Park@Example.org")

    submit(client, clock, valid_data(email="mina.park@EXAMPLE.ORG"))

    mail = OutgoingMail.objects.get(kind=MailKind.EXISTING)
    assert mail.registration == existing
    assert Registration.objects.count() == 1


def test_double_submit_with_the_same_token_creates_one_registration(client, clock, workshops):
    stamp = open_form(client)
    clock.shift(5)
    data = {**valid_data(sessions=[workshops[0].pk]), "form_stamp": stamp}

    first = client.post(url("start"), data)
    second = client.post(url("start"), data)

    assert first["Location"] == second["Location"] == url("sent")
    registration = Registration.objects.get()
    assert registration.submission_token
    assert registration.bookings.count() == 1
    workshops[0].refresh_from_db()
    assert workshops[0].seats_booked == 1
    assert OutgoingMail.objects.count() == 1


@pytest.mark.parametrize("lang", LANGS)
def test_delegates_only_session_is_refused_for_a_citizen(client, clock, delegates_session, lang):
    response = submit(client, clock, valid_data(sessions=[delegates_session.pk]), lang=lang)

    assert response.status_code == 200
    expected = in_language(lang, "“%(title)s” is for city delegates only.", title=delegates_session.title_en)
    if lang == "ko":
        expected = in_language(lang, "“%(title)s” is for city delegates only.", title=delegates_session.title_ko)
    assert error_text(response, "sessions") == expected
    assert 'href="#id_sessions_0"' in response.content.decode()  # the error summary links to the field
    assert not Registration.objects.exists()


def test_delegate_may_book_a_delegates_only_session(client, clock, delegates_session):
    submit(client, clock, valid_data(category="delegate", sessions=[delegates_session.pk]))

    registration = Registration.objects.get()
    assert registration.status == Status.PENDING
    assert registration.bookings.get().session == delegates_session


@pytest.mark.parametrize("lang", LANGS)
def test_overlapping_workshops_are_refused_next_to_the_sessions(client, clock, workshops, lang):
    chosen = [workshops[0].pk, workshops[2].pk]

    response = submit(client, clock, valid_data(sessions=chosen), lang=lang)

    assert response.status_code == 200
    suffix = "ko" if lang == "ko" else "en"
    titles = {"a": getattr(workshops[0], f"title_{suffix}"), "b": getattr(workshops[2], f"title_{suffix}")}
    message = "“%(a)s” and “%(b)s” take place at the same time. Choose one of them."
    assert error_text(response, "sessions") == in_language(lang, message, **titles)
    assert not Registration.objects.exists()
    # What was typed is kept, including the ticked sessions.
    html = response.content.decode()
    assert 'value="김민준"' in html
    assert re.search(rf'name="sessions" value="{workshops[0].pk}"[^>]*checked', html)


def test_required_field_error_is_in_korean_on_the_korean_page(client, clock, open_event):
    response = submit(client, clock, valid_data(name=""), lang="ko")

    expected = in_language("ko", "This field is required.")
    assert expected != "This field is required."  # Django ships the Korean
    assert error_text(response, "name") == expected


def test_organisation_is_required_except_for_citizens(client, clock, open_event):
    response = submit(client, clock, valid_data(category="it", organisation=""))

    assert error_text(response, "organisation") == "Please give your organisation (only citizens may leave it empty)."
    assert not Registration.objects.exists()


def test_fields_the_form_does_not_offer_are_ignored(client, clock, open_event):
    other = EventFactory(slug="other", is_current=False)
    data = valid_data(
        category="press",
        organisation="KBS",
        status="confirmed",
        event=str(other.pk),
        code="AAAAAAAA",
        manage_secret="mine",
        ticket_secret="mine",
        is_walk_in="on",
        needs_attention="on",
        submission_token="chosen",
    )

    submit(client, clock, data)

    registration = Registration.objects.get()
    assert registration.event == Event.objects.get(slug="wego-2010")
    assert registration.status == Status.PENDING
    assert registration.code != "AAAAAAAA"
    assert "mine" not in (registration.manage_secret, registration.ticket_secret)
    assert registration.submission_token != "chosen"
    assert registration.is_walk_in is False
    assert registration.needs_attention is False


@pytest.mark.parametrize(
    "name",
    ["김민준", "José Müller-Łukasiewicz", "محمد بن راشد", "Nguyễn Thị Minh Khai", "O'Brien-Smith"],
)
def test_names_in_any_script_and_long_organisations_are_accepted(client, clock, open_event, name):
    organisation = "Seoul Metropolitan Government Informatization Planning Group " * 5
    organisation = organisation[:300]

    response = submit(client, clock, valid_data(name=name, organisation=organisation, category="it"))

    assert response.status_code == 302
    registration = Registration.objects.get()
    assert registration.name == name
    assert registration.organisation == organisation.strip()


def test_decomposed_hangul_is_stored_composed(client, clock, open_event):
    submit(client, clock, valid_data(name="\u1100\u1175\u11b7\u1106\u1175\u11ab"))  # 김민 as jamo

    assert Registration.objects.get().name == "김민"


BAD_INPUTS = [
    ("name", ""),
    ("name", "   "),
    ("name", "x" * 100_000),
    ("name", "Kim\x00"),
    ("email", ""),
    ("email", "not-an-email"),
    ("email", "a@b"),
    ("email", "x" * 300 + "@example.org"),
    ("email", "kim@example.org\r\nBcc: victim@example.org"),
    ("email", "<script>alert(1)</script>@example.org"),
    ("phone", "abc"),
    ("phone", "1" * 5000),
    ("phone", "010-1234"),
    ("country", ""),
    ("country", "XX"),
    ("country", "x" * 10_000),
    ("category", ""),
    ("category", "admin"),
    ("language", "fr"),
    ("city", None),
    ("organisation", "o" * 301),
    ("needs", "n" * 1001),
    ("privacy_consent", None),
    ("sessions", ["abc"]),
    ("sessions", ["999999"]),
    ("sessions", ["9" * 40]),
    ("sessions", ["-1"]),
    ("sessions", ["1.5"]),
    ("sessions", ["١"]),
    ("sessions", ["1\x00"]),
    ("sessions", [""]),
]


@pytest.mark.parametrize(("field", "value"), BAD_INPUTS)
def test_bad_input_gives_a_field_error_never_a_server_error(client, clock, workshops, field, value):
    response = submit(client, clock, valid_data(**{field: value}))

    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert error_text(response, field)
    assert f'href="#id_{field}' in response.content.decode()  # listed in the error summary
    assert not Registration.objects.exists()


def test_a_post_with_too_many_fields_is_a_bad_request_not_a_server_error(client, clock, open_event):
    stamp = open_form(client)
    clock.shift(5)

    response = client.post(url("start"), {**valid_data(sessions=[str(n) for n in range(5000)]), "form_stamp": stamp})

    assert response.status_code == 400
    assert not Registration.objects.exists()


def test_a_json_post_is_refused_politely(client, clock, open_event):
    response = client.post(url("start"), {"name": "x"}, content_type="application/json")

    assert response.status_code == 400
    assert "We could not accept this form" in text(response)


def test_an_empty_post_lists_every_required_field(client, clock, open_event):
    response = submit(client, clock, {})

    assert response.status_code == 200
    errors = response.context["form"].errors
    assert set(errors) == {"name", "email", "country", "city", "language", "category", "privacy_consent"}
    assert not Registration.objects.exists()


def test_what_was_typed_is_kept_after_an_error(client, clock, open_event):
    organisation = "ش" * 300
    data = valid_data(name="محمد بن راشد", organisation=organisation, email="bad", needs="휠체어 <b>접근</b>")

    response = submit(client, clock, data)

    html = response.content.decode()
    assert 'value="محمد بن راشد"' in html
    assert f'value="{organisation}"' in html
    assert 'value="bad"' in html
    assert "휠체어 &lt;b&gt;접근&lt;/b&gt;" in html  # escaped, never markup
    assert re.search(r'<option value="KR" selected>', html)


def test_sessions_from_another_event_are_refused(client, clock, open_event):
    elsewhere = WorkshopFactory(event=EventFactory(slug="other", is_current=False))

    response = submit(client, clock, valid_data(sessions=[elsewhere.pk]))

    assert "sessions" in response.context["form"].errors
    assert not Booking.objects.exists()


# Registration window --------------------------------------------------------------------


@pytest.mark.parametrize("lang", LANGS)
def test_before_opening_the_page_says_when_it_opens_and_that_on_site_is_possible(client, db, time_machine, lang):
    EventFactory(registration_opens_at=seoul(2010, 8, 1, 9, 0), registration_closes_at=seoul(2010, 9, 5, 18, 0))
    time_machine.move_to(seoul(2010, 7, 20, 12, 0), tick=False)

    response = client.get(url("start", lang))

    assert response.status_code == 200
    page = text(response)
    assert in_language(lang, "Registration opens soon") in page
    opens = "2010년 8월 1일 9:00 오전" if lang == "ko" else "Aug. 1, 2010, 9 a.m."  # Seoul time, not UTC
    assert opens in page
    assert "Asia/Seoul" in page
    assert 'name="form_stamp"' not in response.content.decode()


@pytest.mark.parametrize("lang", LANGS)
def test_after_closing_the_page_says_when_it_closed_and_that_on_site_is_possible(client, db, time_machine, lang):
    EventFactory(registration_opens_at=seoul(2010, 8, 1, 9, 0), registration_closes_at=seoul(2010, 9, 5, 18, 0))
    time_machine.move_to(seoul(2010, 9, 6, 8, 0), tick=False)

    page = text(client.get(url("start", lang)))

    assert in_language(lang, "Online registration is closed") in page
    closed = "2010년 9월 5일 6:00 오후" if lang == "ko" else "Sept. 5, 2010, 6 p.m."
    assert closed in page
    assert "Grand Hyatt Seoul" in page or "그랜드 하얏트 서울" in page


def test_post_after_closing_is_refused_the_same_way(client, clock, open_event):
    stamp = open_form(client)
    clock.move_to(seoul(2010, 9, 5, 18, 0), tick=False)

    response = client.post(url("start"), {**valid_data(), "form_stamp": stamp})

    assert response.status_code == 403
    assert "Online registration is closed" in text(response)
    assert not Registration.objects.exists()


def test_after_the_event_the_page_says_it_has_ended(client, db, time_machine):
    EventFactory(registration_closes_at=seoul(2010, 9, 5, 18, 0))
    time_machine.move_to(seoul(2010, 9, 10, 8, 0), tick=False)

    page = text(client.get(url("start")))

    assert "has ended" in page


def test_without_a_current_event_the_form_is_not_found(client, db):
    assert client.get(url("start")).status_code == 404


# Manage page -------------------------------------------------------------------------------


def manage_url(registration, name="manage", lang="en"):
    return url(name, lang, secret=registration.manage_secret)


def assert_private(response):
    # Not no-referrer: browsers then send "Origin: null" with the page's own forms and CSRF refuses them.
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cache-Control"] == "private, no-store"
    assert response["X-Robots-Tag"] == "noindex, nofollow"


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
    assert "Page not found" in text(response)


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


# Lost link -----------------------------------------------------------------------------------


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


# Queries -------------------------------------------------------------------------------------


@pytest.mark.parametrize("n", [1, 5])
def test_form_queries_do_not_grow_with_the_sessions(client, clock, open_event, n, django_assert_num_queries):
    for i in range(n):
        WorkshopFactory(event=open_event, starts_at=seoul(2010, 9, 8, 9 + i), ends_at=seoul(2010, 9, 8, 10 + i))

    with django_assert_num_queries(2):  # current event, bookable sessions (then shared: none)
        response = client.get(url("start"))
    with django_assert_num_queries(0):
        again = client.get(url("start"))

    assert response.content.decode().count('name="sessions"') == n
    assert again.content.decode().count('name="sessions"') == n


@pytest.mark.parametrize("n", [1, 3])
def test_a_registration_post_runs_a_constant_number_of_queries(client, clock, open_event, n, django_assert_num_queries):
    sessions = [
        WorkshopFactory(event=open_event, starts_at=seoul(2010, 9, 8, 9 + i), ends_at=seoul(2010, 9, 8, 10 + i))
        for i in range(n)
    ]
    stamp = open_form(client)
    clock.shift(4)  # the shared form (and its event) still fresh

    # in a savepoint (2): the token and the address (one query), the sessions locked
    # (the form checked the choice against the sessions the shared form offered), the
    # registration, the bookings (one insert and one seat update each), the consents
    # (one insert), the event's place, the welcome mail
    with django_assert_num_queries(8 + 2 * n):
        response = client.post(url("start"), {**valid_data(sessions=[s.pk for s in sessions]), "form_stamp": stamp})

    assert response.status_code == 302
    registration = Registration.objects.get()
    assert registration.bookings.count() == n
    assert registration.consents.count() >= 1
    assert OutgoingMail.objects.filter(registration=registration).count() == 1


@pytest.mark.parametrize("n", [1, 5])
def test_manage_queries_do_not_grow_with_the_bookings(client, clock, open_event, n, django_assert_num_queries):
    sessions = [
        WorkshopFactory(event=open_event, starts_at=seoul(2010, 9, 8, 9 + i), ends_at=seoul(2010, 9, 8, 10 + i))
        for i in range(n)
    ]
    registration = register_directly(open_event, sessions=sessions)

    # registration + event, bookings, news consent, current event (header), offered sessions, sensitive consent given?
    with django_assert_num_queries(6):
        response = client.get(manage_url(registration))

    assert response.content.decode().count('name="sessions-sessions"') == n


def test_change_details_needs_without_the_sensitive_consent_is_a_field_error(client, clock, open_event):
    registration = register_directly(open_event, language="en")
    data = {"details-name": "Ana", "details-city": "Seoul", "details-country": "KR", "details-language": "en"}

    response = client.post(manage_url(registration, "manage_details"), {**data, "details-needs": "Wheelchair"})

    assert response.status_code == 200
    assert "agree to their processing" in error_text(response, "details-sensitive_consent")
    assert "Wheelchair" in response.content.decode()
    registration.refresh_from_db()
    assert registration.needs == ""


def test_register_needs_without_the_sensitive_consent_is_refused_next_to_the_consent(client, clock, open_event):
    response = submit(client, clock, valid_data(needs="휠체어 이용"), lang="ko")

    assert response.status_code == 200
    assert error_text(response, "sensitive_consent")
    assert "휠체어 이용" in response.content.decode()
    assert not Registration.objects.exists()


def test_register_needs_with_the_sensitive_consent_records_it_separately(client, clock, open_event):
    response = submit(client, clock, valid_data(needs="휠체어 이용", sensitive_consent="on"), lang="ko")

    assert response.status_code == 302
    registration = Registration.objects.get()
    kinds = dict(registration.consents.values_list("kind", "granted"))
    assert registration.needs == "휠체어 이용"
    assert kinds == {"privacy": True, "news": False, "sensitive": True}


def test_register_form_shows_the_sensitive_information_notice_unticked(client, clock, open_event):
    html = client.get(url("start", "ko")).content.decode()

    assert 'id="consent-sensitive"' in html
    assert re.search(r'<input[^>]*name="sensitive_consent"(?![^>]*checked)[^>]*>', html)
