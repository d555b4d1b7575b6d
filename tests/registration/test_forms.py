"""The registration forms: the shape of what was typed, the session choices
(checked by the services' rules), the consent texts and their versions."""

import pytest
from django.utils import translation

from events.models import Audience
from registration import consent, services
from registration.forms import (
    DetailsForm,
    LostLinkForm,
    RegistrationForm,
    SessionsForm,
    country_choices,
    session_label,
)
from registration.models import BookingStatus, ConsentKind
from tests.factories import EventFactory, SessionFactory, WorkshopFactory, seoul
from tests.registration.pages import register_directly, valid_data


@pytest.fixture(autouse=True)
def _english():
    """Messages in English unless a test says otherwise (the site's default is Korean)."""
    with translation.override("en"):
        yield


def bound(event, /, **overrides) -> RegistrationForm:
    return RegistrationForm(valid_data(**overrides), event=event)


def test_valid_form_gives_the_person_the_service_takes(open_event):
    form = bound(open_event, news_consent="on")

    assert form.is_valid(), form.errors
    person = form.person()
    assert set(person) == set(services.PERSON_FIELDS)
    assert person["name"] == "김민준"
    assert person["category"] == "citizen"
    assert form.cleaned_data["news_consent"] is True
    assert form.session_ids() == []


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("010-1234-5678", "+821012345678"),
        ("01012345678", "+821012345678"),
        ("02-2133-1234", "+82221331234"),
        ("+82 10 1234 5678", "+821012345678"),
        ("+49 30 1234567", "+49301234567"),
    ],
)
def test_phone_numbers_are_read_as_korean_unless_international(open_event, typed, stored):
    form = bound(open_event, phone=typed)

    assert form.is_valid(), form.errors
    assert form.person()["phone"].as_e164 == stored


def test_phone_is_optional(open_event):
    form = bound(open_event, phone="")

    assert form.is_valid(), form.errors
    assert form.person()["phone"] == ""


def test_text_is_stored_in_nfc(open_event):
    form = bound(open_event, name="\u1100\u1175\u11b7 Jose\u0301", city="  Seoul  ")

    assert form.is_valid(), form.errors
    assert form.person()["name"] == "김 José"
    assert form.person()["city"] == "Seoul"


def test_fields_the_form_does_not_declare_are_ignored(open_event):
    form = bound(open_event, status="confirmed", event="999", code="AAAA", is_walk_in="on")

    assert form.is_valid(), form.errors
    assert not {"status", "event", "code", "is_walk_in"} & set(form.cleaned_data)
    assert not {"status", "event", "code", "is_walk_in"} & set(form.person())


@pytest.mark.parametrize("category", ["it", "academic", "press", "delegate", "exhibitor"])
def test_organisation_is_required_for_everyone_but_citizens(open_event, category):
    assert bound(open_event, category=category, organisation="").errors["organisation"]
    assert bound(open_event, category="citizen", organisation="").is_valid()


def test_privacy_consent_is_required_with_a_message_that_offers_the_desk(open_event):
    form = bound(open_event, privacy_consent=None)

    assert form.errors["privacy_consent"] == [
        "To register online, please agree to the collection and use of your personal information. "
        "You can also register on site at the venue."
    ]


def test_news_consent_is_optional_and_unticked(open_event):
    form = RegistrationForm(event=open_event)

    assert form.fields["news_consent"].required is False
    assert form["news_consent"].value() in (None, False)
    assert bound(open_event).is_valid()


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_email_language_defaults_to_the_page_language(open_event, lang):
    with translation.override(lang):
        form = RegistrationForm(event=open_event)

    assert form["language"].value() == lang


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_consent_labels_are_the_versioned_text_in_the_page_language(open_event, lang):
    with translation.override(lang):
        form = RegistrationForm(event=open_event)

    assert form.fields["privacy_consent"].label == consent.PRIVACY.texts[lang].agreement
    assert form.fields["news_consent"].label == consent.NEWS.texts[lang].agreement
    assert form.privacy_text.language == lang


def test_consent_checkboxes_are_described_by_their_notice_and_error(open_event):
    form = bound(open_event, privacy_consent=None)
    form.is_valid()

    html = str(form["privacy_consent"])

    assert 'aria-describedby="consent-privacy id_privacy_consent_error"' in html
    assert 'aria-describedby="consent-news"' in str(form["news_consent"])


# Sessions ----------------------------------------------------------------------------


def test_bookable_published_sessions_of_the_event_are_offered(open_event, workshops):
    SessionFactory(event=open_event, title_en="Opening ceremony")  # no booking needed
    WorkshopFactory(event=open_event, title_en="Hidden", is_published=False)
    WorkshopFactory(event=EventFactory(slug="other", is_current=False), title_en="Elsewhere")

    form = RegistrationForm(event=open_event)

    assert list(form.fields["sessions"].queryset) == workshops


def test_a_delegates_only_session_is_refused_for_a_citizen(open_event, delegates_session):
    form = bound(open_event, sessions=[delegates_session.pk])

    assert form.errors["sessions"] == ["“Delegates' briefing” is for city delegates only."]


def test_a_delegates_only_session_is_accepted_for_a_delegate(open_event, delegates_session):
    form = bound(open_event, category="delegate", sessions=[delegates_session.pk])

    assert form.is_valid(), form.errors
    assert form.session_ids() == [delegates_session.pk]


def test_overlapping_sessions_are_refused_on_the_sessions_field(open_event, workshops):
    form = bound(open_event, sessions=[workshops[3].pk, workshops[1].pk])

    assert form.errors["sessions"] == ["“GIS” and “CCL” take place at the same time. Choose one of them."]


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("abc", "invalid_pk_value"),
        ("-1", "invalid_pk_value"),
        ("1.5", "invalid_pk_value"),
        ("١", "invalid_pk_value"),
        ("9" * 40, "invalid_pk_value"),
        (str(2**63), "invalid_pk_value"),
        ("", "invalid_pk_value"),
        ("999999", "invalid_choice"),
        (str(2**63 - 1), "invalid_choice"),
    ],
)
def test_session_ids_that_are_not_offered_are_field_errors(open_event, workshops, value, code):
    form = bound(open_event, sessions=[value])

    assert not form.is_valid()
    assert [error.code for error in form.errors.as_data()["sessions"]] == [code]


def offered_by_the_shared_form(open_event, workshops) -> dict:
    from django.core.cache import cache

    from registration import formcache

    cache.clear()
    blank = formcache.blank_form(lambda event, sessions: RegistrationForm(event=event, sessions=sessions))
    return blank.offered()


def test_a_choice_among_the_offered_sessions_is_cleaned_without_a_query(
    open_event, workshops, django_assert_num_queries
):
    offered = offered_by_the_shared_form(open_event, workshops)

    with django_assert_num_queries(0):
        form = RegistrationForm(
            valid_data(sessions=[workshops[2].pk, workshops[0].pk]), event=open_event, offered=offered
        )
        assert form.is_valid() is False  # the two overlap
    with django_assert_num_queries(0):
        single = RegistrationForm(valid_data(sessions=[workshops[2].pk]), event=open_event, offered=offered)
        assert single.is_valid()

    assert form.errors["sessions"] == [
        "“U-City” and “UN e-Government” take place at the same time. Choose one of them."
    ]
    assert single.session_ids() == [workshops[2].pk]


def test_a_choice_the_shared_form_did_not_offer_is_checked_against_the_database(open_event, workshops):
    offered = offered_by_the_shared_form(open_event, workshops)
    later = WorkshopFactory(
        event=open_event, slug="added-later", starts_at=seoul(2010, 9, 9, 9, 0), ends_at=seoul(2010, 9, 9, 10, 0)
    )

    form = RegistrationForm(valid_data(sessions=[later.pk]), event=open_event, offered=offered)
    unknown = RegistrationForm(valid_data(sessions=["999999"]), event=open_event, offered=offered)

    assert form.is_valid()
    assert form.session_ids() == [later.pk]
    assert [error.code for error in unknown.errors.as_data()["sessions"]] == ["invalid_choice"]


def test_no_session_chosen_cleans_to_an_empty_list(open_event, workshops):
    form = bound(open_event)

    assert form.is_valid()
    assert (form.cleaned_data["sessions"], form.session_ids()) == ([], [])


def test_error_summary_links_checkbox_groups_to_their_first_box(open_event, delegates_session):
    form = bound(open_event, sessions=[delegates_session.pk], email="bad")
    form.is_valid()

    links = {anchor: message for anchor, _label, message in form.error_links()}

    assert links["id_email"] == "Enter a valid email address."
    assert links["id_sessions_0"] == "“Delegates' briefing” is for city delegates only."


@pytest.mark.parametrize(
    ("lang", "start"),
    [("en", "U-City · September 8 09:30–12:00 · Workshop room 1"), ("ko", "유시티 · 9월 8일 09:30–12:00 · 워크숍 1실")],
)
def test_session_label_gives_seoul_time_room_and_seats(open_event, workshops, lang, start):
    with translation.override(lang):
        label = session_label(workshops[0], open_event)
        seats = translation.ngettext("%(count)s seat left", "%(count)s seats left", 30) % {"count": 30}

    assert label == f"{start} · {seats}"


def test_session_label_says_full_sessions_have_a_waiting_list(open_event):
    session = WorkshopFactory(event=open_event, title_en="Full", capacity=2, seats_booked=2, room=None)

    with translation.override("en"):
        assert (
            session_label(session, open_event)
            == "Full · September 8 09:30–12:00 · full — you will join the waiting list"
        )


def test_session_label_shows_the_persons_own_booking(open_event, delegates_session):
    with translation.override("en"):
        booked = session_label(delegates_session, open_event, BookingStatus.CONFIRMED)
        waiting = session_label(delegates_session, open_event, BookingStatus.WAITLISTED)

    assert booked.endswith("your seat is booked · city delegates only")
    assert waiting.endswith("you are on the waiting list · city delegates only")


def test_sessions_form_offers_delegates_only_sessions_only_to_delegates(clock, workshops, delegates_session):
    citizen = register_directly(delegates_session.event, sessions=[workshops[0]])
    delegate = register_directly(delegates_session.event, category="delegate")

    citizen_form = SessionsForm(registration=citizen, held={workshops[0].pk: BookingStatus.CONFIRMED})
    delegate_form = SessionsForm(registration=delegate, held={})

    assert delegates_session not in citizen_form.fields["sessions"].queryset
    assert citizen_form["sessions"].value() == [workshops[0].pk]
    assert delegates_session in delegate_form.fields["sessions"].queryset
    assert all(s.audience == Audience.PUBLIC for s in citizen_form.fields["sessions"].queryset)


def test_details_form_starts_from_the_registration_and_offers_no_address_or_category(clock, open_event):
    registration = register_directly(open_event, name="Ana", phone="010-1234-5678", organisation="KT")

    form = DetailsForm(registration=registration)

    assert form["name"].value() == "Ana"
    assert "010-1234-5678" in str(form["phone"])  # shown the way Koreans write it
    assert "email" not in form.fields
    assert "category" not in form.fields


def test_details_form_keeps_the_organisation_rule_of_the_category(clock, open_event):
    registration = register_directly(open_event, category="academic", organisation="KAIST")
    data = {"details-name": "Kim", "details-country": "KR", "details-city": "Daejeon", "details-language": "ko"}

    form = DetailsForm(data, registration=registration)

    assert form.errors["organisation"]


@pytest.mark.parametrize("email", ["", "no", "a@b", "x" * 260 + "@example.org"])
def test_lost_link_form_needs_an_address(email):
    assert not LostLinkForm({"email": email}).is_valid()


# Countries and consent texts -------------------------------------------------------------


def test_countries_are_in_the_page_languages_order():
    with translation.override("ko"):
        korean = country_choices()
    with translation.override("en"):
        english = country_choices()

    assert korean[1] == ("GH", "가나")
    assert ("KR", "대한민국") in korean
    assert english[1:3] == [("AF", "Afghanistan"), ("AX", "Åland Islands")]
    assert korean[0][0] == english[0][0] == ""


def test_consent_versions_are_the_ones_the_service_stores():
    assert consent.PRIVACY.version == services.PRIVACY_TEXT_VERSION
    assert consent.NEWS.version == services.NEWS_TEXT_VERSION
    assert consent.text_for(ConsentKind.PRIVACY, services.PRIVACY_TEXT_VERSION) is consent.PRIVACY


@pytest.mark.parametrize("text", [consent.PRIVACY, consent.NEWS])
@pytest.mark.parametrize("lang", ["ko", "en"])
def test_consent_texts_state_what_the_law_asks_in_both_languages(text, lang):
    shown = text.shown(lang)

    assert shown.language == lang
    assert len(shown.clauses) == 4  # purpose, items, retention, right to refuse and its consequence
    assert all(clause.heading and clause.body for clause in shown.clauses)
    assert ("(필수)" if text.required else "(선택)") in text.shown("ko").agreement


def test_refusing_the_required_consent_points_to_on_site_registration():
    assert "현장 등록" in consent.PRIVACY.shown("ko").clauses[-1].body
    assert "register on site" in consent.PRIVACY.shown("en").clauses[-1].body
