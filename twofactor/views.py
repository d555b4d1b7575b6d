"""Two-factor pages for staff, in the admin's look: the code at log-in (verify),
setting up an authenticator app (enrol) and the backup codes, shown once. Thin:
twofactor.services checks codes and writes devices."""

from base64 import b32encode
from functools import wraps

import segno
from django.contrib import admin
from django.contrib.auth.views import redirect_to_login
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp.util import random_hex

from twofactor import gate, services
from twofactor.forms import AppCodeForm, CodeForm

ENROL_KEY_SESSION_KEY = "twofactor_enrol_key"
BACKUP_CODES_SESSION_KEY = "twofactor_backup_codes"
QR_SCALE, QR_BORDER = 5, 2  # pixels a module, modules of quiet zone


def staff_only(view):
    """The admin's log-in page for anyone who may not enter the admin."""

    @wraps(view)
    def guarded(request, *args, **kwargs):
        user = request.user
        if not (user.is_authenticated and user.is_active and user.is_staff):
            return redirect_to_login(request.get_full_path(), reverse("admin:login"))
        return view(request, *args, **kwargs)

    return never_cache(guarded)


def next_url(request) -> str:
    """Where to go afterwards: ?next= when it is on this site, else the admin's index."""
    wanted = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(wanted, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return wanted
    return reverse("admin:index")


def page(request, template: str, title: str, **context):
    context = {**admin.site.each_context(request), "title": title, "next": next_url(request), **context}
    return render(request, template, context)


@staff_only
def verify(request):
    step = gate.pending_step(request)
    if step != gate.VERIFY:
        return redirect(reverse("twofactor:enrol") + "?" + request.GET.urlencode() if step else next_url(request))
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            device = services.verify(user=request.user, code=form.cleaned_data["code"])
        except services.TwoFactorError as error:
            form.add_error("code", error.message)
        else:
            otp_login(request, device)
            return redirect(next_url(request))
    return page(request, "twofactor/verify.html", _("Two-factor log-in"), form=form)


@staff_only
def enrol(request):
    """Set up an authenticator app. The key waits in the session until a code
    from the app confirms it; then it replaces any app the account had."""
    step = gate.pending_step(request)
    if step == gate.VERIFY:  # an app already, not yet confirmed in this log-in
        return redirect(reverse("twofactor:verify") + "?" + request.GET.urlencode())
    key = request.session.get(ENROL_KEY_SESSION_KEY)
    if not isinstance(key, str):
        key = request.session[ENROL_KEY_SESSION_KEY] = random_hex(20)
    form = AppCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            device, codes = services.enrol(user=request.user, key=key, code=form.cleaned_data["code"])
        except services.TwoFactorError as error:
            form.add_error("code", error.message)
        else:
            del request.session[ENROL_KEY_SESSION_KEY]
            otp_login(request, device)
            gate.set_has_app(request, has_app=True)
            request.session[BACKUP_CODES_SESSION_KEY] = codes
            return redirect(reverse("twofactor:backup_codes") + "?" + request.GET.urlencode())
    app = TOTPDevice(user=request.user, key=key)
    secret = b32encode(app.bin_key).decode()
    qr_code = segno.make(app.config_url, error="m")
    return page(
        request,
        "twofactor/enrol.html",
        _("Set up two-factor log-in"),
        form=form,
        qr_code=qr_code.svg_data_uri(scale=QR_SCALE, border=QR_BORDER),
        qr_size=qr_code.symbol_size(scale=QR_SCALE, border=QR_BORDER)[0],
        secret=" ".join(secret[i : i + 4] for i in range(0, len(secret), 4)),
        replaces=step is None and services.has_app(request.user),
    )


@staff_only
def backup_codes(request):
    """The new backup codes, once: a second visit finds none and goes on."""
    codes = request.session.pop(BACKUP_CODES_SESSION_KEY, None)
    if not codes:
        return redirect(next_url(request))
    return page(request, "twofactor/backup_codes.html", _("Your backup codes"), codes=codes)
