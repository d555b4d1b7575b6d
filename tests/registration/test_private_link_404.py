"""A mistyped private link gets the site's own translated 404 page, with a way to
get the link again; never Django's debug page (with DEBUG on, as under `make run`)."""

import pytest
from django.urls import reverse
from django.utils import translation

from tests.registration.pages import text

pytestmark = pytest.mark.django_db

MISTYPED = [
    "/{lang}/register/manage/not-a-secret/",
    "/{lang}/register/manage/not-a-secret/ticket.png",
    "/{lang}/register/manage/not-a-secret/tickets/",
    "/{lang}/register/manage/a/b/c/",
]


@pytest.mark.parametrize("debug", [True, False])
@pytest.mark.parametrize("path", MISTYPED)
@pytest.mark.parametrize(
    ("lang", "heading"), [("ko", "이 개인 링크는 열리지 않습니다"), ("en", "This private link does not work")]
)
def test_a_mistyped_private_link_offers_the_link_again(client, settings, debug, path, lang, heading):
    settings.DEBUG = debug

    response = client.get(path.format(lang=lang))

    assert response.status_code == 404
    page = text(response)
    assert heading in page
    assert "URLconf" not in page
    with translation.override(lang):
        assert f'href="{reverse("registration:lost")}"' in response.content.decode()
    assert response["X-Robots-Tag"] == "noindex, nofollow"


def test_a_private_link_missing_its_final_slash_is_still_redirected(client):
    response = client.get("/en/register/manage/some-secret")

    assert response.status_code == 301
    assert response["Location"] == "/en/register/manage/some-secret/"
