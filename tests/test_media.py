"""/media/: uploaded images served by the site (wegov/media.py), DEBUG or not; only
the JPEG and PNG files events/images.py writes, from MEDIA_ROOT, nothing else."""

import importlib
from io import BytesIO

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.urls import clear_url_caches, resolve
from django.utils.http import http_date
from PIL import Image

from events.images import image_upload_to
from wegov import media

pytestmark = pytest.mark.django_db  # a 404 page shows the current event


def stored_image(folder: str, image_format: str) -> tuple[str, bytes]:
    """An image saved as an upload would be: a random name from image_upload_to."""
    buffer = BytesIO()
    Image.new("RGB", (4, 3), "red").save(buffer, format=image_format)
    extension = {"JPEG": "jpg", "PNG": "png"}[image_format]
    name = default_storage.save(image_upload_to(folder)(None, f"upload.{extension}"), ContentFile(buffer.getvalue()))
    return name, buffer.getvalue()


@pytest.mark.parametrize(
    ("folder", "image_format", "content_type"),
    [("speakers", "JPEG", "image/jpeg"), ("logos", "PNG", "image/png")],
)
def test_an_uploaded_image_is_served_with_its_type_and_a_long_cache(
    client, settings, folder, image_format, content_type
):
    settings.DEBUG = False
    name, content = stored_image(folder, image_format)

    response = client.get(f"/media/{name}")

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == content
    assert response["Content-Type"] == content_type
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cache-Control"] == "public, max-age=31536000, immutable"
    assert "Last-Modified" in response


def test_an_unchanged_image_is_not_sent_again(client):
    name, _ = stored_image("speakers", "JPEG")
    modified = default_storage.get_modified_time(name).timestamp()

    response = client.get(f"/media/{name}", headers={"If-Modified-Since": http_date(modified)})

    assert (response.status_code, response.content) == (304, b"")


def test_head_is_answered_and_a_post_refused(client):
    name, content = stored_image("speakers", "JPEG")

    head = client.head(f"/media/{name}")

    assert (head.status_code, head["Content-Length"]) == (200, str(len(content)))
    assert client.post(f"/media/{name}").status_code == 405


@pytest.mark.parametrize(
    "path",
    [
        "speakers/" + "0" * 32 + ".jpg",  # no such file
        "speakers/",  # a folder: no listing
        "speakers",
        "",
        "../outside.jpg",  # path traversal
        "speakers/../../outside.jpg",
        "speakers/%2e%2e/%2e%2e/outside.jpg",
        "speakers/..%2f..%2foutside.jpg",
        "/etc/passwd",
        "notes.txt",  # not an image type the site writes
        "speakers/page.html",
        "speakers/drawing.svg",
        "speakers/photo.JPG",
        "speakers/photo.jpeg",
        ".hidden.jpg",
        "speakers/photo.jpg%00.html",
        "speakers/photo%00.jpg",
        "speakers/photo.jpg/",
        "speakers//photo.jpg",
        "speakers\\photo.jpg",
    ],
)
def test_anything_but_a_stored_image_is_a_404(client, settings, tmp_path, path):
    settings.DEBUG = False
    (tmp_path / "outside.jpg").write_bytes(b"\xff\xd8\xff not under MEDIA_ROOT")
    (tmp_path / "media" / "speakers").mkdir(parents=True)
    (tmp_path / "media" / "notes.txt").write_text("a file under MEDIA_ROOT that is not an image")
    (tmp_path / "media" / "speakers" / "page.html").write_text("<script>alert(1)</script>")

    response = client.get(f"/media/{path}")

    assert response.status_code == 404
    assert b"not under MEDIA_ROOT" not in response.content
    assert b"<script>alert(1)</script>" not in response.content


def test_media_is_routed_with_debug_off_outside_the_test_suite(settings):
    """The production URLconf: DEBUG off."""
    import wegov.urls

    settings.DEBUG = False
    production_urls = importlib.reload(wegov.urls)
    try:
        match = resolve("/media/speakers/" + "a" * 32 + ".jpg", urlconf=production_urls)
    finally:
        importlib.reload(wegov.urls)
        clear_url_caches()

    assert match.func is media.serve_media
    assert match.kwargs == {"path": "speakers/" + "a" * 32 + ".jpg"}
