"""Refuses, before any view runs, input no page can answer sensibly and that
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
"""

from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.admin.views.main import PAGE_VAR
from django.core.exceptions import ValidationError
from django.db import models

from wegov.inputs import is_storable, parse_id
from wegov.views import bad_request_response, not_found_response


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
