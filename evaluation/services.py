"""Writes of the evaluation app. Each is one transaction with one audit event per change.

State machines (one table per model) are ``CYCLE_TRANSITIONS`` and
``ASSESSMENT_TRANSITIONS``; anything else raises ``ApplicationError``.
"""

from __future__ import annotations

import datetime as dt
import logging
import math
import secrets
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import SuspiciousFileOperation, ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import Avg, Count, F, Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.text import get_valid_filename
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from eqyzmet.audit import audit_record
from eqyzmet.errors import ApplicationError
from eqyzmet.models import StateBody, User
from eqyzmet.roles import Role
from eqyzmet.services import staff_assign
from eqyzmet.uploads import upload_check
from eqyzmet.vault import blind_index
from evaluation import scoring
from evaluation.models import (
    RESULT_STATUSES,
    Assessment,
    CitizenRatingLink,
    Competency,
    CompetencyRating,
    Cycle,
    Employee,
    EvaluationRules,
    FeedbackInvitation,
    FeedbackResponse,
    Kpi,
    ReminderSent,
    ServiceDelivery,
)

logger = logging.getLogger("eqyzmet.evaluation")

EVIDENCE_MAX_BYTES = 5 * 1024 * 1024
CITIZEN_LINK_DAYS = 30
# Rating links per employee per day unless settings.EVALUATION_RATING_LINKS_PER_DAY says
# otherwise: a busy front office serves about 40 citizens a day per servant.
RATING_LINKS_PER_DAY = 50
TOKEN_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"  # noqa: S105 - no 0/O, 1/I
TOKEN_LENGTH = 12

S = Assessment.Status
CYCLE_TRANSITIONS: dict[str, set[str]] = {
    Cycle.Status.DRAFT: {Cycle.Status.OPEN},
    Cycle.Status.OPEN: {Cycle.Status.CLOSED},
    Cycle.Status.CLOSED: set(),
}
ASSESSMENT_TRANSITIONS: dict[str, set[str]] = {
    S.OPEN: {S.SUPERVISOR_DONE, S.FINALIZED},
    S.SUPERVISOR_DONE: {S.FINALIZED},
    S.FINALIZED: {S.ACKNOWLEDGED, S.CONTESTED},
    S.CONTESTED: {S.REVIEWED},
    S.ACKNOWLEDGED: set(),
    S.REVIEWED: set(),
}
EDITABLE = {S.OPEN, S.SUPERVISOR_DONE}


def _cycle_move(cycle: Cycle, to: str) -> None:
    if to not in CYCLE_TRANSITIONS[cycle.status]:
        raise ApplicationError(
            _("A cycle that is %(status)s cannot become %(to)s.")
            % {"status": cycle.get_status_display(), "to": Cycle.Status(to).label},
            code="illegal_transition",
        )
    cycle.status = to


def _assessment_move(assessment: Assessment, to: str) -> None:
    if to not in ASSESSMENT_TRANSITIONS[assessment.status]:
        raise ApplicationError(
            _("This step is not possible: the evaluation is now “%(status)s”.")
            % {"status": assessment.get_status_display()},
            code="illegal_transition",
        )
    assessment.status = to


# --- Rules ------------------------------------------------------------------------------


def rules_for_body(state_body: StateBody) -> dict:
    """The rules in force for ``state_body``: its own row, else the nearest ancestor's,
    else the national defaults."""
    ids = [int(part) for part in state_body.path.strip("/").split("/") if part] or [state_body.pk]
    found = {r.state_body_id: r for r in EvaluationRules.objects.filter(state_body_id__in=ids)}
    for body_id in reversed(ids):
        if body_id in found:
            return {**scoring.DEFAULT_RULES, **found[body_id].snapshot()}
    return dict(scoring.DEFAULT_RULES)


@transaction.atomic
def rules_save(*, rules: EvaluationRules, actor: User | None) -> EvaluationRules:
    """Save a body's rules for cycles it opens from now on."""
    try:
        rules.full_clean()
    except ValidationError as exc:
        raise ApplicationError(" ".join(exc.messages), code="invalid_rules") from exc
    rules.save()
    audit_record(
        action="evaluation.rules.saved",
        actor=actor,
        target=rules,
        state_body=rules.state_body,
        details=rules.snapshot(),
    )
    return rules


@transaction.atomic
def setting_save(*, obj, actor: User | None, state_body: StateBody | None) -> None:
    """Save a configuration row changed in the admin (a competency), audited."""
    created = obj.pk is None
    obj.full_clean()
    obj.save()
    audit_record(
        action=f"evaluation.{obj._meta.model_name}.{'created' if created else 'changed'}",
        actor=actor,
        target=obj,
        state_body=state_body,
    )


# --- Employees --------------------------------------------------------------------------


@transaction.atomic
def employee_register(
    *,
    user: User,
    position: str,
    state_body: StateBody,
    supervisor: User | None = None,
    unit_head: User | None = None,
    actor: User | None = None,
) -> Employee:
    """Record (or update) a civil servant's post, unit and evaluators. Idempotent."""
    if supervisor is not None and supervisor.pk == user.pk:
        raise ApplicationError(_("A person cannot supervise themselves."), code="self_supervisor")
    staff_assign(user=user, role=Role.EMPLOYEE, state_body=state_body, actor=actor)
    employee, created = Employee.objects.update_or_create(
        user=user,
        defaults={
            "position": position,
            "state_body": state_body,
            "supervisor": supervisor,
            "unit_head": unit_head,
            "is_active": True,
        },
    )
    audit_record(
        action="evaluation.employee.registered" if created else "evaluation.employee.changed",
        actor=actor,
        target=employee,
        state_body=state_body,
        details={
            "user_id": user.pk,
            "supervisor_id": supervisor.pk if supervisor else None,
            "unit_head_id": unit_head.pk if unit_head else None,
        },
    )
    return employee


# --- Cycles -----------------------------------------------------------------------------


def _period_key(kind: str, year: int, quarter: int | None) -> str:
    return f"{year}-Q{quarter}" if kind == Cycle.Kind.QUARTER else f"{year}-Y"


def _cycle_dates(kind: str, year: int, quarter: int | None, rules: dict):
    if kind == Cycle.Kind.QUARTER:
        start, end = scoring.quarter_bounds(year, quarter)
        due = scoring.quarter_due_date(year, quarter, due_day=int(rules["quarter_due_day"]))
    else:
        start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
        due = scoring.annual_due_date(year, due_day=int(rules["annual_due_day"]))
    return start, end, due


@transaction.atomic
def cycle_create(
    *,
    state_body: StateBody,
    year: int,
    quarter: int | None,
    kind: str = Cycle.Kind.QUARTER,
    actor: User | None = None,
) -> Cycle:
    if kind == Cycle.Kind.QUARTER and quarter not in (1, 2, 3, 4):
        raise ApplicationError(_("Choose a quarter from 1 to 4."), code="bad_quarter")
    if kind == Cycle.Kind.ANNUAL:
        quarter = None
    exists = Cycle.objects.filter(state_body=state_body, kind=kind, year=year, quarter=quarter)
    if exists.exists():
        raise ApplicationError(
            _("This body already has a cycle for that period."), code="duplicate_cycle"
        )
    start, end, due = _cycle_dates(kind, year, quarter, rules_for_body(state_body))
    cycle = Cycle.objects.create(
        state_body=state_body,
        kind=kind,
        year=year,
        quarter=quarter,
        period_start=start,
        period_end=end,
        due_date=due,
    )
    audit_record(
        action="evaluation.cycle.created",
        actor=actor,
        target=cycle,
        state_body=state_body,
        details={"period": cycle.label},
    )
    return cycle


def _employees_in(body: StateBody):
    return Employee.objects.filter(is_active=True, state_body__path__startswith=body.path)


@transaction.atomic
def cycle_open(*, cycle: Cycle, actor: User | None = None) -> int:
    """Freeze the rules into the cycle and start one assessment per employee in the body
    and the bodies beneath it (skipping anyone already evaluated for the period)."""
    cycle = Cycle.objects.select_for_update().select_related("state_body").get(pk=cycle.pk)
    _cycle_move(cycle, Cycle.Status.OPEN)
    cycle.rules = rules_for_body(cycle.state_body)
    cycle.period_start, cycle.period_end, cycle.due_date = _cycle_dates(
        cycle.kind, cycle.year, cycle.quarter, cycle.rules
    )
    cycle.opened_at = timezone.now()
    cycle.save(
        update_fields=["status", "rules", "period_start", "period_end", "due_date", "opened_at"]
    )
    key = _period_key(cycle.kind, cycle.year, cycle.quarter)
    taken = set(Assessment.objects.filter(period_key=key).values_list("employee_id", flat=True))
    created = Assessment.objects.bulk_create(
        [
            Assessment(cycle=cycle, employee_id=employee_id, period_key=key)
            for employee_id in _employees_in(cycle.state_body).values_list("pk", flat=True)
            if employee_id not in taken
        ]
    )
    audit_record(
        action="evaluation.cycle.opened",
        actor=actor,
        target=cycle,
        state_body=cycle.state_body,
        details={"period": cycle.label, "assessments": len(created), "rules": cycle.rules},
    )
    return len(created)


@transaction.atomic
def cycle_close(*, cycle: Cycle, actor: User | None = None) -> Cycle:
    """Close the cycle: its results and rules are final from now on."""
    cycle = Cycle.objects.select_for_update().select_related("state_body").get(pk=cycle.pk)
    _cycle_move(cycle, Cycle.Status.CLOSED)
    cycle.closed_at = timezone.now()
    cycle.save(update_fields=["status", "closed_at"])
    # The cycle's deadline is every 360 round's deadline too.
    cycle.assessments.filter(feedback_closed_at__isnull=True).update(
        feedback_closed_at=cycle.closed_at
    )
    pending = cycle.assessments.filter(status__in=EDITABLE).count()
    audit_record(
        action="evaluation.cycle.closed",
        actor=actor,
        target=cycle,
        state_body=cycle.state_body,
        details={"period": cycle.label, "without_result": pending},
    )
    return cycle


# --- Who evaluates ----------------------------------------------------------------------


def evaluator_roles(*, assessment: Assessment, user: User) -> set[str]:
    """The evaluator roles ``user`` holds for ``assessment``. With no distinct head (or no
    supervisor) the one evaluator fills both."""
    employee = assessment.employee
    supervisor_id = employee.supervisor_id or employee.unit_head_id
    head_id = employee.unit_head_id or employee.supervisor_id
    roles = set()
    if user.pk is not None and user.pk == supervisor_id:
        roles.add(CompetencyRating.Evaluator.SUPERVISOR)
    if user.pk is not None and user.pk == head_id:
        roles.add(CompetencyRating.Evaluator.HEAD)
    return roles


def _locked_assessment(assessment: Assessment) -> Assessment:
    return (
        Assessment.objects.select_for_update(of=("self",))
        .select_related("cycle", "cycle__state_body", "employee", "employee__state_body")
        .get(pk=assessment.pk)
    )


def _require_editable(assessment: Assessment) -> None:
    if assessment.cycle.status != Cycle.Status.OPEN:
        raise ApplicationError(
            _("The cycle is not open: nothing in it can be changed."), code="cycle_not_open"
        )
    if assessment.status not in EDITABLE:
        raise ApplicationError(
            _("The result is already issued: it can no longer be changed here."),
            code="finalized",
        )


def _require_evaluator(assessment: Assessment, actor: User) -> set[str]:
    roles = evaluator_roles(assessment=assessment, user=actor)
    if not roles:
        raise ApplicationError(
            _("Only the employee's supervisor or head of the unit can do this."),
            code="not_evaluator",
        )
    return roles


# --- KPIs -------------------------------------------------------------------------------


def _decimal(value, *, field: str) -> Decimal:
    try:
        number = Decimal(str(value).replace(",", ".").strip())
    except (InvalidOperation, ValueError) as exc:
        raise ApplicationError(
            _("%(field)s must be a number.") % {"field": field}, code="not_a_number"
        ) from exc
    if not number.is_finite() or abs(number) >= Decimal("1e12"):
        raise ApplicationError(_("%(field)s must be a number.") % {"field": field}, code="nan")
    return number


@transaction.atomic
def kpi_add(
    *,
    assessment: Assessment,
    actor: User,
    name: str,
    target,
    weight: int,
    unit: str = "",
    direction: str = Kpi.Direction.HIGHER,
) -> Kpi:
    assessment = _locked_assessment(assessment)
    _require_editable(assessment)
    _require_evaluator(assessment, actor)
    name = (name or "").strip()
    if not name:
        raise ApplicationError(_("Name the indicator."), code="no_name")
    target = _decimal(target, field=gettext("The target"))
    if target <= 0:
        raise ApplicationError(_("The target must be greater than zero."), code="bad_target")
    if direction not in Kpi.Direction.values:
        raise ApplicationError(_("Choose a direction."), code="bad_direction")
    if not 1 <= int(weight) <= 100:
        raise ApplicationError(_("The weight must be from 1 to 100."), code="bad_weight")
    kpi = Kpi.objects.create(
        assessment=assessment,
        name=name[:200],
        unit=(unit or "").strip()[:40],
        direction=direction,
        target=target,
        weight=int(weight),
    )
    audit_record(
        action="evaluation.kpi.added",
        actor=actor,
        target=kpi,
        state_body=assessment.cycle.state_body,
        details={"assessment_id": assessment.pk, "target": str(target), "weight": kpi.weight},
    )
    return kpi


def _evidence_name(upload, extension: str) -> str:
    try:
        stem = get_valid_filename(PurePath(str(upload.name or "evidence")).stem)[:80]
    except SuspiciousFileOperation:
        stem = "evidence"
    return f"{stem or 'evidence'}{extension}"


@transaction.atomic
def kpi_report(*, kpi: Kpi, actor: User, actual=None, evidence=None) -> Kpi:
    """The employee (or an evaluator) records the actual value and/or evidence."""
    assessment = _locked_assessment(kpi.assessment)
    kpi = Kpi.objects.select_for_update().get(pk=kpi.pk)
    _require_editable(assessment)
    if actor.pk != assessment.employee.user_id:
        _require_evaluator(assessment, actor)
    fields: list[str] = []
    details: dict = {"assessment_id": assessment.pk}
    if actual not in (None, ""):
        value = _decimal(actual, field=gettext("The actual value"))
        if value < 0:
            raise ApplicationError(_("The actual value cannot be negative."), code="negative")
        kpi.actual = value
        fields.append("actual")
        details["actual"] = str(value)
    old_file = None
    if evidence:
        checked = upload_check(evidence, max_bytes=EVIDENCE_MAX_BYTES)
        old_file = kpi.evidence.name or None
        kpi.evidence.save("evidence", evidence, save=False)
        kpi.evidence_name = _evidence_name(evidence, checked.extension)
        kpi.evidence_type = checked.content_type
        kpi.evidence_size = checked.size
        kpi.evidence_sha256 = checked.sha256
        fields += ["evidence", "evidence_name", "evidence_type", "evidence_size", "evidence_sha256"]
        details["evidence_sha256"] = checked.sha256
    if not fields:
        raise ApplicationError(_("Enter the actual value or attach evidence."), code="nothing")
    kpi.save(update_fields=fields)
    if old_file:
        storage, name = kpi.evidence.storage, old_file
        transaction.on_commit(lambda: storage.delete(name))
    audit_record(
        action="evaluation.kpi.reported",
        actor=actor,
        target=kpi,
        state_body=assessment.cycle.state_body,
        details=details,
    )
    return kpi


# --- Scoring by the evaluators ----------------------------------------------------------


def _component_scores(assessment: Assessment, rules: dict) -> dict:
    kpis = [
        scoring.KpiFigures(
            target=k.target,
            actual=k.actual,
            weight=k.weight,
            lower_is_better=k.direction == Kpi.Direction.LOWER,
        )
        for k in assessment.kpis.all()
    ]
    cycle = assessment.cycle
    start = timezone.make_aware(dt.datetime.combine(cycle.period_start, dt.time.min))
    end = timezone.make_aware(
        dt.datetime.combine(cycle.period_end + dt.timedelta(days=1), dt.time.min)
    )
    citizen = (
        CitizenRatingLink.objects.counted()
        .filter(employee_id=assessment.employee_id, rated_at__gte=start, rated_at__lt=end)
        .values_list("score", flat=True)
    )
    return {
        "kpi": scoring.kpi_score(kpis, cap_percent=int(rules["kpi_cap_percent"])),
        "competency": scoring.five_point_score(
            assessment.competency_ratings.values_list("score", flat=True)
        ),
        "feedback": scoring.feedback_score(
            assessment.feedback_responses.values_list("collaboration", "reliability", "respect"),
            min_respondents=int(rules["feedback_min_respondents"]),
        ),
        "citizen": scoring.five_point_score(citizen),
    }


def _apply_result(assessment: Assessment, composite: Decimal | None, rules: dict) -> None:
    assessment.composite = composite
    if composite is None:
        assessment.band, assessment.bonus_tier, assessment.bonus_percent = "", None, 0
        return
    assessment.band = scoring.band_for(composite, rules)
    assessment.bonus_tier, assessment.bonus_percent = scoring.tier_for(composite, rules)


RESULT_FIELDS = [
    "kpi_score",
    "competency_score",
    "feedback_score",
    "citizen_score",
    "composite",
    "band",
    "bonus_tier",
    "bonus_percent",
]


def _finalize(assessment: Assessment, now: dt.datetime) -> None:
    rules = assessment.cycle.rules
    # The result takes the 360 figure once, from a round that can no longer change.
    if assessment.feedback_closed_at is None:
        assessment.feedback_closed_at = now
    scores = _component_scores(assessment, rules)
    assessment.kpi_score = scores["kpi"]
    assessment.competency_score = scores["competency"]
    assessment.feedback_score = scores["feedback"]
    assessment.citizen_score = scores["citizen"]
    _apply_result(assessment, scoring.composite_score(scores, rules), rules)
    assessment.finalized_at = now
    assessment.respond_by = timezone.localdate(now) + dt.timedelta(days=int(rules["contest_days"]))


@transaction.atomic
def assessment_score(
    *, assessment: Assessment, actor: User, ratings: dict[int, int], comment: str = ""
) -> Assessment:
    """An evaluator rates each competency from 1 to 5. The supervisor goes first; the head
    of the unit's rating issues the result (one person holding both does both at once)."""
    assessment = _locked_assessment(assessment)
    _require_editable(assessment)
    roles = _require_evaluator(assessment, actor)
    Ev = CompetencyRating.Evaluator
    if assessment.status == S.OPEN:
        if Ev.SUPERVISOR not in roles:
            raise ApplicationError(
                _("The immediate supervisor evaluates first; the head of the unit follows."),
                code="supervisor_first",
            )
        acting = roles  # supervisor, and head too when it is the same person
    else:
        if Ev.HEAD not in roles:
            raise ApplicationError(
                _("The supervisor has evaluated; now only the head of the unit can."),
                code="head_next",
            )
        acting = {Ev.HEAD}
    competencies = list(
        Competency.objects.filter(is_active=True)
        .filter(Q(state_body__isnull=True) | Q(state_body__path__in=_ancestor_paths(assessment)))
        .values_list("pk", flat=True)
    )
    if not competencies:
        raise ApplicationError(_("No competencies are set up for this body."), code="none")
    cleaned: dict[int, int] = {}
    for pk in competencies:
        value = ratings.get(pk)
        try:
            value = int(value)
        except (TypeError, ValueError):
            value = 0
        if not 1 <= value <= 5:
            raise ApplicationError(_("Rate every competency from 1 to 5."), code="rating_missing")
        cleaned[pk] = value
    CompetencyRating.objects.filter(assessment=assessment, evaluator__in=acting).delete()
    CompetencyRating.objects.bulk_create(
        [
            CompetencyRating(assessment=assessment, competency_id=pk, evaluator=role, score=score)
            for role in sorted(acting)
            for pk, score in cleaned.items()
        ]
    )
    fields = ["status"]
    if Ev.SUPERVISOR in acting:
        assessment.supervisor_comment = comment.strip()
        assessment.supervisor_scored_by = actor
        fields += ["supervisor_comment", "supervisor_scored_by"]
    if Ev.HEAD in acting:
        assessment.head_comment = comment.strip()
        assessment.head_scored_by = actor
        fields += ["head_comment", "head_scored_by"]
    now = timezone.now()
    if Ev.HEAD in acting:
        _assessment_move(assessment, S.FINALIZED)
        _finalize(assessment, now)
        fields += [*RESULT_FIELDS, "finalized_at", "respond_by", "feedback_closed_at"]
    else:
        _assessment_move(assessment, S.SUPERVISOR_DONE)
    assessment.save(update_fields=fields)
    audit_record(
        action="evaluation.assessment.scored",
        actor=actor,
        target=assessment,
        state_body=assessment.cycle.state_body,
        details={
            "as": sorted(acting),
            "status": assessment.status,
            "composite": str(assessment.composite) if assessment.composite is not None else None,
        },
    )
    return assessment


def _ancestor_paths(assessment: Assessment) -> list[str]:
    path = assessment.employee.state_body.path
    parts = [p for p in path.strip("/").split("/") if p]
    return ["/" + "/".join(parts[: i + 1]) + "/" for i in range(len(parts))]


# --- The employee's answer, and the review -----------------------------------------------


def _require_own(assessment: Assessment, actor: User) -> None:
    if actor.pk != assessment.employee.user_id:
        raise ApplicationError(_("Only the evaluated employee can do this."), code="not_own")


def _require_in_time(assessment: Assessment, today: dt.date) -> None:
    if assessment.respond_by and today > assessment.respond_by:
        raise ApplicationError(
            _("The time to acknowledge or contest this result ended on %(date)s.")
            % {"date": assessment.respond_by.isoformat()},
            code="too_late",
        )


@transaction.atomic
def assessment_acknowledge(
    *, assessment: Assessment, actor: User, today: dt.date | None = None
) -> Assessment:
    assessment = _locked_assessment(assessment)
    _require_own(assessment, actor)
    _assessment_move(assessment, S.ACKNOWLEDGED)
    _require_in_time(assessment, today or timezone.localdate())
    assessment.acknowledged_at = timezone.now()
    assessment.save(update_fields=["status", "acknowledged_at"])
    audit_record(
        action="evaluation.assessment.acknowledged",
        actor=actor,
        target=assessment,
        state_body=assessment.cycle.state_body,
    )
    return assessment


@transaction.atomic
def assessment_contest(
    *,
    assessment: Assessment,
    actor: User,
    reason: str,
    is_ethical: bool = False,
    today: dt.date | None = None,
) -> Assessment:
    """The employee contests the result: it goes to review, and on ethical grounds it also
    becomes an ethics case."""
    assessment = _locked_assessment(assessment)
    _require_own(assessment, actor)
    _assessment_move(assessment, S.CONTESTED)
    _require_in_time(assessment, today or timezone.localdate())
    reason = (reason or "").strip()
    if len(reason) < 10:
        raise ApplicationError(
            _("Explain the grounds of the contest (at least 10 characters)."), code="no_reason"
        )
    assessment.contested_at = timezone.now()
    assessment.contest_reason = reason[:5000]
    assessment.contest_is_ethical = bool(is_ethical)
    fields = ["status", "contested_at", "contest_reason", "contest_is_ethical"]
    if is_ethical:
        from ethics.public import system_case_raise

        assessment.ethics_case_id = system_case_raise(
            kind="evaluation_contest",
            state_body_id=assessment.employee.state_body_id,
            summary=f"Evaluation {assessment.cycle.label} contested on ethical grounds "
            f"(assessment #{assessment.pk})",
            evidence={
                "assessment_id": assessment.pk,
                "cycle": assessment.cycle.label,
                "composite": str(assessment.composite),
                "band": assessment.band,
            },
            dedupe_key=f"evaluation:contest:{assessment.pk}",
        )
        fields.append("ethics_case_id")
    assessment.save(update_fields=fields)
    audit_record(
        action="evaluation.assessment.contested",
        actor=actor,
        target=assessment,
        state_body=assessment.cycle.state_body,
        details={"ethical": bool(is_ethical), "ethics_case_id": assessment.ethics_case_id},
    )
    return assessment


@transaction.atomic
def assessment_review_decide(
    *,
    assessment: Assessment,
    actor: User,
    outcome: str,
    note: str,
    revised_composite: Decimal | None = None,
) -> Assessment:
    """Decide a contested result. A revision recomputes band and tier with the cycle's own
    frozen rules, never the body's current ones."""
    assessment = _locked_assessment(assessment)
    _assessment_move(assessment, S.REVIEWED)
    note = (note or "").strip()
    if not note:
        raise ApplicationError(_("Write the reasons for the decision."), code="no_note")
    if outcome not in Assessment.ReviewOutcome.values:
        raise ApplicationError(_("Choose the outcome of the review."), code="bad_outcome")
    fields = ["status", "review_outcome", "review_note", "reviewed_by", "reviewed_at"]
    previous = assessment.composite
    if outcome == Assessment.ReviewOutcome.REVISED:
        if revised_composite is None or not 0 <= Decimal(revised_composite) <= 100:
            raise ApplicationError(
                _("A revised result needs a composite score from 0 to 100."), code="bad_score"
            )
        _apply_result(
            assessment, scoring.round2(Decimal(revised_composite)), assessment.cycle.rules
        )
        fields += ["composite", "band", "bonus_tier", "bonus_percent"]
    assessment.review_outcome = outcome
    assessment.review_note = note[:5000]
    assessment.reviewed_by = actor
    assessment.reviewed_at = timezone.now()
    assessment.save(update_fields=fields)
    audit_record(
        action="evaluation.assessment.reviewed",
        actor=actor,
        target=assessment,
        state_body=assessment.cycle.state_body,
        details={
            "outcome": outcome,
            "from": str(previous) if previous is not None else None,
            "to": str(assessment.composite) if assessment.composite is not None else None,
        },
    )
    return assessment


# --- 360 feedback -----------------------------------------------------------------------
#
# An assessment has one 360 round. Nothing of it is shown while it is open; it closes once
# (an evaluator closes it, the result closes it, the cycle's close closes it) and then takes
# no new respondent and no answer. So no figure exists both before and after one more
# answer, and "5 x after - 4 x before" has nothing to work on.


def _require_round_open(assessment: Assessment) -> None:
    if assessment.feedback_closed_at is not None:
        raise ApplicationError(
            _("The 360 round is closed: no one can be added and no answer is accepted."),
            code="feedback_closed",
        )


@transaction.atomic
def feedback_round_close(*, assessment: Assessment, actor: User) -> Assessment:
    """An evaluator closes the 360 round; its average (of at least 3 answers) shows from now
    on and never changes."""
    assessment = _locked_assessment(assessment)
    _require_editable(assessment)
    _require_evaluator(assessment, actor)
    _require_round_open(assessment)
    assessment.feedback_closed_at = timezone.now()
    assessment.save(update_fields=["feedback_closed_at"])
    audit_record(
        action="evaluation.feedback.closed",
        actor=actor,
        target=assessment,
        state_body=assessment.cycle.state_body,
    )
    return assessment


@transaction.atomic
def feedback_invite(
    *, assessment: Assessment, actor: User, respondents: list[User], relation: str
) -> int:
    assessment = _locked_assessment(assessment)
    _require_editable(assessment)
    _require_evaluator(assessment, actor)
    _require_round_open(assessment)
    if relation not in FeedbackInvitation.Relation.values:
        raise ApplicationError(_("Choose peers or subordinates."), code="bad_relation")
    people = [p for p in respondents if p.pk != assessment.employee.user_id]
    if not people:
        raise ApplicationError(_("Choose at least one colleague."), code="nobody")
    invited = 0
    for person in people:
        _invitation, created = FeedbackInvitation.objects.get_or_create(
            assessment=assessment, respondent=person, defaults={"relation": relation}
        )
        invited += int(created)
    audit_record(
        action="evaluation.feedback.invited",
        actor=actor,
        target=assessment,
        state_body=assessment.cycle.state_body,
        details={"invited": invited, "relation": relation},
    )
    return invited


@transaction.atomic
def feedback_submit(
    *,
    invitation: FeedbackInvitation,
    actor: User,
    collaboration: int,
    reliability: int,
    respect: int,
) -> None:
    """Record one anonymous answer. The invitation only learns that it was answered."""
    if invitation.respondent_id != actor.pk:
        raise ApplicationError(_("This request is addressed to someone else."), code="not_yours")
    marks = [collaboration, reliability, respect]
    if any(not isinstance(m, int) or not 1 <= m <= 5 for m in marks):
        raise ApplicationError(_("Give every mark from 1 to 5."), code="bad_mark")
    assessment = _locked_assessment(invitation.assessment)
    _require_editable(assessment)
    _require_round_open(assessment)
    claimed = FeedbackInvitation.objects.filter(pk=invitation.pk, answered=False).update(
        answered=True
    )
    if not claimed:
        raise ApplicationError(_("You have already answered this request."), code="answered")
    FeedbackResponse.objects.create(
        assessment=assessment, collaboration=collaboration, reliability=reliability, respect=respect
    )
    # No actor and no invitation id: the ledger must not tie a person to an answer.
    audit_record(
        action="evaluation.feedback.answered",
        target=assessment,
        state_body=assessment.cycle.state_body,
    )


# --- Citizens' ratings ------------------------------------------------------------------


def token_normalise(raw: str) -> str:
    return "".join(ch for ch in (raw or "").upper() if ch.isalnum())


def token_hash(token: str) -> str:
    return blind_index(token_normalise(token), purpose="evaluation-citizen-rating")


def token_display(token: str) -> str:
    return "-".join(token[i : i + 4] for i in range(0, len(token), 4))


@dataclass(frozen=True)
class IssuedLink:
    link: CitizenRatingLink
    token: str

    @property
    def code(self) -> str:
        return token_display(self.token)

    @property
    def path(self) -> str:
        """The page the citizen opens. The token rides in the fragment, which browsers never
        send: it reaches the server only in the POST body of the rating form, so it is in
        no access log, proxy log or Referer."""
        return f"{reverse('evaluation:rate_start')}#{self.token}"


def rating_links_per_day() -> int:
    return int(getattr(settings, "EVALUATION_RATING_LINKS_PER_DAY", RATING_LINKS_PER_DAY))


def may_issue_rating_link(*, user: User | None, employee: Employee) -> bool:
    """The service desk issues links: a person with ``evaluation.issue_rating_link`` who
    works in the employee's body or a body above it, and never the employee."""
    if user is None or not user.is_authenticated or user.pk == employee.user_id:
        return False
    if not user.has_perm("evaluation.issue_rating_link"):
        return False
    from evaluation.selectors import desk_bodies

    return desk_bodies(user).filter(pk=employee.state_body_id).exists()


def _require_desk(actor: User | None, employee: Employee) -> None:
    if actor is not None and actor.pk == employee.user_id:
        raise ApplicationError(
            _(
                "No one can issue a rating link for a service they delivered themselves: "
                "the service desk issues it."
            ),
            code="own_link",
        )
    if not may_issue_rating_link(user=actor, employee=employee):
        raise ApplicationError(
            _("Only the service desk of the employee's body can issue rating links."),
            code="not_desk",
        )


def _link_create(delivery: ServiceDelivery) -> IssuedLink:
    if CitizenRatingLink.objects.filter(delivery=delivery).exists():
        raise ApplicationError(
            _("This service delivery already has its rating link: it can be rated only once."),
            code="delivery_has_link",
        )
    token = "".join(secrets.choice(TOKEN_ALPHABET) for _ in range(TOKEN_LENGTH))
    now = timezone.now()
    link = CitizenRatingLink.objects.create(
        delivery=delivery,
        employee_id=delivery.employee_id,
        state_body_id=delivery.state_body_id,
        service=delivery.service,
        token_hash=token_hash(token),
        issued_at=now,
        expires_at=now + dt.timedelta(days=CITIZEN_LINK_DAYS),
    )
    return IssuedLink(link=link, token=token)


@transaction.atomic
def citizen_link_issue(
    *,
    employee: Employee,
    actor: User | None,
    service: str,
    delivered_on: dt.date | None = None,
) -> IssuedLink:
    """The service desk records one service ``employee`` delivered and gets the one-time
    link (and code) for the citizen served. The token is shown once."""
    service = (service or "").strip()
    if not service:
        raise ApplicationError(_("Name the service provided."), code="no_service")
    _require_desk(actor, employee)
    # The row lock makes the daily count exact under parallel requests.
    employee = Employee.objects.select_for_update().select_related("state_body").get(pk=employee.pk)
    if not employee.is_active:
        raise ApplicationError(_("This employee is not in service."), code="inactive")
    today = timezone.localdate()
    delivered_on = delivered_on or today
    if not today - dt.timedelta(days=CITIZEN_LINK_DAYS) <= delivered_on <= today:
        raise ApplicationError(
            _("The service must have been delivered in the last 30 days."), code="bad_date"
        )
    limit = rating_links_per_day()
    day_start = timezone.make_aware(dt.datetime.combine(today, dt.time.min))
    if (
        ServiceDelivery.objects.filter(employee=employee, created_at__gte=day_start).count()
        >= limit
    ):
        raise ApplicationError(
            _(
                "This employee has reached the daily limit of %(limit)s rating links. "
                "Try again tomorrow."
            )
            % {"limit": limit},
            code="daily_cap",
        )
    delivery = ServiceDelivery.objects.create(
        employee=employee,
        state_body_id=employee.state_body_id,
        service=service[:200],
        delivered_on=delivered_on,
        issued_by=actor,
    )
    issued = _link_create(delivery)
    audit_record(
        action="evaluation.citizen_link.issued",
        actor=actor,
        target=issued.link,
        state_body=employee.state_body,
        details={"delivery_id": delivery.pk, "employee_id": employee.pk},
    )
    return issued


@transaction.atomic
def citizen_link_for_delivery(*, delivery: ServiceDelivery, actor: User) -> IssuedLink:
    """A link for a delivery recorded without one. A delivery never gets a second link."""
    delivery = (
        ServiceDelivery.objects.select_for_update()
        .select_related("employee", "employee__state_body")
        .get(pk=delivery.pk)
    )
    _require_desk(actor, delivery.employee)
    issued = _link_create(delivery)
    audit_record(
        action="evaluation.citizen_link.issued",
        actor=actor,
        target=issued.link,
        state_body=delivery.employee.state_body,
        details={"delivery_id": delivery.pk, "employee_id": delivery.employee_id},
    )
    return issued


INVALID_LINK = _("This rating link is not valid. Check the code and try again.")
USED_LINK = _("This link has already been used: each service can be rated only once.")
EXPIRED_LINK = _("This rating link has expired.")


def citizen_link_find(token: str) -> CitizenRatingLink:
    token = token_normalise(token)
    if len(token) != TOKEN_LENGTH:
        raise ApplicationError(INVALID_LINK, code="invalid_link")
    link = (
        CitizenRatingLink.objects.select_related("state_body")
        .filter(token_hash=token_hash(token))
        .first()
    )
    if link is None:
        raise ApplicationError(INVALID_LINK, code="invalid_link")
    if link.rated_at is not None:
        raise ApplicationError(USED_LINK, code="used_link")
    if link.expires_at <= timezone.now():
        raise ApplicationError(EXPIRED_LINK, code="expired_link")
    return link


@transaction.atomic
def citizen_rating_submit(*, token: str, score: int, comment: str = "") -> CitizenRatingLink:
    """The citizen's one rating. The conditional UPDATE makes a second use (even at the
    same moment) change nothing."""
    link = citizen_link_find(token)
    if not isinstance(score, int) or not 1 <= score <= 5:
        raise ApplicationError(_("Choose a rating from 1 to 5."), code="bad_score")
    now = timezone.now()
    claimed = CitizenRatingLink.objects.filter(pk=link.pk, rated_at__isnull=True).update(
        rated_at=now, score=score, comment=(comment or "").strip()[:2000]
    )
    if not claimed:
        raise ApplicationError(USED_LINK, code="used_link")
    audit_record(
        action="evaluation.citizen_rating.given",
        target=link,
        state_body=link.state_body,
        details={"score": score},
    )
    link.refresh_from_db()
    citizen_ratings_outlier_check(employee_id=link.employee_id, when=now)
    return link


# Citizens' ratings that look arranged go to the ethics commissioner. The rule, per employee
# and calendar quarter, over the ratings that count:
#   - the employee has at least OUTLIER_MIN_RATINGS ratings, and the rest of their unit
#     (same body) at least OUTLIER_MIN_UNIT_RATINGS;
#   - the employee's average is at least OUTLIER_MIN_GAP above the unit's, and at least
#     OUTLIER_STANDARD_ERRORS standard errors above it (the unit's spread of single ratings
#     over the square root of the employee's count: more ratings, less room for luck);
#   - one desk officer issued more than half of the employee's rated links.
# One case per employee and quarter; the evidence is figures only, no citizen data.
OUTLIER_MIN_RATINGS = 10
OUTLIER_MIN_UNIT_RATINGS = 10
OUTLIER_MIN_GAP = Decimal("0.5")
OUTLIER_STANDARD_ERRORS = 3
OUTLIER_DESK_SHARE = Decimal("0.5")


def citizen_ratings_outlier_check(*, employee_id: int, when: dt.datetime) -> int | None:
    """Raise (once) an ethics case when the employee's ratings this quarter meet the rule
    above; return the case id, or None."""
    day = timezone.localdate(when)
    year, quarter = day.year, scoring.quarter_of(day)
    first, last = scoring.quarter_bounds(year, quarter)
    period = {
        "rated_at__gte": timezone.make_aware(dt.datetime.combine(first, dt.time.min)),
        "rated_at__lt": timezone.make_aware(
            dt.datetime.combine(last + dt.timedelta(days=1), dt.time.min)
        ),
    }
    counted = CitizenRatingLink.objects.counted().filter(**period)
    mine = counted.filter(employee_id=employee_id)
    own = mine.aggregate(n=Count("pk"), avg=Avg("score"))
    if own["n"] < OUTLIER_MIN_RATINGS:
        return None
    employee = Employee.objects.get(pk=employee_id)
    unit = (
        counted.filter(employee__state_body_id=employee.state_body_id)
        .exclude(employee_id=employee_id)
        .aggregate(n=Count("pk"), avg=Avg("score"), sq=Avg(F("score") * F("score")))
    )
    if unit["n"] < OUTLIER_MIN_UNIT_RATINGS:
        return None
    average, unit_average = Decimal(str(own["avg"])), Decimal(str(unit["avg"]))
    spread = Decimal(str(math.sqrt(max(0.0, float(unit["sq"]) - float(unit["avg"]) ** 2))))
    gap = average - unit_average
    if gap < OUTLIER_MIN_GAP or gap < OUTLIER_STANDARD_ERRORS * spread / Decimal(own["n"]).sqrt():
        return None
    top = (
        mine.values("delivery__issued_by_id")
        .annotate(links=Count("pk"))
        .order_by("-links", "delivery__issued_by_id")
        .first()
    )
    if Decimal(top["links"]) <= OUTLIER_DESK_SHARE * own["n"]:
        return None
    from ethics.public import system_case_raise

    label = f"{year} Q{quarter}"
    return system_case_raise(
        kind="integrity_flag",
        state_body_id=employee.state_body_id,
        summary=f"Citizens' ratings of employee #{employee_id} far above the unit in {label}, "
        "mostly from links of one desk officer",
        evidence={
            "signal": "citizen_rating_outlier",
            "employee_id": employee_id,
            "period": label,
            "ratings": own["n"],
            "average": str(scoring.round2(average)),
            "unit_ratings": unit["n"],
            "unit_average": str(scoring.round2(unit_average)),
            "unit_spread": str(scoring.round2(spread)),
            "top_desk_officer_id": top["delivery__issued_by_id"],
            "top_desk_officer_links": top["links"],
        },
        dedupe_key=f"evaluation:citizen-outlier:{employee_id}:{year}-Q{quarter}",
    )


# --- Annual results ---------------------------------------------------------------------


@transaction.atomic
def annual_results_compute(*, year: int, actor: User | None = None) -> int:
    """Average each employee's quarterly results of ``year`` into an annual result, per body
    that ran quarterly cycles. Idempotent: existing annual results are left alone."""
    created = 0
    bodies = (
        Cycle.objects.filter(kind=Cycle.Kind.QUARTER, year=year)
        .exclude(status=Cycle.Status.DRAFT)
        .values_list("state_body_id", flat=True)
        .distinct()
    )
    for body in StateBody.objects.filter(pk__in=list(bodies)).order_by("path"):
        cycle = Cycle.objects.filter(state_body=body, kind=Cycle.Kind.ANNUAL, year=year).first()
        if cycle is None:
            cycle = cycle_create(state_body=body, year=year, quarter=None, kind=Cycle.Kind.ANNUAL)
        if cycle.status == Cycle.Status.DRAFT:
            cycle_open_annual(cycle=cycle)
        created += _annual_assessments(cycle=cycle)
    return created


def cycle_open_annual(*, cycle: Cycle) -> None:
    cycle.rules = rules_for_body(cycle.state_body)
    cycle.status = Cycle.Status.OPEN
    cycle.opened_at = timezone.now()
    cycle.save(update_fields=["rules", "status", "opened_at"])
    audit_record(
        action="evaluation.cycle.opened",
        target=cycle,
        state_body=cycle.state_body,
        details={"period": cycle.label, "rules": cycle.rules, "annual": True},
    )


def _annual_assessments(*, cycle: Cycle) -> int:
    key = _period_key(Cycle.Kind.ANNUAL, cycle.year, None)
    quarterly = (
        Assessment.objects.filter(
            cycle__state_body=cycle.state_body,
            cycle__kind=Cycle.Kind.QUARTER,
            cycle__year=cycle.year,
            status__in=RESULT_STATUSES,
        )
        .exclude(employee__assessments__period_key=key)
        .values_list("employee_id", "composite")
    )
    by_employee: dict[int, list] = {}
    for employee_id, composite in quarterly:
        by_employee.setdefault(employee_id, []).append(composite)
    now = timezone.now()
    created = 0
    for employee_id, composites in sorted(by_employee.items()):
        score = scoring.annual_score(composites)
        if score is None:
            continue
        assessment = Assessment(
            cycle=cycle,
            employee_id=employee_id,
            period_key=key,
            status=S.FINALIZED,
            quarters_counted=len([c for c in composites if c is not None]),
            finalized_at=now,
            respond_by=timezone.localdate(now)
            + dt.timedelta(days=int(cycle.rules["contest_days"])),
        )
        _apply_result(assessment, score, cycle.rules)
        try:
            with transaction.atomic():
                assessment.save()
        except IntegrityError:
            continue  # another run got there first
        audit_record(
            action="evaluation.annual.computed",
            target=assessment,
            state_body=cycle.state_body,
            details={"composite": str(score), "quarters": assessment.quarters_counted},
        )
        created += 1
    return created


def annual_due_run(*, today: dt.date | None = None) -> int:
    """Beat entry: from the day after the Q4 deadline (21 January) the previous year's
    annual results are computed, so they exist by 30 January."""
    today = today or timezone.localdate()
    if (today.month, today.day) < (1, 21):
        return 0
    return annual_results_compute(year=today.year - 1)


# --- Reminders --------------------------------------------------------------------------


def _reminder_targets(assessment: Assessment) -> tuple[str, dt.date, list[str]] | None:
    employee = assessment.employee
    if assessment.status == S.OPEN:
        person = employee.supervisor or employee.unit_head
        return "evaluate", assessment.cycle.due_date, [person.email] if person else []
    if assessment.status == S.SUPERVISOR_DONE:
        person = employee.unit_head or employee.supervisor
        return "evaluate", assessment.cycle.due_date, [person.email] if person else []
    if assessment.status == S.FINALIZED and assessment.respond_by:
        return "respond", assessment.respond_by, [employee.user.email]
    return None


def reminders_send(*, today: dt.date | None = None) -> int:
    """Send each due reminder once: one per assessment and deadline, whatever the number of
    runs or workers (the unique row is claimed before the mail goes out)."""
    today = today or timezone.localdate()
    horizon = today + dt.timedelta(days=30)
    candidates = (
        Assessment.objects.filter(cycle__status=Cycle.Status.OPEN)
        .filter(
            Q(status__in=EDITABLE, cycle__due_date__lte=horizon)
            | Q(status=S.FINALIZED, respond_by__lte=horizon, respond_by__gte=today)
        )
        .select_related("cycle", "cycle__state_body", "employee__user", "employee__supervisor")
        .select_related("employee__unit_head")
    )
    sent = 0
    for assessment in candidates.iterator(chunk_size=500):
        target = _reminder_targets(assessment)
        if target is None:
            continue
        kind, deadline, recipients = target
        days = int(assessment.cycle.rules.get("reminder_days", 5))
        if today < deadline - dt.timedelta(days=days):
            continue
        if assessment_remind(
            assessment=assessment, kind=kind, deadline=deadline, recipients=recipients
        ):
            sent += 1
    return sent


@transaction.atomic
def assessment_remind(
    *, assessment: Assessment, kind: str, deadline: dt.date, recipients: list[str]
) -> bool:
    try:
        with transaction.atomic():
            ReminderSent.objects.create(assessment=assessment, kind=kind, deadline=deadline)
    except IntegrityError:
        return False
    recipients = [r for r in recipients if r]
    if recipients:
        with translation.override(settings.LANGUAGE_CODE):
            if kind == "evaluate":
                subject = gettext("Evaluation due by %(date)s") % {"date": deadline.isoformat()}
                body = gettext(
                    "The quarterly evaluation %(period)s of an employee in your unit is due by "
                    "%(date)s.\n\nOpen it: %(path)s"
                ) % {
                    "period": assessment.cycle.label,
                    "date": deadline.isoformat(),
                    "path": reverse("evaluation:score", args=[assessment.pk]),
                }
            else:
                subject = gettext("Your evaluation result: answer by %(date)s") % {
                    "date": deadline.isoformat()
                }
                body = gettext(
                    "Your evaluation result for %(period)s is ready. Acknowledge or contest it "
                    "by %(date)s.\n\nOpen it: %(path)s"
                ) % {
                    "period": assessment.cycle.label,
                    "date": deadline.isoformat(),
                    "path": reverse("evaluation:my_assessment", args=[assessment.pk]),
                }
        send_mail(subject, body, None, recipients)
    audit_record(
        action="evaluation.reminder.sent",
        target=assessment,
        state_body=assessment.cycle.state_body,
        details={"kind": kind, "deadline": deadline.isoformat(), "recipients": len(recipients)},
    )
    return True


# --- Retention --------------------------------------------------------------------------


def results_purge(*, today: dt.date | None = None) -> int:
    """Delete evaluation records older than the retention period each cycle froze (3 years
    by default, counted from the end of the period). One audit event per purged cycle."""
    today = today or timezone.localdate()
    purged = 0
    for cycle in Cycle.objects.select_related("state_body").order_by("period_end"):
        years = int(cycle.rules.get("retention_years") or scoring.DEFAULT_RULES["retention_years"])
        try:
            keep_until = cycle.period_end.replace(year=cycle.period_end.year + years)
        except ValueError:  # 29 February
            keep_until = cycle.period_end.replace(year=cycle.period_end.year + years, day=28)
        if today <= keep_until:
            continue
        if cycle_purge(cycle=cycle):
            purged += 1
    links = CitizenRatingLink.objects.filter(
        issued_at__lt=timezone.now() - dt.timedelta(days=365 * 3 + 1)
    )
    _, removed = links.delete()
    if removed:
        audit_record(
            action="evaluation.citizen_links.purged",
            target_type="evaluation.citizenratinglink",
            details={"deleted": removed.get("evaluation.CitizenRatingLink", 0)},
        )
    return purged


@transaction.atomic
def cycle_purge(*, cycle: Cycle) -> bool:
    cycle = (
        Cycle.objects.select_for_update().filter(pk=cycle.pk).select_related("state_body").first()
    )
    if cycle is None:
        return False
    files = list(
        Kpi.objects.filter(assessment__cycle=cycle)
        .exclude(evidence="")
        .values_list("evidence", flat=True)
    )
    assessments = cycle.assessments.count()
    details = {
        "period": cycle.label,
        "kind": cycle.kind,
        "period_end": cycle.period_end.isoformat(),
        "assessments": assessments,
        "evidence_files": len(files),
    }
    cycle_id, body = cycle.pk, cycle.state_body
    cycle.delete()
    audit_record(
        action="evaluation.cycle.purged",
        target_type="evaluation.cycle",
        target_id=cycle_id,
        state_body=body,
        details=details,
    )
    storage = Kpi._meta.get_field("evidence").storage

    def remove():
        for name in files:
            storage.delete(name)

    transaction.on_commit(remove)
    return True
