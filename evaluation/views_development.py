"""Competence development pages: the employee's plan and training, the manager's view of
their people's plans. Rules live in the services; another person's record answers 404."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from eqyzmet.errors import ApplicationError
from evaluation import charts, services
from evaluation import selectors_development as sd
from evaluation.models_development import Course
from evaluation.views import _no_store, employee_required, manager_required, signed_in


class CompletionForm(forms.Form):
    course = forms.ModelChoiceField(
        label=_("Course"), queryset=Course.objects.filter(is_active=True)
    )
    completed_on = forms.DateField(
        label=_("Completed on"), widget=forms.DateInput(attrs={"type": "date"})
    )
    evidence = forms.FileField(label=_("Certificate (PDF, JPEG or PNG, up to 5 MB)"))


@never_cache
@require_http_methods(["GET", "POST"])
@employee_required
def development(request, employee):
    form = CompletionForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.completion_record(employee=employee, actor=request.user, **form.cleaned_data)
        except ApplicationError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("The course is recorded; your manager will confirm it."))
            return redirect("evaluation:development")
    return render(
        request,
        "evaluation/development.html",
        {
            "employee": employee,
            "plans": sd.my_plans(employee=employee),
            "mandatory": sd.my_mandatory(employee=employee),
            "completions": sd.my_completions(employee=employee),
            "form": form,
            "today": timezone.localdate(),
        },
        status=400 if request.method == "POST" else 200,
    )


@require_POST
@signed_in
def plan_agree(request, pk: int):
    plan = sd.plan_for(user=request.user, pk=pk)
    if plan is None:
        raise Http404
    try:
        services.plan_agree(plan=plan, actor=request.user)
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("You have agreed the development plan."))
    if plan.employee.user_id == request.user.pk:
        return redirect("evaluation:development")
    return redirect("evaluation:team_development")


@never_cache
@require_GET
@manager_required
def team_development(request, bodies):
    return render(
        request,
        "evaluation/development_team.html",
        {
            "plans": sd.team_plans(bodies=bodies),
            "pending": sd.pending_completions(bodies=bodies, user=request.user),
            "overdue": sd.unit_training_overdue(bodies=bodies, limit=100),
        },
    )


@require_POST
@manager_required
def goal_confirm(request, bodies, pk: int):
    goal = sd.goal_for_manager(user=request.user, pk=pk)
    if goal is None:
        raise Http404
    try:
        services.goal_confirm(goal=goal, actor=request.user)
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The goal is confirmed as achieved."))
    return redirect("evaluation:team_development")


@require_POST
@manager_required
def completion_decide(request, bodies, pk: int):
    completion = sd.completion_for_manager(user=request.user, pk=pk)
    if completion is None:
        raise Http404
    confirm = request.POST.get("decision") == "confirm"
    try:
        services.completion_decide(completion=completion, actor=request.user, confirm=confirm)
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request, _("The training is confirmed.") if confirm else _("The record is declined.")
        )
    return redirect("evaluation:team_development")


@require_GET
@signed_in
def completion_evidence(request, pk: int):
    completion = sd.completion_for_download(user=request.user, pk=pk)
    if completion is None:
        raise Http404
    response = FileResponse(
        completion.evidence.open("rb"),
        as_attachment=True,
        filename=completion.evidence_name or "evidence",
        content_type=completion.evidence_type or "application/octet-stream",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return _no_store(response)


@require_GET
@signed_in
def overview(request):
    """The authorised body's (or an HR officer's) aggregate training hours and gaps."""
    bodies = sd.overview_bodies(request.user)
    if bodies is None:
        raise PermissionDenied
    this_year = timezone.localdate().year
    wanted = request.GET.get("year", "")
    year = int(wanted) if wanted.isascii() and wanted.isdigit() and len(wanted) == 4 else this_year
    data = sd.development_overview(bodies=bodies, year=year)
    withheld = gettext("fewer than %(n)s employees") % {"n": sd.SMALL_COUNT}
    return render(
        request,
        "evaluation/development_overview.html",
        {
            "year": year,
            "years": range(this_year, this_year - 4, -1),
            "data": data,
            "withheld": withheld,
            "small_count": sd.SMALL_COUNT,
            "hours_chart": charts.bars(
                rows=[
                    (name, None if hours is None else int(hours))
                    for name, hours in data.hours_by_body
                ],
                title=gettext("Confirmed training hours by body"),
                empty=gettext("No confirmed training yet."),
                withheld=withheld,
            ),
            "body_gaps_chart": charts.bars(
                rows=data.gaps_by_body,
                title=gettext("Open development goals by body"),
                empty=gettext("No open development goals."),
                withheld=withheld,
            ),
            "gaps_chart": charts.bars(
                rows=data.gaps_by_competency,
                title=gettext("Open development goals by competency"),
                empty=gettext("No open development goals."),
                withheld=withheld,
            ),
        },
    )
