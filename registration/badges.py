"""Printable PDF badges: one A6 badge per page, or four A6 badges to an A4 sheet.

    pdf: bytes = render_badges(registrations, layout="a6")    # or layout="a4x4"

Each badge shows, from the top: the event's short name (English and Korean)
and dates; the attendee's name, large (shrunk to fit, or split over two lines);
the organisation (at most two lines, shrunk, then cut with an ellipsis); city
and country (the country in English, the delegates' common language); the QR,
which holds the ticket secret and nothing else; the registration code, small;
and a band in the category's colour that names the category in Korean and
English, so that colour is never the only signal. Nothing else personal (no
e-mail, phone or needs) is printed. The palette is Okabe-Ito (safe for the
common colour-vision deficiencies); the band's text is black or white,
whichever contrasts more (at least 4.5:1 for every category).

Fonts. reportlab's built-in fonts have no Hangul, so badges use TrueType fonts:
settings.BADGE_FONT_PATHS (optional; a list of .ttf paths in order of
preference) or DEFAULT_FONT_PATHS. Every font found takes part: a text is drawn
in the first font that has all its letters (else word by word, else letter by
letter). NanumGothic (Debian fonts-nanum; `make fonts`) draws Hangul and most
Latin; DejaVu Sans (Debian fonts-dejavu-core) draws what NanumGothic lacks,
e.g. Č, Ş, Ž, Vietnamese letters, Cyrillic, Arabic. A bold face is looked for
next to each file (NanumGothicBold.ttf, DejaVuSans-Bold.ttf). With no usable
font the badges are still produced, in Helvetica, and a warning is logged:
Latin-1 names print, Hangul does not (a "?" per letter). OpenType CFF fonts
(Noto CJK .otf) cannot be used: reportlab reads TrueType outlines only. Fonts
are loaded once per process: restart after installing one.

Known limitation: reportlab does not shape complex scripts. An Arabic or Hebrew
name is put in right-to-left order but prints with unjoined (isolated) letters;
Indic scripts print unshaped. Nothing crashes.
"""

import io
import logging
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path

from django.conf import settings
from django.db.models import QuerySet
from django.utils import translation
from reportlab.lib.colors import HexColor
from reportlab.lib.pagesizes import A4, A6
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

from events.templatetags.events_tags import date_range
from registration.models import Category, Registration
from registration.tickets import qr_code

logger = logging.getLogger(__name__)

LAYOUTS = ("a6", "a4x4")

DEFAULT_FONT_PATHS = (
    "/usr/share/fonts/truetype/nanum/NanumGothic.ttf",  # Debian fonts-nanum: Hangul, Latin-1
    "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",  # Debian fonts-dejavu-core: Latin Extended, Cyrillic, Arabic
)
BUILTIN_REGULAR, BUILTIN_BOLD = "Helvetica", "Helvetica-Bold"

INK = HexColor("#1a1a1a")  # 17:1 on white
MUTED = HexColor("#4d4d4d")  # 8.5:1 on white
CUT_MARK = HexColor("#b3b3b3")

BADGE_WIDTH, BADGE_HEIGHT = A6
MARGIN = 6 * mm  # nothing but the background within this of a badge's edge: printers' margins, cutting
QR_SIZE = 32 * mm
BAND_HEIGHT = 16 * mm


@dataclass(frozen=True)
class CategoryStyle:
    colour: str
    label_ko: str


# Okabe & Ito's colour-blind-safe palette. Korean names are part of the badge's
# design (it is always bilingual), not a translation of the interface.
CATEGORY_STYLES = {
    Category.CITIZEN: CategoryStyle("#56B4E9", "시민"),
    Category.IT_PROFESSIONAL: CategoryStyle("#009E73", "IT 전문가"),
    Category.ACADEMIC: CategoryStyle("#F0E442", "학계"),
    Category.PRESS: CategoryStyle("#D55E00", "언론"),
    Category.DELEGATE: CategoryStyle("#0072B2", "도시 대표단"),
    Category.EXHIBITOR: CategoryStyle("#CC79A7", "전시 참가사"),
}
UNKNOWN_CATEGORY = CategoryStyle("#6b6b6b", "")


def render_badges(registrations: Iterable[Registration], *, layout: str = "a6") -> bytes:
    """Return a PDF with a badge for each registration, in the order given.

    layout "a6": one badge per A6 page. "a4x4": four A6 badges to an A4 sheet
    (2 x 2, light cut marks); five badges make two sheets. No registrations
    give one blank page. Pass a queryset (its event is then joined) or objects
    whose `event` is loaded. Raises ValueError for an unknown layout."""
    if layout not in LAYOUTS:
        raise ValueError(f"unknown badge layout {layout!r}; expected one of {LAYOUTS}")
    if isinstance(registrations, QuerySet):
        registrations = registrations.select_related("event")
    fonts = _fonts(_configured_font_paths())
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=A6 if layout == "a6" else A4, invariant=True)
    canvas.setTitle("Badges")
    canvas.setCreator("wegov")
    pen = _Pen(canvas, fonts)
    registrations = list(registrations)
    if layout == "a6":
        for registration in registrations:
            _draw_badge(pen, registration)
            canvas.showPage()
    else:
        _draw_sheets(pen, registrations)
    if not registrations:
        canvas.showPage()  # a PDF with no page at all puzzles viewers and printers
    canvas.save()
    return buffer.getvalue()


def category_style(category: str) -> CategoryStyle:
    return CATEGORY_STYLES.get(category, UNKNOWN_CATEGORY)


def category_label_en(category: str) -> str:
    with translation.override("en"):
        try:
            return str(Category(category).label)
        except ValueError:
            return category


def band_text_colour(background: str) -> str:
    """Black or white text, whichever contrasts more with the background."""
    return "#000000" if contrast_ratio(background, "#000000") >= contrast_ratio(background, "#ffffff") else "#ffffff"


def contrast_ratio(colour_a: str, colour_b: str) -> float:
    """WCAG 2 contrast ratio of two #rrggbb colours."""
    lighter, darker = sorted((_luminance(colour_a), _luminance(colour_b)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def _luminance(colour: str) -> float:
    def channel(hex_pair: str) -> float:
        c = int(hex_pair, 16) / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    red, green, blue = (channel(colour[i : i + 2]) for i in (1, 3, 5))
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


# Fonts ---------------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Fonts:
    regular: tuple[str, ...]  # registered reportlab names, in order of preference
    bold: tuple[str, ...]
    glyphs: dict  # name -> {code point: glyph}; built-in fonts are absent


def _configured_font_paths() -> tuple[str, ...]:
    paths = settings.BADGE_FONT_PATHS
    if isinstance(paths, (str, Path)):
        paths = [paths]
    return tuple(str(p) for p in (DEFAULT_FONT_PATHS if paths is None else paths))


@lru_cache
def _fonts(paths: tuple[str, ...]) -> _Fonts:
    regular, bold, glyphs = [], [], {}
    for path in map(Path, paths):
        if not path.is_file():
            continue
        name = _register(path, glyphs)
        if name is None:
            continue
        bold_path = next((p for p in _bold_candidates(path) if p.is_file()), None)
        regular.append(name)
        bold.append((bold_path and _register(bold_path, glyphs)) or name)
    if not regular:
        logger.warning(
            "No TrueType font for badges in %s: printing them in Helvetica, without Hangul. "
            "Install Debian's fonts-nanum (make fonts) or set BADGE_FONT_PATHS.",
            ", ".join(paths) or "BADGE_FONT_PATHS (empty)",
        )
        return _Fonts((BUILTIN_REGULAR,), (BUILTIN_BOLD,), {})
    return _Fonts(tuple(regular), tuple(bold), glyphs)


def _register(path: Path, glyphs: dict) -> str | None:
    name = f"badge-{path.stem}"
    if name not in pdfmetrics.getRegisteredFontNames():
        try:
            pdfmetrics.registerFont(TTFont(name, str(path)))
        except Exception as error:  # a CFF .otf, a damaged file: skip it, never fail the badge
            logger.warning("Cannot use %s for badges: %s", path, error)
            return None
    glyphs[name] = pdfmetrics.getFont(name).face.charToGlyph
    return name


def _bold_candidates(path: Path) -> list[Path]:
    stem = path.stem
    names = [f"{stem}Bold", f"{stem}-Bold", stem.replace("Regular", "Bold")]
    return [path.with_name(name + path.suffix) for name in names if name != stem]


# Text ----------------------------------------------------------------------------------------------------------------


class _Pen:
    """Measures and draws text in the configured fonts, falling back from one to the next."""

    def __init__(self, canvas: Canvas, fonts: _Fonts):
        self.canvas = canvas
        self.fonts = fonts
        self._runs: dict[tuple[str, bool], list[tuple[str, str]]] = {}

    def runs(self, text: str, *, bold: bool = False) -> list[tuple[str, str]]:
        if (text, bold) not in self._runs:
            self._runs[text, bold] = self._split(text, bold=bold)
        return self._runs[text, bold]

    def _split(self, text: str, *, bold: bool) -> list[tuple[str, str]]:
        """(text, font) pairs. One font for the whole text if one has every glyph, so that a
        Vietnamese or Czech name is not a patchwork; else one per word; else one per letter."""
        faces = self.fonts.bold if bold else self.fonts.regular
        text = _visual_order(unicodedata.normalize("NFC", text))
        whole = self._covering(text, faces)
        if whole:
            return [(text, whole)]
        runs: list[tuple[str, str]] = []
        for word in re.findall(r"\S+|\s+", text):
            if word.isspace() and runs:
                _append(runs, word, runs[-1][1])  # spaces stay with the word before
            elif font := self._covering(word, faces):
                _append(runs, word, font)
            else:
                for char in word:
                    _append(runs, *self._letter(char, faces, runs))
        return runs

    def _covering(self, text: str, faces: tuple[str, ...]) -> str | None:
        return next((face for face in faces if all(self._has(face, char) for char in text)), None)

    def _has(self, face: str, char: str) -> bool:
        glyphs = self.fonts.glyphs.get(face)
        return _in_winansi(char) if glyphs is None else (ord(char) in glyphs or char.isspace())

    def _letter(self, char: str, faces: tuple[str, ...], runs: list[tuple[str, str]]) -> tuple[str, str]:
        if runs and unicodedata.category(char).startswith("M"):
            return char, runs[-1][1]  # a combining mark stays with its letter
        for face in faces:
            if self._has(face, char):
                return char, face
        # No font has it: a TrueType font draws its "missing" box; a built-in one cannot encode it.
        return (char if faces[0] in self.fonts.glyphs else "?"), faces[0]

    def width(self, text: str, size: float, *, bold: bool = False) -> float:
        return sum(pdfmetrics.stringWidth(part, font, size) for part, font in self.runs(text, bold=bold))

    def draw(self, text: str, x: float, y: float, size: float, *, bold: bool = False, centre: bool = False) -> None:
        runs = self.runs(text, bold=bold)
        if centre:
            x -= sum(pdfmetrics.stringWidth(part, font, size) for part, font in runs) / 2
        for part, font in runs:
            self.canvas.setFont(font, size)
            self.canvas.drawString(x, y, part)
            x += pdfmetrics.stringWidth(part, font, size)

    def fit(self, text: str, width: float, largest: float, smallest: float, *, bold: bool = False) -> float:
        """The largest size up to `largest` at which text fits the width, but not below `smallest`."""
        unit = self.width(text, 1, bold=bold)
        return largest if unit <= 0 else max(smallest, min(largest, width / unit * 0.999))  # 0.999: rounding

    def ellipsize(self, text: str, width: float, size: float, *, bold: bool = False) -> str:
        text = text.strip()
        if self.width(text, size, bold=bold) <= width:
            return text
        while text and self.width(text + "…", size, bold=bold) > width:
            text = text[:-1].rstrip()
        head, space, _ = text.rpartition(" ")
        if space and len(head) >= len(text) * 0.6:  # end on a whole word when that costs little room
            text = head.rstrip(" ,;:-–·")
        return text + "…"

    def wrap(self, text: str, width: float, size: float, *, bold: bool = False) -> list[str]:
        """Greedy line breaking at spaces; a word wider than a line is broken between letters."""
        lines, line = [], ""
        for word in re.findall(r"\S+\s*", text.strip()):
            if self.width((line + word).rstrip(), size, bold=bold) <= width:
                line += word
                continue
            if line:
                lines.append(line.rstrip())
                line = ""
            while self.width(word.rstrip(), size, bold=bold) > width:
                cut = next(
                    (i for i in range(len(word) - 1, 0, -1) if self.width(word[:i], size, bold=bold) <= width), 1
                )
                lines.append(word[:cut])
                word = word[cut:]
            line = word
        if line.strip():
            lines.append(line.rstrip())
        return lines


def _append(runs: list[tuple[str, str]], text: str, font: str) -> None:
    if runs and runs[-1][1] == font:
        runs[-1] = (runs[-1][0] + text, font)
    else:
        runs.append((text, font))


def _in_winansi(char: str) -> bool:
    try:
        char.encode("cp1252")
    except UnicodeEncodeError:
        return False
    return True


def _visual_order(text: str) -> str:
    """A wholly right-to-left text (an Arabic or Hebrew name), reversed for a renderer
    without bidi support; combining marks stay after their letter. Anything else unchanged."""
    directions = {unicodedata.bidirectional(c) for c in text}
    if not directions & {"R", "AL"} or "L" in directions:
        return text
    clusters = re.findall(r".[\u0300-\u036f\u0591-\u05c7\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed]*", text)
    return "".join(reversed(clusters))


# Layout --------------------------------------------------------------------------------------------------------------


def _draw_sheets(pen: _Pen, registrations: list[Registration]) -> None:
    sheet_width, sheet_height = A4
    slot_height = sheet_height / 2
    slots = [(0, slot_height), (BADGE_WIDTH, slot_height), (0, 0), (BADGE_WIDTH, 0)]
    for start in range(0, len(registrations), 4):
        for registration, (x, y) in zip(registrations[start : start + 4], slots, strict=False):
            pen.canvas.saveState()
            pen.canvas.translate(x, y + (slot_height - BADGE_HEIGHT) / 2)
            _draw_badge(pen, registration)
            pen.canvas.restoreState()
        _draw_cut_marks(pen.canvas, sheet_width, sheet_height)
        pen.canvas.showPage()


def _draw_cut_marks(canvas: Canvas, width: float, height: float) -> None:
    """Short light lines where the sheet is cut in four, kept inside the badges' empty margins."""
    tick = MARGIN - 1.5 * mm
    middle_x, middle_y = width / 2, height / 2
    canvas.saveState()
    canvas.setStrokeColor(CUT_MARK)
    canvas.setLineWidth(0.4)
    lines = [
        (middle_x, height, middle_x, height - tick),
        (middle_x, 0, middle_x, tick),
        (0, middle_y, tick, middle_y),
        (width, middle_y, width - tick, middle_y),
        (middle_x - tick, middle_y, middle_x + tick, middle_y),
        (middle_x, middle_y - tick, middle_x, middle_y + tick),
    ]
    canvas.lines(lines)
    canvas.restoreState()


def _draw_badge(pen: _Pen, registration: Registration) -> None:
    canvas = pen.canvas
    width = BADGE_WIDTH - 2 * MARGIN
    centre = BADGE_WIDTH / 2
    style = category_style(registration.category)
    top = BADGE_HEIGHT - MARGIN

    # The event: English and Korean short names, then dates and venue; a rule in the category's colour.
    event = registration.event
    heading = _event_heading(event)
    size = pen.fit(heading, width, 10, 6.5, bold=True)
    canvas.setFillColor(INK)
    pen.draw(pen.ellipsize(heading, width, size, bold=True), centre, top - 10, size, bold=True, centre=True)
    detail = " · ".join(filter(None, [_dates_en(event.start_date, event.end_date), _venue_en(event)]))
    size = pen.fit(detail, width, 8, 6)
    canvas.setFillColor(MUTED)
    pen.draw(pen.ellipsize(detail, width, size), centre, top - 21, size, centre=True)
    rule = top - 28
    canvas.setStrokeColor(HexColor(style.colour))
    canvas.setLineWidth(2.5)
    canvas.line(MARGIN, rule, BADGE_WIDTH - MARGIN, rule)

    # The QR and the code, above the category band.
    qr_bottom = MARGIN + BAND_HEIGHT + 12 * mm  # leaves the QR its quiet zone of 4 modules above the code
    canvas.setFillColor(INK)
    _draw_qr(canvas, registration, centre - QR_SIZE / 2, qr_bottom, QR_SIZE)
    canvas.setFillColor(MUTED)
    pen.draw(registration.code, centre, MARGIN + BAND_HEIGHT + 4 * mm, 8, centre=True)

    # The person, centred (a little high) between the rule and the QR: name, organisation, place.
    lines = _person_lines(pen, registration, width)
    height = sum(line.height for line in lines)
    room = rule - (qr_bottom + QR_SIZE)
    y = rule - max(12, (room - height) * 0.4)
    for line in lines:
        canvas.setFillColor(line.colour)
        pen.draw(line.text, centre, y - line.size * 0.92, line.size, bold=line.bold, centre=True)
        y -= line.height

    # The category band: its colour, and its name in Korean and English.
    canvas.setFillColor(HexColor(style.colour))
    canvas.roundRect(MARGIN, MARGIN, width, BAND_HEIGHT, 2 * mm, stroke=0, fill=1)
    canvas.setFillColor(HexColor(band_text_colour(style.colour)))
    label = "  ·  ".join(filter(None, [style.label_ko, category_label_en(registration.category)]))
    size = pen.fit(label, width - 8 * mm, 15, 8, bold=True)
    label = pen.ellipsize(label, width - 8 * mm, size, bold=True)
    pen.draw(label, centre, MARGIN + BAND_HEIGHT / 2 - size * 0.35, size, bold=True, centre=True)


@dataclass(frozen=True)
class _Line:
    text: str
    size: float
    height: float  # from this line's top to the next line's top
    bold: bool = False
    colour: object = INK


def _person_lines(pen: _Pen, registration: Registration, width: float) -> list[_Line]:
    names, size = _name_lines(pen, registration.name, width)
    lines = [_Line(name, size, size * 1.15, bold=True) for name in names]
    lines[-1] = _Line(names[-1], size, size * 1.15 + 10, bold=True)
    if registration.organisation.strip():
        organisation, size = _organisation_lines(pen, registration.organisation, width)
        lines += [_Line(text, size, size * 1.3) for text in organisation]
        lines[-1] = _Line(organisation[-1], size, size * 1.3 + 3)
    place = _place(registration)
    if place:
        size = pen.fit(place, width, 10.5, 8)
        lines.append(_Line(pen.ellipsize(place, width, size), size, size * 1.3, colour=MUTED))
    return lines


NAME_LARGEST = 38  # points
NAME_SINGLE_LINE_SMALLEST = 24  # below this a name with spaces goes on two lines, if that makes it larger
NAME_SMALLEST = 11


def _name_lines(pen: _Pen, name: str, width: float) -> tuple[list[str], float]:
    name = " ".join(name.split())
    best = ([name], pen.fit(name, width, NAME_LARGEST, 0, bold=True))
    words = name.split(" ")
    if best[1] < NAME_SINGLE_LINE_SMALLEST and len(words) > 1:
        for i in range(1, len(words)):
            lines = [" ".join(words[:i]), " ".join(words[i:])]
            size = min(pen.fit(line, width, NAME_LARGEST - 4, 0, bold=True) for line in lines)
            if size > best[1]:
                best = (lines, size)
    lines, size = best
    size = max(size, NAME_SMALLEST)
    return [pen.ellipsize(line, width, size, bold=True) for line in lines], size


ORGANISATION_SIZES = (13, 12, 11, 10, 9)


def _organisation_lines(pen: _Pen, organisation: str, width: float) -> tuple[list[str], float]:
    for size in ORGANISATION_SIZES:
        lines = pen.wrap(organisation, width, size)
        if len(lines) <= 2:
            return lines, size
    first, *rest = lines
    return [first, pen.ellipsize(" ".join(rest), width, size)], size


def _draw_qr(canvas: Canvas, registration: Registration, x: float, y: float, size: float) -> None:
    """The ticket's QR (tickets.qr_code: the ticket secret and nothing else) as
    vector squares, sharp at any printer resolution. The white badge around it
    is its quiet zone."""
    matrix = qr_code(registration).matrix
    module = size / len(matrix)
    path = canvas.beginPath()
    for row_number, row in enumerate(matrix):
        bottom = y + size - (row_number + 1) * module
        column = 0
        while column < len(row):
            if not row[column]:
                column += 1
                continue
            start = column
            while column < len(row) and row[column]:
                column += 1
            path.rect(x + start * module, bottom, (column - start) * module, module)
    canvas.drawPath(path, stroke=0, fill=1)


def _event_heading(event) -> str:
    english = getattr(event, "short_name_en", "") or getattr(event, "name_en", "") or event.name
    korean = getattr(event, "short_name_ko", "") or getattr(event, "name_ko", "")
    return "  |  ".join(dict.fromkeys(filter(None, [english, korean])))


def _venue_en(event) -> str:
    return getattr(event, "venue_name_en", "") or event.venue_name


def _dates_en(start: date, end: date) -> str:
    """The English pages' style: "September 6–8, 2010" (events_tags.date_range)."""
    with translation.override("en"):
        return date_range(start, end)


def _place(registration: Registration) -> str:
    with translation.override("en"):
        country = registration.country.name if registration.country else ""
    return ", ".join(filter(None, [registration.city.strip(), str(country)]))
