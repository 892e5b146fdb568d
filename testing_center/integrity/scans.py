"""Integrity scans of closed sittings: run the detectors, raise ethics cases (codes and
evidence only)."""

from __future__ import annotations

from collections import defaultdict

from django.db import transaction
from django.utils import timezone

from eqyzmet.audit import audit_record
from eqyzmet.models import StateBody
from testing_center.integrity import detectors as integrity
from testing_center.models import (
    Attempt,
    AttemptItem,
    IntegrityEvent,
    Question,
    Sitting,
)
from testing_center.ports import competitions

FOCUS_OR_PASTE_LIMIT = 5


def sitting_integrity_scan(*, sitting_id: int) -> int:
    """Run the integrity detectors over a closed sitting and raise one ethics case per
    flag (codes and evidence only). Idempotent: cases are keyed by sitting, signal and
    codes. Returns the number of flags."""
    sitting = Sitting.objects.filter(pk=sitting_id).first()
    if sitting is None:
        return 0
    info = competitions.stage_info(sitting.stage_id)
    attempts = list(
        Attempt.objects.filter(sitting=sitting, status=Attempt.Status.SCORED, number=1)
        .only("pk", "application_id", "started_at", "submitted_at", "events_over_cap")
        .order_by("pk")
    )
    codes = competitions.application_codes(a.application_id for a in attempts)
    code_of = {a.pk: codes.get(a.application_id, "") for a in attempts}
    items = list(
        AttemptItem.objects.filter(attempt__in=attempts)
        .select_related("question")
        .only("attempt_id", "position", "answer", "question__external_id", "question__kind")
        .order_by("attempt_id", "position")
    )
    timings, focus = _timings(attempts, items, code_of)
    closed: dict[int, dict[str, str]] = defaultdict(dict)
    key: dict[str, str] = {}
    open_answers = []
    for item in items:
        question = item.question
        if question.kind == Question.Kind.SINGLE and isinstance(item.answer, str):
            closed[item.attempt_id][question.external_id] = item.answer
            key.setdefault(question.external_id, "")
        elif (
            question.kind in (Question.Kind.ESSAY, Question.Kind.SHORT_TEXT)
            and isinstance(item.answer, str)
            and item.answer.strip()
        ):
            open_answers.append(
                integrity.OpenAnswer(code_of[item.attempt_id], question.external_id, item.answer)
            )
    if key:
        key = dict(
            Question.objects.filter(external_id__in=list(key)).values_list("external_id", "key")
        )
        key = {q: k[0] for q, k in key.items() if k}
    flags = [
        *integrity.response_time_flags(timings),
        *integrity.near_duplicate_answer_flags(open_answers),
        *integrity.answer_copying_flags(
            [integrity.ClosedResponses(code_of[a], c) for a, c in closed.items()], key
        ),
        *focus,
    ]
    from ethics.public import system_case_raise

    with transaction.atomic():
        for flag in flags:
            system_case_raise(
                kind="integrity_flag",
                state_body_id=info.state_body_id,
                summary=f"{info.competition_number}: {' · '.join(flag.codes)}",
                evidence={
                    "signal": flag.kind,
                    "competition": info.competition_number,
                    "stage": info.kind,
                    "codes": list(flag.codes),
                    "score": flag.score,
                    **flag.evidence,
                },
                dedupe_key=f"integrity:{flag.kind}:{sitting.pk}:{'-'.join(flag.codes)}"[:200],
            )
        Sitting.objects.filter(pk=sitting.pk).update(integrity_checked_at=timezone.now())
        audit_record(
            action="sitting.integrity_checked",
            target=sitting,
            state_body=StateBody(pk=info.state_body_id),
            details={"flags": len(flags), "attempts": len(attempts)},
        )
    return len(flags)


def _timings(attempts, items, code_of):
    """Per-item seconds from the page's item-time events, and focus/paste counts."""
    question_at = {(i.attempt_id, i.position): i.question.external_id for i in items}
    seconds: dict[int, dict[str, float]] = defaultdict(dict)
    counts: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    events = IntegrityEvent.objects.filter(attempt__in=attempts).values_list(
        "attempt_id", "kind", "position", "value_ms"
    )
    for attempt_id, kind, position, value_ms in events.iterator():
        if kind == IntegrityEvent.Kind.ITEM_TIME:
            question = question_at.get((attempt_id, position))
            if question:
                seconds[attempt_id][question] = seconds[attempt_id].get(question, 0) + (
                    value_ms / 1000
                )
        elif kind in (IntegrityEvent.Kind.FOCUS_LOST, IntegrityEvent.Kind.PASTE):
            counts[attempt_id][kind] += 1
    for a in attempts:
        # Events past the per-attempt cap were counted, not stored: they count here too.
        for kind in (IntegrityEvent.Kind.FOCUS_LOST, IntegrityEvent.Kind.PASTE):
            extra = (a.events_over_cap or {}).get(kind, 0)
            if isinstance(extra, int) and extra > 0:
                counts[a.pk][kind] += extra
    timings = [
        integrity.AttemptTiming(
            code_of[a.pk],
            seconds[a.pk],
            (a.submitted_at - a.started_at).total_seconds() if a.submitted_at else None,
        )
        for a in attempts
        if seconds.get(a.pk)
    ]
    focus = [
        integrity.Flag(
            "focus_or_paste",
            (code_of[attempt_id],),
            float(sum(c.values())),
            {"left_the_window": c.get("focus_lost", 0), "pasted": c.get("paste", 0)},
        )
        for attempt_id, c in counts.items()
        if sum(c.values()) >= FOCUS_OR_PASTE_LIMIT
    ]
    return timings, focus


def sittings_due_for_integrity(*, now=None) -> list[int]:
    """Closed sittings with no paper still open, not yet scanned."""
    now = now or timezone.now()
    return list(
        Sitting.objects.filter(integrity_checked_at__isnull=True, stage__closes_at__lt=now)
        .exclude(attempts__status__in=[Attempt.Status.IN_PROGRESS, Attempt.Status.SUBMITTED])
        .values_list("pk", flat=True)[:50]
    )
