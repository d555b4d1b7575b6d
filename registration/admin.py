"""Registrations and the e-mail outbox in the admin, for organisers.

Every change that touches seats goes through registration.services (the admin
actions approve, reject and cancel call it), never through a form: status,
category and the seat counters are read-only here, registrations are not added
or deleted in the admin (online through the public form, walk-ins at the desk;
a cancelled registration frees its seats, a deleted one would not). The ticket
and manage secrets are never shown. Every changelist joins what its columns
show, so it runs a fixed number of queries whatever the number of rows.

Django's autodiscovery imports only this module: importing registration.desk.admin
here registers the desk's checkpoints and check-in history too, and gives
RegistrationAdmin the badge actions, the attention filter and the check-ins inline;
importing registration.programme_admin makes a larger capacity in the programme's
admin fill the places it frees.
"""

from django import forms
from django.contrib import admin, messages
from django.db import models
from django.utils import timezone
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from events.admin_editions import EditionAdmin
from events.models import ParticipatingCity, Session
from registration import (
    mailings,
    organiser,
    outbox,
    programme_admin,  # noqa: F401 (registers the programme's Event and Session admins)
    release_admin,  # noqa: F401 (registers the released seats' admin)
    services,
)
from registration.dashboard.admin import ExportPermissionMixin, export_selected_csv, export_selected_xlsx
from registration.delegations.admin import CheckedInFilter, MailingPermissionMixin, write_to_these_people
from registration.desk.admin import (
    AttentionFilter,
    BadgePermissionMixin,
    CheckInInline,
    print_badges_a4,
    print_badges_a6,
)
from registration.errors import RegistrationError
from registration.forms import EmailAddressField
from registration.models import (
    ENDED,
    Booking,
    Consent,
    MailStatus,
    OutgoingMail,
    Registration,
    Status,
)
from registration.privacy_admin import PersonalDataAdminMixin
from registration.search import fold
from wegov.inputs import parse_id


def local_time(moment, tz) -> str:
    """A time in the event's time zone, written the same way in both languages."""
    return timezone.localtime(moment, tz).strftime("%Y-%m-%d %H:%M") if moment else "–"


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class BookingInline(ReadOnlyInline):
    model = Booking
    fields = ("session", "status", "created_at", "waitlisted_at")
    readonly_fields = fields

    def get_queryset(self, request):
        # The row's name (its __str__, in the inline's heading) names the registration too.
        return super().get_queryset(request).select_related("session", "registration")


class ConsentInline(ReadOnlyInline):
    model = Consent
    fields = ("kind", "granted", "text_version", "language", "how", "given_by", "given_at")
    readonly_fields = fields
    # Consent.via as stored ("online", "desk", "manage"), in the organiser's language.
    HOW = {
        "online": _("on the registration form"),
        "desk": _("at the desk"),
        "manage": _("on the private page"),
        "organiser": _("by an organiser, on the person's behalf (delegation list)"),
    }

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("given_by")

    @admin.display(description=_("how"))
    def how(self, obj: Consent) -> str:
        return self.HOW.get(obj.via, obj.via)


class BookedSessionFilter(admin.SimpleListFilter):
    """Registrations holding a seat in, or waiting for, one bookable session of
    the event chosen in the event filter (else the current event)."""

    title = _("booked session")
    parameter_name = "session"

    def lookups(self, request, model_admin):
        sessions = Session.objects.filter(booking_required=True).order_by("starts_at", "pk")
        event_id = parse_id(request.GET.get("event__id__exact"))
        if event_id is not None:
            sessions = sessions.filter(event_id=event_id)
        else:
            sessions = sessions.filter(event__is_current=True)
        return [(str(session.pk), session.title) for session in sessions]

    def queryset(self, request, queryset):
        value = self.value()
        if not value:
            return queryset
        session_id = parse_id(value)  # "²".isdigit() is True, but int("²") fails
        if session_id is None:
            return queryset.none()
        booked = Booking.objects.filter(session_id=session_id).active()
        return queryset.filter(pk__in=booked.values("registration_id"))


class RegistrationForm(forms.ModelForm):
    """The change form: new needs need the person's own consent, a delegation is
    a city of the registration's own event (registration.organiser)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "delegation" in self.fields and self.instance.pk:
            cities = ParticipatingCity.objects.filter(event_id=self.instance.event_id).order_by("position", "name")
            self.fields["delegation"].queryset = cities

    def clean_needs(self):
        needs = self.cleaned_data.get("needs", "")
        if self.instance.pk and "needs" in self.changed_data:
            try:
                organiser.check_needs(registration=self.instance, needs=needs)
            except RegistrationError as err:
                raise forms.ValidationError(err.message, code=err.code) from err
        return needs

    def clean_delegation(self):
        delegation = self.cleaned_data.get("delegation")
        if self.instance.pk:
            try:
                organiser.check_delegation(registration=self.instance, delegation=delegation)
            except RegistrationError as err:
                raise forms.ValidationError(err.message, code=err.code) from err
        return delegation


@admin.register(Registration)
class RegistrationAdmin(
    EditionAdmin,
    PersonalDataAdminMixin,
    ExportPermissionMixin,
    BadgePermissionMixin,
    MailingPermissionMixin,
    admin.ModelAdmin,
):
    form = RegistrationForm
    list_display = (
        "code",
        "name",
        "email",
        "organisation",
        "category",
        "delegation",
        "status",
        # On site or online: the "registered on site" filter (a column more would not fit a laptop).
        "registered_at",
    )
    list_display_links = ("code", "name")
    list_filter = (
        "category",
        "status",
        "is_walk_in",
        "event",
        "delegation",
        BookedSessionFilter,
        CheckedInFilter,
        AttentionFilter,
    )
    list_select_related = ("event", "delegation")
    search_fields = ("name", "email", "organisation", "=code")
    # An address mail can be delivered to, as on the public forms.
    formfield_overrides = {models.EmailField: {"form_class": EmailAddressField}}
    search_help_text = _("Name, e-mail, organisation or registration code.")
    ordering = ("-created_at",)
    list_per_page = 100
    inlines = (BookingInline, ConsentInline, CheckInInline)
    actions = (
        "approve_selected",
        "reject_selected",
        "cancel_selected",
        "resend_confirmation",
        write_to_these_people,
        print_badges_a6,
        print_badges_a4,
        export_selected_xlsx,
        export_selected_csv,
    )
    # Editable: what a person could change on their own page, and the desk's note.
    editable_fields = organiser.EDITABLE_FIELDS
    readonly_fields = (
        "event",
        "code",
        "category",
        "status",
        "is_walk_in",
        "registered_at",
        "updated_at",
        "cancelled_at",
    )
    fieldsets = (
        (None, {"fields": ("event", "code", "status", "category", "delegation", "is_walk_in")}),
        (_("Person"), {"fields": ("name", "email", "organisation", "job_title", "country", "city", "phone")}),
        (
            _("Preferences and needs"),
            {
                "fields": ("language", "needs", "needs_attention", "attention_note"),
                "description": _(
                    "The desk marks for attention, with a note, the people flagged here and, without a flag, "
                    "those who gave accessibility or dietary needs with their consent: staff read those needs."
                ),
            },
        ),
        (_("History"), {"fields": ("registered_at", "updated_at", "cancelled_at")}),
    )

    @admin.display(description=_("registered at (event time)"), ordering="created_at")
    def registered_at(self, obj: Registration) -> str:
        return local_time(obj.created_at, obj.event.tz)

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_search_results(self, request, queryset, search_term):
        """Also match the folded search text (accents and case ignored, as the
        desk searches) and a code typed with spaces or in lower case."""
        results, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        term = search_term.strip()
        if term:
            results |= queryset.filter(search_text__contains=fold(term))
            results |= queryset.with_code(term)
        return results, may_have_duplicates

    def save_model(self, request, obj, form, change):
        """Through the service: only the fields the organiser changed, with the
        rule on needs (registration.organiser)."""
        if not change:
            return super().save_model(request, obj, form, change)
        changes = {name: getattr(obj, name) for name in form.changed_data if name in self.editable_fields}
        organiser.edit_registration(registration=obj, changes=changes)

    @admin.action(description=_("Approve selected registrations (press, delegates)"), permissions=["change"])
    def approve_selected(self, request, queryset):
        done = skipped = 0
        for registration in queryset.order_by("pk"):
            if registration.status != Status.PENDING:
                skipped += 1
                continue
            services.approve(registration=registration)
            done += 1
        self._report(request, done, skipped, _("approved"), _("not awaiting approval"))

    @admin.action(description=_("Reject selected registrations (frees their seats)"), permissions=["change"])
    def reject_selected(self, request, queryset):
        done = skipped = 0
        for registration in queryset.order_by("pk"):
            if registration.status != Status.PENDING:
                skipped += 1
                continue
            try:
                services.reject(registration=registration)
            except RegistrationError:  # approved meanwhile
                skipped += 1
                continue
            done += 1
        self._report(request, done, skipped, _("rejected"), _("not awaiting approval"))

    @admin.action(description=_("Cancel selected registrations (frees their seats)"), permissions=["change"])
    def cancel_selected(self, request, queryset):
        done = skipped = 0
        for registration in queryset.order_by("pk"):
            if registration.status in ENDED:
                skipped += 1
                continue
            services.cancel(registration=registration)
            done += 1
        self._report(request, done, skipped, _("cancelled"), _("already cancelled or rejected"))

    @admin.action(description=_("Resend the confirmation e-mail"), permissions=["change"])
    def resend_confirmation(self, request, queryset):
        done, skipped = mailings.resend_welcome(registrations=queryset.order_by("pk"))
        self._report(request, done, skipped, _("e-mailed again"), _("cancelled, rejected or without e-mail"))

    def _report(self, request, done: int, skipped: int, verb, reason) -> None:
        if done:
            message = ngettext(
                "%(count)d registration %(verb)s.",
                "%(count)d registrations %(verb)s.",
                done,
            ) % {"count": done, "verb": verb}
            self.message_user(request, message, messages.SUCCESS)
        if skipped:
            message = ngettext(
                "%(count)d registration skipped: %(reason)s.",
                "%(count)d registrations skipped: %(reason)s.",
                skipped,
            ) % {"count": skipped, "reason": reason}
            self.message_user(request, message, messages.WARNING)


@admin.register(Booking)
class BookingAdmin(admin.ModelAdmin):
    """Who holds, or waits for, a seat in which session. Read-only: seats change
    through registrations (their page, or the actions on the registrations list)."""

    list_display = ("registration_code", "registration_name", "session", "status", "booked_at", "waitlisted")
    list_filter = ("status", "session__event", "session")
    list_select_related = ("registration", "session__event")
    search_fields = ("registration__name", "registration__email", "=registration__code")
    ordering = ("session__starts_at", "status", "waitlisted_at", "pk")
    list_per_page = 100

    @admin.display(description=_("registration code"), ordering="registration__code")
    def registration_code(self, obj: Booking) -> str:
        return obj.registration.code

    @admin.display(description=_("full name"), ordering="registration__name")
    def registration_name(self, obj: Booking) -> str:
        return obj.registration.name

    @admin.display(description=_("booked at (event time)"), ordering="created_at")
    def booked_at(self, obj: Booking) -> str:
        return local_time(obj.created_at, obj.session.event.tz)

    @admin.display(description=_("joined the waiting list"), ordering="waitlisted_at")
    def waitlisted(self, obj: Booking) -> str:
        return local_time(obj.waitlisted_at, obj.session.event.tz) if obj.waitlisted_at else "–"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(OutgoingMail)
class OutgoingMailAdmin(admin.ModelAdmin):
    """The outbox: what was sent, what waits for a retry and why, what gave up,
    and what may or may not have arrived ("unknown": see registration.outbox)."""

    list_display = (
        "created_at",
        "kind",
        "to_email",
        "language",
        "status",
        "attempts",
        "next_attempt_at",
        "sent_at",
        "error",
    )
    list_filter = ("status", "kind")
    search_fields = ("to_email", "=registration__code")
    ordering = ("-created_at", "-pk")
    list_per_page = 100
    actions = ("retry_now",)
    fields = (
        "kind",
        "registration",
        "to_email",
        "language",
        "context",
        "status",
        "attempts",
        "next_attempt_at",
        "last_error",
        "created_at",
        "claimed_at",
        "sent_at",
    )
    readonly_fields = fields

    @admin.display(description=_("last error"))
    def error(self, obj: OutgoingMail) -> str:
        if obj.status == MailStatus.UNKNOWN:
            return _("Its sender stopped while handing it over: check whether it arrived before Retry now.")
        return Truncator(obj.last_error).chars(80) if obj.last_error else ""

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description=_("Retry now"), permissions=["change"])
    def retry_now(self, request, queryset):
        count = outbox.retry(mails=queryset)
        self.message_user(
            request,
            ngettext(
                "%(count)d e-mail queued again: the outbox worker sends it on its next pass.",
                "%(count)d e-mails queued again: the outbox worker sends them on its next pass.",
                count,
            )
            % {"count": count},
            messages.SUCCESS,
        )
