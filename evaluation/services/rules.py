"""The rules tables: the rules in force for a body, and audited saves of rules and of
configuration rows (competencies) changed in the admin."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction

from eqyzmet.audit import audit_record
from eqyzmet.errors import ApplicationError
from eqyzmet.models import StateBody, User
from evaluation import scoring
from evaluation.models import EvaluationRules


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
