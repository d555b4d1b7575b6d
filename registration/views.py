"""The public registration pages: the form, the "check your e-mail" page, the
private manage page (see, change, cancel, ticket) and the "lost my link" page.

Thin: forms check the shape of what was typed, registration.services enforces
the rules (a RegistrationError becomes a form error), registration.antiabuse
keeps robots out. Every write is followed by a redirect (POST/redirect/GET).
"""

import logging

from django.conf import settings
from django.contrib import messages
from django.contrib.messages.storage.cookie import CookieStorage
from django.core import signing
from django.http import Http404, HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from django.utils.http import content_disposition_header
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from events.models import Event
from registration import antiabuse, correction, formcache, mailings, queries, services, tickets
from registration.errors import RegistrationError
from registration.forms import (
    CorrectAddressForm,
    DetailsForm,
    LostLinkForm,
    NewsForm,
    RegistrationForm,
    SessionsForm,
)
from registration.models import ENDED, Registration, Status
from registration.private_pages import mark_private, private
from registration.private_pages import registration_by_secret as _registration

logger = logging.getLogger(__name__)

# The address typed in the last form, shown on the page that follows it: kept in a
# short-lived signed cookie, not in the session, so that nothing after the commit of
# a registration needs the database, and no session row holds an e-mail address.
SENT_COOKIE = "wegov_sent_to"
LOST_COOKIE = "wegov_lost_for"
ADDRESS_COOKIE_SALT = "registration.views.address"
ADDRESS_COOKIE_MAX_AGE = 15 * 60  # seconds


# The registration form ------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def start(request):
    """The registration form while registration is open; otherwise when it opens or closed."""
    if request.method == "GET":
        return _blank_form_page(request)
    # The event and the sessions offered as the shared form has them (no query when fresh).
    blank = formcache.blank_form(_blank_form)
    if blank is None:
        raise Http404
    event = request.event = blank.event  # events/middleware.py: the context processor reuses it
    if not event.registration_is_open():
        return _closed(request, event, status=403)
    return _submit(request, event, blank.offered())


def _blank_form(event, sessions) -> RegistrationForm:
    return RegistrationForm(event=event, sessions=sessions)


def _blank_form_page(request) -> HttpResponse:
    """A blank form: the event and the fields come shared from
    registration.formcache (no SQL query when fresh); only the page around
    them (CSRF token, stamp, language switch) is rendered per visitor.

    For a visitor without a session or message cookie at the form's own address,
    the whole page is shared too, with this visitor's CSRF token and stamp put in
    the placeholders it was rendered with: nothing else on it is a visitor's."""
    blank = formcache.blank_form(_blank_form)
    if blank is None:
        raise Http404
    event = request.event = blank.event  # events/middleware.py: the context processor reuses it
    if not event.registration_is_open():
        return _closed(request, event, status=200)
    stamp = antiabuse.new_stamp()
    chosen = _chosen_session(request, event)
    if chosen is not None:
        # From a session page's "Register" button: that session ticked. Rendered for
        # this visitor alone; neither the shared fields nor the shared page are used.
        form = RegistrationForm(event=event, initial={"sessions": [chosen.pk]})
        return _form_page(request, event, form, stamp=stamp)
    if not _may_share_page(request):
        fields = mark_safe(blank.fields_html)  # rendered by our template, stored by us
        return _form_page(request, event, None, stamp=stamp, fields_html=fields)
    page = blank.page
    if page is None:
        fields = mark_safe(blank.fields_html)
        context = {"csrf_token": TOKEN_PLACEHOLDER}
        shared = _form_page(request, event, None, stamp=STAMP_PLACEHOLDER, fields_html=fields, context=context)
        page = shared.content.decode()
        if page.count(TOKEN_PLACEHOLDER) != 1 or page.count(STAMP_PLACEHOLDER) != 1:
            return _form_page(request, event, None, stamp=stamp, fields_html=fields)
        formcache.keep_page(blank, page)
    page = page.replace(TOKEN_PLACEHOLDER, escape(get_token(request))).replace(STAMP_PLACEHOLDER, escape(stamp))
    response = HttpResponse(page)
    response["Cache-Control"] = "private, no-store"  # a page back in history gets a fresh form and token
    return response


# Where the visitor's own CSRF token and stamp go in the shared blank form page.
TOKEN_PLACEHOLDER = "wegov-csrf-token-placeholder"  # noqa: S105 (not a secret: replaced)
STAMP_PLACEHOLDER = "wegov-stamp-placeholder"


def _chosen_session(request, event: Event):
    """The bookable session named by ?session=<slug> (a session page's Register
    button), or None."""
    slug = request.GET.get("session", "")
    if not slug or len(slug) > 100 or not slug.isascii():
        return None
    return queries.bookable_sessions(event).filter(slug=slug).first()


def _may_share_page(request) -> bool:
    """Whether the shared blank page is this visitor's page too: no query string (the
    language switch links to the address as asked), and no session or message cookie
    (no message waiting to be shown, nobody logged in)."""
    cookies = request.COOKIES
    return (
        not request.META.get("QUERY_STRING")
        and settings.SESSION_COOKIE_NAME not in cookies
        and CookieStorage.cookie_name not in cookies
    )


def _submit(request, event: Event, offered: dict) -> HttpResponse:
    throttle = antiabuse.hit_client(request, "register")
    if not throttle.allowed:
        return _too_many(request, throttle)
    check = antiabuse.check_submission(request.POST)
    if check.verdict == antiabuse.Verdict.REFUSED:
        return _refused(request, check)
    form = RegistrationForm(request.POST, event=event, offered=offered)
    stamp = request.POST[antiabuse.STAMP_FIELD]
    is_valid = form.is_valid()
    if check.verdict == antiabuse.Verdict.TOO_FAST:
        # Show the form again once, with what was typed; a person sends it again.
        warned = antiabuse.warned_marker(check.token)
        return _form_page(request, event, form, stamp=stamp, warned=warned, too_fast=True)
    if not is_valid:
        return _form_page(request, event, form, stamp=stamp)
    try:
        services.register(
            event=event,
            person=form.person(),
            session_ids=form.session_ids(),
            news_consent=form.cleaned_data["news_consent"],
            sensitive_consent=form.cleaned_data["sensitive_consent"],
            submission_token=check.token,
        )
    except RegistrationError as err:
        if err.code == "closed":
            return _closed(request, event, status=403)
        form.add_registration_error(err)
        return _form_page(request, event, form, stamp=stamp)
    # The same page whether the address was new or known: only the mail differs.
    # Nothing from here on touches the database (or the session): the registration
    # is committed and its confirmation page must show even if the connection is lost.
    # The form's token goes in the correction cookie either way: it names the
    # registration this form made, if it made one (registration.correction).
    response = remember_address(redirect("registration:sent"), SENT_COOKIE, form.cleaned_data["email"])
    return correction.remember_submission(response, path=reverse("registration:start"), token=check.token)


def _form_page(
    request,
    event,
    form,
    *,
    stamp: str,
    warned: str = "",
    too_fast: bool = False,
    fields_html: str = "",
    context: dict | None = None,
) -> HttpResponse:
    """The form page; `fields_html`: a blank form's fields as already rendered,
    otherwise `form` (e.g. with what was typed and its errors) is rendered here."""
    context = {
        **(context or {}),
        "event": event,
        "form": form,
        "fields_html": fields_html,
        "stamp": stamp,
        "warned": warned,
        "too_fast": too_fast,
        "stamp_field": antiabuse.STAMP_FIELD,
        "warned_field": antiabuse.WARNED_FIELD,
        "honeypot_field": antiabuse.HONEYPOT_FIELD,
    }
    response = render(request, "registration/register.html", context)
    response["Cache-Control"] = "private, no-store"  # a page back in history gets a fresh form and token
    return response


@require_http_methods(["GET", "POST"])
def sent(request):
    """After submitting: "check your e-mail", identical for a new and a known
    address, with a form to correct a mistyped address. The correction changes
    the registration this browser's form made, if it made one; the page that
    follows is the same either way (registration.correction)."""
    email = remembered_address(request, SENT_COOKIE)
    if request.method == "GET":
        form = CorrectAddressForm(initial={"email": email})
        return _sent_page(request, email, form, corrected=request.GET.get("corrected") == "1")
    throttle = antiabuse.hit_client(request, "register")  # a form post like the registration form's
    if not throttle.allowed:
        return _too_many(request, throttle)
    form = CorrectAddressForm(request.POST)
    if not form.is_valid():
        return _sent_page(request, email, form)
    corrected = form.cleaned_data["email"]
    result = correction.correct_address(submission_token=correction.remembered_submission(request), email=corrected)
    logger.info("Address correction: %s", result)
    response = redirect(reverse("registration:sent") + "?corrected=1")
    return remember_address(response, SENT_COOKIE, corrected)


def _sent_page(request, email: str, form: CorrectAddressForm, *, corrected: bool = False) -> HttpResponse:
    context = {"email": email, "form": form, "corrected": corrected}
    return mark_private(render(request, "registration/sent.html", context))


# Lost link ------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def lost(request):
    """Enter an e-mail address; the private link is sent if a registration has it."""
    event = request.event  # events/middleware.py
    if not event:
        raise Http404
    form = LostLinkForm(request.POST or None)
    if request.method == "POST":
        throttle = antiabuse.hit_client(request, "lost")
        if not throttle.allowed:
            return _too_many(request, throttle)
        if antiabuse.honeypot_filled(request.POST):
            return _refused(request, antiabuse.Check(antiabuse.Verdict.REFUSED, reason="honeypot"))
        if form.is_valid():
            email = form.cleaned_data["email"]
            mailings.send_manage_link(event=event, email=email)
            return remember_address(redirect("registration:lost_sent"), LOST_COOKIE, email)
    context = {"event": event, "form": form, "honeypot_field": antiabuse.HONEYPOT_FIELD}
    return render(request, "registration/lost.html", context)


@require_GET
def lost_sent(request):
    email = remembered_address(request, LOST_COOKIE)
    return mark_private(render(request, "registration/lost_sent.html", {"email": email}))


# The private manage page ------------------------------------------------------------


@private
@require_GET
def manage(request, secret):
    return _manage_page(request, _registration(secret))


@private
@require_POST
def manage_details(request, secret):
    registration = _registration(secret)
    if _no_longer_changeable(registration):
        return _ended(request, registration)
    form = DetailsForm(request.POST, registration=registration)
    if not form.is_valid():
        return _manage_page(request, registration, details_form=form)
    try:
        services.update_details(
            registration=registration,
            person=form.details(),
            sensitive_consent=form.cleaned_data.get("sensitive_consent", False),
        )
    except RegistrationError as err:
        form.add_error(err.field if err.field in form.fields else "needs", err.message)
        return _manage_page(request, registration, details_form=form)
    messages.success(request, _("Your details have been saved."))
    return redirect("registration:manage", secret=secret)


@private
@require_POST
def manage_sessions(request, secret):
    registration = _registration(secret)
    if _no_longer_changeable(registration):
        return _ended(request, registration)
    form = SessionsForm(request.POST, registration=registration, held=_held(registration))
    if not form.is_valid():
        return _manage_page(request, registration, sessions_form=form)
    try:
        outcome = services.change_sessions(registration=registration, session_ids=form.session_ids())
    except RegistrationError as err:
        form.add_registration_error(err)
        return _manage_page(request, registration, sessions_form=form)
    messages.success(request, _("Your session choices have been saved."))
    for session in outcome.waitlisted_sessions:
        messages.warning(
            request,
            _("“%(title)s” is full: you are on its waiting list and get the first seat that frees up.")
            % {"title": session.title},
        )
    return redirect("registration:manage", secret=secret)


@private
@require_POST
def manage_news(request, secret):
    """Give or withdraw the consent to news from WeGO; possible after cancelling too."""
    registration = _registration(secret)
    form = NewsForm(request.POST)
    granted = form.is_valid() and form.cleaned_data["news_consent"]
    services.set_news_consent(registration=registration, granted=granted)
    if granted:
        messages.success(request, _("Saved: you will receive news from WeGO."))
    else:
        messages.success(request, _("Saved: you will not receive news from WeGO."))
    return redirect("registration:manage", secret=secret)


@private
@require_http_methods(["GET", "POST"])
def cancel(request, secret):
    """Ask to confirm; cancel on POST (frees the seats, promotes the waiting lists)."""
    registration = _registration(secret)
    if _no_longer_changeable(registration):
        return _ended(request, registration)
    if request.method == "POST":
        services.cancel(registration=registration)
        messages.success(request, _("Your registration has been cancelled. We have sent you a confirmation."))
        return redirect("registration:manage", secret=secret)
    return render(request, "registration/cancel.html", {"event": registration.event, "registration": registration})


@private
@require_GET
def ticket_png(request, secret):
    registration = _registration(secret)
    if not _has_ticket(registration):
        raise Http404
    response = HttpResponse(tickets.ticket_png(registration), content_type="image/png")
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=f"wego-ticket-{registration.code}.png"
    )
    return response


def _manage_page(request, registration: Registration, *, details_form=None, sessions_form=None) -> HttpResponse:
    bookings = queries.held_bookings(registration)
    active = not _no_longer_changeable(registration)
    context = {
        "event": registration.event,
        "registration": registration,
        "bookings": bookings,
        "active": active,
        "has_ticket": _has_ticket(registration),
    }
    news_granted = services.news_consent_granted(registration)
    context.update(news_granted=news_granted, news_form=NewsForm(initial={"news_consent": news_granted}))
    if context["has_ticket"]:
        context["qr_svg"] = mark_safe(tickets.qr_svg(registration))  # markup segno writes; the title is escaped
    if active:
        held = {booking.session_id: booking.status for booking in bookings}
        sessions_form = sessions_form or SessionsForm(registration=registration, held=held)
        context.update(
            details_form=details_form or DetailsForm(registration=registration),
            sessions_form=sessions_form,
            offers_sessions=bool(bookings or sessions_form.errors)
            or sessions_form.fields["sessions"].queryset.exists(),
        )
    return render(request, "registration/manage.html", context)


def _has_ticket(registration: Registration) -> bool:
    """The QR admits only with a place, and only until the details are destroyed."""
    return registration.status == Status.CONFIRMED and registration.details_destroyed_at is None


def _no_longer_changeable(registration: Registration) -> bool:
    """Cancelled, rejected, or past the event with its details destroyed: only
    the choice about news can still change."""
    return registration.status in ENDED or registration.details_destroyed_at is not None


def _ended(request, registration: Registration) -> HttpResponse:
    if registration.details_destroyed_at is not None:
        messages.info(
            request,
            _(
                "The event is over and your details have been destroyed as promised: "
                "only your choice about news can change."
            ),
        )
    else:
        messages.info(request, _("This registration has been cancelled, so it can no longer be changed."))
    return redirect("registration:manage", secret=registration.manage_secret)


def _held(registration: Registration) -> dict[int, str]:
    return queries.held_session_statuses(registration)


# Shared ---------------------------------------------------------------------------------


def remember_address(response: HttpResponse, cookie: str, email: str) -> HttpResponse:
    """Keep the address for the "check your e-mail" page that follows: signed (not
    changeable by the browser) and base64-encoded (an address may hold Hangul, a
    cookie only ASCII), for 15 minutes, sent back only to the registration pages of
    this language, never readable by scripts."""
    response.set_cookie(
        cookie,
        signing.dumps(email, salt=f"{ADDRESS_COOKIE_SALT}.{cookie}"),
        max_age=ADDRESS_COOKIE_MAX_AGE,
        path=reverse("registration:start"),
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )
    return response


def remembered_address(request, cookie: str) -> str:
    """The address remember_address() kept, or "" (none, expired or tampered with)."""
    try:
        email = signing.loads(
            request.COOKIES.get(cookie, ""), salt=f"{ADDRESS_COOKIE_SALT}.{cookie}", max_age=ADDRESS_COOKIE_MAX_AGE
        )
    except signing.BadSignature:  # also SignatureExpired
        return ""
    return email if isinstance(email, str) else ""


def _closed(request, event: Event, *, status: int) -> HttpResponse:
    now = timezone.now()
    context = {
        "event": event,
        "not_yet_open": bool(event.registration_opens_at and now < event.registration_opens_at),
        "event_over": event.local(now).date() > event.end_date,
    }
    return render(request, "registration/closed.html", context, status=status)


def _refused(request, check: antiabuse.Check) -> HttpResponse:
    logger.info("Registration form refused: %s", check.reason)
    return render(request, "registration/refused.html", {"reason": check.reason}, status=400)


def _too_many(request, throttle: antiabuse.Throttle) -> HttpResponse:
    minutes = max(1, -(-throttle.retry_after // 60))
    response = render(request, "registration/too_many.html", {"minutes": minutes}, status=429)
    response["Retry-After"] = str(throttle.retry_after)
    return response
