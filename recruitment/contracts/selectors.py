"""Reads for the contract pages: a bounded number of queries whatever the number of rows."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Prefetch, Q, QuerySet

from eqyzmet.models import StateBody, User
from eqyzmet.roles import Role
from eqyzmet.selectors import state_bodies_in_scope
from recruitment.contracts.selection import RANKED
from recruitment.eligibility import reason_text
from recruitment.models import Application, Competition, StageResult, Vacancy
from recruitment.models_contracts import (
    Contract,
    ContractDocument,
    ContractRecommendation,
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


# --- Contract post selections: the responsible official's anonymised shortlists ----------


@dataclass
class ShortlistRow:
    """One code of a post's shortlist, as the official sees it: the code, the rank, the
    stage scores and the eligibility facts. Nothing else of the application."""

    code: str
    rank: int
    final_score: Decimal | None
    scores: list[tuple[str, Decimal, bool]]
    eligibility: list[tuple[bool, str]]


@dataclass
class SelectionPost:
    vacancy: Vacancy
    rows: list[ShortlistRow]
    live: ContractRecommendation | None
    withdrawn: list[ContractRecommendation]
    form: object = None  # the view's recommendation form

    @property
    def codes(self) -> list[str]:
        return [row.code for row in self.rows]


@dataclass
class Selection:
    competition: Competition
    posts: list[SelectionPost] = field(default_factory=list)

    @property
    def locked(self) -> bool:
        return self.competition.status in RANKED


def selections_of_official(*, user: User, competition_id: int | None = None) -> list[Selection]:
    """The contract post selections of the projects ``user`` is responsible for, with each
    post's anonymised shortlist once the ranking is locked. Five queries, whatever the data."""
    competitions = (
        Competition.objects.filter(
            kind=Competition.Kind.CONTRACT, contract_project__responsible_official=user
        )
        .exclude(status__in=[Competition.Status.DRAFT, Competition.Status.CANCELLED])
        .select_related("contract_project", "state_body")
        .prefetch_related(Prefetch("vacancies", queryset=Vacancy.objects.order_by("pk")))
        .order_by("-applications_close_at", "pk")
    )
    if competition_id is not None:
        competitions = competitions.filter(pk=competition_id)
    competitions = list(competitions)
    locked = [c.pk for c in competitions if c.status in RANKED]
    applications = (
        Application.objects.filter(competition_id__in=locked)
        .exclude(rank=None)
        .exclude(status=Application.Status.DISQUALIFIED)
        .only("code", "rank", "final_score", "eligibility_reasons", "competition_id", "vacancy_id")
        .prefetch_related(
            Prefetch(
                "results",
                queryset=StageResult.objects.select_related("stage").order_by("stage__position"),
            )
        )
        .order_by("rank", "code")
        if locked
        else Application.objects.none()
    )
    rows: dict[tuple[int, int], list[ShortlistRow]] = {}
    for application in applications:
        rows.setdefault((application.competition_id, application.vacancy_id), []).append(
            ShortlistRow(
                code=application.code,
                rank=application.rank,
                final_score=application.final_score,
                scores=[
                    (r.stage.get_kind_display(), r.score, r.passed)
                    for r in application.results.all()
                ],
                eligibility=[(r["met"], reason_text(r)) for r in application.eligibility_reasons],
            )
        )
    recommendations: dict[tuple[int, int], list[ContractRecommendation]] = {}
    for recommendation in (
        ContractRecommendation.objects.filter(competition_id__in=locked)
        .select_related("application", "recommended_by", "withdrawn_by")
        .only(
            "competition_id",
            "vacancy_id",
            "reason",
            "recommended_at",
            "withdrawn_at",
            "withdrawal_reason",
            "concluded_at",
            "concluded_contract_id",
            "application__code",
            "application__rank",
            "recommended_by__email",
            "withdrawn_by__email",
        )
        .order_by("recommended_at")
        if locked
        else []
    ):
        key = (recommendation.competition_id, recommendation.vacancy_id)
        recommendations.setdefault(key, []).append(recommendation)
    selections = []
    for competition in competitions:
        selection = Selection(competition=competition)
        for vacancy in competition.vacancies.all():
            key = (competition.pk, vacancy.pk)
            made = recommendations.get(key, [])
            selection.posts.append(
                SelectionPost(
                    vacancy=vacancy,
                    rows=rows.get(key, []),
                    live=next((r for r in made if r.withdrawn_at is None), None),
                    withdrawn=[r for r in made if r.withdrawn_at is not None],
                )
            )
        selections.append(selection)
    return selections


def recommendation_of_official(*, user: User, recommendation_id: int):
    return (
        ContractRecommendation.objects.filter(
            pk=recommendation_id,
            competition__contract_project__responsible_official=user,
        )
        .select_related("competition", "application")
        .first()
    )
