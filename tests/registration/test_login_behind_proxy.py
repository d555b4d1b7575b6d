"""The log-in throttle (django-axes) behind the TLS proxy (BEHIND_PROXY): every request
comes from the proxy's address, so the throttle must count the client's address the
proxy appended to X-Forwarded-For (wegov.clientip, as the registration throttles do).
Otherwise anyone typing wrong passwords for "organiser" locks the organiser out."""

import pytest
from axes.models import AccessAttempt
from django.contrib.auth import get_user_model
from django.test import Client, RequestFactory

from registration import roles
from tests.registration.desk_world import desk_url
from wegov.clientip import client_ip

PROXY = "127.0.0.1"  # nginx on the same machine: REMOTE_ADDR of every request
ATTACKER = "203.0.113.9"
ORGANISER = "198.51.100.20"
PASSWORD = "the-organisers-own-password"


@pytest.fixture
def organiser(db, settings):
    settings.AXES_ENABLED = True
    settings.BEHIND_PROXY = True
    user = get_user_model().objects.create_user(username="organiser", password=PASSWORD, is_staff=True)
    user.groups.add(roles.ensure_groups()[roles.ORGANISERS])
    return user


def admin_log_in(client, password, forwarded_for):
    return client.post(
        "/en/admin/login/",
        {"username": "organiser", "password": password, "next": "/en/admin/"},
        REMOTE_ADDR=PROXY,
        HTTP_X_FORWARDED_FOR=forwarded_for,
        HTTP_X_FORWARDED_PROTO="https",
        secure=True,
    )


def desk_log_in(client, password, forwarded_for):
    return client.post(
        desk_url("login"),
        {"username": "organiser", "password": password},
        REMOTE_ADDR=PROXY,
        HTTP_X_FORWARDED_FOR=forwarded_for,
        HTTP_X_FORWARDED_PROTO="https",
        secure=True,
    )


# The attacker claims the organiser's address in the header; the proxy appends the real one.
ATTACKER_HEADER = f"{ORGANISER}, {ATTACKER}"


@pytest.mark.parametrize("log_in", [admin_log_in, desk_log_in], ids=["admin", "desk"])
def test_wrong_passwords_from_one_forwarded_address_do_not_lock_out_the_organiser(organiser, log_in):
    attacker = Client()
    for _ in range(5):
        log_in(attacker, "guess", ATTACKER_HEADER)

    locked = log_in(attacker, PASSWORD, ATTACKER_HEADER)
    the_organiser = Client()
    response = log_in(the_organiser, PASSWORD, ORGANISER)

    assert locked.status_code == 429
    assert "_auth_user_id" not in attacker.session
    assert response.status_code == 302
    assert the_organiser.session["_auth_user_id"] == str(organiser.pk)
    assert list(AccessAttempt.objects.values_list("username", "ip_address")) == [("organiser", ATTACKER)]


@pytest.mark.parametrize("log_in", [admin_log_in, desk_log_in], ids=["admin", "desk"])
def test_wrong_passwords_lock_out_the_forwarded_address_that_typed_them(organiser, log_in):
    attacker = Client()
    for _ in range(5):
        log_in(attacker, "guess", ATTACKER)

    assert log_in(attacker, PASSWORD, ATTACKER).status_code == 429


@pytest.mark.parametrize(
    ("remote", "forwarded", "behind_proxy", "expected"),
    [
        ("203.0.113.7", "", False, "203.0.113.7"),
        ("203.0.113.7", "198.51.100.1", False, "203.0.113.7"),  # a client's header is ignored without a proxy
        (PROXY, "198.51.100.1", True, "198.51.100.1"),
        (PROXY, "6.6.6.6, 198.51.100.1", True, "198.51.100.1"),  # the hop our proxy appended
        (PROXY, "", True, PROXY),
        (PROXY, "6.6.6.6, not-an-address", True, None),
        ("2001:db8::1", "", False, "2001:db8::1"),
        ("::ffff:203.0.113.7", "", False, "203.0.113.7"),
        ("", "", False, None),
    ],
)
def test_client_ip(settings, remote, forwarded, behind_proxy, expected):
    settings.BEHIND_PROXY = behind_proxy
    request = RequestFactory().get("/", REMOTE_ADDR=remote, HTTP_X_FORWARDED_FOR=forwarded)

    assert client_ip(request) == expected
