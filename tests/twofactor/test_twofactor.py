"""Two-factor log-in for staff (twofactor/): enrolment, the code after the password,
backup codes, required (production) versus optional (make run), and the desk,
which keeps its plain log-in."""

import threading
import time
from base64 import b32encode

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import connection
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from registration.roles import DESK_STAFF, ORGANISERS, VIEWERS
from twofactor import services

pytestmark = pytest.mark.django_db

User = get_user_model()
PASSWORD = "correct horse battery staple"
ADMIN = "/ko/admin/"
DASHBOARD = "/ko/admin/dashboard/"
VERIFY = "/ko/admin/two-factor/"
ENROL = "/ko/admin/two-factor/enrol/"
BACKUP = "/ko/admin/two-factor/backup-codes/"


@pytest.fixture
def required(settings):
    settings.REQUIRE_2FA = True


@pytest.fixture
def optional(settings):
    settings.REQUIRE_2FA = False


def member(group: str, username: str = "kim", *, is_staff: bool = True):
    user = User.objects.create_user(username=username, password=PASSWORD, is_staff=is_staff)
    user.groups.add(Group.objects.get(name=group))
    return user


def code_of(key: str, *, steps_ahead: int = 0) -> str:
    """What an authenticator app holding `key` (hex) shows now, or `steps_ahead` x 30 s later."""
    device = TOTPDevice(key=key)
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits)
    totp.time = time.time() + steps_ahead * device.step
    return f"{totp.token():06d}"


def log_in(client, username: str = "kim"):
    """The admin's log-in page, with the password (a real log-in, as a person does)."""
    return client.post("/ko/admin/login/", {"username": username, "password": PASSWORD, "next": ADMIN})


def enrolled(user) -> tuple[TOTPDevice, list[str]]:
    key = TOTPDevice(user=user).key
    return services.enrol(user=user, key=key, code=code_of(key))


def error_of(response) -> list[str]:
    return response.context["form"].errors["code"]


# Required (production) -----------------------------------------------------------------------


@pytest.mark.parametrize("page", [ADMIN, DASHBOARD, "/ko/admin/registration/registration/"])
@pytest.mark.parametrize("group", [ORGANISERS, VIEWERS])
def test_required_staff_without_an_app_are_sent_to_enrol_first(client, required, page, group):
    member(group)
    log_in(client)

    response = client.get(page)

    assert response.status_code == 302
    assert response["Location"] == f"{ENROL}?next={page.replace('/', '%2F')}"


def test_enrolment_shows_a_qr_code_and_the_key_then_turns_on_with_a_code(client, required):
    user = member(ORGANISERS)
    log_in(client)

    page = client.get(ENROL + "?next=/ko/admin/dashboard/")
    key = client.session["twofactor_enrol_key"]
    response = client.post(ENROL + "?next=/ko/admin/dashboard/", {"code": code_of(key)})

    html = page.content.decode()
    assert 'src="data:image/svg+xml' in html
    assert page.context["secret"].replace(" ", "") == b32encode(bytes.fromhex(key)).decode()
    assert page.context["secret"] in html
    assert response["Location"] == BACKUP + "?next=%2Fko%2Fadmin%2Fdashboard%2F"
    device = TOTPDevice.objects.get(user=user)
    assert (device.confirmed, device.key) == (True, key)
    assert StaticToken.objects.filter(device__user=user).count() == services.BACKUP_CODE_COUNT


def test_backup_codes_are_shown_once_then_the_page_goes_on(client, required):
    user = member(ORGANISERS)
    log_in(client)
    client.get(ENROL)
    client.post(ENROL + "?next=/ko/admin/dashboard/", {"code": code_of(client.session["twofactor_enrol_key"])})

    first = client.get(BACKUP + "?next=/ko/admin/dashboard/")
    second = client.get(BACKUP + "?next=/ko/admin/dashboard/")

    stored = set(StaticToken.objects.filter(device__user=user).values_list("token", flat=True))
    assert set(first.context["codes"]) == stored
    assert all(f"<code>{code}</code>" in first.content.decode() for code in stored)
    assert second.status_code == 302
    assert second["Location"] == DASHBOARD


def test_after_enrolling_the_admin_and_dashboard_open(client, required):
    member(ORGANISERS)
    log_in(client)
    client.get(ENROL)
    client.post(ENROL, {"code": code_of(client.session["twofactor_enrol_key"])})

    admin_page = client.get(ADMIN)
    dashboard = client.get(DASHBOARD)

    assert "admin/index.html" in [t.name for t in admin_page.templates]
    assert "admin/dashboard.html" in [t.name for t in dashboard.templates]


@pytest.mark.parametrize(
    ("language", "message"),
    [
        ("ko", "코드가 맞지 않습니다. 앱에 지금 보이는 숫자 여섯 자리를 입력하세요."),
        ("en", "That code is not right. Type the six digits your app shows now."),
    ],
)
def test_a_wrong_enrolment_code_is_refused_in_the_pages_language(client, required, language, message):
    user = member(ORGANISERS)
    log_in(client)
    client.get(f"/{language}/admin/two-factor/enrol/")
    wrong = code_of(client.session["twofactor_enrol_key"], steps_ahead=5)

    response = client.post(f"/{language}/admin/two-factor/enrol/", {"code": wrong})

    assert error_of(response) == [message]
    assert 'aria-invalid="true"' in response.content.decode()
    assert not TOTPDevice.objects.filter(user=user).exists()
    assert client.get(ADMIN)["Location"].startswith(ENROL)


def test_desk_staff_log_in_to_the_desk_without_a_code(client, required):
    member(DESK_STAFF, is_staff=False)

    response = client.post("/ko/desk/login/", {"username": "kim", "password": PASSWORD})

    assert response["Location"] == "/ko/desk/"
    assert "desk/checkpoints.html" in [t.name for t in client.get("/ko/desk/").templates]


# With an app: the code after the password -------------------------------------------------------


@pytest.mark.parametrize("mode", ["required", "optional"])
def test_with_an_app_the_admin_asks_for_the_code_after_the_password(client, request, mode):
    request.getfixturevalue(mode)
    enrolled(member(VIEWERS))
    log_in(client)

    response = client.get(DASHBOARD)

    assert response["Location"] == f"{VERIFY}?next=%2Fko%2Fadmin%2Fdashboard%2F"
    assert client.get(VERIFY).context["form"].fields["code"].label == "앱의 코드 또는 백업 코드"


def test_the_apps_code_opens_the_admin(client, required):
    user = member(ORGANISERS)
    device, _codes = enrolled(user)
    log_in(client)

    response = client.post(VERIFY + "?next=/ko/admin/dashboard/", {"code": code_of(device.key, steps_ahead=1)})

    assert response["Location"] == DASHBOARD
    assert "admin/dashboard.html" in [t.name for t in client.get(DASHBOARD).templates]


@pytest.mark.parametrize(
    ("language", "message"),
    [
        ("ko", "코드가 맞지 않습니다. 앱에 지금 보이는 숫자 여섯 자리나 백업 코드 하나를 입력하세요."),
        ("en", "That code is not right. Type the six digits your app shows now, or one of your backup codes."),
    ],
)
def test_a_wrong_code_is_refused_in_the_pages_language(client, required, language, message):
    device, _codes = enrolled(member(ORGANISERS))
    log_in(client)

    response = client.post(f"/{language}/admin/two-factor/", {"code": code_of(device.key, steps_ahead=6)})

    assert error_of(response) == [message]
    assert client.get(ADMIN)["Location"].startswith(VERIFY)


def test_a_second_try_straight_after_a_wrong_code_must_wait(client, required):
    device, _codes = enrolled(member(ORGANISERS))
    log_in(client)
    client.post(VERIFY, {"code": code_of(device.key, steps_ahead=6)})

    response = client.post(VERIFY, {"code": code_of(device.key, steps_ahead=1)})

    assert error_of(response) == ["틀린 코드가 너무 많습니다. 잠시 기다렸다가 다시 해 보세요."]
    assert client.get(ADMIN)["Location"].startswith(VERIFY)


def test_a_backup_code_works_once(client, required):
    user = member(ORGANISERS)
    _device, codes = enrolled(user)
    log_in(client)

    first = client.post(VERIFY, {"code": codes[0].upper()})
    client.post("/ko/admin/logout/")
    log_in(client)
    second = client.post(VERIFY, {"code": codes[0]})

    assert first["Location"] == ADMIN
    assert error_of(second) == ["코드가 맞지 않습니다. 앱에 지금 보이는 숫자 여섯 자리나 백업 코드 하나를 입력하세요."]
    assert StaticToken.objects.filter(device__user=user).count() == services.BACKUP_CODE_COUNT - 1


def test_each_log_in_asks_for_a_code_again(client, required):
    device, _codes = enrolled(member(ORGANISERS))
    log_in(client)
    client.post(VERIFY, {"code": code_of(device.key, steps_ahead=1)})
    client.post("/ko/admin/logout/")

    log_in(client)

    assert client.get(ADMIN)["Location"].startswith(VERIFY)


def test_a_next_address_off_the_site_goes_to_the_admin_instead(client, required):
    device, _codes = enrolled(member(ORGANISERS))
    log_in(client)

    response = client.post(VERIFY + "?next=https://evil.example/", {"code": code_of(device.key, steps_ahead=1)})

    assert response["Location"] == ADMIN


def test_a_removed_app_means_enrolling_again(client, required):
    """A lost phone: an organiser removes the device in the admin; the next log-in enrols anew."""
    user = member(ORGANISERS)
    enrolled(user)
    TOTPDevice.objects.filter(user=user).delete()

    log_in(client)

    assert client.get(ADMIN)["Location"].startswith(ENROL)


# Optional (make run) ---------------------------------------------------------------------------


def test_optional_staff_without_an_app_reach_the_admin_and_may_enrol(client, optional):
    member(ORGANISERS)
    log_in(client)

    index = client.get(ADMIN)
    page = client.get(ENROL)

    assert "admin/index.html" in [t.name for t in index.templates]
    assert f'<a href="{ENROL}">2단계 로그인</a>' in index.content.decode()
    assert page.context["replaces"] is False
    assert "twofactor/enrol.html" in [t.name for t in page.templates]


def test_enrolling_again_replaces_the_app_and_the_backup_codes(client, optional):
    user = member(ORGANISERS)
    old, old_codes = enrolled(user)
    client.force_login(user)
    client.post(VERIFY, {"code": code_of(old.key, steps_ahead=1)})

    page = client.get(ENROL)
    client.post(ENROL, {"code": code_of(client.session["twofactor_enrol_key"])})

    assert page.context["replaces"] is True
    assert TOTPDevice.objects.get(user=user).key != old.key
    assert StaticDevice.objects.filter(user=user).count() == 1
    assert not StaticToken.objects.filter(token__in=old_codes).exists()


def test_the_pages_ask_anonymous_visitors_to_log_in(client, required):
    for page in (VERIFY, ENROL, BACKUP):
        response = client.get(page)
        assert response["Location"] == f"/ko/admin/login/?next={page}"


def test_the_admin_log_in_is_still_throttled(client, required, settings):
    settings.AXES_ENABLED = True
    member(ORGANISERS)

    for _ in range(5):
        client.post("/ko/admin/login/", {"username": "kim", "password": "wrong", "next": ADMIN})
    response = log_in(client)

    assert response.status_code == 429
    assert client.get(ADMIN)["Location"].startswith("/ko/admin/login/")


# Concurrency -----------------------------------------------------------------------------------


TIMEOUT = 30  # seconds; a deadlock or a lost thread fails the test instead of hanging it


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("which", ["backup code", "app code"])
def test_one_code_used_at_once_from_many_places_is_accepted_once(requires_postgres, which):
    """Row locks on the device: eight log-ins typing the same code at the same moment."""
    user = member(ORGANISERS)
    device, codes = enrolled(user)
    code = codes[0] if which == "backup code" else code_of(device.key, steps_ahead=1)
    barrier = threading.Barrier(8)
    outcomes = []

    def use():
        try:
            connection.ensure_connection()  # connect before the start line, not after it
            barrier.wait(timeout=TIMEOUT)
            services.verify(user=user, code=code)
            outcomes.append("accepted")
        except services.TwoFactorError as error:
            outcomes.append(error.code)
        finally:
            connection.close()

    threads = [threading.Thread(target=use) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(TIMEOUT)

    assert not any(thread.is_alive() for thread in threads), "a thread is stuck (deadlock?)"
    assert outcomes.count("accepted") == 1
    assert len(outcomes) == 8
    assert StaticToken.objects.filter(device__user=user).count() == services.BACKUP_CODE_COUNT - (
        which == "backup code"
    )
