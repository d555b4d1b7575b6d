"""The registration form opened from a session page has that session ticked, for
that visitor only (the shared blank form stays blank); the Korean form suggests
the Republic of Korea as the country."""

import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from registration import formcache
from tests.registration.pages import url


def checked_sessions(html: str) -> list[str]:
    return re.findall(r'<input type="checkbox"[^>]*name="sessions" value="(\d+)"[^>]*checked', html)


def selected_country(html: str) -> str:
    select = re.search(r'<select name="country".*?</select>', html, re.S).group(0)
    found = re.search(r'<option value="([A-Z]*)"[^>]*selected', select)
    return found.group(1) if found else ""


def test_a_session_pages_register_button_opens_the_form_with_that_session_chosen(client, clock, workshops):
    gis = workshops[1]
    session_page = client.get(gis.get_absolute_url().replace("/ko/", "/en/", 1)).content.decode()
    with translation.override("en"):
        link = f"{reverse('registration:start')}?session={gis.slug}"
    assert f'href="{link}"' in session_page

    html = Client().get(link).content.decode()

    assert checked_sessions(html) == [str(gis.pk)]


def test_a_chosen_session_never_reaches_the_shared_form_or_other_visitors(clock, workshops):
    Client().get(url("start", "en"))  # the shared page is made
    Client().get(url("start", "en") + f"?session={workshops[0].slug}")

    later = Client().get(url("start", "en")).content.decode()

    assert checked_sessions(later) == []
    with translation.override("en"):
        _key, _version, shared = formcache._lookup()
    assert checked_sessions(shared["html"]) == []
    assert checked_sessions(shared["page"]) == []


@pytest.mark.parametrize("session", ["no-such-session", "x" * 500, "세션"])
def test_an_unknown_session_gives_the_blank_form(client, clock, workshops, session):
    response = client.get(url("start", "en"), {"session": session})

    assert response.status_code == 200
    assert checked_sessions(response.content.decode()) == []


@pytest.mark.parametrize(("lang", "country"), [("ko", "KR"), ("en", "")])
def test_the_korean_form_suggests_the_republic_of_korea(client, clock, workshops, lang, country):
    assert selected_country(client.get(url("start", lang)).content.decode()) == country
