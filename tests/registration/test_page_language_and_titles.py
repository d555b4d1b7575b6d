"""What a screen reader needs from the pages' markup (KWCAG / WCAG 2.2): a page title
that says when the form on the page has errors ("Error:" / "오류:"), and `lang` on the
text in the other language (the language choices "한국어" / "English")."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import translation

from registration import roles
from tests.registration.pages import register_directly, submit, url, valid_data

ERROR = {"ko": "오류:", "en": "Error:"}


def title(response) -> str:
    match = re.search(r"<title>(.*?)</title>", response.content.decode(), re.S)
    assert match, "the page has no title"
    return " ".join(match.group(1).split())


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_registration_form_with_errors_says_so_in_its_title(client, clock, open_event, lang):
    blank = client.get(url("start", lang))
    response = submit(client, clock, valid_data(name=""), lang=lang)

    assert response.status_code == 200
    assert not title(blank).startswith(ERROR[lang])
    assert title(response) == f"{ERROR[lang]} {title(blank)}"


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_lost_link_and_private_page_with_errors_say_so_in_their_titles(client, clock, open_event, lang):
    registration = register_directly(open_event, name="Ana")

    lost = client.post(url("lost", lang), {"email": "not an address"})
    details = client.post(
        url("manage_details", lang, secret=registration.manage_secret),
        {"details-name": "", "details-city": "Curitiba", "details-country": "BR", "details-language": "en"},
    )

    assert title(lost).startswith(f"{ERROR[lang]} ")
    assert title(details).startswith(f"{ERROR[lang]} ")
    assert not title(client.get(url("lost", lang))).startswith(ERROR[lang])
    assert not title(client.get(url("manage", lang, secret=registration.manage_secret))).startswith(ERROR[lang])


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_desk_log_in_with_a_wrong_password_says_so_in_its_title(client, db, lang):
    user = get_user_model().objects.create_user("desk-title", password="right-password-here")
    user.groups.add(roles.ensure_groups()[roles.DESK_STAFF])
    with translation.override(lang):
        login = reverse("desk:login")

    failed = client.post(login, {"username": "desk-title", "password": "wrong"})

    assert failed.status_code == 200
    assert title(failed).startswith(f"{ERROR[lang]} ")
    assert not title(client.get(login)).startswith(ERROR[lang])


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_language_choices_are_marked_with_their_language(client, clock, open_event, lang):
    html = client.get(url("start", lang)).content.decode()

    assert re.search(r'<label[^>]*for="id_language_\d"[^>]*>\s*<span lang="ko">한국어</span>', html)
    assert re.search(r'<label[^>]*for="id_language_\d"[^>]*>\s*<span lang="en">English</span>', html)
