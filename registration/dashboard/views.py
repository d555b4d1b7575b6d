"""The organisers' dashboard and the full attendee exports: thin views under
the admin's log-in (see auth.py), reading through queries.py and exports.py."""

from django.contrib import admin
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from registration.dashboard import exports, queries
from registration.dashboard.auth import may_export, may_see_dashboard, organisers_only
from registration.models import Registration


@organisers_only(may_see_dashboard)
def dashboard(request):
    event = request.event  # events/middleware.py
    context = {
        **admin.site.each_context(request),
        "title": _("Organisers' dashboard"),
        "event": event,
        "dashboard": queries.event_dashboard(event, now=timezone.now()) if event else None,
        "may_export": may_export(request.user),
    }
    return render(request, "admin/dashboard.html", context)


@organisers_only(may_export)
def export_attendees(request, file_format: str):
    """Every registration of the current event, in registration order, as CSV or .xlsx."""
    event = request.event or None  # a query's value, not the lazy stand-in for None
    registrations = Registration.objects.filter(event=event).order_by("created_at", "pk")
    name = f"{event.slug}-attendees" if event else "attendees"
    return exports.attendee_file(
        registrations, file_format=file_format, name=name, user=request.user, now=timezone.now()
    )
