"""Individual development plans: drafted from an annual result's gaps, agreed by the
employee and their manager, goals confirmed achieved by the manager.

Plan state machine: draft -> agreed (both have agreed) -> completed (every goal achieved).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from eqyzmet.audit import audit_record
from eqyzmet.errors import ApplicationError
from eqyzmet.models import StateBody, User
from eqyzmet.roles import Role
from eqyzmet.selectors import state_bodies_in_scope
from evaluation import scoring
from evaluation.models import RESULT_STATUSES, Assessment, CompetencyRating, Cycle, FeedbackResponse
from evaluation.models_development import (
    DevelopmentGoal,
    DevelopmentPlan,
    ExpectedLevel,
    FamilyMembership,
    GoalActivity,
)

P = DevelopmentPlan.Status
PLAN_TRANSITIONS: dict[str, set[str]] = {
    P.DRAFT: {P.AGREED},
    P.AGREED: {P.COMPLETED},
    P.COMPLETED: set(),
}
THEMES = ("collaboration", "reliability", "respect")
THEME_EXPECTED = Decimal("3.5")  # a theme whose half-mark mean falls below counts
COURSES_PER_GOAL = 3
DAYS_PER_LEVEL = 120
MAX_DAYS = 330


def _level(value: Decimal) -> int:
    return int(value.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def _year_assessments(assessment: Assessment) -> list[int]:
    """The results the annual one stands on: itself and that year's quarterly results."""
    ids = list(
        Assessment.objects.filter(
            employee_id=assessment.employee_id,
            cycle__kind=Cycle.Kind.QUARTER,
            cycle__year=assessment.cycle.year,
            status__in=RESULT_STATUSES,
        ).values_list("pk", flat=True)
    )
    return [assessment.pk, *ids]


def _levels(assessment_ids: list[int]) -> dict[int, int]:
    """Per competency, the mean of every rating that year, rounded to a whole level."""
    marks: dict[int, list[int]] = defaultdict(list)
    for competency_id, score in CompetencyRating.objects.filter(
        assessment_id__in=assessment_ids
    ).values_list("competency_id", "score"):
        marks[competency_id].append(score)
    return {c: _level(Decimal(sum(m)) / len(m)) for c, m in marks.items()}


def _feedback_themes(assessment_ids: list[int], rules: dict) -> dict[str, int]:
    """How many closed rounds of at least the threshold put each theme below 3.5: counts
    of aggregates the employee already sees, never an answer."""
    threshold = max(3, int(rules.get("feedback_min_respondents") or 3))
    rounds: dict[int, list[tuple[int, int, int]]] = defaultdict(list)
    for row in FeedbackResponse.objects.filter(
        assessment_id__in=assessment_ids, assessment__feedback_closed_at__isnull=False
    ).values_list("assessment_id", *THEMES):
        rounds[row[0]].append(row[1:])
    counts = dict.fromkeys(THEMES, 0)
    for answers in rounds.values():
        if len(answers) < threshold:
            continue
        for i, theme in enumerate(THEMES):
            mean = scoring.half_mark(Decimal(sum(a[i] for a in answers)) / len(answers))
            if mean < THEME_EXPECTED:
                counts[theme] += 1
    return {theme: n for theme, n in counts.items() if n}


def _activities(goal: DevelopmentGoal, gap: int) -> list[GoalActivity]:
    K = GoalActivity.Kind
    courses = goal.competency.courses.filter(is_active=True).order_by("title")[:COURSES_PER_GOAL]
    rows = [GoalActivity(goal=goal, kind=K.COURSE, course=c) for c in courses]
    rows.append(GoalActivity(goal=goal, kind=K.MENTORING))
    rows.append(GoalActivity(goal=goal, kind=K.ROTATION if gap >= 2 else K.PROJECT))
    return rows


@transaction.atomic
def plan_draft(*, assessment: Assessment) -> DevelopmentPlan | None:
    """Draft the plan for an ANNUAL result: a goal for each competency rated below the
    family's expected level. None when the employee has no position family, the result is
    not annual, or a plan exists. Idempotent."""
    if assessment.cycle.kind != Cycle.Kind.ANNUAL or assessment.status not in RESULT_STATUSES:
        return None
    membership = (
        FamilyMembership.objects.select_related("family")
        .filter(employee_id=assessment.employee_id, family__is_active=True)
        .first()
    )
    if membership is None or DevelopmentPlan.objects.filter(assessment=assessment).exists():
        return None
    ids = _year_assessments(assessment)
    levels = _levels(ids)
    expected = ExpectedLevel.objects.filter(
        family=membership.family, competency__is_active=True
    ).select_related("competency")
    plan = DevelopmentPlan.objects.create(
        employee_id=assessment.employee_id,
        assessment=assessment,
        year=assessment.cycle.year,
        family=membership.family,
        feedback_themes=_feedback_themes(ids, assessment.cycle.rules or {}),
    )
    today = timezone.localdate()
    activities = []
    for row in expected:
        current = levels.get(row.competency_id)
        if current is None or current >= row.level:
            continue
        gap = row.level - current
        goal = DevelopmentGoal.objects.create(
            plan=plan,
            competency=row.competency,
            current_level=current,
            expected_level=row.level,
            due_date=today + dt.timedelta(days=min(MAX_DAYS, DAYS_PER_LEVEL * gap)),
        )
        activities += _activities(goal, gap)
    GoalActivity.objects.bulk_create(activities)
    audit_record(
        action="evaluation.plan.drafted",
        target=plan,
        state_body=assessment.cycle.state_body,
        details={"assessment_id": assessment.pk, "goals": plan.goals.count()},
    )
    return plan


def _move(plan: DevelopmentPlan, to: str) -> None:
    if to not in PLAN_TRANSITIONS[plan.status]:
        raise ApplicationError(
            _("This step is not possible: the plan is now “%(status)s”.")
            % {"status": plan.get_status_display()},
            code="illegal_transition",
        )
    plan.status = to


def manages(user: User, state_body: StateBody) -> bool:
    """Whether ``user`` is a manager of ``state_body`` (or a body above it)."""
    return state_bodies_in_scope(user=user, role=Role.MANAGER).filter(pk=state_body.pk).exists()


def _locked_plan(plan: DevelopmentPlan) -> DevelopmentPlan:
    return (
        DevelopmentPlan.objects.select_for_update(of=("self",))
        .select_related("employee", "employee__state_body")
        .get(pk=plan.pk)
    )


@transaction.atomic
def plan_agree(*, plan: DevelopmentPlan, actor: User) -> DevelopmentPlan:
    """The employee or their manager agrees the plan; with both it becomes agreed."""
    plan = _locked_plan(plan)
    if plan.status != P.DRAFT:
        _move(plan, P.AGREED)  # raises: only a draft is agreed
    now = timezone.now()
    if actor.pk == plan.employee.user_id:
        if plan.employee_agreed_at:
            raise ApplicationError(_("You have already agreed this plan."), code="again")
        plan.employee_agreed_at = now
        role = "employee"
    elif manages(actor, plan.employee.state_body):
        if plan.manager_agreed_at:
            raise ApplicationError(_("The plan is already agreed by a manager."), code="again")
        plan.manager_agreed_at, plan.manager_agreed_by = now, actor
        role = "manager"
    else:
        raise ApplicationError(
            _("Only the employee and their manager agree a plan."), code="forbidden"
        )
    if plan.employee_agreed_at and plan.manager_agreed_at:
        _move(plan, P.AGREED)
    plan.save(
        update_fields=["status", "employee_agreed_at", "manager_agreed_at", "manager_agreed_by"]
    )
    audit_record(
        action="evaluation.plan.agreed",
        actor=actor,
        target=plan,
        state_body=plan.employee.state_body,
        details={"as": role, "status": plan.status},
    )
    return plan


@transaction.atomic
def goal_confirm(*, goal: DevelopmentGoal, actor: User) -> DevelopmentGoal:
    """The manager confirms a goal of an agreed plan achieved; the last one completes it."""
    plan = _locked_plan(goal.plan)
    goal = DevelopmentGoal.objects.select_for_update().get(pk=goal.pk, plan=plan)
    if actor.pk == plan.employee.user_id or not manages(actor, plan.employee.state_body):
        raise ApplicationError(_("Only the employee's manager confirms a goal."), code="forbidden")
    if plan.status != P.AGREED:
        raise ApplicationError(
            _("Goals are confirmed once the plan is agreed by both sides."), code="not_agreed"
        )
    if goal.status == DevelopmentGoal.Status.DONE:
        raise ApplicationError(_("This goal is already confirmed."), code="again")
    now = timezone.now()
    goal.status, goal.completed_at, goal.confirmed_by = DevelopmentGoal.Status.DONE, now, actor
    goal.save(update_fields=["status", "completed_at", "confirmed_by"])
    audit_record(
        action="evaluation.goal.achieved",
        actor=actor,
        target=goal,
        state_body=plan.employee.state_body,
        details={"plan_id": plan.pk, "competency_id": goal.competency_id},
    )
    if not plan.goals.exclude(status=DevelopmentGoal.Status.DONE).exists():
        _move(plan, P.COMPLETED)
        plan.completed_at = now
        plan.save(update_fields=["status", "completed_at"])
        audit_record(
            action="evaluation.plan.completed",
            actor=actor,
            target=plan,
            state_body=plan.employee.state_body,
        )
    return goal
