"""Delegation lists as files: reading an uploaded .csv or .xlsx into rows of
cell texts, and the template file organisers fill in.

A file that cannot be read (wrong type, corrupt workbook, not a text encoding
we know, too large, too many rows, no name or e-mail column) raises
FileRefusedError with a message for the upload form: never an error page.
"""

import csv
import io
import re
from dataclasses import dataclass
from datetime import date, datetime

from django.http import HttpResponse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext_lazy as _
from openpyxl import Workbook, load_workbook

MAX_BYTES = 1024 * 1024
MAX_ROWS = 500
MAX_CELL = 2000  # longer cells are cut (no form field takes more than 1000 characters)
MAX_COLUMNS = 50  # cells further right are not read
MAX_LINES = 5000  # lines of a sheet, empty ones included

# The columns, in the template's order: (key, what the header may also say).
COLUMNS = (
    ("name", ("full name", "성명", "이름")),
    ("email", ("e-mail", "e-mail address", "email address", "전자우편", "이메일")),
    ("organisation", ("organization", "소속", "기관")),
    ("job_title", ("job title", "title", "position", "직위", "직책")),
    ("country", ("국가",)),
    ("city", ("도시",)),
    ("phone", ("telephone", "전화", "전화번호")),
    ("language", ("e-mail language", "언어")),
    ("category", ("구분", "참가자 구분")),
    ("needs", ("accessibility or dietary needs", "요청 사항")),
    ("sessions", ("sessions to book", "세션")),
)
KEYS = tuple(key for key, _aliases in COLUMNS)
REQUIRED = ("name", "email")
EXAMPLE = {
    "name": "Hong Gildong",
    "email": "gildong.hong@example.org",
    "organisation": "Seoul Metropolitan Government",
    "job_title": "Director, e-Government",
    "country": "KR",
    "city": "Seoul",
    "phone": "010-1234-5678",
    "language": "ko",
    "category": "delegate",
    "needs": "",
    "sessions": "",
}


class FileRefusedError(Exception):
    def __init__(self, message):
        super().__init__(str(message))
        self.message = message


@dataclass(frozen=True)
class Row:
    line: int  # as the spreadsheet numbers it (the header is line 1, usually)
    values: dict[str, str]


def read_upload(upload) -> list[Row]:
    """The rows of an uploaded delegation list (a Django UploadedFile)."""
    if upload.size > MAX_BYTES:
        raise FileRefusedError(_("The file is larger than 1 MB. Split the list into several files."))
    name = (upload.name or "").lower()
    data = upload.read(MAX_BYTES + 1)
    if name.endswith(".csv"):
        table = _csv_table(data)
    elif name.endswith(".xlsx"):
        table = _xlsx_table(data)
    else:
        raise FileRefusedError(_("Upload a .csv or .xlsx file (Excel 2007 or later), such as the template."))
    return rows_from_table(table)


def rows_from_table(table) -> list[Row]:
    """Rows of cell texts keyed by column, from an iterable of (line, cells): the
    first non-empty line is the header; empty lines are skipped; unknown
    columns are ignored."""
    header = None
    rows = []
    for line, cells in table:
        texts = [_text(cell) for cell in cells]
        if not any(texts):
            continue
        if header is None:
            header = [_column_key(text) for text in texts]
            missing = [key for key in REQUIRED if key not in header]
            if missing:
                raise FileRefusedError(
                    _("The first line must name the columns, as in the template; missing: %(columns)s.")
                    % {"columns": ", ".join(missing)}
                )
            continue
        values = dict.fromkeys(KEYS, "")
        for key, text in zip(header, texts, strict=False):
            if key is not None and not values[key]:
                values[key] = text[:MAX_CELL]
        rows.append(Row(line=line, values=values))
        if len(rows) > MAX_ROWS:
            raise FileRefusedError(_("The file has more than 500 people. Split the list into several files."))
    if not rows:
        raise FileRefusedError(_("The file lists nobody: put one person per line under the header line."))
    return rows


def _column_key(text: str) -> str | None:
    folded = re.sub(r"[\s_]+", " ", text.strip().casefold())
    for key, aliases in COLUMNS:
        if folded in (key.replace("_", " "), *aliases):
            return key
    return None


def _text(cell) -> str:
    if cell is None:
        return ""
    if isinstance(cell, bool):
        return "yes" if cell else ""
    if isinstance(cell, float) and cell.is_integer():
        cell = int(cell)  # a phone number Excel took for a number
    if isinstance(cell, datetime | date):
        return cell.isoformat()
    return " ".join(str(cell).split()) if not isinstance(cell, str) else cell.strip()


def _csv_table(data: bytes):
    """UTF-8 (with or without the BOM Excel writes), else CP949: what Korean Excel
    saves as "CSV (쉼표로 분리)"."""
    for encoding in ("utf-8-sig", "cp949"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise FileRefusedError(_("The CSV file could not be read: save it as “CSV UTF-8” and upload it again."))
    if "\x00" in text:
        raise FileRefusedError(_("This is not a CSV file: save the list as “CSV UTF-8” or as .xlsx."))
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    try:
        return list(enumerate(csv.reader(io.StringIO(text, newline=""), dialect), start=1))
    except csv.Error as exc:
        raise FileRefusedError(_("The CSV file could not be read: %(error)s") % {"error": exc}) from exc


def _xlsx_table(data: bytes):
    """The first sheet's lines (at most MAX_COLUMNS cells each); any fault of the
    workbook (not a zip, missing parts, bad XML) is the same clear refusal."""
    unreadable = _("This is not a readable Excel file (.xlsx): open it in Excel and save it again.")
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # zipfile, KeyError, XML and openpyxl's own errors alike
        raise FileRefusedError(unreadable) from exc
    try:
        table = []
        sheet = workbook.worksheets[0]
        for line, cells in enumerate(sheet.iter_rows(values_only=True, max_col=MAX_COLUMNS), start=1):
            if line > MAX_LINES:
                raise FileRefusedError(_("The sheet has more than 5000 lines. Split the list into several files."))
            table.append((line, cells))
        return table
    except FileRefusedError:
        raise
    except Exception as exc:
        raise FileRefusedError(unreadable) from exc
    finally:
        workbook.close()


def template_response(file_format: str) -> HttpResponse:
    """The template to fill in: the header line and one example person."""
    example = [EXAMPLE[key] for key in KEYS]
    if file_format == "xlsx":
        workbook = Workbook()
        sheet = workbook.active
        sheet.title = "delegation"
        sheet.append(list(KEYS))
        sheet.append(example)
        for column in "BCDGK":
            sheet.column_dimensions[column].width = 30
        buffer = io.BytesIO()
        workbook.save(buffer)
        content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        response = HttpResponse(buffer.getvalue(), content_type=content_type)
    else:
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(KEYS)
        writer.writerow(example)
        # With a BOM: Korean Excel then opens it as UTF-8.
        response = HttpResponse(buffer.getvalue().encode("utf-8-sig"), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = content_disposition_header(True, f"delegation-template.{file_format}")
    return response
