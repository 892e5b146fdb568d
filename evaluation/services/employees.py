"""Employees: recording a civil servant's post, unit and evaluators."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from eqyzmet.audit import audit_record
from eqyzmet.errors import ApplicationError
from eqyzmet.models import StateBody, User
from eqyzmet.public_office import public_office_refusals
from eqyzmet.roles import Role
from eqyzmet.services import staff_assign
from evaluation.models import Employee


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
    """Record (or update) a civil servant's post, unit and evaluators. Idempotent.

    Refused for a person who may not hold a public office (a contract employee)."""
    if supervisor is not None and supervisor.pk == user.pk:
        raise ApplicationError(_("A person cannot supervise themselves."), code="self_supervisor")
    refusals = public_office_refusals(user=user)
    if refusals:
        # A contract employee (art. 1 p. 5-1 of the Law "On Civil Service") holds no office.
        raise ApplicationError(refusals[0], code="public_office_refused")
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
