"""The audit trail of released seats and queued scans: the no-show job's release
is the system's ("no-show seat release"), an organiser's reversal is theirs, a
scan queued offline is the desk user's ("scan queued offline"), also when it
gives a released seat back at the room's door."""

import uuid

import pytest
from django.utils import translation

from events.models import Event, Session
from registration import history, noshows
from registration.models import Booking, CheckIn, SeatRelease
from tests.factories import seoul
from tests.registration.desk_world import post, register, staff_user
from tests.registration.test_audit import trail

pytestmark = pytest.mark.usefixtures("no_mail_after_commit")

SENT_AT = 1_800_000_000_000  # the device's clock when it sent the queue (ms)


@pytest.fixture
def releasing(world):
    """Released 15 minutes after the workshop starts (09:30 on 8 September)."""
    Event.objects.filter(pk=world.event.pk).update(no_show_release_minutes=15)
    Session.objects.filter(pk=world.workshop.pk).update(capacity=3)
    return world


def queued(person, checkpoint) -> dict:
    return {"id": str(uuid.uuid4()), "checkpoint": checkpoint.slug, "registration": person.code, "at": SENT_AT}


def booking_change(person, via: str):
    with translation.override("en"):
        return next(c for c in history.changes_of(person) if c.subject == "booking" and c.via == via)


def test_the_no_show_job_is_recorded_as_the_system_and_the_reversal_as_the_organiser(releasing):
    absent = register(releasing.event, name="Absent", sessions=[releasing.workshop])
    booking = Booking.objects.get(registration=absent)

    assert noshows.release_no_shows(now=seoul(2010, 9, 8, 9, 46)) == 1
    organiser = staff_user("orga")
    noshows.reverse(release=SeatRelease.objects.get(), user=organiser, now=seoul(2010, 9, 8, 10, 0))

    assert trail(Booking, id=booking.pk)[1:] == [
        ("~", "system", "", "no_show_release"),
        ("~", "organiser", "orga", ""),
    ]
    released = booking_change(absent, "no_show_release")
    assert (released.actor_label, released.via_label, released.user) == ("the system", "no-show seat release", "")
    assert [(f.name, f.after) for f in released.fields] == [("status", "Cancelled")]


def test_a_release_named_by_an_organiser_is_recorded_as_theirs(releasing):
    absent = register(releasing.event, name="Absent", sessions=[releasing.workshop])

    noshows.release_session(session=releasing.workshop, now=seoul(2010, 9, 8, 9, 46), user=staff_user("orga"))

    assert trail(Booking, registration=absent)[-1] == ("~", "organiser", "orga", "no_show_release")


def test_a_queued_scan_is_recorded_as_the_desk_user_also_when_it_gives_a_seat_back(
    desk_client, releasing, during_the_workshop
):
    late = register(releasing.event, name="Late", sessions=[releasing.workshop])
    other = register(releasing.event, name="Other")
    noshows.release_no_shows(now=seoul(2010, 9, 8, 9, 46))

    response = post(desk_client, "api_queued", {"sent_at": SENT_AT, "scans": [queued(late, releasing.door)]}, "en")
    post(desk_client, "api_queued", {"sent_at": SENT_AT, "scans": [queued(other, releasing.entrance_8)]}, "en")

    assert [r["result"] for r in response.json()["results"]] == ["ok"]
    assert trail(CheckIn, registration=late) == [("+", "desk", "desk-staff", "offline_queue")]
    assert trail(CheckIn, registration=other) == [("+", "desk", "desk-staff", "offline_queue")]
    assert trail(Booking, registration=late)[-1] == ("~", "desk", "desk-staff", "offline_queue")  # seat back
    with translation.override("ko"):
        scanned = next(c for c in history.changes_of(other) if c.subject == "check-in")
    assert (scanned.user, scanned.via_label) == ("desk-staff", "오프라인 대기열의 스캔")
