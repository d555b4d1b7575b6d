"""Mail to a filtered set of registrations: the admin action keeps a draft with
the people chosen, the preview shows both languages and the number of
recipients, sending queues one mail per person in their language through the
outbox, and the mailing stays on record, read-only."""

import pytest
from django.core import mail as django_mail
from django.urls import reverse
from django.utils import translation

from registration import outbox, services
from registration.delegations import mailing
from registration.delegations.models import Mailing, MailingStatus
from registration.models import MailKind, MailStatus, OutgoingMail, Registration
from tests.factories import EventFactory, ParticipatingCityFactory, PersonFactory, WorkshopFactory
from tests.registration.delegation_helpers import organiser_user, staff_with

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("no_mail_after_commit")]

REGISTRATIONS = "admin:registration_registration_changelist"
TEXTS = {
    "kind": "service",
    "subject_ko": "셔틀버스 안내",
    "body_ko": "내일 아침 셔틀버스는 8시에 출발합니다.\n호텔 로비에서 기다려 주세요.",
    "subject_en": "Shuttle bus",
    "body_en": "Tomorrow's shuttle leaves at 8:00.\nWait in the hotel lobby <please>.",
}


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.fixture
def event():
    return EventFactory(slug="wego-2010", capacity=100)


@pytest.fixture
def organiser(client):
    user = organiser_user()
    client.force_login(user)
    client.user = user
    return client


def register(event, sessions=(), news=False, **person):
    details = PersonFactory(**person)
    return services.register(
        event=event, person=details, session_ids=[s.pk for s in sessions], news_consent=news
    ).registration


def write_to(client, registrations=None, query=""):
    """The admin action on the changelist (with its filters in the query string)."""
    url = reverse(REGISTRATIONS) + query
    data = {"action": "write_to_these_people", "index": 0}
    if registrations is None:
        data["select_across"] = 1
        data["_selected_action"] = [Registration.objects.first().pk]
    else:
        data["_selected_action"] = [r.pk for r in registrations]
    response = client.post(url, data)
    assert response.status_code == 302, response.content[:500]
    return Mailing.objects.latest("created_at")


def fill_in(client, draft, **texts):
    return client.post(reverse("delegations:mailing_write", args=[draft.pk]), {**TEXTS, **texts})


def test_a_workshops_bookings_filtered_get_the_mail_in_their_own_language(organiser, event):
    workshop = WorkshopFactory(event=event, slug="w1")
    ko = register(event, [workshop], language="ko")
    en = register(event, [workshop], language="en")
    register(event, language="en")  # not booked

    draft = write_to(organiser, query=f"?session={workshop.pk}")
    assert draft.selected_count == 2
    assert "booked session" in draft.filter_description
    fill_in(organiser, draft)
    organiser.post(reverse("delegations:mailing_send", args=[draft.pk]))

    mails = OutgoingMail.objects.filter(kind=MailKind.MAILING).order_by("to_email")
    assert {(m.registration_id, m.language) for m in mails} == {(ko.pk, "ko"), (en.pk, "en")}
    draft.refresh_from_db()
    assert (draft.status, draft.sent_by) == (MailingStatus.SENT, organiser.user)
    assert draft.recipients.count() == 2


def test_the_mail_is_rendered_from_the_mailing_in_the_persons_language_escaped(settings, organiser, event):
    ko = register(event, language="ko", name="김민준")
    en = register(event, language="en", name="Ada <b>Lovelace</b>")
    draft = write_to(organiser, [ko, en])
    fill_in(organiser, draft)
    organiser.post(reverse("delegations:mailing_send", args=[draft.pk]))

    outbox.deliver_due()

    by_address = {m.to[0]: m for m in django_mail.outbox}
    korean, english = by_address[ko.email], by_address[en.email]
    assert korean.subject == "셔틀버스 안내"
    assert "내일 아침 셔틀버스는 8시에 출발합니다.\n호텔 로비에서 기다려 주세요." in korean.body
    assert english.subject == "Shuttle bus"
    html = english.alternatives[0].content
    assert "Tomorrow&#x27;s shuttle leaves at 8:00.<br>Wait in the hotel lobby &lt;please&gt;." in html
    assert "Ada &lt;b&gt;Lovelace&lt;/b&gt;" in html
    assert set(OutgoingMail.objects.values_list("status", flat=True)) == {MailStatus.SENT}


def test_news_goes_only_to_people_whose_latest_answer_is_yes(organiser, event):
    yes = register(event, news=True)
    withdrawn = register(event, news=True)
    services.set_news_consent(registration=withdrawn, granted=False)
    never = register(event, news=False)
    draft = write_to(organiser, [yes, withdrawn, never])
    fill_in(organiser, draft, kind="news")

    page = organiser.get(reverse("delegations:mailing_preview", args=[draft.pk]))
    assert page.context["count"] == 1
    organiser.post(reverse("delegations:mailing_send", args=[draft.pk]))

    assert list(OutgoingMail.objects.filter(kind=MailKind.MAILING).values_list("registration", flat=True)) == [yes.pk]


def test_ended_registrations_and_people_without_address_are_left_out(organiser, event):
    kept = register(event)
    cancelled = register(event)
    services.cancel(registration=cancelled)
    no_address = register(event, email="")

    assert list(
        mailing.recipients(
            mailing.start_mailing(registrations=Registration.objects.all(), user=organiser.user, description="")
        )
    ) == [kept]
    assert no_address.email == ""


def test_filters_by_category_delegation_and_check_in(organiser, event):
    city = ParticipatingCityFactory(event=event)
    delegate = register(event, category="delegate", organisation="City Hall")
    Registration.objects.filter(pk=delegate.pk).update(delegation=city)
    register(event, category="citizen")

    by_city = write_to(organiser, query=f"?delegation__id__exact={city.pk}")
    by_category = write_to(organiser, query="?category__exact=citizen")
    not_in = write_to(organiser, query="?checked_in=no")

    assert [r.registration_id for r in by_city.recipients.all()] == [delegate.pk]
    assert by_category.selected_count == 1
    assert not_in.selected_count == 2
    assert "Not yet checked in" in not_in.filter_description


def test_preview_shows_both_languages_and_the_count(organiser, event):
    people = [register(event, language="ko"), register(event, language="en"), register(event, language="en")]
    draft = write_to(organiser, people)
    fill_in(organiser, draft)

    page = organiser.get(reverse("delegations:mailing_preview", args=[draft.pk]))

    html = page.content.decode()
    assert page.context["count"] == 3
    assert page.context["by_language"] == {"ko": 1, "en": 2}
    assert [p["subject"] for p in page.context["previews"]] == ["셔틀버스 안내", "Shuttle bus"]
    assert "Wait in the hotel lobby &lt;please&gt;." in html  # the plain text, escaped on the page
    assert "Send to 3 people" in html
    assert "It goes to 3 people" in html
    assert OutgoingMail.objects.filter(kind=MailKind.MAILING).count() == 0


def test_a_text_is_needed_in_both_languages(organiser, event):
    draft = write_to(organiser, [register(event)])

    response = fill_in(organiser, draft, body_en="")

    assert response.context["form"].errors["body_en"] == ["This field is required."]
    assert organiser.post(reverse("delegations:mailing_send", args=[draft.pk])).status_code == 302
    assert OutgoingMail.objects.filter(kind=MailKind.MAILING).count() == 0


def test_sending_twice_sends_once_and_the_record_is_read_only(organiser, event):
    draft = write_to(organiser, [register(event)])
    fill_in(organiser, draft)
    organiser.post(reverse("delegations:mailing_send", args=[draft.pk]))

    organiser.post(reverse("delegations:mailing_send", args=[draft.pk]))
    changed = fill_in(organiser, draft, subject_en="Changed")

    assert OutgoingMail.objects.filter(kind=MailKind.MAILING).count() == 1
    assert changed.status_code == 302
    assert Mailing.objects.get().subject_en == "Shuttle bus"
    record = organiser.get(reverse("admin:registration_mailing_change", args=[draft.pk]))
    assert "Queued: 1" in record.content.decode()
    assert b'name="subject_en"' not in record.content


def test_the_mailing_outbox_row_can_be_retried(organiser, event):
    draft = write_to(organiser, [register(event)])
    fill_in(organiser, draft)
    organiser.post(reverse("delegations:mailing_send", args=[draft.pk]))
    mailings = OutgoingMail.objects.filter(kind=MailKind.MAILING)
    mailings.update(status=MailStatus.FAILED)

    outbox.retry(mails=mailings)
    outbox.deliver_due()

    assert mailings.get().status == MailStatus.SENT
    assert django_mail.outbox[-1].subject == "Shuttle bus"


def test_writing_needs_the_permission_and_viewers_see_the_record(client, event):
    person = register(event)
    draft = mailing.start_mailing(registrations=Registration.objects.all(), user=None, description="")
    viewer = staff_with("viewer", "view_registration", "view_mailing")
    client.force_login(viewer)

    listing = client.get(reverse(REGISTRATIONS))
    action = client.post(reverse(REGISTRATIONS), {"action": "write_to_these_people", "_selected_action": [person.pk]})

    assert "write_to_these_people" not in listing.content.decode()
    assert Mailing.objects.count() == 1
    assert action.status_code in (200, 302)
    assert client.get(reverse("delegations:mailing_write", args=[draft.pk])).status_code == 403
    assert client.post(reverse("delegations:mailing_send", args=[draft.pk])).status_code == 403
    assert client.get(reverse("admin:registration_mailing_change", args=[draft.pk])).status_code == 200


@pytest.mark.parametrize("n", [1, 4])
def test_mailing_list_queries_do_not_grow(organiser, event, n, django_assert_num_queries):
    people = [register(event) for _ in range(3)]
    for _ in range(n):
        draft = write_to(organiser, people)
        fill_in(organiser, draft)
        organiser.post(reverse("delegations:mailing_send", args=[draft.pk]))
    with django_assert_num_queries(QUERIES):
        response = organiser.get(reverse("admin:registration_mailing_changelist"))
    assert len(response.context["cl"].result_list) == n


# session, user, count, the page of mailings with their recipient and delivered
# counts (one annotated query), the status and kind filters' counts... fixed.
QUERIES = 7


def test_the_pages_speak_korean(organiser, event):
    person = register(event, language="ko")
    draft = write_to(organiser, [person])
    fill_in(organiser, draft)

    with translation.override("ko"):
        write = organiser.get(reverse("delegations:mailing_write", args=[draft.pk]))
        preview = organiser.get(reverse("delegations:mailing_preview", args=[draft.pk]))

    assert "선택한 사람들에게 메일 쓰기" in write.content.decode()
    assert "1명에게 보내기" in preview.content.decode()


@pytest.mark.parametrize("n", [1, 4])
def test_a_sent_mailings_record_page_queries_do_not_grow(organiser, event, n, django_assert_num_queries):
    people = [register(event, language="ko" if i % 2 else "en") for i in range(n)]
    draft = write_to(organiser, people)
    fill_in(organiser, draft)
    organiser.post(reverse("delegations:mailing_send", args=[draft.pk]))
    url = reverse("admin:registration_mailing_change", args=[draft.pk])
    organiser.get(url)  # warm the content-type cache

    with django_assert_num_queries(RECORD_QUERIES):
        response = organiser.get(url)

    assert f"Queued: {n}" in response.content.decode()
    assert response.content.decode().count("Queued") >= n


# session, user, the mailing (with its counts), its permissions (user, groups), the
# recipients with their registrations and mails (inline), who wrote it, who sent it,
# the delivery summary.
RECORD_QUERIES = 9
