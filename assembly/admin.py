"""The General Assembly in the admin, for organisers.

Accreditations and proxies are written through assembly.services (row locks,
the rules of docs/assembly.md); a rule refused gets its message next to the
form, or, when another organiser won a race meanwhile, at the top of the page.
Decisions are recorded with the quorum counted by the system; a published one
is read-only and cannot be deleted.
"""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.http import HttpResponseRedirect
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from modeltranslation.admin import TranslationAdmin

from assembly import queries, services
from assembly.errors import AssemblyError
from assembly.models import Accreditation, AssemblySettings, Decision, Movement, Proxy
from events.models import ParticipatingCity
from registration.models import ENDED, Category, Registration


class RulesAdmin(admin.ModelAdmin):
    """A rule refused in save_model (a race lost to another organiser): the
    message, and the form again, nothing saved."""

    def changeform_view(self, request, *args, **kwargs):
        try:
            return super().changeform_view(request, *args, **kwargs)
        except (AssemblyError, IntegrityError) as error:
            raced = _("Another organiser changed this meanwhile.")
            message = error.message if isinstance(error, AssemblyError) else raced
            self.message_user(request, message, messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())


@admin.register(AssemblySettings)
class AssemblySettingsAdmin(admin.ModelAdmin):
    list_display = ("event", "quorum_rule", "quorum_number", "max_proxies", "session", "checkpoint")
    list_select_related = ("event", "session", "checkpoint")
    raw_id_fields = ("session", "checkpoint")


class AccreditationForm(forms.ModelForm):
    class Meta:
        model = Accreditation
        fields = ("city", "registration", "role", "position", "credentials")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "registration" in self.fields:
            self.fields["registration"].queryset = (
                Registration.objects.filter(category=Category.DELEGATE, delegation__isnull=False)
                .exclude(status__in=ENDED)
                .select_related("delegation")
            )

    def clean(self):
        data = super().clean()
        registration, city = data.get("registration"), data.get("city")
        if registration and city:
            try:
                services.check_accreditation(registration=registration, city=city)
            except AssemblyError as error:
                raise ValidationError({"registration": error.message}, code=error.code) from None
        return data


@admin.register(Accreditation)
class AccreditationAdmin(RulesAdmin):
    form = AccreditationForm
    list_display = ("city", "registration", "role", "position", "credentials", "accredited_by", "accredited_at")
    list_filter = ("role", "city__event")
    list_select_related = ("city", "registration", "accredited_by")
    search_fields = ("registration__name", "=registration__code", "city__name")
    readonly_fields = ("accredited_by", "accredited_at")

    def save_model(self, request, obj, form, change):
        saved = services.accredit(
            registration=obj.registration,
            city=obj.city,
            role=obj.role,
            credentials=obj.credentials,
            position=obj.position,
            user=request.user,
        )
        obj.pk = saved.pk


class ProxyForm(forms.ModelForm):
    class Meta:
        model = Proxy
        fields = ("giver", "holder")

    def clean(self):
        data = super().clean()
        giver, holder = data.get("giver"), data.get("holder")
        if giver and holder and giver.pk == holder.pk:
            raise ValidationError({"holder": _("A city cannot give its proxy to itself.")}, code="self")
        return data


@admin.register(Proxy)
class ProxyAdmin(RulesAdmin):
    form = ProxyForm
    list_display = ("giver", "holder", "given_by", "given_at")
    list_select_related = ("giver", "holder", "given_by")
    list_filter = ("holder__event",)
    readonly_fields = ("given_by", "given_at")

    def has_change_permission(self, request, obj=None):
        return obj is None and super().has_change_permission(request, obj)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name in ("giver", "holder"):
            kwargs["queryset"] = ParticipatingCity.objects.select_related("event")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        obj.pk = services.give_proxy(giver=obj.giver, holder=obj.holder, user=request.user).pk

    def delete_model(self, request, obj):
        services.withdraw_proxy(proxy=obj)


@admin.register(Movement)
class MovementAdmin(admin.ModelAdmin):
    list_display = ("at", "direction", "checkin", "by")
    list_select_related = ("checkin__registration", "checkin__checkpoint", "by")
    list_filter = ("direction",)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.action(
    description=_("Publish the selected decisions (final: they can no longer be changed)"), permissions=["change"]
)
def publish(modeladmin, request, queryset):
    decisions = list(queryset.filter(published_at__isnull=True))
    for decision in decisions:
        services.publish_decision(decision=decision, user=request.user)
    count = len(decisions)
    modeladmin.message_user(
        request, ngettext("%(count)d decision published.", "%(count)d decisions published.", count) % {"count": count}
    )


class DecisionForm(forms.ModelForm):
    def clean(self):
        """More votes than present, next to the votes: the votes present as the
        decision will record them (now, for a new one)."""
        data = super().clean()
        votes = sum(data.get(name) or 0 for name in ("votes_for", "votes_against", "votes_abstain"))
        present = self.instance.votes_present if self.instance.pk else None
        if present is None and data.get("event"):
            settings = queries.settings_of(data["event"])
            present = queries.quorum_of(settings).votes if settings else None
        if present is not None and votes > present:
            message = _("More votes than the %(present)s votes present.") % {"present": present}
            self.add_error("votes_for", ValidationError(message, code="votes"))
        return data


@admin.register(Decision)
class DecisionAdmin(RulesAdmin, TranslationAdmin):
    form = DecisionForm
    list_display = (
        "kind",
        "event",
        "votes_for",
        "votes_against",
        "votes_abstain",
        "votes_present",
        "quorum_required",
        "quorum_reached",
        "published_at",
    )
    list_select_related = ("event",)
    list_filter = ("kind", "event")
    fields = (
        "event",
        "kind",
        "position",
        "text",
        "votes_for",
        "votes_against",
        "votes_abstain",
        "members",
        "quorum_required",
        "votes_present",
        "quorum_reached",
        "recorded_at",
        "recorded_by",
        "published_at",
        "published_by",
    )
    readonly_fields = (
        "members",
        "quorum_required",
        "votes_present",
        "quorum_reached",
        "recorded_at",
        "recorded_by",
        "published_at",
        "published_by",
    )
    actions = [publish]

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and obj.is_published:
            return [f for f in self.fields if f != "text"] + ["text_ko", "text_en"]
        if obj is not None:
            return [*self.readonly_fields, "event"]
        return self.readonly_fields

    def has_change_permission(self, request, obj=None):
        if obj is not None and obj.is_published:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.is_published:
            return False
        return super().has_delete_permission(request, obj)

    def delete_queryset(self, request, queryset):
        super().delete_queryset(request, queryset.filter(published_at__isnull=True))

    def save_model(self, request, obj, form, change):
        services.record_decision(decision=obj, user=request.user)
