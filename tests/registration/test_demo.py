from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from registration.demo import SAMPLES
from registration.models import Booking, OutgoingMail, Registration, Status

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def summit(settings):
    settings.DEMO_ACCOUNTS_ALLOWED = True
    call_command("load_summit", "--demo", stdout=StringIO())


def load() -> str:
    out = StringIO()
    call_command("load_demo_attendees", stdout=out)
    return out.getvalue()


def test_sample_attendees_are_registered_once_without_any_mail(summit, mailoutbox):
    first = load()
    second = load()

    assert f"{len(SAMPLES)} registered, 0 already there" in first
    assert f"0 registered, {len(SAMPLES)} already there" in second
    assert Registration.objects.count() == len(SAMPLES)
    assert all(r.email.endswith("@example.org") for r in Registration.objects.all())
    assert not OutgoingMail.objects.exists()
    assert mailoutbox == []


def test_sample_attendees_cover_what_the_desk_shows(summit):
    load()

    statuses = dict(Registration.objects.values_list("email", "status"))
    assert statuses["doyun.jung@example.org"] == Status.PENDING  # press, not approved yet
    assert statuses["jordi.puig@example.org"] == Status.CONFIRMED  # an approved delegate
    assert Registration.objects.get(email="jose.muller@example.org").needs_attention
    assert Registration.objects.filter(name__contains="민준").exists()
    assert Booking.objects.filter(session__slug="workshop-gis").count() == 2
    assert not Registration.objects.filter(is_walk_in=True).exists()


def test_sample_attendees_are_refused_on_a_production_site(settings):
    settings.DEMO_ACCOUNTS_ALLOWED = False

    with pytest.raises(CommandError, match="development site"):
        load()
    assert not Registration.objects.exists()
