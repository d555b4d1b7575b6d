"""The programme in the Django admin, for organisers.

Both languages are edited side by side with modeltranslation's plain
TranslationAdmin (fields "title [ko]" and "title [en]"). Its tabbed variant is not
used: it loads jQuery UI from a CDN, and the site loads nothing from another host.
Every changelist joins what its columns show, so it runs a fixed number of queries.
Rows invented for the demo (`is_sample`) are marked "SAMPLE" in every list; rows
from the record with some invented details (`invented_fields`: times, a room, a
booth, ...) name those details in an "invented details" column, and both carry a
notice at the top of their change form.
"""

import zoneinfo
from datetime import date

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.utils import unquote
from django.db.models import Count
from django.forms.models import BaseInlineFormSet
from django.utils import formats
from django.utils.html import format_html
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from modeltranslation.admin import TranslationAdmin

from events import pagecache, services
from events.admin_editions import EditionAdmin, EditionTimesForm
from events.models import (
    Event,
    Exhibitor,
    ParticipatingCity,
    Room,
    Session,
    SessionKind,
    SessionSpeaker,
    Speaker,
)
from wegov.inputs import parse_id

# Shared pieces ---------------------------------------------------------------


class InventedDetailsFilter(admin.SimpleListFilter):
    """Rows from the record that still have invented details to check."""

    title = _("invented details")
    parameter_name = "invented"

    def lookups(self, request, model_admin):
        return [("yes", _("Some details invented")), ("no", _("No invented details"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.exclude(invented_fields=[])
        if self.value() == "no":
            return queryset.filter(invented_fields=[])
        return queryset


class SampleDataAdmin(TranslationAdmin):
    """A "Sample data" column and filter, a SAMPLE prefix on the first column, an
    "invented details" column, ticked per detail on the change form, a notice at
    the top of the change form, and actions to flag or clear the marks."""

    actions = ["mark_not_sample", "mark_sample"]
    change_form_template = "admin/events/sample_data_change_form.html"

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "invented_fields":
            return forms.MultipleChoiceField(
                choices=self.model.detail_choices(),
                widget=forms.CheckboxSelectMultiple,
                required=False,
                label=capfirst(db_field.verbose_name),
                help_text=db_field.help_text,
            )
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    @admin.display(boolean=True, description=_("Sample data"), ordering="is_sample")
    def sample(self, obj) -> bool:
        return obj.is_sample

    @admin.display(description=_("invented details"))
    def invented(self, obj) -> str:
        return ", ".join(obj.invented_labels()) or "—"

    @staticmethod
    def marked(obj, text) -> str:
        return _("SAMPLE · %(name)s") % {"name": text} if obj.is_sample else str(text)

    @admin.action(description=_("Mark selected as checked (not sample data)"), permissions=["change"])
    def mark_not_sample(self, request, queryset):
        """Checked: neither the row nor any of its details is invented any more."""
        count = queryset.update(is_sample=False, invented_fields=[])
        pagecache.content_changed()  # update() sends no signal; the JSON shows these marks
        self.message_user(
            request,
            ngettext(
                "%(count)d row is no longer marked as sample data.",
                "%(count)d rows are no longer marked as sample data.",
                count,
            )
            % {"count": count},
            messages.SUCCESS,
        )

    @admin.action(description=_("Mark selected as sample data"), permissions=["change"])
    def mark_sample(self, request, queryset):
        count = queryset.update(is_sample=True)
        pagecache.content_changed()
        self.message_user(
            request,
            ngettext(
                "%(count)d row is now marked as sample data.", "%(count)d rows are now marked as sample data.", count
            )
            % {"count": count},
            messages.SUCCESS,
        )


def thumbnail(image, alt: str = ""):
    """A small preview: no query, the browser scales the stored (already small) image."""
    if not image:
        return "—"
    return format_html('<img src="{}" alt="{}" height="40" loading="lazy">', image.url, alt)


# Event -----------------------------------------------------------------------


class EventAdminForm(EditionTimesForm):
    """Rules the database also enforces, checked here first so that an organiser
    gets a message on the field instead of a server error."""

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("is_current"):
            other = Event.objects.current().exclude(pk=self.instance.pk).first()
            if other:
                self.add_error(
                    "is_current",
                    forms.ValidationError(
                        _(
                            "“%(event)s” is already the current edition. Only one can be current: "
                            "untick “current edition” there first."
                        ),
                        code="one_current_event",
                        params={"event": other},
                    ),
                )
        start, end = cleaned.get("start_date"), cleaned.get("end_date")
        if start and end and end < start:
            self.add_error("end_date", forms.ValidationError(_("The last day is before the first day."), code="order"))
        opens, closes = cleaned.get("registration_opens_at"), cleaned.get("registration_closes_at")
        if opens and closes and closes <= opens:
            self.add_error(
                "registration_closes_at",
                forms.ValidationError(_("Registration must close after it opens."), code="order"),
            )
        capacity, taken = cleaned.get("capacity"), getattr(self.instance, "seats_taken", 0) or 0
        if capacity is not None and capacity < taken:
            self.add_error(
                "capacity",
                forms.ValidationError(
                    _("%(taken)s places are already taken; the capacity cannot be lower."),
                    code="below_taken",
                    params={"taken": taken},
                ),
            )
        return cleaned


@admin.register(Event)
class EventAdmin(EditionAdmin, SampleDataAdmin):
    form = EventAdminForm
    list_display = ["display_name", "start_date", "end_date", "venue_name", "is_current", "sample", "invented"]
    list_display_links = ["display_name"]
    list_filter = ["is_current", "is_sample", InventedDetailsFilter]
    search_fields = ["name_ko", "name_en", "slug", "theme_ko", "theme_en"]
    ordering = ["-start_date"]
    date_hierarchy = "start_date"
    prepopulated_fields = {"slug": ["name_en"]}
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "name",
                    "short_name",
                    "edition",
                    "slug",
                    "theme",
                    "is_current",
                    "is_sample",
                    "invented_fields",
                ]
            },
        ),
        (
            _("About"),
            {
                "fields": [
                    "description",
                    "about",
                    "organiser",
                    "sponsor",
                    "website",
                    "contact_email",
                    "data_attribution",
                ]
            },
        ),
        (_("Dates"), {"fields": ["start_date", "end_date", "time_zone"]}),
        (
            _("Registration"),
            {"fields": ["registration_opens_at", "registration_closes_at", "capacity", "shown_time_zone"]},
        ),
        (_("Venue"), {"fields": ["city", "venue_name", "venue_address", "venue_directions", "venue_sketch"]}),
        (_("Live stream"), {"fields": ["live_stream_url", "live_stream_provider"]}),
        (_("At the venue"), {"fields": ["no_show_release_minutes"]}),
    ]

    actions = [*SampleDataAdmin.actions, "make_current"]

    @admin.display(description=_("name"), ordering="name")
    def display_name(self, obj):
        return self.marked(obj, obj.name)

    def edition_for(self, request, object_id):
        """The event itself (none yet on the add page)."""
        pk = parse_id(unquote(object_id)) if object_id else None
        return Event.objects.filter(pk=pk).first() if pk else None

    def time_zone_for(self, request, object_id, edition):
        """The zone chosen in the form when it is sent (the times typed beside it are
        in that zone), otherwise the event's, or the default one for a new event."""
        posted = request.POST.get("time_zone") if request.method == "POST" else None
        if posted in zoneinfo.available_timezones():
            return posted
        return edition.time_zone if edition else Event._meta.get_field("time_zone").default

    @admin.action(description=_("Make this the current edition"), permissions=["change"])
    def make_current(self, request, queryset):
        if queryset.count() != 1:
            self.message_user(request, _("Choose exactly one event."), level=messages.ERROR)
            return
        event = services.make_current(event=queryset.get())
        self.message_user(request, _("“%(name)s” is now the current edition.") % {"name": event.name})


# Rooms and kinds -------------------------------------------------------------


@admin.register(Room)
class RoomAdmin(SampleDataAdmin):
    list_display = [
        "display_name",
        "event",
        "location",
        "capacity",
        "checks_attendance",
        "overflow_room",
        "position",
        "sample",
        "invented",
    ]
    list_display_links = ["display_name"]
    list_filter = ["event", "checks_attendance", "is_sample", InventedDetailsFilter]
    list_select_related = ["event", "overflow_room"]
    search_fields = ["name_ko", "name_en", "location_ko", "location_en"]
    ordering = ["event", "position", "name"]

    @admin.display(description=_("name"), ordering="name")
    def display_name(self, obj):
        return self.marked(obj, obj.name)


class SessionKindAdminForm(forms.ModelForm):
    class Meta:
        widgets = {"colour": forms.TextInput(attrs={"type": "color"})}


@admin.register(SessionKind)
class SessionKindAdmin(TranslationAdmin):
    form = SessionKindAdminForm
    list_display = ["name", "slug", "colour", "position", "session_count"]
    search_fields = ["name_ko", "name_en", "slug"]
    ordering = ["position", "slug"]
    prepopulated_fields = {"slug": ["name_en"]}

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(session_count=Count("sessions"))

    @admin.display(description=_("sessions"), ordering="session_count")
    def session_count(self, obj):
        return obj.session_count


# Sessions --------------------------------------------------------------------


class DayFilter(admin.SimpleListFilter):
    """Sessions by calendar day in the site's time zone (the summit's, Asia/Seoul)."""

    title = _("day")
    parameter_name = "day"

    def lookups(self, request, model_admin):
        days = Session.objects.datetimes("starts_at", "day")
        return [(day.date().isoformat(), formats.date_format(day, "DATE_FORMAT")) for day in days]

    def queryset(self, request, queryset):
        if not self.value():
            return queryset
        try:
            day = date.fromisoformat(self.value())
        except ValueError as exc:
            raise IncorrectLookupParameters(exc) from exc
        return queryset.filter(starts_at__date=day)


class SessionSpeakerFormSet(BaseInlineFormSet):
    def clean(self):
        super().clean()
        event_id = self.instance.event_id
        for form in self.forms:
            speaker = getattr(form, "cleaned_data", {}).get("speaker")
            if speaker and event_id and speaker.event_id != event_id and not self._should_delete_form(form):
                form.add_error(
                    "speaker",
                    forms.ValidationError(_("This speaker belongs to another event."), code="other_event"),
                )


class SessionSpeakerInline(admin.TabularInline):
    model = SessionSpeaker
    formset = SessionSpeakerFormSet
    fields = ["speaker", "role", "position"]
    autocomplete_fields = ["speaker"]
    extra = 1
    verbose_name = _("speaker")
    verbose_name_plural = _("speakers")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("speaker")


class SessionAdminForm(EditionTimesForm):
    def clean(self):
        cleaned = super().clean()
        starts, ends = cleaned.get("starts_at"), cleaned.get("ends_at")
        if starts and ends and ends <= starts:
            self.add_error("ends_at", forms.ValidationError(_("The session must end after it starts."), code="order"))
        capacity = cleaned.get("capacity")
        if cleaned.get("booking_required") and capacity is None:
            self.add_error(
                "capacity",
                forms.ValidationError(_("Give the number of seats when seats must be booked."), code="required"),
            )
        booked = self.instance.booked_count if self.instance.pk else 0
        if capacity is not None and capacity < booked:
            self.add_error(
                "capacity",
                forms.ValidationError(
                    _("%(booked)s seats are already booked; the capacity cannot be lower."),
                    code="below_booked",
                    params={"booked": booked},
                ),
            )
        event, room = cleaned.get("event"), cleaned.get("room")
        if event and room and room.event_id != event.pk:
            self.add_error("room", forms.ValidationError(_("This room belongs to another event."), code="other_event"))
        return cleaned


@admin.register(Session)
class SessionAdmin(EditionAdmin, SampleDataAdmin):
    form = SessionAdminForm
    inlines = [SessionSpeakerInline]
    list_display = [
        "display_title",
        "event",
        "local_start",
        "room",
        "kind",
        "audience",
        "seats",
        "is_streamed",
        "is_published",
        "sample",
        "invented",
    ]
    list_display_links = ["display_title"]
    list_filter = [
        "event",
        "is_sample",
        InventedDetailsFilter,
        "kind",
        DayFilter,
        "room",
        "audience",
        "booking_required",
        "is_streamed",
        "is_published",
    ]
    list_select_related = ["event", "room", "kind"]
    search_fields = ["title_ko", "title_en", "slug", "appearances__speaker__name_ko", "appearances__speaker__name_en"]
    date_hierarchy = "starts_at"
    ordering = ["starts_at", "room__position"]
    prepopulated_fields = {"slug": ["title_en"]}
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "event",
                    "kind",
                    "title",
                    "slug",
                    "description",
                    "is_published",
                    "is_sample",
                    "invented_fields",
                ]
            },
        ),
        (_("Time and place"), {"fields": ["starts_at", "ends_at", "room", "shown_time_zone"]}),
        (_("Attendance"), {"fields": ["audience", "booking_required", "capacity"]}),
        (_("Live stream"), {"fields": ["is_streamed", "stream_url"]}),
    ]

    @admin.display(description=_("title"), ordering="title")
    def display_title(self, obj):
        return self.marked(obj, obj.title)

    @admin.display(description=_("starts"), ordering="starts_at")
    def local_start(self, obj):
        return formats.date_format(obj.event.local(obj.starts_at), "SHORT_DATETIME_FORMAT")

    @admin.display(description=_("seats left"))
    def seats(self, obj):
        if not obj.booking_required:
            return "—"
        return f"{obj.seats_left} / {obj.capacity}"


# Speakers, exhibitors, cities ------------------------------------------------


@admin.register(Speaker)
class SpeakerAdmin(SampleDataAdmin):
    list_display = [
        "photo_thumbnail",
        "display_name",
        "organisation",
        "city",
        "country",
        "event",
        "session_count",
        "sample",
        "invented",
    ]
    list_display_links = ["display_name"]
    list_filter = ["event", "is_sample", InventedDetailsFilter]
    list_select_related = ["event"]
    search_fields = ["name_ko", "name_en", "slug", "organisation_ko", "organisation_en", "city_ko", "city_en"]
    ordering = ["event", "name"]
    prepopulated_fields = {"slug": ["name_en"]}
    fieldsets = [
        (None, {"fields": ["event", "name", "slug", "is_sample", "invented_fields"]}),
        (_("Position"), {"fields": ["title", "organisation", "city", "country"]}),
        (_("Profile"), {"fields": ["biography", "photo"]}),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(session_count=Count("appearances"))

    @admin.display(description=_("photo"))
    def photo_thumbnail(self, obj):
        return thumbnail(obj.photo)

    @admin.display(description=_("name"), ordering="name")
    def display_name(self, obj):
        return self.marked(obj, obj.name)

    @admin.display(description=_("sessions"), ordering="session_count")
    def session_count(self, obj):
        return obj.session_count


@admin.register(Exhibitor)
class ExhibitorAdmin(SampleDataAdmin):
    list_display = ["logo_thumbnail", "display_name", "kind", "booth", "event", "position", "sample", "invented"]
    list_display_links = ["display_name"]
    list_filter = ["event", "kind", "is_sample", InventedDetailsFilter]
    list_select_related = ["event"]
    search_fields = ["name_ko", "name_en", "slug", "booth"]
    ordering = ["event", "kind", "position", "name"]
    prepopulated_fields = {"slug": ["name_en"]}
    fieldsets = [
        (None, {"fields": ["event", "name", "slug", "kind", "booth", "position", "is_sample", "invented_fields"]}),
        (_("Presentation"), {"fields": ["description", "logo", "website"]}),
    ]

    @admin.display(description=_("logo"))
    def logo_thumbnail(self, obj):
        return thumbnail(obj.logo)

    @admin.display(description=_("name"), ordering="name")
    def display_name(self, obj):
        return self.marked(obj, obj.name)


@admin.register(ParticipatingCity)
class ParticipatingCityAdmin(SampleDataAdmin):
    list_display = [
        "display_name",
        "country",
        "role",
        "presents_best_practice",
        "event",
        "position",
        "sample",
        "invented",
    ]
    list_display_links = ["display_name"]
    list_filter = ["event", "role", "presents_best_practice", "is_sample", InventedDetailsFilter]
    list_select_related = ["event"]
    search_fields = ["name_ko", "name_en"]
    ordering = ["event", "position", "name"]

    @admin.display(description=_("name"), ordering="name")
    def display_name(self, obj):
        return self.marked(obj, obj.name)
