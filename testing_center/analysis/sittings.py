"""Item analysis of closed sittings: statistics of first attempts, weak items flagged."""

from __future__ import annotations

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from eqyzmet.audit import audit_record
from eqyzmet.errors import ApplicationError
from eqyzmet.jobs import job_queue
from testing_center.analysis import dif
from testing_center.analysis import statistics as item_analysis
from testing_center.models import (
    Attempt,
    AttemptItem,
    Blueprint,
    ItemStatistic,
    Sitting,
    SittingStatistic,
)


def thresholds() -> item_analysis.Thresholds:
    overrides = getattr(settings, "TESTING_ITEM_FLAG_THRESHOLDS", {}) or {}
    return item_analysis.Thresholds(**overrides)


ANALYSE_JOB = "sitting.analyse"


def _no_progress(percent: int) -> None:
    return None


@transaction.atomic
def sitting_analyse(*, sitting_id: int, progress=_no_progress) -> SittingStatistic | None:
    """Moodle-style statistics of a sitting's first attempts; flag weak items.

    ``progress(percent)`` is told how far it has gone (the admin shows it while a worker
    analyses a large sitting)."""
    sitting = (
        Sitting.objects.select_for_update(of=("self",))
        .select_related("blueprint")
        .filter(pk=sitting_id)
        .first()
    )
    if sitting is None:
        return None
    progress(5)
    rows = list(
        AttemptItem.objects.filter(
            attempt__sitting=sitting,
            attempt__number=1,
            attempt__status=Attempt.Status.SCORED,
            awarded__isnull=False,
        ).values_list(
            "attempt_id", "position", "question_id", "awarded", "points", "attempt__language"
        )
    )
    progress(40)
    by_attempt: dict[int, float] = {}
    for attempt_id, _pos, _q, awarded, _pts, _lang in rows:
        by_attempt[attempt_id] = by_attempt.get(attempt_id, 0.0) + float(awarded)
    people = sorted(by_attempt)
    index = {a: n for n, a in enumerate(people)}
    # Quiz level: by position (slot), as Moodle does for randomly drawn questions.
    slots: dict[int, list[float]] = {}
    slot_max: dict[int, float] = {}
    per_question: dict[int, tuple[list[float], list[float], float]] = {}
    # For the language DIF: per question, each paper's mark and whether it was right (full
    # marks); each paper's language.
    right: dict[int, dict[int, bool]] = {}
    marks: dict[int, dict[int, float]] = {}
    languages: dict[int, str] = {}
    for attempt_id, position, question_id, awarded, points, language in rows:
        slots.setdefault(position, [0.0] * len(people))[index[attempt_id]] = float(awarded)
        slot_max[position] = float(points)
        scores, totals, _m = per_question.setdefault(question_id, ([], [], float(points)))
        scores.append(float(awarded))
        totals.append(by_attempt[attempt_id])
        right.setdefault(question_id, {})[attempt_id] = awarded >= points
        marks.setdefault(question_id, {})[attempt_id] = float(awarded)
        languages[attempt_id] = (language or "")[:2]
    quiz = item_analysis.quiz_statistics(
        {str(k): v for k, v in slots.items()}, {str(k): v for k, v in slot_max.items()}
    )
    progress(70)
    limits = thresholds()
    # Right-or-wrong items only: a scale's options have no right answer to compare.
    closed = sitting.blueprint.kind == Blueprint.Kind.CLOSED
    biases = dif.items_dif(right, marks, languages) if closed else {}
    ItemStatistic.objects.filter(sitting=sitting).delete()
    now = timezone.now()
    stats_rows = []
    for question_id, (scores, totals, max_mark) in per_question.items():
        stats = item_analysis.item_statistics(scores, totals, max_mark)
        reasons = item_analysis.flag_reasons(stats, limits)
        bias = biases.get(question_id, dif.NOT_COMPUTED)
        if bias.category in ("B", "C"):
            reasons.append(f"language_dif_{bias.category.lower()}")
        stats_rows.append(
            ItemStatistic(
                sitting=sitting,
                question_id=question_id,
                attempts=stats.attempts,
                facility=stats.facility,
                sd=stats.sd,
                discrimination_index=stats.discrimination_index,
                discriminative_efficiency=stats.discriminative_efficiency,
                flagged=bool(reasons),
                flag_reasons=reasons,
                dif_reference_n=bias.reference_n,
                dif_focal_n=bias.focal_n,
                dif_alpha=bias.alpha,
                dif_d=bias.d,
                dif_d_se=bias.se,
                dif_category=bias.category,
                dif_favours=bias.favours,
                computed_at=now,
            )
        )
    progress(90)
    ItemStatistic.objects.bulk_create(stats_rows)
    result, _created = SittingStatistic.objects.update_or_create(
        sitting=sitting,
        defaults={
            "attempts": quiz.attempts,
            "mean": quiz.mean,
            "median": quiz.median,
            "sd": quiz.sd,
            "cic": quiz.cic,
            "error_ratio": quiz.error_ratio,
            "standard_error": quiz.standard_error,
            "computed_at": now,
        },
    )
    sitting.analysed_at = now
    sitting.save(update_fields=["analysed_at"])
    audit_record(
        action="sitting.analysed",
        target=sitting,
        details={
            "attempts": quiz.attempts,
            "flagged": sum(1 for r in stats_rows if r.flagged),
            "language_dif_c": sum(1 for r in stats_rows if r.dif_category == "C"),
        },
    )
    return result


def sittings_due_for_analysis(*, now=None) -> list[int]:
    """Sittings whose window has closed, with no paper still open, not yet analysed."""
    now = now or timezone.now()
    return list(
        Sitting.objects.filter(analysed_at__isnull=True, stage__closes_at__lt=now)
        .exclude(attempts__status__in=[Attempt.Status.IN_PROGRESS, Attempt.Status.SUBMITTED])
        .values_list("pk", flat=True)[:50]
    )


def sitting_analyse_run(*, job, progress) -> str:
    """The worker's half of an analysis job (``eqyzmet.jobs``)."""
    result = sitting_analyse(sitting_id=job.ref, progress=progress)
    if result is None:
        return ""
    return gettext("%(count)s first attempts analysed.") % {"count": result.attempts}


def sittings_analysis_queue(sitting_ids) -> int:
    """Queue an analysis job for each sitting that has none queued or running; returns how
    many were queued (the beat sweep calls it every half minute)."""
    queued = 0
    for sitting_id in sitting_ids:
        try:
            job_queue(
                kind=ANALYSE_JOB,
                ref=sitting_id,
                task="testing_center.analyse_sitting_job",
                actor=None,
            )
        except ApplicationError:
            continue  # already queued or running
        queued += 1
    return queued
