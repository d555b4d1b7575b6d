"""Editing one edition while another is current: times in the edition's own
time zone, and only that edition's rooms.

A session of a Madrid edition starts at 10:00 Madrid time, whatever the site's
time zone (Asia/Seoul) or the current edition's. EditionAdmin, mixed into the
model admin of anything tied to an edition (an `event` foreign key: sessions,
checkpoints, registrations), renders and validates the change form under
`timezone.override(<the edition's zone>)`, so that every date-time on the page
is typed and shown in that zone and stored in UTC; the zone is said next to
each time field. The event's own admin does the same with the event's zone.

Which edition a form is for:
- a POST names it (the form's `event` field, or for an event its `time_zone`):
  the times typed are read in that edition's zone;
- otherwise the object's edition; on an add page `?event=<id>`; otherwise the
  current edition (the one the add page then preselects).

The page records the zone it showed (EditionTimesForm's hidden field). If an
organiser chooses an edition in another zone before saving, the form is shown
again with a note on the time fields instead of being saved: the times typed
are then read in the new zone, and the organiser checks them.

`room` fields offer only the edition's rooms; a room of another edition is
refused with a message next to the field.
"""

import zoneinfo

from django import forms
from django.conf import settings
from django.contrib.admin.utils import unquote
from django.core.exceptions import ValidationError
from django.db.models import Subquery
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from events.models import Event, Room
from wegov.inputs import parse_id

ZONE_FIELD = "shown_time_zone"
ROOM_OF_ANOTHER_EDITION = gettext_lazy("Choose a room of %(edition)s: this room belongs to another edition.")


def _event_by_pk(value) -> Event | None:
    pk = parse_id(value)
    return Event.objects.filter(pk=pk).first() if pk else None


class EditionTimesForm(forms.ModelForm):
    """A change form whose times are in the edition's zone (the active one
    while EditionAdmin renders and validates it); see the module's docstring."""

    shown_time_zone = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        zone = timezone.get_current_timezone_name()
        self.zone_changed_from = ""
        if self.is_bound:
            shown = self.data.get(self.add_prefix(ZONE_FIELD), "")
            if shown and shown != zone:
                self.zone_changed_from = shown
            self.data = self.data.copy()
            self.data[self.add_prefix(ZONE_FIELD)] = zone
        self.initial[ZONE_FIELD] = zone

    def clean(self):
        cleaned = super().clean()
        if self.zone_changed_from:
            zone = timezone.get_current_timezone_name()
            for name, field in self.fields.items():
                if isinstance(field, forms.DateTimeField | forms.SplitDateTimeField) and cleaned.get(name):
                    self.add_error(
                        name,
                        ValidationError(
                            _(
                                "The edition's time zone is now %(zone)s (it was %(previous)s): this time is read "
                                "as %(zone)s time. Check it and save again."
                            ),
                            code="zone_changed",
                            params={"zone": zone, "previous": self.zone_changed_from},
                        ),
                    )
        return cleaned


class EditionAdmin:
    """Mixin for a ModelAdmin of a model with an `event` foreign key (or of
    Event itself, overriding time_zone_for): see the module's docstring."""

    def edition_for(self, request, object_id) -> Event | None:
        if request.method == "POST" and "event" in request.POST:
            return _event_by_pk(request.POST["event"])
        if object_id:
            pk = parse_id(unquote(object_id))
            if pk is None:
                return None  # the admin says the object does not exist
            # One query: the edition of the object, whatever the model.
            objects = self.model._default_manager.filter(pk=pk).values("event_id")[:1]
            return Event.objects.filter(pk=Subquery(objects)).first()
        return _event_by_pk(request.GET.get("event")) or Event.objects.current().first()

    def time_zone_for(self, request, object_id, edition: Event | None) -> str:
        return edition.time_zone if edition else settings.TIME_ZONE

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        edition = self.edition_for(request, object_id)
        request.edition = edition
        with timezone.override(zoneinfo.ZoneInfo(self.time_zone_for(request, object_id, edition))):
            response = super().changeform_view(request, object_id, form_url, extra_context)
            # The times are written into the page when it is rendered: still in this zone.
            if hasattr(response, "render") and not response.is_rendered:
                response.render()
        return response

    def get_changeform_initial_data(self, request):
        initial = super().get_changeform_initial_data(request)
        edition = getattr(request, "edition", None)
        if edition is not None and "event" in {f.name for f in self.model._meta.fields}:
            initial.setdefault("event", edition.pk)
        return initial

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        zone = timezone.get_current_timezone_name()
        for field in form.base_fields.values():
            if isinstance(field, forms.DateTimeField | forms.SplitDateTimeField):
                note = _("Time in %(zone)s, the edition's time zone.") % {"zone": zone}
                field.help_text = f"{note} {field.help_text}" if field.help_text else note
        return form

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        edition = getattr(request, "edition", None)
        if db_field.name == "room" and db_field.related_model is Room and edition is not None:
            kwargs["queryset"] = Room.objects.filter(event=edition)
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if db_field.name == "room" and field is not None and edition is not None:
            field.error_messages = {
                **field.error_messages,
                "invalid_choice": ROOM_OF_ANOTHER_EDITION % {"edition": edition.name},
            }
        return field
