"""Middleware of the site as a whole.

BadInputMiddleware refuses, before any view runs, input no page can answer sensibly and that
would otherwise reach the database as a server error (see wegov.inputs):

- a NUL character in the URL's path: the 404 page (no page has such an address);
- a NUL character in the query string (any name or value): the 400 page;
- in an admin changelist (every model admin, ours and the libraries'): an
  action posted with selected ids that cannot be ids of the model ("²", a NUL,
  300 characters), which Django's admin puts straight into a query, and a page
  number or date-hierarchy year, month or day that is not a short run of ASCII
  digits (a 25-digit year overflows inside Django; "١٢" would be read as 12):
  the 400 page.

The desk's JSON API gets the same answers as JSON. Form fields are not checked
here: the forms refuse a NUL field by field (Django's CharField) and keep what
was typed. Placed right after SecurityMiddleware, so that nothing else (static
files, sessions, the log-in throttle) sees such a request.

DatabaseBusyMiddleware turns a database that gave up waiting into a polite 503.
"""

import logging

from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.admin.views.main import PAGE_VAR
from django.core.exceptions import ValidationError
from django.db import models
from django.http import HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from wegov.db import LOCK_NOT_AVAILABLE, timeout_code
from wegov.errors import bad_request_response, not_found_response
from wegov.inputs import is_storable, parse_id

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
            context = {"was_post": request.method == "POST", "url": request.get_full_path()}
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


class BadInputMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if "\x00" in request.path_info:
            return not_found_response(request)
        if not all(is_storable(key) and all(map(is_storable, values)) for key, values in request.GET.lists()):
            return bad_request_response(request)
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        model_admin = getattr(view_func, "model_admin", None)
        if model_admin is None or view_func.__name__ != "changelist_view":
            return None
        numbers = [PAGE_VAR]
        if model_admin.date_hierarchy:
            numbers += [f"{model_admin.date_hierarchy}__{part}" for part in ("year", "month", "day")]
        if not all(_is_small_number(value) for name in numbers for value in request.GET.getlist(name)):
            return bad_request_response(request)
        if request.method == "POST":
            selected = request.POST.getlist(ACTION_CHECKBOX_NAME)
            if not all(_could_be_pk(model_admin.model, value) for value in selected):
                return bad_request_response(request)
        return None


def _is_small_number(value: str) -> bool:
    return value == "" or (value.isascii() and value.isdigit() and len(value) <= 9)


def _could_be_pk(model, value: str) -> bool:
    pk = model._meta.pk
    if isinstance(pk, models.IntegerField):  # AutoField and BigAutoField too
        return parse_id(value) is not None
    if not is_storable(value):
        return False
    try:
        pk.to_python(value)
    except ValidationError:
        return False
    return True
