"""The scans a desk queued while offline, sent when the network returns
(POST api/queued/): applied one by one under the rules of a scan, idempotent
per scan id, recorded at the time they were made, bad items refused one by one."""

import json
import uuid
from datetime import date, timedelta

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from registration import checkin as checkins
from registration import services
from registration.desk import offline
from registration.models import CheckIn
from tests.factories import seoul
from tests.registration.desk_world import desk_url, post, register, staff_user

pytestmark = pytest.mark.usefixtures("no_mail_after_commit")

NOW = seoul(2010, 9, 7, 10, 0)
SENT_AT = 1_800_000_000_000  # the device's clock when it sent the queue (ms): wrong by years, and no matter


def queued(person, checkpoint, *, minutes_before=0, scan_id=None, device="tablet-1") -> dict:
    """A scan as desk-offline.js queues it, made `minutes_before` the queue was sent."""
    return {
        "id": scan_id or str(uuid.uuid4()),
        "checkpoint": checkpoint.slug,
        "registration": person.code,
        "at": SENT_AT - minutes_before * 60_000,
        "device": device,
    }


def send(client, scans, lang="en", sent_at=SENT_AT):
    return post(client, "api_queued", {"sent_at": sent_at, "scans": scans}, lang)


def results(response):
    return [(r["name"], r["result"]) for r in response.json()["results"]]


def test_queued_scans_are_checked_in_at_the_time_they_were_made(desk_client, desk_user, world, on_7_september):
    first = register(world.event, name="김민준")
    second = register(world.event, name="Ana Lima")
    scans = [queued(first, world.entrance_7, minutes_before=12), queued(second, world.entrance_7, minutes_before=3)]

    response = send(desk_client, scans)

    assert response.status_code == 200
    assert results(response) == [("김민준", "ok"), ("Ana Lima", "ok")]
    assert [r["message"] for r in response.json()["results"]] == ["Checked in at 09:48.", "Checked in at 09:57."]
    rows = {row.registration: row for row in CheckIn.objects.all()}
    assert rows[first].checked_in_at == NOW - timedelta(minutes=12)
    assert rows[second].checked_in_at == NOW - timedelta(minutes=3)
    assert str(rows[first].client_scan_id) == scans[0]["id"]
    assert (rows[first].device, rows[first].checked_in_by, rows[first].day) == ("tablet-1", desk_user, NOW.date())


def test_the_same_queue_sent_twice_from_two_devices_checks_in_once(desk_client, world, on_7_september):
    person = register(world.event, name="김민준")
    scans = [queued(person, world.entrance_7, minutes_before=5)]
    other_device = Client()
    other_device.force_login(staff_user("desk-2", "Desk staff"))

    first = send(desk_client, scans)
    again = send(other_device, scans, sent_at=SENT_AT + 60_000)

    assert results(first) == results(again) == [("김민준", "ok")]
    assert again.json()["results"][0]["message"] == "Sent before: checked in at 09:55."
    assert CheckIn.objects.count() == 1


def test_a_queued_scan_undone_since_and_sent_again_checks_no_one_in(desk_client, world, on_7_september):
    person = register(world.event, name="김민준")
    scans = [queued(person, world.entrance_7)]
    send(desk_client, scans)
    checkins.undo(checkin=CheckIn.objects.get())

    again = send(desk_client, scans)

    assert results(again) == [("김민준", "ok")]
    assert CheckIn.objects.filter(undone_at__isnull=True).count() == 0


def test_two_devices_queueing_one_person_give_one_check_in_and_one_already(desk_client, world, on_7_september):
    person = register(world.event, name="김민준")
    other_device = Client()
    other_device.force_login(staff_user("desk-2", "Desk staff"))

    first = send(desk_client, [queued(person, world.entrance_7, minutes_before=8, device="A")])
    second = send(other_device, [queued(person, world.entrance_7, minutes_before=2, device="B")])

    assert results(first) == [("김민준", "ok")]
    assert results(second) == [("김민준", "already")]
    assert second.json()["results"][0]["message"] == "Checked in at 09:52 at Entrance — 7 September."
    assert CheckIn.objects.get().device == "A"


def test_one_queue_with_one_person_twice_keeps_the_earliest_scan(desk_client, world, on_7_september):
    person = register(world.event, name="김민준")
    late, early = queued(person, world.entrance_7, minutes_before=1), queued(person, world.entrance_7, minutes_before=9)

    response = send(desk_client, [late, early])

    assert results(response) == [("김민준", "already"), ("김민준", "ok")]
    assert CheckIn.objects.get().checked_in_at == NOW - timedelta(minutes=9)


def test_queued_scans_follow_the_rules_of_a_scan(desk_client, world, on_7_september):
    cancelled = services.cancel(registration=register(world.event, name="Cancelled"))
    person = register(world.event, name="At the wrong door")

    response = send(desk_client, [queued(cancelled, world.entrance_7), queued(person, world.entrance_8)])

    data = response.json()["results"]
    assert [(r["result"], r["reason"], r["title"]) for r in data] == [
        ("refused", "cancelled", "Cancelled"),
        ("refused", "wrong_checkpoint", "Checkpoint closed"),
    ]
    assert not CheckIn.objects.exists()


def test_scans_from_another_day_are_refused_and_future_ones_recorded_now(desk_client, world, on_7_september):
    yesterday, person = register(world.event, name="Yesterday"), register(world.event, name="Future")
    scans = [queued(yesterday, world.entrance_7, minutes_before=11 * 60), queued(person, world.entrance_7)]
    scans[1]["at"] = SENT_AT + 3_600_000  # an hour after the queue was sent: a clock gone wrong

    response = send(desk_client, scans)

    assert [(r["result"], r["reason"]) for r in response.json()["results"]] == [("refused", "stale"), ("ok", "")]
    assert CheckIn.objects.get().checked_in_at == NOW


def test_without_sent_at_the_scan_time_is_read_as_is_and_never_later_than_now(desk_client, world, on_7_september):
    person = register(world.event, name="김민준")
    scan = queued(person, world.entrance_7)
    scan["at"] = int((NOW - timedelta(minutes=4)).timestamp() * 1000)

    post(desk_client, "api_queued", {"scans": [scan]})

    assert CheckIn.objects.get().checked_in_at == NOW - timedelta(minutes=4)


def test_bad_items_are_refused_one_by_one(desk_client, world, on_7_september):
    person = register(world.event, name="김민준")
    good = dict(queued(person, world.entrance_7), colour="blue", device="tab\x00let")  # unknown fields ignored
    scans = [
        "not an object",
        {"checkpoint": "entrance-7", "registration": person.code, "at": SENT_AT},  # no id
        dict(queued(person, world.entrance_7), id="1; DROP TABLE"),
        dict(queued(person, world.entrance_7), registration="\x00\ud800"),
        dict(queued(person, world.entrance_7), at=True),
        dict(queued(person, world.entrance_7), at="yesterday"),
        dict(queued(person, world.entrance_7), checkpoint="nowhere"),
        dict(queued(person, world.entrance_7), checkpoint=["entrance-7"]),
        dict(queued(person, world.entrance_7), registration="ZZZZ2222"),
        good,
    ]

    response = send(desk_client, scans)

    data = response.json()["results"]
    assert [(r["result"], r["reason"]) for r in data] == [
        ("invalid", "invalid"),
        ("invalid", "invalid"),
        ("invalid", "invalid"),
        ("invalid", "invalid"),
        ("invalid", "invalid"),
        ("invalid", "invalid"),
        ("invalid", "invalid"),
        ("invalid", "invalid"),
        ("refused", "unknown"),
        ("ok", ""),
    ]
    assert [r["message"] for r in data[:3]] == ["The scan has no valid id."] * 3
    assert data[6]["message"] == "Unknown checkpoint."
    assert CheckIn.objects.get().device == "tablet"


@pytest.mark.parametrize(
    ("body", "error"),
    [
        ("[1, 2]", "Send the queued scans (“scans”: a list)."),
        ('{"scans": []}', "Send the queued scans (“scans”: a list)."),
        ('{"scans": {"id": 1}}', "Send the queued scans (“scans”: a list)."),
        ("{not json", "The request is not valid JSON."),
        (json.dumps({"scans": [{}] * (offline.MAX_SCANS + 1)}), "Send at most 100 scans at a time."),
        (json.dumps({"scans": [{"device": "x" * offline.MAX_BODY}]}), "The request is too large."),
    ],
)
def test_a_bad_request_is_a_clear_error(desk_client, world, on_7_september, body, error):
    response = desk_client.post(desk_url("api_queued"), body, content_type="application/json")

    assert (response.status_code, response.json()) == (400, {"error": error})


def test_errors_speak_the_language_of_the_page(desk_client, world, on_7_september):
    person = register(world.event, name="김민준")

    response = send(desk_client, [queued(person, world.entrance_7), {"id": "x"}], lang="ko")

    data = response.json()["results"]
    assert (data[0]["title"], data[1]["message"]) == ("입장 확인 완료", "스캔에 올바른 번호가 없습니다.")


def test_queue_needs_the_desk_permission_and_a_get_is_refused(desk_client, world, on_7_september):
    person = register(world.event, name="김민준")
    anonymous = send(Client(), [queued(person, world.entrance_7)])
    not_staff = Client()
    not_staff.force_login(get_user_model().objects.create_user("not-staff"))
    other = send(not_staff, [queued(person, world.entrance_7)])
    get = desk_client.get(desk_url("api_queued"))

    assert (anonymous.status_code, other.status_code, get.status_code) == (403, 403, 405)
    assert not CheckIn.objects.exists()


def test_the_queue_needs_the_csrf_token(world, desk_user, on_7_september):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(desk_user)
    person = register(world.event, name="김민준")

    response = send(browser, [queued(person, world.entrance_7)])

    assert response.status_code == 403
    assert not CheckIn.objects.exists()


def test_in_a_rehearsal_a_queued_scan_is_recorded_on_the_rehearsal_day(desk_client, world, settings, time_machine):
    time_machine.move_to(seoul(2026, 12, 2, 10, 15), tick=False)
    settings.DESK_REHEARSAL_DAY = date(2010, 9, 7)
    person = register(world.event, name="김민준")

    response = send(desk_client, [queued(person, world.entrance_7, minutes_before=5)])

    assert results(response) == [("김민준", "ok")]
    checkin = CheckIn.objects.get()
    assert (checkin.day, checkin.checked_in_at) == (date(2010, 9, 7), seoul(2010, 9, 7, 10, 10))
