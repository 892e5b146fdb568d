"""Contract post selection: an open, anonymised competition that ends in the recommendation
of the project's responsible official (Law "On Civil Service", art. 64-1).

The selection is a ``Competition`` of kind "contract": the same announcement, anonymous
codes, automatic qualifications check, optional tests, commission marks, ranking and lock.
What differs comes after the lock:

- the project's responsible official (who may hold no HR role) sees the anonymised shortlist
  of each post (the ranked codes still standing) and recommends one code with a written
  reason; a post has at most one live recommendation, and a later one needs the earlier
  withdrawn with a reason;
- the recommendation is the only ground on which HR may reveal who stands behind a code of
  a contract selection (``reveal_rules``, purpose "contract"): the ranking places winner and
  reserve do not apply, and nobody is appointed to a public office from it;
- HR concludes the contract from the revealed recommendation; the contract's
  ``recommendation`` text is the official's, and the term is the one announced.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from eqyzmet.audit import audit_record
from eqyzmet.errors import ApplicationError
from eqyzmet.formats import format_day
from eqyzmet.models import User
from recruitment.contracts import services
from recruitment.models import Application, Competition, IdentityEscrow, IdentityReveal
from recruitment.models_contracts import (
    Contract,
    ContractRecommendation,
    Project,
    term_end,
)

S = Competition.Status
# The shortlist opens when the ranking is locked, and stays open after the results.
RANKED = (S.RANKING_LOCKED, S.RESULTS_PUBLISHED, S.CLOSED)
MIN_REASON = 15


def shortlist_ids(*, competition: Competition, vacancy_id: int) -> list[int]:
    """The post's ranked codes still standing (not disqualified), in rank order."""
    return list(
        Application.objects.filter(competition=competition, vacancy_id=vacancy_id)
        .exclude(rank=None)
        .exclude(status=Application.Status.DISQUALIFIED)
        .order_by("rank", "code")
        .values_list("pk", flat=True)
    )


def _official_check(*, competition: Competition, actor: User) -> None:
    project = competition.contract_project
    if not competition.is_contract_selection or project is None:
        raise ApplicationError(
            _("This competition is not a contract post selection."), code="not_contract"
        )
    if project.responsible_official_id != actor.pk:
        raise ApplicationError(
            _(
                "Only the project's responsible official recommends a candidate for a "
                "contract post."
            ),
            code="not_official",
        )


def _reason(reason: str, message) -> str:
    reason = (reason or "").strip()
    if len(reason) < MIN_REASON:
        raise ApplicationError(message, code="reason_required")
    return reason


@transaction.atomic
def recommendation_make(
    *, competition: Competition, application: Application, reason: str, actor: User
) -> ContractRecommendation:
    """The responsible official recommends one code of a post's shortlist, with a reason."""
    competition = (
        Competition.objects.select_for_update(of=("self",))
        .select_related("contract_project", "state_body")
        .get(pk=competition.pk)
    )
    _official_check(competition=competition, actor=actor)
    if competition.status not in RANKED:
        raise ApplicationError(
            _("The shortlist opens when the ranking is locked: recommend a candidate after that."),
            code="not_locked",
        )
    if competition.contract_project.status != Project.Status.ACTIVE:
        raise ApplicationError(
            _("The project is finished: no new contracts can be concluded for it."),
            code="project_finished",
        )
    application = Application.objects.filter(pk=application.pk, competition=competition).first()
    if application is None or application.pk not in shortlist_ids(
        competition=competition, vacancy_id=application.vacancy_id
    ):
        raise ApplicationError(
            _("Recommend one of the codes on the shortlist."), code="not_on_shortlist"
        )
    reason = _reason(
        reason, _("Write the reason for your recommendation (at least 15 characters).")
    )
    live = ContractRecommendation.objects.filter(
        competition=competition, vacancy_id=application.vacancy_id, withdrawn_at=None
    )
    if live.exists():
        raise ApplicationError(
            _(
                "This post already has a recommendation: withdraw it, with a reason, before "
                "recommending another code."
            ),
            code="already_recommended",
        )
    recommendation = ContractRecommendation.objects.create(
        competition=competition,
        vacancy_id=application.vacancy_id,
        application=application,
        reason=reason,
        recommended_by=actor,
    )
    audit_record(
        action="contracts.recommendation.made",
        actor=actor,
        target=recommendation,
        state_body=competition.state_body,
        details={
            "competition": competition.number,
            "code": application.code,
            "rank": application.rank,
            "reason": reason,
        },
    )
    return recommendation


@transaction.atomic
def recommendation_withdraw(
    *, recommendation: ContractRecommendation, reason: str, actor: User
) -> ContractRecommendation:
    """The official withdraws their recommendation, with a reason (the candidate declined,
    the documents did not confirm the declaration...), so another code can be recommended.
    A recommendation a contract was concluded on stands."""
    recommendation = (
        ContractRecommendation.objects.select_for_update(of=("self",))
        .select_related("competition__contract_project", "competition__state_body", "application")
        .get(pk=recommendation.pk)
    )
    _official_check(competition=recommendation.competition, actor=actor)
    if recommendation.withdrawn_at is not None:
        raise ApplicationError(
            _("This recommendation is already withdrawn."), code="already_withdrawn"
        )
    if recommendation.concluded_contract_id is not None:
        raise ApplicationError(
            _("A contract was concluded on this recommendation: it can no longer be withdrawn."),
            code="concluded",
        )
    reason = _reason(
        reason, _("Write the reason for withdrawing the recommendation (at least 15 characters).")
    )
    recommendation.withdrawn_at = timezone.now()
    recommendation.withdrawn_by = actor
    recommendation.withdrawal_reason = reason
    recommendation.save(update_fields=["withdrawn_at", "withdrawn_by", "withdrawal_reason"])
    audit_record(
        action="contracts.recommendation.withdrawn",
        actor=actor,
        target=recommendation,
        state_body=recommendation.competition.state_body,
        details={
            "competition": recommendation.competition.number,
            "code": recommendation.application.code,
            "reason": reason,
        },
    )
    return recommendation


def recommendation_text(recommendation: ContractRecommendation) -> str:
    """The contract's ``recommendation``: the official's reason, with where it came from."""
    return gettext(
        "Recommended on %(date)s by the project's responsible official from the anonymised "
        "shortlist of selection %(number)s (code %(code)s, rank %(rank)s): %(reason)s"
    ) % {
        "date": format_day(timezone.localtime(recommendation.recommended_at).date()),
        "number": recommendation.competition.number,
        "code": recommendation.application.code,
        "rank": recommendation.application.rank,
        "reason": recommendation.reason,
    }


@transaction.atomic
def contract_conclude_from_recommendation(
    *,
    recommendation: ContractRecommendation,
    tasks: str,
    starts_on: dt.date,
    ends_on: dt.date,
    base_pay: Decimal,
    results_pay_max: Decimal,
    indicators: list[dict],
    actor: User,
) -> Contract:
    """HR concludes the contract the official recommended: only once the recommended code
    is revealed on that ground, within the announced term; the contract's recommendation is
    the official's own, and the recommendation records the contract."""
    recommendation = (
        ContractRecommendation.objects.select_for_update(of=("self",))
        .select_related("competition__contract_project", "competition__state_body", "application")
        .get(pk=recommendation.pk)
    )
    competition = recommendation.competition
    application = recommendation.application
    if recommendation.withdrawn_at is not None:
        raise ApplicationError(
            _("This recommendation was withdrawn: no contract is concluded on it."),
            code="withdrawn",
        )
    if recommendation.concluded_contract_id is not None:
        raise ApplicationError(
            _("A contract has already been concluded on this recommendation."), code="concluded"
        )
    if application.status == Application.Status.DISQUALIFIED:
        raise ApplicationError(
            _("The recommended code was disqualified: the official recommends another."),
            code="disqualified",
        )
    revealed = application.reveals.filter(purpose=IdentityReveal.Purpose.CONTRACT).exists()
    if not revealed:
        raise ApplicationError(
            _(
                "Reveal the recommended code first (purpose: contract) and check the documents; "
                "then conclude the contract."
            ),
            code="not_revealed",
        )
    months = competition.contract_term_months or 12
    if ends_on >= starts_on and ends_on > term_end(starts_on, months):
        raise ApplicationError(
            _(
                "The selection announced a term of %(months)s months: from %(start)s the "
                "contract can run until %(limit)s at the latest."
            )
            % {
                "months": months,
                "start": format_day(starts_on),
                "limit": format_day(term_end(starts_on, months)),
            },
            code="term_over_announced",
        )
    escrow = IdentityEscrow.objects.get(application_id=application.pk)
    employee = User.objects.get(pk=int(escrow.owner))
    contract = services.contract_create(
        project=competition.contract_project,
        employee=employee,
        tasks=tasks,
        recommendation=recommendation_text(recommendation),
        starts_on=starts_on,
        ends_on=ends_on,
        base_pay=base_pay,
        results_pay_max=results_pay_max,
        indicators=indicators,
        actor=actor,
    )
    recommendation.concluded_contract_id = contract.pk
    recommendation.concluded_at = timezone.now()
    recommendation.save(update_fields=["concluded_contract_id", "concluded_at"])
    audit_record(
        action="contracts.recommendation.concluded",
        actor=actor,
        target=recommendation,
        state_body=competition.state_body,
        details={"competition": competition.number, "code": application.code},
    )
    return contract
