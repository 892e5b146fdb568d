"""A contract employee's contracts in "download my data", and what stops deleting the account.

Registered with the kernel (``eqyzmet.accounts.personal_data``) by ``RecruitmentConfig.ready``.
The contracts stay as the body's employment record when an account is deleted (the account
row stays too, anonymised), so there is nothing to erase; a contract in force stops the
deletion, as the body still pays and reports on it.
"""

from __future__ import annotations

from django.db.models import Prefetch
from django.utils.translation import gettext_lazy as _

from eqyzmet.accounts.personal_data import Blocker
from eqyzmet.formats import format_day
from recruitment.contracts.services import active_contracts
from recruitment.models_contracts import Contract, IndicatorResult, QuarterReport


def contracts_personal_data(user_id: int) -> dict | None:
    """The person's contracts with their terms, indicators, quarterly results and the
    documents filed with them (what each is, not the file). Five queries however many
    contracts."""
    reports = QuarterReport.objects.prefetch_related(
        Prefetch("results", queryset=IndicatorResult.objects.select_related("indicator"))
    )
    contracts = list(
        Contract.objects.filter(employee_id=user_id)
        .select_related("project")
        .prefetch_related("indicators", Prefetch("reports", queryset=reports), "documents")
        .order_by("starts_on")
    )
    if not contracts:
        return None
    return {
        "contracts": [
            {
                "project": c.project.name,
                "starts_on": c.starts_on.isoformat(),
                "ends_on": c.ends_on.isoformat(),
                "status": c.status,
                "tasks": c.tasks,
                "base_pay": str(c.base_pay),
                "results_pay_max": str(c.results_pay_max),
                "indicators": [
                    {"name": i.name, "target": str(i.target), "weight": i.weight}
                    for i in c.indicators.all()
                ],
                "quarters": [
                    {
                        "year": r.year,
                        "quarter": r.quarter,
                        "status": r.status,
                        "actuals": {row.indicator.name: str(row.actual) for row in r.results.all()},
                        "score": None if r.score is None else str(r.score),
                        "results_pay": None if r.results_pay is None else str(r.results_pay),
                    }
                    for r in c.reports.all()
                ],
                "documents": [
                    {
                        "kind": str(d.get_kind_display()),
                        "content_type": d.content_type,
                        "size_bytes": d.size,
                        "sha256": d.sha256,
                        "uploaded_at": d.uploaded_at.isoformat(),
                    }
                    for d in c.documents.all()
                ],
            }
            for c in contracts
        ]
    }


def contracts_deletion_blockers(user_id: int) -> list[Blocker]:
    return [
        Blocker(
            message=_(
                'Your contract on the project "%(project)s" is in force until %(date)s. You '
                "can delete your account once it has ended."
            )
            % {"project": c.project.name, "date": format_day(c.ends_on)}
        )
        for c in active_contracts().filter(employee_id=user_id).select_related("project")
    ]
