"""Reads for the contract pages: a bounded number of queries whatever the number of rows."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet

from eqyzmet.models import User
from recruitment.models_contracts import Contract, IndicatorResult, Project, QuarterReport


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
        .prefetch_related("indicators", "extensions", _reports())
        .order_by("-starts_on")
    )


def contract_of_employee(*, user: User, contract_id: int) -> Contract | None:
    return Contract.objects.filter(employee=user, pk=contract_id).first()


def projects_of_official(*, user: User) -> list[Project]:
    contracts = Contract.objects.select_related("employee").prefetch_related(
        "indicators", _reports()
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
