"""The form that gives a partner a viewer account."""

from django import forms
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.utils.translation import gettext_lazy as _


class ViewerForm(forms.Form):
    username = forms.CharField(
        label=_("User name"),
        max_length=150,
        validators=[UnicodeUsernameValidator()],
        help_text=_("What the partner types to log in. Letters, digits and @ . + - _ only, e.g. partner-berlin."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "none", "spellcheck": "false"}),
    )
    name = forms.CharField(
        label=_("Name"),
        max_length=150,
        help_text=_("The person's name (and organisation), for the list."),
    )
    email = forms.EmailField(
        label=_("E-mail address (optional)"),
        required=False,
        help_text=_("Kept with the account; the site sends nothing to it."),
    )
