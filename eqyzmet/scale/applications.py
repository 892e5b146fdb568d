"""Writing what the procedure produced: applications with their escrow and receipts, stage
results and commission marks, reveals, reserve entries, sittings and papers, and the audit
events the services record for each."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from eqyzmet.scale import papers as paper_module
from eqyzmet.scale.competitions import Competition
from eqyzmet.scale.loader import AuditLog, Loader, model
from eqyzmet.scale.procedure import INTERVIEW_REASON, WINNER_REASON, Applicant, Outcome
from eqyzmet.vault import encrypt_text
from recruitment.public import owner_index

MINUTE = dt.timedelta(minutes=1)


@dataclass(frozen=True, slots=True)
class Reveal:
    """A reveal, for the ethics case the real ``application_reveal`` raises."""

    id: int
    body_id: int
    competition: str
    code: str
    purpose: str
    reason: str
    revealed_by: int
    rank: int | None
    at: dt.datetime


def applications_write(
    *, loader: Loader, audit: AuditLog, outcome: Outcome, bank, competitions: list[Competition]
) -> list[Reveal]:
    indexes: dict[int, str] = {}
    applicants = outcome.applicants
    loader.copy(
        model("recruitment.Application"),
        [
            "id",
            "competition",
            "vacancy",
            "code",
            "status",
            "qualifications",
            "eligibility_reasons",
            "submitted_at",
            "current_stage",
            "final_score",
            "rank",
        ],
        (
            (
                a.id,
                c.id,
                a.vacancy_id,
                a.code,
                a.status,
                a.qualifications,
                a.reasons,
                a.submitted_at,
                a.current.id if a.current else None,
                a.final_score,
                a.rank,
            )
            for c, a in applicants
        ),
    )

    def index(user_id: int) -> str:
        if user_id not in indexes:
            indexes[user_id] = owner_index(user_id)
        return indexes[user_id]

    escrow = model("recruitment.IdentityEscrow")
    first = loader.ids(escrow, len(applicants))
    loader.copy(
        escrow,
        ["id", "application_id", "competition_id", "owner_index", "owner", "active"],
        (
            (
                first + n,
                a.id,
                c.id,
                index(a.user_id),
                encrypt_text(str(a.user_id)),
                a.eligible and a.status != "withdrawn",
            )
            for n, (c, a) in enumerate(applicants)
        ),
    )
    notices = [(a.id, "application_received", 0, a.submitted_at) for _c, a in applicants]
    notices += [
        (a.id, "withdrawn", 0, a.submitted_at + dt.timedelta(days=1))
        for _c, a in applicants
        if a.status == "withdrawn"
    ]
    notification = model("recruitment.Notification")
    first = loader.ids(notification, len(notices))
    loader.copy(
        notification,
        ["id", "application_id", "event", "ref", "params", "created_at", "sent_at", "failures"],
        (
            (first + n, pk, event, ref, {}, at, at + MINUTE, 0)
            for n, (pk, event, ref, at) in enumerate(notices)
        ),
    )
    for c, a in applicants:
        audit.add(
            "application.submitted",
            at=a.submitted_at,
            target_type="recruitment.application",
            target_id=a.id,
            state_body_id=c.body.id,
            details={"code": a.code, "eligible": a.eligible},
        )
        if a.status == "withdrawn":
            audit.add(
                "application.withdrawn",
                at=a.submitted_at + dt.timedelta(days=1),
                target_type="recruitment.application",
                target_id=a.id,
                state_body_id=c.body.id,
                details={"code": a.code},
            )
    _results_write(loader=loader, audit=audit, applicants=applicants)
    _publications_write(audit=audit, outcome=outcome)
    paper_module.sittings_write(loader=loader, audit=audit, sittings=outcome.sittings)
    sitting_bodies = {s[0]: s[4] for s in outcome.sittings}
    sitting_kinds = {s[0]: s[5] for s in outcome.sittings}
    paper_module.attempts_write(
        loader=loader,
        audit=audit,
        papers=outcome.papers,
        bank=bank,
        codes={a.id: a.code for _c, a in applicants},
        bodies=sitting_bodies,
        kinds=sitting_kinds,
    )
    reveals = _reveals_write(loader=loader, audit=audit, outcome=outcome)
    _reserve_write(loader=loader, outcome=outcome)
    for c, a, at in outcome.appointed:
        audit.add(
            "application.appointed",
            at=at,
            actor_id=c.hr_id,
            target_type="recruitment.application",
            target_id=a.id,
            state_body_id=c.body.id,
            details={"code": a.code},
        )
    return reveals


def _results_write(*, loader: Loader, audit: AuditLog, applicants) -> None:
    results = [
        (c, a, stage_id, r) for c, a in applicants for stage_id, r in a.results.items() if r.valid
    ]
    result_model = model("recruitment.StageResult")
    first = loader.ids(result_model, max(len(results), 1))
    kinds = {s.id: s.kind for c, _a in applicants for s in c.stages}
    loader.copy(
        result_model,
        ["id", "application", "stage", "score", "passed", "details", "recorded_at"],
        (
            (first + n, a.id, stage_id, r.score, r.passed, r.details, r.at)
            for n, (_c, a, stage_id, r) in enumerate(results)
        ),
    )
    marks = [
        (c, a, stage_id, seat, score, at)
        for c, a in applicants
        for stage_id, r in a.results.items()
        for seat, score, at in r.marks
    ]
    mark_model = model("recruitment.CommissionMark")
    first_mark = loader.ids(mark_model, max(len(marks), 1))
    loader.copy(
        mark_model,
        ["id", "application", "stage", "member", "score", "rubric", "comment", "marked_at"],
        (
            (first_mark + n, a.id, stage_id, seat.id, score, {}, "", at)
            for n, (_c, a, stage_id, seat, score, at) in enumerate(marks)
        ),
    )
    for c, a, stage_id, seat, score, at in marks:
        audit.add(
            "commission.marked",
            at=at,
            actor_id=seat.user_id,
            target_type="recruitment.application",
            target_id=a.id,
            state_body_id=c.body.id,
            details={"code": a.code, "stage": kinds[stage_id], "score": str(score)},
        )
    for c, a, stage_id, r in results:
        audit.add(
            "stage_result.recorded",
            at=r.at,
            target_type="recruitment.application",
            target_id=a.id,
            state_body_id=c.body.id,
            details={
                "code": a.code,
                "stage": kinds[stage_id],
                "score": str(r.score),
                "passed": r.passed,
            },
        )


def _publications_write(*, audit: AuditLog, outcome: Outcome) -> None:
    for c, stage, passed, failed in outcome.publications:
        audit.add(
            "stage.results_published",
            at=stage.published_at,
            actor_id=c.hr_id,
            target_type="recruitment.stage",
            target_id=stage.id,
            state_body_id=c.body.id,
            details={
                "stage": stage.kind,
                "position": stage.position,
                "passed": passed,
                "failed": failed,
            },
        )


def _reveals_write(*, loader: Loader, audit: AuditLog, outcome: Outcome) -> list[Reveal]:
    reveal_model = model("recruitment.IdentityReveal")
    rows = outcome.reveals
    first = loader.ids(reveal_model, max(len(rows), 1))
    reveals = []
    for n, (c, a, purpose, at) in enumerate(rows):
        reason = INTERVIEW_REASON if purpose == "interview" else WINNER_REASON
        reveals.append(
            Reveal(
                first + n,
                c.body.id,
                c.number,
                a.code,
                purpose,
                reason,
                c.hr_id,
                None if purpose == "interview" else a.rank,  # the rank when revealed
                at,
            )
        )
    loader.copy(
        reveal_model,
        ["id", "application", "purpose", "reason", "revealed_by", "revealed_at"],
        (
            (r.id, a.id, r.purpose, r.reason, r.revealed_by, r.at)
            for r, (_c, a, _p, _t) in zip(reveals, rows, strict=True)
        ),
    )
    for r, (_c, a, _p, _t) in zip(reveals, rows, strict=True):
        audit.add(
            "identity.revealed",
            at=r.at,
            actor_id=r.revealed_by,
            target_type="recruitment.application",
            target_id=a.id,
            state_body_id=r.body_id,
            details={"code": r.code, "purpose": r.purpose, "reason": r.reason},
        )
    return reveals


def _reserve_write(*, loader: Loader, outcome: Outcome) -> None:
    entry = model("recruitment.ReserveEntry")
    rows: list[tuple[Applicant, dt.date, dt.datetime]] = outcome.reserve
    first = loader.ids(entry, max(len(rows), 1))
    loader.copy(
        entry,
        ["id", "application", "valid_until", "created_at", "withdrawn_at"],
        ((first + n, a.id, until, at, None) for n, (a, until, at) in enumerate(rows)),
    )
