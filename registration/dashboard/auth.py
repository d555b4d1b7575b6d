"""Who may see the dashboard and export attendee lists: active staff (the
admin's own log-in rule) holding the permissions registration.roles grants:
the dashboard to organisers and viewers, the exports to organisers only,
neither to desk staff.

Anonymous visitors and users who may not enter the admin are sent to the
admin's log-in page (as every admin page does); staff without the permission
get 403.
"""

from functools import wraps

from django.contrib import admin
from django.core.exceptions import PermissionDenied

from registration.roles import DASHBOARD_PERMISSION, EXPORT_PERMISSION


def _staff_with(user, permission: str) -> bool:
    return user.is_active and user.is_staff and user.has_perm(permission)


def may_see_dashboard(user) -> bool:
    return _staff_with(user, DASHBOARD_PERMISSION)


def may_export(user) -> bool:
    return _staff_with(user, EXPORT_PERMISSION)


def organisers_only(check):
    """Decorate a view: the admin's log-in first, then `check(user)` or 403."""

    def decorator(view):
        @wraps(view)
        def guarded(request, *args, **kwargs):
            if not check(request.user):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        # admin_view: log-in redirect for non-staff, never cached, CSRF-protected.
        return admin.site.admin_view(guarded)

    return decorator
