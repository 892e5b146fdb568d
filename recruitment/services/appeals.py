"""Appeals: the window, the candidate's appeal, the commission's decision, and what an
upheld correction sets off: a code brought back into the running, and a re-ranking with its
places and reserve reassigned."""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from eqyzmet.audit import audit_record
from eqyzmet.errors import ApplicationError
from recruitment import notifications, procedure
from recruitment.models import (
    Appeal,
    Application,
    Competition,
    IdentityReveal,
    Stage,
    StageResult,
)
from recruitment.services.applications import _owned
from recruitment.services.ranking import _places_assign, _rank, _winners
from recruitment.services.stage_machine import (
    RANKED,
    S,
    _current_stage,
    _locked_competition,
    _ordered_stages,
)


def _rerank_after_correction(*, competition: Competition, actor, reason: str) -> dict:
    """Recompute ranks (and, once published, places and the reserve) after a corrected score.

    A change of winner after the winner was revealed or appointed is refused unless HR gives
    a reason, and the refusal names exactly the codes affected."""
    before = _winners(competition)
    statuses_before = dict(competition.applications.values_list("pk", "status"))
    ranks_before = dict(competition.applications.values_list("pk", "rank"))
    _rank(competition)
    after = _winners(competition)
    moved = {v: (before.get(v), pk) for v, pk in after.items() if before.get(v) != pk}
    exposed = [
        old
        for old, _new in moved.values()
        if old is not None
        and (
            statuses_before.get(old) == Application.Status.APPOINTED
            or IdentityReveal.objects.filter(application_id=old).exists()
        )
    ]
    if exposed and len(reason.strip()) < 15:
        codes = dict(
            competition.applications.filter(
                pk__in=[pk for pair in moved.values() for pk in pair if pk]
            ).values_list("pk", "code")
        )
        raise ApplicationError(
            _(
                "This correction moves the winner's place from %(old)s to %(new)s after the "
                "winner's identity was revealed. Give the reason for the change (at least 15 "
                "characters); it goes on the record."
            )
            % {
                "old": ", ".join(codes.get(old, "—") for old, _n in moved.values()),
                "new": ", ".join(codes.get(new, "—") for _o, new in moved.values()),
            },
            code="crosses_winner_line",
        )
    changed = {}
    if competition.status in (S.RESULTS_PUBLISHED, S.CLOSED):
        changed = _places_assign(competition)
    ranks_after = dict(competition.applications.values_list("pk", "rank"))
    codes = dict(competition.applications.values_list("pk", "code"))
    details = {
        "ranks": {
            codes[pk]: [ranks_before.get(pk), rank]
            for pk, rank in ranks_after.items()
            if ranks_before.get(pk) != rank
        },
        "places": {codes[pk]: list(pair) for pk, pair in changed.items()},
    }
    if reason.strip():
        details["reason"] = reason.strip()
    audit_record(
        action="competition.reranked",
        actor=actor,
        target=competition,
        state_body=competition.state_body,
        details=details,
    )
    return details


def _restore_after_appeal(*, application: Application, stage: Stage) -> bool:
    """An upheld appeal that turns a fail at ``stage`` into a pass brings the code back: to
    the next stage if it has not been locked yet, or into the ranking if the competition was
    ranked. Returns whether the code came back."""
    competition = application.competition
    if application.status != Application.Status.ELIMINATED or application.current_stage_id != (
        stage.pk
    ):
        return False
    stages = _ordered_stages(competition)
    later = [s for s in stages if s.position > stage.position]
    if competition.status in RANKED:
        if later:
            return False  # never sat the later stages: HR decides, the appeal is on record
        application.status = Application.Status.ADMITTED
        application.save(update_fields=["status"])
        return True
    next_stage = later[0] if later else None
    if next_stage is not None and next_stage.locked_at is not None:
        return False
    application.status = Application.Status.ADMITTED
    if next_stage is not None and competition.status != S.APPLICATIONS_CLOSED:
        current = _current_stage(competition, stages)
        if current is not None and current.position >= next_stage.position:
            application.current_stage = next_stage
    application.save(update_fields=["status", "current_stage"])
    return True


@transaction.atomic
def appeal_submit(*, user, application: Application, stage: Stage, text: str) -> Appeal:
    from recruitment.redaction import redact_for_staff

    _owned(user=user, application=application)
    stage = Stage.objects.select_related("competition__state_body").get(pk=stage.pk)
    if stage.competition_id != application.competition_id:
        raise ApplicationError(_("This stage is not part of your competition."), code="stage")
    if not StageResult.objects.filter(application=application, stage=stage).exists():
        raise ApplicationError(
            _("There is no result of yours to appeal at this stage."), code="no_result"
        )
    deadline = procedure.appeal_deadline(stage=stage)
    if deadline is None or timezone.now() > deadline:
        raise ApplicationError(
            _("The appeal window for this stage is closed."), code="window_closed"
        )
    text = text.strip()
    if len(text) < 20:
        raise ApplicationError(
            _("Explain the grounds of your appeal (at least 20 characters)."), code="too_short"
        )
    if Appeal.objects.filter(
        application=application, stage=stage, status=Appeal.Status.SUBMITTED
    ).exists():
        raise ApplicationError(
            _("Your appeal of this stage is already under review."), code="duplicate"
        )
    appeal = Appeal.objects.create(
        application=application, stage=stage, text=text, text_redacted=redact_for_staff(text)
    )
    audit_record(
        action="appeal.submitted",
        target=appeal,
        state_body=application.competition.state_body,
        details={"code": application.code, "stage": stage.kind},
    )
    return appeal


@transaction.atomic
def appeal_decide(
    *,
    appeal: Appeal,
    actor,
    upheld: bool,
    answer: str,
    corrected_score: Decimal | None = None,
    reason: str = "",
) -> Appeal:
    """The commission's answer. An upheld appeal may correct the stage score: the only way a
    locked score ever changes. A corrected pass brings an eliminated code back (to the next
    stage, or into the ranking), and a ranked competition is re-ranked, its places and reserve
    reassigned; moving the winner's place after a reveal needs ``reason``."""
    appeal = (
        Appeal.objects.select_for_update()
        .select_related("application__competition__state_body", "stage")
        .get(pk=appeal.pk)
    )
    if appeal.status != Appeal.Status.SUBMITTED:
        raise ApplicationError(_("This appeal has already been decided."), code="decided")
    if len(answer.strip()) < 10:
        raise ApplicationError(_("Write the answer to the candidate."), code="answer_required")
    result = StageResult.objects.filter(application=appeal.application, stage=appeal.stage).first()
    previous = str(result.score) if result is not None else None
    if upheld and corrected_score is not None:
        if not (Decimal(0) <= corrected_score <= appeal.stage.max_score):
            raise ApplicationError(
                _("The score must be between 0 and %(max)s.") % {"max": appeal.stage.max_score},
                code="out_of_range",
            )
        old = result.score
        result.score = corrected_score
        result.passed = (
            appeal.stage.pass_score is None or corrected_score >= appeal.stage.pass_score
        )
        result.details = {**result.details, "corrected_by_appeal": appeal.pk, "previous": str(old)}
        result.save(update_fields=["score", "passed", "details"])
        application = Application.objects.select_for_update().get(pk=appeal.application_id)
        restored = result.passed and _restore_after_appeal(
            application=application, stage=appeal.stage
        )
        if restored and application.current_stage_id != appeal.stage_id:
            # Back into a stage that opened while the code was out: told as the others were.
            notifications.stage_opened_for_raised(
                application=application, stage=application.current_stage
            )
        competition = _locked_competition(application.competition)
        if competition.status in RANKED:
            changes = _rerank_after_correction(competition=competition, actor=actor, reason=reason)
            notifications.places_changed_raised(appeal=appeal, changes=changes)
    appeal.status = Appeal.Status.UPHELD if upheld else Appeal.Status.REJECTED
    appeal.answer = answer.strip()
    appeal.corrected_score = corrected_score if upheld else None
    appeal.decided_at = timezone.now()
    appeal.decided_by = actor
    appeal.save(update_fields=["status", "answer", "corrected_score", "decided_at", "decided_by"])
    audit_record(
        action="appeal.decided",
        actor=actor,
        target=appeal,
        state_body=appeal.application.competition.state_body,
        details={
            "code": appeal.application.code,
            "upheld": upheld,
            "corrected_score": str(corrected_score) if corrected_score is not None else None,
            "stage": appeal.stage.kind,
            "previous_score": previous if upheld and corrected_score is not None else None,
        },
    )
    notifications.appeal_decided_raised(appeal=appeal)
    return appeal
