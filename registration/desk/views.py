"""The check-in desk: the checkpoint chooser, the desk page and its JSON API.

The API (used by static/js/desk.js, and open to a future scanner app):
- POST api/checkin/  {"checkpoint": slug, "ticket": secret-or-code} or
                     {"checkpoint": slug, "registration": code}, optional "device"
- GET  api/search/?q=...&checkpoint=slug
- POST api/undo/     {"checkin": id}
- GET  api/counters/?checkpoint=slug
POST bodies are JSON and need the CSRF token (X-CSRFToken header). Answers are
JSON, their messages in the language of the URL (/ko/ or /en/). Bad input gets
400 with {"error": message} (a NUL character or a lone surrogate in a text, an
id that is not ASCII digits, a NUL in the query string: wegov.middleware); the
ticket secret never travels in a URL.
"""

import json
from functools import wraps

from django.contrib.staticfiles.storage import staticfiles_storage
from django.http import Http404, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from registration import checkin as checkins
from registration.checkin import Result
from registration.clock import desk_now, desk_today
from registration.desk import answers, queries
from registration.desk.auth import desk_api, desk_required
from registration.models import CheckpointKind
from registration.search import fold
from wegov.inputs import is_storable, parse_id

MAX_BODY = 4096
CLEAR_AFTER_MS = {Result.OK: 6000, Result.ALREADY: 6000, Result.REFUSED: 12000}

# Short headlines for the result panel, one per refusal reason (the sentence is in REASONS).
REFUSAL_TITLES = {
    "unknown": gettext_lazy("Unknown code"),
    "cancelled": gettext_lazy("Cancelled"),
    "rejected": gettext_lazy("Not approved"),
    "waitlisted": gettext_lazy("Waiting list"),
    "pending": gettext_lazy("Awaiting approval"),
    "full": gettext_lazy("Room full"),
    "wrong_day": gettext_lazy("Not valid today"),
    "wrong_checkpoint": gettext_lazy("Checkpoint closed"),
}
# What the member of staff does next (also in docs/desk.md).
ADVICE = {
    "unknown": gettext_lazy("Search by name or e-mail. Not registered? Register them as a walk-in."),
    "cancelled": gettext_lazy("Send the person to the registration desk: a walk-in registration is possible."),
    "rejected": gettext_lazy("Send the person to an organiser at the registration desk."),
    "waitlisted": gettext_lazy("No place yet: send the person to the registration desk."),
    "pending": gettext_lazy("An organiser must approve the registration first: call an organiser."),
    "full": gettext_lazy("Every seat is taken: send the person to the overflow room or the live stream shown."),
    "wrong_day": gettext_lazy("This ticket admits on other days: check the programme with the person."),
    "wrong_checkpoint": gettext_lazy("This device is set to another day or room: choose the right checkpoint."),
}


class ApiError(Exception):
    def __init__(self, message, status=400):
        super().__init__(message)
        self.message = message
        self.status = status


def json_api(method: str):
    """Only `method`; a ApiError raised by the view becomes a JSON error."""

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if request.method != method:
                response = JsonResponse({"error": _("Method not allowed.")}, status=405)
                response["Allow"] = method
                return response
            try:
                return view(request, *args, **kwargs)
            except ApiError as error:
                return JsonResponse({"error": str(error.message)}, status=error.status)

        return wrapper

    return decorator


# Pages ----------------------------------------------------------------------------


@desk_required
def choose_checkpoint(request):
    event = request.event  # events/middleware.py
    checkpoints = []
    today = None
    if event:
        today = desk_today(event)
        checkpoints = queries.checkpoints_of(event)
        rooms_today = queries.rooms_with_sessions_on(event, today) if checkpoints else set()
        for checkpoint in checkpoints:
            if checkpoint.kind == CheckpointKind.ENTRANCE:
                checkpoint.open_today = checkpoint.day == today
            else:
                checkpoint.open_today = checkpoint.room_id in rooms_today
    return render(
        request,
        "desk/checkpoints.html",
        {
            "desk_event": event or None,
            "today": today,
            "entrances": [c for c in checkpoints if c.kind == CheckpointKind.ENTRANCE],
            "rooms": [c for c in checkpoints if c.kind == CheckpointKind.ROOM],
            "changing": "change" in request.GET,
        },
    )


@desk_required
def desk(request, slug):
    checkpoint = queries.checkpoint_by_slug(slug)
    if checkpoint is None:
        raise Http404
    counters = queries.counters(checkpoint, desk_now(checkpoint.event))
    config = {
        "checkpoint": checkpoint.slug,
        "checkpointName": checkpoint.name,
        "isRoom": checkpoint.kind == CheckpointKind.ROOM,
        "urls": {
            "checkin": reverse("desk:api_checkin"),
            "search": reverse("desk:api_search"),
            "undo": reverse("desk:api_undo"),
            "counters": reverse("desk:api_counters"),
            "offlineList": reverse("desk:api_offline_list"),
            "queued": reverse("desk:api_queued"),
            "serviceWorker": reverse("desk:service_worker"),
            "deskRoot": reverse("desk:checkpoints"),
        },
        "jsqr": _optional_static("vendor/jsqr/jsQR.js"),
        "clearAfter": CLEAR_AFTER_MS,
        "strings": _desk_strings(),
    }
    return render(
        request,
        "desk/desk.html",
        {
            "checkpoint": checkpoint,
            "counters": answers.counters_json(counters, checkpoint.event),
            "config": config,
            "pointer": answers.door_pointer(checkpoint, counters.session),
        },
    )


# API ------------------------------------------------------------------------------


@desk_api
@json_api("POST")
def api_checkin(request):
    data = _json_body(request)
    checkpoint = _checkpoint(data.get("checkpoint"), shared=True)
    ticket, code = data.get("ticket"), data.get("registration")
    if ticket is not None:
        registration = checkins.find_ticket(event=checkpoint.event, text=_text(ticket, "ticket", 200))
    elif code is not None:
        registration = queries.registration_by_code(_text(code, "registration", 20), event_id=checkpoint.event_id)
    else:
        raise ApiError(_("Send a ticket or a registration code."))
    now = desk_now(checkpoint.event)
    outcome = checkins.check_in(
        checkpoint=checkpoint,
        registration=registration,
        user=request.user,
        device=_device(request, data),
        now=now,
    )
    return JsonResponse(_outcome_json(outcome, checkpoint, now))


@desk_api
@json_api("GET")
def api_search(request):
    text = request.GET.get("q", "")[:100]
    slug = request.GET.get("checkpoint")
    if slug:
        checkpoint = _checkpoint(slug)
        event_id = checkpoint.event_id
        now = desk_now(checkpoint.event)
        day = checkpoint.event.local(now).date()
        session = queries.session_at(checkpoint, now)  # a query at room doors only
    else:
        event = request.event
        if not event:
            raise ApiError(_("There is no current event."))
        checkpoint, event_id, day, session = None, event.pk, None, None
    matches = queries.search(event_id=event_id, text=text, checkpoint=checkpoint, day=day, session=session)
    return JsonResponse(
        {
            "query": text,
            "too_short": len(fold(text)) < queries.SEARCH_MIN_LENGTH,
            "results": [answers.match_json(registration) for registration in matches],
        }
    )


@desk_api
@json_api("POST")
def api_undo(request):
    data = _json_body(request)
    checkin_id = parse_id(data.get("checkin"))  # a number or ASCII digits; "²" and "١٢" are refused
    if checkin_id is None:
        raise ApiError(_("Send the id of the check-in to undo."))
    checkin = queries.checkin_for_undo(checkin_id)
    if checkin is None:
        raise ApiError(_("No such check-in."), status=404)
    now = desk_now(checkin.checkpoint.event)
    checkin = checkins.undo(checkin=checkin, user=request.user, now=now)
    event = checkin.checkpoint.event
    return JsonResponse(
        {
            "undone": True,
            "message": _("Check-in of %(name)s undone.") % {"name": checkin.registration.name},
            "checkin": answers.checkin_json(checkin, event),
            "counters": answers.counters_json(queries.counted(checkin.checkpoint, now), event),
        }
    )


@desk_api
@json_api("GET")
def api_counters(request):
    checkpoint = _checkpoint(request.GET.get("checkpoint"))
    return JsonResponse(
        {"counters": answers.counters_json(queries.counted(checkpoint, desk_now(checkpoint.event)), checkpoint.event)}
    )


# Helpers --------------------------------------------------------------------------


def _json_body(request) -> dict:
    if len(request.body) > MAX_BODY:
        raise ApiError(_("The request is too large."))
    try:
        data = json.loads(request.body or b"null")
    except (ValueError, UnicodeDecodeError):
        raise ApiError(_("The request is not valid JSON.")) from None
    if not isinstance(data, dict):
        raise ApiError(_("The request must be a JSON object."))
    return data


def _text(value, field: str, max_length: int) -> str:
    if not isinstance(value, str) or len(value) > max_length:
        raise ApiError(_("“%(field)s” must be a short text.") % {"field": field})
    if not is_storable(value):  # a NUL or a lone surrogate ("\ud800"): no database takes it
        raise ApiError(_("“%(field)s” holds a character that is not allowed.") % {"field": field})
    return value


def _checkpoint(slug, *, shared=False):
    if not slug:
        raise ApiError(_("Say which checkpoint (“checkpoint”: its code)."))
    if isinstance(slug, str) and not is_storable(slug):
        raise ApiError(_("“%(field)s” holds a character that is not allowed.") % {"field": "checkpoint"})
    find = queries.shared_checkpoint if shared else queries.checkpoint_by_slug
    checkpoint = find(slug) if isinstance(slug, str) else None
    if checkpoint is None:
        raise ApiError(_("Unknown checkpoint."))
    return checkpoint


def _device(request, data) -> str:
    device = data.get("device") or request.headers.get("X-Desk-Device") or ""
    if not isinstance(device, str):
        return ""
    return "".join(ch for ch in device if ch.isprintable()).strip()[:80]


def _optional_static(path: str) -> str:
    """The URL of an optional static file, or "" when it is not installed."""
    try:
        return staticfiles_storage.url(path)
    except ValueError:  # missing from the manifest (npm packages not installed)
        return ""


def _outcome_json(outcome, checkpoint, now) -> dict:
    event = checkpoint.event
    registration = outcome.registration
    session = outcome.session
    if session is not None and session.room_id == checkpoint.room_id:
        session.room = checkpoint.room  # the same row: saves a query
    if outcome.result == Result.OK:
        title = _("Checked in")
        message = _("Checked in at %(time)s.") % {"time": formats.time_format(event.local(now), "H:i")}
    elif outcome.result == Result.ALREADY:
        at = event.local(outcome.checkin.checked_in_at)
        title = _("Already checked in")
        message = _("Checked in at %(time)s at %(checkpoint)s.") % {
            "time": formats.time_format(at, "H:i"),
            "checkpoint": outcome.checkin.checkpoint.name,
        }
    else:
        title, message = str(REFUSAL_TITLES.get(outcome.reason, _("Not admitted"))), outcome.message
    return {
        "result": outcome.result,
        "reason": outcome.reason,
        "title": title,
        "message": message,
        "advice": str(ADVICE.get(outcome.reason, "")),
        "attendee": answers.attendee_json(registration, event, session, admitted=outcome.result != Result.REFUSED)
        if registration
        else None,
        "checkin": answers.checkin_json(outcome.checkin, event) if outcome.checkin else None,
        "session": answers.session_json(session, event) if session else None,
        "counters": answers.counters_json(_figures(outcome, checkpoint, now, session), event),
        **answers.seat_json(outcome, event, now),
    }


def _figures(outcome, checkpoint, now, session) -> queries.Counters:
    """The checkpoint's figures for a scan's answer: counted afresh after a new
    check-in (the desk sees its own scan counted at once), else as any desk
    counted them in the last few seconds (the scan changed nothing)."""
    count = queries.counted if outcome.result == Result.OK else queries.recent_counters
    return count(checkpoint, now, **({"session": session} if session else {}))


def _desk_strings() -> dict:
    """Interface strings desk.js shows, in the page's language."""
    return {
        "undo": _("Undo"),
        "undone": _("Undone"),
        "undoFailed": _("Could not undo. Try again."),
        "noMatches": _("No matches. Check the spelling, or try the e-mail or organisation."),
        "tooShort": _("Type at least two letters."),
        "searching": _("Searching…"),
        "matches": _("Matches: choose one with the arrow keys and Enter, or tap it."),
        "checkedInHere": _("already checked in here"),
        "attention": _("Attention"),
        "sessions": _("Booked sessions"),
        "noSessions": _("No sessions booked."),
        "now": _("now"),
        "code": _("Code"),
        "networkError": _("No answer from the server. Check the connection and scan again."),
        "loggedOut": _("You have been logged out. Reload the page and log in again."),
        "serverError": _("The server could not answer. Try again."),
        "cameraInsecure": _(
            "The camera only works over a secure connection (HTTPS) or on localhost. "
            "Use a USB scanner or type the code."
        ),
        "cameraUnsupported": _("This browser cannot use the camera. Use a USB scanner or type the code."),
        "cameraDenied": _("The camera was not allowed. Allow it in the browser's settings, or type the code."),
        "cameraNoDecoder": _("This browser cannot read QR codes. Use a USB scanner or type the code."),
        "cameraOn": _("Point the camera at the QR code."),
        "soundOn": _("Sound on"),
        "soundOff": _("Sound off"),
        "clearsIn": _("Clears by itself"),
        "recentEmpty": _("No check-ins on this device yet."),
        "roomFull": _("Room full"),
        **_offline_strings(),
    }


def _offline_strings() -> dict:
    """desk-offline.js's strings (docs/desk.md, "When the network drops")."""
    return {
        "offline": _("Offline"),
        "offlineHelp": _(
            "No connection to the server. Scans are checked against this device's list and queued; "
            "they are sent when the connection returns."
        ),
        "offlineBack": _("Back online"),
        "offlineSending": _("Sending the queued scans…"),
        "offlineWaiting": _("Waiting to be sent: %(count)s."),
        "offlineLoggedOut": _("They cannot be sent: log in again on this device (they are kept)."),
        "offlineQueued": _("Queued — will be sent"),
        "offlineQueuedHelp": _("Let the person in. The check-in is sent when the connection returns."),
        "offlineAlreadyQueued": _("Already queued on this device"),
        "offlineNotListed": _("Not on the list"),
        "offlineNotListedHelp": _(
            "This ticket is not on this checkpoint's list. Send the person to the registration desk, "
            "or scan again when the connection returns."
        ),
        "offlineNoList": _("Offline, and this device has no list for this checkpoint."),
        "offlineNoListHelp": _("Write the code down and check the person in when the connection returns."),
        "offlineSearch": _("Offline: finding a name needs the server. Scan the ticket or type its code."),
        "offlineList": _("List for use without the network: %(count)s people, updated at %(time)s."),
        "offlineNoListYet": _("No list for use without the network on this device yet."),
    }
