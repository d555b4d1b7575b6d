"""The organisers' dashboard (/<lang>/admin/dashboard/): who may see it, the
figures it shows for the current event, its tables, and a fixed number of
queries whatever the number of sessions and registrations.

The helpers here (organiser(), world()) are shared with test_exports.py.
"""

import re
from datetime import date, timedelta

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.urls import reverse
from django.utils import translation

from events.models import Event
from registration import checkin, roles, services
from registration.models import (
    Checkpoint,
    CheckpointKind,
    MailKind,
    MailStatus,
    OutgoingMail,
    Registration,
    Status,
)
from tests.factories import EventFactory, PersonFactory, RoomFactory, SessionFactory, WorkshopFactory, seoul
from tests.registration.desk_world import entrance

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("no_mail_after_commit")]


def url(name: str = "dashboard:index", lang: str = "en") -> str:
    with translation.override(lang):
        return reverse(name)


def staff(username: str, *, group: str | None = None, is_staff: bool = True, permissions=()):
    user = get_user_model().objects.create_user(username=username, password="x", is_staff=is_staff)
    if group:
        user.groups.add(roles.ensure_groups()[group])
    for permission in permissions:
        app_label, codename = permission.split(".")
        user.user_permissions.add(Permission.objects.get(content_type__app_label=app_label, codename=codename))
    return user


def organiser():
    return staff("organiser", group=roles.ORGANISERS)


@pytest.fixture
def organiser_client(client):
    client.force_login(organiser())
    return client


def register(event: Event, sessions=(), **person) -> Registration:
    details = PersonFactory(**person)
    return services.register(event=event, person=details, session_ids=[s.pk for s in sessions]).registration


@pytest.fixture
def event():
    return EventFactory(slug="wego-2010", capacity=100, registration_opens_at=None, registration_closes_at=None)


@pytest.fixture
def workshop(event):
    room = RoomFactory(event=event, name_en="Workshop room 1", name_ko="워크숍 1실", checks_attendance=True)
    return WorkshopFactory(
        event=event,
        room=room,
        slug="u-city",
        title_en="U-City",
        title_ko="유시티",
        capacity=2,
        starts_at=seoul(2010, 9, 8, 9, 30),
        ends_at=seoul(2010, 9, 8, 12, 0),
    )


# Who may see it ------------------------------------------------------------------------------


def test_anonymous_visitor_is_sent_to_the_admin_login(client, event):
    response = client.get(url(lang="ko"))

    assert response.status_code == 302
    assert response["Location"] == "/ko/admin/login/?next=/ko/admin/dashboard/"


def test_desk_staff_cannot_reach_the_dashboard(client, event):
    client.force_login(staff("desk", group=roles.DESK_STAFF, is_staff=False))

    response = client.get(url())

    assert response.status_code == 302
    assert response["Location"].startswith("/en/admin/login/")


def test_desk_staff_given_admin_access_by_mistake_still_get_403(client, event):
    client.force_login(staff("desk", group=roles.DESK_STAFF, is_staff=True))

    assert client.get(url()).status_code == 403


def test_staff_who_may_view_registrations_but_not_the_dashboard_get_403(client, event):
    client.force_login(staff("helper", permissions=["registration.view_registration"]))

    assert client.get(url()).status_code == 403


def test_organiser_sees_the_dashboard(organiser_client, event):
    response = organiser_client.get(url())

    assert response.status_code == 200
    assert response.context["dashboard"].event == event
    assert "<h1>Organisers&#x27; dashboard</h1>" in response.content.decode()
    assert response["Cache-Control"].startswith("max-age=0")  # never cached (admin_view)


def test_only_organisers_hold_the_dashboard_and_export_permissions():
    groups = roles.ensure_groups()

    def names(group):
        return {f"{p.content_type.app_label}.{p.codename}" for p in group.permissions.select_related("content_type")}

    assert set(roles.ORGANISER_ONLY_PERMISSIONS) <= names(groups[roles.ORGANISERS])
    assert not set(roles.ORGANISER_ONLY_PERMISSIONS) & names(groups[roles.DESK_STAFF])


def test_admin_index_links_organisers_to_the_dashboard_and_exports(organiser_client, event):
    html = organiser_client.get("/en/admin/").content.decode()

    assert '<a href="/en/admin/dashboard/">Organisers\' dashboard</a>' in html
    assert 'href="/en/admin/dashboard/attendees.xlsx"' in html
    assert 'href="/en/admin/dashboard/attendees.csv"' in html


def test_admin_index_has_no_dashboard_link_for_other_staff(client, event):
    client.force_login(staff("helper", permissions=["registration.view_registration"]))

    html = client.get("/en/admin/").content.decode()

    assert "/admin/dashboard/" not in html
    assert "Registrations" in html  # the rest of the index is there


def test_without_a_current_event_the_page_says_so(organiser_client):
    EventFactory(slug="old", is_current=False)

    response = organiser_client.get(url())

    assert response.status_code == 200
    assert response.context["dashboard"] is None
    assert "There is no current event" in response.content.decode()


# The figures --------------------------------------------------------------------------------


def test_registrations_by_status_and_category(organiser_client, event):
    for _ in range(3):
        register(event, category="citizen")
    register(event, category="press")  # awaits approval
    register(event, category="delegate")  # awaits approval
    cancelled = register(event, category="academic")
    services.cancel(registration=cancelled)
    services.register(event=event, person=PersonFactory(), session_ids=[], walk_in=True)
    register(EventFactory(slug="other", is_current=False), category="citizen")  # another edition: not counted

    figures = organiser_client.get(url()).context["dashboard"].registrations

    assert figures.total == 7
    assert figures.pending == 2
    assert figures.holding_a_place == 6
    assert figures.walk_ins == 1
    assert {value: count for value, _label, count in figures.status_rows} == {
        "confirmed": 4,
        "pending": 2,
        "waitlisted": 0,
        "cancelled": 1,
        "rejected": 0,
    }
    by_category = {row.category: row.total for row in figures.by_category}
    assert by_category == {"citizen": 4, "it": 0, "academic": 1, "press": 1, "delegate": 1, "exhibitor": 0}
    [press] = [row for row in figures.by_category if row.category == "press"]
    assert press.counts == [0, 1, 0, 0, 0]


def test_pending_approvals_link_to_the_filtered_changelist(organiser_client, event):
    register(event, category="press")
    register(event, category="delegate")

    html = organiser_client.get(url()).content.decode()

    changelist = f"/en/admin/registration/registration/?event__id__exact={event.pk}&amp;status__exact=pending"
    assert f'<a href="{changelist}">' in html
    assert "2 registrations await approval (press, city delegates): review them." in html


def test_the_pending_link_lists_exactly_the_pending_registrations(organiser_client, event):
    press = register(event, category="press")
    register(event, category="citizen")

    response = organiser_client.get(
        reverse("admin:registration_registration_changelist"),
        {"event__id__exact": event.pk, "status__exact": Status.PENDING},
    )

    assert list(response.context["cl"].result_list) == [press]


def test_no_pending_approvals_says_so(organiser_client, event):
    register(event, category="citizen")

    assert "No registration awaits approval." in organiser_client.get(url()).content.decode()


def test_sessions_show_seats_waiting_list_and_people_inside(organiser_client, event, workshop, time_machine):
    seated = [register(event, [workshop]) for _ in range(2)]
    register(event, [workshop])  # capacity 2: on the waiting list
    door = Checkpoint.objects.create(
        event=event, slug="door-1", name_en="Door 1", kind=CheckpointKind.ROOM, room=workshop.room
    )
    time_machine.move_to(seoul(2010, 9, 8, 9, 20), tick=False)
    for registration in seated:
        assert checkin.check_in(checkpoint=door, registration=registration).result == checkin.Result.OK
    checkin.check_in(checkpoint=door, registration=seated[0])  # a second scan: still one person

    response = organiser_client.get(url())

    [session] = response.context["dashboard"].sessions
    assert (session.seats_booked, session.capacity, session.waiting, session.inside) == (2, 2, 1, 2)
    html = response.content.decode()
    assert '<meter min="0" max="2" value="2" aria-hidden="true"></meter>' in html
    assert "2010-09-08 09:30–12:00" in html  # Seoul time, as stored in UTC
    assert f"?event__id__exact={event.pk}&amp;session={workshop.pk}" in html


def test_sessions_without_booking_are_not_listed(organiser_client, event, workshop):
    SessionFactory(event=event, slug="opening")

    assert [s.slug for s in organiser_client.get(url()).context["dashboard"].sessions] == ["u-city"]


def test_checkins_per_day_and_checkpoint(organiser_client, event, workshop, time_machine):
    SessionFactory(event=event, slug="forum", starts_at=seoul(2010, 9, 7, 10), ends_at=seoul(2010, 9, 7, 17))
    entrances = {day: entrance(event, day) for day in (6, 7, 8)}
    kim, lee = register(event, name="김민준"), register(event, name="이서연")
    time_machine.move_to(seoul(2010, 9, 7, 9, 0), tick=False)
    checkin.check_in(checkpoint=entrances[7], registration=kim)
    mistake = checkin.check_in(checkpoint=entrances[7], registration=lee).checkin
    checkin.undo(checkin=mistake)
    time_machine.move_to(seoul(2010, 9, 8, 8, 30), tick=False)
    checkin.check_in(checkpoint=entrances[8], registration=kim)
    checkin.check_in(checkpoint=entrances[8], registration=lee)

    days = organiser_client.get(url()).context["dashboard"].checkins

    assert [(d.day, d.entered) for d in days] == [(date(2010, 9, 6), 0), (date(2010, 9, 7), 1), (date(2010, 9, 8), 2)]
    assert [(r.checkpoint.slug, r.people, r.undone) for r in days[1].rows] == [("entrance-7", 1, 1)]
    assert [(r.checkpoint.slug, r.people, r.undone) for r in days[2].rows] == [("entrance-8", 2, 0)]


def test_outbox_health_counts_queued_failed_and_stuck(organiser_client, event, time_machine):
    now = seoul(2010, 8, 20, 10, 0)
    time_machine.move_to(now, tick=False)

    def mail(status, age_minutes=0):
        return OutgoingMail.objects.create(
            kind=MailKind.CONFIRMATION,
            to_email="a@example.org",
            status=status,
            created_at=now - timedelta(minutes=age_minutes),
        )

    mail(MailStatus.QUEUED, 1)
    mail(MailStatus.QUEUED, 40)
    mail(MailStatus.FAILED)
    mail(MailStatus.SENT)
    mail(MailStatus.SENT)

    response = organiser_client.get(url())

    outbox = response.context["dashboard"].outbox
    assert (outbox.queued, outbox.failed, outbox.sent, outbox.stuck) == (2, 1, 2, 1)
    assert not outbox.healthy
    html = response.content.decode()
    assert 'href="/en/admin/registration/outgoingmail/?status__exact=failed"' in html
    assert "1 e-mail failed for good" in html
    assert "oldest since 2010-08-20 09:20" in html  # Seoul time


def test_an_empty_outbox_is_healthy(organiser_client, event):
    response = organiser_client.get(url())

    assert response.context["dashboard"].outbox.healthy
    assert "The outbox is healthy" in response.content.decode()


def test_a_mail_of_unknown_fate_makes_the_outbox_unhealthy(organiser_client, event):
    OutgoingMail.objects.create(kind=MailKind.CONFIRMATION, to_email="a@example.org", status=MailStatus.UNKNOWN)

    response = organiser_client.get(url())

    outbox = response.context["dashboard"].outbox
    assert (outbox.unknown, outbox.failed, outbox.healthy) == (1, 0, False)
    html = response.content.decode()
    assert 'href="/en/admin/registration/outgoingmail/?status__exact=unknown"' in html
    assert "1 e-mail may or may not have arrived" in html


# Markup -------------------------------------------------------------------------------------


def test_tables_have_captions_and_header_scopes(organiser_client, event, workshop):
    entrance(event, 6)
    register(event, [workshop])

    html = organiser_client.get(url()).content.decode()

    tables = re.findall(r"<table.*?</table>", html, flags=re.S)
    dashboard_tables = [t for t in tables if 'class="dashboard-table"' in t]
    assert len(dashboard_tables) == 5
    for table in dashboard_tables:
        assert "<caption" in table
        assert '<th scope="col"' in table
        assert re.search(r"<th>|<th (?!scope=)", table) is None  # every header cell says what it heads
    assert "<script" not in html.split('id="content-main"')[1].split("</main>")[0]
    assert 'style="' not in html.split('id="content-main"')[1].split("</main>")[0]
    assert '<link rel="stylesheet" href="/static/css/dashboard.css">' in html


def test_dashboard_in_korean_names_sessions_and_statuses_in_korean(client, event, workshop):
    client.force_login(organiser())
    register(event, [workshop], category="press")

    html = client.get(url(lang="ko")).content.decode()

    assert '<html lang="ko"' in html
    assert "유시티" in html
    assert "승인 대기" in html  # "Awaiting approval"
    assert "시민" in html  # "Citizen"


# Queries ------------------------------------------------------------------------------------


@pytest.mark.parametrize("n", [1, 5])
def test_queries_do_not_grow_with_sessions_registrations_and_checkins(
    organiser_client, event, n, django_assert_num_queries, time_machine
):
    entrances = [entrance(event, day) for day in (6, 7, 8)]
    time_machine.move_to(seoul(2010, 9, 8, 8, 0), tick=False)
    for i in range(n):
        workshop = WorkshopFactory(event=event, slug=f"workshop-{i}", room=RoomFactory(event=event))
        registration = register(event, [workshop], category="press" if i % 2 else "citizen")
        OutgoingMail.objects.create(kind=MailKind.CONFIRMATION, to_email="a@example.org", registration=registration)
        if registration.status == Status.PENDING:
            services.approve(registration=registration)
            registration.refresh_from_db()
        assert checkin.check_in(checkpoint=entrances[2], registration=registration).result == checkin.Result.OK
    organiser_client.get(url())  # warm the content-type cache

    # session, user, user's permissions, group permissions, current event (the view's,
    # shared with the site's context processor), registrations, sessions, checkpoints,
    # check-ins per checkpoint, entrants per day, outbox, registrations per day, check-ins per hour
    with django_assert_num_queries(13):
        response = organiser_client.get(url())

    assert len(response.context["dashboard"].sessions) == n
    assert response.context["dashboard"].registrations.total == n
    assert response.context["dashboard"].checkins[2].entered == n


def test_mail_stuck_while_being_sent_makes_the_outbox_unhealthy(organiser_client, event, time_machine):
    now = seoul(2010, 8, 20, 10, 0)
    time_machine.move_to(now, tick=False)
    for minutes in (5, 40):  # claimed by a sender that never recorded the outcome, no worker to notice
        OutgoingMail.objects.create(
            kind=MailKind.CONFIRMATION,
            to_email="a@example.org",
            status=MailStatus.SENDING,
            created_at=now - timedelta(minutes=minutes),
            claimed_at=now - timedelta(minutes=minutes),
        )

    response = organiser_client.get(url())

    outbox = response.context["dashboard"].outbox
    assert (outbox.stuck, outbox.healthy) == (1, False)
    html = response.content.decode()
    assert "1 e-mail has waited more than 15 minutes" in html
    assert 'href="/en/admin/registration/outgoingmail/?status__in=queued,sending"' in html
    assert organiser_client.get("/en/admin/registration/outgoingmail/?status__in=queued,sending").status_code == 200
