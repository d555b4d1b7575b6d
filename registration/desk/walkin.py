"""The desk's walk-in page: register a person who arrives without registering,
check them in at once at the desk's checkpoint, and go straight to the badge.

1. GET  walk-in/?checkpoint=<slug>  the form (the desk page links here with its
   checkpoint; without one, today's entrance is chosen).
2. POST the form. If registrations of the event look like this person's (same
   e-mail, same phone, similar name), the form comes back listing them, each
   with "Check this person in instead", and a "None of these — register as
   new" button that carries a signed marker of the name, e-mail and phone it
   was shown for. A citizen who registered online and lost the QR is found
   rather than registered twice.
3. Registering and checking in happen at once (registration.walkins, with a
   submission token from the form: a double click registers once); then a
   redirect to
4. GET  walk-in/?badge=<code>&checkpoint=<slug>  the result, the badge (PDF) and
   "Next walk-in".
Thin: the form checks what was typed, the services enforce the rules, the
reads are in registration.desk.queries.
"""

import secrets
from urllib.parse import urlencode

from django.core import signing
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from events.models import Event
from registration import walkins
from registration.checkin import REASONS, Result, check_in, live_checkin
from registration.clock import desk_today
from registration.desk import queries
from registration.desk.auth import desk_required
from registration.desk.forms import CheckInInsteadForm, WalkInForm
from registration.errors import RegistrationError
from registration.models import Checkpoint, CheckpointKind, Registration, Status

SUBMISSION_SALT = "registration.desk.walkin.token"
SUBMISSION_MAX_AGE = 12 * 60 * 60
CONFIRM_SALT = "registration.desk.walkin.confirm"
CONFIRM_MAX_AGE = 60 * 60
RESULT_SESSION_KEY = "desk_walk_in_result"
DEVICE = "walk-in"


@desk_required
@require_http_methods(["GET", "POST"])
def walk_in(request):
    event = request.event  # events/middleware.py
    if not event:
        raise Http404
    checkpoints = queries.checkpoints_of(event)
    if request.method == "GET":
        if "badge" in request.GET:
            return _badge_ready(request, event, checkpoints)
        chosen = _default_checkpoint(event, checkpoints, request.GET.get("checkpoint"))
        form = WalkInForm(event=event, checkpoints=checkpoints, initial={"checkpoint": chosen and chosen.slug})
        return _page(request, event, form, token=_new_token(), checkpoint=chosen)
    if "check_in_instead" in request.POST:
        return _check_in_instead(request, event, checkpoints)
    return _submit(request, event, checkpoints)


def _submit(request, event: Event, checkpoints: list[Checkpoint]) -> HttpResponse:
    form = WalkInForm(request.POST, event=event, checkpoints=checkpoints)
    is_valid = form.is_valid()
    signed_token = request.POST.get("token")  # shown again in the form if it comes back
    token = _read_token(signed_token)
    if token is None:
        form.add_error(None, _("This form had expired. Check the details and send it again."))
        return _page(request, event, form, token=_new_token(), status=400)
    earlier = Registration.objects.filter(submission_token=token).first()
    if earlier is not None and form.cleaned_data.get("checkpoint"):
        # The same form sent twice (a double click, a retry): it registered once.
        walk_in = walkins.admit_walk_in(
            registration=earlier, checkpoint=form.cleaned_data["checkpoint"], user=request.user, device=_device(request)
        )
        return _show(request, walk_in.checkin, form.cleaned_data["checkpoint"], created=True)
    if not is_valid:
        return _page(request, event, form, token=signed_token)

    data = form.cleaned_data
    identity = {"event": event, "name": data["name"], "email": data["email"], "phone": form.phone_e164}
    candidates = queries.likely_registrations(**identity)
    if any(c.same_email and c.registration.status != Status.CANCELLED for c in candidates):
        # One registration per address; only a cancelled one may register again (services.register).
        form.add_error("email", walkins.EMAIL_TAKEN)
        return _page(request, event, form, token=signed_token, candidates=candidates)
    key = queries.identity_key(**identity)
    if candidates and not _confirmed(request.POST.get("confirm_new"), key):
        return _page(request, event, form, token=signed_token, candidates=candidates, marker=_marker(key))

    try:
        walk_in = walkins.register_walk_in(
            event=event,
            person=form.person(),
            session_ids=form.session_ids(),
            submission_token=token,
            checkpoint=form.checkpoint,
            user=request.user,
            device=_device(request),
        )
    except RegistrationError as err:
        form.add_registration_error(err)
        candidates = queries.likely_registrations(**identity) if err.code == "email_taken" else ()
        # Someone registered this address a moment ago (the check above missed it): list them.
        return _page(request, event, form, token=signed_token, candidates=candidates)
    return _show(request, walk_in.checkin, form.checkpoint, created=True)


def _check_in_instead(request, event: Event, checkpoints: list[Checkpoint]) -> HttpResponse:
    data = {"registration": request.POST.get("check_in_instead"), "checkpoint": request.POST.get("checkpoint")}
    form = CheckInInsteadForm(data, checkpoints=checkpoints)
    registration = None
    if form.is_valid():
        registration = queries.registration_by_code(form.cleaned_data["registration"], event_id=event.pk)
    if registration is None:
        form = WalkInForm(event=event, checkpoints=checkpoints)
        error = _("That registration or checkpoint was not found. Try again.")
        return _page(request, event, form, token=_new_token(), error=error, status=400)
    return _check_in_and_show(request, registration, form.cleaned_data["checkpoint"], created=False)


def _check_in_and_show(request, registration: Registration, checkpoint: Checkpoint, *, created: bool):
    outcome = check_in(checkpoint=checkpoint, registration=registration, user=request.user, device=_device(request))
    return _show(request, outcome, checkpoint, created=created)


def _show(request, outcome, checkpoint: Checkpoint, *, created: bool):
    """Keep the check-in's result for the badge page, and go there."""
    registration = outcome.registration
    request.session[RESULT_SESSION_KEY] = {
        "code": registration.code,
        "result": outcome.result,
        "reason": outcome.reason,
        "created": created,
    }
    query = urlencode({"badge": registration.code, "checkpoint": checkpoint.slug})
    return redirect(f"{reverse('desk:walk_in')}?{query}")


def _badge_ready(request, event: Event, checkpoints: list[Checkpoint]) -> HttpResponse:
    registration = queries.registration_for_badge_page(request.GET.get("badge"), event=event)
    if registration is None:
        raise Http404
    checkpoint = _checkpoint_named(checkpoints, request.GET.get("checkpoint"))
    checkin = None
    if checkpoint is not None:
        checkin = live_checkin(registration, checkpoint, desk_today(event))
    result = request.session.get(RESULT_SESSION_KEY) or {}
    if result.get("code") == registration.code:
        del request.session[RESULT_SESSION_KEY]
    else:
        result = {}
    badge_url = reverse("desk:badge", kwargs={"code": registration.code})
    next_query = f"?{urlencode({'checkpoint': checkpoint.slug})}" if checkpoint else ""
    context = {
        "registration": registration,
        "checkpoint": checkpoint,
        "checkin": checkin,
        "result": result.get("result") or (Result.OK if checkin else ""),
        "reason": REASONS.get(result.get("reason", ""), ""),
        "created": result.get("created"),
        "badge_url": badge_url,
        "badge_a4_url": f"{badge_url}?{urlencode({'layout': 'a4x4'})}",
        "next_url": f"{reverse('desk:walk_in')}{next_query}",
        "desk_url": reverse("desk:desk", kwargs={"slug": checkpoint.slug}) if checkpoint else "",
    }
    return _private(render(request, "desk/badge_ready.html", context))


def _page(
    request,
    event: Event,
    form: WalkInForm,
    *,
    token: str,
    candidates=(),
    marker: str = "",
    error: str = "",
    checkpoint: Checkpoint | None = None,
    status: int = 200,
) -> HttpResponse:
    """The form; with `candidates`, the registrations that may be this person's,
    and with `marker`, the "none of these" button."""
    chosen = form.cleaned_data.get("checkpoint") if form.is_bound else checkpoint
    context = {
        "desk_event": event,
        "error": error,
        "form": form,
        "token": token,
        "candidates": candidates,
        "marker": marker,
        "chosen_checkpoint": chosen,
        "has_checkpoints": bool(form.fields["checkpoint"].choices),
        "has_workshops": bool(form.fields["session"].queryset.exists()),
    }
    return _private(render(request, "desk/walk_in.html", context, status=status))


# Helpers ---------------------------------------------------------------------------------


def _default_checkpoint(event: Event, checkpoints: list[Checkpoint], slug) -> Checkpoint | None:
    """The checkpoint the desk asked for; else today's entrance; else the first entrance."""
    asked = _checkpoint_named(checkpoints, slug)
    if asked is not None:
        return asked
    entrances = [c for c in checkpoints if c.kind == CheckpointKind.ENTRANCE]
    today = desk_today(event)
    return next((c for c in entrances if c.day == today), None) or next(iter(entrances or checkpoints), None)


def _checkpoint_named(checkpoints: list[Checkpoint], slug) -> Checkpoint | None:
    return next((c for c in checkpoints if c.slug == slug), None) if isinstance(slug, str) else None


def _new_token() -> str:
    return signing.dumps(secrets.token_urlsafe(18), salt=SUBMISSION_SALT)


def _read_token(value) -> str | None:
    """The submission token of the form, if it is one this site signed."""
    if not isinstance(value, str) or len(value) > 200:
        return None
    try:
        return f"desk-{signing.loads(value, salt=SUBMISSION_SALT, max_age=SUBMISSION_MAX_AGE)}"
    except signing.BadSignature:
        return None


def _marker(key: str) -> str:
    return signing.dumps(key, salt=CONFIRM_SALT)


def _confirmed(value, key: str) -> bool:
    """Did staff confirm "none of these" for exactly these details?"""
    if not isinstance(value, str) or not value or len(value) > 300:
        return False
    try:
        return signing.loads(value, salt=CONFIRM_SALT, max_age=CONFIRM_MAX_AGE) == key
    except signing.BadSignature:
        return False


def _device(request) -> str:
    device = request.POST.get("device") or ""
    device = "".join(ch for ch in device if ch.isprintable()).strip()[:80]
    return device or DEVICE


def _private(response: HttpResponse) -> HttpResponse:
    """Personal data: never stored by a cache."""
    response["Cache-Control"] = "private, no-store"
    return response
