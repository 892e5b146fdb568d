from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from eqyzmet.places import place_name


class MatchPreferenceForm(forms.Form):
    regions = forms.MultipleChoiceField(
        label=_("Regions I would work in"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("None chosen: posts in every region."),
    )
    alerts_enabled = forms.BooleanField(
        label=_("E-mail me when a new post I can win is published"), required=False
    )

    def __init__(self, *args, regions: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["regions"].choices = [(r, place_name(r)) for r in regions]
