"""Forms about the second factor that live outside its own pages."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class SecondFactorResetForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason (how you checked it is really this person)"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=1000,
    )
