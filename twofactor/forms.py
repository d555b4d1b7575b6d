"""The code fields of the two-factor pages (rendered by templates/twofactor/code_field.html)."""

from django import forms
from django.utils.translation import gettext_lazy as _


class CodeForm(forms.Form):
    code = forms.CharField(label=_("Code from your app, or a backup code"), max_length=32)


class AppCodeForm(forms.Form):
    code = forms.CharField(label=_("The six-digit code your app shows"), max_length=32)
