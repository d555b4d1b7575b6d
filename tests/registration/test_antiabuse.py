"""Abuse protection: the honeypot, the minimum fill time (a person fast once is
never refused), the per-address throttles; units and through the pages."""

import re

import pytest
from django.core.signing import TimestampSigner
from django.test import RequestFactory

from registration import antiabuse
from registration.models import MailKind, OutgoingMail, Registration
from tests.registration.pages import open_form, register_directly, submit, text, url, valid_data


def stamp_token(stamp: str) -> str:
    return TimestampSigner(salt="registration.antiabuse.stamp").unsign(stamp)


# Stamps and the fill time --------------------------------------------------------------


def test_each_form_gets_its_own_token(clock):
    first, second = antiabuse.new_stamp(), antiabuse.new_stamp()

    assert stamp_token(first) != stamp_token(second)
    assert len(stamp_token(first)) >= 43  # 256 bits, URL-safe


def test_a_form_sent_after_the_minimum_time_is_accepted(clock):
    stamp = antiabuse.new_stamp()
    clock.shift(3.5)

    check = antiabuse.check_submission({antiabuse.STAMP_FIELD: stamp})

    assert check.verdict == antiabuse.Verdict.OK
    assert check.token == stamp_token(stamp)


def test_a_form_sent_too_fast_is_shown_again_the_first_time(clock):
    stamp = antiabuse.new_stamp()
    clock.shift(1)

    check = antiabuse.check_submission({antiabuse.STAMP_FIELD: stamp})

    assert check.verdict == antiabuse.Verdict.TOO_FAST
    assert check.token == stamp_token(stamp)


def test_a_form_sent_too_fast_after_a_warning_is_refused(clock):
    stamp = antiabuse.new_stamp()
    clock.shift(1)
    warned = antiabuse.warned_marker(stamp_token(stamp))

    check = antiabuse.check_submission({antiabuse.STAMP_FIELD: stamp, antiabuse.WARNED_FIELD: warned})

    assert (check.verdict, check.reason) == (antiabuse.Verdict.REFUSED, "too_fast_again")


def test_a_warning_for_another_form_does_not_count(clock):
    stamp = antiabuse.new_stamp()
    clock.shift(1)
    warned = antiabuse.warned_marker("another-token")

    check = antiabuse.check_submission({antiabuse.STAMP_FIELD: stamp, antiabuse.WARNED_FIELD: warned})

    assert check.verdict == antiabuse.Verdict.TOO_FAST


def test_a_forged_warning_does_not_count(clock):
    stamp = antiabuse.new_stamp()
    clock.shift(1)

    check = antiabuse.check_submission({antiabuse.STAMP_FIELD: stamp, antiabuse.WARNED_FIELD: "x:y"})

    assert check.verdict == antiabuse.Verdict.TOO_FAST


@pytest.mark.parametrize("stamp", ["", "garbage", "token:1OmFxg:forged-signature", None])
def test_a_missing_or_tampered_stamp_is_refused(clock, stamp):
    data = {} if stamp is None else {antiabuse.STAMP_FIELD: stamp}

    check = antiabuse.check_submission(data)

    assert (check.verdict, check.reason) == (antiabuse.Verdict.REFUSED, "tampered")


def test_a_stamp_with_a_changed_time_is_refused(clock):
    token, _timestamp, signature = antiabuse.new_stamp().split(":")
    clock.shift(3600)
    _, later_timestamp, _ = antiabuse.new_stamp().split(":")

    check = antiabuse.check_submission({antiabuse.STAMP_FIELD: f"{token}:{later_timestamp}:{signature}"})

    assert check.reason == "tampered"


@pytest.mark.parametrize("value", ["http://spam.example", " x "])
def test_a_filled_honeypot_is_refused(clock, value):
    stamp = antiabuse.new_stamp()
    clock.shift(10)

    check = antiabuse.check_submission({antiabuse.STAMP_FIELD: stamp, antiabuse.HONEYPOT_FIELD: value})

    assert (check.verdict, check.reason) == (antiabuse.Verdict.REFUSED, "honeypot")


def test_the_minimum_fill_time_is_a_setting(clock, settings):
    settings.REGISTRATION_MIN_FILL_SECONDS = 0
    stamp = antiabuse.new_stamp()

    assert antiabuse.check_submission({antiabuse.STAMP_FIELD: stamp}).ok

    settings.REGISTRATION_MIN_FILL_SECONDS = 30
    clock.shift(10)
    assert antiabuse.check_submission({antiabuse.STAMP_FIELD: stamp}).verdict == antiabuse.Verdict.TOO_FAST


# Client address and throttle --------------------------------------------------------------


@pytest.mark.parametrize(
    ("remote", "forwarded", "behind_proxy", "expected"),
    [
        ("203.0.113.7", "", False, "203.0.113.7"),
        ("203.0.113.7", "198.51.100.1", False, "203.0.113.7"),  # the header is ignored by default
        ("10.0.0.2", "198.51.100.1", True, "198.51.100.1"),
        ("10.0.0.2", "6.6.6.6, 198.51.100.1", True, "198.51.100.1"),  # the hop our proxy added
        ("10.0.0.2", "", True, "10.0.0.2"),
        ("2001:db8:1:2:3:4:5:6", "", False, "2001:db8:1:2::/64"),
        ("::ffff:203.0.113.7", "", False, "203.0.113.7"),
        ("not-an-address", "", False, "unknown"),
        ("", "", False, "unknown"),
    ],
)
def test_client_address(settings, remote, forwarded, behind_proxy, expected):
    settings.BEHIND_PROXY = behind_proxy
    request = RequestFactory().get("/", REMOTE_ADDR=remote, HTTP_X_FORWARDED_FOR=forwarded)

    assert antiabuse.client_address(request) == expected


def test_throttle_allows_the_limit_then_refuses_until_the_window_ends(clock, settings):
    settings.REGISTRATION_THROTTLES = {"register": (3, 600)}

    results = [antiabuse.hit("register", "203.0.113.7").allowed for _ in range(4)]

    assert results == [True, True, True, False]
    assert antiabuse.hit("register", "203.0.113.8").allowed  # another address has its own count
    assert antiabuse.hit("lost", "203.0.113.7").allowed  # and another scope too
    refused = antiabuse.hit("register", "203.0.113.7")
    assert 0 < refused.retry_after <= 600
    clock.shift(refused.retry_after)
    assert antiabuse.hit("register", "203.0.113.7").allowed


# Through the registration form ---------------------------------------------------------------


def test_honeypot_filled_gives_a_polite_refusal(client, clock, open_event):
    response = submit(client, clock, valid_data(website="http://spam.example"))

    assert response.status_code == 400
    assert "We could not accept this form" in text(response)
    assert "register on site" in text(response)
    assert not Registration.objects.exists()


def test_too_fast_once_shows_the_form_again_with_what_was_typed(client, clock, open_event):
    stamp = open_form(client)
    clock.shift(1)

    response = client.post(url("start"), {**valid_data(name="José Müller"), "form_stamp": stamp})

    assert response.status_code == 200
    assert "That was quick!" in text(response)
    html = response.content.decode()
    assert 'value="José Müller"' in html
    assert f'name="form_stamp" value="{stamp}"' in html
    assert re.search(r'name="form_warned" value="[^"]+"', html)
    assert not Registration.objects.exists()


def test_a_person_fast_once_is_registered_when_sending_again(client, clock, open_event):
    stamp = open_form(client)
    clock.shift(1)
    first = client.post(url("start"), {**valid_data(), "form_stamp": stamp})
    warned = first.context["warned"]
    clock.shift(4)

    response = client.post(url("start"), {**valid_data(), "form_stamp": stamp, "form_warned": warned})

    assert response.status_code == 302
    assert Registration.objects.count() == 1


def test_too_fast_twice_gives_a_polite_refusal(client, clock, open_event):
    stamp = open_form(client)
    clock.shift(0.5)
    first = client.post(url("start"), {**valid_data(), "form_stamp": stamp})
    clock.shift(0.5)

    response = client.post(url("start"), {**valid_data(), "form_stamp": stamp, "form_warned": first.context["warned"]})

    assert response.status_code == 400
    assert "take a few seconds" in text(response)
    assert not Registration.objects.exists()


@pytest.mark.parametrize("stamp", ["", "forged:stamp:value", None])
def test_a_tampered_or_missing_stamp_gives_a_polite_refusal(client, clock, open_event, stamp):
    data = valid_data() if stamp is None else {**valid_data(), "form_stamp": stamp}

    response = client.post(url("start"), data)

    assert response.status_code == 400
    assert "We could not accept this form" in text(response)
    assert not Registration.objects.exists()


def test_registration_posts_are_throttled_per_address(client, clock, open_event):
    limit, window = antiabuse.DEFAULT_THROTTLES["register"]
    assert (limit, window) == (40, 600)
    stamp = open_form(client)
    clock.shift(5)
    for _ in range(limit):
        assert client.post(url("start"), {"form_stamp": stamp}).status_code == 200

    response = client.post(url("start"), {**valid_data(), "form_stamp": stamp})

    assert response.status_code == 429
    assert 0 < int(response["Retry-After"]) <= 600
    assert "Please wait a moment" in text(response)
    assert not Registration.objects.exists()
    other = client.post(url("start"), {**valid_data(), "form_stamp": stamp}, REMOTE_ADDR="198.51.100.9")
    assert other.status_code == 302


def test_forwarded_for_is_ignored_unless_behind_a_proxy(client, clock, open_event, settings):
    settings.REGISTRATION_THROTTLES = {"register": (2, 600)}
    stamp = open_form(client)
    clock.shift(5)
    posts = [
        client.post(url("start"), {"form_stamp": stamp}, HTTP_X_FORWARDED_FOR=f"198.51.100.{n}").status_code
        for n in range(3)
    ]
    assert posts == [200, 200, 429]

    settings.BEHIND_PROXY = True
    response = client.post(url("start"), {"form_stamp": stamp}, HTTP_X_FORWARDED_FOR="198.51.100.77")
    assert response.status_code == 200


# Through the lost-link page -------------------------------------------------------------------


def test_lost_link_is_throttled_per_address(client, db, open_event):
    statuses = [client.post(url("lost"), {"email": f"p{n}@example.org"}).status_code for n in range(6)]

    assert statuses == [302, 302, 302, 302, 302, 429]


def test_lost_link_mails_one_address_at_most_three_times_an_hour(client, clock, open_event):
    register_directly(open_event, email="known@example.org")
    OutgoingMail.objects.all().delete()

    pages = [
        client.post(url("lost"), {"email": "known@example.org"}, REMOTE_ADDR=f"198.51.100.{n}", follow=True)
        for n in range(5)
    ]

    assert [page.redirect_chain for page in pages] == [[(url("lost_sent"), 302)]] * 5
    assert OutgoingMail.objects.filter(kind=MailKind.MANAGE_LINK).count() == 3


def test_lost_link_honeypot_filled_gives_a_polite_refusal(client, db, open_event):
    response = client.post(url("lost"), {"email": "a@example.org", "website": "spam"})

    assert response.status_code == 400
    assert not OutgoingMail.objects.exists()
