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
from PIL import Image, ImageOps, UnidentifiedImageError

MAX_SIDE = 1600  # re-encoded images are scaled down to fit this box


@deconstructible
class image_upload_to:  # noqa: N801 - used like a function in upload_to=
    """A random file name in a folder; the uploader's file name is discarded."""

    def __init__(self, folder: str):
        self.folder = folder

    def __call__(self, instance, filename: str) -> str:
        extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else "png"
        return f"{self.folder}/{secrets.token_hex(16)}.{extension}"

    def __eq__(self, other):
        return isinstance(other, image_upload_to) and other.folder == self.folder


def reencode_image(upload: UploadedFile) -> InMemoryUploadedFile:
    """Decode, check and re-encode an uploaded image.

    Raises forms.ValidationError with a message for the form field when the file is
    not an image or is too large. Photos become JPEG; images with transparency PNG."""
    max_pixels = settings.IMAGE_MAX_PIXELS
    try:
        upload.seek(0)
        with Image.open(upload) as probe:
            width, height = probe.size
            if width * height > max_pixels:
                raise forms.ValidationError(
                    _("This image is too large (%(w)s × %(h)s pixels). Upload one under %(max)s megapixels."),
                    code="too_many_pixels",
                    params={"w": width, "h": height, "max": max_pixels // 1_000_000},
                )
            probe.verify()
        upload.seek(0)
        with Image.open(upload) as image:
            image.load()
            image = ImageOps.exif_transpose(image)
            image.thumbnail((MAX_SIDE, MAX_SIDE))
            has_alpha = image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info)
            buffer = BytesIO()
            if has_alpha:
                image.convert("RGBA").save(buffer, format="PNG", optimize=True)
                extension, content_type = "png", "image/png"
            else:
                image.convert("RGB").save(buffer, format="JPEG", quality=85, optimize=True)
                extension, content_type = "jpg", "image/jpeg"
    except forms.ValidationError:
        raise
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError, Image.DecompressionBombError) as exc:
        raise forms.ValidationError(
            _("This file is not an image we can read. Upload a JPEG, PNG, GIF or WebP picture."),
            code="invalid_image",
        ) from exc
    size = buffer.tell()
    buffer.seek(0)
    return InMemoryUploadedFile(buffer, None, f"image.{extension}", content_type, size, None)


class SafeImageFormField(forms.ImageField):
    default_error_messages = {
        "invalid_image": _("This file is not an image we can read. Upload a JPEG, PNG, GIF or WebP picture."),
    }

    def to_python(self, data):
        checked = super().to_python(data)
        if checked is None:
            return None
        return reencode_image(checked)


class SafeImageField(models.ImageField):
    """An ImageField whose form field validates and re-encodes the upload."""

    def formfield(self, **kwargs):
        return super().formfield(**{"form_class": SafeImageFormField, **kwargs})
