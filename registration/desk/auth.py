"""Who may use the desk: logged-in staff holding registration.use_desk (the Desk
staff group, and organisers, who hold every registration permission).

Pages send an anonymous visitor to the desk's log-in page; the JSON API answers
403 with a JSON body instead, so a scanner app never gets an HTML page to parse.
A logged-in user without the permission gets 403 either way. Failed log-ins are
throttled by django-axes (settings.AXES_*), per user name and address together.
"""

from functools import wraps

from django.contrib.auth import views as auth_views
from django.contrib.auth.views import redirect_to_login
from django.http import JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

DESK_PERMISSION = "registration.use_desk"


def may_use_desk(user) -> bool:
    return user.is_authenticated and user.is_active and user.has_perm(DESK_PERMISSION)


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
        if not may_use_desk(request.user):
            return JsonResponse({"error": _("This account may not use the check-in desk.")}, status=403)
        return view(request, *args, **kwargs)

    return wrapper


class DeskLoginView(auth_views.LoginView):
    template_name = "desk/login.html"
    redirect_authenticated_user = True

    def get_default_redirect_url(self):
        return reverse("desk:checkpoints")


class DeskLogoutView(auth_views.LogoutView):
    next_page = "desk:login"
