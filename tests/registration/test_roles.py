"""registration.roles: the staff groups exist after migrate; demo accounts only on
a development site, idempotent; the organiser uses the admin and desk staff cannot."""

from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.core.management import call_command
from django.core.management.base import CommandError

from registration.roles import DESK_STAFF, ORGANISER_DEVICE_PERMISSIONS, ORGANISERS, VIEWERS, ensure_groups
from tests.factories import EventFactory

pytestmark = pytest.mark.django_db

User = get_user_model()
ADMIN = "/ko/admin/"


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def demo_allowed(settings):
    settings.DEMO_ACCOUNTS_ALLOWED = True
    settings.SITE_URL = "http://127.0.0.1:8000"


def create_demo_accounts() -> str:
    out = StringIO()
    call_command("create_demo_accounts", stdout=out)
    return out.getvalue()


def permission_names(group: Group) -> set[str]:
    return {f"{p.content_type.app_label}.{p.codename}" for p in group.permissions.select_related("content_type")}


def test_groups_exist_after_migrate():
    assert set(Group.objects.values_list("name", flat=True)) >= {ORGANISERS, DESK_STAFF, VIEWERS}


def test_organisers_hold_every_permission_of_the_programme_and_registration():
    expected = {
        f"{p.content_type.app_label}.{p.codename}"
        # and the General Assembly's, which assembly/roles.py grants them
        for p in Permission.objects.filter(content_type__app_label__in=["events", "registration", "assembly"])
    }

    names = permission_names(Group.objects.get(name=ORGANISERS))

    # And may see and remove two-factor devices (a lost phone), never add or change one.
    assert names == expected | set(ORGANISER_DEVICE_PERMISSIONS)
    assert {"events.change_session", "events.add_speaker", "events.delete_exhibitor"} <= names
    assert {"registration.print_badges", "registration.export_registrations"} <= names
    assert not {"otp_totp.add_totpdevice", "otp_totp.change_totpdevice", "otp_static.view_statictoken"} & names


def test_viewers_hold_only_view_permissions_and_the_dashboard():
    expected = {
        f"{p.content_type.app_label}.{p.codename}"
        # and the General Assembly's view permissions, which assembly/roles.py grants them
        for p in Permission.objects.filter(content_type__app_label__in=["events", "registration", "assembly"])
        if p.codename.startswith("view_")
    }

    names = permission_names(Group.objects.get(name=VIEWERS))

    assert names == expected
    assert {"registration.view_dashboard", "registration.view_registration", "events.view_session"} <= names
    forbidden = {
        "registration.export_registrations",
        "registration.print_badges",
        "registration.use_desk",
        "registration.export_person",
        "registration.erase_person",
        "registration.send_mailing",
        "registration.import_delegation",
    }
    assert not forbidden & names


def test_desk_staff_hold_only_the_desk_permission():
    assert permission_names(Group.objects.get(name=DESK_STAFF)) == {"registration.use_desk"}


def test_migrate_recreates_deleted_groups():
    Group.objects.filter(name__in=[ORGANISERS, DESK_STAFF, VIEWERS]).delete()

    call_command("migrate", verbosity=0)

    assert Group.objects.get(name=ORGANISERS).permissions.filter(codename="change_session").exists()
    assert Group.objects.filter(name=DESK_STAFF).exists()
    assert Group.objects.get(name=VIEWERS).permissions.filter(codename="view_session").exists()


def test_ensure_groups_twice_changes_nothing():
    before = {name: permission_names(Group.objects.get(name=name)) for name in (ORGANISERS, DESK_STAFF, VIEWERS)}

    ensure_groups()
    ensure_groups()

    assert Group.objects.filter(name__in=[ORGANISERS, DESK_STAFF, VIEWERS]).count() == 3
    assert {name: permission_names(Group.objects.get(name=name)) for name in before} == before


def test_ensure_groups_keeps_a_permission_granted_by_hand():
    desk = Group.objects.get(name=DESK_STAFF)
    desk.permissions.add(Permission.objects.get(content_type__app_label="events", codename="view_session"))

    ensure_groups()

    assert "events.view_session" in permission_names(desk)


def test_create_demo_accounts_refuses_when_not_allowed(settings):
    settings.DEMO_ACCOUNTS_ALLOWED = False

    with pytest.raises(CommandError, match="DEMO_ACCOUNTS_ALLOWED"):
        create_demo_accounts()

    assert not User.objects.filter(username__in=["organiser", "desk", "viewer"]).exists()


def test_create_demo_accounts_prints_the_log_ins(demo_allowed):
    output = create_demo_accounts()

    assert "http://127.0.0.1:8000/ko/admin/" in output
    assert "http://127.0.0.1:8000/ko/desk/ (the check-in desk only)" in output
    assert "username: organiser  password: wego-organiser-2010  (created)" in output
    assert "username: desk  password: wego-desk-2010  (created)" in output
    assert "Viewers: http://127.0.0.1:8000/ko/admin/  username: viewer  password: wego-viewer-2010  (created)" in output


def test_demo_organiser_is_staff_in_organisers_but_not_superuser(demo_allowed):
    create_demo_accounts()

    organiser = User.objects.get(username="organiser")
    assert (organiser.is_staff, organiser.is_superuser, organiser.is_active) == (True, False, True)
    assert list(organiser.groups.values_list("name", flat=True)) == [ORGANISERS]
    assert organiser.has_perm("events.change_session")
    assert organiser.check_password("wego-organiser-2010")


def test_demo_desk_staff_is_not_staff_and_in_desk_staff(demo_allowed):
    create_demo_accounts()

    desk = User.objects.get(username="desk")
    assert (desk.is_staff, desk.is_superuser, desk.is_active) == (False, False, True)
    assert list(desk.groups.values_list("name", flat=True)) == [DESK_STAFF]
    assert desk.has_perm("registration.use_desk")
    assert not desk.has_perm("events.change_session")
    assert desk.check_password("wego-desk-2010")


def test_create_demo_accounts_twice_changes_nothing(demo_allowed):
    create_demo_accounts()
    before = list(User.objects.order_by("pk").values("pk", "username", "password", "is_staff", "is_superuser"))

    output = create_demo_accounts()

    assert list(User.objects.order_by("pk").values("pk", "username", "password", "is_staff", "is_superuser")) == before
    assert output.count("(unchanged)") == 3


def test_create_demo_accounts_resets_a_changed_demo_account(demo_allowed):
    create_demo_accounts()
    organiser = User.objects.get(username="organiser")
    organiser.is_superuser = True
    organiser.set_password("something-else")
    organiser.save()
    organiser.groups.clear()

    output = create_demo_accounts()

    organiser.refresh_from_db()
    assert "username: organiser  password: wego-organiser-2010  (updated)" in output
    assert organiser.is_superuser is False
    assert organiser.check_password("wego-organiser-2010")
    assert list(organiser.groups.values_list("name", flat=True)) == [ORGANISERS]


def test_demo_organiser_can_use_the_admin(client, demo_allowed):
    create_demo_accounts()

    assert client.login(username="organiser", password="wego-organiser-2010")
    response = client.get(ADMIN)

    assert response.status_code == 200
    assert "admin/index.html" in [t.name for t in response.templates]
    assert "events" in {app["app_label"] for app in response.context["app_list"]}


def test_demo_desk_staff_cannot_use_the_admin(client, demo_allowed):
    create_demo_accounts()

    assert client.login(username="desk", password="wego-desk-2010")
    response = client.get(ADMIN)

    assert response.status_code == 302
    assert response["Location"].startswith("/ko/admin/login/")


def test_demo_viewer_is_staff_in_viewers_and_may_only_look(demo_allowed):
    create_demo_accounts()

    viewer = User.objects.get(username="viewer")
    assert (viewer.is_staff, viewer.is_superuser, viewer.is_active) == (True, False, True)
    assert list(viewer.groups.values_list("name", flat=True)) == [VIEWERS]
    assert viewer.has_perm("registration.view_registration")
    assert viewer.has_perm("registration.view_dashboard")
    assert not viewer.has_perm("registration.change_registration")
    assert not viewer.has_perm("registration.export_registrations")
    assert viewer.check_password("wego-viewer-2010")


def test_demo_viewer_sees_the_admin_read_only(client, demo_allowed):
    create_demo_accounts()

    assert client.login(username="viewer", password="wego-viewer-2010")
    response = client.get(ADMIN)

    assert response.status_code == 200
    registration_app = next(app for app in response.context["app_list"] if app["app_label"] == "registration")
    registrations = next(m for m in registration_app["models"] if m["object_name"] == "Registration")
    assert registrations["perms"] == {"add": False, "change": False, "delete": False, "view": True}


def test_viewers_see_the_dashboard_without_the_export_links(client):
    event = EventFactory()
    viewer = User.objects.create_user(username="partner", password="x", is_staff=True)
    viewer.groups.add(Group.objects.get(name=VIEWERS))
    client.force_login(viewer)

    html = client.get("/ko/admin/dashboard/").content.decode()

    assert event.name in html
    assert "attendees.csv" not in html
    assert "attendees.xlsx" not in html
    assert client.get("/ko/admin/dashboard/attendees.csv").status_code == 403
