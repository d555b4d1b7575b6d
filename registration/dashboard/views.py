"""The organisers' dashboard and the full attendee exports: thin views under
the admin's log-in (see auth.py), reading through queries.py and exports.py."""

import logging

from django.contrib import admin
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from registration.dashboard import checkin_lists, exports, queries
from registration.dashboard.auth import may_export, may_see_dashboard, organisers_only
from registration.models import Registration

logger = logging.getLogger(__name__)


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


@organisers_only(may_export)
def export_checkins(request, file_format: str):
    """The current event's check-ins (?day=, ?checkpoint=, ?session= narrow the
    list), in the order they were made, as CSV or .xlsx; 404 for a value that
    names nothing of the event."""
    event = request.event
    if not event:
        raise Http404("No current event")
    selection = checkin_lists.CheckinSelection.from_query(event, request.GET)
    if selection is None:
        raise Http404("No such day, checkpoint or session")
    checkins = list(checkin_lists.checkin_queryset(selection))
    header = checkin_lists.columns(event.time_zone)
    values = checkin_lists.rows(checkins, event)
    if file_format == "csv":
        data = exports.table_csv(header, values)
    else:
        data = exports.table_xlsx(str(checkin_lists.SHEET_TITLE), header, values)
    logger.info("%s exported %d check-ins as %s", request.user.get_username(), len(checkins), file_format)
    return exports.download(data, file_format=file_format, name=selection.file_name, now=timezone.now())
