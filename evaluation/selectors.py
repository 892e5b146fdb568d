"""Reads of the evaluation app: who may see what, with bounded queries.

Every selector that takes a viewer answers only within that viewer's reach, so a view that
gets ``None`` back answers 404 — guessing an id shows nothing. 360 feedback leaves this
module only as an aggregate of at least the threshold's respondents (never fewer than 3).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import (
    Avg,
    BooleanField,
    Case,
    Count,
    Prefetch,
    Q,
    QuerySet,
    Value,
    When,
)
from django.utils import timezone

from eqyzmet.models import StateBody, User
from eqyzmet.roles import Role
from eqyzmet.selectors import state_bodies_in_scope
from evaluation import scoring
from evaluation.models import (
    RESULT_STATUSES,
    Assessment,
    CitizenRatingLink,
    Competency,
    CompetencyRating,
    Cycle,
    Employee,
    FeedbackInvitation,
    FeedbackResponse,
    Kpi,
)

EDITABLE = (Assessment.Status.OPEN, Assessment.Status.SUPERVISOR_DONE)


def employee_of(user: User) -> Employee | None:
    if not user.is_authenticated:
        return None
    return (
        Employee.objects.select_related("state_body", "supervisor", "unit_head")
        .filter(user=user)
        .first()
    )


def _assessments() -> QuerySet[Assessment]:
    return Assessment.objects.select_related(
        "cycle", "cycle__state_body", "employee", "employee__user", "employee__state_body"
    )


def my_assessments(*, employee: Employee) -> list[Assessment]:
    return list(_assessments().filter(employee=employee).order_by("-cycle__period_start"))


def my_assessment(*, user: User, pk: int) -> Assessment | None:
    """The employee's own assessment, or None (for anyone else's id)."""
    if not user.is_authenticated:
        return None
    return _assessments().prefetch_related("kpis").filter(pk=pk, employee__user=user).first()


def manager_bodies(user: User) -> QuerySet[StateBody]:
    return state_bodies_in_scope(user=user, role=Role.MANAGER)


def hr_bodies(user: User) -> QuerySet[StateBody]:
    return state_bodies_in_scope(user=user, role=Role.HR_OFFICER)


def assessment_for_manager(*, user: User, pk: int) -> Assessment | None:
    if not user.is_authenticated:
        return None
    return (
        _assessments()
        .select_related("employee__supervisor", "employee__unit_head")
        .prefetch_related("kpis")
        .filter(pk=pk, employee__state_body__in=manager_bodies(user))
        .first()
    )


def kpi_for_download(*, user: User, kpi_id: int) -> Kpi | None:
    """Evidence goes to the employee, their evaluators, managers and HR officers of the
    body (or a body above it), and platform administrators; to nobody else."""
    if not user.is_authenticated:
        return None
    kpi = (
        Kpi.objects.select_related("assessment__employee", "assessment__employee__state_body")
        .filter(pk=kpi_id)
        .exclude(evidence="")
        .first()
    )
    if kpi is None:
        return None
    employee = kpi.assessment.employee
    if user.is_superuser or user.pk in (
        employee.user_id,
        employee.supervisor_id,
        employee.unit_head_id,
    ):
        return kpi
    body_id = employee.state_body_id
    if (
        manager_bodies(user).filter(pk=body_id).exists()
        or hr_bodies(user).filter(pk=body_id).exists()
    ):
        return kpi
    return None


# --- Aggregates that are safe to show ----------------------------------------------------


@dataclass(frozen=True)
class FeedbackAggregate:
    respondents: int
    collaboration: Decimal
    reliability: Decimal
    respect: Decimal
    score: Decimal


def feedback_aggregate(*, assessment: Assessment) -> FeedbackAggregate | None:
    """The 360 picture of a CLOSED round, or None. Nothing while the round is open (so no
    figure exists before and after one more answer), nothing below the threshold (not even
    the count, so a single answer cannot be inferred). Averages are in half marks."""
    threshold = max(3, int((assessment.cycle.rules or {}).get("feedback_min_respondents") or 3))
    # The round's state is read with the answers, never from a possibly stale object.
    answers = list(
        FeedbackResponse.objects.filter(
            assessment=assessment, assessment__feedback_closed_at__isnull=False
        ).values_list("collaboration", "reliability", "respect")
    )
    if len(answers) < threshold:
        return None
    n = len(answers)
    c, r, s = (scoring.half_mark(Decimal(sum(a[i] for a in answers)) / n) for i in range(3))
    return FeedbackAggregate(
        respondents=n,
        collaboration=c,
        reliability=r,
        respect=s,
        score=scoring.feedback_score(answers, min_respondents=threshold),
    )


@dataclass(frozen=True)
class CitizenSummary:
    count: int
    average: Decimal | None
    comments: list[tuple[int, str]]


def citizen_summary(*, employee: Employee, start: dt.date, end: dt.date) -> CitizenSummary:
    start_at = timezone.make_aware(dt.datetime.combine(start, dt.time.min))
    end_at = timezone.make_aware(dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min))
    rated = CitizenRatingLink.objects.counted().filter(
        employee=employee, rated_at__gte=start_at, rated_at__lt=end_at
    )
    row = rated.aggregate(n=Count("pk"), avg=Avg("score"))
    comments = list(
        rated.exclude(comment="").order_by("-rated_at").values_list("score", "comment")[:10]
    )
    average = scoring.round2(Decimal(str(row["avg"]))) if row["avg"] is not None else None
    return CitizenSummary(count=row["n"], average=average, comments=comments)


def competencies_for(*, assessment: Assessment) -> list[Competency]:
    path = assessment.employee.state_body.path
    parts = [p for p in path.strip("/").split("/") if p]
    paths = ["/" + "/".join(parts[: i + 1]) + "/" for i in range(len(parts))]
    return list(
        Competency.objects.filter(is_active=True).filter(
            Q(state_body__isnull=True) | Q(state_body__path__in=paths)
        )
    )


def ratings_by_evaluator(*, assessment: Assessment) -> dict[str, dict[int, int]]:
    table: dict[str, dict[int, int]] = {}
    for evaluator, competency_id, score in CompetencyRating.objects.filter(
        assessment=assessment
    ).values_list("evaluator", "competency_id", "score"):
        table.setdefault(evaluator, {})[competency_id] = score
    return table


def pending_feedback(*, user: User) -> list[FeedbackInvitation]:
    if not user.is_authenticated:
        return []
    return list(
        FeedbackInvitation.objects.filter(
            respondent=user,
            answered=False,
            assessment__status__in=EDITABLE,
            assessment__cycle__status=Cycle.Status.OPEN,
            assessment__feedback_closed_at__isnull=True,
        ).select_related("assessment__cycle", "assessment__employee__user")
    )


def feedback_invitation(*, user: User, pk: int) -> FeedbackInvitation | None:
    if not user.is_authenticated:
        return None
    return (
        FeedbackInvitation.objects.select_related(
            "assessment__cycle", "assessment__employee__user", "assessment__employee__state_body"
        )
        .filter(pk=pk, respondent=user)
        .first()
    )


def history(*, employee: Employee) -> list[tuple[str, Decimal]]:
    """(period label, composite) of the employee's quarterly results, oldest first."""
    rows = (
        Assessment.objects.filter(
            employee=employee,
            cycle__kind=Cycle.Kind.QUARTER,
            status__in=RESULT_STATUSES,
            composite__isnull=False,
        )
        .order_by("cycle__period_start")
        .values_list("cycle__year", "cycle__quarter", "composite")
    )
    return [(f"{y} Q{q}", c) for y, q, c in rows]


# --- The manager's unit ------------------------------------------------------------------


def cycles_in_scope(*, bodies: QuerySet[StateBody]) -> list[Cycle]:
    return list(
        Cycle.objects.filter(state_body__in=bodies)
        .exclude(status=Cycle.Status.DRAFT)
        .select_related("state_body")
        .order_by("-period_start", "state_body__path")[:40]
    )


# A unit page lists this many assessments at a time; the counts above the table cover all.
UNIT_PAGE_SIZE = 50


@dataclass
class UnitOverview:
    cycle: Cycle | None
    rows: list[Assessment]
    overdue_count: int
    status_counts: dict[str, int]
    band_counts: dict[str, int]
    trend: list[tuple[str, Decimal]]
    page: int = 1
    pages: int = 1
    total: int = 0

    @property
    def overdue_ids(self) -> set[int]:
        return {a.pk for a in self.rows if a.is_overdue}


def _overdue(today: dt.date) -> Q:
    """Still being scored after the cycle's due date, or finalised and unanswered past the
    employee's response date."""
    return Q(status__in=EDITABLE, cycle__due_date__lt=today) | Q(
        status=Assessment.Status.FINALIZED, respond_by__lt=today
    )


def unit_overview(
    *,
    bodies: QuerySet[StateBody],
    cycle: Cycle | None,
    today: dt.date | None = None,
    page: int = 1,
    overdue_only: bool = False,
) -> UnitOverview:
    """The manager's unit in ``cycle``: counts by status and band and the number overdue
    over the whole unit (in SQL, whatever its size), and one page of its assessments."""
    today = today or timezone.localdate()
    rows: list[Assessment] = []
    status_counts: dict[str, int] = {}
    band_counts: dict[str, int] = {}
    overdue_count = total = 0
    pages = 1
    if cycle is not None:
        in_cycle = Assessment.objects.filter(cycle=cycle, employee__state_body__in=bodies)
        # One pass over the unit for every count on the page.
        counts = in_cycle.aggregate(
            overdue=Count("pk", filter=_overdue(today)),
            **{f"s_{v}": Count("pk", filter=Q(status=v)) for v in Assessment.Status.values},
            **{f"b_{v}": Count("pk", filter=Q(band=v)) for v in Assessment.Band.values},
        )
        status_counts = {v: counts[f"s_{v}"] for v in Assessment.Status.values}
        band_counts = {v: counts[f"b_{v}"] for v in Assessment.Band.values}
        overdue_count = counts["overdue"]
        total = overdue_count if overdue_only else sum(status_counts.values())
        pages = max(1, -(-total // UNIT_PAGE_SIZE))
        page = min(max(page, 1), pages)
        listed = _assessments().filter(cycle=cycle, employee__state_body__in=bodies)
        if overdue_only:
            listed = listed.filter(_overdue(today))
        offset = (page - 1) * UNIT_PAGE_SIZE
        rows = list(
            listed.select_related("employee__supervisor", "employee__unit_head")
            .annotate(
                is_overdue=Case(
                    When(_overdue(today), then=Value(True)),
                    default=Value(False),
                    output_field=BooleanField(),
                )
            )
            .order_by("employee__state_body__path", "employee__user__email", "pk")[
                offset : offset + UNIT_PAGE_SIZE
            ]
        )
    trend = [
        (f"{y} Q{q}", scoring.round2(Decimal(str(avg))))
        for y, q, avg in Assessment.objects.filter(
            employee__state_body__in=bodies,
            cycle__kind=Cycle.Kind.QUARTER,
            status__in=RESULT_STATUSES,
            composite__isnull=False,
        )
        .values_list("cycle__year", "cycle__quarter")
        .annotate(avg=Avg("composite"))
        .order_by("cycle__year", "cycle__quarter")
    ]
    return UnitOverview(
        cycle=cycle,
        rows=rows,
        overdue_count=overdue_count,
        status_counts=status_counts,
        band_counts=band_counts,
        trend=trend,
        page=page,
        pages=pages,
        total=total,
    )


def colleagues_for_feedback(*, assessment: Assessment) -> QuerySet[User]:
    """People who may be asked for 360 feedback: employees of the same unit, not the one
    evaluated."""
    return (
        User.objects.filter(
            evaluation_employee__state_body=assessment.employee.state_body_id,
            evaluation_employee__is_active=True,
        )
        .exclude(pk=assessment.employee.user_id)
        .order_by("email")
    )


def invitation_counts(*, assessment: Assessment) -> dict[str, int]:
    row = FeedbackInvitation.objects.filter(assessment=assessment).aggregate(
        invited=Count("pk"), answered=Count("pk", filter=Q(answered=True))
    )
    return row


# --- The service desk ----------------------------------------------------------------------


def desk_bodies(user: User) -> QuerySet[StateBody]:
    """Where ``user`` may issue citizens' rating links: with ``evaluation.issue_rating_link``,
    the bodies they work in (and beneath); every body for a platform administrator."""
    if not user.is_authenticated or not user.has_perm("evaluation.issue_rating_link"):
        return StateBody.objects.none()
    return state_bodies_in_scope(user=user, role=Role.SERVICE_DESK)


def desk_employees(*, user: User) -> QuerySet[Employee]:
    """The employees the desk officer may issue links for: never themselves."""
    return (
        Employee.objects.filter(is_active=True, state_body__in=desk_bodies(user))
        .exclude(user=user)
        .select_related("user", "state_body")
        .order_by("state_body__path", "user__email")
    )


# --- HR: payroll export -------------------------------------------------------------------


def may_export_payroll(user: User) -> bool:
    return user.is_authenticated and (
        user.is_superuser or user.has_perm("evaluation.export_assessment")
    )


def payroll_bodies(user: User) -> QuerySet[StateBody]:
    """The bodies whose cycles ``user`` may export for payroll: every body for a platform
    administrator, the HR officer's bodies (and those beneath) with the export permission,
    none for anyone else. The export page and the API share this rule."""
    if not may_export_payroll(user):
        return StateBody.objects.none()
    return hr_bodies(user)


def cycle_for_export(*, user: User, pk: int) -> Cycle | None:
    if not may_export_payroll(user):
        return None
    cycles = Cycle.objects.select_related("state_body").filter(pk=pk)
    if not user.is_superuser:
        cycles = cycles.filter(state_body__in=payroll_bodies(user))
    return cycles.first()


def export_rows(*, cycle: Cycle):
    return (
        Assessment.objects.filter(cycle=cycle)
        .select_related("employee__user", "employee__state_body")
        .order_by("employee__state_body__path", "employee__user__email")
        .iterator(chunk_size=500)
    )


def payroll_results(
    *,
    bodies: QuerySet[StateBody],
    year: int | None = None,
    quarter: int | None = None,
    kind: str = "",
) -> QuerySet[Assessment]:
    """Every assessment of the cycles of ``bodies`` (from ``payroll_bodies``, possibly
    narrowed further), in a stable order for paging: the export page's rows, across
    cycles. One query per page, however many rows."""
    rows = Assessment.objects.filter(cycle__state_body__in=bodies)
    if year is not None:
        rows = rows.filter(cycle__year=year)
    if quarter is not None:
        rows = rows.filter(cycle__quarter=quarter)
    if kind:
        rows = rows.filter(cycle__kind=kind)
    return rows.select_related(
        "cycle__state_body", "employee__user", "employee__state_body"
    ).order_by(
        "cycle__period_start",
        "cycle__state_body__path",
        "employee__state_body__path",
        "employee__user__email",
        "pk",
    )


def assessments_prefetched(queryset: QuerySet[Assessment]) -> QuerySet[Assessment]:
    return queryset.prefetch_related(Prefetch("kpis", queryset=Kpi.objects.order_by("pk")))
