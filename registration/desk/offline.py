"""The desk without the network (docs/desk.md, "When the network drops").

- GET  api/offline-list/?checkpoint=slug  who the checkpoint admits now, for the
  desk to look scans up in while the server cannot be reached: per person the
  name, the registration code and a digest of the ticket secret (the QR's
  content), nothing else; never stored by the browser's HTTP cache.
- POST api/queued/  {"sent_at": ms, "scans": [{"id": uuid, "checkpoint": slug,
  "registration": code, "at": ms, "device": name}, ...]}  the scans a desk
  queued while offline, applied one by one as a scan is (checkin.check_in), each
  with its answer. Idempotent per scan id: a scan sent twice (a lost answer, two
  tabs) admits once. Times are the device's milliseconds since 1970; a scan is
  recorded at the moment it was made, measured back from "sent_at" with the
  device's own clock, so a device clock that is wrong by hours does not matter.
- GET  sw.js  the desk's service worker (templates/desk/sw.js): the desk page and
  its static files (their hashed names) kept for loading without the network.
"""

import hashlib
import json
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.contrib.staticfiles.storage import staticfiles_storage
from django.http import HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from registration import audit
from registration import checkin as checkins
from registration.checkin import Result
from registration.clock import desk_now, desk_time
from registration.desk import queries
from registration.desk.auth import desk_api
from registration.desk.views import REFUSAL_TITLES, ApiError, json_api
from registration.models import Checkpoint, Registration
from registration.querysets import normalise_code
from wegov.inputs import is_storable

MAX_SCANS = 100  # per request; the desk sends a longer queue in several
MAX_BODY = 64 * 1024
MAX_CHECKPOINTS = 5  # distinct checkpoints in one request
MAX_MILLIS = 10**14  # the year 5138: a time beyond it is no time
DIGEST_LENGTH = 32  # hex digits of SHA-256: 128 bits
# The desk's static files the service worker keeps (vendor/jsqr only when installed).
SHELL_FILES = [
    "css/desk.css",
    "js/desk-offline.js",
    "js/desk.js",
    "vendor/bootstrap/css/bootstrap.min.css",
    "img/favicon.svg",
]
OPTIONAL_SHELL_FILES = ["vendor/jsqr/jsQR.js"]


def ticket_digest(secret: str) -> str:
    """What the offline list holds instead of a ticket secret: SHA-256 of the
    secret in lower case (a scanner in Hangul mode loses the case; the desk
    reads it back the same way), hex, cut to DIGEST_LENGTH. A stolen device
    holds no ticket that could be printed again."""
    return hashlib.sha256(secret.lower().encode()).hexdigest()[:DIGEST_LENGTH]


@never_cache
@desk_api
@json_api("GET")
def api_offline_list(request):
    checkpoint = queries.checkpoint_by_slug(request.GET.get("checkpoint", ""))
    if checkpoint is None:
        raise ApiError(_("Unknown checkpoint."))
    now = desk_now(checkpoint.event)
    found = queries.admissible(checkpoint, now)
    response = JsonResponse(
        {
            "checkpoint": checkpoint.slug,
            "day": checkpoint.event.local(now).date().isoformat(),
            "session": found.session.title if found.session else None,
            "until": found.session.ends_at.isoformat() if found.session else None,
            "people": [[name, code, ticket_digest(secret)] for name, code, secret in found.people],
        }
    )
    response["Cache-Control"] = "no-store"
    return response


@never_cache
@desk_api
@json_api("POST")
def api_queued(request):
    if len(request.body) > MAX_BODY:
        raise ApiError(_("The request is too large."))
    try:
        data = json.loads(request.body or b"null")
    except (ValueError, UnicodeDecodeError):
        raise ApiError(_("The request is not valid JSON.")) from None
    scans = data.get("scans") if isinstance(data, dict) else None
    if not isinstance(scans, list) or not scans:
        raise ApiError(_("Send the queued scans (“scans”: a list)."))
    if len(scans) > MAX_SCANS:
        raise ApiError(_("Send at most %(count)d scans at a time.") % {"count": MAX_SCANS})
    real_now = timezone.now()
    sent_at = _millis(data.get("sent_at"))
    answers_by_id = {}
    for scan in _prepared(scans):
        if isinstance(scan, dict):  # refused before looking anything up
            answers_by_id.setdefault(scan["id"], scan)
        elif scan.id not in answers_by_id:
            answers_by_id[scan.id] = _apply(scan, request.user, real_now, sent_at)
    results = [answers_by_id[_scan_id(item)] for item in scans]
    return JsonResponse({"results": results, "sent": len(results)})


@require_GET
def service_worker(request):
    """The service worker, served from the desk's own address so that its scope
    covers the desk (a script at /static/ could not control /ko/desk/)."""
    files = [staticfiles_storage.url(path) for path in SHELL_FILES]
    for path in OPTIONAL_SHELL_FILES:
        try:
            files.append(staticfiles_storage.url(path))
        except ValueError:  # not installed (npm packages missing)
            pass
    scope = reverse("desk:checkpoints")
    version = hashlib.sha256("\n".join([scope, *files]).encode()).hexdigest()[:12]
    script = render_to_string(
        "desk/sw.js",
        {
            "cache_prefix": json.dumps(f"wegov-desk:{scope}:"),
            "cache_name": json.dumps(f"wegov-desk:{scope}:{version}"),
            "files": json.dumps(files),
            "pages": json.dumps(scope + "checkpoint/"),
            "chooser": json.dumps(scope),
        },
    )
    response = HttpResponse(script, content_type="text/javascript; charset=utf-8")
    response["Cache-Control"] = "no-cache"
    return response


# Helpers --------------------------------------------------------------------------


@dataclass
class Scan:
    """One queued scan, read and checked: its id, checkpoint, registration code,
    time (ms, the device's clock) and device; its registration once looked up."""

    id: str
    checkpoint: Checkpoint
    code: str
    at: int
    device: str
    registration: Registration | None = None


def _scan_id(item) -> str:
    """A scan's id as the answer names it ("" when it has none that is valid)."""
    raw = item.get("id") if isinstance(item, dict) else None
    if not isinstance(raw, str) or len(raw) > 36:
        return ""
    try:
        return str(uuid.UUID(raw))
    except ValueError:
        return ""


def _prepared(items: list) -> list:
    """Each item as a Scan, or as its answer when it cannot be one. Reads the
    checkpoints (the scans' shared copies) and every registration named (one query)."""
    found_checkpoints = {}
    prepared = []
    for item in items:
        scan_id = _scan_id(item)
        if not scan_id:
            prepared.append(_invalid("", _("The scan has no valid id.")))
            continue
        slug, code, at = item.get("checkpoint"), normalise_code(item.get("registration")), _millis(item.get("at"))
        if code is None or at is None:
            prepared.append(_invalid(scan_id, _("The scan has no valid code or time.")))
            continue
        if not (isinstance(slug, str) and is_storable(slug)):
            slug = ""
        if slug not in found_checkpoints and len(found_checkpoints) < MAX_CHECKPOINTS:
            found_checkpoints[slug] = queries.shared_checkpoint(slug)
        checkpoint = found_checkpoints.get(slug)
        if checkpoint is None:
            prepared.append(_invalid(scan_id, _("Unknown checkpoint.")))
            continue
        prepared.append(Scan(id=scan_id, checkpoint=checkpoint, code=code, at=at, device=_device(item.get("device"))))
    scans = [scan for scan in prepared if isinstance(scan, Scan)]
    if scans:
        codes = {scan.code for scan in scans}
        events = {scan.checkpoint.event_id for scan in scans}
        found = checkins.for_scan(Registration.objects.filter(code__in=codes, event_id__in=events))
        registrations = {(r.event_id, r.code): r for r in found}
        for scan in scans:
            scan.registration = registrations.get((scan.checkpoint.event_id, scan.code))
            if scan.registration is not None:
                scan.registration.event = scan.checkpoint.event
    # The earliest scan first: of two queued scans of one person, the first made counts.
    return sorted(prepared, key=lambda scan: scan.at if isinstance(scan, Scan) else -1)


def _apply(scan: Scan, user, real_now: datetime, sent_at: int | None) -> dict:
    event = scan.checkpoint.event
    made = _moment(scan.at, sent_at, real_now)
    if event.local(made).date() != event.local(real_now).date():
        title, message = _("Scanned on another day"), _("Not recorded: scanned on another day.")
        return _answer(scan, Result.REFUSED, "stale", title, message)
    with audit.acting_as(audit.ActorKind.DESK, user=user, via="offline_queue"):  # the audit trail's "who"
        outcome = checkins.check_in(
            checkpoint=scan.checkpoint,
            registration=scan.registration,
            user=user,
            device=scan.device,
            now=desk_time(event, made),
            client_scan_id=scan.id,
        )
    if outcome.result == Result.OK:
        time = _time(outcome.checkin, event)
        if outcome.replayed:
            message = _("Sent before: checked in at %(time)s.") % {"time": time}
        else:
            message = _("Checked in at %(time)s.") % {"time": time}
        return _answer(scan, Result.OK, "", _("Checked in"), message, time)
    if outcome.result == Result.ALREADY:
        time = _time(outcome.checkin, event)
        message = _("Checked in at %(time)s at %(checkpoint)s.") % {
            "time": time,
            "checkpoint": outcome.checkin.checkpoint.name,
        }
        return _answer(scan, Result.ALREADY, "", _("Already checked in"), message, time)
    title = str(REFUSAL_TITLES.get(outcome.reason, _("Not admitted")))
    return _answer(scan, Result.REFUSED, outcome.reason, title, outcome.message)


def _moment(at: int, sent_at: int | None, real_now: datetime) -> datetime:
    """When a scan was made: as long before now as it was before the request was
    sent, by the device's clock; never after now."""
    if sent_at is not None:
        return real_now - timedelta(milliseconds=max(0, sent_at - at))
    return min(real_now, datetime.fromtimestamp(at / 1000, tz=UTC))


def _answer(scan: Scan, result: str, reason: str, title, message, time: str = "") -> dict:
    registration = scan.registration
    return {
        "id": scan.id,
        "result": result,
        "reason": reason,
        "title": str(title),
        "message": str(message),
        "name": registration.name if registration else "",
        "code": registration.code if registration else scan.code,
        "time": time,
    }


def _invalid(scan_id: str, message) -> dict:
    return {
        "id": scan_id,
        "result": "invalid",
        "reason": "invalid",
        "title": _("Not a valid scan"),
        "message": str(message),
        "name": "",
        "code": "",
        "time": "",
    }


def _time(checkin, event) -> str:
    return formats.time_format(event.local(checkin.checked_in_at), "H:i")


def _millis(value) -> int | None:
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= MAX_MILLIS:
        return None
    return int(value)


def _device(value) -> str:
    if not isinstance(value, str):
        return ""
    return "".join(ch for ch in value if ch.isprintable()).strip()[:80]
