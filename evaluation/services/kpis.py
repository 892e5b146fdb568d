"""Key performance indicators of an assessment: the evaluator sets them, the employee
reports the actual value and evidence."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from pathlib import PurePath

from django.core.exceptions import SuspiciousFileOperation
from django.db import transaction
from django.utils.text import get_valid_filename
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from eqyzmet.audit import audit_record
from eqyzmet.errors import ApplicationError
from eqyzmet.models import User
from eqyzmet.uploads import upload_check
from evaluation.models import Assessment, Kpi
from evaluation.services.evaluators import (
    _locked_assessment,
    _require_editable,
    _require_evaluator,
)

EVIDENCE_MAX_BYTES = 5 * 1024 * 1024


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
