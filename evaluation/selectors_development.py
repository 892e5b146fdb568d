"""Reads for competence development, each within the viewer's reach and with a fixed
number of queries. No 360 answer leaves here: plans carry only theme counts."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Prefetch, QuerySet, Sum
from django.utils import timezone

from eqyzmet.models import StateBody, User
from evaluation import scoring
from evaluation.models import Assessment, Competency, Employee
from evaluation.models_development import (
    Course,
    CourseCompletion,
    DevelopmentGoal,
    DevelopmentPlan,
    FamilyMembership,
    GoalActivity,
    MandatoryTraining,
)
from evaluation.selectors import hr_bodies, manager_bodies

C = CourseCompletion.Status
DONE_STATUSES = (C.RECORDED, C.CONFIRMED)


def _plans() -> QuerySet[DevelopmentPlan]:
    return DevelopmentPlan.objects.select_related(
        "employee__user", "employee__state_body", "family"
    ).prefetch_related(
        Prefetch(
            "goals",
            queryset=DevelopmentGoal.objects.select_related("competency").prefetch_related(
                "competency__level_descriptors",
                Prefetch("activities", queryset=GoalActivity.objects.select_related("course")),
            ),
        )
    )


def my_plans(*, employee: Employee) -> list[DevelopmentPlan]:
    """The employee's plans, newest first, with goals and activities (four queries)."""
    return list(_plans().filter(employee=employee).order_by("-year", "-pk"))


def team_plans(*, bodies: QuerySet[StateBody]) -> list[DevelopmentPlan]:
    """Plans of the people in the manager's bodies, still open or of the last two years."""
    year = timezone.localdate().year - 2
    return list(
        _plans()
        .filter(employee__state_body__in=bodies, year__gte=year)
        .order_by("employee__user__email", "-year")
    )


def plan_for(*, user: User, pk: int) -> DevelopmentPlan | None:
    """A plan its employee or a manager of their body may act on, else None."""
    plan = DevelopmentPlan.objects.select_related("employee").filter(pk=pk).first()
    if plan is None:
        return None
    if plan.employee.user_id == user.pk:
        return plan
    if manager_bodies(user).filter(pk=plan.employee.state_body_id).exists():
        return plan
    return None


def goal_for_manager(*, user: User, pk: int) -> DevelopmentGoal | None:
    return (
        DevelopmentGoal.objects.select_related("plan")
        .filter(pk=pk, plan__employee__state_body__in=manager_bodies(user))
        .exclude(plan__employee__user=user)
        .first()
    )


def pending_completions(*, bodies: QuerySet[StateBody], user: User) -> list[CourseCompletion]:
    return list(
        CourseCompletion.objects.filter(employee__state_body__in=bodies, status=C.RECORDED)
        .exclude(employee__user=user)
        .select_related("employee__user", "course")
        .order_by("created_at")
    )


def completion_for_manager(*, user: User, pk: int) -> CourseCompletion | None:
    return (
        CourseCompletion.objects.filter(pk=pk, employee__state_body__in=manager_bodies(user))
        .exclude(employee__user=user)
        .first()
    )


def completion_for_download(*, user: User, pk: int) -> CourseCompletion | None:
    """Evidence goes to the employee, managers and HR officers of their body (or above)."""
    if not user.is_authenticated:
        return None
    completion = (
        CourseCompletion.objects.select_related("employee").filter(pk=pk).exclude(evidence="")
    ).first()
    if completion is None:
        return None
    body_id = completion.employee.state_body_id
    if (
        user.is_superuser
        or completion.employee.user_id == user.pk
        or manager_bodies(user).filter(pk=body_id).exists()
        or hr_bodies(user).filter(pk=body_id).exists()
    ):
        return completion
    return None


def my_completions(*, employee: Employee) -> list[CourseCompletion]:
    return list(CourseCompletion.objects.filter(employee=employee).select_related("course")[:50])


def catalogue() -> list[Course]:
    return list(Course.objects.filter(is_active=True).prefetch_related("competencies"))


@dataclass(frozen=True)
class TrainingDue:
    employee_email: str
    course: str
    due_date: dt.date
    done: bool

    @property
    def overdue(self) -> bool:
        return not self.done and self.due_date < timezone.localdate()


def my_mandatory(*, employee: Employee) -> list[TrainingDue]:
    """The employee's mandatory training with its state (two queries)."""
    requirements = list(
        MandatoryTraining.objects.filter(family__memberships__employee=employee)
        .select_related("course")
        .order_by("due_date")
    )
    done = set(
        CourseCompletion.objects.filter(employee=employee, status__in=DONE_STATUSES).values_list(
            "course_id", flat=True
        )
    )
    return [
        TrainingDue(employee.user.email, r.course.title, r.due_date, r.course_id in done)
        for r in requirements
    ]


def unit_training_overdue(*, bodies: QuerySet[StateBody], limit: int = 20) -> list[TrainingDue]:
    """Mandatory training overdue in the manager's bodies (two queries, at most ``limit``)."""
    today = timezone.localdate()
    rows = list(
        FamilyMembership.objects.filter(
            employee__state_body__in=bodies,
            employee__is_active=True,
            family__mandatory__due_date__lt=today,
        )
        .values_list(
            "employee_id",
            "employee__user__email",
            "family__mandatory__course_id",
            "family__mandatory__course__title",
            "family__mandatory__due_date",
        )
        .order_by("family__mandatory__due_date", "employee__user__email")
    )
    if not rows:
        return []
    done = set(
        CourseCompletion.objects.filter(
            employee_id__in={r[0] for r in rows}, status__in=DONE_STATUSES
        ).values_list("employee_id", "course_id")
    )
    return [
        TrainingDue(email, title, due, False)
        for employee_id, email, course_id, title, due in rows
        if (employee_id, course_id) not in done
    ][:limit]


@dataclass(frozen=True)
class DevelopmentPart:
    points: Decimal
    goals: int
    without: Decimal | None  # the composite development points were added to
    tier_without: int | None


def development_part(*, assessment: Assessment) -> DevelopmentPart | None:
    """What achieved development goals added to this result, and the score and bonus tier
    it would have had without them; None when they added nothing. One query."""
    row = DevelopmentGoal.objects.filter(counted_in=assessment).aggregate(
        points=Sum("points"), goals=Count("pk")
    )
    if not row["goals"]:
        return None
    points = scoring.round2(Decimal(row["points"] or 0))
    without = None
    tier = None
    if assessment.composite is not None:
        without = scoring.round2(max(Decimal(0), assessment.composite - points))
        tier, _percent = scoring.tier_for(
            without, {**scoring.DEFAULT_RULES, **assessment.cycle.rules}
        )
    return DevelopmentPart(points, int(row["goals"]), without, tier)


def overview_bodies(user: User) -> QuerySet[StateBody] | None:
    """Bodies whose aggregates ``user`` may see: every body for the authorised body (the
    ``view_development_overview`` permission) and administrators, an HR officer's own
    bodies; None for anyone else."""
    if user.is_superuser or user.has_perm("evaluation.view_development_overview"):
        return StateBody.objects.all()
    bodies = hr_bodies(user)
    return bodies if bodies.exists() else None


@dataclass(frozen=True)
class Overview:
    hours_by_body: list[tuple[str, Decimal]]
    gaps_by_competency: list[tuple[str, int]]
    gaps_by_body: list[tuple[str, str, int]]


def development_overview(*, bodies: QuerySet[StateBody], year: int) -> Overview:
    """Confirmed training hours per body and open development goals (gaps) per body and
    competency, for plans of ``year``. Counts only: no person, no 360 answer. Four queries."""
    hours = (
        CourseCompletion.objects.filter(
            employee__state_body__in=bodies, status=C.CONFIRMED, completed_on__year__gte=year
        )
        .values("employee__state_body_id")
        .annotate(hours=Sum("course__hours"))
        .order_by("employee__state_body_id")
    )
    gaps = (
        DevelopmentGoal.objects.filter(
            plan__employee__state_body__in=bodies,
            plan__year=year,
            status=DevelopmentGoal.Status.OPEN,
        )
        .values("plan__employee__state_body_id", "competency_id")
        .annotate(n=Count("pk"))
        .order_by("plan__employee__state_body_id", "competency_id")
    )
    hours, gaps = list(hours), list(gaps)
    body_ids = {h["employee__state_body_id"] for h in hours}
    body_ids |= {g["plan__employee__state_body_id"] for g in gaps}
    body_names = {b.pk: b.name for b in StateBody.objects.filter(pk__in=body_ids)}
    names = {
        c.pk: c.name for c in Competency.objects.filter(pk__in={g["competency_id"] for g in gaps})
    }
    by_competency: dict[str, int] = {}
    rows = []
    for g in gaps:
        name = names.get(g["competency_id"], "—")
        by_competency[name] = by_competency.get(name, 0) + g["n"]
        rows.append((body_names.get(g["plan__employee__state_body_id"], "—"), name, g["n"]))
    return Overview(
        hours_by_body=[
            (body_names.get(h["employee__state_body_id"], "—"), h["hours"]) for h in hours
        ],
        gaps_by_competency=sorted(by_competency.items()),
        gaps_by_body=rows,
    )
