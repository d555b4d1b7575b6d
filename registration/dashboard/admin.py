"""Export actions for the registrations list in the admin: the selected (e.g.
filtered, then "select all") registrations as Excel or CSV.

RegistrationAdmin takes ExportPermissionMixin (the admin shows an action with
permissions=["export"] only to users for whom has_export_permission() is true)
and lists the two functions in its actions.
"""

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from registration.dashboard.auth import may_export
from registration.dashboard.exports import attendee_file


class ExportPermissionMixin:
    def has_export_permission(self, request) -> bool:
        return may_export(request.user)


@admin.action(description=_("Export selected as Excel"), permissions=["export"])
def export_selected_xlsx(modeladmin, request, queryset):
    return _export(request, queryset, file_format="xlsx")


@admin.action(description=_("Export selected as CSV"), permissions=["export"])
def export_selected_csv(modeladmin, request, queryset):
    return _export(request, queryset, file_format="csv")


def _export(request, queryset, *, file_format: str):
    # The admin offers the action only with the permission; checked again for a
    # caller that does not go through the changelist.
    if not may_export(request.user):
        raise PermissionDenied
    return attendee_file(queryset, file_format=file_format, name="registrations", user=request.user, now=timezone.now())
