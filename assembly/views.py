"""The plenary door desk (staff, registration.use_desk) and the public quorum board.

Door API (static/js/plenary-door.js):
  POST door/api/  {"ticket": scanned-or-typed} or {"registration": code},
                  "action": "show" | "in" | "out"
JSON answers in the URL's language; bad input gets 400 {"error": message}.

Board: the page, and board.json polled by static/js/quorum-board.js with
If-None-Match (304 while nothing changed). The figures are read from PostgreSQL
and shared between nodes through the cache for at most a second (nothing is
kept in a process); the JSON holds city names and counts, never a person.
"""

import hashlib
import json
import logging

from django.core.cache import cache
from django.http import HttpResponse, HttpResponseNotModified, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import formats
from django.utils.cache import patch_cache_control
from django.utils.http import parse_etags
from django.utils.translation import gettext as _

from assembly import door, queries
from assembly.door import DoorResult
from registration import checkin as checkins
from registration.checkin import REASONS
from registration.clock import desk_now
from registration.desk.auth import desk_api, desk_required
from registration.models import Registration
from wegov.inputs import is_storable

logger = logging.getLogger(__name__)

MAX_BODY = 2048
BOARD_SHARED_SECONDS = 1
POLL_MS = 3000


def _plenary(request):
    """The current edition's assembly settings when its plenary door is set up."""
    event = request.event  # events/middleware.py
    settings = queries.settings_of(event) if event else None
    if settings is None or settings.checkpoint_id is None or settings.session_id is None:
        return None
    settings.event = event
    return settings


# Door -----------------------------------------------------------------------------


@desk_required
def door_page(request):
    settings = _plenary(request)
    config = {}
    if settings is not None:
        config = {
            "url": reverse("assembly:door_api"),
            "strings": {
                "networkError": _("No answer from the server. Check the connection and scan again."),
                "loggedOut": _("You have been logged out. Reload the page and log in again."),
                "inside": _("In the hall"),
                "outside": _("Not in the hall"),
            },
        }
    return render(request, "assembly/door.html", {"plenary": settings, "config": config})


@desk_api
def door_api(request):
    if request.method != "POST":
        response = JsonResponse({"error": _("Method not allowed.")}, status=405)
        response["Allow"] = "POST"
        return response
    settings = _plenary(request)
    if settings is None:
        return JsonResponse({"error": _("The plenary door is not set up for this event.")}, status=400)
    data = _json_body(request)
    if data is None:
        return JsonResponse({"error": _("The request must be a JSON object.")}, status=400)
    action = data.get("action", "show")
    if action not in ("show", "in", "out"):
        return JsonResponse({"error": _("Unknown action.")}, status=400)
    ticket, code = data.get("ticket"), data.get("registration")
    text = ticket if ticket is not None else code
    if not isinstance(text, str) or not text.strip() or len(text) > 200 or not is_storable(text):
        return JsonResponse({"error": _("Scan a ticket or type a registration code.")}, status=400)
    event = settings.event
    if ticket is not None:
        registration = checkins.find_ticket(event=event, text=text)
    else:
        registration = Registration.objects.filter(event_id=event.pk).with_code(text).first()
    now = desk_now(event)
    if registration is None:
        outcome = door.DoorOutcome(DoorResult.REFUSED, reason="unknown")
    elif action == "in":
        outcome = door.enter(settings=settings, registration=registration, user=request.user, now=now)
    elif action == "out":
        outcome = door.leave(settings=settings, registration=registration, user=request.user, now=now)
    else:
        outcome = door.DoorOutcome(DoorResult.SHOWN, registration, inside=door.is_inside(settings, registration))
    return JsonResponse(_door_answer(outcome, settings))


def _door_answer(outcome: door.DoorOutcome, settings) -> dict:
    event = settings.event
    quorum = queries.quorum_of(settings)
    registration = outcome.registration
    at = formats.time_format(event.local(outcome.at), "H:i") if outcome.at else ""
    titles = {
        DoorResult.IN: _("Checked in"),
        DoorResult.BACK_IN: _("Back in the hall"),
        DoorResult.ALREADY_IN: _("Already in the hall"),
        DoorResult.OUT: _("Checked out"),
        DoorResult.ALREADY_OUT: _("Not in the hall"),
        DoorResult.SHOWN: _("In the hall") if outcome.inside else _("Not in the hall"),
        DoorResult.REFUSED: _("Not admitted"),
    }
    answer = {
        "result": outcome.result,
        "title": titles[outcome.result],
        "message": str(REASONS.get(outcome.reason, "")) or (_("At %(time)s.") % {"time": at} if at else ""),
        "inside": outcome.inside,
        "person": None,
        "standing": None,
        "quorum": {"votes": quorum.votes, "required": quorum.required, "reached": quorum.reached},
    }
    if registration is not None:
        person = {"name": registration.name, "organisation": registration.organisation, "code": registration.code}
        answer["person"] = person
        if outcome.result != DoorResult.REFUSED:
            standing = door.standing_of(registration, quorum, inside=outcome.inside)
            answer["standing"] = door.standing_json(standing, inside=outcome.inside)
    return answer


def _json_body(request) -> dict | None:
    if len(request.body) > MAX_BODY:
        return None
    try:
        data = json.loads(request.body or b"null")
    except (ValueError, UnicodeDecodeError):
        return None
    return data if isinstance(data, dict) else None


# Board ----------------------------------------------------------------------------


def board_page(request):
    settings = _plenary(request)
    state, config = None, {}
    if settings is not None:
        body, etag = _board_body(settings)
        state = json.loads(body)
        config = {
            "url": reverse("assembly:board_json"),
            "pollMs": POLL_MS,
            "timeZone": settings.event.time_zone,
            "etag": etag,
        }
    response = render(request, "assembly/board.html", {"plenary": settings, "board": state, "config": config})
    patch_cache_control(response, no_cache=True)
    return response


def board_json(request):
    settings = _plenary(request)
    if settings is None:
        return JsonResponse({"error": _("The plenary door is not set up for this event.")}, status=404)
    body, etag = _board_body(settings)
    if etag in parse_etags(request.headers.get("If-None-Match", "")):
        response = HttpResponseNotModified()
    else:
        response = HttpResponse(body, content_type="application/json")
    response["ETag"] = etag
    patch_cache_control(response, no_cache=True, public=True)
    return response


def _board_body(settings) -> tuple[str, str]:
    """The board's JSON and its ETag, shared by every node for a second."""
    key = door.BOARD_KEY.format(event_id=settings.event_id)
    try:
        shared = cache.get(key)
    except Exception:  # the cache is down: read the database
        shared = None
    if shared is None:
        body = json.dumps(queries.board_json(queries.quorum_of(settings)), ensure_ascii=False, sort_keys=True)
        shared = (body, f'"{hashlib.sha256(body.encode()).hexdigest()[:32]}"')
        try:
            cache.set(key, shared, BOARD_SHARED_SECONDS)
        except Exception:
            logger.warning("Cache unreachable: the quorum board is read from the database", exc_info=True)
    return shared
