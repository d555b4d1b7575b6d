"""PDF badges: Korean and Latin names in a TrueType font, one badge per A6 page
or four to an A4 sheet, a QR that holds the ticket secret and nothing else."""

import io
import logging
import shutil
import subprocess
from pathlib import Path

import pytest
from pypdf import PdfReader
from reportlab.lib.pagesizes import A4, A6

from registration import badges
from registration.badges import (
    CATEGORY_STYLES,
    band_text_colour,
    contrast_ratio,
    render_badges,
)
from registration.models import Category, Registration
from tests.factories import EventFactory

NANUM = Path("/usr/share/fonts/truetype/nanum/NanumGothic.ttf")
needs_nanum = pytest.mark.skipif(not NANUM.is_file(), reason="needs Debian fonts-nanum (make fonts)")
LONG_ORGANISATION = (
    "Ministry of Information and Communications Technology, Department of Electronic Government "
    "Services and International Cooperation for Digital Public Infrastructure and Open Data Standards"
)


@pytest.fixture(autouse=True)
def _fresh_fonts():
    badges._fonts.cache_clear()
    yield
    badges._fonts.cache_clear()


@pytest.fixture
def event(db):
    return EventFactory(short_name_en="WeGO General Assembly", short_name_ko="WeGO 창립총회")


def registration(event, **fields) -> Registration:
    defaults = {"name": "Attendee", "country": "KR", "category": Category.CITIZEN, "language": "en"}
    return Registration.objects.create(event=event, **(defaults | fields))


def pages_text(pdf: bytes) -> list[str]:
    """Each page's text layer, white space collapsed (a long name may be split over two lines)."""
    return [" ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(pdf)).pages]


@needs_nanum
def test_badge_for_hangul_name_prints_it_in_nanum_gothic(event):
    kim = registration(
        event, name="김민준", organisation="서울특별시 정보화기획단", city="서울", category=Category.DELEGATE
    )

    pdf = render_badges([kim], layout="a6")

    assert pdf.startswith(b"%PDF")
    assert b"NanumGothic" in pdf
    [text] = pages_text(pdf)
    assert "김민준" in text
    assert "서울특별시 정보화기획단" in text
    assert "서울, South Korea" in text
    assert "도시 대표단 · City delegate" in text
    assert kim.code in text
    assert "WeGO General Assembly | WeGO 창립총회" in text
    assert "September 6–8, 2010" in text


@needs_nanum
def test_badges_print_hangul_and_accented_latin_names(event):
    kim = registration(event, name="김민준")
    jose = registration(event, name="José Müller-Łukasiewicz", organisation="Ajuntament de Barcelona", country="ES")

    first, second = pages_text(render_badges([kim, jose]))

    assert "김민준" in first
    assert "José Müller-Łukasiewicz" in second
    assert "Ajuntament de Barcelona" in second
    assert "Spain" in second


@needs_nanum
def test_letters_nanum_gothic_lacks_come_from_the_next_font(event):
    """NanumGothic has no Vietnamese ễ or Czech Ž: DejaVu Sans (fonts-dejavu-core) draws them."""
    if not Path(badges.DEFAULT_FONT_PATHS[1]).is_file():
        pytest.skip("needs Debian fonts-dejavu-core")
    names = ["Nguyễn Thị Minh Khai", "Čedomir Žižek"]
    people = [registration(event, name=name, country="VN") for name in names]

    pdf = render_badges(people)

    assert b"DejaVuSans-Bold" in pdf
    assert [name in text for name, text in zip(names, pages_text(pdf), strict=True)] == [True, True]


def test_long_organisation_is_cut_to_two_lines_with_an_ellipsis(event):
    person = registration(event, name="Maximilian von Hohenzollern-Sigmaringen", organisation=LONG_ORGANISATION)

    [text] = pages_text(render_badges([person]))

    assert "Ministry of Information and Communications Technology," in text
    assert "…" in text
    assert "Open Data Standards" not in text


def test_long_organisation_wraps_on_at_most_two_lines():
    pen = badges._Pen(canvas=None, fonts=badges._fonts(badges._configured_font_paths()))
    width = badges.BADGE_WIDTH - 2 * badges.MARGIN

    lines, size = badges._organisation_lines(pen, LONG_ORGANISATION, width)

    assert len(lines) == 2
    assert size == badges.ORGANISATION_SIZES[-1]
    assert all(pen.width(line, size) <= width for line in lines)
    assert lines[1].endswith("…")


@pytest.mark.parametrize(
    ("layout", "count", "pages", "page_size"),
    [
        ("a6", 1, 1, A6),
        ("a6", 3, 3, A6),
        ("a4x4", 1, 1, A4),
        ("a4x4", 4, 1, A4),
        ("a4x4", 5, 2, A4),
    ],
)
def test_page_count_and_size_follow_the_layout(event, layout, count, pages, page_size):
    people = [registration(event, name=f"Attendee {i}") for i in range(count)]

    reader = PdfReader(io.BytesIO(render_badges(people, layout=layout)))

    assert len(reader.pages) == pages
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (round(page_size[0]), round(page_size[1]))


def test_four_badges_share_an_a4_sheet_in_the_order_given(event):
    people = [registration(event, name=f"Person {letter}") for letter in "ABCDE"]

    first, second = pages_text(render_badges(people, layout="a4x4"))

    assert [f"Person {letter}" in first for letter in "ABCDE"] == [True, True, True, True, False]
    assert "Person E" in second


def test_no_registrations_give_one_blank_page():
    reader = PdfReader(io.BytesIO(render_badges([], layout="a4x4")))

    assert len(reader.pages) == 1
    assert reader.pages[0].extract_text() == ""


def test_unknown_layout_is_refused(event):
    with pytest.raises(ValueError, match="unknown badge layout"):
        render_badges([registration(event)], layout="letter")


def test_ticket_secret_is_not_in_the_text_layer(event):
    person = registration(event, name="Ana Lima", email="ana@example.org", phone="+82 10 1234 5678")

    [text] = pages_text(render_badges([person]))

    assert person.ticket_secret not in text
    assert person.manage_secret not in text
    assert "ana@example.org" not in text


@pytest.mark.skipif(
    not (shutil.which("pdftoppm") and shutil.which("zbarimg")), reason="needs poppler-utils, zbar-tools"
)
@pytest.mark.parametrize("layout", ["a6", "a4x4"])
def test_qr_holds_the_ticket_secret_only(event, tmp_path, layout):
    person = registration(event, name="김민준")
    (tmp_path / "badge.pdf").write_bytes(render_badges([person], layout=layout))

    subprocess.run(["pdftoppm", "-r", "150", "-png", "badge.pdf", "page"], cwd=tmp_path, check=True)
    [png] = tmp_path.glob("page*.png")
    decoded = subprocess.run(["zbarimg", "--quiet", "--raw", str(png)], capture_output=True, text=True, check=True)

    assert decoded.stdout.strip() == person.ticket_secret


def test_without_a_truetype_font_badges_print_in_helvetica_and_warn(event, settings, caplog):
    settings.BADGE_FONT_PATHS = ["/nonexistent/NanumGothic.ttf"]
    people = [registration(event, name="김민준"), registration(event, name="José Müller")]

    with caplog.at_level(logging.WARNING, logger="registration.badges"):
        pdf = render_badges(people)

    assert b"NanumGothic" not in pdf
    assert b"Helvetica" in pdf
    hangul, latin = pages_text(pdf)
    assert "???" in hangul
    assert "José Müller" in latin
    assert "fonts-nanum" in caplog.text


def test_a_font_reportlab_cannot_read_is_skipped(event, settings, tmp_path, caplog):
    not_a_font = tmp_path / "Broken.ttf"
    not_a_font.write_bytes(b"not a font")
    settings.BADGE_FONT_PATHS = [str(not_a_font), *badges.DEFAULT_FONT_PATHS]

    with caplog.at_level(logging.WARNING, logger="registration.badges"):
        pdf = render_badges([registration(event, name="Ana Lima")])

    assert pdf.startswith(b"%PDF")
    assert "Broken.ttf" in caplog.text


def test_arabic_name_renders_without_shaping(event):
    """A known limitation: reportlab does not join Arabic letters; the badge still prints."""
    pdf = render_badges([registration(event, name="محمد عبد الله", country="AE")])

    assert len(PdfReader(io.BytesIO(pdf)).pages) == 1


def test_every_category_has_its_own_colour_a_korean_name_and_readable_text():
    assert set(CATEGORY_STYLES) == set(Category)
    assert len({style.colour for style in CATEGORY_STYLES.values()}) == len(Category)
    assert all(style.label_ko for style in CATEGORY_STYLES.values())
    assert min(contrast_ratio(s.colour, band_text_colour(s.colour)) for s in CATEGORY_STYLES.values()) >= 4.5


@pytest.mark.parametrize("count", [1, 5])
def test_badges_from_a_queryset_take_one_query(event, count, django_assert_num_queries):
    for i in range(count):
        registration(event, name=f"Attendee {i}")

    with django_assert_num_queries(1):
        pdf = render_badges(Registration.objects.order_by("pk"), layout="a4x4")

    assert len(PdfReader(io.BytesIO(pdf)).pages) == (count + 3) // 4
