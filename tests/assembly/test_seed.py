"""The plenary loaded with the 2010 summit, and the sample accreditations of `make run`."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from assembly import queries
from assembly.models import Accreditation, AssemblySettings, Proxy, QuorumRule
from events.models import Event

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def summit(settings):
    settings.DEMO_ACCOUNTS_ALLOWED = True
    call_command("load_summit", "--demo", stdout=StringIO())
    return Event.objects.current().get()


def test_the_summit_brings_its_plenary_door_and_settings(summit):
    settings = AssemblySettings.objects.get(event=summit)

    assert settings.session.slug == "plenary-session"
    assert (settings.checkpoint.room, settings.checkpoint.kind) == (settings.session.room, "room")
    assert (settings.quorum_rule, settings.max_proxies) == (QuorumRule.MAJORITY, 2)


def test_loading_again_keeps_an_organisers_settings(summit):
    AssemblySettings.objects.filter(event=summit).update(quorum_rule=QuorumRule.FIXED, quorum_number=20)

    call_command("load_summit", "--demo", stdout=StringIO())

    assert AssemblySettings.objects.get(event=summit).quorum_number == 20


def test_sample_accreditations_are_made_once(summit):
    call_command("load_demo_attendees", stdout=StringIO())
    first, second = StringIO(), StringIO()

    call_command("load_demo_assembly", stdout=first)
    call_command("load_demo_assembly", stdout=second)

    assert "5 made now" in first.getvalue()
    assert "0 made now" in second.getvalue()
    assert Accreditation.objects.count() == 5
    assert list(Proxy.objects.values_list("giver__name_en", "holder__name_en")) == [("Moscow", "Barcelona")]
    quorum = queries.quorum_of(AssemblySettings.objects.get(event=summit))
    assert quorum.members > 40
    assert quorum.votes == 0  # nobody has come through the door yet


def test_sample_accreditations_are_refused_on_a_real_site(summit, settings):
    settings.DEMO_ACCOUNTS_ALLOWED = False

    with pytest.raises(CommandError):
        call_command("load_demo_assembly", stdout=StringIO())

    assert not Accreditation.objects.exists()
