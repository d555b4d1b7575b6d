"""Checkpoints and the check-in history in the admin (registration/desk/admin.py):
checkpoints are edited with both languages and clear errors; check-ins are a
read-only history (who, when, where, device, undone) filtered by checkpoint, day
and undone, in a fixed number of queries; a registration's page lists its
check-ins.

Everything is tested on the real admin site (/ko/admin/, /en/admin/ where the
test reads English text), as an organiser uses it; one test starts a fresh
Python to prove that Django's autodiscovery alone puts the desk in the admin."""

import json
import os
import subprocess
import sys
from datetime import date, timedelta

import pytest
from django.conf import settings
from django.contrib.auth.models import Group, User
from django.urls import reverse
from django.utils import translation

from registration import services
from registration.models import CheckIn, Checkpoint, CheckpointKind
from registration.roles import DESK_STAFF, ORGANISERS, ensure_groups
from tests.factories import EventFactory, PersonFactory, RoomFactory, seoul

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("no_mail_after_commit")]


@pytest.fixture
def event():
    return EventFactory(slug="wego-2010")


@pytest.fixture
def entrance(event):
    return Checkpoint.objects.create(
        event=event,
        slug="entrance-2010-09-07",
        name_en="Entrance — 7 September",
        name_ko="입구 — 9월 7일",
        kind=CheckpointKind.ENTRANCE,
        day=date(2010, 9, 7),
    )


@pytest.fixture
def door(event):
    room = RoomFactory(event=event, name_en="Regency Room", name_ko="리젠시 룸")
    return Checkpoint.objects.create(
        event=event,
        slug="door-regency-room",
        name_en="Regency Room door",
        name_ko="리젠시 룸 출입구",
        kind=CheckpointKind.ROOM,
        room=room,
    )


def staff_user(group: str, *, username: str, is_staff: bool) -> User:
    ensure_groups()
    user = User.objects.create_user(username, password="irrelevant", is_staff=is_staff)
    user.groups.add(Group.objects.get(name=group))
    return user


@pytest.fixture
def organiser_user():
    return staff_user(ORGANISERS, username="organiser-1", is_staff=True)


@pytest.fixture
def organiser(client, organiser_user):
    client.force_login(organiser_user)
    return client


def admin_url(name: str, *args, lang: str = "ko", **query) -> str:
    """A page of the real admin site, /ko/admin/… as organisers open it."""
    with translation.override(lang):
        url = reverse(f"admin:registration_{name}", args=args or None)
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def checkin(event, checkpoint, *, name="Attendee", day=date(2010, 9, 7), by=None, undone_by=None, **fields):
    registration = services.register(event=event, person=PersonFactory(name=name), session_ids=[]).registration
    at = seoul(day.year, day.month, day.day, 9, 30)
    return CheckIn.objects.create(
        registration=registration,
        checkpoint=checkpoint,
        day=day,
        checked_in_at=at,
        checked_in_by=by,
        undone_at=at + timedelta(minutes=2) if undone_by else None,
        undone_by=undone_by,
        **fields,
    )


def listed(response) -> list:
    return list(response.context["cl"].result_list)


# Checkpoints -----------------------------------------------------------------------------------


@pytest.mark.parametrize("n", [1, 5])
def test_checkpoint_changelist_runs_a_fixed_number_of_queries(
    organiser, organiser_user, event, entrance, door, n, django_assert_num_queries
):
    for i in range(n):
        checkin(event, entrance, name=f"Attendee {i}")
    checkin(event, entrance, name="Undone", undone_by=organiser_user)
    organiser.get(admin_url("checkpoint_changelist"))  # warm the session and content-type caches

    # session, user, permissions (2), event filter, 2 counts, checkpoints+event+room with counts
    # (the admin never reads request.event)
    with django_assert_num_queries(8):
        response = organiser.get(admin_url("checkpoint_changelist"))

    rows = {c.slug: c.live_checkin_count for c in listed(response)}
    assert rows == {"entrance-2010-09-07": n, "door-regency-room": 0}  # undone check-ins do not count


def test_checkpoint_names_are_edited_in_both_languages(organiser, entrance):
    html = organiser.get(admin_url("checkpoint_change", entrance.pk)).content.decode()

    assert 'name="name_ko"' in html
    assert 'name="name_en"' in html
    assert "입구 — 9월 7일" in html


def checkpoint_form(event, **fields) -> dict:
    data = {
        "event": event.pk,
        "slug": "new-checkpoint",
        "name_ko": "새 입구",
        "name_en": "New entrance",
        "kind": CheckpointKind.ENTRANCE,
        "day": "2010-09-08",
        "room": "",
        "position": 0,
    }
    return data | fields


def test_organisers_add_a_checkpoint(organiser, event):
    response = organiser.post(admin_url("checkpoint_add"), checkpoint_form(event))

    assert response.status_code == 302
    checkpoint = Checkpoint.objects.get(slug="new-checkpoint")
    assert (checkpoint.name_ko, checkpoint.name_en, checkpoint.day) == ("새 입구", "New entrance", date(2010, 9, 8))


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"day": ""}, "day", "An entrance admits on one day: give the day."),
        ({"day": "2010-09-20"}, "day", "Choose a day of the event."),
        ({"kind": CheckpointKind.ROOM, "day": ""}, "room", "A room door needs its room."),
    ],
)
def test_a_checkpoint_form_says_what_is_missing(organiser, event, fields, field, message):
    response = organiser.post(admin_url("checkpoint_add", lang="en"), checkpoint_form(event, **fields))

    assert response.status_code == 200
    assert response.context["adminform"].form.errors[field] == [message]
    assert not Checkpoint.objects.filter(slug="new-checkpoint").exists()


def test_a_door_must_be_in_a_room_of_its_event(organiser, event):
    other_room = RoomFactory(event=EventFactory(slug="another", is_current=False))

    response = organiser.post(
        admin_url("checkpoint_add", lang="en"),
        checkpoint_form(event, kind=CheckpointKind.ROOM, day="", room=other_room.pk),
    )

    assert response.context["adminform"].form.errors["room"] == [
        f"Choose a room of {event.name}: this room belongs to another edition."
    ]


# Check-ins ----------------------------------------------------------------------------------


@pytest.mark.parametrize("n", [1, 5])
def test_checkin_changelist_runs_a_fixed_number_of_queries(
    organiser, organiser_user, event, entrance, n, django_assert_num_queries
):
    for i in range(n):
        checkin(event, entrance, name=f"Attendee {i}", by=organiser_user, undone_by=organiser_user, device="tablet-3")
    organiser.get(admin_url("checkin_changelist"))

    # session, user, permissions (2), checkpoint filter, day filter, 2 counts,
    # check-ins+registration+checkpoint+event+session+users
    with django_assert_num_queries(9):
        response = organiser.get(admin_url("checkin_changelist"))

    assert len(listed(response)) == n


def test_checkin_history_shows_who_when_where_device_and_undo(organiser, organiser_user, event, entrance):
    desk_user = staff_user(DESK_STAFF, username="desk-7", is_staff=False)
    row = checkin(event, entrance, name="김민준", by=desk_user, undone_by=organiser_user, device="tablet-3")

    html = organiser.get(admin_url("checkin_changelist", lang="en")).content.decode()

    for text in (
        "2010-09-07 09:30",  # in the event's time zone
        row.registration.code,
        "김민준",
        "Entrance — 7 September",
        "desk-7",
        "tablet-3",
        "2010-09-07 09:32",
        "organiser-1",
    ):
        assert text in html


def test_checkin_history_is_read_only(organiser, event, entrance):
    row = checkin(event, entrance)

    assert organiser.get(admin_url("checkin_add")).status_code == 403
    detail = organiser.get(admin_url("checkin_change", row.pk))
    assert detail.status_code == 200
    assert 'name="_save"' not in detail.content.decode()
    assert organiser.post(admin_url("checkin_delete", row.pk), {"post": "yes"}).status_code == 403
    assert CheckIn.objects.filter(pk=row.pk).exists()
    assert "delete_selected" not in organiser.get(admin_url("checkin_changelist")).content.decode()


def test_checkins_filter_by_checkpoint(organiser, event, entrance, door):
    at_entrance = checkin(event, entrance, name="At the entrance")
    checkin(event, door, name="At the door")

    response = organiser.get(admin_url("checkin_changelist", checkpoint__id__exact=entrance.pk))

    assert listed(response) == [at_entrance]


def test_checkins_filter_by_day(organiser, event, entrance):
    checkin(event, entrance, name="Tuesday", day=date(2010, 9, 7))
    wednesday = checkin(event, entrance, name="Wednesday", day=date(2010, 9, 8))

    response = organiser.get(admin_url("checkin_changelist", lang="en", day="2010-09-08"))

    assert listed(response) == [wednesday]
    filters = response.content.decode()
    assert '<a href="?day=2010-09-07">September 7, 2010</a>' in filters
    assert '<a href="?day=2010-09-08">September 8, 2010</a>' in filters


@pytest.mark.parametrize("day", ["yesterday", "2010-13-01", "%2500"])
def test_a_bad_day_filter_lists_nothing_rather_than_failing(organiser, event, entrance, day):
    checkin(event, entrance)

    response = organiser.get(admin_url("checkin_changelist", day=day))

    assert response.status_code == 200
    assert listed(response) == []


def test_a_nul_in_the_day_filter_is_a_bad_request(organiser, event, entrance):
    checkin(event, entrance)

    response = organiser.get(admin_url("checkin_changelist", day="%00"))  # wegov.middleware

    assert response.status_code == 400
    assert "잘못된 요청" in response.content.decode()


def test_checkins_filter_by_undone(organiser, organiser_user, event, entrance):
    valid = checkin(event, entrance, name="Valid")
    undone = checkin(event, entrance, name="Undone", undone_by=organiser_user)

    assert listed(organiser.get(admin_url("checkin_changelist", undone="no"))) == [valid]
    assert listed(organiser.get(admin_url("checkin_changelist", undone="yes"))) == [undone]


def test_desk_staff_cannot_open_the_history_in_the_admin(client, event, entrance):
    client.force_login(staff_user(DESK_STAFF, username="desk-8", is_staff=False))

    response = client.get(admin_url("checkin_changelist"))

    assert response.status_code == 302
    assert "login" in response["Location"]


# A registration's page --------------------------------------------------------------------------


def test_a_registrations_page_lists_its_check_ins(organiser, organiser_user, event, entrance, door):
    desk_user = staff_user(DESK_STAFF, username="desk-9", is_staff=False)
    row = checkin(event, entrance, name="Ana Lima", by=desk_user, device="tablet-3")
    CheckIn.objects.create(
        registration=row.registration,
        checkpoint=door,
        day=date(2010, 9, 8),
        checked_in_at=seoul(2010, 9, 8, 9, 40),
        undone_at=seoul(2010, 9, 8, 9, 41),
        undone_by=organiser_user,
        device="laptop-door",
    )
    checkin(event, entrance, name="Someone else", device="not-hers")

    response = organiser.get(admin_url("registration_change", row.registration.pk, lang="en"))

    [inline] = [f for f in response.context["inline_admin_formsets"] if f.formset.model is CheckIn]
    assert {form.instance.device for form in inline.formset.forms} == {"tablet-3", "laptop-door"}
    assert not inline.has_add_permission
    assert not inline.has_change_permission
    assert not inline.has_delete_permission
    html = response.content.decode()
    for text in ("Entrance — 7 September", "Regency Room door", "desk-9", "tablet-3", "laptop-door", "organiser-1"):
        assert text in html
    assert "not-hers" not in html


@pytest.mark.parametrize("n", [1, 5])
def test_a_registrations_page_runs_a_fixed_number_of_queries(
    organiser, organiser_user, event, entrance, n, django_assert_num_queries
):
    row = checkin(event, entrance, name="Ana Lima", day=date(2010, 9, 6), by=organiser_user)
    for i in range(1, n):
        CheckIn.objects.create(
            registration=row.registration,
            checkpoint=entrance,
            day=date(2010, 9, 6 + i),
            checked_in_at=seoul(2010, 9, 6 + i, 9, 0),
            checked_in_by=organiser_user,
            undone_at=seoul(2010, 9, 6 + i, 9, 5),
            undone_by=organiser_user,
        )
    url = admin_url("registration_change", row.registration.pk)
    organiser.get(url)  # warm the session and content-type caches

    # session, user, permissions (2), the edition (its time zone: events/admin_editions.py),
    # registration, its event, bookings, consents, check-ins+registration+checkpoint+session+users;
    # the audit trail (registration/history.py: the registration, its four history tables,
    # the checkpoints' and the staff's names); the delegation's choices (the event's cities)
    with django_assert_num_queries(18):
        response = organiser.get(url)

    [inline] = [f for f in response.context["inline_admin_formsets"] if f.formset.model is CheckIn]
    assert len(inline.formset.forms) == n


# Wiring: the real admin site ----------------------------------------------------------------------

WIRING = """
import json
import django

django.setup()
from django.contrib import admin
from registration.models import CheckIn, Checkpoint, Registration

registrations = admin.site.get_model_admin(Registration)
print(json.dumps({
    "registered": [admin.site.is_registered(Checkpoint), admin.site.is_registered(CheckIn)],
    "actions": [getattr(action, "__name__", action) for action in registrations.actions],
    "inlines": [inline.__name__ for inline in registrations.inlines],
    "filters": [getattr(f, "__name__", f) for f in registrations.list_filter],
}))
"""


def test_django_autodiscovery_alone_puts_the_desk_in_the_admin():
    """In a fresh Python, where no test has imported registration.desk.admin."""
    env = os.environ | {"DJANGO_SETTINGS_MODULE": "wegov.settings"}

    result = subprocess.run(
        [sys.executable, "-c", WIRING], cwd=settings.BASE_DIR, env=env, capture_output=True, text=True, check=True
    )

    wiring = json.loads(result.stdout)
    assert wiring["registered"] == [True, True]
    assert {"print_badges_a6", "print_badges_a4"} <= set(wiring["actions"])
    assert "CheckInInline" in wiring["inlines"]
    assert "AttentionFilter" in wiring["filters"]


def test_organisers_find_checkpoints_and_check_ins_on_the_admin_index(organiser):
    response = organiser.get(reverse("admin:index"))

    assert response.wsgi_request.path == "/ko/admin/"
    [app] = [app for app in response.context["app_list"] if app["app_label"] == "registration"]
    models = {model["object_name"]: model for model in app["models"]}
    assert {"Checkpoint", "CheckIn", "Registration"} <= models.keys()
    assert models["Checkpoint"]["admin_url"] == admin_url("checkpoint_changelist")
    assert models["CheckIn"]["admin_url"] == admin_url("checkin_changelist")
    assert models["CheckIn"]["add_url"] is None  # the history is made at the desk


def test_desk_staff_do_not_get_the_admin_index(client):
    client.force_login(staff_user(DESK_STAFF, username="desk-10", is_staff=False))

    response = client.get(reverse("admin:index"))

    assert response.status_code == 302
    assert "login" in response["Location"]
