"""A registration's history and the person's rights in the admin, for organisers.

The change page shows the audit trail (registration.history: who, when,
field: before -> after, with the bookings, consents and check-ins) and, for
those holding the permissions, two buttons: "Personal data" (everything stored
about the person, as a page and a JSON download: registration.personal_data;
permission registration.export_person) and "Erase this person" (a confirmation
page, then registration.erasure.erase; permission registration.erase_person).
Both permissions are organisers' only (registration.roles).
"""

import json

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _

from registration import erasure, history, personal_data
from registration.models import Registration
from wegov.inputs import parse_id

EXPORT_PERMISSION = "registration.export_person"
ERASE_PERMISSION = "registration.erase_person"


def json_download(data: dict, filename: str) -> HttpResponse:
    response = HttpResponse(
        json.dumps(data, ensure_ascii=False, indent=2), content_type="application/json; charset=utf-8"
    )
    response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=filename)
    response["Cache-Control"] = "private, no-store"
    return response


class PersonalDataAdminMixin:
    """For RegistrationAdmin: the history on the change page, the export and erasure pages."""

    change_form_template = "admin/registration/registration/change_form.html"

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("<str:object_id>/personal-data/", view(self.personal_data_view), name="registration_personal_data"),
            path(
                "<str:object_id>/personal-data.json",
                view(self.personal_data_json),
                name="registration_personal_data_json",
            ),
            path("<str:object_id>/erase/", view(self.erase_view), name="registration_erase"),
            *super().get_urls(),
        ]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        registration = self._registration(request, object_id)
        extra_context = {
            **(extra_context or {}),
            "changes": history.changes_of(registration) if registration else [],
            "may_export_person": request.user.has_perm(EXPORT_PERMISSION),
            "may_erase_person": request.user.has_perm(ERASE_PERMISSION),
        }
        return super().change_view(request, object_id, form_url, extra_context)

    def personal_data_view(self, request, object_id):
        registration = self._allowed(request, object_id, EXPORT_PERMISSION)
        data = personal_data.export(registration, staff_names=True)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "original": registration,
            "title": _("Personal data of %(code)s") % {"code": registration.code},
            "data": personal_data.readable(data),
            "json_url": reverse("admin:registration_personal_data_json", args=[registration.pk]),
        }
        return TemplateResponse(request, "admin/registration/registration/personal_data.html", context)

    def personal_data_json(self, request, object_id):
        registration = self._allowed(request, object_id, EXPORT_PERMISSION)
        data = personal_data.export(registration, staff_names=True)
        return json_download(data, f"personal-data-{registration.code}.json")

    def erase_view(self, request, object_id):
        registration = self._allowed(request, object_id, ERASE_PERMISSION)
        if request.method == "POST":
            erasure.erase(registration=registration, by=request.user)
            self.message_user(
                request,
                _("The person's data was erased: the registration is cancelled and anonymous."),
                messages.SUCCESS,
            )
            return redirect("admin:registration_registration_change", registration.pk)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "original": registration,
            "title": _("Erase %(code)s?") % {"code": registration.code},
        }
        return TemplateResponse(request, "admin/registration/registration/erase.html", context)

    def _registration(self, request, object_id) -> Registration | None:
        pk = parse_id(object_id)
        if pk is None:
            return None
        return self.get_queryset(request).select_related("event").filter(pk=pk).first()

    def _allowed(self, request, object_id, permission: str) -> Registration:
        if not request.user.has_perm(permission):
            raise PermissionDenied
        registration = self._registration(request, object_id)
        if registration is None:
            raise Http404
        return registration
