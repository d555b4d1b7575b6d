"""Where a staff member stands with two-factor log-in in this log-in session.

Whether the account has an authenticator app is read once, at log-in, and kept
in the session (so the admin's pages run no extra query); a session from
before this code reads it once too."""

from django.conf import settings

from twofactor import services

HAS_APP_SESSION_KEY = "twofactor_has_app"
VERIFY, ENROL = "verify", "enrol"


def remember_app_at_login(sender, request, user, **kwargs) -> None:
    """user_logged_in receiver: a new log-in asks for a code again (django-otp's
    own record of the device that gave one does not survive a log-in)."""
    if request is not None and hasattr(request, "session") and user.is_staff:
        request.session[HAS_APP_SESSION_KEY] = services.has_app(user)


def set_has_app(request, *, has_app: bool) -> None:
    request.session[HAS_APP_SESSION_KEY] = has_app


def pending_step(request) -> str | None:
    """VERIFY (type a code), ENROL (set up an app first: required and none yet), or
    None: not staff, already verified, or two-factor optional and no app."""
    user = request.user
    if not (user.is_authenticated and user.is_active and user.is_staff):
        return None
    if getattr(user, "is_verified", lambda: False)():
        return None
    has_app = request.session.get(HAS_APP_SESSION_KEY)
    if not isinstance(has_app, bool):
        has_app = services.has_app(user)
        request.session[HAS_APP_SESSION_KEY] = has_app
    if has_app:
        return VERIFY
    return ENROL if settings.REQUIRE_2FA else None
