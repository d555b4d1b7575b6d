"""The desk's JSON API: every answer the desk can give, undo, search, counters,
bad input, CSRF, and two simultaneous scans of one ticket on PostgreSQL."""

import json
import threading

import pytest
from django.core.cache import cache
from django.db import close_old_connections, connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from events.services import make_current
from registration import checkin as checkins
from registration import roles, services
from registration.checkin import REASONS, Attention, attention_of
from registration.models import CheckIn, Registration, Status
from tests.factories import EventFactory, WorkshopFactory, seoul
from tests.registration.test_desk import build_world, desk_url, register, staff_user


@pytest.fixture(autouse=True)
def _no_mail_on_commit(settings):
    settings.OUTBOX_SEND_ON_COMMIT = False


@pytest.fixture
def world(db):
    return build_world()


@pytest.fixture
def desk_user(db):
    return staff_user("desk-staff", roles.DESK_STAFF)


@pytest.fixture
def desk_client(client, desk_user):
    client.force_login(desk_user)
    return client


@pytest.fixture
def on_7_september(time_machine):
    time_machine.move_to(seoul(2010, 9, 7, 10, 0), tick=False)


@pytest.fixture
def during_the_workshop(time_machine):
    time_machine.move_to(seoul(2010, 9, 8, 10, 0), tick=False)


def post(client, name, payload, lang="en", **extra):
    return client.post(desk_url(name, lang), json.dumps(payload), content_type="application/json", **extra)


def scan(client, checkpoint, ticket, **extra):
    return post(client, "api_checkin", {"checkpoint": checkpoint.slug, "ticket": ticket}, **extra)


# Admitted ---------------------------------------------------------------------------


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


def test_needs_mark_the_attendee_when_checked_in_again_and_when_refused(desk_client, world, on_7_september):
    person = register_with_needs(world.event, name="Ana Lima", needs="Wheelchair access")
    scan(desk_client, world.entrance_7, person.ticket_secret)

    again = scan(desk_client, world.entrance_7, person.ticket_secret).json()
    Registration.objects.filter(pk=person.pk).update(status=Status.WAITLISTED)
    refused = scan(desk_client, world.entrance_7, person.ticket_secret).json()

    assert (again["result"], again["attendee"]["attention_note"]) == ("already", "Needs: Wheelchair access")
    assert (refused["result"], refused["attendee"]["attention_note"]) == ("refused", "Needs: Wheelchair access")


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


# Refused, one test per reason ---------------------------------------------------------


def test_unknown_ticket_is_refused(desk_client, world, on_7_september):
    data = scan(desk_client, world.entrance_7, "x" * 32).json()

    assert (data["result"], data["reason"], data["title"]) == ("refused", "unknown", "Unknown code")
    assert data["message"] == str(REASONS["unknown"])
    assert data["advice"]
    assert data["attendee"] is None
    assert data["checkin"] is None
    assert CheckIn.objects.count() == 0


def test_ticket_of_another_event_is_unknown(desk_client, world, on_7_september):
    from tests.factories import EventFactory

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


def test_room_door_refuses_a_person_without_a_seat_in_the_session(desk_client, world, during_the_workshop):
    person = register(world.event, name="No Seat")

    data = scan(desk_client, world.door, person.ticket_secret).json()

    assert (data["result"], data["reason"], data["title"]) == ("refused", "not_booked", "No seat booked")
    assert data["message"] == str(REASONS["not_booked"])
    assert data["session"]["title"] == "U-City"
    assert CheckIn.objects.count() == 0


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


# Undo -------------------------------------------------------------------------------


def test_undo_then_scan_again_checks_in_anew(desk_client, desk_user, world, on_7_september):
    person = register(world.event, name="Ana Lima")
    first = scan(desk_client, world.entrance_7, person.ticket_secret).json()

    undone = post(desk_client, "api_undo", {"checkin": first["checkin"]["id"]})

    assert undone.status_code == 200
    data = undone.json()
    assert data["undone"] is True
    assert data["message"] == "Check-in of Ana Lima undone."
    assert data["checkin"]["undone"] is True
    assert data["counters"]["entered_today"] == 0
    old = CheckIn.objects.get(pk=first["checkin"]["id"])
    assert old.undone_by == desk_user
    assert old.undone_at is not None

    again = scan(desk_client, world.entrance_7, person.ticket_secret).json()

    assert again["result"] == "ok"
    assert again["checkin"]["id"] != first["checkin"]["id"]
    assert CheckIn.objects.filter(registration=person).count() == 2
    assert CheckIn.objects.filter(registration=person, undone_at__isnull=True).count() == 1


def test_undo_twice_is_harmless(desk_client, world, on_7_september):
    person = register(world.event, name="Ana Lima")
    checkin_id = scan(desk_client, world.entrance_7, person.ticket_secret).json()["checkin"]["id"]
    post(desk_client, "api_undo", {"checkin": checkin_id})

    response = post(desk_client, "api_undo", {"checkin": checkin_id})

    assert response.status_code == 200
    assert response.json()["checkin"]["undone"] is True


@pytest.mark.parametrize(
    ("payload", "status"),
    [
        ({"checkin": 999999}, 404),
        ({"checkin": "abc"}, 400),
        ({"checkin": True}, 400),
        ({}, 400),
        ({"checkin": -1}, 400),
    ],
)
def test_undo_of_a_bad_id_is_a_json_error(desk_client, world, payload, status):
    response = post(desk_client, "api_undo", payload)

    assert response.status_code == status
    assert response.json()["error"]


# Search -------------------------------------------------------------------------------


def search(client, q, checkpoint="entrance-7"):
    params = {"q": q}
    if checkpoint:
        params["checkpoint"] = checkpoint
    return client.get(desk_url("api_search"), params)


def names(response):
    return [match["name"] for match in response.json()["results"]]


def test_search_finds_a_korean_name_by_a_part_of_it(desk_client, world, on_7_september):
    register(world.event, name="김민준")
    register(world.event, name="이서연")

    assert names(search(desk_client, "민준")) == ["김민준"]


def test_search_ignores_accents(desk_client, world, on_7_september):
    register(world.event, name="José García")

    assert names(search(desk_client, "jose garcia")) == ["José García"]
    assert names(search(desk_client, "GARCÍA")) == ["José García"]


def test_search_by_email_or_organisation_ignores_case(desk_client, world, on_7_september):
    register(world.event, name="Ana Lima", email="Ana.Lima@Example.ORG", organisation="Prefeitura de São Paulo")
    register(world.event, name="Other", email="other@example.net", organisation="Seoul")

    assert names(search(desk_client, "ana.lima@example.org")) == ["Ana Lima"]
    assert names(search(desk_client, "PREFEITURA de sao")) == ["Ana Lima"]


def test_search_by_registration_code(desk_client, world, on_7_september):
    person = register(world.event, name="Ana Lima")

    assert names(search(desk_client, person.code.lower())) == ["Ana Lima"]


def test_search_answers_what_the_desk_lists(desk_client, world, on_7_september):
    person = register(world.event, name="Ana Lima", organisation="City of Lisbon")
    scan(desk_client, world.entrance_7, person.ticket_secret)
    cancelled = register(world.event, name="Ana Cancelled")
    services.cancel(registration=cancelled)

    results = search(desk_client, "ana").json()["results"]

    assert results == [
        {
            "code": cancelled.code,
            "name": "Ana Cancelled",
            "organisation": "",
            "category": "citizen",
            "category_label": "Citizen",
            "status": "cancelled",
            "status_label": "Cancelled",
            "holds_a_place": False,
            "attention": False,
            "checked_in_here": False,
        },
        {
            "code": person.code,
            "name": "Ana Lima",
            "organisation": "City of Lisbon",
            "category": "citizen",
            "category_label": "Citizen",
            "status": "confirmed",
            "status_label": "Confirmed",
            "holds_a_place": True,
            "attention": False,
            "checked_in_here": True,
        },
    ]


def test_search_needs_two_characters(desk_client, world, on_7_september):
    register(world.event, name="김민준")

    data = search(desk_client, "김").json()

    assert (data["results"], data["too_short"]) == ([], True)


def test_search_lists_at_most_ten(desk_client, world, on_7_september):
    for n in range(12):
        register(world.event, name=f"Kim {n:02d}")

    assert len(names(search(desk_client, "kim"))) == 10


def test_search_without_a_checkpoint_searches_the_current_event(desk_client, world):
    register(world.event, name="Ana Lima")

    data = search(desk_client, "lima", checkpoint=None).json()

    assert [m["name"] for m in data["results"]] == ["Ana Lima"]
    assert data["results"][0]["checked_in_here"] is None


def test_search_with_an_unknown_checkpoint_is_400(desk_client, world):
    response = search(desk_client, "lima", checkpoint="nowhere")

    assert response.status_code == 400
    assert response.json() == {"error": "Unknown checkpoint."}


@pytest.mark.parametrize("n", [1, 5])
def test_search_runs_a_constant_number_of_queries(desk_client, world, on_7_september, n, django_assert_num_queries):
    for i in range(n):
        register(world.event, name=f"Park {i}")

    search(desk_client, "warm-up")  # the first call reads the permission (2 queries) and notes it in the session

    # session, user, checkpoint, matches
    with django_assert_num_queries(4):
        response = search(desk_client, "park")

    assert len(response.json()["results"]) == n


def test_api_rereads_the_permission_a_minute_later(client, world, on_7_september, time_machine):
    user = staff_user("desk-staff", roles.DESK_STAFF)
    client.force_login(user)
    person = register(world.event, name="Kim")
    assert scan(client, world.entrance_7, "warm-up").status_code == 200
    user.groups.clear()

    within_the_minute = scan(client, world.entrance_7, person.ticket_secret)
    time_machine.shift(61)
    after_it = scan(client, world.entrance_7, person.ticket_secret)

    assert within_the_minute.json()["result"] == "ok"
    assert after_it.status_code == 403
    assert after_it.json() == {"error": "This account may not use the check-in desk."}


def test_api_refuses_a_deactivated_account_at_once(client, world, on_7_september):
    user = staff_user("desk-staff", roles.DESK_STAFF)
    client.force_login(user)
    assert scan(client, world.entrance_7, "warm-up").status_code == 200
    type(user).objects.filter(pk=user.pk).update(is_active=False)

    assert scan(client, world.entrance_7, "anything").status_code == 403


@pytest.mark.parametrize("n", [0, 3])
def test_checkin_runs_a_constant_number_of_queries(
    desk_client, world, during_the_workshop, n, django_assert_num_queries
):
    others = [
        WorkshopFactory(
            event=world.event,
            slug=f"afternoon-{i}",
            starts_at=seoul(2010, 9, 8, 13 + i, 0),
            ends_at=seoul(2010, 9, 8, 13 + i, 50),
        )
        for i in range(n)
    ]
    person = register(world.event, name="Booked", sessions=[world.workshop, *others])
    for i in range(n):
        register(world.event, name=f"Other {i}", sessions=[world.workshop])

    scan(desk_client, world.door, "warm-up")  # reads the permission, keeps the checkpoint, counts the figures

    # session, user; ticket (with whether it holds seats), the room's session, the seat,
    # insert (in a savepoint, as the test runs in a transaction: 3), booked sessions, the
    # figures counted with this check-in (the places held and the check-ins in one);
    # the checkpoint as the previous scan kept it
    with django_assert_num_queries(10):
        data = scan(desk_client, world.door, person.ticket_secret).json()

    assert data["result"] == "ok"
    assert len(data["attendee"]["sessions"]) == n + 1


def test_entrance_scan_runs_a_constant_number_of_queries(desk_client, world, on_7_september, django_assert_num_queries):
    people = [register(world.event, name=f"Person {i}") for i in range(3)]
    scan(desk_client, world.entrance_7, people[0].ticket_secret)  # the permission, the checkpoint, the figures

    # session (from the cache in production), user; ticket (with whether it holds seats:
    # none, so no query for the booked sessions), insert (in a savepoint: 3), the figures
    # counted with this check-in (the places held and the check-ins in one); the
    # checkpoint and its day's rule as the first scan kept them
    with django_assert_num_queries(7):
        data = scan(desk_client, world.entrance_7, people[1].ticket_secret).json()

    assert (data["result"], CheckIn.objects.count()) == ("ok", 2)


def test_entrance_scan_of_a_person_with_a_seat_lists_it_with_one_more_query(
    desk_client, world, on_7_september, django_assert_num_queries
):
    booked = register(world.event, name="Booked", sessions=[world.workshop])
    keep_checkpoint(desk_client, world.entrance_7)

    # as for a person without seats (above), and the booked sessions
    with django_assert_num_queries(8):
        data = scan(desk_client, world.entrance_7, booked.ticket_secret).json()

    assert data["result"] == "ok"
    assert [s["title"] for s in data["attendee"]["sessions"]] == ["U-City"]
    assert data["attendee"]["sessions"][0]["room"] == "Workshop room 1"


def test_room_door_refuses_a_person_without_a_seat_without_looking_for_one(
    desk_client, world, during_the_workshop, django_assert_num_queries
):
    unbooked = register(world.event, name="No seat")
    keep_checkpoint(desk_client, world.door)

    # session, user; ticket (holding no seat), the room's session; the figures as the
    # previous scans counted them (a refusal changes nothing)
    with django_assert_num_queries(4):
        data = scan(desk_client, world.door, unbooked.ticket_secret).json()

    assert (data["result"], data["reason"]) == ("refused", "not_booked")
    assert data["attendee"]["sessions"] == []
    assert not CheckIn.objects.exists()


def test_counters_of_a_day_without_check_ins_show_the_places_held_in_one_query(
    world, on_7_september, django_assert_num_queries
):
    from registration.desk import queries

    for n in range(3):
        register(world.event, name=f"Person {n}")
    services.cancel(registration=register(world.event, name="Gone"))

    with django_assert_num_queries(1):
        figures = queries.counters(world.entrance_7, seoul(2010, 9, 7, 10, 0))

    assert (figures.registered, figures.entered_today, figures.here_today, figures.inside) == (3, 0, 0, None)


def test_counters_count_each_person_once_and_leave_out_undone_check_ins(world, during_the_workshop):
    from registration.desk import queries

    now = seoul(2010, 9, 8, 10, 0)
    people = [register(world.event, name=f"Booked {n}", sessions=[world.workshop]) for n in range(3)]
    for person in people:
        checkins.check_in(checkpoint=world.entrance_8, registration=person, now=now)
    checkins.check_in(checkpoint=world.door, registration=people[0], now=now)
    undone = checkins.check_in(checkpoint=world.door, registration=people[1], now=now).checkin
    checkins.undo(checkin=undone, now=now)
    checkins.check_in(checkpoint=world.entrance_7, registration=people[2], now=seoul(2010, 9, 7, 10, 0))

    at_door = queries.counters(world.door, now)
    at_entrance = queries.counters(world.entrance_8, now)

    assert (at_door.registered, at_door.entered_today, at_door.here_today, at_door.inside) == (3, 3, 1, 1)
    assert at_door.session.slug == world.workshop.slug
    assert (at_entrance.entered_today, at_entrance.here_today, at_entrance.inside) == (3, 3, None)


def test_a_check_in_is_counted_in_its_own_answer_and_other_answers_are_a_few_seconds_old(
    desk_client, world, time_machine
):
    time_machine.move_to(seoul(2010, 9, 7, 10, 0), tick=False)
    people = [register(world.event, name=f"Person {i}") for i in range(3)]
    first = scan(desk_client, world.entrance_7, people[0].ticket_secret).json()
    second = scan(desk_client, world.entrance_7, people[1].ticket_secret).json()
    # another desk (another node) checks the third person in
    checkins.check_in(checkpoint=world.entrance_7, registration=people[2], now=seoul(2010, 9, 7, 10, 0))

    within = scan(desk_client, world.entrance_7, people[0].ticket_secret).json()
    time_machine.shift(4)
    later = scan(desk_client, world.entrance_7, people[0].ticket_secret).json()
    fresh = desk_client.get(desk_url("api_counters"), {"checkpoint": "entrance-7"}).json()

    assert [d["result"] for d in (first, second, within, later)] == ["ok", "ok", "already", "already"]
    assert [d["counters"]["entered_today"] for d in (first, second, within, later)] == [1, 2, 2, 3]
    assert fresh["counters"]["entered_today"] == 3
    assert CheckIn.objects.count() == 3


# The scans' shared copy of the checkpoint ------------------------------------------------


def keep_checkpoint(client, checkpoint):
    """Scans until the checkpoint is kept in the cache (the first scan after the
    cache was emptied only sets its versions)."""
    for _ in range(2):
        assert scan(client, checkpoint, "warm-up").status_code == 200
    assert cache.get(f"desk:checkpoint:{checkpoint.slug}") is not None


def test_a_checkpoint_changed_after_scans_applies_to_the_next_scan(desk_client, world, on_7_september):
    people = [register(world.event, name=f"Person {i}") for i in range(2)]
    keep_checkpoint(desk_client, world.entrance_7)
    assert scan(desk_client, world.entrance_7, people[0].ticket_secret).json()["result"] == "ok"
    world.entrance_7.day = world.entrance_8.day  # an organiser moves it to the next day
    world.entrance_7.save()

    data = scan(desk_client, world.entrance_7, people[1].ticket_secret).json()

    assert (data["result"], data["reason"]) == ("refused", "wrong_checkpoint")


def test_a_deleted_checkpoint_is_unknown_to_the_next_scan(desk_client, world, on_7_september):
    person = register(world.event, name="Kim")
    keep_checkpoint(desk_client, world.entrance_7)
    world.entrance_7.delete()

    response = scan(desk_client, world.entrance_7, person.ticket_secret)

    assert (response.status_code, response.json()) == (400, {"error": "Unknown checkpoint."})


def test_another_edition_made_current_closes_the_checkpoints_to_the_next_scan(desk_client, world, on_7_september):
    person = register(world.event, name="Kim")
    keep_checkpoint(desk_client, world.entrance_7)
    make_current(event=EventFactory(slug="wego-2011", is_current=False))

    response = scan(desk_client, world.entrance_7, person.ticket_secret)

    assert (response.status_code, response.json()) == (400, {"error": "Unknown checkpoint."})
    assert not CheckIn.objects.exists()


def test_the_registered_figure_is_read_afresh_with_a_shared_checkpoint(
    desk_client, world, on_7_september, time_machine
):
    first = register(world.event, name="First")
    keep_checkpoint(desk_client, world.entrance_7)  # its event holding 1 place
    second = register(world.event, name="Second")
    time_machine.shift(4)  # the figures of the warm-up are out of date

    data = scan(desk_client, world.entrance_7, first.ticket_secret).json()

    assert (data["result"], data["counters"]["registered"]) == ("ok", 2)
    assert second.holds_a_place


# Counters -------------------------------------------------------------------------------


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


# Bad requests -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "body",
    [
        "not json",
        "[1, 2]",
        '"a string"',
        "null",
        '{"ticket": "abc"}',
        '{"checkpoint": "nowhere", "ticket": "abc"}',
        '{"checkpoint": ["entrance-7"], "ticket": "abc"}',
        '{"checkpoint": "entrance-7"}',
        '{"checkpoint": "entrance-7", "ticket": 12345}',
        '{"checkpoint": "entrance-7", "registration": {"code": "X"}}',
        '{"checkpoint": "entrance-7", "ticket": "' + "x" * 300 + '"}',
    ],
)
def test_bad_checkin_requests_get_a_json_400(desk_client, world, body):
    response = desk_client.post(desk_url("api_checkin"), body, content_type="application/json")

    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert response.json()["error"]


def test_invalid_utf8_is_a_json_400(desk_client, world):
    response = desk_client.post(desk_url("api_checkin"), b"\xff\xfe{", content_type="application/json")

    assert response.status_code == 400


def test_checkin_by_get_is_refused_so_secrets_stay_out_of_urls(desk_client, world, on_7_september):
    person = register(world.event, name="Ana Lima")

    response = desk_client.get(desk_url("api_checkin"), {"checkpoint": "entrance-7", "ticket": person.ticket_secret})

    assert response.status_code == 405
    assert response["Allow"] == "POST"
    assert CheckIn.objects.count() == 0


def test_search_by_post_is_refused(desk_client, world):
    assert post(desk_client, "api_search", {"q": "ana"}).status_code == 405


# CSRF -------------------------------------------------------------------------------------


def test_checkin_without_the_csrf_token_is_refused(desk_user, world, on_7_september):
    person = register(world.event, name="Ana Lima")
    client = Client(enforce_csrf_checks=True)
    client.force_login(desk_user)

    response = scan(client, world.entrance_7, person.ticket_secret)

    assert response.status_code == 403
    assert CheckIn.objects.count() == 0


def test_checkin_with_the_csrf_token_from_the_desk_page_succeeds(desk_user, world, on_7_september):
    person = register(world.event, name="Ana Lima")
    client = Client(enforce_csrf_checks=True)
    client.force_login(desk_user)
    client.get(desk_url("desk", slug="entrance-7"))
    token = client.cookies["csrftoken"].value

    response = scan(client, world.entrance_7, person.ticket_secret, HTTP_X_CSRFTOKEN=token)

    assert response.status_code == 200
    assert response.json()["result"] == "ok"


def test_undo_without_the_csrf_token_is_refused(desk_user, world, on_7_september):
    person = register(world.event, name="Ana Lima")
    checkin = CheckIn.objects.create(registration=person, checkpoint=world.entrance_7, day=world.entrance_7.day)
    client = Client(enforce_csrf_checks=True)
    client.force_login(desk_user)

    response = post(client, "api_undo", {"checkin": checkin.pk})

    assert response.status_code == 403
    checkin.refresh_from_db()
    assert checkin.undone_at is None


# Two desks, one ticket, the same instant (PostgreSQL) ---------------------------------------


@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_scans_of_one_ticket_make_one_checkin(requires_postgres, settings, time_machine):
    settings.OUTBOX_SEND_ON_COMMIT = False
    time_machine.move_to(seoul(2010, 9, 7, 10, 0), tick=False)
    world = build_world()
    person = register(world.event, name="Ana Lima")
    user = staff_user("desk-staff", roles.DESK_STAFF)
    barrier = threading.Barrier(2)
    answers, errors = [], []

    def desk(device):
        client = Client()
        client.force_login(user)
        try:
            barrier.wait(timeout=10)
            response = scan(client, world.entrance_7, person.ticket_secret, HTTP_X_DESK_DEVICE=device)
            answers.append(response.json())
        except Exception as error:
            errors.append(error)
        finally:
            close_old_connections()

    threads = [threading.Thread(target=desk, args=(f"desk-{n}",)) for n in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert errors == []
    assert sorted(answer["result"] for answer in answers) == ["already", "ok"]
    assert CheckIn.objects.filter(registration=person).count() == 1
    assert len({answer["checkin"]["id"] for answer in answers}) == 1


def test_a_day_closed_to_citizens_by_an_organiser_refuses_citizens_at_once(
    desk_client, world, on_7_september, django_capture_on_commit_callbacks
):
    """Whether a day is open to citizens is remembered per content version: an
    organiser's edit of the day's sessions applies to the next scan."""
    from events.models import Audience, Session

    first, second = register(world.event, name="First citizen"), register(world.event, name="Second citizen")
    assert scan(desk_client, world.entrance_7, first.ticket_secret).json()["result"] == "ok"

    with django_capture_on_commit_callbacks(execute=True):
        forum = Session.objects.get(event=world.event, slug="forum")
        forum.audience = Audience.DELEGATES
        forum.save()
    data = scan(desk_client, world.entrance_7, second.ticket_secret).json()

    assert (data["result"], data["reason"]) == ("refused", "wrong_day")
