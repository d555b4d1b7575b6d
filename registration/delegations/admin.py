"""The back office in the admin: the registrations list's delegation and
check-in filters and its "Write to these people" action, the record of
delegation imports and of mailings (read-only; a mailing's recipients with
their delivery status). registration/admin.py imports this module."""

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from registration.delegations import mailing
from registration.delegations.models import ImportBatch, ImportStatus, Mailing, MailingRecipient, MailingStatus
from registration.models import CheckIn, MailStatus

MAILING_PERMISSION = "registration.send_mailing"


class CheckedInFilter(admin.SimpleListFilter):
    """Registrations with, or without, a live (not undone) check-in anywhere."""

    title = _("checked in")
    parameter_name = "checked_in"

    def lookups(self, request, model_admin):
        return [("yes", _("Checked in")), ("no", _("Not yet checked in"))]

    def queryset(self, request, queryset):
        live = CheckIn.objects.filter(undone_at__isnull=True).values("registration_id")
        if self.value() == "yes":
            return queryset.filter(pk__in=live)
        if self.value() == "no":
            return queryset.exclude(pk__in=live)
        return queryset


class MailingPermissionMixin:
    def has_send_mailing_permission(self, request) -> bool:
        return request.user.has_perm(MAILING_PERMISSION)


@admin.action(description=_("Write to these people (e-mail)"), permissions=["send_mailing"])
def write_to_these_people(modeladmin, request, queryset):
    """A draft mailing to the selected registrations (select all to take every
    one the filters match); the organiser writes it on the next page."""
    if not request.user.has_perm(MAILING_PERMISSION):
        raise PermissionDenied
    draft = mailing.start_mailing(
        registrations=queryset, user=request.user, description=describe_filters(modeladmin, request)
    )
    return redirect("delegations:mailing_write", pk=draft.pk)


def describe_filters(modeladmin, request) -> str:
    """The changelist's active filters and search, in words ("status: Confirmed; ...")."""
    try:
        changelist = modeladmin.get_changelist_instance(request)
    except Exception:  # an odd query string: the admin itself would have refused it
        return ""
    parts = []
    for spec in changelist.filter_specs:
        if not getattr(spec, "used_parameters", None):
            continue
        chosen = [str(c["display"]) for c in spec.choices(changelist) if c.get("selected")]
        parts.append(f"{spec.title}: {', '.join(chosen)}")
    if changelist.query:
        parts.append(f"{_('search')}: {changelist.query}")
    return "; ".join(parts) or str(_("no filter: the registrations selected"))


@admin.register(ImportBatch)
class ImportBatchAdmin(admin.ModelAdmin):
    """The delegation lists uploaded, imported or waiting for their confirm."""

    list_display = (
        "uploaded_at",
        "city",
        "event",
        "file_name",
        "row_count",
        "status",
        "uploaded_by",
        "imported_count",
        "preview_link",
    )
    list_filter = ("status", "event")
    list_select_related = ("city", "event", "uploaded_by")
    fields = ("event", "city", "file_name", "status", "uploaded_by", "uploaded_at", "imported_by", "imported_at")
    readonly_fields = fields
    ordering = ("-uploaded_at", "-pk")

    @admin.display(description=_("lines"))
    def row_count(self, obj: ImportBatch) -> int:
        return obj.imported_count if obj.status == ImportStatus.IMPORTED else len(obj.rows)

    @admin.display(description=_("preview"))
    def preview_link(self, obj: ImportBatch) -> str:
        return format_html('<a href="{}">{}</a>', reverse("delegations:preview", args=[obj.pk]), _("Open"))

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class RecipientInline(admin.TabularInline):
    model = MailingRecipient
    fields = ("registration", "language", "to", "delivery", "sent_at")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("registration", "mail")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description=_("language"))
    def language(self, obj: MailingRecipient) -> str:
        return obj.mail.language if obj.mail else obj.registration.language

    @admin.display(description=_("to"))
    def to(self, obj: MailingRecipient) -> str:
        return obj.mail.to_email if obj.mail else obj.registration.email

    @admin.display(description=_("delivery"))
    def delivery(self, obj: MailingRecipient) -> str:
        return obj.mail.get_status_display() if obj.mail else "–"

    @admin.display(description=_("sent at"))
    def sent_at(self, obj: MailingRecipient):
        return obj.mail.sent_at if obj.mail else None


@admin.register(Mailing)
class MailingAdmin(admin.ModelAdmin):
    """Mailings: drafts (continue writing) and the record of those sent, with
    their recipients and how delivery went. Nothing here can be changed."""

    list_display = ("created_at", "subject_en", "kind", "status", "selected_count", "recipient_count", "sent_count")
    list_filter = ("status", "kind")
    list_select_related = ("created_by", "sent_by")
    fields = (
        "status",
        "kind",
        "continue_link",
        "filter_description",
        "selected_count",
        "created_by",
        "created_at",
        "sent_by",
        "sent_at",
        "delivery_summary",
        "subject_ko",
        "body_ko",
        "subject_en",
        "body_en",
    )
    readonly_fields = fields
    inlines = (RecipientInline,)
    ordering = ("-created_at", "-pk")

    def get_queryset(self, request):
        mails = "recipients__mail__status"
        return (
            super()
            .get_queryset(request)
            .annotate(
                recipient_count=Count("recipients", distinct=True),
                sent_count=Count("recipients", filter=Q(**{mails: MailStatus.SENT}), distinct=True),
            )
        )

    @admin.display(description=_("recipients"), ordering="recipient_count")
    def recipient_count(self, obj: Mailing) -> int:
        return obj.recipient_count if obj.status == MailingStatus.SENT else 0

    @admin.display(description=_("delivered"), ordering="sent_count")
    def sent_count(self, obj: Mailing) -> int:
        return obj.sent_count

    @admin.display(description=_("delivery"))
    def delivery_summary(self, obj: Mailing) -> str:
        counts = (
            MailingRecipient.objects.filter(mailing=obj, mail__isnull=False)
            .values_list("mail__status")
            .annotate(n=Count("pk"))
            .order_by("mail__status")
        )
        labels = dict(MailStatus.choices)
        return ", ".join(f"{labels.get(status, status)}: {n}" for status, n in counts) or "–"

    @admin.display(description=_("next step"))
    def continue_link(self, obj: Mailing) -> str:
        if obj.status != MailingStatus.DRAFT:
            return "–"
        return format_html(
            '<a href="{}">{}</a>', reverse("delegations:mailing_write", args=[obj.pk]), _("Continue writing")
        )

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return bool(
            obj is not None and obj.status == MailingStatus.DRAFT and super().has_delete_permission(request, obj)
        )
