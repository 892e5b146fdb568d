"""Contract services: registering projects, concluding, extending and ending contracts.

Each function checks its rules, changes the rows in one transaction and records an audit
event. Bad input raises ``ApplicationError`` with a translated message and changes nothing.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from eqyzmet.audit import audit_record
from eqyzmet.errors import ApplicationError
from eqyzmet.formats import format_day
from eqyzmet.models import StaffAssignment, StateBody, User
from eqyzmet.roles import Role
from eqyzmet.selectors import state_bodies_in_scope
from eqyzmet.uploads import upload_check
from recruitment.models import Application, IdentityEscrow
from recruitment.models_contracts import (
    Contract,
    ContractDocument,
    Extension,
    Indicator,
    PayRules,
    Project,
)
from recruitment.public import owner_index

# Version 1 of the contract pay rules, as migration 0008 inserts it: a score of at least
# 0.95 earns 100 % of the results component, at least 0.80 earns 60 %, below that nothing;
# one indicator counts at most 120 %.
PAY_RULES_V1 = {
    "valid_from": dt.date(2024, 1, 1),
    "tiers": [["0.95", 100], ["0.80", 60]],
    "cap": Decimal("1.20"),
}


def pay_rules_setup() -> PayRules:
    """Version 1 of the pay rules, if the table has none (the migration's row is gone from
    a database emptied by a transactional test; the demo seed and tests call this)."""
    rules, _created = PayRules.objects.get_or_create(version=1, defaults=PAY_RULES_V1)
    return rules


def one_year_end(start: dt.date) -> dt.date:
    """The last day of a term of one calendar year from ``start`` (1 March → 28 February;
    a term from 29 February ends on 28 February of the next year)."""
    try:
        anniversary = start.replace(year=start.year + 1)
    except ValueError:  # 29 February
        anniversary = dt.date(start.year + 1, 3, 1)
    return anniversary - dt.timedelta(days=1)


def active_contracts(*, today: dt.date | None = None):
    """Contracts in force today or later (not ended, not past their end)."""
    today = today or timezone.localdate()
    return Contract.objects.filter(status=Contract.Status.ACTIVE, ends_on__gte=today)


def public_office_refusal(user: User) -> str | None:
    """Registered with the kernel (``eqyzmet.public_office``): a person holding a contract in
    force may not be put on a public office (the staff register of evaluation asks)."""
    if active_contracts().filter(employee=user).exists():
        return str(
            _(
                "This person is a contract employee: a contract employee cannot hold a public "
                "office while the contract is in force."
            )
        )
    return None


def _check_term(*, project: Project, starts_on: dt.date, ends_on: dt.date) -> None:
    if ends_on < starts_on:
        raise ApplicationError(_("The contract cannot end before it starts."), code="term_order")
    if ends_on > one_year_end(starts_on):
        raise ApplicationError(
            _(
                "A contract is concluded for at most one calendar year: from %(start)s it "
                "can run until %(limit)s at the latest."
            )
            % {"start": format_day(starts_on), "limit": format_day(one_year_end(starts_on))},
            code="term_over_year",
        )
    if ends_on > project.ends_on:
        raise ApplicationError(
            _("The contract cannot run past the project's end (%(date)s).")
            % {"date": format_day(project.ends_on)},
            code="term_past_project",
        )


def _clean_indicators(rows: list[dict]) -> list[dict]:
    if not rows:
        raise ApplicationError(_("Give the contract at least one indicator."), code="no_indicators")
    cleaned = []
    for row in rows:
        name = str(row.get("name", "")).strip()
        try:
            target = Decimal(str(row.get("target")))
            weight = int(row.get("weight"))
        except (InvalidOperation, TypeError, ValueError):
            raise ApplicationError(
                _("Each indicator needs a numeric target and a whole-number weight."),
                code="indicator_invalid",
            ) from None
        if not name or target <= 0 or weight <= 0:
            raise ApplicationError(
                _("Each indicator needs a name, a target above zero and a weight above zero."),
                code="indicator_invalid",
            )
        kind = row.get("kind", Indicator.Kind.QUANTITATIVE)
        direction = row.get("direction", Indicator.Direction.HIGHER)
        if kind not in Indicator.Kind.values or direction not in Indicator.Direction.values:
            raise ApplicationError(_("Unknown indicator kind or direction."), code="indicator_kind")
        cleaned.append(
            {"name": name, "target": target, "weight": weight, "kind": kind, "direction": direction}
        )
    total = sum(row["weight"] for row in cleaned)
    if total != 100:
        raise ApplicationError(
            _("The indicators' weights must add up to 100 (they add up to %(total)s).")
            % {"total": total},
            code="weights_sum",
        )
    return cleaned


def _check_no_public_office(employee: User) -> None:
    """A contract employee may not hold a public office: refused for a civil servant on the
    staff register or a person appointed after a competition."""
    office = StaffAssignment.objects.filter(user=employee, role=Role.EMPLOYEE).exists()
    appointed = Application.objects.filter(
        status=Application.Status.APPOINTED,
        pk__in=IdentityEscrow.objects.filter(owner_index=owner_index(employee.pk)).values(
            "application_id"
        ),
    ).exists()
    if office or appointed:
        raise ApplicationError(
            _("This person holds a public office and cannot be engaged under a contract."),
            code="holds_public_office",
        )


@transaction.atomic
def project_create(
    *,
    state_body: StateBody,
    name: str,
    project_type: str,
    responsible_official: User,
    starts_on: dt.date,
    ends_on: dt.date,
    actor: User | None = None,
    name_kk: str = "",
    name_ru: str = "",
    name_en: str = "",
) -> Project:
    if ends_on < starts_on:
        raise ApplicationError(_("The project cannot end before it starts."), code="term_order")
    project = Project.objects.create(
        state_body=state_body,
        name=name.strip(),
        name_kk=name_kk.strip(),
        name_ru=name_ru.strip(),
        name_en=name_en.strip(),
        project_type=project_type,
        responsible_official=responsible_official,
        starts_on=starts_on,
        ends_on=ends_on,
    )
    audit_record(
        action="contracts.project.created",
        actor=actor,
        target=project,
        state_body=state_body,
        details={"type": project_type, "responsible_official_id": responsible_official.pk},
    )
    return project


@transaction.atomic
def project_finish(*, project: Project, actor: User | None = None) -> Project:
    project = Project.objects.select_for_update().get(pk=project.pk)
    project.status = Project.Status.FINISHED
    project.save(update_fields=["status"])
    audit_record(
        action="contracts.project.finished",
        actor=actor,
        target=project,
        state_body=project.state_body,
    )
    return project


@transaction.atomic
def contract_create(
    *,
    project: Project,
    employee: User,
    tasks: str,
    recommendation: str,
    starts_on: dt.date,
    ends_on: dt.date,
    base_pay: Decimal,
    results_pay_max: Decimal,
    indicators: list[dict],
    actor: User | None = None,
) -> Contract:
    """Conclude a contract on the responsible official's recommendation (its reason is
    ``recommendation``). Refused over one calendar year, past the project's end, for a
    finished project, for a person holding a public office, or with weights not adding to
    100."""
    project = Project.objects.select_for_update().get(pk=project.pk)
    if project.status != Project.Status.ACTIVE:
        raise ApplicationError(
            _("The project is finished: no new contracts can be concluded for it."),
            code="project_finished",
        )
    if not recommendation.strip() or not tasks.strip():
        raise ApplicationError(
            _("Write the tasks and the responsible official's recommendation with its reason."),
            code="recommendation_required",
        )
    if base_pay <= 0 or results_pay_max < 0:
        raise ApplicationError(
            _("The base pay must be above zero and the results component not below zero."),
            code="pay_invalid",
        )
    _check_term(project=project, starts_on=starts_on, ends_on=ends_on)
    rows = _clean_indicators(indicators)
    _check_no_public_office(employee)
    contract = Contract.objects.create(
        state_body=project.state_body,
        project=project,
        employee=employee,
        employee_index=owner_index(employee.pk),
        tasks=tasks.strip(),
        recommendation=recommendation.strip(),
        starts_on=starts_on,
        ends_on=ends_on,
        base_pay=base_pay,
        results_pay_max=results_pay_max,
    )
    Indicator.objects.bulk_create(Indicator(contract=contract, **row) for row in rows)
    audit_record(
        action="contracts.contract.concluded",
        actor=actor,
        target=contract,
        state_body=project.state_body,
        details={
            "project_id": project.pk,
            "employee_id": employee.pk,
            "starts_on": starts_on.isoformat(),
            "ends_on": ends_on.isoformat(),
            "recommended_by": project.responsible_official_id,
        },
    )
    return contract


@transaction.atomic
def contract_extend(*, contract: Contract, ends_on: dt.date, reason: str, actor: User) -> Extension:
    """Extend a contract while its project is active; each extension again at most one
    calendar year from the day after the current end, and with a reason."""
    contract = Contract.objects.select_for_update().select_related("project").get(pk=contract.pk)
    if contract.status != Contract.Status.ACTIVE:
        raise ApplicationError(_("An ended contract cannot be extended."), code="contract_ended")
    if contract.project.status != Project.Status.ACTIVE:
        raise ApplicationError(
            _("A contract is extended only while its project is active."),
            code="project_finished",
        )
    if not reason.strip():
        raise ApplicationError(_("Give the reason for the extension."), code="reason_required")
    if ends_on <= contract.ends_on:
        raise ApplicationError(
            _("The new end must be later than the current end (%(date)s).")
            % {"date": format_day(contract.ends_on)},
            code="not_later",
        )
    _check_term(
        project=contract.project,
        starts_on=contract.ends_on + dt.timedelta(days=1),
        ends_on=ends_on,
    )
    extension = Extension.objects.create(
        contract=contract,
        previous_ends_on=contract.ends_on,
        ends_on=ends_on,
        reason=reason.strip(),
        decided_by=actor,
    )
    contract.ends_on = ends_on
    contract.save(update_fields=["ends_on"])
    audit_record(
        action="contracts.contract.extended",
        actor=actor,
        target=contract,
        state_body=contract.state_body,
        details={
            "previous_ends_on": extension.previous_ends_on.isoformat(),
            "ends_on": ends_on.isoformat(),
            "reason": extension.reason,
        },
    )
    return extension


@transaction.atomic
def contract_end(
    *, contract: Contract, reason: str, actor: User, today: dt.date | None = None
) -> Contract:
    """Record the decision to end a contract (not to extend it, or to end it early): it
    ends today, or on its own end if that comes first."""
    today = today or timezone.localdate()
    contract = Contract.objects.select_for_update().get(pk=contract.pk)
    if contract.status != Contract.Status.ACTIVE:
        raise ApplicationError(_("The contract has already ended."), code="contract_ended")
    if not reason.strip():
        raise ApplicationError(
            _("Give the reason for ending the contract."), code="reason_required"
        )
    contract.status = Contract.Status.ENDED
    contract.end_reason = reason.strip()
    contract.ends_on = min(contract.ends_on, today)
    contract.save(update_fields=["status", "end_reason", "ends_on"])
    audit_record(
        action="contracts.contract.ended",
        actor=actor,
        target=contract,
        state_body=contract.state_body,
        details={"ends_on": contract.ends_on.isoformat(), "reason": contract.end_reason},
    )
    return contract


@transaction.atomic
def contract_document_upload(
    *, contract: Contract, kind: str, upload, actor: User
) -> ContractDocument:
    """HR of the contract's body files a paper of the contract (the signed contract, an
    extension agreement, an act of acceptance of work), checked for size and real type like
    a candidate's document. The stored name says nothing about the person or the file."""
    if kind not in ContractDocument.Kind.values:
        raise ApplicationError(_("Choose the kind of document."), code="kind_invalid")
    if not (
        actor.is_superuser
        or state_bodies_in_scope(user=actor, role=Role.HR_OFFICER)
        .filter(pk=contract.state_body_id)
        .exists()
    ):
        raise ApplicationError(
            _("Only an HR officer of the contract's state body files its documents."),
            code="not_hr_of_body",
        )
    checked = upload_check(upload)
    document = ContractDocument(
        contract=contract,
        kind=kind,
        content_type=checked.content_type,
        size=checked.size,
        sha256=checked.sha256,
        uploaded_by=actor,
    )
    name = hashlib.sha256(f"contract-{contract.pk}-{checked.sha256}".encode()).hexdigest()[:24]
    upload.name = f"{name}{checked.extension}"
    document.file = upload
    document.save()
    audit_record(
        action="contracts.document.uploaded",
        actor=actor,
        target=document,
        state_body=contract.state_body,
        details={"contract_id": contract.pk, "kind": kind, "size": checked.size},
    )
    return document
