"""Reads for the contract pages: a bounded number of queries whatever the number of rows."""

from __future__ import annotations

from django.db.models import Prefetch, Q, QuerySet

from eqyzmet.models import StateBody, User
from eqyzmet.roles import Role
from eqyzmet.selectors import state_bodies_in_scope
from recruitment.models_contracts import (
    Contract,
    ContractDocument,
    IndicatorResult,
    Project,
    QuarterReport,
)


def _reports() -> Prefetch:
    return Prefetch(
        "reports",
        queryset=QuarterReport.objects.prefetch_related(
            Prefetch("results", queryset=IndicatorResult.objects.select_related("indicator"))
        ),
    )


def contracts_of_employee(*, user: User) -> list[Contract]:
    return list(
        Contract.objects.filter(employee=user)
        .select_related("project", "project__responsible_official", "state_body")
        .prefetch_related("indicators", "extensions", _reports(), "documents")
        .order_by("-starts_on")
    )


def contract_of_employee(*, user: User, contract_id: int) -> Contract | None:
    return Contract.objects.filter(employee=user, pk=contract_id).first()


def projects_of_official(*, user: User) -> list[Project]:
    contracts = Contract.objects.select_related("employee").prefetch_related(
        "indicators", _reports(), "documents"
    )
    return list(
        Project.objects.filter(responsible_official=user)
        .select_related("state_body")
        .prefetch_related(Prefetch("contracts", queryset=contracts))
        .order_by("status", "-starts_on")
    )


def reports_to_confirm(*, user: User) -> QuerySet[QuarterReport]:
    return QuarterReport.objects.filter(
        contract__project__responsible_official=user, status=QuarterReport.Status.SUBMITTED
    )


def report_for_official(*, user: User, report_id: int) -> QuarterReport | None:
    return reports_to_confirm(user=user).filter(pk=report_id).first()


def may_read_contract_payroll(user: User) -> bool:
    return user.is_authenticated and (
        user.is_superuser or user.has_perm("recruitment.view_quarterreport")
    )


def contract_payroll_bodies(user: User) -> QuerySet[StateBody]:
    """The bodies whose contract results ``user`` may read for payroll: every body for a
    platform administrator, an HR officer's bodies (and those beneath) with the permission to
    read quarterly reports, none for anyone else."""
    if not may_read_contract_payroll(user):
        return StateBody.objects.none()
    return state_bodies_in_scope(user=user, role=Role.HR_OFFICER)


def contract_payroll_quarters(
    *, bodies: QuerySet[StateBody], year: int | None = None, quarter: int | None = None
) -> QuerySet[QuarterReport]:
    """Confirmed quarters of the contracts of ``bodies``, in a stable order for paging: the
    score, the results component and the rules version are fixed at confirmation, so only
    these may be paid. One query per page, however many rows."""
    rows = QuarterReport.objects.filter(
        contract__state_body__in=bodies, status=QuarterReport.Status.CONFIRMED
    )
    if year is not None:
        rows = rows.filter(year=year)
    if quarter is not None:
        rows = rows.filter(quarter=quarter)
    return rows.select_related(
        "contract__employee", "contract__project", "contract__state_body"
    ).order_by("year", "quarter", "contract__state_body__path", "contract__employee__email", "pk")


def contract_document_for_download(*, user: User, pk: int) -> ContractDocument | None:
    """A contract's document goes to the contract employee, the project's responsible
    official, HR officers of the contract's body (or a body above it) and platform
    administrators; to nobody else (None, so the page answers 404)."""
    if not user.is_authenticated:
        return None
    documents = ContractDocument.objects.select_related("contract").filter(pk=pk)
    if user.is_superuser:
        return documents.first()
    allowed = Q(contract__employee=user) | Q(contract__project__responsible_official=user)
    if user.has_perm("recruitment.view_contract"):
        allowed |= Q(
            contract__state_body__in=state_bodies_in_scope(user=user, role=Role.HR_OFFICER)
        )
    return documents.filter(allowed).first()
