"""Writes that load an edition's programme from plain data (events.summit2010).

Rows are matched on natural keys: the event, session kind, session, speaker,
exhibitor and checkpoint slugs, and the English names of rooms and cities. A row
is saved only when one of its values differs, so loading twice creates and
changes nothing.

What other apps keep about the edition (registration: the desk's checkpoints, an
entrance per day and a door per room that checks attendance) is loaded by their
receivers of events.signals.programme_loaded, in the same transaction, because it
names the programme's days and rooms.
"""

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import models, transaction
from django.utils import translation

from events import pagecache, summit2010
from events.models import (
    Event,
    Exhibitor,
    ParticipatingCity,
    Room,
    SampleData,
    Session,
    SessionKind,
    SessionSpeaker,
    Speaker,
)
from events.signals import programme_loaded

# Load order; also the order of the summary (other apps' rows follow, in their load order).
MODELS = (Event, SessionKind, Room, Speaker, Session, SessionSpeaker, Exhibitor, ParticipatingCity)


@dataclass
class SeedResult:
    """What a load did, counted per model (keys: model verbose_name_plural, in English)."""

    event: Event | None = None
    created: Counter = field(default_factory=Counter)
    updated: Counter = field(default_factory=Counter)
    unchanged: Counter = field(default_factory=Counter)
    models: list = field(default_factory=lambda: list(MODELS))

    @property
    def changed(self) -> bool:
        return bool(self.created.total() or self.updated.total())

    def summary(self) -> str:
        lines = [
            f"{self.event.name_en} ({self.event.slug}) is the current event: "
            f"{self.created.total()} created, {self.updated.total()} updated, "
            f"{self.unchanged.total()} unchanged."
        ]
        rows = ", ".join(
            f"{label} {self.created[label] + self.updated[label] + self.unchanged[label]}"
            for label in (_label(model) for model in self.models)
        )
        lines.append(f"Rows: {rows}.")
        return "\n".join(lines)


def load_summit(*, demo: bool = False) -> SeedResult:
    """Create or update the 2010 founding General Assembly and make it the current event.

    Side effects: writes the event and its session kinds, rooms, speakers, sessions,
    speaker links, exhibitors and cities, and (programme_loaded) what other apps
    keep about the edition, such as the desk's checkpoints; clears
    `is_current` on every other event (only one may be current). Deletes nothing:
    rows an organiser added stay. Runs in one transaction and with the default
    language active, so that django-modeltranslation fills the untranslated
    columns the same way every time.

    `demo`: leave registration open (no closing time), so that people trying the
    site today can register; without it the 2010 window applies (closed since).
    Loading again with the same `demo` changes nothing.
    """
    result = SeedResult()
    with transaction.atomic(), translation.override(settings.LANGUAGE_CODE):
        event = _load_event(result, demo=demo)
        kinds = {row["slug"]: sync(result, SessionKind, ("slug",), row) for row in summit2010.SESSION_KINDS}
        rooms = {
            row["name_en"]: sync(result, Room, ("event", "name_en"), {"event": event, **row})
            for row in summit2010.ROOMS
        }
        speakers = {
            row["slug"]: sync(result, Speaker, ("event", "slug"), {"event": event, **row})
            for row in summit2010.SPEAKERS
        }
        for row in summit2010.SESSIONS:
            _load_session(result, event, row, kinds=kinds, rooms=rooms, speakers=speakers)
        for row in summit2010.EXHIBITORS:
            sync(result, Exhibitor, ("event", "slug"), {"event": event, **row})
        for row in summit2010.CITIES:
            sync(result, ParticipatingCity, ("event", "name_en"), {"event": event, **row})
        programme_loaded.send(sender=Event, event=event, rooms=rooms, result=result)
    result.event = event
    return result


def _load_event(result: SeedResult, *, demo: bool) -> Event:
    row = {**summit2010.EVENT, "registration_closes_at": None} if demo else summit2010.EVENT
    # The database allows one current event: step the others down first.
    others = Event.objects.filter(is_current=True).exclude(slug=row["slug"])
    result.updated[_label(Event)] += others.update(is_current=False)
    pagecache.content_changed()  # update() sends no signal
    return sync(result, Event, ("slug",), row)


def _load_session(result: SeedResult, event: Event, row: dict, *, kinds, rooms, speakers) -> Session:
    values = {key: value for key, value in row.items() if key not in {"kind", "room", "speakers"}}
    values.update(event=event, kind=kinds[row["kind"]], room=rooms[row["room"]])
    session = sync(result, Session, ("event", "slug"), values)
    for position, (slug, role) in enumerate(row["speakers"]):
        sync(
            result,
            SessionSpeaker,
            ("session", "speaker"),
            {"session": session, "speaker": speakers[slug], "role": role, "position": position},
        )
    return session


def sync(result: SeedResult, model: type[models.Model], keys: tuple[str, ...], row: dict[str, Any]):
    """Get the row matching `keys` and make its other values equal to `row`'s,
    creating it if missing and saving it only if a value differs; counted in `result`."""
    values = dict(row)
    if issubclass(model, SampleData):
        values.setdefault("is_sample", False)
        values.setdefault("invented_fields", [])
    lookup = {key: values.pop(key) for key in keys}
    label = _label(model)
    if model not in result.models:
        result.models.append(model)
    obj = model.objects.filter(**lookup).first()
    if obj is None:
        obj = model(**lookup, **values)
        if isinstance(obj, SampleData):
            obj.validate_invented_fields()  # a typo in summit2010 stops the load
        obj.save()
        result.created[label] += 1
        return obj
    changed = [name for name, value in values.items() if _differs(obj, name, value)]
    if not changed:
        result.unchanged[label] += 1
        return obj
    for name in changed:
        setattr(obj, name, values[name])
    if "invented_fields" in changed:
        obj.validate_invented_fields()
    # Only the changed columns: counters such as Session.seats_booked belong to the
    # registration service and may move meanwhile.
    obj.save(update_fields=_with_untranslated_columns(model, changed))
    result.updated[label] += 1
    return obj


def _with_untranslated_columns(model: type[models.Model], names: list[str]) -> list[str]:
    """`title_en` -> also `title`: django-modeltranslation keeps the untranslated
    column equal to the active language's value."""
    fields = set(names)
    for name in names:
        translated = getattr(model._meta.get_field(name), "translated_field", None)
        if translated is not None:
            fields.add(translated.name)
    return sorted(fields)


def _differs(obj: models.Model, name: str, value: Any) -> bool:
    model_field = obj._meta.get_field(name)
    current = getattr(obj, model_field.attname)
    if model_field.is_relation:
        return current != (value.pk if value is not None else None)
    return model_field.get_prep_value(current) != model_field.get_prep_value(model_field.to_python(value))


def _label(model: type[models.Model]) -> str:
    with translation.override("en"):
        return str(model._meta.verbose_name_plural)
