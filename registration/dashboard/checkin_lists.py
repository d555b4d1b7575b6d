"""Check-in lists for organisers: who was admitted where and when, for one day
of the current event, optionally one checkpoint (an entrance, a room's door)
or one session, as CSV or Excel like the attendee export (exports.py: same
byte-order mark, same formula guard, text cells in the .xlsx).

    selection = CheckinSelection.from_query(event, request.GET)   # 1-2 queries, or None
    checkins = list(checkin_queryset(selection))                   # 1 query
    data = exports.table_csv(columns(event.time_zone), rows(checkins, event))

One row per check-in, undone ones included (marked, with when and by whom):
the list is the desk's record. Columns: time, name, organisation, category,
checkpoint, session, by whom, undone. No e-mail, phone, ticket secret or needs
are read from the database.
"""

from dataclasses import dataclass
from datetime import date

from django.db.models import QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from events.models import Event, Session
from registration.dashboard.exports import NOT_EXPORTED, Column
from registration.models import CheckIn, Checkpoint

SHEET_TITLE = gettext_lazy("Check-ins")
# Never read for a check-in list: secrets, contact details and needs.
NOT_READ = tuple(f"registration__{name}" for name in (*NOT_EXPORTED, "email", "phone"))


@dataclass(frozen=True)
class CheckinSelection:
    event: Event
    day: date | None = None
    checkpoint: Checkpoint | None = None
    session: Session | None = None

    @classmethod
    def from_query(cls, event: Event, query) -> "CheckinSelection | None":
        """Read ?day=YYYY-MM-DD&checkpoint=<code>&session=<address name>; None
        for a value that names nothing of this event (the view answers 404).
        One query per checkpoint or session named."""
        day = checkpoint = session = None
        if query.get("day"):
            try:
                day = date.fromisoformat(query["day"])
            except ValueError:
                return None
        if query.get("checkpoint"):
            checkpoint = Checkpoint.objects.filter(event=event, slug=query["checkpoint"]).first()
            if checkpoint is None:
                return None
        if query.get("session"):
            session = Session.objects.filter(event=event, slug=query["session"]).first()
            if session is None:
                return None
        return cls(event=event, day=day, checkpoint=checkpoint, session=session)

    @property
    def file_name(self) -> str:
        parts = [self.event.slug, "checkins"]
        if self.day:
            parts.append(self.day.isoformat())
        if self.checkpoint:
            parts.append(self.checkpoint.slug)
        if self.session:
            parts.append(self.session.slug)
        return "-".join(parts)


def checkin_queryset(selection: CheckinSelection) -> QuerySet[CheckIn]:
    """The selected check-ins in the order they were made, joined: one query."""
    checkins = CheckIn.objects.filter(checkpoint__event=selection.event)
    if selection.day:
        checkins = checkins.filter(day=selection.day)
    if selection.checkpoint:
        checkins = checkins.filter(checkpoint=selection.checkpoint)
    if selection.session:
        checkins = checkins.filter(session=selection.session)
    return (
        checkins.select_related("registration", "checkpoint", "session", "checked_in_by", "undone_by")
        .defer(*NOT_READ)
        .order_by("checked_in_at", "pk")
    )


def columns(time_zone: str) -> list[Column]:
    zone = {"time_zone": time_zone}
    return [
        Column(_("checked in at (%(time_zone)s)") % zone, 17),
        Column(_("registration code"), 12),
        Column(_("full name"), 24),
        Column(_("organisation"), 30),
        Column(_("category"), 16),
        Column(_("checkpoint"), 20),
        Column(_("session"), 30),
        Column(_("checked in by"), 14),
        Column(_("undone"), 8),
        Column(_("undone at (%(time_zone)s)") % zone, 17),
        Column(_("undone by"), 14),
    ]


def rows(checkins, event: Event):
    """The values of each row, in columns() order: text, or a datetime in the event's zone."""
    for checkin in checkins:
        registration = checkin.registration
        yield [
            event.local(checkin.checked_in_at),
            registration.code,
            registration.name,
            registration.organisation,
            registration.get_category_display(),
            checkin.checkpoint.name,
            checkin.session.title if checkin.session else "",
            checkin.checked_in_by.get_username() if checkin.checked_in_by else "",
            _("yes") if checkin.undone_at else _("no"),
            event.local(checkin.undone_at) if checkin.undone_at else None,
            checkin.undone_by.get_username() if checkin.undone_by else "",
        ]
