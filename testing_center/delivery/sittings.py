"""Sittings: a competition stage's test, bound to a blueprint."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from eqyzmet.audit import audit_record
from eqyzmet.errors import ApplicationError
from eqyzmet.models import StateBody
from testing_center.models import (
    Blueprint,
    Sitting,
)
from testing_center.ports import competitions


@transaction.atomic
def sitting_attach(*, actor, stage_id: int, blueprint: Blueprint) -> Sitting:
    info = competitions.stage_info(stage_id)
    if blueprint.is_practice:
        raise ApplicationError(
            _("A practice blueprint cannot be used in a competition."), code="practice_blueprint"
        )
    if info.locked:
        raise ApplicationError(_("This stage is locked."), code="stage_locked")
    sitting = Sitting.objects.filter(stage_id=stage_id).first()
    if sitting and sitting.attempts.exists() and sitting.blueprint_id != blueprint.pk:
        raise ApplicationError(
            _("Candidates have already started this test; its blueprint cannot change."),
            code="sitting_started",
        )
    if sitting is None:
        sitting = Sitting.objects.create(stage_id=stage_id, blueprint=blueprint)
    elif sitting.blueprint_id != blueprint.pk:
        sitting.blueprint = blueprint
        sitting.save(update_fields=["blueprint"])
    audit_record(
        action="sitting.attached",
        actor=actor,
        target=sitting,
        state_body=StateBody(pk=info.state_body_id),
        details={"stage": info.kind, "blueprint": blueprint.code},
    )
    return sitting
