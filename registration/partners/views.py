"""Organisers give partners viewer accounts and withdraw them (thin views over
services.py); the partner sets a password through the link the organiser passes
on (Django's PasswordResetConfirmView)."""

from django.contrib import admin, messages
from django.contrib.auth import views as auth_views
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from registration.dashboard.auth import organisers_only
from registration.partners import services
from registration.partners.forms import ViewerForm
from registration.partners.queries import viewer_accounts
from registration.roles import VIEWER_ACCOUNTS_PERMISSION

NEW_LINK_SESSION_KEY = "partners_new_viewer"  # the link, shown once on the next page


def _may_manage(user) -> bool:
    return user.is_active and user.is_staff and user.has_perm(VIEWER_ACCOUNTS_PERMISSION)


def _page(request, template: str, title: str, **context):
    return render(request, template, {**admin.site.each_context(request), "title": title, **context})


@organisers_only(_may_manage)
@require_http_methods(["GET", "POST"])
def viewers(request):
    form = ViewerForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            created = services.create_viewer(**form.cleaned_data, by=request.user)
        except services.ViewerAccountError as error:
            form.add_error("username", error.message)
        else:
            link = request.build_absolute_uri(created.link_path)
            request.session[NEW_LINK_SESSION_KEY] = {"username": created.user.username, "link": link}
            return redirect("partners:viewers")
    return _page(
        request,
        "admin/partners/viewers.html",
        _("Partners' viewer accounts"),
        form=form,
        accounts=list(viewer_accounts()),
        new_account=request.session.pop(NEW_LINK_SESSION_KEY, None) if request.method == "GET" else None,
    )


@organisers_only(_may_manage)
@require_http_methods(["GET", "POST"])
def withdraw(request, pk: int):
    account = viewer_accounts().filter(pk=pk, is_active=True).first()
    if account is None:
        raise Http404
    if request.method == "POST":
        services.withdraw_viewer(user_id=account.pk, by=request.user)
        messages.success(request, _("The account %(username)s is withdrawn.") % {"username": account.username})
        return redirect("partners:viewers")
    return _page(request, "admin/partners/withdraw.html", _("Withdraw a viewer account"), account=account)


class SetPasswordView(auth_views.PasswordResetConfirmView):
    """The partner chooses a password (twice); the link works once."""

    template_name = "admin/partners/set_password.html"
    success_url = reverse_lazy("partners:set_password_done")
    title = gettext_lazy("Choose your password")

    def get_user(self, uidb64):
        """Only an active viewer account's password is set here, whatever the token."""
        user = super().get_user(uidb64)
        if user is None or not viewer_accounts().filter(pk=user.pk, is_active=True).exists():
            return None
        return user

    def get_context_data(self, **kwargs):
        return {**admin.site.each_context(self.request), **super().get_context_data(**kwargs)}


def set_password_done(request):
    return _page(request, "admin/partners/set_password_done.html", _("Password set"), login_url=reverse("admin:login"))
