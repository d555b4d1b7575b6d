"""The registration form's page, through the Django test client, in Korean and
English: the form, the registration window, the "check your e-mail" page, and the
queries. Services are real (nothing mocked); the clock is frozen
(tests/registration/conftest.py) and moved past the minimum fill time."""

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import translation

from events.models import Event
from registration import consent, formcache
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
    manage_url,
    open_form,
    register_directly,
    submit,
    text,
    url,
    valid_data,
    without_csrf,
)

LANGS = ["ko", "en"]


# The form ----------------------------------------------------------------------------


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


# Registration window -----------------------------------------------------------------


@pytest.mark.parametrize("lang", LANGS)
def test_before_opening_the_page_says_when_it_opens_and_that_on_site_is_possible(client, db, time_machine, lang):
    EventFactory(registration_opens_at=seoul(2010, 8, 1, 9, 0), registration_closes_at=seoul(2010, 9, 5, 18, 0))
    time_machine.move_to(seoul(2010, 7, 20, 12, 0), tick=False)

    response = client.get(url("start", lang))

    assert response.status_code == 200
    page = text(response)
    assert in_language(lang, "Registration opens soon") in page
    opens = "2010년 8월 1일 9:00 오전" if lang == "ko" else "August 1, 2010, 09:00"  # Seoul time, not UTC
    assert opens in page
    assert "Asia/Seoul" in page
    assert 'name="form_stamp"' not in response.content.decode()


@pytest.mark.parametrize("lang", LANGS)
def test_after_closing_the_page_says_when_it_closed_and_that_on_site_is_possible(client, db, time_machine, lang):
    EventFactory(registration_opens_at=seoul(2010, 8, 1, 9, 0), registration_closes_at=seoul(2010, 9, 5, 18, 0))
    time_machine.move_to(seoul(2010, 9, 6, 8, 0), tick=False)

    page = text(client.get(url("start", lang)))

    assert in_language(lang, "Online registration is closed") in page
    closed = "2010년 9월 5일 6:00 오후" if lang == "ko" else "September 5, 2010, 18:00"
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


# Queries -----------------------------------------------------------------------------


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
    # (one insert), the event's place, the welcome mail; the audit trail's rows: the
    # registration's, each booking's and the consents' (in their rows' own INSERTs on
    # PostgreSQL: registration.audit.insert_with_history; one more INSERT each elsewhere)
    apart = 0 if connection.vendor == "postgresql" else 1
    with django_assert_num_queries(8 + 2 * apart + (2 + apart) * n):
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

    # registration + event, bookings, news consent, offered sessions, sensitive consent given?
    # (The header shows the registration's event: request.event is never read.)
    with django_assert_num_queries(5):
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
