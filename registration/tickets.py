"""A registration's ticket: its QR code (SVG for pages, PNG for e-mail), a
printable ticket image, and an iCalendar file of its booked sessions.

The QR code holds the registration's ticket secret and nothing else: an opaque
random string the check-in desk looks up. Never a name, an e-mail address, the
registration code or a database id, so a photo of a ticket tells a stranger
nothing about its holder.
"""

import io
import unicodedata
from collections.abc import Iterable
from functools import cache

import icalendar
import segno
from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _
from PIL import Image, ImageDraw, ImageFont, features

from events import calendar as ical
from events.templatetags.events_tags import date_range
from registration.models import Booking, Registration

# Medium error correction (segno raises it when the symbol has room to spare):
# a ticket still scans when the phone screen is scratched or the print is creased.
QR_ERROR = "m"
QR_BORDER = 4  # the quiet zone the QR standard asks for, in modules


def qr_code(registration: Registration) -> segno.QRCode:
    """The QR code of a registration's ticket: its ticket secret, nothing else."""
    return segno.make(registration.ticket_secret, error=QR_ERROR, micro=False)


def qr_svg(registration: Registration, *, title: str | None = None) -> str:
    """Inline SVG markup of the ticket's QR code, with a <title> naming it for
    screen readers. Scales with its container (viewBox, no fixed size); dark on
    a white background so it scans from a phone in dark mode. segno escapes the
    title, and the rest is markup segno writes: safe to mark_safe."""
    svg = qr_code(registration).svg_inline(
        scale=1,
        border=QR_BORDER,
        dark="#000",
        light="#fff",
        omitsize=True,
        svgclass="ticket-qr",
        title=title if title is not None else _("QR code of your ticket"),
    )
    return svg.replace("<svg ", '<svg role="img" ', 1)


def qr_png(registration: Registration, *, scale: int = 8, border: int = QR_BORDER) -> bytes:
    """The ticket's QR code as a PNG, `scale` pixels per module."""
    out = io.BytesIO()
    qr_code(registration).save(out, kind="png", scale=scale, border=border, dark="black", light="white")
    return out.getvalue()


# The printable ticket -----------------------------------------------------------

TICKET_WIDTH = 900
TICKET_MARGIN = 60
BAND_COLOUR = "#1d4e89"  # the site's dark blue; white text on it passes 4.5:1
TEXT_COLOUR = "#1a1a1a"
MUTED_COLOUR = "#4a4a4a"

# Tried in order for each line of text: the first font that has a glyph for every
# character draws it. NanumGothic (Debian fonts-nanum) has Hangul; DejaVu Sans
# has accented Latin, Greek, Cyrillic and Arabic. Neither need be installed.
FONT_FILES = {
    "regular": [
        "/usr/share/fonts/truetype/nanum/NanumGothic.ttf",
        "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
    ],
    "bold": [
        "/usr/share/fonts/truetype/nanum/NanumGothicBold.ttf",
        "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf",
    ],
}


@cache
def _fonts(weight: str, size: int) -> tuple[ImageFont.FreeTypeFont | ImageFont.ImageFont, ...]:
    fonts = []
    for path in FONT_FILES[weight]:
        try:
            fonts.append(ImageFont.truetype(path, size))
        except OSError:
            continue
    try:
        fonts.append(ImageFont.load_default(size=size))  # Pillow's own font: basic Latin
    except (ImportError, OSError):  # a Pillow built without FreeType: its small bitmap font
        fonts.append(ImageFont.load_default())
    return tuple(fonts)


def _has_glyphs(font, text: str) -> bool:
    """True if the font draws every character of `text` as itself, not as the
    empty box it draws for a character it lacks."""
    missing = font.getmask("\ufffe")  # a noncharacter: no font has a glyph for it
    missing_bytes = bytes(missing)
    for char in set(text):
        if char.isspace():
            continue
        mask = font.getmask(char)
        if mask.size == missing.size and bytes(mask) == missing_bytes:
            return False
    return True


def _is_right_to_left(text: str) -> bool:
    return any(unicodedata.bidirectional(char) in ("R", "AL") for char in text)


def _drawable(texts: Iterable[str], *, weight: str, size: int):
    """The first of `texts` some installed font can draw, with that font; or
    (None, None) when none can (the line is then left out, never drawn as boxes).
    Arabic and Hebrew need Pillow's raqm layout, or the letters come out
    unjoined and in the wrong order."""
    for text in texts:
        if not text or (_is_right_to_left(text) and not features.check("raqm")):
            continue
        for font in _fonts(weight, size):
            if _has_glyphs(font, text):
                return text, font
    return None, None


def _wrap(draw: ImageDraw.ImageDraw, text: str, font, width: int, max_lines: int) -> list[str]:
    """Break text into at most `max_lines` lines that fit `width`; the last is
    shortened with an ellipsis if the text does not fit."""
    lines: list[str] = []
    current = ""
    for word in text.split():
        candidate = f"{current} {word}".strip()
        if draw.textlength(candidate, font=font) <= width:
            current = candidate
            continue
        if current:
            lines.append(current)
        current = word
    if current:
        lines.append(current)
    lines = [_fit(draw, line, font, width) for line in lines]
    if len(lines) > max_lines:
        lines = lines[:max_lines]
        lines[-1] = _fit(draw, lines[-1] + "…", font, width, force_ellipsis=True)
    return lines


def _fit(draw, text: str, font, width: int, *, force_ellipsis: bool = False) -> str:
    if draw.textlength(text, font=font) <= width and not force_ellipsis:
        return text
    text = text.rstrip("…")
    while text and draw.textlength(text + "…", font=font) > width:
        text = text[:-1]
    return text + "…"


class _Canvas:
    """Lines of centred text and images stacked from the top of the ticket."""

    def __init__(self, height: int):
        self.image = Image.new("RGB", (TICKET_WIDTH, height), "white")
        self.draw = ImageDraw.Draw(self.image)
        self.y = 0

    def band(self, height: int, colour: str) -> None:
        self.draw.rectangle([(0, self.y), (TICKET_WIDTH, self.y + height)], fill=colour)

    def text(self, texts, *, size: int, weight="regular", colour=TEXT_COLOUR, max_lines=1, gap=12) -> None:
        text, font = _drawable(texts, weight=weight, size=size)
        if text is None:
            return
        for line in _wrap(self.draw, text, font, TICKET_WIDTH - 2 * TICKET_MARGIN, max_lines):
            left = (TICKET_WIDTH - self.draw.textlength(line, font=font)) / 2  # centred, for any kind of font
            self.draw.text((left, self.y), line, font=font, fill=colour)
            self.y += round(size * 1.3)
        self.y += gap

    def paste(self, picture: Image.Image, gap=24) -> None:
        self.image.paste(picture, ((TICKET_WIDTH - picture.width) // 2, self.y))
        self.y += picture.height + gap


def ticket_png(registration: Registration) -> bytes:
    """A printable ticket: the event, the attendee's name and organisation, the
    QR code and the registration code, in the active language. Text a font on
    this machine cannot draw (Hangul without fonts-nanum) falls back to English,
    or is left out; the QR code and the code are always there."""
    event = registration.event
    qr = Image.open(io.BytesIO(qr_png(registration, scale=14))).convert("RGB")
    canvas = _Canvas(height=1600)
    canvas.band(150, BAND_COLOUR)
    canvas.y = 40
    canvas.text([event.name, event.name_en, event.name_ko], size=36, weight="bold", colour="white", gap=4)
    # The dates as the reader's pages write them ("September 6–8, 2010", "2010년 9월 6일–8일"),
    # or as digits where this machine has no font for them.
    dates = date_range(event.start_date, event.end_date)
    digits = f"{event.start_date:%Y-%m-%d} – {event.end_date:%Y-%m-%d}"
    canvas.text([f"{dates} · {event.venue_name}", dates, digits], size=24, colour="white")
    canvas.y = 190
    canvas.text([registration.name], size=48, weight="bold", max_lines=2)
    canvas.text([registration.organisation], size=28, colour=MUTED_COLOUR, max_lines=2)
    canvas.paste(qr)
    canvas.text([_("Registration code"), _en("Registration code")], size=24, colour=MUTED_COLOUR, gap=2)
    canvas.text([_spaced(registration.code)], size=56, weight="bold")
    note = _("Show this QR code at the registration desk.")
    canvas.text([note, _en("Show this QR code at the registration desk.")], size=24, colour=MUTED_COLOUR)
    image = canvas.image.crop((0, 0, TICKET_WIDTH, canvas.y + TICKET_MARGIN // 2))
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()


def _en(message: str) -> str:
    with translation.override("en"):
        return _(message)


def _spaced(code: str) -> str:
    """ABCD EFGH: easier to read out over the phone."""
    return " ".join(code[i : i + 4] for i in range(0, len(code), 4))


# Calendar -----------------------------------------------------------------------


def booked_sessions(registration: Registration) -> list[Booking]:
    """The registration's bookings that hold a seat, with their sessions: one query."""
    return list(
        Booking.objects.filter(registration=registration)
        .confirmed()
        .select_related("session__event", "session__room", "session__kind")
        .in_time_order()
    )


def sessions_ics(registration: Registration, *, bookings: list[Booking] | None = None) -> bytes:
    """An iCalendar file of the sessions the registration holds a seat in, in
    the active language and the event's time zone (with its VTIMEZONE). A
    session's UID is the one the programme feed gives it, so importing both
    updates one calendar entry instead of adding a copy. The file carries the
    registration code but no private link: calendars get shared."""
    bookings = booked_sessions(registration) if bookings is None else bookings
    calendar = ical.new_calendar(registration.event)
    stamp = ical.stamp_now()
    for booking in bookings:
        calendar.add_component(_vevent(registration, booking.session, stamp))
    calendar.add_missing_timezones()
    return calendar.to_ical()


def _vevent(registration: Registration, session, stamp) -> icalendar.Event:
    url = settings.SITE_URL + session.get_absolute_url()
    seat = _("Your seat is booked. Registration code: %(code)s") % {"code": registration.code}
    return ical.vevent(session, url=url, stamp=stamp, description=f"{seat}\n\n{url}")
