"""Importing a city's delegation list: upload (files.py reads it, the rows are
kept in an ImportBatch), a preview of every row as it will be stored with its
errors, and one confirm that registers everybody or nobody.

Every row is checked by the public registration form's own rules
(registration.forms.RegistrationForm: required fields, addresses mail can
reach, phone numbers, the sessions a category may book, no overlaps), plus: no
address twice in the file, none already registered for the event. The confirm
checks everything again, then registers each person through
services.register (organiser=the user: consents recorded "via organiser" with
that user, confirmed without approval, the confirmation mail queued in their
language) in ONE transaction: any error rolls everything back.

Lock order: the batch's row first (so two confirms of one batch import once:
the second waits, then finds it imported; nothing else locks batch rows), then
the services' order for the whole batch at once: every session the list books
(primary-key order), the cancelled registrations it will start over, and
then, person by person, services.register, which finds those rows locked
already and takes the event's row last. One transaction holds the event's
row from the first person on, so taking a session or registration row after
it would break the order: taking them all first keeps it. A race the order
cannot rule out (someone registering one of the file's addresses online at
that very moment) ends in PostgreSQL refusing one of the two: the import then
says so and imports nobody.
"""

import re
from dataclasses import dataclass, field
from datetime import datetime

from django.db import IntegrityError, OperationalError, transaction
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext as _
from django_countries import countries

from events.models import Event, ParticipatingCity, Session
from registration import audit, queries, services
from registration.delegations.files import Row
from registration.delegations.models import ImportBatch, ImportStatus
from registration.errors import RegistrationError
from registration.forms import RegistrationForm
from registration.models import Category, Registration, Status

LANGUAGES = {"ko": "ko", "kr": "ko", "korean": "ko", "한국어": "ko", "en": "en", "english": "en", "영어": "en"}


@dataclass
class CheckedRow:
    line: int
    values: dict[str, str]
    errors: list[tuple[str, str]] = field(default_factory=list)  # (column label, message)
    person: dict | None = None
    sessions: list = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def category_label(self) -> str:
        return str(dict(Category.choices).get(self.person["category"], "")) if self.person else ""

    @property
    def country_name(self) -> str:
        return str(countries.name(self.person["country"])) if self.person else ""

    @property
    def session_ids(self) -> list[int]:
        return [s.pk for s in self.sessions]


def start_import(*, event: Event, city: ParticipatingCity, file_name: str, rows: list[Row], user) -> ImportBatch:
    """Keep an uploaded list for its preview and confirm (nothing registered yet)."""
    if city.event_id != event.pk:
        raise RegistrationError(_("This city does not take part in this event."), code="wrong_event", field="city")
    return ImportBatch.objects.create(
        event=event,
        city=city,
        file_name=file_name[:255],
        rows=[{"line": row.line, "values": row.values} for row in rows],
        uploaded_by=user,
    )


def check_rows(batch: ImportBatch) -> list[CheckedRow]:
    """Every row of the batch with what will be stored and its errors, in a
    fixed number of queries (the bookable sessions, the addresses registered)."""
    event = batch.event
    offered = {s.pk: s for s in queries.bookable_sessions(event)}
    by_slug = {s.slug: s for s in offered.values()}
    checked = [_check_row(event, offered, by_slug, row["line"], row["values"]) for row in batch.rows]
    _mark_duplicates(event, checked)
    return checked


def _check_row(event, offered, by_slug, line: int, values: dict) -> CheckedRow:
    row = CheckedRow(line=line, values=values)
    slugs = [slug for slug in re.split(r"[\s,;]+", values.get("sessions", "")) if slug]
    unknown = [slug for slug in slugs if slug not in by_slug]
    data = {
        "name": values.get("name", ""),
        "email": values.get("email", ""),
        "organisation": values.get("organisation", ""),
        "job_title": values.get("job_title", ""),
        "country": _country_code(values.get("country", "")),
        "city": values.get("city", ""),
        "phone": values.get("phone", ""),
        "language": LANGUAGES.get(values.get("language", "").strip().casefold(), values.get("language", "")),
        "category": values.get("category", "").strip().casefold() or Category.DELEGATE,
        "needs": values.get("needs", ""),
        "sessions": [str(by_slug[slug].pk) for slug in slugs if slug in by_slug],
        # Given by the organiser on the delegation's behalf (recorded as such).
        "privacy_consent": "on",
        "sensitive_consent": "on" if values.get("needs", "").strip() else "",
    }
    form = RegistrationForm(data=data, event=event, offered=offered)
    form.is_valid()
    for name, messages in form.errors.items():
        label = str(form.fields[name].label) if name in form.fields and name != "__all__" else ""
        row.errors.extend((label, str(message)) for message in messages)
    if unknown:
        row.errors.append(
            (
                str(form.fields["sessions"].label),
                _("No bookable session has the short name %(slugs)s.") % {"slugs": ", ".join(unknown)},
            )
        )
    if not row.errors:
        row.person = form.person()
        row.sessions = list(form.cleaned_data.get("sessions") or [])
    return row


def _country_code(text: str) -> str:
    text = text.strip()
    if text.upper() in dict(countries):
        return text.upper()
    for language in ("en", "ko"):
        code = countries.by_name(text, language=language) if text else ""
        if code:
            return code
    return text


def _mark_duplicates(event: Event, rows: list[CheckedRow]) -> None:
    seen: dict[str, int] = {}
    for row in rows:
        key = row.values.get("email", "").strip().casefold()
        if not key:
            continue
        if key in seen:
            row.errors.append((_("E-mail address"), _("Also on line %(line)s of this file.") % {"line": seen[key]}))
        else:
            seen[key] = row.line
    if not seen:
        return
    # As the unique constraint compares (LOWER); a cancelled registration is started over by register.
    taken = set(
        Registration.objects.filter(event=event)
        .exclude(status=Status.CANCELLED)
        .annotate(email_key=Lower("email"))
        .filter(email_key__in=[row.values["email"].strip().lower() for row in rows if row.values.get("email")])
        .values_list("email_key", flat=True)
    )
    for row in rows:
        if row.values.get("email", "").strip().lower() in taken:
            row.errors.append((_("E-mail address"), _("Already registered for this event.")))
    for row in rows:
        if row.errors:
            row.person = None


def _lock_ahead(event: Event, rows: list[CheckedRow]) -> None:
    """Lock, in the services' order, the sessions the rows book and the
    cancelled registrations of their addresses (register starts those over)."""
    session_ids = sorted({pk for row in rows for pk in row.session_ids})
    if session_ids:
        list(Session.objects.select_for_update().filter(pk__in=session_ids).order_by("pk").values_list("pk"))
    addresses = [row.person["email"].lower() for row in rows]
    cancelled = Registration.objects.filter(event=event, status=Status.CANCELLED).annotate(email_key=Lower("email"))
    list(cancelled.filter(email_key__in=addresses).select_for_update().order_by("pk").values_list("pk"))


class ImportRefusedError(Exception):
    def __init__(self, message: str, code: str):
        super().__init__(message)
        self.message, self.code = message, code


def confirm_import(*, batch: ImportBatch, user, now: datetime | None = None) -> ImportBatch:
    """Register every person of the batch as a delegate of its city, or nobody.
    Refuses (ImportRefusedError) a batch imported already ("imported"), one with any
    row in error ("invalid"), and rolls back if any registration fails ("failed":
    e.g. an address registered meanwhile). Side effects: one confirmation mail
    per person, queued in their language in the same transaction."""
    now = now or timezone.now()
    try:
        return _confirm(batch, user, now)
    except IntegrityError as exc:  # a backstop: register answers a lost race itself ("failed" below)
        raise ImportRefusedError(
            _("An address in the list was registered meanwhile: nothing was imported. Check the list again."),
            code="failed",
        ) from exc
    except OperationalError as exc:  # a deadlock or lock timeout PostgreSQL broke: all rolled back
        raise ImportRefusedError(
            _("Registrations were busy at that moment: nothing was imported. Please confirm again."), code="busy"
        ) from exc


def _confirm(batch: ImportBatch, user, now: datetime) -> ImportBatch:
    with transaction.atomic(), audit.acting_as(audit.ActorKind.ORGANISER, user=user, via="import"):
        # Only the batch's row (not the event's, which comes last in the services' order).
        locked = ImportBatch.objects.select_for_update(of=("self",)).select_related("event", "city")
        batch = locked.get(pk=batch.pk)
        if batch.status == ImportStatus.IMPORTED:
            raise ImportRefusedError(_("This list has already been imported."), code="imported")
        rows = check_rows(batch)
        if not all(row.ok for row in rows):
            raise ImportRefusedError(_("Some lines have errors: nothing was imported."), code="invalid")
        _lock_ahead(batch.event, rows)
        for row in rows:
            try:
                outcome = services.register(
                    event=batch.event,
                    person=row.person,
                    session_ids=row.session_ids,
                    sensitive_consent=bool(row.person.get("needs")),
                    organiser=user,
                    delegation=batch.city,
                    now=now,
                )
            except RegistrationError as err:
                raise ImportRefusedError(
                    _("Line %(line)s: %(error)s Nothing was imported.") % {"line": row.line, "error": err.message},
                    code="failed",
                ) from err
            if not outcome.created:
                raise ImportRefusedError(
                    _("Line %(line)s: this address was registered meanwhile. Nothing was imported.")
                    % {"line": row.line},
                    code="failed",
                )
        # The registrations hold the details now: the file's copy goes (retention).
        batch.status, batch.rows = ImportStatus.IMPORTED, []
        batch.imported_by, batch.imported_at, batch.imported_count = user, now, len(rows)
        batch.save(update_fields=["status", "rows", "imported_by", "imported_at", "imported_count"])
    return batch
