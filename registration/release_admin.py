"""Released seats (registration/noshows.py) in the admin: the record of every
no-show seat given up, and the organisers' action that gives one back.
Imported by registration/admin.py."""

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from registration import noshows
from registration.errors import RegistrationError
from registration.models import SeatRelease


class ReversedFilter(admin.SimpleListFilter):
    title = _("reversed")
    parameter_name = "reversed"

    def lookups(self, request, model_admin):
        return [("no", _("In force")), ("yes", _("Reversed"))]

    def queryset(self, request, queryset):
        if self.value() in ("yes", "no"):
            return queryset.filter(reversed_at__isnull=self.value() == "no")
        return queryset


@admin.register(SeatRelease)
class SeatReleaseAdmin(admin.ModelAdmin):
    list_display = ["person", "session", "released_at", "released_by_label", "reversed_at", "reversed_by"]
    list_filter = [ReversedFilter, "booking__session__event", "booking__session"]
    list_select_related = ["booking__registration", "booking__session", "released_by", "reversed_by"]
    search_fields = ["booking__registration__name", "booking__registration__code", "booking__session__title"]
    fields = ["booking", "released_at", "released_by", "reversed_at", "reversed_by"]
    readonly_fields = fields
    date_hierarchy = "released_at"
    actions = ["give_back"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False  # the record of what happened stays

    @admin.display(description=_("person"), ordering="booking__registration__name")
    def person(self, obj):
        return obj.booking.registration

    @admin.display(description=_("session"), ordering="booking__session__starts_at")
    def session(self, obj):
        return obj.booking.session

    @admin.display(description=_("released by"), ordering="released_by")
    def released_by_label(self, obj):
        return obj.released_by or _("the no-show job")

    @admin.action(description=_("Give the seat back (reverse the release)"), permissions=["change"])
    def give_back(self, request, queryset):
        restored = 0
        for release in queryset.select_related("booking__session", "booking__registration"):
            try:
                result = noshows.reverse(release=release, user=request.user)
            except RegistrationError as error:
                self.message_user(
                    request,
                    _("%(person)s: %(reason)s") % {"person": release.booking.registration, "reason": error.message},
                    level=messages.ERROR,
                )
                continue
            restored += result.restored
        if restored:
            self.message_user(
                request,
                ngettext("%(count)d seat given back.", "%(count)d seats given back.", restored) % {"count": restored},
            )
