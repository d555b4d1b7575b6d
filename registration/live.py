"""/<language>/live/rooms.json: how full each room is now (registration/occupancy.py),
for static/js/occupancy.js on the programme and session pages.

Public and the same for everyone: the answer is computed once per language
and programme content version (events/pagecache.py) every CACHE_SECONDS and
shared through the cache (Redis in production), so a hit reads no database
row; phones keep it as long (Cache-Control max-age) and ask again with its
ETag. When the cache is unreachable the figures are simply computed.
"""

import hashlib
import json
import logging

from django.core.cache import cache
from django.http import HttpResponse, HttpResponseNotModified
from django.utils.translation import get_language
from django.views.decorators.http import require_GET

from events import pagecache
from registration import occupancy

logger = logging.getLogger(__name__)


@require_GET
def rooms_json(request):
    key = f"live:rooms:{get_language()}:{pagecache.content_version()}"
    entry = _cached(key)
    if entry is None:
        body = json.dumps(occupancy.rooms_json(request.event), ensure_ascii=False, separators=(",", ":"))
        entry = {"body": body, "etag": '"' + hashlib.sha256(body.encode()).hexdigest()[:32] + '"'}
        _store(key, entry)
    if entry["etag"] in request.headers.get("If-None-Match", ""):
        response = HttpResponseNotModified()
    else:
        response = HttpResponse(entry["body"], content_type="application/json")
    response["ETag"] = entry["etag"]
    response["Cache-Control"] = f"public, max-age={occupancy.CACHE_SECONDS}"
    return response


def _cached(key: str) -> dict | None:
    try:
        return cache.get(key)
    except Exception:
        logger.warning("Cache unreachable: room figures computed", exc_info=True)
        return None


def _store(key: str, entry: dict) -> None:
    try:
        cache.set(key, entry, occupancy.CACHE_SECONDS)
    except Exception:
        logger.warning("Cache unreachable: room figures not shared", exc_info=True)
