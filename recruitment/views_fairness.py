"""Fairness you can audit (issue 18): the candidate's voluntary equality answers, the
ethics commissioner's adverse-impact report per competition and the public statistics.

The answers are shown back only to their owner; the report and the statistics show
counts of groups with small cells suppressed, and only once a ranking is locked.
"""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from eqyzmet.errors import ApplicationError
from eqyzmet.roles import Role
from eqyzmet.selectors import state_bodies_in_scope, user_has_role
from recruitment import selectors_fairness as selectors
from recruitment import selectors_fairness_public as public_selectors
from recruitment.models import Competition
from recruitment.models_equality import CHARACTERISTICS, PREFER_NOT
from recruitment.services.equality import (
    equality_answers_of,
    equality_record_save,
    equality_record_withdraw,
)
from recruitment.services.stage_machine import RANKED
from recruitment.views_candidate import _own, candidate_required


class EqualityForm(forms.Form):
    """Every question optional; "prefer not to say" is the first answer of each."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for key, label, choices in CHARACTERISTICS:
            self.fields[key] = forms.ChoiceField(
                label=label,
                choices=[PREFER_NOT, *choices.choices],
                required=False,
                widget=forms.RadioSelect,
            )


@candidate_required
@require_http_methods(["GET", "POST"])
def equality_answers(request, application_id: int):
    """Candidate: give, change or withdraw my equality answers for one application."""
    row = _own(request, application_id)
    locked = row.competition.status in RANKED
    answers = equality_answers_of(application_id=row.application.pk)
    if request.method == "POST":
        form = EqualityForm(request.POST)
        try:
            if request.POST.get("action") == "withdraw":
                equality_record_withdraw(user=request.user, application=row.application)
                messages.success(request, _("Your equality answers are deleted."))
                return redirect("recruitment:my_application", application_id=application_id)
            if form.is_valid():
                equality_record_save(
                    user=request.user, application=row.application, answers=form.cleaned_data
                )
                messages.success(request, _("Thank you: your equality answers are saved."))
                return redirect("recruitment:my_application", application_id=application_id)
        except ApplicationError as exc:
            form.add_error(None, exc.message)
    else:
        form = EqualityForm(
            initial={key: answers.get(key, PREFER_NOT[0]) for key, _l, _c in CHARACTERISTICS}
        )
    return render(
        request,
        "recruitment/equality_form.html",
        {"row": row, "form": form, "has_answers": bool(answers), "locked": locked},
    )


# --- The ethics commissioner's report ------------------------------------------------------


def _commissioner_bodies(request):
    if not user_has_role(user=request.user, role=Role.ETHICS_COMMISSIONER) and not (
        request.user.is_superuser
    ):
        raise PermissionDenied
    return state_bodies_in_scope(user=request.user, role=Role.ETHICS_COMMISSIONER)


@login_required
@never_cache
@require_GET
def fairness_reports(request):
    """Ethics commissioner: the competitions of my bodies whose ranking is locked."""
    bodies = _commissioner_bodies(request)
    competitions = (
        selectors.locked_competitions()
        .filter(state_body__in=bodies)
        .select_related("state_body")
        .order_by("-status_changed_at")[:200]
    )
    return render(
        request, "recruitment/staff/fairness_reports.html", {"competitions": competitions}
    )


@login_required
@never_cache
@require_GET
def fairness_report(request, competition_id: int):
    """Ethics commissioner: pass rates by group per stage of one competition, with the
    four-fifths ratio and Fisher's p, and at essay stages the AI scorer's error by group;
    available once the ranking is locked."""
    bodies = _commissioner_bodies(request)
    competition = (
        Competition.objects.filter(pk=competition_id, state_body__in=bodies)
        .select_related("state_body")
        .first()
    )
    if competition is None:
        raise Http404
    locked = selectors.is_locked(competition)
    tables = selectors.competition_stage_tables(competition) if locked else []
    return render(
        request,
        "recruitment/staff/fairness_report.html",
        {
            "competition": competition,
            "locked": locked,
            "tables": tables,
            "scorer_gap_threshold": settings.EQYZMET_SCORER_GAP_THRESHOLD,
        },
    )


# --- Public statistics --------------------------------------------------------------------


@require_GET
def fairness_statistics(request):
    """Anyone: selection rates by group per state body and year, locked competitions only."""
    page = public_selectors.public_statistics(
        body_id=request.GET.get("body"), year=request.GET.get("year")
    )
    return render(request, "recruitment/fairness_statistics.html", {"page": page})
