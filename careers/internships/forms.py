from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from careers.models_internships import MAX_YEAR_OF_STUDY, MOTIVATION_MAX_CHARS, Standing
from eqyzmet.places import PLACES
from recruitment.public import EducationLevel, Field

STUDENT_LEVEL_CHOICES = [(v, label) for v, label in EducationLevel.choices if v >= 2]


class InternshipFilterForm(forms.Form):
    region = forms.ChoiceField(label=_("Region"), required=False)
    field = forms.ChoiceField(
        label=_("Field of study"),
        required=False,
        choices=[("", _("Any field")), *Field.choices],
    )

    def __init__(self, *args, regions: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].choices = [
            ("", _("Any region")),
            *[(r, PLACES.get(r, r)) for r in regions],
        ]


class InternshipApplyForm(forms.Form):
    standing = forms.ChoiceField(
        label=_("I am"), choices=Standing.choices, widget=forms.RadioSelect
    )
    education = forms.TypedChoiceField(
        label=_("Education I graduated from (graduates)"),
        coerce=int,
        required=False,
        empty_value=None,
    )
    level = forms.TypedChoiceField(
        label=_("Level I study at (students)"),
        choices=[("", "—"), *STUDENT_LEVEL_CHOICES],
        coerce=int,
        required=False,
        empty_value=None,
    )
    field = forms.ChoiceField(
        label=_("Field I study (students)"), choices=[("", "—"), *Field.choices], required=False
    )
    year_of_study = forms.IntegerField(
        label=_("Year of study (students)"),
        min_value=1,
        max_value=MAX_YEAR_OF_STUDY,
        required=False,
    )
    document = forms.FileField(
        label=_("Document confirming your status (PDF, JPEG or PNG)"),
        help_text=_(
            "A student card or a certificate from your university, or your diploma. Staff "
            "open it only if your code is shortlisted and revealed."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png"}),
    )
    motivation = forms.CharField(
        label=_("Why this internship? (up to 1,500 characters)"),
        help_text=_(
            "Staff read it by code only, with names, contacts and places removed. Do not "
            "write who you are."
        ),
        widget=forms.Textarea(attrs={"rows": 8, "maxlength": MOTIVATION_MAX_CHARS}),
        max_length=MOTIVATION_MAX_CHARS,
    )

    def __init__(self, *args, education, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["education"].choices = [
            ("", "—"),
            *[
                (e.id, f"{e.level_label} · {e.field_label} · {e.graduation_year}")
                for e in education
            ],
        ]
