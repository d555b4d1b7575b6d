import re

from django.conf import settings
from django.db import connection
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

# The desk's JSON API answers errors in JSON, never with an HTML page.
JSON_API_PATH = re.compile(r"^/[a-z-]+/desk/api/")


@never_cache
@require_GET
def healthz(request):
    """For load balancers: the process answers and the database is reachable."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


def page_not_found(request, exception):
    return render(request, "404.html", status=404)


def bad_request(request, exception):
    """handler400: a request Django could not read (a form declared in another
    charset, too many fields, ...) or one wegov.middleware refused."""
    return bad_request_response(request)


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
        return page_not_found(request, None)


def url_language(request) -> str:
    return translation.get_language_from_path(request.path_info) or settings.LANGUAGE_CODE


def server_error(request):
    # No context processors: the database may be what failed.
    return HttpResponse(
        "<!doctype html><title>500</title><h1>Server error / 서버 오류</h1>"
        "<p>Please try again in a moment. 잠시 후 다시 시도해 주세요.</p>",
        status=500,
    )
