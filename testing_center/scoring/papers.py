"""Scoring handed-in papers: exact item scores, the pass rule, the stage result."""

from __future__ import annotations

import logging
import unicodedata
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from eqyzmet.audit import audit_record
from eqyzmet.errors import ApplicationError
from eqyzmet.models import StateBody
from eqyzmet.queueing import enqueue
from testing_center.models import (
    Attempt,
    AttemptItem,
    Blueprint,
    Question,
)
from testing_center.ports import competitions

logger = logging.getLogger("eqyzmet.testing_center")


def attempts_requeue_unscored(*, older_than_seconds: int = 120, limit: int = 500) -> int:
    """Papers handed in while the broker was down get queued again."""

    cutoff = timezone.now() - timezone.timedelta(seconds=older_than_seconds)
    ids = list(
        Attempt.objects.filter(
            status=Attempt.Status.SUBMITTED, submitted_at__lt=cutoff
        ).values_list("pk", flat=True)[:limit]
    )
    with transaction.atomic():
        for pk in ids:
            enqueue("testing_center.score_attempt", pk)
    return len(ids)


# --- Scoring -----------------------------------------------------------------------------


def _text_key(value: str) -> str:
    value = unicodedata.normalize("NFKC", value).casefold().replace("ё", "е")
    return " ".join(value.replace(".", " ").replace(",", " ").split())


def item_score(*, kind: str, key, answer, points: Decimal) -> tuple[Decimal | None, bool | None]:
    """Exact scoring of one closed item: (points awarded, correct?)."""
    if kind == Question.Kind.SINGLE:
        ok = answer is not None and [answer] == list(key)
    elif kind == Question.Kind.MULTIPLE:
        ok = answer is not None and sorted(answer) == sorted(key)
    elif kind == Question.Kind.SHORT_TEXT:
        ok = isinstance(answer, str) and _text_key(answer) in {_text_key(k) for k in key}
    elif kind == Question.Kind.LIKERT:
        return (Decimal(str(key.get(answer, 0))) if answer else Decimal(0)), None
    else:
        return None, None
    return (points if ok else Decimal(0)), ok


@dataclass(frozen=True)
class SectionOutcome:
    position: int
    items: int
    correct: int
    score: Decimal
    min_correct: int | None

    @property
    def ok(self) -> bool:
        return self.min_correct is None or self.correct >= self.min_correct


def attempt_outcome(
    *,
    sections: list[SectionOutcome],
    pass_min_correct: int | None,
    pass_min_score: Decimal | None,
) -> bool:
    """The pass rule, as data: overall minimum correct, minimum score, and every section's
    own minimum. All that are set must hold."""
    correct = sum(s.correct for s in sections)
    score = sum((s.score for s in sections), Decimal(0))
    if pass_min_correct is not None and correct < pass_min_correct:
        return False
    if pass_min_score is not None and score < pass_min_score:
        return False
    return all(s.ok for s in sections)


@transaction.atomic
def attempt_score(*, attempt_id: int) -> bool:
    """Score a handed-in paper exactly once; record the stage result for a real test."""
    attempt = (
        Attempt.objects.select_for_update(of=("self",))
        .select_related("blueprint", "sitting")
        .filter(pk=attempt_id)
        .first()
    )
    if attempt is None or attempt.status != Attempt.Status.SUBMITTED:
        return False
    blueprint = attempt.blueprint
    sections = {s.position: s for s in blueprint.sections.select_related("topic")}
    items = list(attempt.items.select_related("question").order_by("position"))
    per_section: dict[int, dict] = {
        p: {"items": 0, "correct": 0, "score": Decimal(0)} for p in sections
    }
    for item in items:
        awarded, correct = item_score(
            kind=item.question.kind, key=item.question.key, answer=item.answer, points=item.points
        )
        item.awarded, item.is_correct = awarded, correct
        bucket = per_section.setdefault(
            item.section_position, {"items": 0, "correct": 0, "score": Decimal(0)}
        )
        bucket["items"] += 1
        bucket["correct"] += 1 if correct else 0
        bucket["score"] += awarded or Decimal(0)
    AttemptItem.objects.bulk_update(items, ["awarded", "is_correct"])
    outcomes = [
        SectionOutcome(
            position=p,
            items=b["items"],
            correct=b["correct"],
            score=b["score"],
            min_correct=sections[p].min_correct if p in sections else None,
        )
        for p, b in sorted(per_section.items())
    ]
    is_essay = blueprint.kind == Blueprint.Kind.ESSAY
    passed = (
        None
        if is_essay
        else attempt_outcome(
            sections=outcomes,
            pass_min_correct=blueprint.pass_min_correct,
            pass_min_score=blueprint.pass_min_score,
        )
    )
    score = None if is_essay else sum((o.score for o in outcomes), Decimal(0))
    correct = None if is_essay else sum(o.correct for o in outcomes)
    section_rows = [
        {
            "position": o.position,
            "topic": sections[o.position].topic.code if o.position in sections else "",
            "name_kk": sections[o.position].topic.name_kk if o.position in sections else "",
            "name_ru": sections[o.position].topic.name_ru if o.position in sections else "",
            "name_en": sections[o.position].topic.name_en if o.position in sections else "",
            "items": o.items,
            "correct": o.correct,
            "score": str(o.score),
            "min_correct": o.min_correct,
            "ok": o.ok,
        }
        for o in outcomes
    ]
    now = timezone.now()
    changed = Attempt.objects.filter(pk=attempt.pk, status=Attempt.Status.SUBMITTED).update(
        status=Attempt.Status.SCORED,
        scored_at=now,
        score=score,
        correct_count=correct,
        passed=passed,
        sections=section_rows,
    )
    if not changed:
        return False
    if attempt.is_practice:
        return True
    info = competitions.stage_info(attempt.sitting.stage_id)
    audit_record(
        action="attempt.scored",
        target=attempt,
        state_body=StateBody(pk=info.state_body_id),
        details={"stage": info.kind, "score": str(score), "passed": passed},
    )
    if is_essay:
        # The commission marks essays; first they are redacted and get the AI's opinion.
        enqueue("testing_center.prepare_essays", attempt.sitting_id)
    else:
        try:
            competitions.stage_result_record(
                application_id=attempt.application_id,
                stage_id=info.stage_id,
                score=score,
                passed=bool(passed),
                details={
                    "correct": correct,
                    "items": len(items),
                    "sections": [
                        {
                            "topic": r["topic"],
                            "correct": r["correct"],
                            "items": r["items"],
                            "ok": r["ok"],
                        }
                        for r in section_rows
                    ],
                    "attempt": attempt.pk,
                },
            )
        except ApplicationError as exc:
            # A locked stage takes corrections only through an appeal; the paper stays scored.
            logger.warning("Stage result for attempt %s not recorded: %s", attempt.pk, exc.code)
    return True
