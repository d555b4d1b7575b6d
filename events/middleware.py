"""The current edition, once per request (as pretalx gives every request its event).

CurrentEventMiddleware sets `request.event`: the current Event, read from the
database when first used and then kept for the rest of the request, so the views,
the context processor and the templates share one query, and a request that never
looks at it (a scan at the desk, a static file) makes none. Pages served by the
page cache (events/pagecache.py) are answered before this middleware runs.

`request.event` is lazy, like `request.user`: when there is no current edition it
stands for None and is false, so test it with `if request.event`, never `is None`.
A view that already holds the current edition from elsewhere (the registration
form, from its shared cache entry) sets `request.event` to it, so it is not read again.
"""

from django.utils.functional import SimpleLazyObject

from events.queries import get_current_event


def attach_current_event(request) -> None:
    """Give `request` its lazy `event` (also for a request answered before the
    middleware ran, such as a 404 from wegov.middleware)."""
    request.event = SimpleLazyObject(get_current_event)


class CurrentEventMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        attach_current_event(request)
        return self.get_response(request)
