"""The venue desk in the admin, for organisers: checkpoints (editable), the
check-in history (read-only: check-ins are made and undone at the desk, and
every row stays as a record), the actions that print badges of the selected
registrations, and the filter for attendees the desk marks for attention.

Importing this module registers Checkpoint and CheckIn on the admin site.
Django's autodiscovery imports only registration/admin.py, which imports this
module and puts its pieces on RegistrationAdmin: the badge actions (plain
functions, in RegistrationAdmin.actions), AttentionFilter (list_filter) and
CheckInInline (a registration's check-ins on its page). This module imports
nothing from registration/admin.py, so there is no import cycle. Every
changelist joins what its columns show, so it runs a fixed number of queries
whatever the number of rows.
"""

from datetime import date

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.http import HttpResponse
from django.utils import formats, timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TranslationAdmin

from events.admin_editions import EditionAdmin
from registration.badges import render_badges
from registration.checkin import attention_q
from registration.models import CheckIn, Checkpoint, CheckpointKind
from registration.roles import BADGE_PERMISSION


def local_time(moment, tz) -> str:
    """A time in the event's time zone, written the same way in both languages."""
    return timezone.localtime(moment, tz).strftime("%Y-%m-%d %H:%M") if moment else "–"


# Checkpoints ------------------------------------------------------------------------------


class CheckpointForm(forms.ModelForm):
    """Says in words what the database's check constraint refuses: an entrance
    admits on one day of its event, a door belongs to one of its event's rooms."""

    class Meta:
        model = Checkpoint
        fields = ("event", "slug", "name", "kind", "day", "room", "position")

    def clean(self):
        cleaned = super().clean()
        event, kind = cleaned.get("event"), cleaned.get("kind")
        day, room = cleaned.get("day"), cleaned.get("room")
        if event is None or kind is None:
            return cleaned
        if kind == CheckpointKind.ENTRANCE:
            if day is None:
                self.add_error("day", _("An entrance admits on one day: give the day."))
            elif not event.start_date <= day <= event.end_date:
                self.add_error("day", _("Choose a day of the event."))
        elif kind == CheckpointKind.ROOM and "room" not in self.errors:
            if room is None:
                self.add_error("room", _("A room door needs its room."))
            elif room.event_id != event.pk:
                self.add_error("room", _("Choose a room of the same event."))
        return cleaned


@admin.register(Checkpoint)
class CheckpointAdmin(EditionAdmin, TranslationAdmin):
    """The room field offers the rooms of the checkpoint's edition only (EditionAdmin)."""

    form = CheckpointForm
    list_display = ("name", "slug", "kind", "day", "room", "event", "position", "live_checkins")
    list_filter = ("event", "kind")
    list_select_related = ("event", "room")
    search_fields = ("name_ko", "name_en", "slug")
    ordering = ("event", "kind", "day", "position", "pk")
    prepopulated_fields = {"slug": ("name_en",)}

    def get_queryset(self, request):
        live = Q(checkins__undone_at__isnull=True)
        return super().get_queryset(request).annotate(live_checkin_count=Count("checkins", filter=live))

    @admin.display(description=_("check-ins (not undone)"), ordering="live_checkin_count")
    def live_checkins(self, obj: Checkpoint) -> int:
        return obj.live_checkin_count


# Check-ins -------------------------------------------------------------------------------


class DayFilter(admin.SimpleListFilter):
    """The days on which anyone was checked in."""

    title = _("day")
    parameter_name = "day"

    def lookups(self, request, model_admin):
        days = CheckIn.objects.order_by("day").values_list("day", flat=True).distinct()
        return [(day.isoformat(), formats.date_format(day, "DATE_FORMAT")) for day in days]

    def queryset(self, request, queryset):
        if not self.value():
            return queryset
        try:
            day = date.fromisoformat(self.value())
        except ValueError:
            return queryset.none()
        return queryset.filter(day=day)


class UndoneFilter(admin.SimpleListFilter):
    title = _("undone")
    parameter_name = "undone"

    def lookups(self, request, model_admin):
        return [("no", _("Valid check-ins")), ("yes", _("Undone check-ins"))]

    def queryset(self, request, queryset):
        if self.value() == "no":
            return queryset.filter(undone_at__isnull=True)
        if self.value() == "yes":
            return queryset.filter(undone_at__isnull=False)
        return queryset


class ReadOnlyMixin:
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(CheckIn)
class CheckInAdmin(ReadOnlyMixin, admin.ModelAdmin):
    """Who was admitted where and when, by whom, on which device, and which
    admissions were undone (and by whom). Read-only: the history of the desk."""

    list_display = (
        "when",
        "registration_code",
        "registration_name",
        "checkpoint",
        "day",
        "session",
        "checked_in_by",
        "device",
        "undone",
        "undone_when",
        "undone_by",
    )
    list_filter = ("checkpoint", DayFilter, UndoneFilter)
    list_select_related = ("registration", "checkpoint__event", "session", "checked_in_by", "undone_by")
    search_fields = ("registration__name", "registration__email", "=registration__code", "device")
    search_help_text = _("Name, e-mail, registration code or device.")
    ordering = ("-checked_in_at", "-pk")
    list_per_page = 100
    fields = (
        "registration",
        "checkpoint",
        "day",
        "session",
        "checked_in_at",
        "checked_in_by",
        "device",
        "undone_at",
        "undone_by",
    )
    readonly_fields = fields

    @admin.display(description=_("checked in at (event time)"), ordering="checked_in_at")
    def when(self, obj: CheckIn) -> str:
        return local_time(obj.checked_in_at, obj.checkpoint.event.tz)

    @admin.display(description=_("registration code"), ordering="registration__code")
    def registration_code(self, obj: CheckIn) -> str:
        return obj.registration.code

    @admin.display(description=_("full name"), ordering="registration__name")
    def registration_name(self, obj: CheckIn) -> str:
        return obj.registration.name

    @admin.display(description=_("undone"), boolean=True, ordering="undone_at")
    def undone(self, obj: CheckIn) -> bool:
        return obj.undone_at is not None

    @admin.display(description=_("undone at (event time)"), ordering="undone_at")
    def undone_when(self, obj: CheckIn) -> str:
        return local_time(obj.undone_at, obj.checkpoint.event.tz)


class CheckInInline(ReadOnlyMixin, admin.TabularInline):
    """A registration's check-ins, on its admin page."""

    model = CheckIn
    extra = 0
    can_delete = False
    show_change_link = False
    fields = ("checkpoint", "day", "session", "checked_in_at", "checked_in_by", "device", "undone_at", "undone_by")
    readonly_fields = fields

    def get_queryset(self, request):
        # The registration too: each row's title is str(check-in), which names it.
        related = ("registration", "checkpoint", "session", "checked_in_by", "undone_by")
        return super().get_queryset(request).select_related(*related)


# Registrations: attention -----------------------------------------------------------------


class AttentionFilter(admin.SimpleListFilter):
    """Attendees the desk marks for attention (registration.checkin.attention_of),
    and the two reasons apart: an organiser's flag, or needs the person gave."""

    title = _("attention at the desk")
    parameter_name = "attention"

    def lookups(self, request, model_admin):
        return [
            ("desk", _("Marked for attention at the desk")),
            ("flagged", _("Flagged by an organiser")),
            ("needs", _("Gave accessibility or dietary needs")),
        ]

    def queryset(self, request, queryset):
        if self.value() == "desk":
            return queryset.filter(attention_q())
        if self.value() == "flagged":
            return queryset.filter(needs_attention=True)
        if self.value() == "needs":
            return queryset.exclude(needs="")
        return queryset


# Badges ------------------------------------------------------------------------------------


class BadgePermissionMixin:
    """For RegistrationAdmin: the admin offers an action with
    permissions=["print_badges"] only where has_print_badges_permission() is true."""

    def has_print_badges_permission(self, request) -> bool:
        return may_print_badges(request.user)


def may_print_badges(user) -> bool:
    """Badges carry names and organisations: organisers only (registration.roles),
    not viewers, who see the same lists."""
    return user.is_active and user.is_staff and user.has_perm(BADGE_PERMISSION)


@admin.action(description=_("Print badges (A6)"), permissions=["print_badges"])
def print_badges_a6(modeladmin, request, queryset):
    """One A6 badge per page for the selected registrations, in the list's order."""
    return _badges(modeladmin, request, queryset, layout="a6")


@admin.action(description=_("Print badges (4 per A4)"), permissions=["print_badges"])
def print_badges_a4(modeladmin, request, queryset):
    """Four badges to an A4 sheet for the selected registrations, in the list's order."""
    return _badges(modeladmin, request, queryset, layout="a4x4")


def _badges(modeladmin, request, queryset, *, layout: str) -> HttpResponse:
    # The admin lists the action only for those who may print badges; checked
    # again here for a caller that does not go through the changelist.
    if not may_print_badges(request.user):
        raise PermissionDenied
    pdf = render_badges(queryset.select_related("event"), layout=layout)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(False, f"badges-{layout}.pdf")
    response["Cache-Control"] = "private, no-store"
    return response
