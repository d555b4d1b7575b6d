"""Named reads on the attendance tables (used by registration.queries, the
services and the views), as events/querysets.py names the programme's."""

from django.db import models
from django.db.models import Value
from django.db.models.functions import Lower

CODE_MAX_LENGTH = 12


def normalise_code(text) -> str | None:
    """A registration code as typed, read out or put in a URL ("ab2c-3def",
    "AB2C 3DEF") as it is stored ("AB2C3DEF"), or None if it cannot be one (so
    that no odd text reaches the database)."""
    if not isinstance(text, str):
        return None
    code = text.strip().upper().replace("-", "").replace(" ", "")
    if not code or len(code) > CODE_MAX_LENGTH or not (code.isascii() and code.isalnum()):
        return None
    return code


class RegistrationQuerySet(models.QuerySet):
    def for_event(self, event):
        return self.filter(event=event)

    def with_address(self, email: str):
        """Registrations with this e-mail address, compared as the unique constraint
        compares them: LOWER on both sides (and not blank, so its partial index
        serves the lookup). `email__iexact` compares with UPPER, which differs for a
        few characters: the Kelvin sign lowers to "k" but upper-cases to itself."""
        return self.exclude(email="").alias(email_key=Lower("email")).filter(email_key=Lower(Value(email)))

    def with_code(self, code):
        """The registration with this code however it was typed (normalise_code);
        none for text that cannot be a code."""
        code = normalise_code(code)
        return self.filter(code=code) if code else self.none()


class BookingQuerySet(models.QuerySet):
    def active(self):
        """Bookings that hold a seat or wait for one: all but the cancelled."""
        from registration.models import BookingStatus

        return self.exclude(status=BookingStatus.CANCELLED)

    def confirmed(self):
        """Bookings that hold a seat."""
        from registration.models import BookingStatus

        return self.filter(status=BookingStatus.CONFIRMED)

    def in_time_order(self):
        """By the session's start, then as booked: the order every page lists them in."""
        return self.order_by("session__starts_at", "pk")
