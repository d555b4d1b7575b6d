"""Fields kept in Korean and English (django-modeltranslation adds _ko and _en)."""

from modeltranslation.translator import TranslationOptions, register

from events.models import Event, Exhibitor, ParticipatingCity, Room, Session, SessionKind, Speaker


@register(Event)
class EventTranslation(TranslationOptions):
    fields = (
        "name",
        "short_name",
        "theme",
        "description",
        "about",
        "organiser",
        "sponsor",
        "venue_name",
        "venue_address",
        "venue_directions",
        "edition",
        "city",
        "live_stream_provider",
    )


@register(Room)
class RoomTranslation(TranslationOptions):
    fields = ("name", "location")


@register(SessionKind)
class SessionKindTranslation(TranslationOptions):
    fields = ("name",)


@register(Session)
class SessionTranslation(TranslationOptions):
    fields = ("title", "description")


@register(Speaker)
class SpeakerTranslation(TranslationOptions):
    fields = ("name", "title", "organisation", "city", "biography")


@register(Exhibitor)
class ExhibitorTranslation(TranslationOptions):
    fields = ("name", "description")


@register(ParticipatingCity)
class ParticipatingCityTranslation(TranslationOptions):
    fields = ("name",)
