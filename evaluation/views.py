"""Evaluation pages: the employee's results, the manager's unit, the citizen's rating form
and the payroll export. Views hold no rules: they check who asks, call a selector or a
service and show its ``ApplicationError``. Another person's record answers 404."""

from __future__ import annotations

import csv
import datetime as dt
import functools

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from eqyzmet.errors import ApplicationError
from evaluation import charts, selectors, selectors_development, services
from evaluation.forms import (
    CitizenLinkForm,
    CodeForm,
    ContestForm,
    FeedbackForm,
    FeedbackInviteForm,
    KpiAddForm,
    KpiReportForm,
    RateForm,
    ScoreForm,
)
from evaluation.models import Assessment, Cycle, Kpi
from evaluation.throttling import throttle_consume, throttle_release

TOO_MANY = _("Too many attempts from your connection. Please try again in an hour.")


def _no_store(response):
    response["Cache-Control"] = "no-store, private"
    return response


def signed_in(view):
    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        return view(request, *args, **kwargs)

    return wrapper


def employee_required(view):
    @signed_in
    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        employee = selectors.employee_of(request.user)
        if employee is None:
            raise PermissionDenied
        return view(request, employee, *args, **kwargs)

    return wrapper


def manager_required(view):
    @signed_in
    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        bodies = selectors.manager_bodies(request.user)
        if not bodies.exists():
            raise PermissionDenied
        return view(request, bodies, *args, **kwargs)

    return wrapper


def _band_labels() -> dict[str, str]:
    return dict(Assessment.Band.choices)


def _history_chart(employee):
    return charts.score_line(
        points=selectors.history(employee=employee),
        title=gettext("My composite score by quarter"),
        empty=gettext("No results yet."),
    )


# --- Landing -------------------------------------------------------------------------------


@require_GET
@signed_in
def home(request):
    employee = selectors.employee_of(request.user)
    is_manager = selectors.manager_bodies(request.user).exists()
    if employee and not is_manager:
        return redirect("evaluation:my_results")
    if is_manager and not employee:
        return redirect("evaluation:unit")
    is_desk = selectors.desk_employees(user=request.user).exists()
    if is_desk and not employee and not is_manager and not request.user.is_staff:
        return redirect("evaluation:citizen_link_issue")
    if not employee and not is_manager and not request.user.is_staff:
        raise PermissionDenied
    return render(
        request,
        "evaluation/home.html",
        {"employee": employee, "is_manager": is_manager, "is_desk": is_desk},
    )


# --- The employee ----------------------------------------------------------------------------


@require_GET
@employee_required
def my_results(request, employee):
    assessments = selectors.my_assessments(employee=employee)
    today = timezone.localdate()
    year_ago = today - dt.timedelta(days=365)
    return render(
        request,
        "evaluation/my_results.html",
        {
            "employee": employee,
            "assessments": assessments,
            "chart": _history_chart(employee),
            "pending_feedback": selectors.pending_feedback(user=request.user),
            "citizens": selectors.citizen_summary(employee=employee, start=year_ago, end=today),
        },
    )


def _my_assessment_or_404(request, pk):
    assessment = selectors.my_assessment(user=request.user, pk=pk)
    if assessment is None:
        raise Http404
    return assessment


def _assessment_context(assessment):
    cycle = assessment.cycle
    return {
        "assessment": assessment,
        "kpis": list(assessment.kpis.all()),
        "feedback": selectors.feedback_aggregate(assessment=assessment),
        "citizens": selectors.citizen_summary(
            employee=assessment.employee, start=cycle.period_start, end=cycle.period_end
        ),
        "rules": cycle.rules,
        "development": selectors_development.development_part(assessment=assessment)
        if assessment.has_result
        else None,
        "editable": cycle.status == Cycle.Status.OPEN and assessment.status in selectors.EDITABLE,
    }


@never_cache
@require_GET
@employee_required
def my_assessment(request, employee, pk: int):
    assessment = _my_assessment_or_404(request, pk)
    context = _assessment_context(assessment)
    context.update(
        {
            "contest_form": ContestForm(),
            "report_form": KpiReportForm(),
            "can_respond": assessment.status == Assessment.Status.FINALIZED
            and (not assessment.respond_by or assessment.respond_by >= timezone.localdate()),
        }
    )
    return render(request, "evaluation/my_assessment.html", context)


@require_POST
@employee_required
def acknowledge(request, employee, pk: int):
    assessment = _my_assessment_or_404(request, pk)
    try:
        services.assessment_acknowledge(assessment=assessment, actor=request.user)
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("You have acknowledged the result."))
    return redirect("evaluation:my_assessment", pk=pk)


@require_POST
@employee_required
def contest(request, employee, pk: int):
    assessment = _my_assessment_or_404(request, pk)
    form = ContestForm(request.POST)
    if form.is_valid():
        try:
            services.assessment_contest(
                assessment=assessment,
                actor=request.user,
                reason=form.cleaned_data["reason"],
                is_ethical=form.cleaned_data["is_ethical"],
            )
        except ApplicationError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Your contest is registered and goes to review."))
            return redirect("evaluation:my_assessment", pk=pk)
    context = _assessment_context(assessment)
    context.update({"contest_form": form, "report_form": KpiReportForm(), "can_respond": True})
    return render(request, "evaluation/my_assessment.html", context, status=400)


def _kpi_report(request, kpi, back):
    form = KpiReportForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.kpi_report(
                kpi=kpi,
                actor=request.user,
                actual=form.cleaned_data["actual"],
                evidence=form.cleaned_data["evidence"],
            )
        except ApplicationError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("The indicator is updated."))
    else:
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
    return redirect(back)


@require_POST
@employee_required
def my_kpi_report(request, employee, pk: int, kpi_id: int):
    assessment = _my_assessment_or_404(request, pk)
    kpi = next((k for k in assessment.kpis.all() if k.pk == kpi_id), None)
    if kpi is None:
        raise Http404
    return _kpi_report(request, kpi, reverse("evaluation:my_assessment", args=[pk]))


@never_cache
@require_http_methods(["GET", "POST"])
@signed_in
def citizen_link_issue(request):
    """The service desk records a delivery and hands the citizen a one-time link/code."""
    employees = selectors.desk_employees(user=request.user)
    if not selectors.desk_bodies(request.user).exists():
        raise PermissionDenied
    form = CitizenLinkForm(request.POST or None, employees=employees)
    if request.method == "POST" and form.is_valid():
        try:
            issued = services.citizen_link_issue(
                employee=form.cleaned_data["employee"],
                actor=request.user,
                service=form.cleaned_data["service"],
            )
        except ApplicationError as error:
            form.add_error(None, error.message)
        else:
            response = render(
                request,
                "evaluation/citizen_link.html",
                {
                    "code": issued.code,
                    "url": request.build_absolute_uri(issued.path),
                    "service": issued.link.service,
                    "employee": form.cleaned_data["employee"],
                    "expires_at": issued.link.expires_at,
                },
            )
            return _no_store(response)
    status = 400 if request.method == "POST" else 200
    return render(request, "evaluation/desk.html", {"form": form}, status=status)


@require_GET
@signed_in
def evidence(request, kpi_id: int):
    kpi = selectors.kpi_for_download(user=request.user, kpi_id=kpi_id)
    if kpi is None:
        raise Http404
    response = FileResponse(
        kpi.evidence.open("rb"),
        as_attachment=True,
        filename=kpi.evidence_name or "evidence",
        content_type=kpi.evidence_type or "application/octet-stream",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return _no_store(response)


# --- 360 feedback ----------------------------------------------------------------------------


@never_cache
@require_http_methods(["GET", "POST"])
@signed_in
def feedback(request, pk: int):
    invitation = selectors.feedback_invitation(user=request.user, pk=pk)
    if invitation is None:
        raise Http404
    form = FeedbackForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.feedback_submit(invitation=invitation, actor=request.user, **form.cleaned_data)
        except ApplicationError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Thank you. Your answer is recorded anonymously."))
            return redirect("evaluation:home")
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "evaluation/feedback.html",
        {"invitation": invitation, "form": form},
        status=status,
    )


# --- The manager -----------------------------------------------------------------------------


@require_GET
@manager_required
def unit(request, bodies):
    cycles = selectors.cycles_in_scope(bodies=bodies)
    chosen = None
    wanted = request.GET.get("cycle")
    if wanted and wanted.isascii() and wanted.isdigit():
        chosen = next((c for c in cycles if c.pk == int(wanted)), None)
        if chosen is None:
            raise Http404
    elif cycles:
        chosen = cycles[0]
    page = request.GET.get("page", "1")
    overdue_only = request.GET.get("overdue") == "1"
    overview = selectors.unit_overview(
        bodies=bodies,
        cycle=chosen,
        page=int(page) if page.isascii() and page.isdigit() and len(page) < 7 else 1,
        overdue_only=overdue_only,
    )
    labels = _band_labels()
    distribution = charts.bars(
        rows=[(labels[b], overview.band_counts.get(b, 0)) for b in Assessment.Band.values],
        title=gettext("Distribution of rating bands"),
        empty=gettext("No results in this cycle yet."),
    )
    trend = charts.score_line(
        points=overview.trend,
        title=gettext("Average composite score by quarter"),
        empty=gettext("No results yet."),
    )
    return render(
        request,
        "evaluation/unit.html",
        {
            "cycles": cycles,
            "cycle": chosen,
            "overview": overview,
            "overdue_ids": overview.overdue_ids,
            "overdue_only": overdue_only,
            "statuses": [
                (label, overview.status_counts.get(value, 0))
                for value, label in Assessment.Status.choices
            ],
            "distribution": distribution,
            "trend": trend,
            "training_overdue": selectors_development.unit_training_overdue(bodies=bodies),
        },
    )


def _managed_or_404(request, pk):
    assessment = selectors.assessment_for_manager(user=request.user, pk=pk)
    if assessment is None:
        raise Http404
    return assessment


def _score_page(request, assessment, status=200, **forms):
    competencies = selectors.competencies_for(assessment=assessment)
    roles = services.evaluator_roles(assessment=assessment, user=request.user)
    marks = selectors.ratings_by_evaluator(assessment=assessment)
    acting = "head" if assessment.status == Assessment.Status.SUPERVISOR_DONE else "supervisor"
    context = _assessment_context(assessment)
    can_score = context["editable"] and (
        ("supervisor" in roles and assessment.status == Assessment.Status.OPEN)
        or ("head" in roles and assessment.status == Assessment.Status.SUPERVISOR_DONE)
    )
    context.update(
        {
            "roles": roles,
            "is_evaluator": bool(roles),
            "can_score": can_score,
            "competencies": competencies,
            "marks": marks,
            "score_form": forms.get("score_form")
            or ScoreForm(competencies=competencies, initial_marks=marks.get(acting)),
            "kpi_form": forms.get("kpi_form") or KpiAddForm(),
            "report_form": KpiReportForm(),
            "invite_form": forms.get("invite_form")
            or FeedbackInviteForm(
                colleagues=selectors.colleagues_for_feedback(assessment=assessment)
            ),
            "invitations": selectors.invitation_counts(assessment=assessment),
            "round_open": assessment.feedback_closed_at is None,
        }
    )
    return render(request, "evaluation/score.html", context, status=status)


@never_cache
@require_http_methods(["GET", "POST"])
@manager_required
def score(request, bodies, pk: int):
    assessment = _managed_or_404(request, pk)
    if request.method == "GET":
        return _score_page(request, assessment)
    competencies = selectors.competencies_for(assessment=assessment)
    form = ScoreForm(request.POST, competencies=competencies)
    if form.is_valid():
        try:
            services.assessment_score(
                assessment=assessment,
                actor=request.user,
                ratings=form.ratings(),
                comment=form.cleaned_data["comment"],
            )
        except ApplicationError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("The evaluation is saved."))
            return redirect("evaluation:score", pk=pk)
    return _score_page(request, assessment, status=400, score_form=form)


@require_POST
@manager_required
def kpi_add(request, bodies, pk: int):
    assessment = _managed_or_404(request, pk)
    form = KpiAddForm(request.POST)
    if form.is_valid():
        try:
            services.kpi_add(assessment=assessment, actor=request.user, **form.cleaned_data)
        except ApplicationError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("The indicator is added."))
            return redirect("evaluation:score", pk=pk)
    return _score_page(request, assessment, status=400, kpi_form=form)


@require_POST
@manager_required
def manager_kpi_report(request, bodies, pk: int, kpi_id: int):
    assessment = _managed_or_404(request, pk)
    kpi = Kpi.objects.filter(pk=kpi_id, assessment=assessment).first()
    if kpi is None:
        raise Http404
    return _kpi_report(request, kpi, reverse("evaluation:score", args=[pk]))


@require_POST
@manager_required
def feedback_invite(request, bodies, pk: int):
    assessment = _managed_or_404(request, pk)
    form = FeedbackInviteForm(
        request.POST, colleagues=selectors.colleagues_for_feedback(assessment=assessment)
    )
    if form.is_valid():
        try:
            count = services.feedback_invite(
                assessment=assessment,
                actor=request.user,
                respondents=list(form.cleaned_data["respondents"]),
                relation=form.cleaned_data["relation"],
            )
        except ApplicationError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Requests sent: %(count)s.") % {"count": count})
            return redirect("evaluation:score", pk=pk)
    return _score_page(request, assessment, status=400, invite_form=form)


@require_POST
@manager_required
def feedback_close(request, bodies, pk: int):
    assessment = _managed_or_404(request, pk)
    try:
        services.feedback_round_close(assessment=assessment, actor=request.user)
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The 360 round is closed."))
    return redirect("evaluation:score", pk=pk)


# --- HR: payroll export ----------------------------------------------------------------------


class _Echo:
    def write(self, value):
        return value


def _csv_cell(value) -> str:
    text = "" if value is None else str(value)
    # Spreadsheets run cells that start like a formula; neutralise them.
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


@require_GET
@signed_in
def export_csv(request, pk: int):
    cycle = selectors.cycle_for_export(user=request.user, pk=pk)
    if cycle is None:
        raise Http404
    writer = csv.writer(_Echo())
    header = [
        gettext("Employee id"),
        gettext("E-mail"),
        gettext("Position"),
        gettext("Unit"),
        gettext("Period"),
        gettext("Status"),
        gettext("Composite score"),
        gettext("Band"),
        gettext("Bonus tier"),
        gettext("Bonus (percent of salary)"),
    ]

    def rows():
        yield "\ufeff" + writer.writerow(header)
        for a in selectors.export_rows(cycle=cycle):
            has_result = a.has_result
            yield writer.writerow(
                [
                    _csv_cell(v)
                    for v in (
                        a.employee_id,
                        a.employee.user.email,
                        a.employee.position,
                        a.employee.state_body.code,
                        cycle.label,
                        a.status,
                        a.composite if has_result else "",
                        a.band if has_result else "",
                        a.bonus_tier or "" if has_result else "",
                        a.bonus_percent if has_result else 0,
                    )
                ]
            )

    response = StreamingHttpResponse(rows(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="evaluation-{cycle.state_body.code}-{cycle.year}'
        f'-{cycle.quarter or "year"}.csv"'
    )
    return _no_store(response)


# --- Citizens --------------------------------------------------------------------------------


def _rate_page(request, template, context, status=200):
    return _no_store(render(request, template, context, status=status))


def _refused(request, message, status):
    return _rate_page(request, "evaluation/rate_refused.html", {"message": message}, status)


@never_cache
@require_http_methods(["GET", "POST"])
def rate_start(request):
    """The citizen's one page. The code arrives only in a POST body: typed from a receipt,
    or moved by static/evaluation/rate.js from the link's #fragment (never sent to the
    server, so never in a log). The first POST shows the form for that code; the second,
    with a score, records it. Only this client's failures count against it."""
    form = CodeForm(request.POST or None)
    if request.method == "GET":
        return _rate_page(request, "evaluation/rate_start.html", {"form": form})
    if not form.is_valid():
        return _rate_page(request, "evaluation/rate_start.html", {"form": form}, 400)
    # Counted first and given back when the code is right: parallel guesses cannot pass
    # the limit, and a citizen with the right code never pays for others' mistakes.
    if not throttle_consume(request, "rate_failure"):
        form.add_error(None, TOO_MANY)
        return _rate_page(request, "evaluation/rate_start.html", {"form": form}, 429)
    token = services.token_normalise(form.cleaned_data["code"])
    try:
        link = services.citizen_link_find(token)
    except ApplicationError as error:
        if error.code in ("used_link", "expired_link"):
            return _refused(request, error.message, 410)
        form.add_error("code", error.message)
        return _rate_page(request, "evaluation/rate_start.html", {"form": form}, 400)
    throttle_release(request, "rate_failure")
    if "score" not in request.POST:
        context = {"form": RateForm(), "link": link, "code": token}
        return _rate_page(request, "evaluation/rate.html", context)
    rate_form = RateForm(request.POST)
    context = {"form": rate_form, "link": link, "code": token}
    if not throttle_consume(request, "rate_submit"):
        rate_form.add_error(None, TOO_MANY)
        return _rate_page(request, "evaluation/rate.html", context, 429)
    if not rate_form.is_valid():
        throttle_release(request, "rate_submit")
        return _rate_page(request, "evaluation/rate.html", context, 400)
    try:
        services.citizen_rating_submit(
            token=token,
            score=rate_form.cleaned_data["score"],
            comment=rate_form.cleaned_data["comment"],
        )
    except ApplicationError as error:
        return _refused(request, error.message, 410)
    return _rate_page(request, "evaluation/rate_thanks.html", {})


@require_GET
def rate_link(request, token: str):
    """Old-style links carried the token in the path; it is not read, only left behind."""
    return redirect("evaluation:rate_start")
