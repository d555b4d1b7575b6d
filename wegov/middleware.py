"""Middleware of the site as a whole."""

import logging

from django.http import HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from wegov.db import LOCK_NOT_AVAILABLE, timeout_code

logger = logging.getLogger(__name__)

RETRY_AFTER = 5  # seconds, in the Retry-After header of the busy answer


class DatabaseBusyMiddleware:
    """A request whose statement PostgreSQL gave up on (a row lock held longer
    than the lock timeout, or a statement past the statement timeout; see
    settings.DATABASE_*_TIMEOUT_MS) gets a polite "busy, please try again"
    answer: 503 with Retry-After, a JSON error for the desk's API, a page for
    everyone else. The transaction that failed was rolled back, so nothing of
    it was written.

    Built without the database, which may be what is stuck: a standalone
    template and no context processors (the current-event one queries). The
    session is not saved either: whatever the request changed in it is dropped.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        code = timeout_code(exception)
        if not code:
            return None
        what = "a row lock" if code == LOCK_NOT_AVAILABLE else "a statement"
        logger.warning("Database busy: %s timed out on %s %s; answered 503", what, request.method, request.path)
        session = getattr(request, "session", None)
        if session is not None:
            session.modified = False
        if _wants_json(request):
            message = _("The server is busy. Wait a few seconds and try again.")
            response = JsonResponse({"error": message, "code": "busy"})
        else:
            context = {"lang": get_language(), "was_post": request.method == "POST", "url": request.get_full_path()}
            response = HttpResponse(render_to_string("busy.html", context))
        response.status_code = 503
        response["Retry-After"] = str(RETRY_AFTER)
        response["Cache-Control"] = "no-store"
        response._has_been_logged = True  # logged above as a warning, not as a server error
        return response


def _wants_json(request) -> bool:
    """The desk's JSON API (desk:api_*), or a client that asks for JSON rather than HTML."""
    match = request.resolver_match
    if match is not None and "desk" in match.namespaces and (match.url_name or "").startswith("api_"):
        return True
    return request.get_preferred_type(["text/html", "application/json"]) == "application/json"
