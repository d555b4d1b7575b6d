import logging
import secrets

from django.core.cache import cache
from django.db import connection
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import translation
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from wegov.errors import bad_request_response, url_language

logger = logging.getLogger(__name__)


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


def server_error(request):
    """handler500: the site's own page, in the language of the URL. Rendered without
    context processors or the session, so it makes no query: the database may be
    what failed."""
    with translation.override(url_language(request)):
        return HttpResponse(render_to_string("500.html"), status=500)
