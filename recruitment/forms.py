"""Forms of the candidate's pages. They only clean input; the services hold the rules."""

from __future__ import annotations

from django import forms
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from eqyzmet.errors import ApplicationError
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
from recruitment.phone import EXAMPLE, phone_normalise


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
        help_text=_("A Kazakhstan number, for example +7 701 234 56 78."),
        widget=forms.TextInput(
            attrs={"type": "tel", "autocomplete": "tel", "placeholder": EXAMPLE}
        ),
    )
    is_civil_servant = forms.BooleanField(label=_("I am a civil servant now"), required=False)
    current_body = forms.ModelChoiceField(
        label=_("State body where I serve"),
        queryset=StateBody.objects.order_by("path"),
        required=False,
    )

    def clean_phone(self) -> str:
        try:
            return phone_normalise(self.cleaned_data["phone"])
        except ApplicationError as exc:
            raise forms.ValidationError(exc.message, code=exc.code) from None

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

    def clean(self):
        # The service refuses it too; here the message lands on the field.
        data = super().clean()
        started, ended = data.get("started_on"), data.get("ended_on")
        if started and ended and ended < started:
            self.add_error("ended_on", _("A period of work cannot end before it starts."))
        return data


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
    min_salary = forms.IntegerField(
        label=_("Salary at least, tenge"),
        required=False,
        min_value=0,
        max_value=100_000_000,
        widget=forms.NumberInput(attrs={"step": 10000, "inputmode": "numeric"}),
    )
    sort = forms.ChoiceField(
        label=_("Sort by"),
        required=False,
        initial="newest",
        choices=[
            ("relevance", _("Best match")),
            ("newest", _("Newest first")),
            ("closing", _("Closing soonest")),
            ("salary", _("Salary, highest first")),
        ],
    )

    def __init__(self, data=None, *args, bodies: list[StateBody], regions: list[str], **kwargs):
        if data is not None and not data.get("sort"):
            # Show the order the list is in: the best match when searching by words.
            data = data.copy()
            data["sort"] = "relevance" if data.get("q", "").strip() else "newest"
        super().__init__(data, *args, **kwargs)
        field = self.fields["state_body"]
        field.queryset = StateBody.objects.filter(pk__in=[b.pk for b in bodies])
        # Choices from the list already read, so rendering costs no extra query.
        field.choices = [("", _("Any")), *[(b.pk, _indented(b)) for b in bodies]]
        self.fields["region"].choices = [
            ("", _("Any")),
            *sorted(((r, place_name(r)) for r in regions), key=lambda choice: choice[1]),
        ]

    def filters(self) -> dict:
        """``selectors_candidate.vacancies_open``'s keyword arguments."""
        data = self.cleaned_data
        return {
            "words": data["q"],
            "state_body": data["state_body"],
            "region": data["region"],
            "category": data["category"],
            "competition_kind": data["kind"],
            "employment": data["employment"],
            "min_salary": data["min_salary"],
            "sort": data["sort"],
        }

    def criteria(self) -> dict:
        """The cleaned search as plain data: what a saved search keeps."""
        data = self.cleaned_data
        body = data["state_body"]
        return {
            "q": " ".join(data["q"].split()),
            "state_body": body.pk if body is not None else None,
            "region": data["region"],
            "category": data["category"],
            "kind": data["kind"],
            "employment": data["employment"],
            "min_salary": data["min_salary"],
            "sort": data["sort"],
            # Words are matched in the language they were typed in.
            "lang": (get_language() or "kk")[:2],
        }


class SavedSearchForm(forms.Form):
    name = forms.CharField(
        label=_("Name of the search"),
        max_length=100,
        help_text=_("For example “Lawyer jobs in Astana”."),
    )


class ApplyForm(forms.Form):
    motivation = forms.CharField(
        label=_("Motivation letter (optional)"),
        required=False,
        max_length=3000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_(
            "Why this post. Stays on your side with your documents: staff read it only if "
            "your identity is revealed."
        ),
    )
    documents = forms.ModelMultipleChoiceField(
        label=_("Documents to send with the application"),
        queryset=Document.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    consent = forms.BooleanField(
        label=_(
            "I agree to the processing of my personal data for this competition, as described "
            "above."
        ),
        required=False,
    )

    def __init__(self, *args, documents: list[Document], **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["documents"]
        field.queryset = Document.objects.filter(pk__in=[d.pk for d in documents])
        # Choices from the list already read, so rendering costs no extra query.
        field.choices = [(d.pk, str(d)) for d in documents]
        if not documents:
            del self.fields["documents"]


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
