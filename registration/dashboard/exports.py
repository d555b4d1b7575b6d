"""The attendee list as a spreadsheet, for organisers: CSV and Excel (.xlsx).

    registrations = list(export_queryset(Registration.objects.filter(event=event)))  # 2 queries
    data: bytes = render_csv(registrations)   # or render_xlsx(registrations)
    response = attendee_file(queryset, file_format="csv", name="wego-2010-attendees", ...)

One row per registration with COLUMNS, headers and labels in the active
language, times in the events' time zone (named in the headers). Two queries
whatever the number of rows: the registrations with their event and first
entrance, and their bookings with the sessions.

What an export never holds: the ticket and manage secrets (they admit and open
the private page), the form's token, the accessibility or dietary needs
(sensitive information) and the desk's note; these columns are not even read
from the database.

Spreadsheet formulas. A cell whose text starts with = + - @, a tab or a
carriage return would be run as a formula by Excel or LibreOffice when the CSV
is opened (formula injection: a name such as `=HYPERLINK(...)` typed into the
public form). The CSV prefixes such a cell with an apostrophe, as defusedcsv
does; the .xlsx writes every text as a text cell, which is never a formula.
Phone numbers are the one exception in the CSV: "+82 10-1234-5678" is how an
international number is written, and a phone stored by the form (E.164, shown
as digits, spaces and dashes after the "+") holds nothing a spreadsheet could
run, so it is written as it is; a phone cell with anything else is defused.
The CSV starts with a UTF-8 byte-order mark, without which Korean Excel reads
UTF-8 as the local code page and garbles Hangul.
"""

import csv
import io
import logging
import re
import zoneinfo
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.db.models import OuterRef, Prefetch, QuerySet, Subquery
from django.http import HttpResponse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from registration.models import Booking, BookingStatus, CheckIn, CheckpointKind, Registration, latest_news_choice

logger = logging.getLogger(__name__)

FORMATS = {
    # format: (content type, file extension)
    "csv": ("text/csv; charset=utf-8", "csv"),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx"),
}
BOM = "\ufeff"
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
# A phone number as exported (as_international): no name, call or reference to run.
PLAIN_PHONE = re.compile(r"\+\d[\d -]{0,30}")
TIME_FORMAT = "%Y-%m-%d %H:%M"
# Never read for an export (see the module's docstring).
NOT_EXPORTED = ("ticket_secret", "manage_secret", "submission_token", "needs", "attention_note", "search_text")


@dataclass(frozen=True)
class Column:
    header: str
    width: int  # in the .xlsx, characters


def columns(time_zone: str) -> list[Column]:
    """The columns, headed in the active language; times name their zone."""
    zone = {"time_zone": time_zone}
    return [
        Column(_("registration code"), 12),
        Column(_("full name"), 24),
        Column(_("e-mail"), 30),
        Column(_("organisation"), 30),
        Column(_("job title"), 20),
        Column(_("category"), 16),
        Column(_("status"), 16),
        Column(_("country"), 16),
        Column(_("city"), 14),
        Column(_("phone"), 18),
        Column(_("e-mail language"), 10),
        Column(_("booked sessions"), 40),
        Column(_("waiting-list sessions"), 40),
        Column(_("registered at (%(time_zone)s)") % zone, 17),
        Column(_("checked in: first entrance (%(time_zone)s)") % zone, 17),
        Column(_("news from WeGO (latest consent)"), 12),
    ]


SHEET_TITLE = gettext_lazy("Attendees")


def export_queryset(registrations: QuerySet[Registration]) -> QuerySet[Registration]:
    """What the rows read, joined and prefetched: two queries in all. Keeps the
    given order (e.g. the changelist's)."""
    first_entrance = (
        CheckIn.objects.filter(
            registration=OuterRef("pk"), undone_at__isnull=True, checkpoint__kind=CheckpointKind.ENTRANCE
        )
        .order_by("checked_in_at")
        .values("checked_in_at")[:1]
    )
    bookings = Booking.objects.active().select_related("session").order_by("session__starts_at", "session__pk")
    return (
        registrations.select_related("event")
        .defer(*NOT_EXPORTED)
        .annotate(first_entrance_at=Subquery(first_entrance), news_granted=latest_news_choice())
        .prefetch_related(Prefetch("bookings", queryset=bookings, to_attr="export_bookings"))
    )


def time_zone_of(registrations: list[Registration]) -> str:
    """The events' time zone, or the site's when the rows span several."""
    zones = {registration.event.time_zone for registration in registrations}
    return zones.pop() if len(zones) == 1 else settings.TIME_ZONE


def rows(registrations: Iterable[Registration], time_zone: str) -> Iterator[list]:
    """The values of each row, in COLUMNS order: text, or an aware datetime.
    The registrations come from export_queryset(), whose annotations it reads."""
    zone = zoneinfo.ZoneInfo(time_zone)
    for registration in registrations:
        bookings = registration.export_bookings
        booked = [b.session.title for b in bookings if b.status == BookingStatus.CONFIRMED]
        waiting = [b.session.title for b in bookings if b.status == BookingStatus.WAITLISTED]
        yield [
            registration.code,
            registration.name,
            registration.email,
            registration.organisation,
            registration.job_title,
            registration.get_category_display(),
            registration.get_status_display(),
            str(registration.country.name) if registration.country else "",
            registration.city,
            Phone(registration.phone.as_international) if registration.phone else "",
            registration.get_language_display(),
            "; ".join(booked),
            "; ".join(waiting),
            timezone.localtime(registration.created_at, zone),
            _local(registration.first_entrance_at, zone),
            _("yes") if registration.news_granted else _("no"),
        ]


def _local(moment: datetime | None, zone) -> datetime | None:
    return timezone.localtime(moment, zone) if moment else None


# CSV ---------------------------------------------------------------------------------------


class Phone(str):
    """A phone number's cell: see the module's docstring."""


def defuse(text: str) -> str:
    """A CSV cell that a spreadsheet will not run as a formula (as defusedcsv);
    a plain phone number ("+82 10-1234-5678") is left as it is."""
    if isinstance(text, Phone) and PLAIN_PHONE.fullmatch(text):
        return str(text)
    return "'" + text if text.startswith(FORMULA_TRIGGERS) else text


def csv_cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.strftime(TIME_FORMAT)
    return defuse(value if isinstance(value, str) else str(value))


def render_csv(registrations: list[Registration]) -> bytes:
    """UTF-8 with a byte-order mark, comma-separated, every text defused."""
    time_zone = time_zone_of(registrations)
    return table_csv(columns(time_zone), rows(registrations, time_zone))


def table_csv(header: list[Column], values: Iterable[list]) -> bytes:
    """Any table as CSV: UTF-8 with a byte-order mark, every text defused."""
    out = io.StringIO()
    out.write(BOM)
    writer = csv.writer(out)
    writer.writerow([defuse(column.header) for column in header])
    for row in values:
        writer.writerow([csv_cell(value) for value in row])
    return out.getvalue().encode("utf-8")


# Excel ---------------------------------------------------------------------------------------


def xlsx_cell(sheet, value) -> WriteOnlyCell:
    if isinstance(value, datetime):
        # Excel has no time zones: the local time, as a date-time it sorts and filters.
        cell = WriteOnlyCell(sheet, value=value.replace(tzinfo=None))
        cell.number_format = "yyyy-mm-dd hh:mm"
        return cell
    cell = WriteOnlyCell(sheet, value=ILLEGAL_CHARACTERS_RE.sub("", str(value)) if value is not None else None)
    if value is not None:
        cell.data_type = "s"  # text, never a formula (openpyxl makes "=..." one)
    return cell


def render_xlsx(registrations: list[Registration]) -> bytes:
    """One sheet: a bold, frozen header row with a filter, then a row per registration."""
    time_zone = time_zone_of(registrations)
    return table_xlsx(str(SHEET_TITLE), columns(time_zone), rows(registrations, time_zone))


def table_xlsx(title: str, header: list[Column], values: Iterable[list]) -> bytes:
    """Any table as one sheet: a bold, frozen header row with a filter, then the rows."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=title)
    sheet.freeze_panes = "A2"
    for index, column in enumerate(header):
        sheet.column_dimensions[_column_letter(index)].width = column.width
    bold = Font(bold=True)
    header_cells = []
    for column in header:
        cell = xlsx_cell(sheet, column.header)
        cell.font = bold
        header_cells.append(cell)
    sheet.append(header_cells)
    count = 0
    for row in values:
        sheet.append([xlsx_cell(sheet, value) for value in row])
        count += 1
    sheet.auto_filter.ref = f"A1:{_column_letter(len(header) - 1)}{count + 1}"
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _column_letter(index: int) -> str:
    return get_column_letter(index + 1)


# The download ----------------------------------------------------------------------------------


def attendee_file(
    registrations: QuerySet[Registration], *, file_format: str, name: str, user, now: datetime
) -> HttpResponse:
    """The export as a download named `<name>-<YYYYmmdd-HHMM>.<ext>` (site time),
    kept out of shared caches. Logs who exported how many rows: the list holds
    personal data."""
    registrations = list(export_queryset(registrations))
    data = render_csv(registrations) if file_format == "csv" else render_xlsx(registrations)
    logger.info("%s exported %d registrations as %s", user.get_username(), len(registrations), file_format)
    return download(data, file_format=file_format, name=name, now=now)


def download(data: bytes, *, file_format: str, name: str, now: datetime) -> HttpResponse:
    """`data` as a download named `<name>-<YYYYmmdd-HHMM>.<ext>` (site time), kept
    out of shared caches."""
    content_type, extension = FORMATS[file_format]
    stamp = timezone.localtime(now).strftime("%Y%m%d-%H%M")
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, f"{name}-{stamp}.{extension}")
    response["Cache-Control"] = "private, no-store"
    return response
