import logging
import re
import secrets

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

logger = logging.getLogger(__name__)

# The desk's JSON API answers errors in JSON, never with an HTML page.
JSON_API_PATH = re.compile(r"^/[a-z-]+/desk/api/")


@never_cache
@require_safe
def healthz(request):
    """For load balancers and monitoring: 200 only when this process can use both the
    database and the cache; otherwise 503, naming what is down. Never a 500, never
    cached. Each check fails as fast as its client gives up (a refused connection at
    once; a silent host after the connect timeouts of DATABASES and CACHES)."""
    checks = {"database": _database_works(), "cache": _cache_works()}
    healthy = all(checks.values())
    return JsonResponse(
        {"status": "ok" if healthy else "unavailable", **{name: "ok" if ok else "down" for name, ok in checks.items()}},
        status=200 if healthy else 503,
    )


def _database_works() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone() == (1,)
    except Exception:  # any failure means "down": an error here must not become a 500
        logger.warning("Health check: the database is not usable", exc_info=True)
        return False


def _cache_works() -> bool:
    """Write a fresh value and read it back: a cache that swallows its errors (and
    so answers every read with a miss) counts as down too."""
    key, value = f"healthz:{secrets.token_hex(8)}", secrets.token_hex(8)
    try:
        cache.set(key, value, timeout=10)
        works = cache.get(key) == value
        cache.delete(key)
    except Exception:  # any failure means "down"
        logger.warning("Health check: the cache is not usable", exc_info=True)
        return False
    if not works:
        logger.warning("Health check: the cache did not return what was just written to it")
    return works


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
