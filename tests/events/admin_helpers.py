"""What the tests of the programme's admin share (test_admin_*.py)."""

from django.urls import reverse
from django.utils import translation

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

MODELS = ["event", "room", "sessionkind", "session", "speaker", "exhibitor", "participatingcity"]


def admin_url(model, action="changelist", *args, lang="en"):
    with translation.override(lang):
        return reverse(f"admin:events_{model}_{action}", args=args)


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
