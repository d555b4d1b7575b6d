"""The back office's pages, under the admin's log-in (/<lang>/admin/delegations/):
thin views over importing.py, mailing.py and queries.py."""

import re

from django.contrib import admin, messages
from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST

from events.models import Event
from registration.dashboard.auth import organisers_only
from registration.delegations import files, importing, mailing, queries
from registration.delegations.forms import MailingForm, UploadForm
from registration.delegations.models import ImportBatch, ImportStatus, Mailing, MailingStatus
from registration.mail import build_message
from registration.models import MailKind, OutgoingMail, Registration
from wegov.inputs import parse_id

IMPORT_PERMISSION = "registration.import_delegation"
MAILING_PERMISSION = "registration.send_mailing"
VIEW_PERMISSION = "registration.view_registration"


def _staff_with(permission: str):
    return lambda user: user.is_active and user.is_staff and user.has_perm(permission)


def _page(request, template: str, title: str, **context):
    return render(request, template, {**admin.site.each_context(request), "title": title, **context})


# The delegations page --------------------------------------------------------------


@organisers_only(_staff_with(VIEW_PERMISSION))
def delegations(request):
    event = request.event  # events/middleware.py
    chosen = parse_id(request.GET.get("event"))
    if chosen is not None:
        event = Event.objects.filter(pk=chosen).first() or event
    return _page(
        request,
        "admin/delegations/delegations.html",
        _("Delegations"),
        event=event or None,
        delegations=queries.delegations(event) if event else [],
        may_import=request.user.has_perm(IMPORT_PERMISSION),
    )


# Importing a delegation list -----------------------------------------------------------


@organisers_only(_staff_with(IMPORT_PERMISSION))
@require_http_methods(["GET", "POST"])
def upload(request):
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        batch = importing.start_import(
            event=form.cleaned_data["event"],
            city=form.cleaned_data["city"],
            file_name=form.cleaned_data["file"].name,
            rows=form.rows,
            user=request.user,
        )
        return redirect("delegations:preview", pk=batch.pk)
    return _page(request, "admin/delegations/upload.html", _("Import a delegation list"), form=form)


@organisers_only(_staff_with(IMPORT_PERMISSION))
def template_file(request, file_format: str):
    return files.template_response(file_format)


@organisers_only(_staff_with(IMPORT_PERMISSION))
@require_http_methods(["GET", "POST"])
def preview(request, pk: int):
    batch = get_object_or_404(ImportBatch.objects.select_related("event", "city", "uploaded_by"), pk=pk)
    if request.method == "POST" and batch.status == ImportStatus.PREVIEW:
        try:
            batch = importing.confirm_import(batch=batch, user=request.user)
        except importing.ImportRefusedError as refused:
            messages.error(request, refused.message)
            return redirect("delegations:preview", pk=batch.pk)
        messages.success(
            request,
            ngettext(
                "%(count)d person imported as a delegate of %(city)s; a confirmation e-mail is on its way.",
                "%(count)d people imported as delegates of %(city)s; their confirmation e-mails are on their way.",
                batch.imported_count,
            )
            % {"count": batch.imported_count, "city": batch.city},
        )
        return redirect("delegations:preview", pk=batch.pk)
    rows = importing.check_rows(batch) if batch.status == ImportStatus.PREVIEW else []
    errors = sum(1 for row in rows if not row.ok)
    return _page(
        request,
        "admin/delegations/preview.html",
        _("Delegation list: check before importing"),
        batch=batch,
        rows=rows,
        error_count=errors,
        may_confirm=batch.status == ImportStatus.PREVIEW and rows and not errors,
    )


# Mailings ----------------------------------------------------------------------------


def _draft(pk: int) -> Mailing:
    return get_object_or_404(Mailing, pk=pk)


@organisers_only(_staff_with(MAILING_PERMISSION))
@require_http_methods(["GET", "POST"])
def write_mailing(request, pk: int):
    draft = _draft(pk)
    if draft.status != MailingStatus.DRAFT:
        return redirect("admin:registration_mailing_change", draft.pk)
    form = MailingForm(request.POST or None, instance=draft)
    if request.method == "POST" and form.is_valid():
        texts = {name: form.cleaned_data[name] for name in mailing.TEXT_FIELDS}
        try:
            mailing.save_text(mailing=draft, kind=form.cleaned_data["kind"], texts=texts)
        except mailing.MailingRefusedError as refused:
            messages.error(request, refused.message)
            return redirect("admin:registration_mailing_change", draft.pk)
        return redirect("delegations:mailing_preview", pk=draft.pk)
    return _page(
        request,
        "admin/delegations/mailing_form.html",
        _("Write to the people chosen"),
        mailing=draft,
        form=form,
        counts=_counts(draft),
    )


def _counts(draft: Mailing) -> dict:
    """How many of the people chosen get it, for each kind (two queries)."""
    return {kind: mailing.recipients(draft, kind=kind).count() for kind in ("service", "news")}


@organisers_only(_staff_with(MAILING_PERMISSION))
@require_http_methods(["GET"])
def mailing_preview(request, pk: int):
    draft = _draft(pk)
    if draft.status != MailingStatus.DRAFT:
        return redirect("admin:registration_mailing_change", draft.pk)
    people = mailing.recipients(draft)
    by_language = dict(people.order_by().values_list("language").annotate(n=Count("pk")))
    previews = [_rendered(draft, language, request) for language in ("ko", "en")]
    return _page(
        request,
        "admin/delegations/mailing_preview.html",
        _("Check and send"),
        mailing=draft,
        previews=previews,
        count=sum(by_language.values()),
        by_language=by_language,
        complete=all(getattr(draft, name).strip() for name in mailing.TEXT_FIELDS),
    )


def _rendered(draft: Mailing, language: str, request) -> dict:
    """The mail as a person whose language is `language` gets it (rendered by
    registration.mail for a stand-in person: no one's details on the page)."""
    with translation.override(language):
        name = _("Name of the recipient")
    example = Registration(name=name, event=request.event or None, language=language, code="ABCD2345")
    example.manage_secret = "example"  # noqa: S105 (a stand-in, never stored)
    mail = OutgoingMail(
        kind=MailKind.MAILING,
        registration=example,
        to_email="recipient@example.org",
        language=language,
        context={"mailing": draft.pk},
    )
    message = build_message(mail)
    html = message.alternatives[0].content if message.alternatives else ""
    body = re.search(r"<body>(.*)</body>", html, re.DOTALL)
    return {
        "language": language,
        "subject": message.subject,
        "text": message.body,
        # The HTML part's body as the mail templates made it (everything typed is
        # escaped there): shown in place, as a mail program shows it.
        "html": mark_safe(body.group(1) if body else ""),
    }


@organisers_only(_staff_with(MAILING_PERMISSION))
@require_POST
def send_mailing(request, pk: int):
    draft = _draft(pk)
    try:
        count = mailing.send_mailing(mailing=draft, user=request.user)
    except mailing.MailingRefusedError as refused:
        messages.error(request, refused.message)
        if refused.code == "sent":
            return redirect("admin:registration_mailing_change", draft.pk)
        return redirect("delegations:mailing_preview", pk=draft.pk)
    messages.success(
        request,
        ngettext("The mailing is queued for %(count)d person.", "The mailing is queued for %(count)d people.", count)
        % {"count": count},
    )
    return redirect(reverse("admin:registration_mailing_change", args=[draft.pk]))
