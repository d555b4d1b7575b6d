import re
from io import BytesIO

import pytest
from django.urls import reverse
from django.utils import translation
from PIL import Image

from events.models import Audience, Event, Session, SessionSpeaker, Speaker, SpeakerRole
from tests.events.test_images import SECRET, image_bytes, jpeg_with_exif_and_trailer, png_with_alpha, upload
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


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    """admin_client hashes a password per test; the default hasher is slow on purpose."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


MODELS = ["event", "room", "sessionkind", "session", "speaker", "exhibitor", "participatingcity"]


def admin_url(model, action="changelist", *args, lang="en"):
    with translation.override(lang):
        return reverse(f"admin:events_{model}_{action}", args=args)


@pytest.fixture
def event():
    return EventFactory(slug="wego-2010", name_en="WeGO General Assembly", name_ko="WeGO 창립총회")


def make_rows(event, n):
    """n rows of every model, half of them sample data, with the relations lists show."""
    kind = SessionKindFactory()
    for i in range(n):
        sample = i % 2 == 0
        room = RoomFactory(event=event, is_sample=sample)
        session = SessionFactory(
            event=event,
            kind=kind,
            room=room,
            is_sample=sample,
            booking_required=True,
            capacity=30,
            starts_at=seoul(2010, 9, 6 + i % 3, 9),
            ends_at=seoul(2010, 9, 6 + i % 3, 10),
        )
        speaker = SpeakerFactory(event=event, is_sample=sample, photo=f"speakers/{i:032x}.jpg")
        SessionSpeakerFactory(session=session, speaker=speaker)
        ExhibitorFactory(event=event, is_sample=sample, logo=f"logos/{i:032x}.png")
        ParticipatingCityFactory(event=event, is_sample=sample)
        SessionKindFactory(slug=f"kind-{i}", name_en=f"Kind {i}", name_ko=f"종류 {i}")
    for i in range(n - 1):
        EventFactory(slug=f"edition-{i}", is_current=False, is_sample=i % 2 == 0)


# Changelists ---------------------------------------------------------------------


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


# Search and filters ----------------------------------------------------------------


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


# Invented details of rows from the record ------------------------------------------


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


# Sessions: add and change with inline speakers -------------------------------------


def session_form(event, kind, room=None, speakers=(), existing=(), **overrides):
    """POST data for the session add/change form, with the speakers inline."""
    data = {
        "event": event.pk,
        "kind": kind.pk,
        "title_ko": "워크숍 1: 시민 참여",
        "title_en": "Workshop 1: Citizen participation",
        "slug": "workshop-1",
        "description_ko": "시민 참여 사례",
        "description_en": "Cases of citizen participation",
        "is_published": "on",
        "starts_at_0": "2010-09-08",
        "starts_at_1": "09:30:00",
        "ends_at_0": "2010-09-08",
        "ends_at_1": "12:00:00",
        "room": room.pk if room else "",
        "audience": "public",
        "capacity": "",
        "stream_url": "",
        "appearances-TOTAL_FORMS": str(len(existing) + len(speakers)),
        "appearances-INITIAL_FORMS": str(len(existing)),
        "appearances-MIN_NUM_FORMS": "0",
        "appearances-MAX_NUM_FORMS": "1000",
    }
    rows = [(a.pk, a.speaker, a.role, a.position) for a in existing] + [(None, *row) for row in speakers]
    for i, (pk, speaker, role, position) in enumerate(rows):
        data |= {
            f"appearances-{i}-id": pk or "",
            f"appearances-{i}-speaker": speaker.pk,
            f"appearances-{i}-role": role,
            f"appearances-{i}-position": position,
        }
    return data | overrides


def test_add_session_with_speakers_saves_both_languages(admin_client, event):
    kind = SessionKindFactory()
    room = RoomFactory(event=event)
    west = SpeakerFactory(event=event, name_en="Darrell M. West")
    kim = SpeakerFactory(event=event, name_en="Kim")

    response = admin_client.post(
        admin_url("session", "add"),
        session_form(event, kind, room, speakers=[(west, SpeakerRole.KEYNOTE, 0), (kim, SpeakerRole.MODERATOR, 1)]),
    )

    assert response.status_code == 302, response.context["adminform"].form.errors
    session = Session.objects.get(slug="workshop-1")
    assert session.title_ko == "워크숍 1: 시민 참여"
    assert session.title_en == "Workshop 1: Citizen participation"
    assert session.description_ko == "시민 참여 사례"
    assert session.description_en == "Cases of citizen participation"
    assert session.event.local(session.starts_at) == seoul(2010, 9, 8, 9, 30)
    assert [(a.speaker, a.role, a.position) for a in session.appearances.all()] == [
        (west, "keynote", 0),
        (kim, "moderator", 1),
    ]


def test_change_session_page_shows_both_languages_and_speakers(admin_client, event):
    session = SessionFactory(event=event, title_en="Plenary", title_ko="본회의")
    SessionSpeakerFactory(session=session, speaker=SpeakerFactory(event=event, name_en="Darrell M. West"))

    response = admin_client.get(admin_url("session", "change", session.pk))

    content = response.content.decode()
    assert 'name="title_ko"' in content
    assert 'name="title_en"' in content
    assert 'value="본회의"' in content
    assert 'value="Plenary"' in content
    assert "Darrell M. West" in content
    assert 'name="appearances-0-role"' in content
    assert 'name="appearances-0-position"' in content


def test_change_session_updates_speakers_inline(admin_client, event):
    session = SessionFactory(event=event, slug="workshop-1")
    appearance = SessionSpeakerFactory(session=session, role=SpeakerRole.PRESENTER)
    appearance.role = SpeakerRole.PANELLIST
    newcomer = SpeakerFactory(event=event)

    response = admin_client.post(
        admin_url("session", "change", session.pk),
        session_form(event, session.kind, session.room, existing=[appearance], speakers=[(newcomer, "moderator", 2)])
        | {"title_en": "Renamed"},
    )

    assert response.status_code == 302
    session.refresh_from_db()
    assert session.title_en == "Renamed"
    assert [(a.speaker, a.role) for a in session.appearances.all()] == [
        (appearance.speaker, "panellist"),
        (newcomer, "moderator"),
    ]


def test_session_speaker_from_another_event_is_a_form_error(admin_client, event):
    stranger = SpeakerFactory(event=EventFactory(slug="other", is_current=False))

    response = admin_client.post(
        admin_url("session", "add"), session_form(event, SessionKindFactory(), speakers=[(stranger, "presenter", 0)])
    )

    assert response.status_code == 200
    assert "This speaker belongs to another event." in response.content.decode()
    assert not Session.objects.exists()


def test_session_same_speaker_twice_is_a_form_error(admin_client, event):
    speaker = SpeakerFactory(event=event)

    response = admin_client.post(
        admin_url("session", "add"),
        session_form(event, SessionKindFactory(), speakers=[(speaker, "presenter", 0), (speaker, "moderator", 1)]),
    )

    assert response.status_code == 200
    assert not SessionSpeaker.objects.exists()
    assert "Please correct the duplicate" in response.content.decode()


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"ends_at_1": "09:00:00"}, "ends_at", "The session must end after it starts."),
        ({"booking_required": "on"}, "capacity", "Give the number of seats when seats must be booked."),
        ({"title_ko": "", "title_en": ""}, "title_ko", "This field is required."),
    ],
)
def test_session_form_errors_are_shown_on_the_field(admin_client, event, overrides, field, message):
    response = admin_client.post(admin_url("session", "add"), session_form(event, SessionKindFactory(), **overrides))

    assert response.status_code == 200
    assert response.context["adminform"].form.errors[field] == [message]
    assert not Session.objects.exists()


def test_session_room_of_another_event_is_a_form_error(admin_client, event):
    room = RoomFactory(event=EventFactory(slug="other", is_current=False))

    response = admin_client.post(admin_url("session", "add"), session_form(event, SessionKindFactory(), room))

    assert response.context["adminform"].form.errors["room"] == ["This room belongs to another event."]


def test_session_capacity_below_booked_seats_is_a_form_error(admin_client, event):
    session = SessionFactory(event=event, slug="workshop-1", booking_required=True, capacity=10)
    Session.objects.filter(pk=session.pk).update(seats_booked=8)

    response = admin_client.post(
        admin_url("session", "change", session.pk),
        session_form(event, session.kind, session.room, booking_required="on", capacity="5"),
    )

    assert response.context["adminform"].form.errors["capacity"] == [
        "8 seats are already booked; the capacity cannot be lower."
    ]


# Events: which one is current --------------------------------------------------------


def event_form(**overrides):
    data = {
        "name_ko": "제2차 총회",
        "name_en": "Second General Assembly",
        "slug": "wego-2012",
        "start_date": "2012-09-04",
        "end_date": "2012-09-06",
        "time_zone": "Asia/Seoul",
        "venue_name_ko": "장소",
        "venue_name_en": "Venue",
    }
    return data | overrides


def test_event_change_page_has_fieldsets(admin_client, event):
    content = admin_client.get(admin_url("event", "change", event.pk)).content.decode()

    for legend in ["Dates", "Registration", "Venue", "Live stream"]:
        assert f">{legend}</" in content
    assert 'name="is_current"' in content
    assert 'name="registration_opens_at_0"' in content
    assert 'name="live_stream_url"' in content


def test_add_event_saves_both_languages(admin_client, event):
    response = admin_client.post(admin_url("event", "add"), event_form())

    assert response.status_code == 302
    added = Event.objects.get(slug="wego-2012")
    assert (added.name_ko, added.name_en, added.is_current) == ("제2차 총회", "Second General Assembly", False)


def test_second_current_event_is_a_form_error_not_a_server_error(admin_client, event):
    response = admin_client.post(admin_url("event", "add"), event_form(is_current="on"))

    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert errors["is_current"] == [
        "“WeGO General Assembly” is already the current edition. Only one can be current: "
        "untick “current edition” there first."
    ]
    assert list(Event.objects.current()) == [event]


def test_making_an_old_event_current_is_a_form_error(admin_client, event):
    old = EventFactory(slug="old", is_current=False)

    response = admin_client.post(admin_url("event", "change", old.pk), event_form(slug="old", is_current="on"))

    assert "is_current" in response.context["adminform"].form.errors
    old.refresh_from_db()
    assert old.is_current is False


def test_current_event_can_be_saved_again(admin_client, event):
    response = admin_client.post(
        admin_url("event", "change", event.pk), event_form(slug="wego-2010", is_current="on", name_en="Renamed")
    )

    assert response.status_code == 302
    event.refresh_from_db()
    assert (event.name_en, event.is_current) == ("Renamed", True)


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"end_date": "2012-09-01"}, "end_date"),
        (
            {
                "registration_opens_at_0": "2012-08-01",
                "registration_opens_at_1": "09:00",
                "registration_closes_at_0": "2012-07-01",
                "registration_closes_at_1": "09:00",
            },
            "registration_closes_at",
        ),
    ],
)
def test_event_dates_out_of_order_are_form_errors(admin_client, event, overrides, field):
    response = admin_client.post(admin_url("event", "add"), event_form(**overrides))

    assert response.status_code == 200
    assert field in response.context["adminform"].form.errors
    assert not Event.objects.filter(slug="wego-2012").exists()


# Pages work under the site's CSP and load nothing from another host ------------------


PAGES = [(model, "changelist") for model in MODELS] + [(model, "add") for model in MODELS]


@pytest.mark.parametrize(("model", "action"), PAGES)
def test_admin_pages_have_no_inline_code_and_nothing_from_other_hosts(admin_client, event, model, action):
    make_rows(event, 1)

    response = admin_client.get(admin_url(model, action))

    content = response.content.decode()
    assert "script-src 'self'" in response["Content-Security-Policy"]
    assert "style=" not in content
    assert "<style" not in content
    for tag in re.findall(r"<script\b[^>]*>", content):
        assert "src=" in tag or 'type="application/json"' in tag, tag
    for address in re.findall(r'(?:src|href)="([^"]*)"', content):
        assert not re.match(r"^(https?:)?//", address), address


# Image uploads through the admin -----------------------------------------------------


def speaker_form(event, photo, **overrides):
    data = {
        "event": event.pk,
        "name_ko": "김철수",
        "name_en": "Kim Chul-soo",
        "slug": "kim",
        "country": "KR",
        "photo": photo,
    }
    return data | overrides


def exhibitor_form(event, logo):
    return {
        "event": event.pk,
        "name_ko": "서울 u-City 관",
        "name_en": "Seoul u-City pavilion",
        "slug": "u-city",
        "kind": "pavilion",
        "position": "0",
        "logo": logo,
    }


def stored_bytes(field_file) -> bytes:
    with field_file.open("rb") as f:
        return f.read()


def test_admin_photo_upload_is_reencoded_under_a_random_name(admin_client, event):
    original = jpeg_with_exif_and_trailer(size=(120, 80))

    response = admin_client.post(
        admin_url("speaker", "add"), speaker_form(event, upload(original, name="kim-passport-photo.jpg"))
    )

    assert response.status_code == 302
    photo = Speaker.objects.get(slug="kim").photo
    assert re.fullmatch(r"speakers/[0-9a-f]{32}\.jpg", photo.name)
    assert "passport" not in photo.name
    data = stored_bytes(photo)
    assert data != original
    assert SECRET not in data
    assert b"Secret Photographer" not in data
    stored = Image.open(BytesIO(data))
    stored.load()
    assert stored.format == "JPEG"
    assert stored.size == (80, 120)  # EXIF orientation applied, then dropped
    assert dict(stored.getexif()) == {}


def test_admin_logo_upload_keeps_transparency_under_a_random_name(admin_client, event):
    original = png_with_alpha()

    response = admin_client.post(
        admin_url("exhibitor", "add"), exhibitor_form(event, upload(original, "samsung.png", "image/png"))
    )

    assert response.status_code == 302
    logo = event.exhibitors.get().logo
    assert re.fullmatch(r"logos/[0-9a-f]{32}\.png", logo.name)
    assert "samsung" not in logo.name
    data = stored_bytes(logo)
    assert data != original
    assert Image.open(BytesIO(data)).mode == "RGBA"


@pytest.mark.parametrize(
    ("content", "name"),
    [
        pytest.param(b"I am only text, pretending.\n" * 20, "photo.png", id="text-renamed-png"),
        pytest.param(image_bytes("JPEG", size=(300, 300))[:500], "photo.jpg", id="truncated-jpeg"),
    ],
)
def test_admin_broken_upload_is_a_form_error(admin_client, event, content, name):
    response = admin_client.post(admin_url("speaker", "add"), speaker_form(event, upload(content, name)))

    assert response.status_code == 200
    assert response.context["adminform"].form.errors["photo"] == [
        "This file is not an image we can read. Upload a JPEG, PNG, GIF or WebP picture."
    ]
    assert not Speaker.objects.exists()


def test_admin_image_over_pixel_cap_is_a_form_error(admin_client, event, settings):
    settings.IMAGE_MAX_PIXELS = 10_000

    response = admin_client.post(
        admin_url("exhibitor", "add"), exhibitor_form(event, upload(image_bytes("PNG", size=(200, 100)), "big.png"))
    )

    assert response.status_code == 200
    assert response.context["adminform"].form.errors["logo"] == [
        "This image is too large (200 × 100 pixels). Upload one of at most 10,000 pixels (width × height)."
    ]
    assert not event.exhibitors.exists()


def test_admin_change_without_new_photo_keeps_the_stored_one(admin_client, event):
    admin_client.post(admin_url("speaker", "add"), speaker_form(event, upload(image_bytes(), "a.jpg")))
    speaker = Speaker.objects.get(slug="kim")
    name = speaker.photo.name

    response = admin_client.post(admin_url("speaker", "change", speaker.pk), speaker_form(event, "", name_en="Kim C."))

    assert response.status_code == 302
    speaker.refresh_from_db()
    assert (speaker.name_en, speaker.photo.name) == ("Kim C.", name)


def test_make_current_action_switches_the_current_edition(admin_client):
    old = EventFactory(slug="wego-2010", is_current=True)
    new = EventFactory(slug="wego-2012", is_current=False)

    response = admin_client.post(
        reverse("admin:events_event_changelist"),
        {"action": "make_current", "_selected_action": [new.pk]},
        follow=True,
    )

    old.refresh_from_db()
    new.refresh_from_db()
    assert (old.is_current, new.is_current) == (False, True)
    assert "current edition" in response.content.decode() or "현재" in response.content.decode()
