import re
from io import BytesIO

import pytest
from django import forms
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from events.images import SafeImageFormField, image_upload_to, reencode_image
from events.models import Exhibitor, Speaker

SECRET = b"GPS 37.5512 126.9882 / private-note"


def image_bytes(fmt="JPEG", size=(64, 48), mode="RGB", colour=(30, 90, 160), **save_options) -> bytes:
    buffer = BytesIO()
    Image.new(mode, size, colour).save(buffer, format=fmt, **save_options)
    return buffer.getvalue()


def jpeg_with_exif_and_trailer(size=(64, 48)) -> bytes:
    """A JPEG carrying EXIF (artist, comment, orientation) and bytes appended after its end."""
    exif = Image.Exif()
    exif[0x013B] = "Secret Photographer"  # Artist
    exif[0x9286] = SECRET.decode()  # UserComment
    exif[0x0112] = 6  # Orientation: rotate 90° on display
    return image_bytes("JPEG", size=size, exif=exif.tobytes()) + b"TRAILER:" + SECRET


def png_with_alpha(size=(40, 30)) -> bytes:
    return image_bytes("PNG", size=size, mode="RGBA", colour=(200, 10, 10, 128))


def upload(content: bytes, name="portrait.jpg", content_type="image/jpeg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=content_type)


def open_stored(data: bytes) -> Image.Image:
    image = Image.open(BytesIO(data))
    image.load()
    return image


def test_reencode_jpeg_drops_exif_and_trailing_bytes():
    original = jpeg_with_exif_and_trailer()

    result = reencode_image(upload(original))

    data = result.read()
    assert data != original
    assert SECRET not in data
    assert b"Secret Photographer" not in data
    assert b"Exif" not in data
    image = open_stored(data)
    assert image.format == "JPEG"
    assert "exif" not in image.info
    assert dict(image.getexif()) == {}
    assert result.name == "image.jpg"
    assert result.content_type == "image/jpeg"


def test_reencode_applies_exif_orientation_before_dropping_it():
    result = reencode_image(upload(jpeg_with_exif_and_trailer(size=(64, 48))))

    assert open_stored(result.read()).size == (48, 64)


def test_reencode_keeps_transparency_as_png():
    result = reencode_image(upload(png_with_alpha(), name="logo.png", content_type="image/png"))

    image = open_stored(result.read())
    assert result.name == "image.png"
    assert image.format == "PNG"
    assert image.mode == "RGBA"
    assert image.getpixel((0, 0))[3] == 128


def test_reencode_turns_opaque_png_into_jpeg():
    result = reencode_image(upload(image_bytes("PNG"), name="photo.png", content_type="image/png"))

    assert open_stored(result.read()).format == "JPEG"


def test_reencode_scales_large_images_down():
    result = reencode_image(upload(image_bytes("PNG", size=(3200, 800))))

    assert open_stored(result.read()).size == (1600, 400)


@pytest.mark.parametrize(
    "content",
    [
        pytest.param(b"this is a text file, not a picture\n" * 10, id="text"),
        pytest.param(image_bytes("JPEG", size=(200, 200))[:400], id="truncated-jpeg"),
        pytest.param(image_bytes("PNG", size=(200, 200), colour=(1, 2, 3))[:-30], id="truncated-png"),
        pytest.param(b"%!PS-Adobe-3.0 EPSF-3.0\n%%BoundingBox: 0 0 10 10\n", id="eps"),
        pytest.param(b'<svg xmlns="http://www.w3.org/2000/svg"/>', id="svg"),
        pytest.param(image_bytes("BMP"), id="bmp-not-accepted"),
        pytest.param(b"", id="empty"),
    ],
)
def test_reencode_refuses_what_is_not_an_accepted_image(content):
    with pytest.raises(forms.ValidationError) as error:
        reencode_image(upload(content, name="picture.png", content_type="image/png"))

    assert error.value.code == "invalid_image"
    assert "읽을 수 없는 이미지 파일" in error.value.messages[0]  # the site's default language is Korean


def test_reencode_refuses_too_many_pixels(settings):
    settings.IMAGE_MAX_PIXELS = 1000

    with pytest.raises(forms.ValidationError) as error:
        reencode_image(upload(image_bytes("PNG", size=(50, 30))))

    assert error.value.code == "too_many_pixels"
    assert error.value.messages == [
        "이미지가 너무 큽니다(50 × 30픽셀). 최대 1,000픽셀(가로 × 세로) 이하의 이미지를 올려 주십시오."
    ]


def test_reencode_accepts_exactly_the_pixel_cap(settings):
    settings.IMAGE_MAX_PIXELS = 1500

    result = reencode_image(upload(image_bytes("PNG", size=(50, 30))))

    assert open_stored(result.read()).size == (50, 30)


def test_reencode_refuses_decompression_bomb_with_the_size_message():
    huge = Image.MAX_IMAGE_PIXELS * 2 + 1
    width = 100_000
    buffer = BytesIO()
    Image.new("1", (width, huge // width + 1)).save(buffer, format="PNG")

    with pytest.raises(forms.ValidationError) as error:
        reencode_image(upload(buffer.getvalue(), name="bomb.png"))

    assert error.value.code == "too_many_pixels"


def test_form_field_returns_reencoded_file():
    field = SafeImageFormField()

    result = field.clean(upload(jpeg_with_exif_and_trailer(), name="../../etc/passwd.jpg"))

    assert result.name == "image.jpg"
    assert SECRET not in result.read()


def test_form_field_accepts_empty_when_optional():
    assert SafeImageFormField(required=False).clean(None) is None


def test_form_field_refuses_text_renamed_png():
    field = SafeImageFormField()

    with pytest.raises(forms.ValidationError) as error:
        field.clean(upload(b"hello", name="photo.png", content_type="image/png"))

    assert error.value.code == "invalid_image"


@pytest.mark.parametrize(("model", "field", "folder"), [(Speaker, "photo", "speakers"), (Exhibitor, "logo", "logos")])
def test_model_fields_use_the_safe_form_field(model, field, folder):
    model_field = model._meta.get_field(field)

    assert isinstance(model_field.formfield(), SafeImageFormField)
    assert model_field.upload_to == image_upload_to(folder)


@pytest.mark.parametrize(
    ("filename", "extension"),
    [("image.jpg", "jpg"), ("image.png", "png"), ("evil.php", "jpg"), ("noextension", "jpg"), ("x.PNG", "png")],
)
def test_upload_to_is_random_and_keeps_only_safe_extensions(filename, extension):
    upload_to = image_upload_to("speakers")

    first, second = upload_to(None, filename), upload_to(None, filename)

    assert re.fullmatch(rf"speakers/[0-9a-f]{{32}}\.{extension}", first)
    assert first != second


def test_upload_to_deconstructs_for_migrations():
    path, args, kwargs = image_upload_to("logos").deconstruct()

    assert (path, args, kwargs) == ("events.images.image_upload_to", ("logos",), {})
    assert hash(image_upload_to("logos")) == hash(image_upload_to("logos"))
