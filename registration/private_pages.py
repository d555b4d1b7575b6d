"""What every private page of a registration shares (the pages reached by the
link in its e-mails: registration.views and registration.privacy_views): the
registration found by its secret, never stored by a cache, and the site's own
404 for a link that leads nowhere."""

import functools

from django.http import Http404, HttpResponse
from django.shortcuts import render

from registration.models import Registration


def mark_private(response: HttpResponse) -> HttpResponse:
    """A page whose address holds a secret or that shows personal data: never
    stored by a cache, its address never sent to another site, never indexed.

    Referrer-Policy is same-origin, not no-referrer: under no-referrer browsers
    send `Origin: null` with the page's own form posts, which Django's CSRF check
    refuses, so the page's forms and the language switch would never work. The
    page loads nothing from other hosts, so its address reaches no one else."""
    response["Cache-Control"] = "private, no-store"
    response["Referrer-Policy"] = "same-origin"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


def private(view):
    """A private page: marked so (mark_private); an unknown or mistyped secret gets
    the site's own page, with a way to get the link again (never Django's debug
    page, with DEBUG on too)."""

    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        try:
            response = view(request, *args, **kwargs)
        except Http404:
            response = link_not_found(request)
        return mark_private(response)

    return wrapped


def link_not_found(request, rest: str = "") -> HttpResponse:
    """A private link that leads nowhere: a translated 404 that offers the link again."""
    return mark_private(render(request, "registration/link_not_found.html", status=404))


def registration_by_secret(secret: str) -> Registration:
    registration = Registration.objects.select_related("event").filter(manage_secret=secret).first()
    if registration is None:
        raise Http404
    return registration
