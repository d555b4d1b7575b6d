"""The dashboard's two charts, as numbers and as the geometry of a bar chart
that the template draws as an inline SVG (no script, no other host):

    registrations_per_day(event)   # 1 query: registrations made each day
    checkins_per_hour(event)       # 1 query: admissions each hour, per day of the event

Days and hours are those of the event's time zone (the database buckets the
times in that zone), whatever the server's or the organiser's. Days without
any registration, and the hours of an event day before anyone came, are
counted as 0 so that the bars keep their places.

BarChart is only geometry: bars, axis labels and grid lines in the units of the
SVG's viewBox (VIEW_WIDTH x VIEW_HEIGHT); the template also prints every number
in a table, so the figures never depend on seeing the bars.
"""

import math
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db.models import Count
from django.db.models.functions import TruncDate, TruncHour
from django.utils import formats

from events.models import Event
from registration.models import CheckIn, Registration

VIEW_WIDTH = 360  # about the width of a phone: the labels keep their size there
VIEW_HEIGHT = 200
LEFT = 34  # room for the values of the grid lines
RIGHT = 6
TOP = 16  # room for the value above the highest bar
BOTTOM = 24  # room for the labels under the bars
MAX_LABELS = 7  # labels under the bars, at most: readable on a phone
MAX_VALUES = 16  # bars with their value written above them, at most
# A registration period longer than this shows its last days only (the table too).
MAX_DAYS = 120
# Hours of an event day always shown, even without a check-in.
DAY_HOURS = range(8, 19)


@dataclass(frozen=True)
class Bar:
    label: str  # in the table and the chart's description
    short_label: str  # under the bar (some of them)
    value: int
    x: float
    y: float
    width: float
    height: float
    show_label: bool
    show_value: bool

    @property
    def centre(self) -> float:
        return self.x + self.width / 2


@dataclass(frozen=True)
class GridLine:
    value: int
    y: float


@dataclass
class BarChart:
    bars: list[Bar]
    grid: list[GridLine]
    total: int
    width: int = VIEW_WIDTH
    height: int = VIEW_HEIGHT
    left: int = LEFT
    right_edge: int = VIEW_WIDTH - RIGHT
    baseline: float = VIEW_HEIGHT - BOTTOM
    label_y: float = VIEW_HEIGHT - BOTTOM + 15

    @property
    def first_label(self) -> str:
        return self.bars[0].label if self.bars else ""

    @property
    def last_label(self) -> str:
        return self.bars[-1].label if self.bars else ""

    @property
    def highest(self) -> Bar | None:
        return max(self.bars, key=lambda bar: bar.value) if self.total else None


def bar_chart(points: list[tuple[str, int]], short_labels: list[str] | None = None) -> BarChart:
    """The geometry of a chart of `points` ((label, value), in order); the
    labels under the bars are `short_labels` when given (e.g. "9/6" for a date)."""
    short_labels = short_labels or [label for label, _value in points]
    top = _nice_top(max((value for _label, value in points), default=0))
    plot_width = VIEW_WIDTH - LEFT - RIGHT
    plot_height = VIEW_HEIGHT - TOP - BOTTOM
    baseline = VIEW_HEIGHT - BOTTOM
    slot = plot_width / max(len(points), 1)
    gap = min(slot * 0.2, 4)
    every = max(1, math.ceil(len(points) / MAX_LABELS))
    bars = []
    for index, (label, value) in enumerate(points):
        height = plot_height * value / top
        bars.append(
            Bar(
                label=label,
                short_label=short_labels[index],
                value=value,
                x=round(LEFT + index * slot + gap / 2, 2),
                y=round(baseline - height, 2),
                width=round(slot - gap, 2),
                height=round(height, 2),
                show_label=index % every == 0,
                show_value=bool(value) and len(points) <= MAX_VALUES,
            )
        )
    grid = [GridLine(value=value, y=round(baseline - plot_height * value / top, 2)) for value in (0, top // 2, top)]
    return BarChart(bars=bars, grid=grid, total=sum(value for _label, value in points))


def _nice_top(highest: int) -> int:
    """The top of the scale: an even number at least `highest` (and at least 2),
    rounded up to 1, 2, 4, 5, 6 or 8 times a power of ten, with a whole half."""
    if highest <= 2:
        return 2
    power = 10 ** int(math.log10(highest))
    for step in (1, 2, 4, 5, 6, 8, 10):
        top = step * power
        if top >= highest and top % 2 == 0:
            return top
    return 10 * power  # pragma: no cover - the loop always returns


# Registrations per day ---------------------------------------------------------------------


@dataclass
class DailyRegistrations:
    days: list[tuple[date, int]]  # every day from the first registration to the last
    chart: BarChart


def registrations_per_day(event: Event) -> DailyRegistrations:
    """Registrations (of any status, walk-ins included) made each day, in the
    event's time zone; days without any in between count 0. One query."""
    counts = dict(
        Registration.objects.filter(event=event)
        .annotate(local_day=TruncDate("created_at", tzinfo=event.tz))
        .order_by()
        .values_list("local_day")
        .annotate(n=Count("pk"))
    )
    days = []
    if counts:
        first, last = min(counts), max(counts)
        first = max(first, last - timedelta(days=MAX_DAYS - 1))
        days = [(first + timedelta(days=i), 0) for i in range((last - first).days + 1)]
        days = [(day, counts.get(day, 0)) for day, _zero in days]
    points = [(formats.date_format(day, "SHORT_DATE_FORMAT"), count) for day, count in days]
    return DailyRegistrations(days=days, chart=bar_chart(points, [f"{day.month}/{day.day}" for day, _count in days]))


# Check-ins per hour --------------------------------------------------------------------------


@dataclass
class HourlyCheckins:
    day: date
    hours: list[tuple[int, int]] = field(default_factory=list)  # (hour of the day, admissions)
    chart: BarChart | None = None

    @property
    def total(self) -> int:
        return sum(count for _hour, count in self.hours)


def checkins_per_hour(event: Event) -> list[HourlyCheckins]:
    """Admissions (check-ins not undone, at every checkpoint) per hour, for
    every day of the event and any other day with check-ins; hours in the
    event's time zone, from 08:00 to 18:00 at least, wider when people came
    earlier or later. One query."""
    counts = (
        CheckIn.objects.filter(checkpoint__event=event, undone_at__isnull=True)
        .annotate(hour=TruncHour("checked_in_at", tzinfo=event.tz))
        .order_by()
        .values_list("hour")
        .annotate(n=Count("pk"))
    )
    per_day: dict[date, dict[int, int]] = {day: {} for day in event.days()}
    for moment, count in counts:
        local = event.local(moment)
        hours = per_day.setdefault(local.date(), {})
        hours[local.hour] = hours.get(local.hour, 0) + count
    result = []
    for day in sorted(per_day):
        hours = per_day[day]
        span = range(min([*DAY_HOURS, *hours]), max([*DAY_HOURS, *hours]) + 1)
        row = HourlyCheckins(day=day, hours=[(hour, hours.get(hour, 0)) for hour in span])
        row.chart = bar_chart([(f"{hour:02d}", count) for hour, count in row.hours])
        result.append(row)
    return result
