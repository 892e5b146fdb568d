"""Forms of the testing center's admin pages."""

from __future__ import annotations

import json

from django import forms
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from testing_center.models import Question


class BankImportForm(forms.Form):
    file = forms.FileField(
        label=_("Question-bank file"),
        help_text=_(
            "A .json or .csv file in the format described in testing_center/bank/FORMAT.md."
        ),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        limit = min(settings.EQYZMET_UPLOAD_MAX_BYTES, 5 * 1024 * 1024)
        if upload.size == 0:
            raise forms.ValidationError(_("The file is empty."))
        if upload.size > limit:
            raise forms.ValidationError(
                _("The file is too large: the limit is %(limit)s.")
                % {"limit": filesizeformat(limit)}
            )
        if not upload.name.lower().endswith((".json", ".csv")):
            raise forms.ValidationError(_("Upload a .json or .csv question-bank file."))
        return upload


class JSONTextField(forms.CharField):
    """A JSON value edited as text in the admin."""

    widget = forms.Textarea(attrs={"rows": 6, "cols": 80, "class": "vLargeTextField"})

    def prepare_value(self, value):
        if isinstance(value, str):
            return value
        return json.dumps(value, ensure_ascii=False, indent=1)

    def to_python(self, value):
        value = super().to_python(value)
        if not value:
            return []
        try:
            return json.loads(value)
        except json.JSONDecodeError as exc:
            raise forms.ValidationError(_("Not valid JSON: %(e)s") % {"e": exc}) from exc


class QuestionForm(forms.ModelForm):
    options = JSONTextField(
        label=_("options"),
        required=False,
        help_text=_('For example [{"id": "a", "kk": "…", "ru": "…", "en": "…"}].'),
    )
    key = JSONTextField(
        label=_("key"),
        required=False,
        help_text=_(
            'Correct option ids, e.g. ["b"]; accepted answers for short text; '
            '{"a": 1, …} for a scale.'
        ),
    )
    rubric = JSONTextField(label=_("rubric"), required=False)

    class Meta:
        model = Question
        fields = [
            "topic",
            "external_id",
            "kind",
            "text_kk",
            "text_ru",
            "text_en",
            "options",
            "key",
            "points",
            "reference_answer",
            "rubric",
            "explanation_kk",
            "explanation_ru",
            "explanation_en",
            "source",
        ]


class KeylessQuestionForm(QuestionForm):
    """A question as an HR officer who does not keep its topic sees it: without what gives
    the answer away (key, reference answer, rubric, explanations)."""

    key = None
    rubric = None

    class Meta(QuestionForm.Meta):
        fields = [
            name
            for name in QuestionForm.Meta.fields
            if name
            not in (
                "key",
                "reference_answer",
                "rubric",
                "explanation_kk",
                "explanation_ru",
                "explanation_en",
            )
        ]
