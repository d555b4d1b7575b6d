"""What the tests of registration.services share (test_services_*.py).

Every scenario ends by recounting the seat counters (tests/registration/invariants.py).
"""

from django.db import transaction

from registration import services
from registration.models import Booking, OutgoingMail
from tests.factories import PersonFactory, WorkshopFactory, seoul

T0 = seoul(2010, 8, 20, 10)


def workshop(event, **kwargs):
    return WorkshopFactory(event=event, **kwargs)


def register(event, sessions=(), **kwargs):
    """Register a new person (details from PersonFactory, overridable)."""
    options = {key: kwargs.pop(key) for key in ("now", "submission_token", "walk_in", "news_consent") if key in kwargs}
    return services.register(
        event=event, person=PersonFactory(**kwargs), session_ids=[s.pk for s in sessions], **options
    )


def booking(registration, session) -> Booking:
    return Booking.objects.get(registration=registration, session=session)


def mail_kinds(registration) -> list[str]:
    return list(OutgoingMail.objects.filter(registration=registration).order_by("pk").values_list("kind", flat=True))


def roll_back(action):
    """Run action in a transaction that is then rolled back."""
    with transaction.atomic():
        action()
        raise RuntimeError("roll back")


def refresh(*objects):
    for obj in objects:
        obj.refresh_from_db()
