"""Decision records: the quorum captured by the system, and a published decision
frozen for good (model, queryset, admin and the database trigger)."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.urls import reverse
from django.utils import translation

from assembly import services
from assembly.errors import AssemblyError
from assembly.models import Decision, DecisionKind
from tests.assembly.world import DURING, accredited, enter

pytestmark = pytest.mark.django_db


def record(plenary, **fields):
    decision = Decision(
        event=plenary.event,
        kind=fields.pop("kind", DecisionKind.CHAIR),
        text_en=fields.pop("text_en", "Seoul is elected chair city."),
        text_ko=fields.pop("text_ko", "서울이 의장도시로 선출되었다."),
        **fields,
    )
    return services.record_decision(decision=decision, now=DURING)


@pytest.fixture
def three_present(plenary):
    for number, city in enumerate(plenary.cities[:3]):
        enter(plenary, accredited(city, f"Voter {number}"))
    return plenary


def test_the_quorum_is_captured_when_recorded(three_present, admin_user):
    decision = record(three_present, votes_for=2, votes_against=1)

    decision.refresh_from_db()
    assert (decision.members, decision.quorum_required, decision.votes_present, decision.quorum_reached) == (
        5,
        3,
        3,
        True,
    )
    assert decision.session == three_present.session


def test_the_snapshot_does_not_follow_later_arrivals(three_present):
    decision = record(three_present, votes_for=3)
    enter(three_present, accredited(three_present.cities[3], "Late"))

    decision.text_en = "Seoul is elected chair city (corrected)."
    services.record_decision(decision=decision)

    decision.refresh_from_db()
    assert decision.votes_present == 3


def test_more_votes_than_present_are_refused(three_present):
    with pytest.raises(AssemblyError) as error:
        record(three_present, votes_for=3, votes_against=1)

    assert error.value.code == "votes"


def test_the_database_refuses_more_votes_than_present(three_present):
    decision = record(three_present, votes_for=3)

    with pytest.raises(IntegrityError), transaction.atomic():
        Decision.objects.filter(pk=decision.pk).update(votes_against=1)


@pytest.fixture
def published(three_present, admin_user):
    decision = record(three_present, votes_for=3)
    return services.publish_decision(decision=decision, user=admin_user)


def test_publishing_records_who_and_when(published, admin_user):
    assert published.published_by == admin_user
    assert published.published_at is not None


def test_a_published_decision_cannot_be_saved(published):
    published.votes_for = 2

    with pytest.raises(ValidationError):
        published.save()


def test_a_published_decision_cannot_be_deleted(published):
    with pytest.raises(ValidationError):
        published.delete()
    with pytest.raises(ValidationError):
        Decision.objects.filter(pk=published.pk).delete()
    assert Decision.objects.filter(pk=published.pk).exists()


def test_a_queryset_update_of_a_published_decision_raises(published):
    with pytest.raises(ValidationError):
        Decision.objects.filter(pk=published.pk).update(text_en="Changed")


def test_the_database_refuses_an_update_of_a_published_decision(published):
    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE assembly_decision SET text_en = 'Changed' WHERE id = %s", [published.pk])

    published.refresh_from_db()
    assert published.text_en == "Seoul is elected chair city."


def test_the_database_refuses_a_delete_of_a_published_decision(published):
    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM assembly_decision WHERE id = %s", [published.pk])

    assert Decision.objects.filter(pk=published.pk).exists()


def test_an_unpublished_decision_can_be_corrected_and_deleted(three_present):
    decision = record(three_present, votes_for=3)

    Decision.objects.filter(pk=decision.pk).update(votes_for=2)
    decision.delete()

    assert not Decision.objects.exists()


def test_the_admin_shows_a_published_decision_read_only(admin_client, published):
    change = reverse("admin:assembly_decision_change", args=[published.pk])

    page = admin_client.get(change)
    posted = admin_client.post(change, {"kind": "bylaws", "text_en": "Changed", "text_ko": "변경"})

    assert 'name="_save"' not in page.content.decode()
    assert posted.status_code == 403
    published.refresh_from_db()
    assert published.kind == DecisionKind.CHAIR
    delete = admin_client.post(reverse("admin:assembly_decision_delete", args=[published.pk]), {"post": "yes"})
    assert delete.status_code == 403
    assert Decision.objects.filter(pk=published.pk).exists()


def test_the_admin_records_the_quorum_itself(admin_client, three_present):
    response = admin_client.post(
        reverse("admin:assembly_decision_add"),
        {
            "event": three_present.event.pk,
            "kind": "next_host",
            "position": 3,
            "text_en": "Next host: Barcelona",
            "text_ko": "차기 개최도시: 바르셀로나",
            "votes_for": 3,
            "votes_against": 0,
            "votes_abstain": 0,
            "votes_present": 50,  # not a field of the form: ignored
        },
    )

    assert response.status_code == 302
    decision = Decision.objects.get()
    assert (decision.votes_present, decision.quorum_reached) == (3, True)


def session_page(client, plenary, lang="en"):
    with translation.override(lang):
        return client.get(reverse("events:session", kwargs={"slug": plenary.session.slug})).content.decode()


def test_published_decisions_show_on_the_plenary_page_at_once(client, three_present, admin_user):
    decision = record(three_present, votes_for=3)
    assert "Seoul is elected chair city." not in session_page(client, three_present)  # now cached

    services.publish_decision(decision=decision, user=admin_user)

    page = session_page(client, three_present)
    assert "Seoul is elected chair city." in page
    assert "For 3, against 0, abstentions 0." in page
    assert "서울이 의장도시로 선출되었다." in session_page(client, three_present, "ko")


def test_other_sessions_show_no_decisions(client, published):
    from tests.factories import SessionFactory

    other = SessionFactory(event=published.event, slug="other")

    with translation.override("en"):
        page = client.get(reverse("events:session", kwargs={"slug": other.slug})).content.decode()

    assert "Decisions of the General Assembly" not in page


def test_the_admin_publishes_decisions_with_its_action(admin_client, three_present):
    decision = record(three_present, votes_for=3)
    with translation.override("en"):
        changelist = reverse("admin:assembly_decision_changelist")
    response = admin_client.post(changelist, {"action": "publish", "_selected_action": [decision.pk]}, follow=True)

    decision.refresh_from_db()
    assert decision.is_published
    assert "1 decision published." in response.content.decode()


def test_the_admin_explains_too_many_votes_next_to_the_votes(admin_client, three_present):
    with translation.override("en"):
        add = reverse("admin:assembly_decision_add")
    response = admin_client.post(
        add,
        {
            "event": three_present.event.pk,
            "kind": "bylaws",
            "position": 4,
            "text_en": "Bylaws adopted",
            "text_ko": "정관 채택",
            "votes_for": 3,
            "votes_against": 1,
            "votes_abstain": 0,
        },
    )

    assert response.status_code == 200
    assert "More votes than the 3 votes present." in response.content.decode()
    assert not Decision.objects.exists()
