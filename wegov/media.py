"""Uploaded images (speaker photos, exhibitor logos) served by the site itself.

whitenoise serves only the release's static files, so /media/ needs a view when
no proxy serves MEDIA_ROOT (docs/deploy.md shows the nginx alternative). It
serves only what events/images.py writes: re-encoded JPEG and PNG files under
plain names (folders and a file name of letters, digits, "_" and "-", then .jpg
or .png), read through the default storage. Anything else, a dot-dot, a hidden
file, a folder, another type, is a 404, so nothing outside MEDIA_ROOT and no
directory listing can ever be answered. The names are random and a changed
image gets a new name, so browsers and proxies may keep a file for a year.
"""

import re

from django.core.exceptions import SuspiciousFileOperation
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpResponseNotModified
from django.utils.http import http_date
from django.views.decorators.http import require_safe
from django.views.static import was_modified_since

CONTENT_TYPES = {"jpg": "image/jpeg", "png": "image/png"}  # events.images.STORED_EXTENSIONS
SAFE_NAME = re.compile(r"(?:[A-Za-z0-9_-]+/)*[A-Za-z0-9_-]+\.(jpg|png)")
ONE_YEAR = 365 * 24 * 60 * 60


@require_safe
def serve_media(request, path: str):
    match = SAFE_NAME.fullmatch(path)
    if match is None:
        raise Http404("Not an image of this site.")
    try:
        modified = _modified_time(path)
        if modified and not was_modified_since(request.headers.get("If-Modified-Since"), modified):
            return _cacheable(HttpResponseNotModified())
        image = default_storage.open(path, "rb")
    except (OSError, SuspiciousFileOperation, ValueError):  # missing, a folder, unreadable
        raise Http404("No such image.") from None
    response = FileResponse(image, content_type=CONTENT_TYPES[match.group(1)])
    if modified:
        response["Last-Modified"] = http_date(modified)
    return _cacheable(response)


def _modified_time(path: str) -> int | None:
    try:
        return int(default_storage.get_modified_time(path).timestamp())
    except NotImplementedError:  # a storage that does not know
        return None


def _cacheable(response):
    response["Cache-Control"] = f"public, max-age={ONE_YEAR}, immutable"
    response["X-Content-Type-Options"] = "nosniff"
    return response
