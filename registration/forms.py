"""The public registration forms. They check the shape of what was typed; the
rules (who may book what, capacity, duplicates) are the services' to enforce,
and a RegistrationError the services raise becomes an error on its field.

Plain forms, not ModelForms: a ModelForm would validate the model's unique
constraints and so tell a stranger that an e-mail address is registered.
Fields a form does not declare are ignored when posted (status, event, code...).
"""

import functools
import unicodedata

from django import forms
from django.core.exceptions import ValidationError
from django.forms.models import ModelChoiceIteratorValue
from django.utils.formats import date_format, time_format
from django.utils.html import format_html
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext_lazy as _
from django_countries import countries
from phonenumber_field.formfields import PhoneNumberField

from events.models import Audience, Event, Session
from registration import consent, queries, services
from registration.errors import RegistrationError
from registration.models import DETAILS_FIELDS, PERSON_FIELDS, BookingStatus, Category, Registration
from wegov.inputs import parse_id

LANGUAGE_NAMES = [("ko", "한국어"), ("en", "English")]

# Each language named in itself, and marked as such (lang), so that a screen reader
# reads "한국어" in Korean on the English form and "English" in English on the Korean one.
LANGUAGE_CHOICES = [(code, format_html('<span lang="{}">{}</span>', code, name)) for code, name in LANGUAGE_NAMES]


class TextField(forms.CharField):
    """A text field stored in Unicode NFC, so that Hangul typed as separate jamo
    (some phones and Macs do) is stored, searched and printed as syllables."""

    def to_python(self, value):
        value = super().to_python(value)
        return unicodedata.normalize("NFC", value) if value else value


class EmailAddressField(forms.EmailField):
    """An e-mail address our mail can be delivered to. The part before the @ must
    be ASCII: an address such as 김민준@example.org needs SMTPUTF8 all the way to
    the mailbox, which our mail does not use, so it could never receive a ticket.
    Django's own check takes a few such addresses (the Kelvin sign, "ſ") and
    answers the others with a generic "Enter a valid email address": this says why."""

    default_error_messages = {
        "non_ascii_local_part": _(
            "Use only Latin letters (a–z), digits and signs such as . _ - + before the @: "
            "mail cannot be delivered to an address with other characters there."
        ),
    }

    def to_python(self, value):
        value = super().to_python(value)
        local_part = value.rpartition("@")[0] if "@" in value else ""
        if local_part and not local_part.isascii():
            raise ValidationError(self.error_messages["non_ascii_local_part"], code="non_ascii_local_part")
        return value


class ErrorSummaryMixin:
    """What the error summary at the top of a page lists: (anchor id, label, message)."""

    def error_links(self) -> list[tuple[str, str, str]]:
        links = [("", "", str(message)) for message in self.non_field_errors()]
        for name in self.fields:
            if name not in self.errors:
                continue
            bound = self[name]
            # Checkbox and radio groups have no single input: link to the first one.
            anchor = bound.id_for_label or f"{bound.auto_id}_0"
            links.extend((anchor, str(bound.label), str(message)) for message in bound.errors)
        return links


def country_choices() -> list[tuple[str, str]]:
    """Countries by their name in the active language: Korean names in 가나다
    order (the code point order of Hangul syllables), Latin names ignoring accents."""
    return [("", _("Choose a country")), *_sorted_countries(get_language() or "")]


@functools.cache
def _sorted_countries(language: str) -> tuple[tuple[str, str], ...]:
    """Sorted once per language per process (with Unicode normalisation: slow,
    and the same for every form). `language` is the active one, the cache's key."""

    def key(country):
        folded = unicodedata.normalize("NFKD", str(country.name)).encode("ascii", "ignore").decode().casefold()
        return (folded, str(country.name))

    return tuple((c.code, str(c.name)) for c in sorted(countries, key=key))


# Sessions ------------------------------------------------------------------------


def session_label(session: Session, event: Event, held: str | None = None, *, full: str | None = None) -> str:
    """“U-City · 8 September 09:30–12:00 · Room 1 · 12 seats left”, times in the event's zone:
    the label of a session to choose, on the registration form and the desk's walk-in form.
    `held`: the person's booking of it, if any; `full`: what a full session says (the
    desk's staff see their own words)."""
    start, end = event.local(session.starts_at), event.local(session.ends_at)
    when = f"{date_format(start, 'MONTH_DAY_FORMAT')} {time_format(start, 'H:i')}–{time_format(end, 'H:i')}"
    parts = [session.title, when]
    if session.room_id:
        parts.append(session.room.name)
    if held == BookingStatus.CONFIRMED:
        parts.append(str(_("your seat is booked")))
    elif held == BookingStatus.WAITLISTED:
        parts.append(str(_("you are on the waiting list")))
    elif session.is_full:
        parts.append(str(full or _("full — you will join the waiting list")))
    elif session.seats_left is not None:
        count = session.seats_left
        parts.append(ngettext("%(count)s seat left", "%(count)s seats left", count) % {"count": count})
    if session.audience == Audience.DELEGATES:
        parts.append(str(_("city delegates only")))
    return " · ".join(parts)


class SessionCheckboxes(forms.CheckboxSelectMultiple):
    """Checkboxes that mark sessions for delegates only (registration.js hides
    them unless the category chosen is city delegate)."""

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex=subindex, attrs=attrs)
        session = getattr(value, "instance", None)
        if session is not None and session.audience == Audience.DELEGATES:
            option["attrs"]["data-delegates-only"] = "true"
        return option


class SessionChoiceField(forms.ModelMultipleChoiceField):
    """The sessions chosen. `offered`: the sessions the shared form offered, by
    primary key, as registration.formcache keeps them (with what the choice's
    check reads); a choice among them is cleaned without a query (the services
    check it again on the locked rows), any other against `queryset`.
    `queryset` may be a function that makes it: called when first needed (a POST
    whose choice was among those offered never builds it)."""

    widget = SessionCheckboxes

    def __init__(self, *, event: Event, queryset, held: dict | None = None, offered: dict | None = None, **kwargs):
        self.event = event
        self.held = held or {}
        self.offered = offered
        self._make_queryset = queryset if callable(queryset) else None
        super().__init__(queryset=None if callable(queryset) else queryset, **kwargs)

    def _get_queryset(self):
        if self._queryset is None and self._make_queryset is not None:
            self._set_queryset(self._make_queryset())
        return self._queryset

    queryset = property(_get_queryset, forms.ModelMultipleChoiceField._set_queryset)

    def label_from_instance(self, session):
        return session_label(session, self.event, self.held.get(session.pk))

    def clean(self, value):
        # Values that cannot be a primary key never reach the database (SQLite
        # cannot even compare a number over 64 bits).
        pks = set()
        for item in value or []:
            text = str(item)
            pk = parse_id(text)
            if pk is None:
                raise ValidationError(
                    self.error_messages["invalid_pk_value"], code="invalid_pk_value", params={"pk": text[:50]}
                )
            pks.add(pk)
        if not value and not self.required:
            return []
        if self.offered is not None and isinstance(value, (list, tuple)) and pks <= self.offered.keys():
            return [session for pk, session in self.offered.items() if pk in pks]  # in the form's order
        return super().clean(value)


# Personal details -------------------------------------------------------------------


class PersonForm(ErrorSummaryMixin, forms.Form):
    """The details a person can give and later change."""

    name = TextField(
        label=_("Full name"),
        max_length=150,
        help_text=_("As it should appear on your badge, in any script."),
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    organisation = TextField(
        label=_("Organisation"),
        max_length=300,
        required=False,
        help_text=_("Your city government, company, university or media. Citizens may leave it empty."),
        widget=forms.TextInput(attrs={"autocomplete": "organization"}),
    )
    job_title = TextField(
        label=_("Job title"),
        max_length=200,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "organization-title"}),
    )
    country = forms.ChoiceField(label=_("Country"), choices=country_choices)
    city = TextField(label=_("City"), max_length=120, widget=forms.TextInput(attrs={"autocomplete": "address-level2"}))
    phone = PhoneNumberField(
        label=_("Phone (optional)"),
        region="KR",
        required=False,
        help_text=_("Korean numbers as you dial them, e.g. 010-1234-5678; others with the country code, e.g. +49 …"),
    )
    language = forms.ChoiceField(label=_("Language for e-mails"), choices=LANGUAGE_CHOICES, widget=forms.RadioSelect)
    needs = TextField(
        label=_("Accessibility or dietary needs (optional)"),
        max_length=1000,
        required=False,
        help_text=_("For example wheelchair access, sign language interpretation or a vegetarian meal."),
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    details_fields = DETAILS_FIELDS

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["phone"].widget.attrs["autocomplete"] = "tel"
        self.fields["country"].widget.attrs["autocomplete"] = "country"

    def chosen_category(self) -> str | None:
        raise NotImplementedError

    def clean(self):
        cleaned = super().clean()
        category = self.chosen_category()
        if category and category != Category.CITIZEN and not cleaned.get("organisation"):
            if "organisation" not in self.errors:
                self.add_error("organisation", _("Please give your organisation (only citizens may leave it empty)."))
        if cleaned.get("needs") and not cleaned.get("sensitive_consent") and not self.sensitive_consent_given():
            self.add_error(
                "sensitive_consent",
                _("To give accessibility or dietary needs, agree to their processing, or leave the field empty."),
            )
        return cleaned

    def sensitive_consent_given(self) -> bool:
        """Whether the sensitive-information consent was given before (on the manage page)."""
        return False

    def details(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.details_fields}


class RegistrationForm(PersonForm):
    email = EmailAddressField(
        label=_("E-mail address"),
        max_length=254,
        help_text=_("Your ticket and the private link to change or cancel your registration are sent here."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    category = forms.ChoiceField(
        label=_("I attend as"),
        choices=Category.choices,
        widget=forms.RadioSelect,
        help_text=_(
            "Registrations of press and city delegates are confirmed once an organiser has approved them; "
            "we will tell you by e-mail."
        ),
    )
    privacy_consent = forms.BooleanField(
        required=True,
        error_messages={
            "required": _(
                "To register online, please agree to the collection and use of your personal information. "
                "You can also register on site at the venue."
            )
        },
    )
    news_consent = forms.BooleanField(required=False)
    sensitive_consent = forms.BooleanField(required=False)

    field_order = [name for name in PERSON_FIELDS if name != "category"]

    def __init__(
        self, *args, event: Event, sessions: list[Session] | None = None, offered: dict | None = None, **kwargs
    ):
        """`sessions`: the bookable sessions as already read, to show exactly
        those rows (registration.formcache keys the rendering on them).
        `offered`: the sessions the shared form offered (SessionChoiceField)."""
        self.event = event
        self.shown_sessions = sessions
        language = (get_language() or "ko")[:2]
        kwargs.setdefault("initial", {})
        kwargs["initial"].setdefault("language", language if language in dict(LANGUAGE_CHOICES) else "ko")
        if language == "ko":  # people filling in the Korean form are mostly in Korea
            kwargs["initial"].setdefault("country", "KR")
        super().__init__(*args, **kwargs)
        self.fields["sessions"] = SessionChoiceField(
            event=event,
            queryset=lambda: queries.bookable_sessions(event),
            offered=offered,
            required=False,
            label=_("Sessions that need a booked seat"),
            help_text=_(
                "Choose the sessions you want a seat in. Sessions at the same time cannot be combined. "
                "When a session is full you join its waiting list and get the first seat that frees up."
            ),
        )
        if sessions is not None:
            field = self.fields["sessions"]
            field.choices = [(ModelChoiceIteratorValue(s.pk, s), field.label_from_instance(s)) for s in sessions]
        self.privacy_text = consent.PRIVACY.shown(language)
        self.news_text = consent.NEWS.shown(language)
        self.sensitive_text = consent.SENSITIVE.shown(language)
        self.fields["privacy_consent"].label = self.privacy_text.agreement
        self.fields["news_consent"].label = self.news_text.agreement
        self.fields["sensitive_consent"].label = self.sensitive_text.agreement

    def chosen_category(self) -> str | None:
        return self.cleaned_data.get("category")

    def offers_sessions(self) -> bool:
        if self.shown_sessions is not None:
            return bool(self.shown_sessions)
        return self.fields["sessions"].queryset.exists()

    def clean(self):
        cleaned = super().clean()
        category, sessions = cleaned.get("category"), cleaned.get("sessions")
        if category and sessions:
            try:
                services.check_session_choice(event=self.event, category=category, sessions=list(sessions))
            except RegistrationError as err:
                self.add_registration_error(err)
        return cleaned

    def full_clean(self):
        super().full_clean()
        # The consent checkboxes are described by the notice above them, and by their error.
        for name, text_id in (
            ("privacy_consent", "consent-privacy"),
            ("news_consent", "consent-news"),
            ("sensitive_consent", "consent-sensitive"),
        ):
            described = [text_id] + ([f"{self[name].auto_id}_error"] if name in self.errors else [])
            self.fields[name].widget.attrs["aria-describedby"] = " ".join(described)

    def add_registration_error(self, err: RegistrationError) -> None:
        self.add_error(err.field if err.field in self.fields else None, err.message)

    def person(self) -> dict:
        """The details services.register takes."""
        return {name: self.cleaned_data[name] for name in PERSON_FIELDS}

    def session_ids(self) -> list[int]:
        return [session.pk for session in self.cleaned_data.get("sessions") or []]


class DetailsForm(PersonForm):
    """Change one's details on the private manage page (not the address or category)."""

    sensitive_consent = forms.BooleanField(required=False)

    def __init__(self, *args, registration: Registration, **kwargs):
        self.registration = registration
        kwargs.setdefault("initial", {name: getattr(registration, name) for name in self.details_fields})
        kwargs.setdefault("prefix", "details")
        super().__init__(*args, **kwargs)
        self.already_consented = services.has_sensitive_consent(registration)
        self.sensitive_text = consent.SENSITIVE.shown()
        if self.already_consented:
            del self.fields["sensitive_consent"]
        else:
            self.fields["sensitive_consent"].label = self.sensitive_text.agreement

    def sensitive_consent_given(self) -> bool:
        return self.already_consented

    def chosen_category(self) -> str | None:
        return self.registration.category


class SessionsForm(ErrorSummaryMixin, forms.Form):
    """Change one's session choices on the private manage page."""

    def __init__(self, *args, registration: Registration, held: dict[int, str], **kwargs):
        self.registration = registration
        kwargs.setdefault("initial", {"sessions": list(held)})
        kwargs.setdefault("prefix", "sessions")
        super().__init__(*args, **kwargs)
        queryset = queries.bookable_sessions(registration.event)
        if registration.category not in Category.delegate_categories():
            queryset = queryset.exclude(audience=Audience.DELEGATES)
        self.fields["sessions"] = SessionChoiceField(
            event=registration.event,
            queryset=queryset,
            held=held,
            required=False,
            label=_("Your sessions"),
            help_text=_(
                "Tick the sessions you want a seat in and untick those you no longer want; sessions at the same "
                "time cannot be combined. A seat you give up goes to the first person waiting."
            ),
        )

    def add_registration_error(self, err: RegistrationError) -> None:
        self.add_error(err.field if err.field in self.fields else None, err.message)

    def session_ids(self) -> list[int]:
        return [session.pk for session in self.cleaned_data.get("sessions") or []]


class NewsForm(forms.Form):
    """Give or withdraw the optional consent to news from WeGO, on the manage page."""

    news_consent = forms.BooleanField(required=False)

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("prefix", "news")
        super().__init__(*args, **kwargs)
        self.news_text = consent.NEWS.shown()
        self.fields["news_consent"].label = self.news_text.agreement


class LostLinkForm(ErrorSummaryMixin, forms.Form):
    email = EmailAddressField(
        label=_("E-mail address"),
        max_length=254,
        help_text=_("The address you registered with."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )


class CorrectAddressForm(ErrorSummaryMixin, forms.Form):
    """The "Check your e-mail" page's correction of a mistyped address
    (registration.correction decides what it changes)."""

    email = EmailAddressField(
        label=_("The right e-mail address"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
