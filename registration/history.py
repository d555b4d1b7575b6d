"""Reading the audit trail: a registration's changes, with its bookings,
consents and check-ins, as "who, when, field: before -> after".

`changes_of(registration)` reads the four history tables, the sessions,
checkpoints and staff accounts they name, in a fixed number of queries (7)
whatever the number of changes, and compares each historical row with the one
before it of the same object. The admin's change page and the personal-data
export show it (registration.personal_data).
"""

from dataclasses import dataclass, field
from datetime import date, datetime

from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from events.models import Session
from registration.audit import ERASED, VIA_LABELS, ActorKind
from registration.models import Booking, CheckIn, Checkpoint, Consent, Registration

ACTIONS = {"+": _("created"), "~": _("changed"), "-": _("deleted")}
ACTIONS_BY_NAME = {
    "created": ACTIONS["+"],
    "changed": ACTIONS["~"],
    "deleted": ACTIONS["-"],
    "erased": _("erased on request"),
}
# The row's own links: the same for every line of one registration's trail.
NOT_SHOWN = ("registration_id", "event_id")
# Fields shown as the staff account they name.
USER_FIELDS = ("checked_in_by_id", "undone_by_id", "checked_out_by_id")


@dataclass
class FieldChange:
    name: str  # the field's name, as stored (the export's key)
    label: str  # its verbose name, in the reader's language
    before: str
    after: str


@dataclass
class Change:
    when: datetime
    actor: str  # ActorKind value
    actor_label: str
    user: str  # the staff account, "" for the attendee and the system
    via: str
    via_label: str
    subject: str  # "registration", "booking", "consent", "check-in"
    subject_label: str
    action: str  # "+", "~", "-"
    erased: bool
    fields: list[FieldChange] = field(default_factory=list)

    @property
    def action_label(self) -> str:
        return ACTIONS_BY_NAME["erased"] if self.erased else ACTIONS.get(self.action, self.action)


def changes_of(registration: Registration) -> list[Change]:
    """Every recorded change of the registration and its rows, oldest first."""
    tz = registration.event.tz
    trails = [
        ("registration", Registration.history.filter(id=registration.pk)),
        ("booking", Booking.history.filter(registration_id=registration.pk)),
        ("consent", Consent.history.filter(registration_id=registration.pk)),
        ("check-in", CheckIn.history.filter(registration_id=registration.pk)),
    ]
    rows = []
    for subject, queryset in trails:
        ordered = queryset.select_related("history_user").order_by("history_date", "history_id")
        rows += [(subject, row) for row in ordered]
    names = _names(rows)
    changes, previous = [], {}
    for subject, row in sorted(rows, key=lambda item: (item[1].history_date, item[1].history_id)):
        before = previous.get((subject, row.id))
        previous[(subject, row.id)] = row
        changes.append(_change(subject, row, before, names, tz))
    return changes


def _names(rows: list) -> dict:
    """Sessions, checkpoints and staff accounts the rows name: three queries."""
    sessions = {getattr(row, "session_id", None) for _subject, row in rows} - {None}
    checkpoints = {getattr(row, "checkpoint_id", None) for _subject, row in rows} - {None}
    users = {getattr(row, name, None) for _subject, row in rows for name in USER_FIELDS} - {None}
    return {
        "session_id": dict(Session.objects.filter(pk__in=sessions).values_list("pk", "title")),
        "checkpoint_id": dict(Checkpoint.objects.filter(pk__in=checkpoints).values_list("pk", "name")),
        "user": dict(get_user_model().objects.filter(pk__in=users).values_list("pk", "username")),
    }


SUBJECT_LABELS = {
    "registration": _("registration"),
    "booking": _("booking"),
    "consent": _("consent"),
    "check-in": _("check-in"),
}


def _change(subject: str, row, before, names: dict, tz) -> Change:
    user = row.history_user.get_username() if row.history_user_id and row.history_user else ""
    label = str(SUBJECT_LABELS[subject])
    if subject == "booking":
        label = f"{label}: {names['session_id'].get(row.session_id, row.session_id)}"
    elif subject == "consent":
        label = f"{label}: {row.get_kind_display()}"
    elif subject == "check-in":
        label = f"{label}: {names['checkpoint_id'].get(row.checkpoint_id, row.checkpoint_id)}"
    change = Change(
        when=row.history_date,
        actor=row.history_actor,
        actor_label=str(ActorKind(row.history_actor).label) if row.history_actor in ActorKind.values else "",
        user=user,
        via=row.history_via,
        via_label=str(VIA_LABELS.get(row.history_via, row.history_via)),
        subject=subject,
        subject_label=label,
        action=row.history_type,
        erased=row.history_change_reason == ERASED,
    )
    for model_field in row.__class__.tracked_fields:
        if model_field.primary_key or model_field.attname in NOT_SHOWN:
            continue
        after = _shown(row, model_field, names, tz)
        old = _shown(before, model_field, names, tz) if before is not None else ""
        if (before is None and after in ("", "–")) or (before is not None and old == after):
            continue
        change.fields.append(FieldChange(model_field.name, str(model_field.verbose_name), old, after))
    return change


def _shown(row, model_field, names: dict, tz) -> str:
    """A stored value as a person reads it."""
    value = getattr(row, model_field.attname)
    if value is None or value == "":
        return "–"
    if model_field.attname in USER_FIELDS:
        return names["user"].get(value, str(value))
    if model_field.attname in names:
        return str(names[model_field.attname].get(value, value))
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return str(_("yes") if value else _("no"))
    if isinstance(value, datetime):
        return timezone.localtime(value, tz).strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    return str(value)
