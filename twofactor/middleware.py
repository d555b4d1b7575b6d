"""Staff reach the admin and the dashboard (everything under /<lang>/admin/) only
after two-factor log-in: with an app, after typing its code; without one, when
settings.REQUIRE_2FA, after enrolling. The admin's log-in and log-out pages and
the two-factor pages themselves stay open. Anonymous visitors and users who may
not enter the admin go on to the admin's own log-in redirect. The desk (its own
log-in, for desk staff on shared tablets) is not concerned."""

from urllib.parse import urlencode

from django.shortcuts import redirect
from django.urls import reverse

from twofactor.gate import pending_step

OPEN_ADMIN_PAGES = {"login", "logout"}


class TwoFactorMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        match = request.resolver_match
        if match is None or not request.path.startswith(reverse("admin:index")):
            return None
        if "twofactor" in match.namespaces or ("admin" in match.namespaces and match.url_name in OPEN_ADMIN_PAGES):
            return None
        step = pending_step(request)
        if step is None:
            return None
        return redirect(f"{reverse(f'twofactor:{step}')}?{urlencode({'next': request.get_full_path()})}")
