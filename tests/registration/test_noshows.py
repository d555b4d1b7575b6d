"""No-show seats released (registration/noshows.py): who is released and when,
the waiting list and the door, the mails, the record and its reversal."""

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils import translation

from events.models import Event, Session
from registration import checkin, noshows, outbox, roles, services
from registration.management.commands.send_outbox import Command as OutboxWorker
from registration.models import Booking, BookingStatus, CheckIn, MailKind, OutgoingMail, SeatRelease
from tests.factories import seoul
from tests.registration.desk_world import register, staff_user
from tests.registration.invariants import assert_counters_consistent

pytestmark = pytest.mark.django_db


@pytest.fixture
def releasing(world):
    """The world's event releases no-show seats 15 minutes after a session starts
    (the workshop: 09:30-12:00 on 8 September, 3 seats)."""
    Event.objects.filter(pk=world.event.pk).update(no_show_release_minutes=15)
    Session.objects.filter(pk=world.workshop.pk).update(capacity=3)
    world.event.refresh_from_db()
    world.workshop.refresh_from_db()
    return world


def booked(world, name, language="en"):
    return register(
        world.event, name=name, sessions=[world.workshop], email=f"{name.lower()}@example.org", language=language
    )


def status_of(registration, world):
    return Booking.objects.get(registration=registration, session=world.workshop).status


def test_release_frees_the_seats_of_people_not_checked_in_after_the_delay(releasing):
    came, absent = booked(releasing, "Came"), booked(releasing, "Absent")
    checkin.check_in(checkpoint=releasing.door, registration=came, now=seoul(2010, 9, 8, 9, 35))

    released = noshows.release_no_shows(now=seoul(2010, 9, 8, 9, 46))

    assert released == 1
    assert (status_of(came, releasing), status_of(absent, releasing)) == ("confirmed", "cancelled")
    release = SeatRelease.objects.get()
    assert (release.booking.registration, release.released_at, release.released_by) == (
        absent,
        seoul(2010, 9, 8, 9, 46),
        None,
    )
    releasing.workshop.refresh_from_db()
    assert releasing.workshop.seats_booked == 1
    assert_counters_consistent(releasing.event)


def test_nothing_is_released_before_the_delay_or_after_the_session(releasing):
    booked(releasing, "Absent")

    assert noshows.release_no_shows(now=seoul(2010, 9, 8, 9, 44)) == 0
    assert noshows.release_no_shows(now=seoul(2010, 9, 8, 12, 0)) == 0
    assert not SeatRelease.objects.exists()


def test_nothing_is_released_without_the_setting_or_a_door_checkpoint(releasing):
    booked(releasing, "Absent")
    Event.objects.filter(pk=releasing.event.pk).update(no_show_release_minutes=None)
    assert noshows.release_no_shows(now=seoul(2010, 9, 8, 10, 0)) == 0

    Event.objects.filter(pk=releasing.event.pk).update(no_show_release_minutes=15)
    releasing.door.delete()
    assert noshows.release_no_shows(now=seoul(2010, 9, 8, 10, 0)) == 0
    assert not SeatRelease.objects.exists()


def test_an_undone_check_in_does_not_keep_the_seat_and_a_checked_out_one_does(releasing):
    undone, left = booked(releasing, "Undone"), booked(releasing, "Left")
    first = checkin.check_in(checkpoint=releasing.door, registration=undone, now=seoul(2010, 9, 8, 9, 31)).checkin
    checkin.undo(checkin=first, now=seoul(2010, 9, 8, 9, 32))
    checkin.check_in(checkpoint=releasing.door, registration=left, now=seoul(2010, 9, 8, 9, 33))
    CheckIn.objects.filter(registration=left).update(checked_out_at=seoul(2010, 9, 8, 9, 40))

    noshows.release_no_shows(now=seoul(2010, 9, 8, 10, 0))

    assert (status_of(undone, releasing), status_of(left, releasing)) == ("cancelled", "confirmed")


def test_release_gives_the_seat_to_the_waiting_list_and_tells_everyone_in_their_language(releasing):
    booked(releasing, "Absent", language="ko")
    booked(releasing, "Two")
    booked(releasing, "Three")
    waiting = booked(releasing, "Waiting", language="en")
    assert status_of(waiting, releasing) == BookingStatus.WAITLISTED
    for name in ("Two", "Three"):
        person = Booking.objects.get(registration__name=name).registration
        checkin.check_in(checkpoint=releasing.door, registration=person, now=seoul(2010, 9, 8, 9, 35))
    OutgoingMail.objects.all().delete()

    noshows.release_no_shows(now=seoul(2010, 9, 8, 10, 0))

    assert status_of(waiting, releasing) == BookingStatus.CONFIRMED
    queued = {(m.kind, m.registration.name, m.language) for m in OutgoingMail.objects.all()}
    assert queued == {(MailKind.SEAT_RELEASED, "Absent", "ko"), (MailKind.PROMOTED, "Waiting", "en")}
    outbox.deliver_due()
    by_address = {message.to[0]: message for message in mail.outbox}
    assert "“유시티”" in by_address["absent@example.org"].body
    assert "15" in by_address["absent@example.org"].body
    assert "U-City" in by_address["waiting@example.org"].body
    assert_counters_consistent(releasing.event)


def test_running_the_release_twice_releases_nothing_more(releasing):
    booked(releasing, "Absent")

    assert noshows.release_no_shows(now=seoul(2010, 9, 8, 10, 0)) == 1
    assert noshows.release_no_shows(now=seoul(2010, 9, 8, 10, 1)) == 0
    assert SeatRelease.objects.count() == 1
    assert OutgoingMail.objects.filter(kind=MailKind.SEAT_RELEASED).count() == 1


def test_a_seat_booked_again_after_its_release_is_not_released_twice(releasing):
    absent = booked(releasing, "Absent")
    noshows.release_no_shows(now=seoul(2010, 9, 8, 10, 0))
    services.change_sessions(registration=absent, session_ids=[releasing.workshop.pk], now=seoul(2010, 9, 8, 10, 5))
    assert status_of(absent, releasing) == BookingStatus.CONFIRMED

    assert noshows.release_no_shows(now=seoul(2010, 9, 8, 10, 10)) == 0
    assert SeatRelease.objects.count() == 1
    assert_counters_consistent(releasing.event)


def test_a_freed_seat_nobody_waits_for_lets_a_person_in_at_the_door(releasing):
    for name in ("One", "Two", "Absent"):
        booked(releasing, name)
    for name in ("One", "Two"):
        person = Booking.objects.get(registration__name=name).registration
        checkin.check_in(checkpoint=releasing.door, registration=person, now=seoul(2010, 9, 8, 9, 35))
    walk_up = register(releasing.event, name="Walk-up")
    refused = checkin.check_in(checkpoint=releasing.door, registration=walk_up, now=seoul(2010, 9, 8, 9, 40))
    assert (refused.result, refused.reason) == ("refused", "full")

    noshows.release_no_shows(now=seoul(2010, 9, 8, 10, 0))
    admitted = checkin.check_in(checkpoint=releasing.door, registration=walk_up, now=seoul(2010, 9, 8, 10, 1))
    another = checkin.check_in(
        checkpoint=releasing.door, registration=register(releasing.event, name="Late"), now=seoul(2010, 9, 8, 10, 2)
    )

    assert (admitted.result, admitted.unbooked) == ("ok", True)
    assert (another.result, another.reason) == ("refused", "full")


def test_a_late_person_whose_seat_is_still_free_gets_it_back_at_the_door(releasing):
    late = booked(releasing, "Late")
    noshows.release_no_shows(now=seoul(2010, 9, 8, 10, 0))

    outcome = checkin.check_in(checkpoint=releasing.door, registration=late, now=seoul(2010, 9, 8, 10, 5))

    assert (outcome.result, outcome.restored) == ("ok", True)
    assert status_of(late, releasing) == BookingStatus.CONFIRMED
    assert SeatRelease.objects.get().reversed_at == seoul(2010, 9, 8, 10, 5)
    assert_counters_consistent(releasing.event)


def test_reversal_restores_the_booking_when_a_seat_is_free(releasing):
    absent = booked(releasing, "Absent")
    noshows.release_no_shows(now=seoul(2010, 9, 8, 10, 0))
    organiser = staff_user("organiser", roles.ORGANISERS)

    result = noshows.reverse(release=SeatRelease.objects.get(), user=organiser, now=seoul(2010, 9, 8, 10, 10))

    assert result.restored
    assert status_of(absent, releasing) == BookingStatus.CONFIRMED
    release = SeatRelease.objects.get()
    assert (release.reversed_at, release.reversed_by) == (seoul(2010, 9, 8, 10, 10), organiser)
    assert noshows.reverse(release=release, user=organiser).restored is False  # twice: nothing more
    releasing.workshop.refresh_from_db()
    assert releasing.workshop.seats_booked == 1
    assert_counters_consistent(releasing.event)


def test_reversal_refuses_clearly_when_the_seat_went_to_someone_else(releasing):
    absent = booked(releasing, "Absent")
    booked(releasing, "Two")
    booked(releasing, "Three")
    booked(releasing, "Waiting")
    for name in ("Two", "Three"):
        person = Booking.objects.get(registration__name=name).registration
        checkin.check_in(checkpoint=releasing.door, registration=person, now=seoul(2010, 9, 8, 9, 35))
    noshows.release_no_shows(now=seoul(2010, 9, 8, 10, 0))

    with pytest.raises(noshows.RegistrationError) as refused:
        noshows.reverse(release=SeatRelease.objects.get())

    assert refused.value.code == "full"
    assert status_of(absent, releasing) == BookingStatus.CANCELLED
    assert SeatRelease.objects.get().reversed_at is None
    assert_counters_consistent(releasing.event)


@pytest.mark.parametrize("n", [1, 3])
def test_admin_lists_releases_and_its_action_gives_the_seat_back(client, releasing, n, django_assert_num_queries):
    for name in "ABC"[:n]:
        booked(releasing, name)
    noshows.release_no_shows(now=seoul(2010, 9, 8, 10, 0))
    organiser = staff_user("organiser", roles.ORGANISERS)
    organiser.is_staff = True
    organiser.save()
    client.force_login(organiser)
    with translation.override("en"):
        url = reverse("admin:registration_seatrelease_changelist")

    # session, user, the counts, the rows with their people and sessions, the date
    # hierarchy, the two filters' choices (events, sessions): not one more per row
    with django_assert_num_queries(11):
        page = client.get(url)
    assert {str(r.booking.registration.name) for r in page.context["cl"].result_list} == set("ABC"[:n])
    assert "the no-show job" in page.text

    answer = client.post(
        url, {"action": "give_back", "_selected_action": [r.pk for r in SeatRelease.objects.all()]}, follow=True
    )

    assert (f"{n} seats given back." if n > 1 else "1 seat given back.") in answer.text
    assert set(Booking.objects.values_list("status", flat=True)) == {BookingStatus.CONFIRMED}
    assert_counters_consistent(releasing.event)


def test_admin_action_says_why_a_seat_cannot_be_given_back(client, releasing):
    booked(releasing, "Absent")
    noshows.release_no_shows(now=seoul(2010, 9, 8, 10, 0))
    Session.objects.filter(pk=releasing.workshop.pk).update(capacity=0)
    organiser = staff_user("organiser", roles.ORGANISERS)
    organiser.is_staff = True
    organiser.save()
    client.force_login(organiser)

    with translation.override("en"):
        url = reverse("admin:registration_seatrelease_changelist")
    answer = client.post(
        url,
        {"action": "give_back", "_selected_action": [SeatRelease.objects.get().pk]},
        follow=True,
    )

    assert "No seat is free in “U-City”: the booking cannot be restored." in answer.text
    assert SeatRelease.objects.get().reversed_at is None


def test_the_command_and_the_outbox_worker_release(releasing, time_machine):
    time_machine.move_to(seoul(2010, 9, 8, 10, 0), tick=False)
    booked(releasing, "Absent")
    call_command("release_no_shows", stdout=open("/dev/null", "w"))
    assert SeatRelease.objects.count() == 1

    booked(releasing, "Second")
    worker = OutboxWorker(stdout=open("/dev/null", "w"))
    worker.no_shows_due = 0.0
    worker.release_no_shows()
    worker.release_no_shows()  # within the minute: not again

    assert SeatRelease.objects.count() == 2


def test_the_release_follows_the_desk_rehearsal_day(releasing, settings, time_machine):
    from datetime import date

    settings.DESK_REHEARSAL_DAY = date(2010, 9, 8)
    time_machine.move_to(seoul(2026, 12, 4, 10, 0), tick=False)
    booked(releasing, "Absent")

    assert noshows.release_no_shows() == 1
