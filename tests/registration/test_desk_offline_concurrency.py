"""Queued scans sent at the same moment by several desks (PostgreSQL: the
database's unique constraints decide, not the code's reads)."""

import uuid
from collections import Counter

import pytest
from django.test import Client

from registration.models import CheckIn
from tests.registration.desk_world import build_world, register, staff_user
from tests.registration.test_concurrency import run_at_once
from tests.registration.test_desk_offline_queue import queued, send

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("requires_postgres", "no_mail_after_commit", "on_7_september"),
]
DESKS = 6


def desks() -> list[Client]:
    clients = []
    for number in range(DESKS):
        client = Client()
        client.force_login(staff_user(f"desk-{number}", "Desk staff"))
        clients.append(client)
    return clients


def sending(client, scans):
    return lambda: [r["result"] for r in send(client, scans).json()["results"]]


def test_one_queue_sent_by_many_desks_at_once_checks_in_once():
    world = build_world()
    people = [register(world.event, name=f"Person {i}") for i in range(3)]
    scans = [queued(person, world.entrance_7) for person in people]

    answers, errors = run_at_once([sending(client, scans) for client in desks()])

    assert errors == [None] * DESKS
    assert answers == [["ok", "ok", "ok"]] * DESKS  # each desk is told its scans are in
    assert CheckIn.objects.count() == 3
    assert {str(row.client_scan_id) for row in CheckIn.objects.all()} == {scan["id"] for scan in scans}


def test_one_person_queued_by_many_desks_is_checked_in_once():
    world = build_world()
    person = register(world.event, name="김민준")
    calls = [sending(client, [queued(person, world.entrance_7, scan_id=str(uuid.uuid4()))]) for client in desks()]

    answers, errors = run_at_once(calls)

    assert errors == [None] * DESKS
    assert Counter(answer for (answer,) in answers) == {"ok": 1, "already": DESKS - 1}
    assert CheckIn.objects.count() == 1
