"""The desk's walk-in page: register and check in at once, find the person's
existing registration first (same e-mail, same phone, similar name), respect
workshop capacity, and never answer a bad input with a server error."""

import re

import pytest
from django.contrib.auth.models import User
from django.urls import reverse
from django.utils import translation

from registration import services, walkins
from registration.models import (
    Booking,
    BookingStatus,
    Category,
    CheckIn,
    Checkpoint,
    CheckpointKind,
    Consent,
    ConsentKind,
    Registration,
    Status,
)
from tests.factories import PersonFactory, WorkshopFactory, seoul

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("no_mail_after_commit")]

WORKSHOP_DAY = seoul(2010, 9, 8, 9, 0)  # online registration closed on 5 September
PHONE_ERROR = "Enter a valid phone number (e.g. 02-212-3456) or a number with an international call prefix."


@pytest.fixture(autouse=True)
def _on_the_workshop_day(time_machine):
    time_machine.move_to(WORKSHOP_DAY, tick=False)


@pytest.fixture
def entrances(open_event, workshops):
    """An entrance per day; the workshops make 8 September a day citizens are admitted."""
    return {
        day: Checkpoint.objects.create(
            event=open_event,
            slug=f"entrance-2010-09-0{day}",
            name_en=f"Entrance — {day} September",
            name_ko=f"입구 — 9월 {day}일",
            kind=CheckpointKind.ENTRANCE,
            day=seoul(2010, 9, day).date(),
            position=day,
        )
        for day in (6, 7, 8)
    }


@pytest.fixture
def door(open_event, workshops):
    return Checkpoint.objects.create(
        event=open_event,
        slug="door-1",
        name_en="Workshop room 1 door",
        name_ko="워크숍 1실 출입구",
        kind=CheckpointKind.ROOM,
        room=workshops[0].room,
    )


@pytest.fixture
def desk(client, desk_user):
    client.force_login(desk_user)
    return client


def walk_in_url(**query) -> str:
    with translation.override("en"):
        url = reverse("desk:walk_in")
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def fresh_token(desk) -> str:
    response = desk.get(walk_in_url())
    return re.search(r'name="token" value="([^"]+)"', response.content.decode()).group(1)


def post(desk, token=None, **fields):
    data = {
        "name": "Lee Seo-yeon",
        "organisation": "",
        "category": Category.CITIZEN,
        "country": "KR",
        "email": "",
        "phone": "",
        "session": "",
        "privacy_consent": "on",
        "checkpoint": "entrance-2010-09-08",
        "token": token or fresh_token(desk),
    }
    data.update(fields)
    return desk.post(walk_in_url(), {k: v for k, v in data.items() if v is not None})


def register_online(event, sessions=(), **person):
    """An earlier registration (walk_in=True only because online registration has closed by now)."""
    session_ids = [session.pk for session in sessions]
    return services.register(
        event=event, person=PersonFactory(**person), session_ids=session_ids, walk_in=True
    ).registration


def html(response) -> str:
    return response.content.decode()


# The form -----------------------------------------------------------------------------


def test_walk_in_form_shows_the_consent_text_and_chooses_todays_entrance(desk, entrances):
    response = desk.get(walk_in_url())

    page = html(response)
    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-store"
    assert "Consent to the collection and use of personal information (required)" in page
    assert "개인정보 수집·이용 동의 (필수)" in page  # the other language, for reading it out
    assert 'name="privacy_consent"' in page
    assert re.search(r'<option value="entrance-2010-09-08" selected>', page)


def test_walk_in_form_keeps_the_checkpoint_the_desk_passes(desk, entrances, door):
    page = html(desk.get(walk_in_url(checkpoint="door-1")))

    assert re.search(r'<option value="door-1" selected>', page)
    assert "Workshop room 1 door" in page


def test_walk_in_form_offers_the_workshops_with_seats_left(desk, entrances, workshops):
    page = html(desk.get(walk_in_url()))

    assert "No workshop" in page
    assert "U-City · September 8 09:30–12:00 · Workshop room 1 · 30 seats left" in page


# Registering and checking in ------------------------------------------------------------------


def test_walk_in_registers_checks_in_and_shows_the_badge(desk, desk_user, open_event, entrances, workshops):
    response = post(desk, name="이서연", email="seoyeon@example.org", phone="010-1234-5678")

    registration = Registration.objects.get()
    assert response.status_code == 302
    assert response["Location"] == walk_in_url(badge=registration.code, checkpoint="entrance-2010-09-08")
    assert (registration.name, registration.is_walk_in, registration.status) == ("이서연", True, Status.CONFIRMED)
    assert str(registration.phone) == "+821012345678"
    assert registration.language == "ko"
    assert registration.submission_token.startswith("desk-")
    privacy = Consent.objects.get(registration=registration, kind=ConsentKind.PRIVACY)
    assert (privacy.granted, privacy.via, privacy.text_version) == (True, "desk", services.PRIVACY_TEXT_VERSION)
    checkin = CheckIn.objects.get()
    assert (checkin.registration, checkin.checkpoint, checkin.checked_in_by) == (
        registration,
        entrances[8],
        desk_user,
    )
    assert checkin.device == "walk-in"

    page = html(desk.get(response["Location"]))
    assert "Walk-in registered" in page
    assert 'data-result="ok"' in page
    assert "at 09:00, Entrance — 8 September" in page
    assert registration.code in page
    with translation.override("en"):
        assert reverse("desk:badge", kwargs={"code": registration.code}) in page
    assert "Next walk-in" in page
    assert walk_in_url(checkpoint="entrance-2010-09-08") in page


def test_walk_in_from_abroad_gets_english_mail(desk, entrances):
    post(desk, name="José García", country="ES", email="jose@example.org")

    assert Registration.objects.get().language == "en"


def test_walk_in_books_the_chosen_workshop(desk, entrances, workshops):
    post(desk, session=str(workshops[1].pk))

    booking = Booking.objects.get()
    assert (booking.session, booking.status) == (workshops[1], BookingStatus.CONFIRMED)
    workshops[1].refresh_from_db()
    assert workshops[1].seats_booked == 1


def test_full_workshop_is_refused_clearly_without_the_waiting_list(desk, open_event, entrances, workshops):
    workshops[0].capacity = 1
    workshops[0].save()
    register_online(open_event, [workshops[0]], name="First")

    response = post(desk, name="Second", session=str(workshops[0].pk))

    assert response.status_code == 200
    assert response.context["form"].errors["session"] == [
        "“U-City” is full. Tick “put the person on its waiting list” below, or choose another workshop or none."
    ]
    assert "FULL: waiting list only" in html(response)
    assert Registration.objects.count() == 1
    assert html(response).count('value="Second"') == 1  # what was typed is kept


def test_full_workshop_offers_its_waiting_list(desk, open_event, entrances, workshops):
    workshops[0].capacity = 1
    workshops[0].save()
    register_online(open_event, [workshops[0]], name="First")

    response = post(desk, name="Second", session=str(workshops[0].pk), join_waiting_list="on")

    second = Registration.objects.get(name="Second")
    booking = Booking.objects.get(registration=second)
    assert booking.status == BookingStatus.WAITLISTED
    assert CheckIn.objects.filter(registration=second).exists()  # the entrance admits them all the same
    page = html(desk.get(response["Location"]))
    assert "U-City" in page
    assert "On the waiting list" in page


def test_press_walk_in_is_registered_but_waits_for_approval(desk, entrances):
    response = post(desk, name="Reporter", category=Category.PRESS, organisation="Seoul Daily")

    registration = Registration.objects.get()
    assert registration.status == Status.PENDING
    assert not CheckIn.objects.exists()
    page = html(desk.get(response["Location"]))
    assert 'data-result="refused"' in page
    assert "This registration is waiting for an organiser&#x27;s approval." in page


def test_a_double_submit_registers_once(desk, entrances):
    token = fresh_token(desk)

    first = post(desk, token=token, email="twice@example.org")
    second = post(desk, token=token, email="twice@example.org")

    registration = Registration.objects.get()
    assert first["Location"] == second["Location"]
    assert registration.code in second["Location"]
    assert CheckIn.objects.count() == 1
    page = html(desk.get(second["Location"]))
    assert 'data-result="ok"' in page


def test_a_forged_token_is_refused_with_a_fresh_form(desk, entrances):
    response = post(desk, token="desk-guessed")

    assert response.status_code == 400
    assert "This form had expired" in html(response)
    assert not Registration.objects.exists()


def test_fields_the_form_does_not_offer_are_ignored(desk, entrances):
    post(
        desk,
        status=Status.CONFIRMED,
        category=Category.DELEGATE,
        organisation="City of Berlin",
        is_walk_in="",
        needs_attention="on",
        code="AAAAAAAA",
        event="999",
    )

    registration = Registration.objects.get()
    assert registration.status == Status.PENDING  # delegates wait for approval, whatever is posted
    assert registration.is_walk_in is True
    assert registration.needs_attention is False
    assert registration.code != "AAAAAAAA"


# Likely existing registrations -----------------------------------------------------------------


def candidate_codes(response) -> list[str]:
    return [candidate.registration.code for candidate in response.context["candidates"]]


def test_same_email_in_another_case_is_found(desk, open_event, entrances):
    existing = register_online(open_event, name="Kim Minjun", email="Minjun.Kim@Example.org")

    response = post(desk, name="Somebody Else", email="minjun.kim@example.ORG")

    assert candidate_codes(response) == [existing.code]
    assert response.context["candidates"][0].same_email is True
    assert "same e-mail" in html(response)
    assert response.context["form"].errors["email"] == [str(walkins.EMAIL_TAKEN)]
    assert Registration.objects.count() == 1


def test_an_address_whose_registration_was_cancelled_may_register_again(desk, open_event, entrances):
    cancelled = register_online(open_event, name="Kim Minjun", email="minjun@example.org")
    services.cancel(registration=cancelled)
    token = fresh_token(desk)

    first = post(desk, token=token, name="Kim Minjun", email="MINJUN@example.org")
    assert candidate_codes(first) == [cancelled.code]
    assert "Cancelled" in html(first)
    assert "email" not in first.context["form"].errors
    response = post(
        desk, token=token, name="Kim Minjun", email="MINJUN@example.org", confirm_new=first.context["marker"]
    )

    registration = Registration.objects.get()  # the cancelled row starts over (services.register)
    assert response.status_code == 302
    assert (registration.status, registration.is_walk_in) == (Status.CONFIRMED, True)
    assert CheckIn.objects.get().registration == registration


@pytest.mark.parametrize("typed", ["010-1234-5678", "01012345678", "+82 10 1234 5678", "+82-10-1234-5678"])
def test_same_phone_typed_differently_is_found(desk, open_event, entrances, typed):
    existing = register_online(open_event, name="Park Jisoo", phone="+82 10 1234 5678")

    response = post(desk, name="Unrelated Name", phone=typed)

    assert candidate_codes(response) == [existing.code]
    assert response.context["candidates"][0].same_phone is True
    assert "same phone" in html(response)
    assert Registration.objects.count() == 1


@pytest.mark.parametrize(
    ("registered", "typed"),
    [
        ("김민준", "민준"),  # part of a Hangul name
        ("김민준", "김 민준"),  # spaced differently
        ("김 민준", "김민준"),
        ("José García", "jose garcia"),  # accents and case
        ("José García", "GARCIA José"),  # order
        ("Zoë Müller-Schmidt", "zoe muller"),
    ],
)
def test_similar_name_is_found(desk, open_event, entrances, registered, typed):
    existing = register_online(open_event, name=registered, email="")

    response = post(desk, name=typed)

    assert candidate_codes(response) == [existing.code]
    assert response.context["candidates"][0].similar_name is True
    assert Registration.objects.count() == 1


def test_candidates_show_name_organisation_code_and_status_with_a_check_in_button(desk, open_event, entrances):
    existing = register_online(open_event, name="José García", organisation="Ajuntament de Barcelona")

    page = html(post(desk, name="Jose Garcia"))

    for text in ("José García", "Ajuntament de Barcelona", existing.code, "Confirmed"):
        assert text in page
    assert f'name="check_in_instead" value="{existing.code}"' in page
    assert "Check José García in instead (at Entrance — 8 September)" in page
    assert "None of these — register as new and check in" in page
    # Under the hints as well as at the end of the form, both sending the form.
    assert page.count('form="walk-in-form" class="btn btn-primary mt-2" name="confirm_new"') == 1
    assert page.count('name="confirm_new"') == 2


def test_no_candidates_for_other_names(desk, open_event, entrances):
    register_online(open_event, name="José García", email="jose@example.org")

    response = post(desk, name="Lee Seo-yeon", email="seoyeon@example.org")

    assert response.status_code == 302
    assert Registration.objects.count() == 2


def test_none_of_these_registers_as_new(desk, open_event, entrances):
    existing = register_online(open_event, name="김민준")
    token = fresh_token(desk)
    marker = post(desk, token=token, name="김민준").context["marker"]

    response = post(desk, token=token, name="김민준", confirm_new=marker)

    new = Registration.objects.exclude(pk=existing.pk).get()
    assert response.status_code == 302
    assert new.code in response["Location"]
    assert (new.name, new.is_walk_in) == ("김민준", True)
    assert CheckIn.objects.get().registration == new


def test_none_of_these_holds_only_for_the_details_it_was_shown_for(desk, open_event, entrances):
    register_online(open_event, name="김민준")
    register_online(open_event, name="박지수")
    token = fresh_token(desk)
    marker = post(desk, token=token, name="김민준").context["marker"]

    response = post(desk, token=token, name="박지수", confirm_new=marker)

    assert response.status_code == 200
    assert [c.registration.name for c in response.context["candidates"]] == ["박지수"]
    assert Registration.objects.count() == 2


@pytest.mark.parametrize("marker", ["forged", "x" * 5000, "\x00"])
def test_a_forged_confirmation_shows_the_candidates_again(desk, open_event, entrances, marker):
    register_online(open_event, name="김민준")

    response = post(desk, name="김민준", confirm_new=marker)

    assert response.status_code == 200
    assert len(response.context["candidates"]) == 1
    assert Registration.objects.count() == 1


def test_check_in_instead_creates_no_registration(desk, desk_user, open_event, entrances):
    existing = register_online(open_event, name="김민준")

    response = desk.post(walk_in_url(), {"check_in_instead": existing.code, "checkpoint": "entrance-2010-09-08"})

    assert Registration.objects.count() == 1
    assert response["Location"] == walk_in_url(badge=existing.code, checkpoint="entrance-2010-09-08")
    checkin = CheckIn.objects.get()
    assert (checkin.registration, checkin.checkpoint, checkin.checked_in_by) == (existing, entrances[8], desk_user)
    page = html(desk.get(response["Location"]))
    assert "김민준" in page
    assert 'data-result="ok"' in page
    assert "Walk-in registered" not in page


def test_check_in_instead_twice_says_already_checked_in(desk, open_event, entrances):
    existing = register_online(open_event, name="김민준")
    data = {"check_in_instead": existing.code, "checkpoint": "entrance-2010-09-08"}
    desk.post(walk_in_url(), data)

    response = desk.post(walk_in_url(), data)

    assert CheckIn.objects.count() == 1
    assert 'data-result="already"' in html(desk.get(response["Location"]))


def test_check_in_instead_of_a_cancelled_registration_says_why_not(desk, open_event, entrances):
    existing = register_online(open_event, name="김민준")
    services.cancel(registration=existing)

    response = desk.post(walk_in_url(), {"check_in_instead": existing.code, "checkpoint": "entrance-2010-09-08"})

    page = html(desk.get(response["Location"]))
    assert 'data-result="refused"' in page
    assert "This registration was cancelled." in page
    assert not CheckIn.objects.exists()


@pytest.mark.parametrize(
    "data",
    [
        {"check_in_instead": "NOSUCH22", "checkpoint": "entrance-2010-09-08"},
        {"check_in_instead": "\x00", "checkpoint": "entrance-2010-09-08"},
        {"check_in_instead": "X" * 5000, "checkpoint": "entrance-2010-09-08"},
        {"check_in_instead": "{code}", "checkpoint": "nowhere"},
        {"check_in_instead": "{code}", "checkpoint": "\x00"},
        {"check_in_instead": "{code}"},
    ],
)
def test_check_in_instead_with_bad_input_is_a_clear_400(desk, open_event, entrances, data):
    existing = register_online(open_event, name="김민준")
    data = {key: value.format(code=existing.code) for key, value in data.items()}

    response = desk.post(walk_in_url(), data)

    assert response.status_code == 400
    assert "That registration or checkpoint was not found." in html(response)
    assert not CheckIn.objects.exists()


@pytest.mark.parametrize("n", [1, 5])
def test_candidates_take_a_fixed_number_of_queries(desk, open_event, entrances, n, django_assert_num_queries):
    for i in range(n):
        register_online(open_event, name=f"김민준 {i}", email=f"minjun{i}@example.org")
    token = fresh_token(desk)

    # session, user, permissions (2), event (request.event, shared with the page's header), checkpoints,
    # checkpoint choice, earlier token, candidates; the page: are there workshops, workshops
    with django_assert_num_queries(11):
        response = post(desk, token=token, name="김민준")

    assert len(response.context["candidates"]) == n


# Bad input -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"name": ""}, "name", "This field is required."),
        ({"name": "x" * 151}, "name", "Ensure this value has at most 150 characters (it has 151)."),
        ({"name": "Kim\x00"}, "name", "Null characters are not allowed."),
        ({"email": "not-an-address"}, "email", "Enter a valid email address."),
        ({"phone": "call me"}, "phone", PHONE_ERROR),
        ({"phone": "010-12"}, "phone", PHONE_ERROR),
        ({"country": "XX"}, "country", "Select a valid choice. XX is not one of the available choices."),
        ({"category": "boss"}, "category", "Select a valid choice. boss is not one of the available choices."),
        (
            {"category": Category.IT_PROFESSIONAL, "organisation": ""},
            "organisation",
            "Give the organisation (only citizens may leave it empty).",
        ),
        ({"session": "abc"}, "session", None),
        ({"session": "99999999999999999999999"}, "session", None),
        ({"session": "1\x00"}, "session", None),
        ({"session": "-1"}, "session", None),
        ({"checkpoint": "nowhere"}, "checkpoint", None),
        ({"checkpoint": "\x00"}, "checkpoint", None),
        ({"checkpoint": "y" * 1000}, "checkpoint", None),
        ({"checkpoint": None}, "checkpoint", "This field is required."),
        ({"privacy_consent": None}, "privacy_consent", None),
    ],
)
def test_bad_input_gives_field_errors_and_keeps_what_was_typed(desk, entrances, workshops, fields, field, message):
    response = post(desk, **{"organisation": "Typed Organisation Ltd", **fields})

    errors = response.context["form"].errors
    assert response.status_code == 200
    assert list(errors) == [field]
    if message:
        assert errors[field] == [message]
    assert 'value="Typed Organisation Ltd"' in html(response) or field == "organisation"
    assert not Registration.objects.exists()


def test_delegates_only_workshop_is_refused_for_a_citizen(desk, entrances, delegates_session):
    response = post(desk, session=str(delegates_session.pk))

    assert response.context["form"].errors["session"] == ["“Delegates' briefing” is for city delegates only."]
    assert not Registration.objects.exists()


def test_a_workshop_of_another_event_is_not_offered(desk, entrances):
    other = WorkshopFactory(event__slug="another-event", event__is_current=False)

    response = post(desk, session=str(other.pk))

    assert "session" in response.context["form"].errors
    assert not Registration.objects.exists()


# The badge page ----------------------------------------------------------------------------


@pytest.mark.parametrize("code", ["NOSUCH22", "x" * 500, ""])
def test_badge_page_for_an_unknown_code_is_404(desk, entrances, code):
    response = desk.get(walk_in_url(badge=code))

    assert response.status_code == 404


def test_badge_page_for_a_code_with_a_nul_is_a_bad_request(desk, entrances):
    response = desk.get(walk_in_url(badge="%00"))  # wegov.middleware: no NUL in a query string

    assert response.status_code == 400
    assert "Bad request" in response.content.decode()


def test_badge_page_after_a_reload_still_shows_the_check_in(desk, entrances):
    location = post(desk)["Location"]
    desk.get(location)

    page = html(desk.get(location))

    assert 'data-result="ok"' in page
    assert "Walk-in registered" not in page


# Access -----------------------------------------------------------------------------------


def test_anonymous_visitors_are_sent_to_the_desk_login(client, entrances):
    response = client.get(walk_in_url())

    with translation.override("en"):
        login = reverse("desk:login")
    assert response.status_code == 302
    assert response["Location"].startswith(login)


def test_anonymous_posts_register_nobody(client, entrances):
    response = client.post(walk_in_url(), {"name": "Intruder", "privacy_consent": "on"})

    assert response.status_code == 302
    assert not Registration.objects.exists()


def test_accounts_without_the_desk_permission_are_refused(client, entrances):
    client.force_login(User.objects.create_user("visitor", password="irrelevant"))

    response = client.get(walk_in_url())

    assert response.status_code == 403


def test_no_current_event_is_a_404(desk, open_event):
    open_event.is_current = False
    open_event.save()

    assert desk.get(walk_in_url()).status_code == 404
