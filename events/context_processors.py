from events.middleware import attach_current_event


def current_event(request):
    """The current edition, for the header and footer of every page: request.event
    (events/middleware.py), read at most once per request."""
    if not hasattr(request, "event"):
        attach_current_event(request)
    return {"event": request.event}
