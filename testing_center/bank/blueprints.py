"""Blueprints: which topics a test draws from, how many items, and its pass rule."""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from eqyzmet.audit import audit_record
from eqyzmet.errors import ApplicationError
from testing_center.models import (
    Blueprint,
    BlueprintSection,
    Topic,
)


@transaction.atomic
def blueprint_upsert(*, actor, spec: dict) -> Blueprint:
    """Create or replace a blueprint from a plain description (used by seeds and imports)."""
    topics = {
        t.code: t for t in Topic.objects.filter(code__in=[s["topic"] for s in spec["sections"]])
    }
    for section in spec["sections"]:
        topic = topics.get(section["topic"])
        if topic is None:
            raise ApplicationError(_("Unknown topic code."), code="unknown_topic")
        if topic.is_practice != bool(spec.get("is_practice", False)):
            raise ApplicationError(
                _("A practice test draws only from the practice bank, and a real one never does."),
                code="bank_mismatch",
            )
    values = {k: v for k, v in spec.items() if k not in ("code", "sections")}
    blueprint, created = Blueprint.objects.update_or_create(code=spec["code"], defaults=values)
    blueprint.sections.all().delete()
    BlueprintSection.objects.bulk_create(
        BlueprintSection(
            blueprint=blueprint,
            position=n,
            topic=topics[s["topic"]],
            item_count=s["items"],
            points_per_item=Decimal(str(s["points"])) if s.get("points") is not None else None,
            min_correct=s.get("min_correct"),
        )
        for n, s in enumerate(spec["sections"], start=1)
    )
    audit_record(
        action="blueprint.created" if created else "blueprint.replaced",
        actor=actor,
        target=blueprint,
        details={"code": blueprint.code, "sections": len(spec["sections"])},
    )
    return blueprint
