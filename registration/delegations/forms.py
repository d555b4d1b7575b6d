"""The back office's forms: the delegation list upload and a mailing's text."""

from django import forms
from django.utils.translation import gettext_lazy as _

from events.models import Event, ParticipatingCity
from registration.delegations import files
from registration.delegations.models import Mailing, MailingKind


class UploadForm(forms.Form):
    event = forms.ModelChoiceField(label=_("Event"), queryset=Event.objects.order_by("-start_date"), empty_label=None)
    city = forms.ModelChoiceField(
        label=_("Delegation (participating city)"),
        queryset=ParticipatingCity.objects.select_related("event").order_by("event", "position", "name"),
        help_text=_("The people in the file are registered as delegates of this city."),
    )
    file = forms.FileField(
        label=_("Delegation list (.xlsx or .csv)"),
        help_text=_("At most 1 MB and 500 people, with the template's header line."),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["city"].label_from_instance = lambda city: f"{city.name} ({city.event})"
        current = Event.objects.filter(is_current=True).first()
        if current is not None:
            self.fields["event"].initial = current.pk

    def clean(self):
        cleaned = super().clean()
        event, city = cleaned.get("event"), cleaned.get("city")
        if event and city and city.event_id != event.pk:
            self.add_error("city", _("This city does not take part in the event chosen."))
        upload = cleaned.get("file")
        if upload is not None:
            try:
                self.rows = files.read_upload(upload)
            except files.FileRefusedError as refused:
                self.add_error("file", refused.message)
        return cleaned


class MailingForm(forms.ModelForm):
    """A mailing's kind and text, in Korean and in English (plain text: line
    breaks are kept, everything else is shown as typed)."""

    class Meta:
        model = Mailing
        fields = ("kind", "subject_ko", "body_ko", "subject_en", "body_en")
        widgets = {
            "kind": forms.RadioSelect,
            "body_ko": forms.Textarea(attrs={"rows": 12, "lang": "ko"}),
            "body_en": forms.Textarea(attrs={"rows": 12, "lang": "en"}),
            "subject_ko": forms.TextInput(attrs={"lang": "ko"}),
            "subject_en": forms.TextInput(attrs={"lang": "en"}),
        }
        help_texts = {
            "kind": _(
                "A service message goes to everyone chosen who has an e-mail address and has not cancelled; "
                "news only to those of them whose latest answer about news from WeGO is yes."
            )
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = MailingKind.choices
        for name in ("subject_ko", "body_ko", "subject_en", "body_en"):
            self.fields[name].required = True
