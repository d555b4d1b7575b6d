"""Everything stored about one person (PIPA art. 35, GDPR art. 15): the
registration's fields, its bookings, consents (which text, in which language),
check-ins, the mails sent to them (kind, date, status: their text is not
stored, it is written when sent) and the audit trail of all of these.

`export(registration)` returns it as plain JSON-ready data, in a fixed number of
queries (5, and the history's 7); the organisers' admin and the person's own
private page offer it as a JSON download and as a page. For the person, the
staff who changed something are named by their role only (`staff_names`).
"""

from datetime import date, datetime

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from registration import history
from registration.audit import VIA_LABELS, ActorKind
from registration.models import Booking, Consent, OutgoingMail, Registration

EXPORT_VERSION = 1
# The staff accounts a check-in names: left out of the person's own copy.
STAFF_FIELDS = ("checked_in_by", "undone_by", "checked_out_by")

REGISTRATION_FIELDS = (
    "code",
    "name",
    "email",
    "organisation",
    "job_title",
    "country",
    "city",
    "phone",
    "language",
    "needs",
    "category",
    "delegation",
    "status",
    "is_walk_in",
    "needs_attention",
    "attention_note",
    "created_at",
    "updated_at",
    "cancelled_at",
    "details_destroyed_at",
    "anonymised_at",
)


def export(registration: Registration, *, staff_names: bool = False) -> dict:
    """The person's data as JSON-ready values (times in ISO 8601 with their offset)."""
    registration = Registration.objects.select_related("event", "delegation").get(pk=registration.pk)
    tz = registration.event.tz
    return {
        "export_version": EXPORT_VERSION,
        "exported_at": _value(timezone.now(), tz),
        "event": registration.event.name,
        "registration": {name: _field(registration, name, tz) for name in REGISTRATION_FIELDS},
        "bookings": [
            {
                "session": booking.session.title,
                "starts_at": _value(booking.session.starts_at, tz),
                "status": booking.status,
                "booked_at": _value(booking.created_at, tz),
                "waitlisted_at": _value(booking.waitlisted_at, tz),
            }
            for booking in registration.bookings.select_related("session").order_by("session__starts_at", "pk")
        ],
        "consents": [
            {
                "kind": consent.kind,
                "granted": consent.granted,
                "text_version": consent.text_version,
                "language": consent.language,
                "given_at": _value(consent.given_at, tz),
                "via": consent.via,
            }
            for consent in registration.consents.order_by("given_at", "pk")
        ],
        "checkins": [
            {
                "checkpoint": checkin.checkpoint.name,
                "day": _value(checkin.day, tz),
                "session": checkin.session.title if checkin.session else None,
                "checked_in_at": _value(checkin.checked_in_at, tz),
                "undone_at": _value(checkin.undone_at, tz),
                "checked_out_at": _value(checkin.checked_out_at, tz),
            }
            for checkin in registration.checkins.select_related("checkpoint", "session").order_by("checked_in_at")
        ],
        "mails": [
            {
                "kind": mail.kind,
                "to": mail.to_email,
                "queued_at": _value(mail.created_at, tz),
                "status": mail.status,
                "sent_at": _value(mail.sent_at, tz),
            }
            for mail in registration.mails.order_by("created_at", "pk")
        ],
        "history": [_change(change, tz, staff_names=staff_names) for change in history.changes_of(registration)],
    }


def _change(change: history.Change, tz, *, staff_names: bool) -> dict:
    return {
        "at": _value(change.when, tz),
        "by": change.actor,
        "user": change.user if staff_names else None,
        "via": change.via,
        "object": change.subject,
        "label": change.subject_label,
        "action": "erased" if change.erased else {"+": "created", "~": "changed", "-": "deleted"}[change.action],
        "changes": [
            {"field": f.name, "label": f.label, "before": f.before, "after": f.after}
            for f in change.fields
            if staff_names or f.name not in STAFF_FIELDS
        ],
    }


def _field(registration: Registration, name: str, tz):
    value = getattr(registration, name)
    if name == "delegation":
        return value.name if value is not None else None
    return _value(value, tz)


def _value(value, tz):
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, datetime):
        return timezone.localtime(value, tz).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return str(value)  # a country, a phone number


def readable(data: dict) -> dict:
    """The export as the readable page shows it: labels in the reader's
    language instead of the stored values of statuses, kinds and actors."""
    return {
        "registration": [
            (Registration._meta.get_field(name).verbose_name, _label(Registration, name, value))
            for name, value in data["registration"].items()
        ],
        "bookings": [{**_times(row), "status": _label(Booking, "status", row["status"])} for row in data["bookings"]],
        "consents": [{**_times(row), "kind": _label(Consent, "kind", row["kind"])} for row in data["consents"]],
        "checkins": [_times(row) for row in data["checkins"]],
        "mails": [
            {
                **_times(row),
                "kind": _label(OutgoingMail, "kind", row["kind"]),
                "status": _label(OutgoingMail, "status", row["status"]),
            }
            for row in data["mails"]
        ],
        "history": [
            {
                **_times(row),
                "by": str(ActorKind(row["by"]).label) if row["by"] in ActorKind.values else row["by"],
                "via": str(VIA_LABELS.get(row["via"], row["via"])),
                "action": str(history.ACTIONS_BY_NAME.get(row["action"], row["action"])),
            }
            for row in data["history"]
        ],
    }


def _label(model, name: str, value):
    """A stored choice as its label; yes/no for a boolean; a time without
    seconds (already in the event's time zone); "–" for nothing."""
    if value is None or value == "":
        return "–"
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if name.endswith("_at"):
        return _short_time(value)
    choices = dict(model._meta.get_field(name).flatchoices)
    return choices.get(value, value)


def _short_time(value):
    if not isinstance(value, str):
        return value
    try:
        return datetime.fromisoformat(value).strftime("%Y-%m-%d %H:%M")
    except ValueError:
        return value


def _times(row: dict) -> dict:
    return {key: _short_time(value) if key.endswith("_at") or key == "at" else value for key, value in row.items()}
