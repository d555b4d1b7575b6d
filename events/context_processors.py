from events.queries import get_current_event


def current_event(request):
    """The current edition, for the header and footer of every page (cached per request)."""
    if not hasattr(request, "_current_event"):
        request._current_event = get_current_event()
    return {"event": request._current_event}
