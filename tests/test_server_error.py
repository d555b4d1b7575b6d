"""The 500 page (handler500, wegov.views.server_error): the site's own page, in the
language of the URL, rendered without a query, so it shows even when the database
is what failed."""

import pytest
from django.test import Client
from django.urls import get_resolver


def server_error(request):
    """The site's handler500, as Django finds it in the URL configuration."""
    return get_resolver().resolve_error_handler(500)(request)


@pytest.fixture
def browser():
    """A client that gets the error page instead of the exception."""
    return Client(raise_request_exception=False)


@pytest.mark.parametrize(
    ("path", "language", "heading", "advice"),
    [
        ("/en/", "en", "Server error", "Please try again in a moment."),
        ("/ko/", "ko", "서버 오류", "잠시 후 다시 시도해 주세요."),
    ],
)
def test_with_the_database_down_a_page_gets_the_sites_own_500_page(browser, path, language, heading, advice):
    """No `db` fixture: every query raises, as with the database down. The home page
    needs the current event, so it fails; the 500 page makes no query, or it would
    fail too."""
    response = browser.get(path)

    html = response.content.decode()
    assert response.status_code == 500
    assert f'<html lang="{language}">' in html
    assert f"<h1>{heading}</h1>" in html
    assert advice in html
    assert f'href="/{language}/"' in html  # back to the home page, in the same language
    assert "/static/css/site.css" in html  # the site's own frame


def test_the_500_page_makes_no_query(rf, db, django_assert_num_queries):
    request = rf.get("/en/programme/")

    with django_assert_num_queries(0):
        response = server_error(request)

    assert response.status_code == 500
    assert "Something went wrong on the server" in response.content.decode()


def test_the_500_page_outside_a_language_prefix_is_in_the_default_language(rf):
    response = server_error(rf.get("/healthz"))

    assert "<h1>서버 오류</h1>" in response.content.decode()
