"""Reads for the walk-in and badge pages: a registration by its code, and the
registrations a walk-in may already have (so that a citizen who registered
online and lost the QR is found rather than registered twice).

Each answers in one query whatever the number of registrations.
"""

import hashlib
from dataclasses import dataclass
from functools import reduce
from operator import and_, or_

from django.db.models import BooleanField, ExpressionWrapper, Prefetch, Q, TextField, Value
from django.db.models.functions import Lower, Replace

from events.models import Event
from registration.models import Booking, BookingStatus, Registration
from registration.search import fold

CANDIDATE_LIMIT = 10
NAME_MIN_LENGTH = 2  # a folded name (or name part) shorter than this matches too many people
CODE_MAX_LENGTH = 12


@dataclass(frozen=True)
class Candidate:
    """A registration that may be the walk-in's, and why it was found."""

    registration: Registration
    same_email: bool
    same_phone: bool
    similar_name: bool


def clean_code(text) -> str | None:
    """A registration code as typed or put in a URL ("ab2c-3def"), or None if it
    cannot be one (so that no odd text reaches the database)."""
    if not isinstance(text, str):
        return None
    code = text.strip().upper().replace("-", "").replace(" ", "")
    if not code or len(code) > CODE_MAX_LENGTH or not (code.isascii() and code.isalnum()):
        return None
    return code


def registration_by_code(code, *, event: Event | None = None) -> Registration | None:
    """The registration with this code (of `event`, when given), with its event."""
    code = clean_code(code)
    if code is None:
        return None
    registrations = Registration.objects.select_related("event").filter(code=code)
    if event is not None:
        registrations = registrations.filter(event=event)
    return registrations.first()


def registration_for_badge_page(code, *, event: Event) -> Registration | None:
    """A registration with its event and its (not cancelled) bookings and their
    sessions and rooms: what the page after a walk-in shows (two queries)."""
    code = clean_code(code)
    if code is None:
        return None
    bookings = (
        Booking.objects.exclude(status=BookingStatus.CANCELLED)
        .select_related("session__room")
        .order_by("session__starts_at", "pk")
    )
    return (
        Registration.objects.select_related("event")
        .prefetch_related(Prefetch("bookings", queryset=bookings, to_attr="held_bookings"))
        .filter(event=event, code=code)
        .first()
    )


def likely_registrations(*, event: Event, name: str, email: str = "", phone: str = "") -> list[Candidate]:
    """Registrations of `event` that may be this person's: the same e-mail address
    (compared as the unique constraint compares it, lower-cased), the same phone
    number (`phone` in E.164, as stored), or a similar name: the folded name
    (case and accents ignored) within the registration's search text, spaces
    ignored, or every part of the name found there ("Minjun Kim" finds "Kim
    Minjun"). Best matches first, at most CANDIDATE_LIMIT."""
    matches = {}
    email = (email or "").strip()
    if email:
        matches["same_email"] = ~Q(email="") & Q(email_key=Lower(Value(email)))
    if phone:
        matches["same_phone"] = Q(phone=str(phone))
    name_match = _similar_name(name)
    if name_match is not None:
        matches["similar_name"] = name_match
    if not matches:
        return []
    registrations = (
        Registration.objects.filter(event=event)
        .alias(
            email_key=Lower("email"),
            compact_text=Replace("search_text", Value(" "), Value(""), output_field=TextField()),
        )
        .annotate(**{key: ExpressionWrapper(q, output_field=BooleanField()) for key, q in matches.items()})
        .filter(reduce(or_, matches.values()))
        .order_by(*(f"-{key}" for key in matches), "name", "pk")
        .only("pk", "code", "name", "organisation", "category", "status", "email", "phone", "event_id")
    )
    return [
        Candidate(
            registration=registration,
            same_email=bool(getattr(registration, "same_email", False)),
            same_phone=bool(getattr(registration, "same_phone", False)),
            similar_name=bool(getattr(registration, "similar_name", False)),
        )
        for registration in registrations[:CANDIDATE_LIMIT]
    ]


def identity_key(*, event: Event, name: str, email: str = "", phone: str = "") -> str:
    """A digest of what the duplicate check looked at: staff who confirm "none of
    these" confirm it for these values only; change one and the check runs again."""
    text = "\x1f".join([str(event.pk), fold(name), (email or "").strip().lower(), str(phone or "")])
    return hashlib.sha256(text.encode()).hexdigest()


def _similar_name(name: str) -> Q | None:
    folded = fold(name)
    compact = "".join(folded.split())
    if len(compact) < NAME_MIN_LENGTH:
        return None
    match = Q(compact_text__contains=compact)
    parts = [part for part in folded.split() if len(part) >= NAME_MIN_LENGTH]
    if len(parts) > 1:
        match |= reduce(and_, (Q(search_text__contains=part) for part in parts))
    return match
