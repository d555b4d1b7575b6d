"""Who may use the desk: logged-in staff holding registration.use_desk (the Desk
staff group, and organisers, who hold every registration permission).

Pages send an anonymous visitor to the desk's log-in page; the JSON API answers
403 with a JSON body instead, so a scanner app never gets an HTML page to parse.
A logged-in user without the permission gets 403 either way. Failed log-ins are
throttled by django-axes (settings.AXES_*), per user name and address together.
"""

import time
from functools import wraps

from django.contrib.auth import views as auth_views
from django.contrib.auth.views import redirect_to_login
from django.http import JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

DESK_PERMISSION = "registration.use_desk"
# The API re-reads the permission at most this often per log-in session.
API_PERMISSION_RECHECK_SECONDS = 60
API_PERMISSION_SESSION_KEY = "desk_permission_checked_at"
# The length of django-axes' username columns.
THROTTLE_USERNAME_LENGTH = 255


def throttled_username(request, credentials) -> str | None:
    """The user name django-axes counts failed log-ins under (AXES_USERNAME_CALLABLE),
    for the desk's and the admin's log-in: the name typed, clipped to the length
    of axes' columns and without NUL characters, so that any name typed can be
    recorded. No account has a name that long (150 characters at most), so
    clipping joins no real user to another."""
    if credentials:
        username = credentials.get("username")
    else:
        username = request.POST.get("username")
    if not isinstance(username, str):
        return None
    return username.replace("\x00", "")[:THROTTLE_USERNAME_LENGTH]


def may_use_desk(user) -> bool:
    return user.is_authenticated and user.is_active and user.has_perm(DESK_PERMISSION)


def may_use_desk_api(request) -> bool:
    """may_use_desk for the JSON API, which a scanner calls every few seconds:
    the permission (two queries) is re-read at most once a minute per log-in
    session, the time of the last check kept in the session (shared by every
    node). Logging out or deactivating the account takes effect at once; a
    permission taken away, within a minute."""
    user = request.user
    if not (user.is_authenticated and user.is_active):
        return False
    checked_at = request.session.get(API_PERMISSION_SESSION_KEY)
    now = time.time()
    if isinstance(checked_at, float) and 0 <= now - checked_at < API_PERMISSION_RECHECK_SECONDS:
        return True
    if not user.has_perm(DESK_PERMISSION):
        request.session.pop(API_PERMISSION_SESSION_KEY, None)
        return False
    request.session[API_PERMISSION_SESSION_KEY] = now
    return True


def desk_required(view):
    """For desk pages: log-in page for anonymous visitors, 403 page for others."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path(), reverse("desk:login"))
        if not may_use_desk(request.user):
            return render(request, "desk/forbidden.html", status=403)
        return view(request, *args, **kwargs)

    return wrapper


def desk_api(view):
    """For the desk's JSON endpoints: 403 JSON unless the user may use the desk."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return JsonResponse(
                {"error": _("Log in to use the desk."), "login_url": reverse("desk:login")},
                status=403,
            )
        if not may_use_desk_api(request):
            return JsonResponse({"error": _("This account may not use the check-in desk.")}, status=403)
        return view(request, *args, **kwargs)

    return wrapper


class DeskLoginView(auth_views.LoginView):
    template_name = "desk/login.html"
    redirect_authenticated_user = True

    def get_default_redirect_url(self):
        return reverse("desk:checkpoints")


class DeskLogoutView(auth_views.LogoutView):
    """Log out, and have the browser forget what the desk kept on the device (the
    offline list of names, the queue, the service worker and its copies):
    Clear-Site-Data. desk-offline.js clears them too, for browsers without the
    header or over plain HTTP, where browsers ignore it."""

    next_page = "desk:login"

    def post(self, request, *args, **kwargs):
        response = super().post(request, *args, **kwargs)
        response["Clear-Site-Data"] = '"storage"'
        return response
