"""The walk-in form: a person who arrives without registering is registered by
desk staff and checked in at once.

Short on purpose: name, organisation, category, country, optional e-mail and
phone, an optional workshop, the checkpoint, and the personal-information
consent, which staff read out (or the person reads) and then tick. The form
checks the shape of what was typed; the rules (capacity, who may book what,
duplicates) are registration.services'. Fields the form does not offer are
ignored when posted.
"""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from phonenumber_field.formfields import PhoneNumberField

from events.models import Event, Session
from registration import consent, queries, services
from registration.errors import RegistrationError
from registration.forms import EmailAddressField, ErrorSummaryMixin, TextField, country_choices, session_label
from registration.models import Category, Checkpoint
from wegov.inputs import is_storable, parse_id


class SafeChoiceMixin:
    """Values that cannot be a key never reach the database: a NUL byte that
    PostgreSQL refuses, a number too large for SQLite, a kilobyte of text."""

    pk_is_number = True

    def to_python(self, value):
        if value not in self.empty_values:
            text = str(value)
            if not is_storable(text) or len(text) > 100 or (self.pk_is_number and parse_id(text) is None):
                raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        return super().to_python(value)


class WorkshopField(SafeChoiceMixin, forms.ModelChoiceField):
    def __init__(self, *, event: Event, **kwargs):
        self.event = event
        super().__init__(**kwargs)

    def label_from_instance(self, session: Session) -> str:
        """“U-City · 8 September 09:30–12:00 · Regency Room · 12 seats left”, in the event's time zone."""
        return session_label(session, self.event, full=_("FULL: waiting list only"))


class CheckpointField(SafeChoiceMixin, forms.ModelChoiceField):
    pk_is_number = False  # chosen by slug

    def label_from_instance(self, checkpoint: Checkpoint) -> str:
        return checkpoint.name


class WalkInForm(ErrorSummaryMixin, forms.Form):
    name = TextField(
        label=_("Full name"),
        max_length=150,
        help_text=_("As it should appear on the badge, in any script."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "autofocus": True}),
    )
    organisation = TextField(
        label=_("Organisation"),
        max_length=300,
        required=False,
        help_text=_("Citizens may leave it empty."),
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    category = forms.ChoiceField(
        label=_("Attends as"),
        choices=Category.choices,
        initial=Category.CITIZEN,
        widget=forms.RadioSelect,
        help_text=_("Press and city delegates are checked in only once an organiser has approved them."),
    )
    country = forms.ChoiceField(label=_("Country"), choices=country_choices, initial="KR")
    email = EmailAddressField(
        label=_("E-mail address (optional)"),
        max_length=254,
        required=False,
        help_text=_("With an address the person gets the ticket and the link to manage the registration."),
        widget=forms.EmailInput(attrs={"autocomplete": "off"}),
    )
    phone = PhoneNumberField(
        label=_("Phone (optional)"),
        region="KR",
        required=False,
        help_text=_("Korean numbers as dialled, e.g. 010-1234-5678; others with the country code, e.g. +49 …"),
    )
    join_waiting_list = forms.BooleanField(
        label=_("If the workshop is full, put the person on its waiting list"),
        required=False,
    )
    privacy_consent = forms.BooleanField(
        required=True,
        label=_(
            "I have read the text above to the person (or they have read it), and they agree to the collection "
            "and use of their personal information."
        ),
        error_messages={
            "required": _(
                "Read the consent text to the person and tick this box once they agree. Without their consent "
                "they cannot be registered."
            )
        },
    )

    field_order = [
        "name",
        "organisation",
        "category",
        "country",
        "email",
        "phone",
        "session",
        "join_waiting_list",
        "privacy_consent",
        "checkpoint",
    ]

    def __init__(self, *args, event: Event, checkpoints: list[Checkpoint], **kwargs):
        self.event = event
        super().__init__(*args, **kwargs)
        self.fields["session"] = WorkshopField(
            event=event,
            queryset=queries.bookable_sessions(event),
            required=False,
            blank=True,
            empty_label=_("No workshop"),
            widget=forms.RadioSelect,
            label=_("Workshop (optional)"),
            help_text=_("Sessions that need a booked seat. One at most: they run at the same time."),
        )
        self.fields["checkpoint"] = CheckpointField(
            queryset=Checkpoint.objects.filter(pk__in=[c.pk for c in checkpoints]).order_by("kind", "day", "pk"),
            to_field_name="slug",
            empty_label=None,
            label=_("Check in at"),
            help_text=_("The checkpoint of this desk."),
        )
        self.fields["checkpoint"].choices = [(c.slug, c.name) for c in checkpoints]
        self.order_fields(self.field_order)
        if self.is_bound:  # shown again with errors or candidates: start reading at the top, not in a field
            self.fields["name"].widget.attrs.pop("autofocus", None)
        language = (get_language() or "ko")[:2]
        self.privacy_text = consent.PRIVACY.shown(language)
        self.other_privacy_text = consent.PRIVACY.shown("en" if self.privacy_text.language == "ko" else "ko")
        self.fields["privacy_consent"].widget.attrs["aria-describedby"] = "consent-privacy"

    def clean(self):
        cleaned = super().clean()
        category, session = cleaned.get("category"), cleaned.get("session")
        if category and category != Category.CITIZEN and not cleaned.get("organisation"):
            if "organisation" not in self.errors:
                self.add_error("organisation", _("Give the organisation (only citizens may leave it empty)."))
        if category and session:
            try:
                services.check_session_choice(event=self.event, category=category, sessions=[session])
            except RegistrationError as err:
                self.add_registration_error(err)
                return cleaned
            if session.is_full and not cleaned.get("join_waiting_list"):
                self.add_error(
                    "session",
                    _(
                        "“%(title)s” is full. Tick “put the person on its waiting list” below, or choose "
                        "another workshop or none."
                    )
                    % {"title": session.title},
                )
        return cleaned

    def add_registration_error(self, err: RegistrationError) -> None:
        field = "session" if err.field == "sessions" else err.field
        self.add_error(field if field in self.fields else None, err.message)

    @property
    def phone_e164(self) -> str:
        phone = self.cleaned_data.get("phone")
        return phone.as_e164 if phone else ""

    def person(self) -> dict:
        """The details services.register takes. E-mails go out in Korean to
        people from Korea and in English to everyone else (a short form asks no
        language)."""
        data = self.cleaned_data
        return {
            "name": data["name"],
            "organisation": data["organisation"],
            "category": data["category"],
            "country": data["country"],
            "email": data["email"],
            "phone": data["phone"] or "",
            "language": "ko" if data["country"] == "KR" else "en",
        }

    def session_ids(self) -> list[int]:
        session = self.cleaned_data.get("session")
        return [session.pk] if session else []

    @property
    def checkpoint(self) -> Checkpoint:
        return self.cleaned_data["checkpoint"]


class CheckInInsteadForm(forms.Form):
    """The button "Check this person in instead": a registration listed as likely
    the walk-in's, and the desk's checkpoint."""

    registration = forms.CharField(max_length=20)
    checkpoint = CheckpointField(queryset=Checkpoint.objects.none(), to_field_name="slug")

    def __init__(self, *args, checkpoints: list[Checkpoint], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["checkpoint"].queryset = Checkpoint.objects.filter(pk__in=[c.pk for c in checkpoints])
