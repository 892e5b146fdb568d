"""Forms of the evaluation pages. They check shape only; the rules live in the services."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from evaluation.models import FeedbackInvitation, Kpi

MARKS = [(str(n), str(n)) for n in range(1, 6)]


class KpiAddForm(forms.Form):
    name = forms.CharField(label=_("Indicator"), max_length=200)
    unit = forms.CharField(label=_("Unit of measure"), max_length=40, required=False)
    direction = forms.ChoiceField(label=_("Direction"), choices=Kpi.Direction.choices)
    target = forms.DecimalField(
        label=_("Target"), max_digits=14, decimal_places=2, min_value=Decimal("0.01")
    )
    weight = forms.IntegerField(label=_("Weight"), min_value=1, max_value=100, initial=1)


class KpiReportForm(forms.Form):
    actual = forms.DecimalField(
        label=_("Actual"), max_digits=14, decimal_places=2, min_value=0, required=False
    )
    evidence = forms.FileField(label=_("Evidence (PDF, JPEG or PNG, up to 5 MB)"), required=False)

    def clean(self):
        data = super().clean()
        if data.get("actual") is None and not data.get("evidence") and not self.errors:
            raise forms.ValidationError(_("Enter the actual value or attach evidence."))
        return data


class ScoreForm(forms.Form):
    comment = forms.CharField(
        label=_("Comment"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )

    def __init__(self, *args, competencies=(), initial_marks=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.competencies = list(competencies)
        for competency in self.competencies:
            self.fields[f"c{competency.pk}"] = forms.TypedChoiceField(
                label=competency.name,
                choices=[("", "—"), *MARKS],
                coerce=int,
                initial=(initial_marks or {}).get(competency.pk, ""),
                error_messages={"required": _("Rate this competency from 1 to 5.")},
            )
        self.order_fields([*(f"c{c.pk}" for c in self.competencies), "comment"])

    def ratings(self) -> dict[int, int]:
        return {c.pk: self.cleaned_data[f"c{c.pk}"] for c in self.competencies}

    def competency_fields(self):
        return [self[f"c{c.pk}"] for c in self.competencies]


class ContestForm(forms.Form):
    reason = forms.CharField(
        label=_("Grounds of the contest"),
        widget=forms.Textarea(attrs={"rows": 4}),
        min_length=10,
        max_length=5000,
    )
    is_ethical = forms.BooleanField(
        label=_("The grounds are ethical (bias, pressure, conflict of interest)"),
        required=False,
        help_text=_("The contest then also goes to the ethics commissioner as a case."),
    )


class FeedbackForm(forms.Form):
    collaboration = forms.TypedChoiceField(
        label=_("Works well with others"), choices=MARKS, coerce=int, widget=forms.RadioSelect
    )
    reliability = forms.TypedChoiceField(
        label=_("Delivers what was promised, on time"),
        choices=MARKS,
        coerce=int,
        widget=forms.RadioSelect,
    )
    respect = forms.TypedChoiceField(
        label=_("Treats colleagues and citizens with respect"),
        choices=MARKS,
        coerce=int,
        widget=forms.RadioSelect,
    )


class FeedbackInviteForm(forms.Form):
    respondents = forms.ModelMultipleChoiceField(
        label=_("Colleagues"), queryset=None, widget=forms.CheckboxSelectMultiple
    )
    relation = forms.ChoiceField(label=_("They are"), choices=FeedbackInvitation.Relation.choices)

    def __init__(self, *args, colleagues, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["respondents"].queryset = colleagues


class CitizenLinkForm(forms.Form):
    employee = forms.ModelChoiceField(label=_("Employee who delivered the service"), queryset=None)
    service = forms.CharField(
        label=_("Service provided"),
        max_length=200,
        help_text=_("For example: issue of a certificate of no criminal record."),
    )

    def __init__(self, *args, employees, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["employee"].queryset = employees
        self.fields["employee"].label_from_instance = lambda e: f"{e.user.email} · {e.position}"


class RateForm(forms.Form):
    score = forms.TypedChoiceField(
        label=_("Your rating (1 — very poor, 5 — excellent)"),
        choices=MARKS,
        coerce=int,
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=_("Comment (optional)"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=2000,
    )


class CodeForm(forms.Form):
    code = forms.CharField(label=_("Code from your receipt"), max_length=20)
