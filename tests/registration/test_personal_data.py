"""Everything stored about one person (an access request): as JSON and as a
page, from the admin (organisers: registration.export_person) and from the
person's own private page."""

import json
import re

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse as django_reverse
from django.utils import translation

from registration import checkin, roles, services
from registration.models import Checkpoint, CheckpointKind
from tests.factories import WorkshopFactory
from tests.registration.desk_world import staff_user
from tests.registration.pages import assert_private, manage_url, register_directly, text

pytestmark = pytest.mark.usefixtures("no_mail_after_commit")


@pytest.fixture
def person(clock, open_event):
    """Registered for a workshop, with news, checked in at the entrance on the workshop's day."""
    workshop = WorkshopFactory(event=open_event, title_en="U-City", title_ko="유시티")
    registration = register_directly(
        open_event, sessions=[workshop], name="Ana Lima", email="ana@example.org", organisation="Old Org"
    )
    services.set_news_consent(registration=registration, granted=True)
    services.update_details(registration=registration, person={"organisation": "New Org"})
    entrance = Checkpoint.objects.create(
        event=open_event, slug="entrance", name_en="Entrance", kind=CheckpointKind.ENTRANCE, day=workshop.local_day()
    )
    desk = staff_user("desk-person", roles.DESK_STAFF)
    outcome = checkin.check_in(checkpoint=entrance, registration=registration, user=desk, now=workshop.starts_at)
    assert outcome.result == "ok", outcome
    return registration


def reverse(name, args):
    with translation.override("en"):
        return django_reverse(name, args=args)


def organiser(client):
    user = get_user_model().objects.filter(username="orga").first() or staff_user("orga", roles.ORGANISERS)
    user.is_staff = True
    user.save()
    client.force_login(user)
    return client


def admin_json_url(registration):
    return reverse("admin:registration_personal_data_json", args=[registration.pk])


def test_admin_json_export_holds_everything_about_the_person(client, person):
    response = organiser(client).get(admin_json_url(person))

    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert f"personal-data-{person.code}.json" in response["Content-Disposition"]
    data = json.loads(response.content)
    assert set(data) == {
        "export_version",
        "exported_at",
        "event",
        "registration",
        "bookings",
        "consents",
        "checkins",
        "mails",
        "history",
    }
    fields = data["registration"]
    assert (fields["code"], fields["name"], fields["email"]) == (person.code, "Ana Lima", "ana@example.org")
    assert (fields["organisation"], fields["country"], fields["status"]) == ("New Org", "KR", "confirmed")
    assert fields["created_at"] == "2010-08-20T10:00:00+09:00"  # in the event's time zone
    assert [(b["session"], b["status"]) for b in data["bookings"]] == [("U-City", "confirmed")]
    consents = {(c["kind"], c["granted"], c["text_version"], c["language"]) for c in data["consents"]}
    assert ("privacy", True, services.PRIVACY_TEXT_VERSION, "ko") in consents
    assert ("news", True, services.NEWS_TEXT_VERSION, "ko") in consents
    assert [c["checkpoint"] for c in data["checkins"]] == ["Entrance"]
    assert [(m["kind"], m["to"], m["status"]) for m in data["mails"]] == [("confirmation", "ana@example.org", "queued")]
    changed = [h for h in data["history"] if h["object"] == "registration" and h["action"] == "changed"]
    assert [(c["field"], c["before"], c["after"]) for c in changed[-1]["changes"]] == [
        ("organisation", "Old Org", "New Org")
    ]
    assert {h["object"] for h in data["history"]} == {"registration", "booking", "consent", "check-in"}
    checked_in = next(h for h in data["history"] if h["object"] == "check-in")
    assert ("checked_in_by", "desk-person") in {(c["field"], c["after"]) for c in checked_in["changes"]}


def test_admin_export_page_reads_as_a_page(client, person):
    response = organiser(client).get(reverse("admin:registration_personal_data", args=[person.pk]))

    page = text(response)
    assert "Personal data of " + person.code in page
    assert "Ana Lima" in page
    assert "U-City" in page
    assert "Registration confirmation" in page  # the mail, by its kind
    assert admin_json_url(person) in response.content.decode()
    change_page = organiser(client).get(reverse("admin:registration_registration_change", args=[person.pk]))
    assert reverse("admin:registration_personal_data", args=[person.pk]) in change_page.content.decode()


@pytest.mark.parametrize("role", ["desk", "staff_without_permission"])
def test_export_is_for_organisers_only(client, person, role):
    if role == "desk":
        user = staff_user("desk", roles.DESK_STAFF)
    else:
        user = get_user_model().objects.create_user("clerk", is_staff=True)
        user.user_permissions.add(
            *roles.ensure_groups()[roles.ORGANISERS].permissions.exclude(codename="export_person")
        )
    client.force_login(user)

    response = client.get(admin_json_url(person))

    assert response.status_code in (302, 403)
    assert b"ana@example.org" not in response.content
    if role != "desk":
        change_page = client.get(reverse("admin:registration_registration_change", args=[person.pk]))
        assert reverse("admin:registration_personal_data", args=[person.pk]) not in change_page.content.decode()


def test_the_person_sees_and_downloads_their_data_from_their_private_page(client, person):
    manage = client.get(manage_url(person)).content.decode()
    assert manage_url(person, "my_data") in manage
    assert manage_url(person, "my_data_json") in manage

    page = client.get(manage_url(person, "my_data"))
    download = client.get(manage_url(person, "my_data_json"))

    assert_private(page)
    assert_private(download)
    assert "Ana Lima" in text(page)
    assert "Old Org" in text(page)  # the history: before -> after
    data = json.loads(download.content)
    assert data["registration"]["email"] == "ana@example.org"
    assert all(row["user"] is None for row in data["history"])  # staff named by their role only
    assert b"desk-person" not in download.content
    assert "desk-person" not in page.content.decode()


def test_the_person_reads_their_data_in_korean(client, person):
    page = client.get(manage_url(person, "my_data", lang="ko"))

    assert "내 개인정보" in text(page)
    assert "변경 기록" in text(page)


def test_an_unknown_secret_exports_nothing(client, person):
    response = client.get(manage_url(person, "my_data_json").replace(person.manage_secret, "x" * 32))

    assert response.status_code == 404
    assert b"ana@example.org" not in response.content


def test_the_wide_tables_of_the_export_page_scroll_in_boxes_the_keyboard_reaches(client, person):
    """Each table that may scroll sideways on a phone is in a box that takes the
    keyboard's focus and is named by its section's heading."""
    page = organiser(client).get(reverse("admin:registration_personal_data", args=[person.pk])).content.decode()

    boxes = re.findall(r'<div class="table-responsive audit-scroll"[^>]*>', page)
    assert boxes
    for box in boxes:
        assert 'role="region" tabindex="0" aria-labelledby="pd-' in box
    for heading in re.findall(r'aria-labelledby="(pd-[a-z]+)"', "".join(boxes)):
        assert f'<h2 id="{heading}">' in page
