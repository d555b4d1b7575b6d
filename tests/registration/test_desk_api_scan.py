"""The desk's JSON API, scanning: every answer the desk can give (admitted, a
scanner typing in Hangul mode, refused for each reason) and the counters."""

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from events.models import Session
from registration import services
from registration.checkin import REASONS, Attention, attention_of
from registration.models import CheckIn, Registration, Status
from tests.factories import EventFactory, WorkshopFactory, seoul
from tests.registration.desk_world import desk_url, post, register, scan, search

pytestmark = pytest.mark.usefixtures("no_mail_after_commit")


# Admitted ----------------------------------------------------------------------------


def test_scan_of_a_confirmed_ticket_checks_in(desk_client, desk_user, world, on_7_september):
    person = register(world.event, name="김민준", organisation="Seoul Metropolitan Government")

    response = scan(desk_client, world.entrance_7, person.ticket_secret, HTTP_X_DESK_DEVICE="tablet-1")

    assert response.status_code == 200
    data = response.json()
    assert (data["result"], data["reason"], data["title"]) == ("ok", "", "Checked in")
    assert data["attendee"] == {
        "name": "김민준",
        "organisation": "Seoul Metropolitan Government",
        "category": "citizen",
        "category_label": "Citizen",
        "status": "confirmed",
        "status_label": "Confirmed",
        "code": person.code,
        "attention": False,
        "attention_note": "",
        "sessions": [],
    }
    checkin = CheckIn.objects.get()
    assert data["checkin"] == {
        "id": checkin.pk,
        "at": "2010-09-07T10:00:00+09:00",
        "time": "10:00",
        "checkpoint": "Entrance — 7 September",
        "undone": False,
    }
    assert (checkin.registration, checkin.checkpoint, checkin.day) == (person, world.entrance_7, world.entrance_7.day)
    assert (checkin.checked_in_by, checkin.device) == (desk_user, "tablet-1")
    assert data["counters"]["registered"] == 1
    assert data["counters"]["entered_today"] == 1
    assert data["counters"]["here_today"] == 1


def test_scan_stores_the_device_named_in_the_body(desk_client, world, on_7_september):
    person = register(world.event, name="Ana Lima")

    post(
        desk_client,
        "api_checkin",
        {"checkpoint": "entrance-7", "ticket": person.ticket_secret, "device": "laptop\x00 at door 2"},
    )

    assert CheckIn.objects.get().device == "laptop at door 2"


def test_typed_registration_code_checks_in_whatever_its_case_and_dashes(desk_client, world, on_7_september):
    person = register(world.event, name="Ana Lima")
    typed = f"{person.code[:4].lower()}-{person.code[4:].lower()}"

    data = scan(desk_client, world.entrance_7, typed).json()

    assert data["result"] == "ok"
    assert data["attendee"]["code"] == person.code


def test_picked_search_result_checks_in_by_registration_code(desk_client, world, on_7_september):
    person = register(world.event, name="Ana Lima")

    data = post(desk_client, "api_checkin", {"checkpoint": "entrance-7", "registration": person.code}).json()

    assert data["result"] == "ok"
    assert CheckIn.objects.filter(registration=person).count() == 1


def test_second_scan_says_already_checked_in_with_when_and_where(desk_client, world, on_7_september, time_machine):
    person = register(world.event, name="Ana Lima")
    first = scan(desk_client, world.entrance_7, person.ticket_secret).json()
    time_machine.move_to(seoul(2010, 9, 7, 10, 25), tick=False)

    data = scan(desk_client, world.entrance_7, person.ticket_secret).json()

    assert (data["result"], data["title"]) == ("already", "Already checked in")
    assert data["message"] == "Checked in at 10:00 at Entrance — 7 September."
    assert data["checkin"]["id"] == first["checkin"]["id"]
    assert data["checkin"]["at"] == "2010-09-07T10:00:00+09:00"
    assert CheckIn.objects.count() == 1
    assert data["counters"]["entered_today"] == 1


def test_attendee_flagged_for_attention_carries_the_note(desk_client, world, on_7_september):
    person = register(world.event, name="Wheelchair User")
    Registration.objects.filter(pk=person.pk).update(
        needs_attention=True, attention_note="Wheelchair: seat by the aisle"
    )

    data = scan(desk_client, world.entrance_7, person.ticket_secret).json()

    assert data["result"] == "ok"
    assert data["attendee"]["attention"] is True
    assert data["attendee"]["attention_note"] == "Wheelchair: seat by the aisle"


def test_attention_note_is_not_sent_unless_flagged(desk_client, world, on_7_september):
    person = register(world.event, name="Someone")
    Registration.objects.filter(pk=person.pk).update(attention_note="stale note")

    data = scan(desk_client, world.entrance_7, person.ticket_secret).json()

    assert (data["attendee"]["attention"], data["attendee"]["attention_note"]) == (False, "")


def register_with_needs(event, *, name: str, needs: str, consent: bool = True) -> Registration:
    """Needs given with the sensitive-information consent, as the public form takes them;
    consent=False stores needs without it (typed in by hand), which the desk must not show."""
    person = {"name": name, "country": "KR", "language": "en", "category": "citizen"}
    if consent:
        person["needs"] = needs
    registration = services.register(
        event=event, person=person, session_ids=[], sensitive_consent=consent, walk_in=True
    ).registration
    if not consent:
        Registration.objects.filter(pk=registration.pk).update(needs=needs)
    return registration


def test_needs_given_with_consent_mark_the_attendee_without_an_organiser(desk_client, world, on_7_september):
    person = register_with_needs(world.event, name="Ana Lima", needs="Wheelchair access\n\n  vegetarian   meal ")

    data = scan(desk_client, world.entrance_7, person.ticket_secret).json()

    assert data["result"] == "ok"
    assert data["attendee"]["attention"] is True
    assert data["attendee"]["attention_note"] == "Needs: Wheelchair access / vegetarian meal"


def test_the_note_shows_the_organisers_note_and_the_needs(desk_client, world, on_7_september):
    person = register_with_needs(world.event, name="Mayor Kim", needs="Sign language interpreter")
    Registration.objects.filter(pk=person.pk).update(needs_attention=True, attention_note="VIP: mayor of Busan")

    data = scan(desk_client, world.entrance_7, person.ticket_secret).json()

    assert data["attendee"]["attention"] is True
    assert data["attendee"]["attention_note"] == "VIP: mayor of Busan · Needs: Sign language interpreter"


def test_a_flag_without_a_note_still_marks_the_attendee(desk_client, world, on_7_september):
    person = register(world.event, name="Quiet VIP")
    Registration.objects.filter(pk=person.pk).update(needs_attention=True)

    data = scan(desk_client, world.entrance_7, person.ticket_secret).json()

    assert (data["attendee"]["attention"], data["attendee"]["attention_note"]) == (True, "")


def test_needs_without_the_consent_are_never_shown(desk_client, world, on_7_september):
    person = register_with_needs(world.event, name="Ana Lima", needs="Diabetic meal", consent=False)

    scanned = scan(desk_client, world.entrance_7, person.ticket_secret).json()
    found = search(desk_client, "ana lima").json()["results"]

    assert (scanned["attendee"]["attention"], scanned["attendee"]["attention_note"]) == (False, "")
    assert "Diabetic" not in json.dumps(scanned)
    assert [match["attention"] for match in found] == [False]


def test_needs_show_when_checked_in_again_but_not_when_refused(desk_client, world, on_7_september):
    person = register_with_needs(world.event, name="Ana Lima", needs="Wheelchair access")
    scan(desk_client, world.entrance_7, person.ticket_secret)

    again = scan(desk_client, world.entrance_7, person.ticket_secret).json()
    Registration.objects.filter(pk=person.pk).update(status=Status.WAITLISTED)
    refused = scan(desk_client, world.entrance_7, person.ticket_secret).json()

    assert (again["result"], again["attendee"]["attention_note"]) == ("already", "Needs: Wheelchair access")
    assert (refused["result"], refused["attendee"]["attention_note"]) == ("refused", "")
    assert "Wheelchair" not in json.dumps(refused)


@pytest.mark.parametrize("status", [Status.CANCELLED, Status.REJECTED])
def test_a_cancelled_or_refused_registration_shows_no_sensitive_note(desk_client, world, on_7_september, status):
    person = register_with_needs(world.event, name="Ana Lima", needs="Diabetic meal")
    Registration.objects.filter(pk=person.pk).update(
        status=status, needs_attention=True, attention_note="Wheelchair: seat by the aisle"
    )

    scanned = scan(desk_client, world.entrance_7, person.ticket_secret).json()
    found = search(desk_client, "ana lima").json()["results"]

    assert scanned["result"] == "refused"
    assert (scanned["attendee"]["attention"], scanned["attendee"]["attention_note"]) == (False, "")
    assert "Diabetic" not in json.dumps(scanned)
    assert "Wheelchair" not in json.dumps(scanned)
    assert [match["attention"] for match in found] == [False]


# A scanner typing in the Korean input method's Hangul mode ---------------------------


def test_a_ticket_typed_in_hangul_mode_checks_in_as_if_typed_in_latin(desk_client, world, on_7_september):
    person = register(world.event, name="김민준")
    Registration.objects.filter(pk=person.pk).update(ticket_secret="Gksrnr-dkssud_2010-rkrtQwEr")
    # What 2-set Hangul mode makes of those keys: syllables, a final cluster (ㄳ), Shift's ㅃ/ㄸ.
    typed = "한국-안녕_2010-갃ㅃㅈㄸㄱ"

    data = scan(desk_client, world.entrance_7, typed).json()

    assert (data["result"], data["attendee"]["code"]) == ("ok", person.code)
    assert CheckIn.objects.get().registration == person


def test_a_registration_code_typed_in_hangul_mode_checks_in(desk_client, world, on_7_september):
    person = register(world.event, name="Ana Lima")
    Registration.objects.filter(pk=person.pk).update(code="ABCD2345")

    data = scan(desk_client, world.entrance_7, "뮤ㅊㅇ-2345").json()

    assert (data["result"], data["attendee"]["code"]) == ("ok", "ABCD2345")


def test_a_korean_name_is_not_taken_for_a_ticket(desk_client, world, on_7_september):
    register(world.event, name="김민준")

    data = scan(desk_client, world.entrance_7, "김민준").json()

    assert (data["result"], data["reason"]) == ("refused", "unknown")


@pytest.mark.parametrize(
    ("typed", "keys"),
    [
        ("안녕", "dkssud"),
        ("갃", "rkrt"),
        ("ㅃㅉㄸㄲㅆㅒㅖ", "QWERTOP"),
        ("왜", "dho"),
        ("뷁", "qnpfr"),
        ("a-1_", "a-1_"),
    ],
)
def test_latin_keys_of_hangul_mode_text(typed, keys):
    from registration.hangul import latin_keys

    assert latin_keys(typed) == keys


def test_search_marks_attendees_with_needs_but_sends_no_needs(desk_client, world, on_7_september):
    person = register_with_needs(world.event, name="Ana Lima", needs="Wheelchair access")
    register(world.event, name="Ana Silva")

    data = search(desk_client, "ana").json()

    assert [(match["name"], match["attention"]) for match in data["results"]] == [
        ("Ana Lima", True),
        ("Ana Silva", False),
    ]
    assert "Wheelchair" not in json.dumps(data)  # the needs are read once the person is checked in
    picked = post(desk_client, "api_checkin", {"checkpoint": "entrance-7", "registration": person.code}).json()
    assert picked["attendee"]["attention_note"] == "Needs: Wheelchair access"


def test_attention_costs_no_query(desk_client, world, on_7_september):
    plain = register(world.event, name="Plain")
    with_needs = register_with_needs(world.event, name="With needs", needs="Wheelchair access")
    scan(desk_client, world.entrance_7, register(world.event, name="Warm-up").ticket_secret)
    counts = {}

    for person in (plain, with_needs):
        with CaptureQueriesContext(connection) as queries:
            scan(desk_client, world.entrance_7, person.ticket_secret)
        counts[person.name] = len(queries)

    assert counts["With needs"] == counts["Plain"]


def test_attention_of_a_registration_read_without_the_annotation(world):
    person = register_with_needs(world.event, name="Ana Lima", needs="Wheelchair access")
    hidden = register_with_needs(world.event, name="Ana Silva", needs="Diabetic meal", consent=False)

    with translation.override("en"):
        assert attention_of(Registration.objects.get(pk=person.pk)) == Attention(True, "Needs: Wheelchair access")
    with translation.override("ko"):
        assert attention_of(Registration.objects.get(pk=person.pk)) == Attention(True, "요청 사항: Wheelchair access")
    assert attention_of(Registration.objects.get(pk=hidden.pk)) == Attention(False, "")


def test_messages_follow_the_language_of_the_url(desk_client, world, on_7_september):
    with translation.override("ko"):
        expected = str(REASONS["unknown"])

    data = post(desk_client, "api_checkin", {"checkpoint": "entrance-7", "ticket": "nothing-like-it"}, lang="ko").json()

    assert data["message"] == expected


# Refused, one test per reason --------------------------------------------------------


def test_unknown_ticket_is_refused(desk_client, world, on_7_september):
    data = scan(desk_client, world.entrance_7, "x" * 32).json()

    assert (data["result"], data["reason"], data["title"]) == ("refused", "unknown", "Unknown code")
    assert data["message"] == str(REASONS["unknown"])
    assert data["advice"]
    assert data["attendee"] is None
    assert data["checkin"] is None
    assert CheckIn.objects.count() == 0


def test_ticket_of_another_event_is_unknown(desk_client, world, on_7_september):

    other = EventFactory(slug="wego-2011", is_current=False, registration_opens_at=None, registration_closes_at=None)
    stranger = register(other, name="From another year")

    data = scan(desk_client, world.entrance_7, stranger.ticket_secret).json()

    assert (data["result"], data["reason"]) == ("refused", "unknown")


def test_cancelled_registration_is_refused(desk_client, world, on_7_september):
    person = register(world.event, name="Changed Mind")
    services.cancel(registration=person)

    data = scan(desk_client, world.entrance_7, person.ticket_secret).json()

    assert (data["result"], data["reason"], data["title"]) == ("refused", "cancelled", "Cancelled")
    assert data["message"] == str(REASONS["cancelled"])
    assert data["attendee"]["name"] == "Changed Mind"
    assert data["attendee"]["status_label"] == "Cancelled"
    assert CheckIn.objects.count() == 0


def test_waitlisted_registration_is_refused(desk_client, world, on_7_september):
    person = register(world.event, name="Waiting")
    Registration.objects.filter(pk=person.pk).update(status=Status.WAITLISTED)

    data = scan(desk_client, world.entrance_7, person.ticket_secret).json()

    assert (data["result"], data["reason"], data["title"]) == ("refused", "waitlisted", "Waiting list")
    assert data["message"] == str(REASONS["waitlisted"])


def test_registration_awaiting_approval_is_refused(desk_client, world, on_7_september):
    person = register(world.event, name="Reporter", category="press")
    assert person.status == Status.PENDING

    data = scan(desk_client, world.entrance_7, person.ticket_secret).json()

    assert (data["result"], data["reason"], data["title"]) == ("refused", "pending", "Awaiting approval")
    assert data["message"] == str(REASONS["pending"])


def test_rejected_registration_is_refused(desk_client, world, on_7_september):
    person = register(world.event, name="Not A Delegate", category="delegate")
    services.reject(registration=person)

    data = scan(desk_client, world.entrance_7, person.ticket_secret).json()

    assert (data["result"], data["reason"], data["title"]) == ("refused", "rejected", "Not approved")
    assert data["message"] == str(REASONS["rejected"])


def test_room_door_refuses_a_person_without_a_seat_when_every_seat_is_taken(desk_client, world, during_the_workshop):
    Session.objects.filter(pk=world.workshop.pk).update(capacity=1)
    register(world.event, name="Booked", sessions=[world.workshop])
    person = register(world.event, name="No Seat")

    data = scan(desk_client, world.door, person.ticket_secret).json()

    assert (data["result"], data["reason"], data["title"]) == ("refused", "full", "Room full")
    assert data["message"] == str(REASONS["full"])
    assert data["session"]["title"] == "U-City"
    assert CheckIn.objects.count() == 0


def test_room_door_lets_a_person_without_a_seat_in_while_seats_are_free(desk_client, world, during_the_workshop):
    person = register(world.event, name="No Seat")

    data = scan(desk_client, world.door, person.ticket_secret).json()

    assert (data["result"], data["seat_note"]) == ("ok", "No booking: let in to a free seat.")
    assert CheckIn.objects.get().session == world.workshop


def test_room_door_admits_a_booked_person_into_the_session(desk_client, world, during_the_workshop):
    person = register(world.event, name="Booked", sessions=[world.workshop])

    data = scan(desk_client, world.door, person.ticket_secret).json()

    assert data["result"] == "ok"
    assert data["attendee"]["sessions"] == [
        {
            "title": "U-City",
            "starts_at": "2010-09-08T09:30:00+09:00",
            "ends_at": "2010-09-08T12:00:00+09:00",
            "when": "September 8 09:30–12:00",
            "room": "Workshop room 1",
            "current": True,
        }
    ]
    assert CheckIn.objects.get().session == world.workshop
    session = data["counters"]["session"]
    assert (session["booked"], session["capacity"], session["inside"]) == (1, 30, 1)


def test_room_door_admits_again_for_the_afternoon_session_in_the_same_room(desk_client, world, time_machine):
    afternoon = WorkshopFactory(
        event=world.event,
        room=world.room,
        slug="gis-afternoon",
        title_en="GIS",
        starts_at=seoul(2010, 9, 8, 14, 0),
        ends_at=seoul(2010, 9, 8, 16, 0),
        capacity=30,
    )
    person = register(world.event, name="Both", sessions=[world.workshop, afternoon])
    time_machine.move_to(seoul(2010, 9, 8, 10, 0), tick=False)
    morning = scan(desk_client, world.door, person.ticket_secret).json()
    time_machine.move_to(seoul(2010, 9, 8, 13, 50), tick=False)

    first = scan(desk_client, world.door, person.ticket_secret).json()
    again = scan(desk_client, world.door, person.ticket_secret).json()

    assert (morning["result"], morning["session"]["title"]) == ("ok", "U-City")
    assert (first["result"], first["session"]["title"]) == ("ok", "GIS")
    assert (again["result"], again["checkin"]["id"]) == ("already", first["checkin"]["id"])
    assert again["checkin"]["time"] == "13:50"
    assert sorted(CheckIn.objects.values_list("session__slug", flat=True)) == ["gis-afternoon", "u-city"]
    assert again["counters"]["session"]["inside"] == 1


def test_search_at_a_room_door_marks_people_inside_the_current_session_only(desk_client, world, time_machine):
    afternoon = WorkshopFactory(
        event=world.event,
        room=world.room,
        slug="gis-afternoon",
        starts_at=seoul(2010, 9, 8, 14, 0),
        ends_at=seoul(2010, 9, 8, 16, 0),
        capacity=30,
    )
    person = register(world.event, name="Park Morning", sessions=[world.workshop, afternoon])
    time_machine.move_to(seoul(2010, 9, 8, 10, 0), tick=False)
    scan(desk_client, world.door, person.ticket_secret)

    morning = desk_client.get(desk_url("api_search"), {"q": "park", "checkpoint": world.door.slug}).json()
    time_machine.move_to(seoul(2010, 9, 8, 13, 50), tick=False)
    later = desk_client.get(desk_url("api_search"), {"q": "park", "checkpoint": world.door.slug}).json()

    assert [m["checked_in_here"] for m in morning["results"]] == [True]
    assert [m["checked_in_here"] for m in later["results"]] == [False]


def test_ticket_not_valid_on_this_day_is_refused(desk_client, world, time_machine):
    time_machine.move_to(seoul(2010, 9, 6, 9, 0), tick=False)  # delegates only
    citizen = register(world.event, name="Citizen")

    data = scan(desk_client, world.entrance_6, citizen.ticket_secret).json()

    assert (data["result"], data["reason"], data["title"]) == ("refused", "wrong_day", "Not valid today")
    assert data["message"] == str(REASONS["wrong_day"])


def test_delegate_is_admitted_on_the_delegates_day(desk_client, world, time_machine):
    time_machine.move_to(seoul(2010, 9, 6, 9, 0), tick=False)
    delegate = register(world.event, name="Delegate", category="delegate")
    services.approve(registration=delegate)

    data = scan(desk_client, world.entrance_6, delegate.ticket_secret).json()

    assert data["result"] == "ok"


def test_entrance_of_another_day_is_refused(desk_client, world, on_7_september):
    person = register(world.event, name="Early")

    data = scan(desk_client, world.entrance_8, person.ticket_secret).json()

    assert (data["result"], data["reason"], data["title"]) == ("refused", "wrong_checkpoint", "Checkpoint closed")
    assert data["message"] == str(REASONS["wrong_checkpoint"])


# Counters ----------------------------------------------------------------------------


def test_counters_of_an_entrance(desk_client, world, on_7_september):
    people = [register(world.event, name=f"Person {n}") for n in range(3)]
    services.cancel(registration=register(world.event, name="Gone"))
    for person in people[:2]:
        scan(desk_client, world.entrance_7, person.ticket_secret)

    data = desk_client.get(desk_url("api_counters"), {"checkpoint": "entrance-7"}).json()

    assert data == {
        "counters": {"day": "2010-09-07", "registered": 3, "entered_today": 2, "here_today": 2, "session": None}
    }


def test_counters_of_a_room_door_count_seats_and_people_inside(desk_client, world, during_the_workshop):
    booked = [register(world.event, name=f"Booked {n}", sessions=[world.workshop]) for n in range(3)]
    scan(desk_client, world.entrance_8, booked[0].ticket_secret)
    scan(desk_client, world.door, booked[0].ticket_secret)
    scan(desk_client, world.door, booked[1].ticket_secret)

    counters = desk_client.get(desk_url("api_counters"), {"checkpoint": "door-room-1"}).json()["counters"]

    assert (counters["registered"], counters["entered_today"], counters["here_today"]) == (3, 1, 2)
    assert counters["session"]["title"] == "U-City"
    assert (counters["session"]["booked"], counters["session"]["inside"]) == (3, 2)


def test_counters_without_a_checkpoint_is_400(desk_client, world):
    response = desk_client.get(desk_url("api_counters"))

    assert response.status_code == 400
    assert response.json()["error"]
