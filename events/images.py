"""Uploaded images (speaker photos, exhibitor logos) are never stored as sent.

Each upload must decode as a real image within a pixel-count cap; it is then
re-encoded (dropping metadata and anything appended to the file) and saved under
a random, server-chosen name.
"""

import secrets
from io import BytesIO

from django import forms
from django.conf import settings
from django.core.files.uploadedfile import InMemoryUploadedFile, UploadedFile
from django.db import models
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageOps

MAX_SIDE = 1600  # re-encoded images are scaled down to fit this box
# Only these decoders ever see an upload: Pillow's others (EPS runs Ghostscript,
# for one) are more attack surface than a speaker photo needs.
ACCEPTED_FORMATS = ("JPEG", "PNG", "GIF", "WEBP")
STORED_EXTENSIONS = ("jpg", "png")
NOT_AN_IMAGE = _("This file is not an image we can read. Upload a JPEG, PNG, GIF or WebP picture.")


@deconstructible
class image_upload_to:  # noqa: N801 - used like a function in upload_to=
    """A random file name in a folder; the uploader's file name is discarded.

    Only the extension of a re-encoded image ("jpg" or "png") is kept."""

    def __init__(self, folder: str):
        self.folder = folder

    def __call__(self, instance, filename: str) -> str:
        extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
        if extension not in STORED_EXTENSIONS:
            extension = "jpg"
        return f"{self.folder}/{secrets.token_hex(16)}.{extension}"

    def __eq__(self, other):
        return isinstance(other, image_upload_to) and other.folder == self.folder

    def __hash__(self):
        return hash((image_upload_to, self.folder))


def _too_many_pixels(max_pixels: int, size: tuple[int, int] | None = None) -> forms.ValidationError:
    limit = f"{max_pixels:,}"
    if size is None:
        message = _("This image is too large. Upload one of at most %(max)s pixels (width × height).")
        return forms.ValidationError(message, code="too_many_pixels", params={"max": limit})
    message = _(
        "This image is too large (%(w)s × %(h)s pixels). Upload one of at most %(max)s pixels (width × height)."
    )
    return forms.ValidationError(message, code="too_many_pixels", params={"w": size[0], "h": size[1], "max": limit})


def reencode_image(upload: UploadedFile) -> InMemoryUploadedFile:
    """Decode, check and re-encode an uploaded image.

    Raises forms.ValidationError with a message for the form field when the file is
    not an image we accept, is damaged (truncated), or has more pixels than
    settings.IMAGE_MAX_PIXELS. The result carries no metadata (EXIF, comments,
    anything appended after the image) other than the colour profile. Photos
    become JPEG; images with transparency PNG."""
    max_pixels = settings.IMAGE_MAX_PIXELS
    try:
        upload.seek(0)
        with Image.open(upload, formats=ACCEPTED_FORMATS) as probe:
            width, height = probe.size
            if width * height > max_pixels:
                raise _too_many_pixels(max_pixels, (width, height))
            probe.verify()
        upload.seek(0)
        with Image.open(upload, formats=ACCEPTED_FORMATS) as original:
            original.load()  # decodes every byte: a truncated file fails here
            icc_profile = original.info.get("icc_profile")
            image = ImageOps.exif_transpose(original)
            has_alpha = image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info)
            image = image.convert("RGBA" if has_alpha else "RGB")
            image.info.clear()
            image.thumbnail((MAX_SIDE, MAX_SIDE))
            buffer = BytesIO()
            options = {"icc_profile": icc_profile} if icc_profile else {}
            if has_alpha:
                image.save(buffer, format="PNG", optimize=True, **options)
                extension, content_type = "png", "image/png"
            else:
                image.save(buffer, format="JPEG", quality=85, optimize=True, **options)
                extension, content_type = "jpg", "image/jpeg"
    except forms.ValidationError:
        raise
    except Image.DecompressionBombError as exc:  # so large Pillow refuses to even read its size
        raise _too_many_pixels(max_pixels) from exc
    except Exception as exc:  # Pillow raises many kinds on malformed files; none may become a 500
        raise forms.ValidationError(NOT_AN_IMAGE, code="invalid_image") from exc
    size = buffer.tell()
    buffer.seek(0)
    return InMemoryUploadedFile(buffer, None, f"image.{extension}", content_type, size, None)


class SafeImageFormField(forms.ImageField):
    default_error_messages = {"invalid_image": NOT_AN_IMAGE}

    def to_python(self, data):
        # FileField's checks (empty, name length) but not ImageField's own Pillow
        # pass: reencode_image opens the file once, with the pixel cap first.
        upload = super(forms.ImageField, self).to_python(data)
        if upload is None:
            return None
        return reencode_image(upload)


class SafeImageField(models.ImageField):
    """An ImageField whose form field validates and re-encodes the upload."""

    def formfield(self, **kwargs):
        return super().formfield(**{"form_class": SafeImageFormField, **kwargs})
