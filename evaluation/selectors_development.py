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


# A figure resting on fewer employees than this is withheld ("fewer than 5"): a count of
# three people in a body is close to naming them.
SMALL_COUNT = 5


@dataclass(frozen=True)
class Overview:
    """Aggregates only; a value of None is withheld (it rests on fewer than ``SMALL_COUNT``
    employees, or would let a withheld one be worked out by subtraction)."""

    hours_by_body: list[tuple[str, Decimal | None]]
    gaps_by_body: list[tuple[str, int | None]]
    gaps_by_competency: list[tuple[str, int | None]]
    gaps_table: list[tuple[str, str, int | None]]


def _withhold_complements(
    cells: dict[tuple[int, int], int | None],
    rows: dict[int, int | None],
    columns: dict[int, int | None],
) -> None:
    """Secondary suppression, in place. Where a shown total has exactly one withheld cell,
    the cell is the total minus the shown ones, so the smallest other shown cell is withheld
    too (or, with none left, the total). The grand total is known whenever every total of
    one side is shown, so the other side's totals obey the same rule. Repeated until nothing
    changes; every step only withholds, so it ends."""

    def smallest(figures: dict, keys: list):
        return min(keys, key=lambda key: (figures[key], key))

    lines: dict[tuple[int, int], list[tuple[int, int]]] = {}
    for cell in cells:
        lines.setdefault((0, cell[0]), []).append(cell)
        lines.setdefault((1, cell[1]), []).append(cell)

    def line(totals, side: int) -> bool:
        changed = False
        for key, total in totals.items():
            if total is None:
                continue
            members = lines.get((side, key), [])
            if sum(cells[cell] is None for cell in members) != 1:
                continue
            shown = [cell for cell in members if cells[cell] is not None]
            if shown:
                cells[smallest(cells, shown)] = None
            else:
                totals[key] = None
            changed = True
        return changed

    def grand(totals, other) -> bool:
        if not other or any(value is None for value in other.values()):
            return False
        if sum(value is None for value in totals.values()) != 1:
            return False
        shown = [key for key, value in totals.items() if value is not None]
        if shown:
            totals[smallest(totals, shown)] = None
        else:
            other[smallest(other, list(other))] = None
        return True

    while line(rows, 0) | line(columns, 1) | grand(rows, columns) | grand(columns, rows):
        pass


def _label(row: tuple) -> str:
    return row[0]


def development_overview(*, bodies: QuerySet[StateBody], year: int) -> Overview:
    """Confirmed training hours per body and open development goals (gaps) per body and
    competency, for plans of ``year``. Counts only: no person, no 360 answer; every figure
    resting on fewer than ``SMALL_COUNT`` employees is withheld, and so is any that would
    give a withheld one away by subtraction. Six queries."""
    hours = (
        CourseCompletion.objects.filter(
            employee__state_body__in=bodies, status=C.CONFIRMED, completed_on__year=year
        )
        .values("employee__state_body_id")
        .annotate(hours=Sum("course__hours"), people=Count("employee", distinct=True))
        .order_by("employee__state_body_id")
    )
    goals = DevelopmentGoal.objects.filter(
        plan__employee__state_body__in=bodies,
        plan__year=year,
        status=DevelopmentGoal.Status.OPEN,
    )
    people = Count("plan__employee", distinct=True)
    cell_rows = list(
        goals.values("plan__employee__state_body_id", "competency_id")
        .annotate(n=Count("pk"), people=people)
        .order_by("plan__employee__state_body_id", "competency_id")
    )
    body_people = {
        row["plan__employee__state_body_id"]: row["people"]
        for row in goals.values("plan__employee__state_body_id").annotate(people=people).order_by()
    }
    competency_people = {
        row["competency_id"]: row["people"]
        for row in goals.values("competency_id").annotate(people=people).order_by()
    }
    hours = list(hours)
    body_ids = {h["employee__state_body_id"] for h in hours} | set(body_people)
    body_names = {b.pk: b.name for b in StateBody.objects.filter(pk__in=body_ids)}
    names = {c.pk: c.name for c in Competency.objects.filter(pk__in=set(competency_people))}

    def shown(value, headcount):
        return value if headcount >= SMALL_COUNT else None

    cells: dict[tuple[int, int], int | None] = {}
    body_totals: dict[int, int] = {}
    competency_totals: dict[int, int] = {}
    for row in cell_rows:
        key = (row["plan__employee__state_body_id"], row["competency_id"])
        cells[key] = shown(row["n"], row["people"])
        body_totals[key[0]] = body_totals.get(key[0], 0) + row["n"]
        competency_totals[key[1]] = competency_totals.get(key[1], 0) + row["n"]
    by_body = {pk: shown(n, body_people.get(pk, 0)) for pk, n in body_totals.items()}
    by_competency = {
        pk: shown(n, competency_people.get(pk, 0)) for pk, n in competency_totals.items()
    }
    _withhold_complements(cells, by_body, by_competency)

    def body(pk):
        return body_names.get(pk, "—")

    def competency(pk):
        return names.get(pk, "—")

    return Overview(
        hours_by_body=[
            (body(h["employee__state_body_id"]), shown(h["hours"], h["people"])) for h in hours
        ],
        gaps_by_body=sorted(((body(pk), n) for pk, n in by_body.items()), key=_label),
        gaps_by_competency=sorted(
            ((competency(pk), n) for pk, n in by_competency.items()), key=_label
        ),
        gaps_table=[(body(b), competency(c), n) for (b, c), n in cells.items()],
    )
