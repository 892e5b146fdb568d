"""Readiness practice: the essay page gives instant feedback on structure and length.

Feedback, never a grade that counts: the text is checked in memory by the testing center's
feature extraction (``testing_center.public.essay_practice_feedback``) and nothing is stored,
logged or tied to a person. The personal-qualities practice questionnaire is a practice
blueprint of the testing center (``testing_center.demo``), reached from the practice page.
"""

from __future__ import annotations

from django import forms
from django.shortcuts import render
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from eqyzmet.errors import ApplicationError
from testing_center.public import essay_practice_feedback

ESSAY_TOPIC = _(
    "How can a civil servant earn the trust of citizens? Give your position, two or three "
    "arguments with examples, and a conclusion."
)


class EssayPracticeForm(forms.Form):
    language = forms.ChoiceField(
        label=_("Language of the essay"),
        choices=[("kk", _("Kazakh")), ("ru", _("Russian")), ("en", _("English"))],
    )
    # No max_length or null-character validator here: the feedback function gives its own
    # clear message for empty, huge and control-character text.
    text = forms.CharField(
        label=_("Your essay"),
        required=False,
        strip=False,
        validators=[],
        widget=forms.Textarea(attrs={"rows": 14}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["text"].validators = []


@never_cache
@require_http_methods(["GET", "POST"])
def essay_practice(request):
    """Anyone: write an essay, get feedback on its shape at once; nothing is kept."""
    feedback = None
    language = (get_language() or "kk")[:2]
    form = EssayPracticeForm(
        request.POST if request.method == "POST" else None,
        initial={"language": language if language in ("kk", "ru", "en") else "kk"},
    )
    if request.method == "POST" and form.is_valid():
        try:
            feedback = essay_practice_feedback(
                form.cleaned_data["text"], form.cleaned_data["language"]
            )
        except ApplicationError as exc:
            form.add_error("text", exc.message)
    return render(
        request,
        "careers/readiness/essay.html",
        {"form": form, "feedback": feedback, "topic": ESSAY_TOPIC},
    )
