"""The dashboard's charts: registrations per day and check-ins per hour,
bucketed in the event's time zone, empty days and hours kept, drawn as an
accessible SVG with the numbers in a table, in a fixed number of queries."""

import re
from datetime import UTC, date, datetime

import pytest
from django.utils import translation

from registration.dashboard import charts
from registration.models import CheckIn, Registration
from tests.factories import EventFactory
from tests.registration.desk_world import entrance
from tests.registration.test_dashboard import organiser_client, register, url  # noqa: F401 (fixture)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("no_mail_after_commit")]


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


@pytest.fixture
def madrid():
    """An edition in Madrid (UTC+2 in September), current."""
    return EventFactory(
        slug="wego-2012",
        time_zone="Europe/Madrid",
        start_date=date(2010, 9, 6),
        end_date=date(2010, 9, 7),
        registration_opens_at=None,
        registration_closes_at=None,
    )


def registered_at(event, moment: datetime, name: str = "Ana") -> Registration:
    registration = register(event, name=name)
    Registration.objects.filter(pk=registration.pk).update(created_at=moment)
    return registration


def checked_in_at(checkpoint, registration, moment: datetime, *, undone: bool = False) -> CheckIn:
    return CheckIn.objects.create(
        registration=registration,
        checkpoint=checkpoint,
        day=checkpoint.day,
        checked_in_at=moment,
        undone_at=moment if undone else None,
    )


# Registrations per day -------------------------------------------------------------------------


def test_registrations_are_counted_on_the_day_of_the_events_time_zone(madrid):
    registered_at(madrid, utc(2010, 8, 31, 22, 30), "Ana")  # still 31 August in UTC, 00:30 in Madrid
    registered_at(madrid, utc(2010, 9, 1, 15, 30), "Ben")  # already 2 September in Seoul
    registered_at(madrid, utc(2010, 9, 3, 12, 0), "Carla")

    daily = charts.registrations_per_day(madrid)

    assert daily.days == [(date(2010, 9, 1), 2), (date(2010, 9, 2), 0), (date(2010, 9, 3), 1)]
    assert [bar.value for bar in daily.chart.bars] == [2, 0, 1]
    assert daily.chart.total == 3
    assert daily.chart.highest.value == 2


def test_no_registration_gives_no_days(madrid):
    daily = charts.registrations_per_day(madrid)

    assert daily.days == []
    assert daily.chart.total == 0


def test_bars_grow_with_their_value_and_stay_inside_the_drawing():
    chart = charts.bar_chart([("a", 3), ("b", 0), ("c", 7)])

    a, b, c = chart.bars
    assert b.height == 0
    assert 0 < a.height < c.height
    assert all(charts.LEFT <= bar.x and bar.x + bar.width <= charts.VIEW_WIDTH for bar in chart.bars)
    assert [line.value for line in chart.grid] == [0, 4, 8]  # the scale's top is at least the highest bar


def test_a_long_period_labels_only_some_bars():
    chart = charts.bar_chart([(str(i), i) for i in range(40)])

    labelled = [bar for bar in chart.bars if bar.show_label]
    assert len(labelled) <= charts.MAX_LABELS
    assert not any(bar.show_value for bar in chart.bars)  # too narrow: the numbers are in the table


# Check-ins per hour ---------------------------------------------------------------------------


def test_checkins_are_counted_per_hour_of_the_events_time_zone(madrid):
    door = entrance(madrid, 6)
    ana, ben, carla, dan = (register(madrid, name=n) for n in ("Ana", "Ben", "Carla", "Dan"))
    checked_in_at(door, ana, utc(2010, 9, 6, 7, 10))  # 09:10 in Madrid
    checked_in_at(door, ben, utc(2010, 9, 6, 7, 50))  # 09:50
    checked_in_at(door, carla, utc(2010, 9, 6, 18, 30))  # 20:30: the day's hours widen
    checked_in_at(door, dan, utc(2010, 9, 6, 8, 0), undone=True)  # undone: not counted

    first, second = charts.checkins_per_hour(madrid)

    assert (first.day, second.day) == (date(2010, 9, 6), date(2010, 9, 7))
    hours = dict(first.hours)
    assert hours[9] == 2
    assert hours[10] == 0
    assert hours[20] == 1
    assert [hour for hour, _count in first.hours] == list(range(8, 21))
    assert first.total == 3
    assert second.total == 0  # an event day before anyone came
    assert [hour for hour, _count in second.hours] == list(range(8, 19))


def charts_in(html: str) -> list[str]:
    return re.findall(r'<figure class="dashboard-chart".*?</svg>', html, re.S)


# On the page ------------------------------------------------------------------------------------


def test_the_page_draws_both_charts_as_accessible_svg(organiser_client, madrid):  # noqa: F811
    registered_at(madrid, utc(2010, 9, 1, 8, 0), "Ana")
    ben = registered_at(madrid, utc(2010, 9, 2, 8, 0), "Ben")
    checked_in_at(entrance(madrid, 6), ben, utc(2010, 9, 6, 7, 10))

    html = organiser_client.get(url()).content.decode()

    svgs = charts_in(html)
    assert len(svgs) == 2  # registrations per day; check-ins on 6 September (nobody on the 7th yet)
    for svg in svgs:
        assert 'role="img"' in svg
        assert "<title id=" in svg
        assert "<desc id=" in svg
        assert "<rect " in svg
    assert "Registrations per day (Europe/Madrid)" in svgs[0]
    assert "one bar per day from" in svgs[0]
    assert "2 registrations in all" in svgs[0]
    assert "Check-ins per hour on" in svgs[1]
    assert "the busiest hour began at 09:00 with 1" in svgs[1]
    assert html.count("<details") == 2  # the numbers, under each chart
    assert "No one checked in on this day yet." in html
    assert 'href="http' not in "".join(svgs)  # nothing from another host


def test_without_registrations_the_page_says_so(organiser_client, madrid):  # noqa: F811
    html = organiser_client.get(url()).content.decode()

    assert "No registration yet." in html
    assert charts_in(html) == []


def test_the_charts_speak_korean(client, madrid):
    from tests.registration.test_dashboard import organiser

    registered_at(madrid, utc(2010, 9, 1, 8, 0), "Ana")
    client.force_login(organiser())

    with translation.override("ko"):
        html = client.get(url(lang="ko")).content.decode()

    assert "일별 등록" in html
    assert "막대그래프" in html


@pytest.mark.parametrize("n", [1, 4])
def test_chart_queries_do_not_grow_with_days_or_checkins(organiser_client, madrid, n, django_assert_num_queries):  # noqa: F811
    door = entrance(madrid, 6)
    for i in range(n):
        person = registered_at(madrid, utc(2010, 8, 20 + i, 8, 0), f"Person {i}")
        checked_in_at(door, person, utc(2010, 9, 6, 7 + i, 0))
    organiser_client.get(url())  # warm the content-type cache

    with django_assert_num_queries(13):
        response = organiser_client.get(url())

    assert response.context["dashboard"].registrations_per_day.chart.total == n
    assert response.context["dashboard"].checkins_per_hour[0].total == n
