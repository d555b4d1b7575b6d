"""Two-factor writes: enrol an authenticator app (with new backup codes) and check
a code typed at log-in. django-otp's devices do the arithmetic and the throttling
(each wrong code doubles the wait before the next try on that device)."""

import re
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_otp.models import Device
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

BACKUP_CODE_COUNT = 10
APP_DEVICE_NAME = "authenticator app"
BACKUP_DEVICE_NAME = "backup codes"
# What the authenticator app shows (six digits) and what a backup code looks like
# (StaticToken.random_token: eight letters and digits), once spaces are taken out.
APP_CODE = re.compile(r"[0-9]{6}")
BACKUP_CODE = re.compile(r"[a-z2-7]{8}")


@dataclass
class TwoFactorError(Exception):
    message: str
    code: str  # "wrong" or "wait"


def normalise(code: str) -> str:
    """A code as typed: spaces and dashes out, letters in lower case."""
    return re.sub(r"[\s-]", "", code).lower()


def has_app(user) -> bool:
    """Whether the user has enrolled an authenticator app (one query)."""
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def enrol(*, user, key: str, code: str) -> tuple[TOTPDevice, list[str]]:
    """Confirm the authenticator app holding `key` (hex) by a code it shows, and
    give the user ten new backup codes, each usable once.

    Replaces any app and backup codes the user had: one of each per user. Locks
    the user's row, so two enrolments at once leave one app and one set of codes.
    Raises TwoFactorError("wrong") for a code the key does not give now."""
    code = normalise(code)
    user_model = get_user_model()
    with transaction.atomic():
        user_model.objects.select_for_update().filter(pk=user.pk).first()
        device = TOTPDevice(user=user, name=APP_DEVICE_NAME, key=key, confirmed=True)
        totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
        if not APP_CODE.fullmatch(code) or not totp.verify(int(code), device.tolerance):
            raise TwoFactorError(_("That code is not right. Type the six digits your app shows now."), "wrong")
        device.last_t = totp.t()  # this code may not be used again to log in
        device.last_used_at = timezone.now()
        TOTPDevice.objects.filter(user=user).delete()
        StaticDevice.objects.filter(user=user).delete()
        device.save()
        backup = StaticDevice.objects.create(user=user, name=BACKUP_DEVICE_NAME)
        codes = [StaticToken.random_token() for _ in range(BACKUP_CODE_COUNT)]
        StaticToken.objects.bulk_create(StaticToken(device=backup, token=token) for token in codes)
    return device, codes


def verify(*, user, code: str) -> Device:
    """The device that accepts `code` now: the authenticator app for six digits,
    the backup codes otherwise (a backup code is then used up).

    Locks the device's row, so one code (or one backup code) used twice at once
    is accepted once. A wrong code counts against the device and the next try
    must wait (TwoFactorError("wait")); raises TwoFactorError("wrong") otherwise."""
    code = normalise(code)
    model = TOTPDevice if APP_CODE.fullmatch(code) else StaticDevice
    if not (APP_CODE.fullmatch(code) or BACKUP_CODE.fullmatch(code)):
        raise TwoFactorError(_wrong_message(), "wrong")
    with transaction.atomic():
        device = model.objects.select_for_update().filter(user=user, confirmed=True).order_by("pk").first()
        allowed = device is not None and device.verify_is_allowed()[0]
        # verify_token records a wrong try on the device: kept, so no raising in here.
        accepted = allowed and device.verify_token(code)
    if device is not None and not allowed:
        raise TwoFactorError(_("Too many wrong codes. Wait a minute, then try again."), "wait")
    if not accepted:
        raise TwoFactorError(_wrong_message(), "wrong")
    return device


def _wrong_message():
    return _("That code is not right. Type the six digits your app shows now, or one of your backup codes.")
