"""Correcting a mistyped address on the "Check your e-mail" page
(registration.correction, registration.views.sent): the browser whose form made
a registration may move it to the right address within 30 minutes; anyone else
sees the same page and changes nothing."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core import signing
from django.test import Client

from events.models import Event, Session
from registration import correction
from registration.models import Booking, BookingStatus, MailKind, MailStatus, OutgoingMail, Registration, Status
from tests.registration.invariants import assert_counters_consistent
from tests.registration.pages import (
    error_text,
    in_language,
    register_directly,
    submit,
    text,
    url,
    valid_data,
    without_csrf,
)

LANGS = ["ko", "en"]
TYPO = "minjun@exmaple.org"
RIGHT = "minjun@example.org"


def correct(client, email, lang="en"):
    return client.post(url("sent", lang), {"email": email})


def mails(**filters) -> list[tuple[str, str, str]]:
    rows = OutgoingMail.objects.filter(**filters).order_by("pk")
    return list(rows.values_list("kind", "to_email", "status"))


def without_address(content: bytes, *addresses: str) -> bytes:
    content = without_csrf(content)
    for address in addresses:
        content = content.replace(address.encode(), b"ADDRESS")
    return content


# The page -----------------------------------------------------------------------------


@pytest.mark.parametrize("lang", LANGS)
def test_sent_page_offers_the_correction_form_the_same_for_new_and_known_addresses(client, clock, open_event, lang):
    register_directly(open_event, email="known@example.org")
    new = submit(client, clock, valid_data(email="new@example.org"), lang=lang)
    new_page = client.get(new["Location"])
    other = Client()
    known = submit(other, clock, valid_data(email="known@example.org"), lang=lang)
    known_page = other.get(known["Location"])

    assert without_address(new_page.content, "new@example.org") == without_address(
        known_page.content, "known@example.org"
    )
    assert (
        new.cookies[correction.CORRECTION_COOKIE]["max-age"] == known.cookies[correction.CORRECTION_COOKIE]["max-age"]
    )
    html = new_page.content.decode()
    assert in_language(lang, "Correct the address") in text(new_page)
    assert re.search(rf'<form method="post" action="{re.escape(url("sent", lang))}"', html)
    assert 'name="csrfmiddlewaretoken"' in html
    assert re.search(r'<input type="email" name="email" value="new@example.org"', html)


# A registration made by this browser ----------------------------------------------------


def test_correction_moves_the_new_registration_and_mails_the_right_address_once(client, clock, workshops):
    submit(client, clock, valid_data(email=TYPO, sessions=[workshops[0].pk]))
    registration = Registration.objects.get()
    old = (registration.code, registration.ticket_secret, registration.manage_secret)

    response = correct(client, RIGHT)

    assert response.status_code == 302
    assert response["Location"] == url("sent") + "?corrected=1"
    registration.refresh_from_db()
    assert registration.email == RIGHT
    assert registration.status == Status.CONFIRMED
    assert (registration.code, registration.ticket_secret, registration.manage_secret) != old
    assert all(
        value not in (registration.code, registration.ticket_secret, registration.manage_secret) for value in old
    )
    assert list(Booking.objects.values_list("session_id", "status")) == [(workshops[0].pk, BookingStatus.CONFIRMED)]
    assert Session.objects.get(pk=workshops[0].pk).seats_booked == 1
    assert mails() == [
        (MailKind.CONFIRMATION, TYPO, MailStatus.SUPERSEDED),
        (MailKind.CONFIRMATION, RIGHT, MailStatus.QUEUED),
    ]
    page = client.get(response["Location"])
    assert RIGHT in text(page)
    assert "those sent to the mistyped address no longer work" in text(page)


def test_a_second_identical_correction_mails_nobody_again(client, clock, open_event):
    submit(client, clock, valid_data(email=TYPO))
    correct(client, RIGHT)

    correct(client, RIGHT)

    assert mails() == [
        (MailKind.CONFIRMATION, TYPO, MailStatus.SUPERSEDED),
        (MailKind.CONFIRMATION, RIGHT, MailStatus.QUEUED),
    ]


def test_a_mail_already_sent_to_the_typo_stays_sent(client, clock, open_event):
    submit(client, clock, valid_data(email=TYPO))
    OutgoingMail.objects.update(status=MailStatus.SENT)

    correct(client, RIGHT)

    assert mails() == [
        (MailKind.CONFIRMATION, TYPO, MailStatus.SENT),
        (MailKind.CONFIRMATION, RIGHT, MailStatus.QUEUED),
    ]


def test_correction_to_an_address_already_registered_frees_the_seats_for_the_waiting_list(client, clock, workshops):
    workshop = workshops[0]
    Session.objects.filter(pk=workshop.pk).update(capacity=1)
    existing = register_directly(workshops[0].event, email=RIGHT)
    submit(client, clock, valid_data(email=TYPO, sessions=[workshop.pk]))
    typo = Registration.objects.get(email=TYPO)
    waiting = register_directly(workshop.event, sessions=[workshop], email="waiting@example.org")
    assert Booking.objects.get(registration=waiting).status == BookingStatus.WAITLISTED
    OutgoingMail.objects.filter(registration__in=[existing, waiting]).delete()

    response = correct(client, RIGHT)

    assert response["Location"] == url("sent") + "?corrected=1"
    typo.refresh_from_db()
    assert typo.status == Status.CANCELLED
    assert typo.email == TYPO
    assert Booking.objects.get(registration=waiting).status == BookingStatus.CONFIRMED
    assert mails(registration=typo) == [
        (MailKind.CONFIRMATION, TYPO, MailStatus.SUPERSEDED),
        (MailKind.CANCELLED, TYPO, MailStatus.SUPERSEDED),
    ]
    assert mails(registration=existing) == [(MailKind.EXISTING, RIGHT, MailStatus.QUEUED)]
    assert mails(registration=waiting) == [(MailKind.PROMOTED, "waiting@example.org", MailStatus.QUEUED)]
    assert_counters_consistent(Event.objects.get(pk=workshop.event_id))


# Nothing to correct: the same answer ----------------------------------------------------


@pytest.mark.parametrize("lang", LANGS)
def test_correction_looks_the_same_whether_or_not_it_changed_anything(clock, open_event, lang):
    register_directly(open_event, email="known@example.org")
    made, met = Client(), Client()
    submit(made, clock, valid_data(email=TYPO), lang=lang)
    submit(met, clock, valid_data(email="known@example.org"), lang=lang)
    OutgoingMail.objects.all().delete()

    made_answer = correct(made, RIGHT, lang)
    met_answer = correct(met, "other@example.org", lang)
    made_page, met_page = made.get(made_answer["Location"]), met.get(met_answer["Location"])

    assert (made_answer.status_code, made_answer["Location"]) == (met_answer.status_code, met_answer["Location"])
    assert without_address(made_page.content, RIGHT) == without_address(met_page.content, "other@example.org")
    assert Registration.objects.get(email="known@example.org").status == Status.CONFIRMED
    assert mails() == [(MailKind.CONFIRMATION, RIGHT, MailStatus.QUEUED)]  # the moved one's only


def test_an_expired_cookie_changes_nothing(client, clock, open_event):
    submit(client, clock, valid_data(email=TYPO))
    clock.shift(correction.CORRECTION_MAX_AGE + 1)

    response = correct(client, RIGHT)

    assert response["Location"] == url("sent") + "?corrected=1"
    assert Registration.objects.get().email == TYPO
    assert mails() == [(MailKind.CONFIRMATION, TYPO, MailStatus.QUEUED)]


@pytest.mark.parametrize(
    "forge",
    [
        lambda value: value[:-2] + ("AA" if value[-2:] != "AA" else "BB"),  # signature changed
        lambda value: signing.dumps(signing.loads(value, salt="registration.correction"), key="not-our-key"),
        lambda value: signing.dumps(str(Registration.objects.get().pk), salt="registration.correction"),  # an id
    ],
)
def test_a_forged_cookie_changes_nothing(client, clock, open_event, forge):
    submit(client, clock, valid_data(email=TYPO))
    client.cookies[correction.CORRECTION_COOKIE] = forge(client.cookies[correction.CORRECTION_COOKIE].value)

    correct(client, RIGHT)

    assert Registration.objects.get().email == TYPO
    assert mails() == [(MailKind.CONFIRMATION, TYPO, MailStatus.QUEUED)]


def test_a_cancelled_registration_is_not_corrected(client, clock, open_event):
    submit(client, clock, valid_data(email=TYPO))
    registration = Registration.objects.get()
    registration.status = Status.CANCELLED
    registration.save(update_fields=["status"])

    assert correction.correct_address(submission_token=registration.submission_token, email=RIGHT) == (
        correction.Result.NOTHING
    )
    assert Registration.objects.get().email == TYPO


def test_the_cookie_holds_no_id_nor_personal_data(client, clock, open_event):
    response = submit(client, clock, valid_data(email=TYPO, name="Kim Minjun"))
    registration = Registration.objects.get()

    cookie = response.cookies[correction.CORRECTION_COOKIE]
    payload = signing.loads(cookie.value, salt="registration.correction")
    assert payload == registration.submission_token
    assert len(payload) >= 43  # 256 random bits
    raw = signing.b64_decode(cookie.value.split(":")[0].encode()).decode()
    for secret in (TYPO, "Kim Minjun", registration.code, registration.manage_secret, registration.ticket_secret):
        assert secret not in raw
        assert secret not in cookie.value
    assert raw == f'"{registration.submission_token}"'  # the token alone: no id beside it
    assert cookie["httponly"] is True
    assert cookie["max-age"] == 30 * 60
    assert cookie["path"] == url("start")


# Bad input ------------------------------------------------------------------------------


@pytest.mark.parametrize("lang", LANGS)
def test_a_bad_address_gets_a_field_error_in_the_page_language_with_what_was_typed(client, clock, open_event, lang):
    submit(client, clock, valid_data(email=TYPO), lang=lang)

    response = correct(client, "김민준@example.org", lang)

    assert response.status_code == 200
    assert error_text(response, "email") == in_language(
        lang,
        "Use only Latin letters (a–z), digits and signs such as . _ - + before the @: "
        "mail cannot be delivered to an address with other characters there.",
    )
    assert 'value="김민준@example.org"' in response.content.decode()
    assert re.search(rf"<title>{re.escape(in_language(lang, 'Error:'))} ", response.content.decode())
    assert Registration.objects.get().email == TYPO


@pytest.mark.parametrize("posted", [{}, {"email": ""}, {"email": "x" * 300 + "@example.org"}, {"email": "a\x00@b.c"}])
def test_odd_posts_never_fail(client, clock, open_event, posted):
    submit(client, clock, valid_data(email=TYPO))

    response = client.post(url("sent"), posted)

    assert response.status_code in (200, 400)
    assert Registration.objects.get().email == TYPO


def test_corrections_are_counted_by_the_form_throttle(client, clock, open_event, settings):
    settings.REGISTRATION_THROTTLES = {"register": (2, 600)}
    submit(client, clock, valid_data(email=TYPO))  # 1
    correct(client, "first@example.org")  # 2

    response = correct(client, RIGHT)

    assert response.status_code == 429
    assert Registration.objects.get().email == "first@example.org"


# Korean wording ---------------------------------------------------------------------------


def test_korean_catalogue_has_no_eu_ro_particle_after_a_placeholder():
    po = Path(settings.BASE_DIR) / "locale" / "ko" / "LC_MESSAGES" / "django.po"
    assert "(으)로" not in po.read_text(encoding="utf-8")
