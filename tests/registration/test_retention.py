"""Personal data is destroyed when the retention period in the consent ends."""

from datetime import date

import pytest
from django.core.management import call_command

from registration import services
from registration.models import Booking, MailKind, OutgoingMail, Registration
from registration.retention import destroy_expired
from tests.factories import EventFactory, SessionFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("no_mail_after_commit")]


def register(event, n, *, news=False, sessions=()):
    person = {
        "name": f"김민준 {n}",
        "email": f"p{n}@example.org",
        "organisation": "서울특별시",
        "phone": "+821012345678",
        "country": "KR",
        "language": "ko",
        "category": "citizen",
        "needs": "wheelchair",
    }
    return services.register(
        event=event,
        person=person,
        session_ids=list(sessions),
        news_consent=news,
        sensitive_consent=True,
        walk_in=True,
    ).registration


def test_registrations_are_kept_until_three_months_after_the_event():
    event = EventFactory(start_date=date(2010, 9, 6), end_date=date(2010, 9, 8))
    registration = register(event, 1)

    result = destroy_expired(today=date(2010, 12, 8))

    registration.refresh_from_db()
    assert (result.anonymised, registration.name, registration.email) == (0, "김민준 1", "p1@example.org")


def test_expired_registrations_lose_every_personal_field_and_their_links():
    event = EventFactory(start_date=date(2010, 9, 6), end_date=date(2010, 9, 8))
    workshop = SessionFactory(event=event, booking_required=True, capacity=10)
    registration = register(event, 1, sessions=[workshop.pk])
    old_ticket, old_manage = registration.ticket_secret, registration.manage_secret

    result = destroy_expired(today=date(2010, 12, 10))

    registration.refresh_from_db()
    assert result.anonymised == 1
    assert [registration.name, registration.email, registration.organisation, str(registration.phone)] == [""] * 4
    assert (registration.needs, registration.search_text.strip()) == ("", registration.code.casefold())
    assert registration.anonymised_at is not None
    assert old_ticket != registration.ticket_secret
    assert old_manage != registration.manage_secret
    assert not OutgoingMail.objects.filter(registration=registration).exists()
    assert (registration.category, registration.country.code) == ("citizen", "KR")
    assert Booking.objects.filter(registration=registration).count() == 1


def test_news_subscribers_keep_name_and_email_for_two_years_then_lose_them():
    event = EventFactory(start_date=date(2010, 9, 6), end_date=date(2010, 9, 8))
    registration = register(event, 1, news=True)

    destroy_expired(today=date(2011, 1, 1))
    registration.refresh_from_db()
    kept = (registration.name, registration.email, registration.organisation, registration.anonymised_at)

    destroy_expired(today=date(2012, 9, 10))
    registration.refresh_from_db()

    assert kept == ("김민준 1", "p1@example.org", "", None)
    assert (registration.name, registration.email) == ("", "")
    assert registration.anonymised_at is not None


def test_a_withdrawn_news_consent_keeps_nothing_after_three_months():
    event = EventFactory(start_date=date(2010, 9, 6), end_date=date(2010, 9, 8))
    withdrawn = register(event, 1, news=True)
    services.set_news_consent(registration=withdrawn, granted=False)
    subscriber = register(event, 2, news=True)

    result = destroy_expired(today=date(2011, 1, 1))
    withdrawn.refresh_from_db()
    subscriber.refresh_from_db()

    assert (result.anonymised, result.kept_for_news) == (1, 1)
    assert (withdrawn.name, withdrawn.email) == ("", "")
    assert (subscriber.name, subscriber.email) == ("김민준 2", "p2@example.org")


def test_a_news_subscriber_keeps_a_working_private_link_to_withdraw(client):
    event = EventFactory(start_date=date(2010, 9, 6), end_date=date(2010, 9, 8))
    registration = register(event, 1, news=True)
    old_ticket = registration.ticket_secret
    destroy_expired(today=date(2011, 1, 1))
    registration.refresh_from_db()
    link = registration.manage_secret
    lost_link_mail = OutgoingMail.objects.create(
        kind=MailKind.MANAGE_LINK, registration=registration, to_email=registration.email
    )

    destroy_expired(today=date(2011, 1, 2))  # the next night changes nothing
    registration.refresh_from_db()
    page = client.get(f"/en/register/manage/{link}/")
    change = client.post(f"/en/register/manage/{link}/details/", {"details-phone": "010-1234-5678"}, follow=True)
    client.post(f"/en/register/manage/{link}/news/", {})

    assert registration.ticket_secret != old_ticket
    assert registration.manage_secret == link
    assert OutgoingMail.objects.filter(pk=lost_link_mail.pk).exists()
    assert page.status_code == 200
    assert "News from WeGO" in page.content.decode()
    assert "Change your details" not in page.content.decode()
    assert client.get(f"/en/register/manage/{link}/ticket.png").status_code == 404
    assert "your details have been destroyed as promised" in change.content.decode()
    registration.refresh_from_db()
    assert str(registration.phone) == ""
    assert services.news_consent_granted(registration) is False

    destroy_expired(today=date(2011, 1, 3))  # withdrawn: now everything goes
    registration.refresh_from_db()
    assert (registration.name, registration.email) == ("", "")
    assert client.get(f"/en/register/manage/{link}/").status_code == 404


def test_purge_command_dry_run_changes_nothing(capsys):
    event = EventFactory(start_date=date(2010, 9, 6), end_date=date(2010, 9, 8))
    register(event, 1)

    call_command("purge_personal_data", "--dry-run")

    assert "Would anonymise 1 registration" in capsys.readouterr().out
    assert Registration.objects.get().name == "김민준 1"


def test_the_history_forgets_with_the_registration_and_records_the_purge():
    event = EventFactory(start_date=date(2010, 9, 6), end_date=date(2010, 9, 8))
    registration = register(event, 1, news=True)
    services.update_details(registration=registration, person={"organisation": "WeGO 사무국", "city": "서울"})

    destroy_expired(today=date(2011, 1, 1))  # kept for news: name and address stay, the details go
    details = set(Registration.history.filter(id=registration.pk).values_list("organisation", "needs", "phone"))
    names = set(Registration.history.filter(id=registration.pk).values_list("name", "email"))
    destroy_expired(today=date(2012, 9, 10))  # then everything

    assert details == {("", "", "")}
    assert names == {("김민준 1", "p1@example.org")}
    trail = Registration.history.filter(id=registration.pk).order_by("history_id")
    assert set(trail.values_list("name", "email", "organisation", "city")) == {("", "", "", "")}
    assert [(row.history_actor, row.history_via) for row in trail][-2:] == [("system", "retention")] * 2
