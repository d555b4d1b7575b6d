"""The organisers' dashboard: figures for one event, in a fixed number of
queries whatever the number of registrations, sessions or check-ins.

    dashboard = event_dashboard(event, now=timezone.now())   # 8 queries

Nothing is cached: the figures are as of the page load. Every count comes from
an aggregate in the database; Python only arranges the rows.
"""

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.db.models import Count, IntegerField, Min, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce

from events.models import Event, Session
from registration.dashboard.charts import DailyRegistrations, HourlyCheckins, checkins_per_hour, registrations_per_day
from registration.desk.queries import checkpoints_of
from registration.models import (
    Booking,
    BookingStatus,
    Category,
    CheckIn,
    Checkpoint,
    CheckpointKind,
    MailStatus,
    OutgoingMail,
    Registration,
    Status,
)

# A queued mail older than this means the outbox worker is not running (it retries
# within minutes) or the mail server refuses: the dashboard says so.
MAIL_STUCK_AFTER = timedelta(minutes=15)


# Registrations ---------------------------------------------------------------------------


@dataclass
class CategoryRow:
    category: str
    label: str
    counts: list[int]  # in STATUS order
    total: int


@dataclass
class RegistrationFigures:
    statuses: list[tuple[str, str]]  # (value, label), the columns
    by_status: list[int]  # in `statuses` order
    by_category: list[CategoryRow]
    total: int
    walk_ins: int

    @property
    def status_rows(self) -> list[tuple[str, str, int]]:
        return [(value, label, count) for (value, label), count in zip(self.statuses, self.by_status, strict=True)]

    @property
    def pending(self) -> int:
        return self.by_status[[value for value, _label in self.statuses].index(Status.PENDING)]

    @property
    def holding_a_place(self) -> int:
        return sum(
            count
            for (value, _label), count in zip(self.statuses, self.by_status, strict=True)
            if value in (Status.CONFIRMED, Status.PENDING)
        )


def registration_figures(event: Event) -> RegistrationFigures:
    """Registrations by category and status, and walk-ins (one query)."""
    grouped = (
        Registration.objects.filter(event=event)
        .order_by()
        .values_list("category", "status")
        .annotate(count=Count("pk"), walk_ins=Count("pk", filter=Q(is_walk_in=True)))
    )
    counts: dict[tuple[str, str], int] = {}
    walk_ins = 0
    for category, status, count, walk_in_count in grouped:
        counts[category, status] = count
        walk_ins += walk_in_count
    statuses = list(Status.choices)
    rows = []
    for category, label in Category.choices:
        row = [counts.get((category, status), 0) for status, _label in statuses]
        rows.append(CategoryRow(category=category, label=str(label), counts=row, total=sum(row)))
    by_status = [sum(row.counts[i] for row in rows) for i in range(len(statuses))]
    return RegistrationFigures(
        statuses=[(value, str(label)) for value, label in statuses],
        by_status=by_status,
        by_category=rows,
        total=sum(by_status),
        walk_ins=walk_ins,
    )


# Sessions --------------------------------------------------------------------------------


def sessions_with_booked_seats(event: Event) -> list[Session]:
    """The event's sessions whose seats are booked, in time order, each annotated
    `waiting` (bookings on the waiting list) and `inside` (different people with
    a valid check-in at the room's door for that session). One query: the
    counts are subqueries, so neither multiplies the other's rows."""
    waiting = (
        Booking.objects.filter(session=OuterRef("pk"), status=BookingStatus.WAITLISTED)
        .order_by()
        .values("session")
        .annotate(n=Count("pk"))
        .values("n")
    )
    inside = (
        CheckIn.objects.filter(session=OuterRef("pk"), undone_at__isnull=True)
        .order_by()
        .values("session")
        .annotate(n=Count("registration", distinct=True))
        .values("n")
    )
    zero = Value(0, output_field=IntegerField())
    return list(
        Session.objects.filter(event=event, booking_required=True)
        .select_related("room")
        .annotate(
            waiting=Coalesce(Subquery(waiting, output_field=IntegerField()), zero),
            inside=Coalesce(Subquery(inside, output_field=IntegerField()), zero),
        )
    )


# Check-ins -------------------------------------------------------------------------------


@dataclass
class CheckpointDay:
    checkpoint: Checkpoint
    people: int  # different people with a valid check-in there that day
    undone: int  # check-ins undone there that day


@dataclass
class CheckinDay:
    day: date
    entered: int  # different people admitted at any entrance that day
    rows: list[CheckpointDay] = field(default_factory=list)


def checkin_days(event: Event) -> list[CheckinDay]:
    """Check-ins per day and checkpoint (three queries): every day of the event
    with its entrances (even before anyone came), and each room door on the days
    it admitted or undid anyone; plus any other day with check-ins."""
    checkpoints = checkpoints_of(event)
    per_checkpoint = (
        CheckIn.objects.filter(checkpoint__event=event)
        .order_by()
        .values_list("day", "checkpoint_id")
        .annotate(
            people=Count("registration", distinct=True, filter=Q(undone_at__isnull=True)),
            undone=Count("pk", filter=Q(undone_at__isnull=False)),
        )
    )
    counts = {(day, checkpoint_id): (people, undone) for day, checkpoint_id, people, undone in per_checkpoint}
    entered = dict(
        CheckIn.objects.filter(
            checkpoint__event=event, checkpoint__kind=CheckpointKind.ENTRANCE, undone_at__isnull=True
        )
        .order_by()
        .values_list("day")
        .annotate(people=Count("registration", distinct=True))
    )
    days = sorted(set(event.days()) | {day for day, _checkpoint in counts})
    result = []
    for day in days:
        rows = []
        for checkpoint in checkpoints:
            people, undone = counts.get((day, checkpoint.pk), (0, 0))
            is_its_day = checkpoint.kind == CheckpointKind.ENTRANCE and checkpoint.day == day
            if is_its_day or people or undone:
                rows.append(CheckpointDay(checkpoint=checkpoint, people=people, undone=undone))
        result.append(CheckinDay(day=day, entered=entered.get(day, 0), rows=rows))
    return result


# Outbox ------------------------------------------------------------------------------------


@dataclass
class OutboxHealth:
    queued: int
    failed: int
    sent: int
    stuck: int  # queued for longer than MAIL_STUCK_AFTER
    oldest_queued_at: datetime | None
    unknown: int = 0  # abandoned while being sent: an organiser checks

    stuck_minutes: int = int(MAIL_STUCK_AFTER.total_seconds() // 60)

    @property
    def healthy(self) -> bool:
        return not self.failed and not self.stuck and not self.unknown


def outbox_health(now: datetime) -> OutboxHealth:
    """The whole outbox (every event's mail goes through it), one query."""
    queued = Q(status=MailStatus.QUEUED)
    figures = OutgoingMail.objects.aggregate(
        queued=Count("pk", filter=queued),
        failed=Count("pk", filter=Q(status=MailStatus.FAILED)),
        sent=Count("pk", filter=Q(status=MailStatus.SENT)),
        unknown=Count("pk", filter=Q(status=MailStatus.UNKNOWN)),
        # Waiting for long, or claimed by a sender that never said how it went
        # (it becomes "unknown" only when the worker runs, which may be what is wrong).
        stuck=Count(
            "pk",
            filter=(queued & Q(created_at__lt=now - MAIL_STUCK_AFTER))
            | Q(status=MailStatus.SENDING, claimed_at__lt=now - MAIL_STUCK_AFTER),
        ),
        oldest_queued_at=Min("created_at", filter=queued),
    )
    return OutboxHealth(**figures)


# Everything ----------------------------------------------------------------------------------


@dataclass
class Dashboard:
    event: Event
    now: datetime
    registrations: RegistrationFigures
    sessions: list[Session]
    checkins: list[CheckinDay]
    outbox: OutboxHealth
    registrations_per_day: DailyRegistrations
    checkins_per_hour: list[HourlyCheckins]


def event_dashboard(event: Event, *, now: datetime) -> Dashboard:
    """Everything the dashboard shows for `event`: eight queries."""
    return Dashboard(
        event=event,
        now=now,
        registrations=registration_figures(event),
        sessions=sessions_with_booked_seats(event),
        checkins=checkin_days(event),
        outbox=outbox_health(now),
        registrations_per_day=registrations_per_day(event),
        checkins_per_hour=checkins_per_hour(event),
    )
