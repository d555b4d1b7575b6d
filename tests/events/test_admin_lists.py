"""The programme's admin lists: queries per changelist, search and filters, invented details."""

import re

import pytest
from django.utils import translation

from events.models import Audience, Session
from tests.events.admin_helpers import MODELS, admin_url, make_rows, session_form
from tests.factories import (
    EventFactory,
    ExhibitorFactory,
    ParticipatingCityFactory,
    RoomFactory,
    SessionFactory,
    SessionKindFactory,
    SessionSpeakerFactory,
    SpeakerFactory,
    seoul,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def event():
    return EventFactory(slug="wego-2010", name_en="WeGO General Assembly", name_ko="WeGO 창립총회")


# Changelists -------------------------------------------------------------------------
# Per changelist: session + user, each related filter's choices, filtered and full
# counts, the rows (joined), date hierarchy / day filter. (Not the current event: the
# admin's pages never show request.event, so it is never read.)
CHANGELIST_QUERIES = {
    "event": 7,
    "room": 6,
    "sessionkind": 5,
    "session": 11,
    "speaker": 6,
    "exhibitor": 6,
    "participatingcity": 6,
}


@pytest.mark.parametrize("n", [1, 5])
@pytest.mark.parametrize("model", MODELS)
def test_changelist_queries_do_not_grow_with_rows(admin_client, event, model, n, django_assert_num_queries):
    make_rows(event, n)

    with django_assert_num_queries(CHANGELIST_QUERIES[model]):
        response = admin_client.get(admin_url(model))

    assert response.status_code == 200
    expected = n + 1 if model == "sessionkind" else n  # the sessions' shared kind
    assert response.context["cl"].result_count == expected
    assert len(response.context["cl"].result_list) == expected


@pytest.mark.parametrize("model", ["event", "room", "session", "speaker", "exhibitor", "participatingcity"])
def test_changelist_marks_sample_rows(admin_client, event, model):
    make_rows(event, 2)  # one sample row, one not

    content = admin_client.get(admin_url(model)).content.decode()

    assert "Sample data" in content  # the column
    assert content.count("SAMPLE · ") == 1


def test_session_changelist_shows_local_time_seats_and_names(admin_client, event):
    room = RoomFactory(event=event, name_en="Grand Ballroom")
    SessionFactory(event=event, room=room, title_en="Keynote", booking_required=True, capacity=30, is_sample=True)

    content = admin_client.get(admin_url("session")).content.decode()

    assert "SAMPLE · Keynote" in content
    assert "Grand Ballroom" in content
    assert "30 / 30" in content
    assert re.search(r"09/08/2010 9:30|2010-09-08 09:30", content), "start shown in Seoul time"


def test_changelists_show_korean_names_under_ko(admin_client, event):
    SessionFactory(event=event, title_en="Opening", title_ko="개회식")

    content = admin_client.get(admin_url("session", lang="ko")).content.decode()

    assert "개회식" in content
    assert "Opening" not in content


def test_speaker_and_exhibitor_lists_show_thumbnails(admin_client, event):
    SpeakerFactory(event=event, photo="speakers/" + "a" * 32 + ".jpg")
    ExhibitorFactory(event=event, logo="logos/" + "b" * 32 + ".png")

    speakers = admin_client.get(admin_url("speaker")).content.decode()
    exhibitors = admin_client.get(admin_url("exhibitor")).content.decode()

    assert '<img src="/media/speakers/' + "a" * 32 + '.jpg" alt="" height="40" loading="lazy">' in speakers
    assert '<img src="/media/logos/' + "b" * 32 + '.png" alt="" height="40" loading="lazy">' in exhibitors


# Search and filters ------------------------------------------------------------------


def result_names(response, attr="slug"):
    return sorted(getattr(obj, attr) for obj in response.context["cl"].result_list)


@pytest.mark.parametrize("query", ["데이터", "open data", "west"])
def test_session_search_finds_titles_in_both_languages_and_speakers(admin_client, event, query):
    wanted = SessionFactory(event=event, slug="wanted", title_en="Open data", title_ko="공공 데이터")
    SessionFactory(event=event, slug="other", title_en="Reception", title_ko="환영 만찬")
    SessionSpeakerFactory(session=wanted, speaker=SpeakerFactory(event=event, name_en="Darrell West"))

    response = admin_client.get(admin_url("session"), {"q": query})

    assert result_names(response) == ["wanted"]


@pytest.mark.parametrize(
    ("model", "factory", "field"),
    [
        ("speaker", SpeakerFactory, "name"),
        ("exhibitor", ExhibitorFactory, "name"),
        ("participatingcity", ParticipatingCityFactory, "name"),
        ("room", RoomFactory, "name"),
    ],
)
def test_search_finds_korean_and_english_names(admin_client, event, model, factory, field):
    factory(event=event, **{f"{field}_en": "Findable", f"{field}_ko": "찾는이름"})
    factory(event=event, **{f"{field}_en": "Other", f"{field}_ko": "다른"})

    for query in ["findable", "찾는"]:
        response = admin_client.get(admin_url(model), {"q": query})
        assert [getattr(obj, f"{field}_en") for obj in response.context["cl"].result_list] == ["Findable"]


def test_session_filters(admin_client, event):
    workshop = SessionKindFactory(slug="workshop")
    keynote = SessionKindFactory(slug="keynote", name_en="Keynote")
    hall = RoomFactory(event=event)
    SessionFactory(event=event, slug="a", kind=workshop, starts_at=seoul(2010, 9, 6, 9), ends_at=seoul(2010, 9, 6, 10))
    SessionFactory(
        event=event,
        slug="b",
        kind=keynote,
        room=hall,
        is_sample=True,
        audience=Audience.DELEGATES,
        booking_required=True,
        capacity=10,
        starts_at=seoul(2010, 9, 7, 0, 30),  # just after midnight in Seoul, still the 6th in UTC
        ends_at=seoul(2010, 9, 7, 1, 30),
    )

    def filtered(**params):
        return result_names(admin_client.get(admin_url("session"), params))

    assert filtered(is_sample__exact="1") == ["b"]
    assert filtered(is_sample__exact="0") == ["a"]
    assert filtered(kind__id__exact=keynote.pk) == ["b"]
    assert filtered(day="2010-09-06") == ["a"]
    assert filtered(day="2010-09-07") == ["b"]
    assert filtered(room__id__exact=hall.pk) == ["b"]
    assert filtered(audience__exact="delegates") == ["b"]
    assert filtered(booking_required__exact="1") == ["b"]
    assert filtered(starts_at__day="7", starts_at__month="9", starts_at__year="2010") == ["b"]  # date hierarchy


def test_session_day_filter_lists_days_in_seoul_time(admin_client, event):
    SessionFactory(event=event, starts_at=seoul(2010, 9, 7, 0, 30), ends_at=seoul(2010, 9, 7, 1, 30))

    response = admin_client.get(admin_url("session"))

    [day_filter] = [f for f in response.context["cl"].filter_specs if getattr(f, "parameter_name", "") == "day"]
    assert day_filter.lookup_choices == [("2010-09-07", "September 7, 2010")]


def test_session_day_filter_with_bad_value_is_not_a_server_error(admin_client, event):
    SessionFactory(event=event)

    response = admin_client.get(admin_url("session"), {"day": "not-a-date"})

    assert response.status_code == 302
    assert response["Location"].endswith("?e=1")


@pytest.mark.parametrize(
    ("model", "params", "expected"),
    [
        ("event", {"is_current__exact": "1"}, ["wego-2010"]),
        ("speaker", {"is_sample__exact": "1"}, ["sample"]),
        ("exhibitor", {"kind__exact": "pavilion"}, ["sample"]),
        ("participatingcity", {"role__exact": "chair"}, ["sample"]),
    ],
)
def test_other_filters(admin_client, event, model, params, expected):
    EventFactory(slug="wego-2012", is_current=False)
    SpeakerFactory(event=event, slug="sample", is_sample=True)
    SpeakerFactory(event=event, slug="real")
    ExhibitorFactory(event=event, slug="sample", kind="pavilion")
    ExhibitorFactory(event=event, slug="real")
    ParticipatingCityFactory(event=event, name_en="sample", role="chair")
    ParticipatingCityFactory(event=event, name_en="real")

    response = admin_client.get(admin_url(model), params)

    attr = "name_en" if model == "participatingcity" else "slug"
    assert result_names(response, attr) == expected


def test_mark_not_sample_action(admin_client, event):
    session = SessionFactory(event=event, is_sample=True)

    response = admin_client.post(
        admin_url("session"), {"action": "mark_not_sample", "_selected_action": [session.pk]}, follow=True
    )

    session.refresh_from_db()
    assert session.is_sample is False
    assert "1 row is no longer marked as sample data." in response.content.decode()


def test_mark_not_sample_action_also_clears_invented_details(admin_client, event):
    session = SessionFactory(event=event, invented_fields=["starts_at", "room"])

    admin_client.post(admin_url("session"), {"action": "mark_not_sample", "_selected_action": [session.pk]})

    session.refresh_from_db()
    assert (session.is_sample, session.invented_fields) == (False, [])


# Invented details of rows from the record --------------------------------------------


@pytest.mark.parametrize(
    ("model", "factory", "invented", "shown"),
    [
        ("session", SessionFactory, ["starts_at", "ends_at", "room"], "Starts, Ends, Room"),
        ("exhibitor", ExhibitorFactory, ["booth", "website"], "Booth, Website"),
        ("participatingcity", ParticipatingCityFactory, ["role"], "Role"),
        ("speaker", SpeakerFactory, ["title", "organisation"], "Job title, Organisation"),
        ("room", RoomFactory, ["capacity"], "Seats"),
    ],
)
def test_changelist_names_the_invented_details(admin_client, event, model, factory, invented, shown):
    factory(event=event, invented_fields=invented)

    response = admin_client.get(admin_url(model))

    content = response.content.decode()
    assert "column-invented" in content
    assert f'<td class="field-invented">{shown}</td>' in content


def test_event_changelist_names_the_invented_details(admin_client):
    EventFactory(invented_fields=["registration_opens_at", "capacity"])

    content = admin_client.get(admin_url("event")).content.decode()

    assert '<td class="field-invented">Registration opens, Capacity</td>' in content


def test_changelist_names_invented_details_in_korean_under_ko(admin_client, event):
    SessionFactory(event=event, invented_fields=["room"])

    content = admin_client.get(admin_url("session", lang="ko")).content.decode()

    with translation.override("ko"):
        room = str(Session._meta.get_field("room").verbose_name)
    assert f'<td class="field-invented">{room}</td>' in content


def test_change_form_warns_about_invented_details(admin_client, event):
    session = SessionFactory(event=event, invented_fields=["starts_at", "ends_at", "room"])

    content = admin_client.get(admin_url("session", "change", session.pk)).content.decode()

    assert (
        "Some details of this row were invented for the demo, not taken from the official record: "
        "Starts, Ends, Room." in content
    )
    assert 'class="messagelist sample-notice"' in content


def test_change_form_warns_about_a_sample_row(admin_client, event):
    speaker = SpeakerFactory(event=event, is_sample=True)

    content = admin_client.get(admin_url("speaker", "change", speaker.pk)).content.decode()

    assert "This row is sample data: it was invented for the demo" in content


def test_change_form_of_a_checked_row_has_no_notice(admin_client, event):
    exhibitor = ExhibitorFactory(event=event)

    content = admin_client.get(admin_url("exhibitor", "change", exhibitor.pk)).content.decode()

    assert "sample-notice" not in content


def test_change_form_offers_each_detail_as_a_checkbox(admin_client, event):
    session = SessionFactory(event=event, invented_fields=["room"])

    content = admin_client.get(admin_url("session", "change", session.pk)).content.decode()

    boxes = dict(re.findall(r'<input type="checkbox" name="invented_fields" value="([a-z_]+)"([^>]*)>', content))
    assert {"title", "starts_at", "ends_at", "room", "capacity", "audience"} <= set(boxes)
    assert not {"title_ko", "title_en", "event", "slug", "is_sample", "invented_fields"} & set(boxes)
    assert "checked" in boxes["room"]
    assert "checked" not in boxes["starts_at"]


def test_change_form_saves_the_ticked_details(admin_client, event):
    kind = SessionKindFactory()
    session = SessionFactory(event=event, kind=kind, slug="workshop-1", invented_fields=["room"])

    response = admin_client.post(
        admin_url("session", "change", session.pk),
        session_form(event, kind, session.room, invented_fields=["starts_at", "ends_at"]),
    )

    assert response.status_code == 302, response.context["adminform"].form.errors
    session.refresh_from_db()
    assert session.invented_fields == ["starts_at", "ends_at"]


def test_change_form_unticking_every_detail_clears_them(admin_client, event):
    kind = SessionKindFactory()
    session = SessionFactory(event=event, kind=kind, slug="workshop-1", invented_fields=["room"])

    response = admin_client.post(admin_url("session", "change", session.pk), session_form(event, kind, session.room))

    assert response.status_code == 302
    session.refresh_from_db()
    assert session.invented_fields == []


def test_change_form_refuses_an_unknown_detail(admin_client, event):
    kind = SessionKindFactory()
    session = SessionFactory(event=event, kind=kind, slug="workshop-1")

    response = admin_client.post(
        admin_url("session", "change", session.pk),
        session_form(event, kind, session.room, invented_fields=["no_such_field"]),
    )

    assert response.status_code == 200
    assert "invented_fields" in response.context["adminform"].form.errors


@pytest.mark.parametrize(("value", "expected"), [("yes", ["invented"]), ("no", ["checked", "sample"])])
def test_invented_details_filter(admin_client, event, value, expected):
    SessionFactory(event=event, slug="invented", invented_fields=["room"])
    SessionFactory(event=event, slug="checked")
    SessionFactory(event=event, slug="sample", is_sample=True)

    response = admin_client.get(admin_url("session"), {"invented": value})

    assert sorted(s.slug for s in response.context["cl"].result_list) == expected
