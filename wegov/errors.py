"""The site's error answers for requests stopped before or outside a view: in the
language of the URL, and JSON for the desk's API. Used by the error handlers
(wegov/views.py) and the middleware (wegov/middleware.py)."""

import re

from django.conf import settings
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _

# The desk's JSON API answers errors in JSON, never with an HTML page.
JSON_API_PATH = re.compile(r"^/[a-z-]+/desk/api/")


def bad_request_response(request) -> HttpResponse:
    """The 400 answer, in the language of the URL. Never reads the request's body
    or POST (reading them may be what failed) and runs no context processor, so
    it needs neither the database nor the session."""
    with translation.override(url_language(request)):
        if JSON_API_PATH.match(request.path_info):
            message = _("The request could not be read: it holds characters or an encoding this site does not accept.")
            return JsonResponse({"error": message}, status=400)
        return HttpResponse(render_to_string("400.html"), status=400)


def not_found_response(request) -> HttpResponse:
    """The 404 page (JSON for the desk's API), in the language of the URL, for a
    request stopped before the language middleware ran."""
    with translation.override(url_language(request)):
        if JSON_API_PATH.match(request.path_info):
            return JsonResponse({"error": _("Not found.")}, status=404)
        return render(request, "404.html", status=404)


def url_language(request) -> str:
    return translation.get_language_from_path(request.path_info) or settings.LANGUAGE_CODE
