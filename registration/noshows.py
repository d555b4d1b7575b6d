"""Seats of people who did not come: released some minutes after their session
started, and given back by an organiser when that was a mistake.

`Event.no_show_release_minutes` (empty: never) after a booked session starts,
every confirmed booking of that session whose holder has no live check-in at
its room's door is cancelled and recorded as a SeatRelease; its seat goes to
the first person on the session's waiting list (services' promotion, with its
mail), and when nobody waits it stays free for people at the door
(registration/checkin.py admits them while seats are free). The person who did
not come is told by mail, in their language.

Only sessions that are running now, in a room with a room-door checkpoint (else
nobody could have been checked in), and only by the desk's clock
(registration/clock.py: a rehearsal day makes `make run` release too).

Concurrency, in the lock order of registration/services.py (sessions, then
rows under them): the job locks the session row, then the bookings it releases.
A check-in at the door of a session that needs booking takes the same session
lock before it decides (checkin.check_in), so a person scanned at the same
instant is either checked in before the job looks (and keeps the seat) or
scanned after the release is committed (and, the seat being free, gets it back
at once: the release is reversed by the desk). Two jobs at once queue on the
session lock and the second finds nothing left to release; the partial unique
constraint on SeatRelease refuses a second release in force of one booking.

The audit trail (registration/audit.py) records a release as the system's
"no_show_release" (an organiser's when one is named), a reversal as the
organiser's; a reversal at the door (reverse_at_door) as the check-in's actor.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import Exists, F, OuterRef
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from events.models import Event, Session
from registration import audit, outbox
from registration.clock import desk_now
from registration.errors import RegistrationError
from registration.models import (
    HOLDS_A_PLACE,
    Booking,
    BookingStatus,
    CheckIn,
    Checkpoint,
    CheckpointKind,
    MailKind,
    SeatRelease,
)
from registration.services import _promote_session_waitlist


def seated_at_door(session_ref) -> Exists:
    """Whether the booking's holder has a live check-in (not undone) at a room
    door to `session_ref` (a session or an OuterRef to one)."""
    return Exists(
        CheckIn.objects.filter(
            registration=OuterRef("registration"),
            session=session_ref,
            checkpoint__kind=CheckpointKind.ROOM,
            undone_at__isnull=True,
        )
    )


def unbooked_inside(session: Session) -> int:
    """People admitted at the door of `session` without a confirmed booking of it
    (a free seat given at the door): they hold seats that `seats_booked` does not count."""
    booked = Booking.objects.filter(
        registration=OuterRef("registration"), session=session, status=BookingStatus.CONFIRMED
    )
    return (
        CheckIn.objects.filter(session=session, checkpoint__kind=CheckpointKind.ROOM, undone_at__isnull=True)
        .exclude(Exists(booked))
        .count()
    )


def free_seats(session: Session) -> int | None:
    """Seats of a session that needs booking that nobody holds: neither a
    confirmed booking nor a person let in at the door without one. None when the
    session has no seat limit. Read under the session's lock to act on it."""
    if not session.booking_required or session.capacity is None:
        return None
    return max(session.capacity - session.seats_booked - unbooked_inside(session), 0)


def due_sessions(now: datetime | None = None) -> list[tuple[Session, datetime]]:
    """The sessions whose no-shows are due now, each with the desk's time for its
    event: booked, published, running, past their event's delay, in a room with a
    room-door checkpoint. Two queries."""
    events = list(Event.objects.filter(no_show_release_minutes__isnull=False))
    due = []
    door = Checkpoint.objects.filter(room=OuterRef("room"), kind=CheckpointKind.ROOM)
    for event in events:
        moment = now or desk_now(event)
        latest_start = moment - timedelta(minutes=event.no_show_release_minutes)
        sessions = Session.objects.published().filter(
            Exists(door), event=event, booking_required=True, starts_at__lte=latest_start, ends_at__gt=moment
        )
        due.extend((session, moment) for session in sessions.order_by("pk"))
    return due


def release_no_shows(*, now: datetime | None = None) -> int:
    """Release every due no-show (see the module); how many seats were released.
    Idempotent: a booking released once is cancelled and is not found again."""
    return sum(release_session(session=session, now=moment) for session, moment in due_sessions(now))


def release_session(*, session: Session, now: datetime | None = None, user=None) -> int:
    """Release the confirmed bookings of `session` whose holders have no live
    check-in at its room's door, in one transaction under the session's lock:
    each booking cancelled and recorded, the holder told by mail, then the
    waiting list promoted into the freed seats. Returns how many. Audited as
    the system (the job), or as the organiser `user`; the promotion as its own."""
    now = now or timezone.now()
    kind = audit.ActorKind.ORGANISER if _user(user) else audit.ActorKind.SYSTEM
    with transaction.atomic(), audit.acting_as(kind, user=user, via="no_show_release"):
        session = Session.objects.select_for_update().get(pk=session.pk)
        no_shows = list(
            Booking.objects.select_for_update(of=("self",))
            .filter(session=session, status=BookingStatus.CONFIRMED)
            .exclude(seated_at_door(session.pk))
            # Booked again after a release still in force: left to the organisers.
            .exclude(Exists(SeatRelease.objects.filter(booking=OuterRef("pk"), reversed_at__isnull=True)))
            .select_related("registration")
            .order_by("pk")
        )
        for booking in no_shows:
            booking.status = BookingStatus.CANCELLED
            booking.save(update_fields=["status"])
            SeatRelease.objects.create(booking=booking, released_at=now, released_by=_user(user))
            if booking.registration.email:
                context = {"session_slug": session.slug}
                outbox.queue(kind=MailKind.SEAT_RELEASED, registration=booking.registration, context=context)
        if no_shows:
            Session.objects.filter(pk=session.pk).update(seats_booked=F("seats_booked") - len(no_shows))
            session.seats_booked -= len(no_shows)
            _promote_session_waitlist(session, now)
    return len(no_shows)


@dataclass
class Reversal:
    release: SeatRelease
    restored: bool


def reverse(*, release: SeatRelease, user=None, now: datetime | None = None) -> Reversal:
    """An organiser gives a released seat back (reverse_at_door), audited as the
    organiser `user`."""
    with audit.acting_as(audit.ActorKind.ORGANISER, user=user):
        return reverse_at_door(release=release, user=user, now=now)


def reverse_at_door(*, release: SeatRelease, user=None, now: datetime | None = None) -> Reversal:
    """Give a released seat back: the booking is confirmed again if the session
    has a free seat (free_seats: bookings and people let in at the door both
    count; a holder let in at the door meanwhile already sits on their seat),
    and the release is marked
    reversed. Raises RegistrationError "full" (nothing changes) when no seat is
    free, "ended" when the registration no longer holds a place. Reversing a
    reversed release changes nothing. Locks the session, then the release and
    the booking. Audited as whoever acts now (the desk's check-in, checkin.py)."""
    now = now or timezone.now()
    with transaction.atomic():
        session = Session.objects.select_for_update().get(pk=release.booking.session_id)
        release = SeatRelease.objects.select_for_update().select_related("booking__registration").get(pk=release.pk)
        if release.reversed_at is not None:
            return Reversal(release, restored=False)
        booking = Booking.objects.select_for_update().select_related("registration").get(pk=release.booking_id)
        if booking.registration.status not in HOLDS_A_PLACE:
            raise RegistrationError(_("This registration no longer holds a place."), code="ended")
        restored = False
        if booking.status != BookingStatus.CONFIRMED:
            free = free_seats(session)
            if free is not None and _admitted_unbooked(booking, session):
                free += 1
            if free is not None and free <= 0:
                raise RegistrationError(
                    _("No seat is free in “%(session)s”: the booking cannot be restored.") % {"session": session.title},
                    code="full",
                )
            booking.status, booking.waitlisted_at = BookingStatus.CONFIRMED, None
            booking.save(update_fields=["status", "waitlisted_at"])
            Session.objects.filter(pk=session.pk).update(seats_booked=F("seats_booked") + 1)
            restored = True
        release.reversed_at, release.reversed_by = now, _user(user)
        release.save(update_fields=["reversed_at", "reversed_by"])
    return Reversal(release, restored=restored)


def released_booking(registration, session: Session) -> SeatRelease | None:
    """The release in force of the registration's booking of `session`, if any."""
    releases = SeatRelease.objects.filter(booking__registration=registration, booking__session=session)
    return releases.filter(reversed_at__isnull=True).select_related("booking").first()


def _admitted_unbooked(booking: Booking, session: Session) -> bool:
    return CheckIn.objects.filter(
        registration_id=booking.registration_id,
        session=session,
        checkpoint__kind=CheckpointKind.ROOM,
        undone_at__isnull=True,
    ).exists()


def _user(user):
    return user if user is not None and user.is_authenticated else None
