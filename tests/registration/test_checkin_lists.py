"""Check-in lists per day, checkpoint or session (/<lang>/admin/dashboard/checkins.csv,
.xlsx): their content, the same guards as the attendee export (byte-order mark,
formula guard, text cells), who may download them, and a fixed number of queries."""

import pytest
from django.urls import reverse
from django.utils import translation

from registration import checkin, roles
from registration.models import CheckIn
from tests.factories import EventFactory, RoomFactory, SessionFactory, WorkshopFactory, seoul
from tests.registration.desk_world import entrance, staff_user
from tests.registration.test_dashboard import organiser, register, staff
from tests.registration.test_exports import read_csv, read_xlsx

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("no_mail_after_commit")]

HEADER = [
    "checked in at (Asia/Seoul)",
    "registration code",
    "full name",
    "organisation",
    "category",
    "checkpoint",
    "session",
    "checked in by",
    "undone",
    "undone at (Asia/Seoul)",
    "undone by",
]


def url(file_format: str = "csv", lang: str = "en", **query) -> str:
    with translation.override(lang):
        address = reverse(f"dashboard:checkins_{file_format}")
    return address + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


@pytest.fixture
def event():
    return EventFactory(slug="wego-2010", registration_opens_at=None, registration_closes_at=None)


@pytest.fixture
def desk():
    return staff_user("desk-anna", roles.DESK_STAFF)


@pytest.fixture
def day_two(event, desk, time_machine):
    """On 7 September: Kim and a formula-typing visitor admitted at the entrance
    by Anna, a third admission undone; on 8 September Kim at the entrance again."""
    entrances = {day: entrance(event, day) for day in (7, 8)}
    for day in (7, 8):  # open to citizens on both days
        SessionFactory(
            event=event, slug=f"forum-{day}", starts_at=seoul(2010, 9, day, 10), ends_at=seoul(2010, 9, day, 17)
        )
    kim = register(event, name="김민준", organisation="마포구청")
    sneaky = register(event, name='=HYPERLINK("http://x")', organisation="@evil")
    lee = register(event, name="이서연")
    time_machine.move_to(seoul(2010, 9, 7, 9, 5), tick=False)
    checkin.check_in(checkpoint=entrances[7], registration=kim, user=desk)
    time_machine.move_to(seoul(2010, 9, 7, 9, 20), tick=False)
    checkin.check_in(checkpoint=entrances[7], registration=sneaky, user=desk)
    outcome = checkin.check_in(checkpoint=entrances[7], registration=lee, user=desk)
    assert outcome.checkin, outcome
    mistake = outcome.checkin
    checkin.undo(checkin=mistake, user=desk, now=seoul(2010, 9, 7, 9, 25))
    time_machine.move_to(seoul(2010, 9, 8, 8, 30), tick=False)
    checkin.check_in(checkpoint=entrances[8], registration=kim, user=desk)
    return entrances


def test_a_days_list_holds_its_checkins_in_order_with_the_undone_one_marked(client, event, day_two):
    client.force_login(organiser())

    response = client.get(url(day="2010-09-07"))

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert 'filename="wego-2010-checkins-2010-09-07-' in response["Content-Disposition"]
    assert "no-store" in response["Cache-Control"]
    header, *rows = read_csv(response)
    assert header == HEADER
    assert [(r[0], r[2], r[5], r[7], r[8], r[9], r[10]) for r in rows] == [
        ("2010-09-07 09:05", "김민준", "Entrance — 7 September", "desk-anna", "no", "", ""),
        ("2010-09-07 09:20", '\'=HYPERLINK("http://x")', "Entrance — 7 September", "desk-anna", "no", "", ""),
        ("2010-09-07 09:20", "이서연", "Entrance — 7 September", "desk-anna", "yes", "2010-09-07 09:25", "desk-anna"),
    ]
    assert rows[0][3] == "마포구청"
    assert rows[1][3] == "'@evil"  # defused like the attendee export
    assert rows[0][4] == "Citizen"


def test_the_whole_event_without_a_day(client, event, day_two):
    client.force_login(organiser())

    rows = read_csv(client.get(url()))[1:]

    assert [r[0] for r in rows] == ["2010-09-07 09:05", "2010-09-07 09:20", "2010-09-07 09:20", "2010-09-08 08:30"]


def test_a_checkpoints_list(client, event, day_two):
    client.force_login(organiser())

    rows = read_csv(client.get(url(day="2010-09-08", checkpoint="entrance-8")))[1:]

    assert [(r[2], r[5]) for r in rows] == [("김민준", "Entrance — 8 September")]


def test_a_sessions_list_names_the_session(client, event, time_machine):
    room = RoomFactory(event=event, name_en="Workshop room 1", checks_attendance=True)
    workshop = WorkshopFactory(
        event=event, room=room, slug="u-city", title_en="U-City", capacity=5,
        starts_at=seoul(2010, 9, 8, 9, 30), ends_at=seoul(2010, 9, 8, 12, 0),
    )  # fmt: skip
    door = event.checkpoints.create(slug="door-1", name_en="Room 1 door", kind="room", room=room)
    kim = register(event, [workshop], name="김민준")
    entrance(event, 8)
    time_machine.move_to(seoul(2010, 9, 8, 9, 40), tick=False)
    assert checkin.check_in(checkpoint=door, registration=kim).result == checkin.Result.OK
    client.force_login(organiser())

    rows = read_csv(client.get(url(session="u-city")))[1:]

    assert [(r[0], r[2], r[5], r[6], r[7]) for r in rows] == [
        ("2010-09-08 09:40", "김민준", "Room 1 door", "U-City", "")
    ]


def test_the_excel_list_writes_text_cells_and_local_times(client, event, day_two):
    client.force_login(organiser())

    response = client.get(url("xlsx", day="2010-09-07"))

    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    header, *rows = read_xlsx(response)
    assert header == HEADER
    assert rows[0][0].strftime("%Y-%m-%d %H:%M") == "2010-09-07 09:05"
    assert rows[1][2] == '=HYPERLINK("http://x")'  # a text cell, never run as a formula
    assert rows[2][8] == "yes"


def test_the_list_in_korean(client, event, day_two):
    client.force_login(organiser())

    header, *rows = read_csv(client.get(url(lang="ko", day="2010-09-07")))

    assert header[0] == "체크인 시각 (Asia/Seoul)"
    assert rows[0][4] == "시민"
    assert rows[2][8] == "예"


def test_the_list_holds_no_contact_details_or_secrets(client, event, day_two):
    client.force_login(organiser())
    kim = CheckIn.objects.filter(registration__name="김민준").first().registration

    body = client.get(url()).content.decode("utf-8-sig")

    assert kim.ticket_secret not in body
    assert kim.manage_secret not in body
    assert kim.email not in body


@pytest.mark.parametrize("query", [{"day": "2010-13-45"}, {"checkpoint": "nowhere"}, {"session": "no-such"}])
def test_a_value_naming_nothing_is_a_404(client, event, day_two, query):
    client.force_login(organiser())

    assert client.get(url(**query)).status_code == 404


def test_a_checkpoint_of_another_edition_is_a_404(client, event, day_two):
    other = EventFactory(slug="wego-2012", is_current=False)
    entrance(other, 6).__class__.objects.filter(event=other).update(slug="entrance-other")
    client.force_login(organiser())

    assert client.get(url(checkpoint="entrance-other")).status_code == 404


def test_anonymous_visitor_is_sent_to_the_admin_login(client, event):
    response = client.get(url(day="2010-09-07"))

    assert response.status_code == 302
    assert response["Location"].startswith("/en/admin/login/")


@pytest.mark.parametrize("is_staff", [False, True])
def test_desk_staff_cannot_download_a_list(client, event, is_staff):
    client.force_login(staff("desk", group=roles.DESK_STAFF, is_staff=is_staff))

    assert client.get(url()).status_code == (403 if is_staff else 302)


def test_staff_who_may_see_the_dashboard_but_not_export_get_403_and_no_links(client, event, day_two):
    client.force_login(staff("viewer", permissions=["registration.view_dashboard"]))

    assert client.get(url()).status_code == 403
    with translation.override("en"):
        html = client.get(reverse("dashboard:index")).content.decode()
    assert "checkins.csv" not in html


def test_the_dashboard_links_each_day_and_checkpoint_to_its_list(client, event, day_two):
    client.force_login(organiser())
    with translation.override("en"):
        html = client.get(reverse("dashboard:index")).content.decode()

    assert 'href="/en/admin/dashboard/checkins.xlsx?day=2010-09-07"' in html
    assert 'href="/en/admin/dashboard/checkins.csv?day=2010-09-07&amp;checkpoint=entrance-7"' in html


@pytest.mark.parametrize("n", [1, 6])
@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_list_queries_do_not_grow_with_rows(client, event, n, file_format, django_assert_num_queries, time_machine):
    door = entrance(event, 7)
    SessionFactory(event=event, slug="forum", starts_at=seoul(2010, 9, 7, 10), ends_at=seoul(2010, 9, 7, 17))
    time_machine.move_to(seoul(2010, 9, 7, 9, 0), tick=False)
    for i in range(n):
        checkin.check_in(
            checkpoint=door, registration=register(event, name=f"Person {i}"), user=organiser() if i == 0 else None
        )
    client.force_login(staff("boss", group=roles.ORGANISERS))
    client.get(url(file_format))

    # session, user, user's permissions, group permissions, current event, the checkpoint, the check-ins
    with django_assert_num_queries(7):
        response = client.get(url(file_format, day="2010-09-07", checkpoint="entrance-7"))

    assert response.status_code == 200
