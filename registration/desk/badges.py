"""One attendee's badge as a PDF, for desk staff: attendee/<code>/badge.pdf.

?layout=a6 (the default: one A6 page) or a4x4 (the badge in the first quarter
of an A4 sheet, for a desk with an A4 printer). Shown inline, so the browser's
viewer prints it; with a file name for saving. An unknown code is a 404, an
unknown layout a 400. The organisers' admin prints many at once (desk/admin.py).
"""

from django.http import Http404, HttpResponse, HttpResponseBadRequest
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from registration.badges import LAYOUTS, render_badges
from registration.desk.auth import desk_required
from registration.desk.queries import registration_by_code


@desk_required
@require_GET
def badge_pdf(request, code: str):
    registration = registration_by_code(code)
    if registration is None:
        raise Http404
    layout = request.GET.get("layout") or "a6"
    if layout not in LAYOUTS:
        message = _("Unknown badge layout. Use one of: %(layouts)s.") % {"layouts": ", ".join(LAYOUTS)}
        return HttpResponseBadRequest(message, content_type="text/plain; charset=utf-8")
    response = HttpResponse(render_badges([registration], layout=layout), content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(False, f"badge-{registration.code}.pdf")
    response["Cache-Control"] = "private, no-store"
    return response
