"""Forms of the candidate's pages. They only clean input; the services hold the rules."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from eqyzmet.models import StateBody
from eqyzmet.places import place_name
from recruitment.models import (
    Competition,
    Document,
    Education,
    Experience,
    LanguageSkill,
    Vacancy,
)


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None, format="%Y-%m-%d"):
        # A browser's date field takes only ISO dates, whatever the page's language.
        super().__init__(attrs, format=format)


class ProfileForm(forms.Form):
    full_name = forms.CharField(
        label=_("Full name"), max_length=200, widget=forms.TextInput(attrs={"autocomplete": "name"})
    )
    iin = forms.CharField(
        label=_("IIN"),
        max_length=14,
        help_text=_("Your 12-digit individual identification number."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    phone = forms.CharField(
        label=_("Phone"),
        max_length=32,
        required=False,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
    )
    is_civil_servant = forms.BooleanField(label=_("I am a civil servant now"), required=False)
    current_body = forms.ModelChoiceField(
        label=_("State body where I serve"),
        queryset=StateBody.objects.order_by("path"),
        required=False,
    )

    @classmethod
    def initial_from(cls, profile) -> dict:
        if profile is None:
            return {}
        return {
            "full_name": profile.full_name,
            "iin": profile.iin,
            "phone": profile.phone,
            "is_civil_servant": profile.is_civil_servant,
            "current_body": profile.current_body_id,
        }


class EducationForm(forms.ModelForm):
    class Meta:
        model = Education
        fields = ["level", "field", "institution", "graduation_year"]
        labels = {"institution": _("Institution (seen only by you until a reveal)")}
        widgets = {"institution": forms.TextInput()}


class ExperienceForm(forms.ModelForm):
    class Meta:
        model = Experience
        fields = ["sector", "field", "employer", "started_on", "ended_on"]
        labels = {"employer": _("Employer (seen only by you until a reveal)")}
        widgets = {
            "employer": forms.TextInput(),
            "started_on": DateInput(),
            "ended_on": DateInput(),
        }


class LanguageForm(forms.ModelForm):
    class Meta:
        model = LanguageSkill
        fields = ["language", "level"]


class DocumentForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind of document"), choices=Document.Kind.choices)
    file = forms.FileField(
        label=_("File (PDF, JPEG or PNG)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png"}),
    )


def _indented(body: StateBody) -> str:
    depth = body.path.strip("/").count("/")
    return f"{'— ' * depth}{body.name}"


class VacancySearchForm(forms.Form):
    q = forms.CharField(label=_("Words in the title or duties"), required=False, max_length=200)
    state_body = forms.ModelChoiceField(
        label=_("State body"), queryset=StateBody.objects.none(), required=False
    )
    region = forms.ChoiceField(label=_("Region"), required=False)
    category = forms.ChoiceField(
        label=_("Category"), choices=[("", _("Any")), *Vacancy.Category.choices], required=False
    )
    kind = forms.ChoiceField(
        label=_("Competition"), choices=[("", _("Any")), *Competition.Kind.choices], required=False
    )
    employment = forms.ChoiceField(
        label=_("Employment"),
        choices=[("", _("Any")), *Vacancy.Employment.choices],
        required=False,
    )

    def __init__(self, *args, bodies: list[StateBody], regions: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["state_body"]
        field.queryset = StateBody.objects.filter(pk__in=[b.pk for b in bodies])
        # Choices from the list already read, so rendering costs no extra query.
        field.choices = [("", _("Any")), *[(b.pk, _indented(b)) for b in bodies]]
        self.fields["region"].choices = [
            ("", _("Any")),
            *sorted(((r, place_name(r)) for r in regions), key=lambda choice: choice[1]),
        ]


class ApplyForm(forms.Form):
    consent = forms.BooleanField(
        label=_(
            "I agree to the processing of my personal data for this competition, as described "
            "above."
        ),
        required=False,
    )


class AppealForm(forms.Form):
    text = forms.CharField(
        label=_("Grounds of your appeal"),
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=5000,
        help_text=_(
            "Do not write your name or contacts: the commission reads a redacted copy and knows "
            "you only by your code."
        ),
    )
