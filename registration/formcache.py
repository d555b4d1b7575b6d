"""The blank registration form, rendered once and shared between visitors.

Rendering the form's fields (crispy, 250 countries, the session checkboxes
with their seats) is most of the cost of the form page, and it is the same for
every visitor in one language. So the form page takes the current event and
the rendered fields from Django's cache (Redis in production, shared by every
server; without Redis each process keeps its own), in one round trip and with
no SQL query. The fields are rendered by `render_to_string` without a request:
nothing of a visitor (CSRF token, anti-robot stamp, language switch, what was
typed) can be in them. The per-visitor parts stay in register.html, rendered
for each request; a form shown again with errors is never taken from here.

An entry is per language and release (the templates, form code and
translations that render it), and holds what it was rendered from: the event's
fields and, for each bookable session, what its label shows (title, times,
room, audience, capacity, seats left). It is used while

- the content version is the one it was made under (events/pagecache.py: the
  one version of the programme's pages, renewed by every save or delete of a
  programme model, again once its transaction commits), so an organiser's edit
  shows on the next form, and
- it was checked less than MAX_AGE seconds ago. Then the event and its
  sessions are read again (two queries); if they show the same, the entry is
  kept (checked again now), otherwise the fields are rendered again.

So the seat counts ("12 seats left", "full", the event-full notice) on a form
are at most MAX_AGE seconds old (bookings change them without a signal), and
an edit made without a signal (a `QuerySet.update()`) shows within MAX_AGE
seconds too. In a rush, the fields are rendered about once every MAX_AGE
seconds per language rather than after every booking. The count that matters
is exact anyway: the services decide under row locks, so a booking made on a
form that still said "1 seat left" joins the session's waiting list, and the
page after it says so.

Whether registration is open is decided per request, from the event's opening
and closing times and the clock.

A POST takes the event from the entry too (as fresh as for the form page), and
cleans the chosen sessions against the sessions the entry offers (`offered`:
published, taking bookings, of the event, with their titles, times and
audience), not against the database: the services check the choice again on
the rows they lock, and a choice of a session the entry does not offer is
checked against the database as before.

The whole blank page (`page`) is kept with the entry too, rendered with
placeholders where the visitor's CSRF token and anti-robot stamp go
(registration/views.py): for visitors without a session or message cookie at
the form's own address (no query string), so nothing else on it is a visitor's.
It follows the entry: dropped whenever the fields are rendered again.
"""

import functools
import hashlib
import time
from dataclasses import dataclass
from pathlib import Path

import django
from django.conf import settings
from django.core.cache import cache
from django.template.loader import render_to_string
from django.utils.translation import get_language

from events import pagecache
from events.models import Event, Session
from events.queries import get_current_event
from registration import queries

MAX_AGE = 5  # seconds: how old what a form shows can be (seat counts, edits without a signal)
TIMEOUT = 3600  # seconds an entry is kept at most
TEMPLATE = "registration/includes/register_fields.html"


@dataclass
class BlankForm:
    event: Event
    fields_html: str
    # The whole blank form page at the form's own address, with placeholders for the
    # visitor's CSRF token and stamp (registration/views.py), once a view has kept one.
    page: str | None = None
    _key: str = ""
    _entry: dict | None = None

    def offered(self) -> dict[int, "OfferedSession"]:
        """The sessions the fields offer, by primary key in the form's order, with
        what checking a choice reads (services.check_session_choice): a POST
        cleans its choice with them instead of reading the sessions again."""
        shown = self._entry["state"][1] if self._entry else ()
        return {
            pk: OfferedSession(pk, self.event.pk, title, starts_at, ends_at, audience)
            for pk, title, starts_at, ends_at, _room, audience, _capacity, _left in shown
        }


@dataclass(frozen=True)
class OfferedSession:
    """A bookable session as the shared form offered it (published, taking
    bookings, of the event): what services.check_session_choice reads, the
    title in the entry's language."""

    pk: int
    event_id: int
    title: str
    starts_at: object
    ends_at: object
    audience: str
    booking_required: bool = True
    is_published: bool = True


def keep_page(blank: BlankForm, page: str) -> None:
    """Keep `page` with the entry `blank` came from: used while the entry is (the same
    event and sessions, the same content version); dropped when its fields are rendered
    again."""
    if blank._entry is not None:
        cache.set(blank._key, {**blank._entry, "page": page}, TIMEOUT)


def blank_form(build_form) -> BlankForm | None:
    """The current event and a blank form's rendered fields, from the cache when
    fresh; None without a current event. `build_form(event, sessions)` makes
    the form when the fields must be rendered."""
    key, version, entry = _lookup()
    now = time.time()
    if _fresh(entry, version, now):
        return BlankForm(entry["event"], entry["html"], entry.get("page"), key, entry)
    event = get_current_event()
    if event is None:
        return None
    sessions = list(queries.bookable_sessions(event))
    state = shown_state(event, sessions)
    page = None
    if entry is not None and entry["version"] == version and entry["state"] == state:
        html, page = entry["html"], entry.get("page")
    else:
        html = render_to_string(TEMPLATE, {"form": build_form(event, sessions)})
    entry = {"version": version, "checked": now, "state": state, "event": event, "html": html, "page": page}
    cache.set(key, entry, TIMEOUT)
    return BlankForm(event, html, page, key, entry)


def _lookup() -> tuple[str, str, dict | None]:
    """The entry's key, the content version and the entry (one round trip)."""
    key = f"registration:form:{get_language()}:{release()}"
    found = cache.get_many([pagecache.VERSION_KEY, key])
    version, entry = found.get(pagecache.VERSION_KEY) or pagecache.content_version(), found.get(key)
    return key, version, entry


def _fresh(entry: dict | None, version: str | None, now: float) -> bool:
    if entry is None or version is None:
        return False
    return entry["version"] == version and now - entry["checked"] < MAX_AGE


def shown_state(event: Event, sessions: list[Session]) -> tuple:
    """Everything the page shows of the event and its bookable sessions."""
    shown_event = tuple(getattr(event, f.attname) for f in Event._meta.concrete_fields)
    shown_sessions = tuple(
        (s.pk, s.title, s.starts_at, s.ends_at, s.room.name if s.room_id else "", s.audience, s.capacity, s.seats_left)
        for s in sessions
    )
    return (shown_event, shown_sessions)


@functools.cache
def release() -> str:
    """What renders the fields in this release: a deployment with changed
    templates, form code or translations uses new entries, while the servers of
    one release share theirs."""
    root = Path(settings.BASE_DIR)
    files = [
        root / "templates" / "registration" / "includes" / "register_fields.html",
        root / "templates" / "registration" / "includes" / "consent_text.html",
        root / "registration" / "forms.py",
        root / "registration" / "consent.py",
        *sorted((root / "locale").glob("*/LC_MESSAGES/django.mo")),
    ]
    digest = hashlib.sha256(django.get_version().encode())
    for path in files:
        digest.update(path.read_bytes() if path.exists() else b"")
    return digest.hexdigest()[:16]
