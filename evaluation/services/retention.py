"""Retention: evaluation records and citizens' rating links deleted once their retention
period has passed."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from eqyzmet.audit import audit_record
from evaluation import scoring
from evaluation.models import CitizenRatingLink, Cycle, Kpi


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
