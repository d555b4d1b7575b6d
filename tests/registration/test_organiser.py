"""An organiser editing a registration (registration.organiser): only the fields
changed are written, and needs only with the person's own consent."""

import pytest

from registration import organiser, services
from registration.errors import RegistrationError
from registration.models import Registration, Status
from tests.factories import EventFactory, PersonFactory


@pytest.fixture
def event(db):
    return EventFactory()


def test_edit_writes_the_changed_details_and_nothing_else(event):
    registration = services.register(event=event, person=PersonFactory(name="Ana"), session_ids=[]).registration
    stale = Registration.objects.get(pk=registration.pk)
    services.cancel(registration=registration)

    organiser.edit_registration(registration=stale, changes={"name": "Ana Lima", "status": Status.CONFIRMED})

    registration.refresh_from_db()
    assert (registration.name, registration.status) == ("Ana Lima", Status.CANCELLED)


def test_edit_refuses_needs_without_the_persons_consent(event):
    registration = services.register(event=event, person=PersonFactory(needs=""), session_ids=[]).registration

    with pytest.raises(RegistrationError) as refused:
        organiser.edit_registration(registration=registration, changes={"needs": "Wheelchair access"})

    assert (refused.value.code, refused.value.field) == ("sensitive_consent_required", "needs")
    registration.refresh_from_db()
    assert registration.needs == ""


def test_edit_keeps_needs_the_person_consented_to(event):
    person = PersonFactory(needs="Wheelchair access")
    registration = services.register(event=event, person=person, session_ids=[], sensitive_consent=True).registration

    organiser.edit_registration(registration=registration, changes={"needs": "Sign language"})

    registration.refresh_from_db()
    assert registration.needs == "Sign language"
