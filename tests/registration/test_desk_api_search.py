"""The desk's JSON API: undo, search, and the scans' shared copy of the checkpoint."""

import pytest
from django.core.cache import cache
from django.db import connection

from events.models import Session
from events.services import make_current
from registration import checkin as checkins
from registration import roles, services
from registration.models import CheckIn
from tests.factories import EventFactory, WorkshopFactory, seoul
from tests.registration.desk_world import desk_url, names, post, register, scan, search, staff_user


def history_insert() -> int:
    """The check-in's audit-trail row: in the check-in's own INSERT on PostgreSQL
    (registration.checkin._insert_with_history), one more INSERT elsewhere."""
    return 0 if connection.vendor == "postgresql" else 1


pytestmark = pytest.mark.usefixtures("no_mail_after_commit")


# Undo --------------------------------------------------------------------------------


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


# Search ------------------------------------------------------------------------------


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


def test_people_of_the_same_name_are_told_apart_in_search_results(desk_client, world, on_7_september):
    register(world.event, name="김민준", organisation="서울특별시", city="서울", email="minjun.kim@seoul.go.kr")
    register(
        world.event, name="김민준", organisation="부산광역시", city="부산", email="mj@busan.go.kr", category="delegate"
    )

    results = search(desk_client, "김민준").json()["results"]

    told_apart = {(m["organisation"], m["city"], m["category_label"], m["email_hint"]) for m in results}
    assert told_apart == {
        ("서울특별시", "서울", "Citizen", "…kim@seoul.go.kr"),
        ("부산광역시", "부산", "City delegate", "mj@busan.go.kr"),
    }


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
            "city": "",
            "email_hint": "",
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
            "city": "",
            "email_hint": "",
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

    # session, user; ticket (with whether it holds seats), the room's session; under the
    # session's lock (docs/rooms.md: savepoint, SELECT ... FOR UPDATE, release) the seat,
    # insert (in a savepoint, as the test runs in a transaction: 3); booked sessions, the
    # figures counted with this check-in (the places held and the check-ins in one), how
    # full the room is; the checkpoint as the previous scan kept it; the check-in's
    # audit-trail row (history_insert)
    with django_assert_num_queries(14 + history_insert()):
        data = scan(desk_client, world.door, person.ticket_secret).json()

    assert data["result"] == "ok"
    assert len(data["attendee"]["sessions"]) == n + 1


def test_entrance_scan_runs_a_constant_number_of_queries(desk_client, world, on_7_september, django_assert_num_queries):
    people = [register(world.event, name=f"Person {i}") for i in range(3)]
    scan(desk_client, world.entrance_7, people[0].ticket_secret)  # the permission, the checkpoint, the figures

    # session (from the cache in production), user; ticket (with whether it holds seats:
    # none, so no query for the booked sessions), insert (in a savepoint: 3), the figures
    # counted with this check-in (the places held and the check-ins in one); the
    # checkpoint and its day's rule as the first scan kept them; the check-in's audit-trail row
    with django_assert_num_queries(7 + history_insert()):
        data = scan(desk_client, world.entrance_7, people[1].ticket_secret).json()

    assert (data["result"], CheckIn.objects.count()) == ("ok", 2)


def test_entrance_scan_of_a_person_with_a_seat_lists_it_with_one_more_query(
    desk_client, world, on_7_september, django_assert_num_queries
):
    booked = register(world.event, name="Booked", sessions=[world.workshop])
    keep_checkpoint(desk_client, world.entrance_7)

    # as for a person without seats (above), and the booked sessions
    with django_assert_num_queries(8 + history_insert()):
        data = scan(desk_client, world.entrance_7, booked.ticket_secret).json()

    assert data["result"] == "ok"
    assert [s["title"] for s in data["attendee"]["sessions"]] == ["U-City"]
    assert data["attendee"]["sessions"][0]["room"] == "Workshop room 1"


def test_room_door_refuses_a_person_without_a_seat_without_looking_for_one(
    desk_client, world, during_the_workshop, django_assert_num_queries
):
    Session.objects.filter(pk=world.workshop.pk).update(capacity=0)  # no free seat for them
    unbooked = register(world.event, name="No seat")
    keep_checkpoint(desk_client, world.door)

    # session, user; ticket (holding no seat: no query for one), the room's session; under
    # the session's lock (savepoint, SELECT ... FOR UPDATE, release) an earlier admission,
    # a released booking of theirs, the free seats; how full the room is; the figures as
    # the previous scans counted them (a refusal changes nothing)
    with django_assert_num_queries(11):
        data = scan(desk_client, world.door, unbooked.ticket_secret).json()

    assert (data["result"], data["reason"]) == ("refused", "full")
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


# The scans' shared copy of the checkpoint --------------------------------------------


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
