"""What other apps add to the programme's public pages, without events/ knowing
them: an app registers a provider in its AppConfig.ready(), and the session page
shows what the providers give for the session (e.g. the General Assembly's
published decisions on its plenary's page).

A provider takes the session and returns HTML (rendered with render_to_string,
so escaped) or "". What it shows is part of the cached page (events/pagecache.py):
a provider's app must make the pages stale when that content changes
(pagecache.content_changed). Providers run in the order registered.
"""

from collections.abc import Callable

SessionExtra = Callable[..., str]

_session_extras: dict[str, SessionExtra] = {}


def register_session_extra(provider: SessionExtra, *, key: str) -> None:
    """Add `provider(session) -> html` to the session page; registering a key
    again replaces its provider."""
    _session_extras[key] = provider


def session_extras(session) -> list[str]:
    """The HTML the providers give for `session`, the empty ones left out."""
    return [html for html in (provider(session) for provider in _session_extras.values()) if html]
