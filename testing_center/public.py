"""The testing center's public surface (OEP-49): other apps import only this module.

The recruitment app's commission pages read essays here — redacted text only — and report
marks back so the routing rules (blind double marking) can apply. The orchestrator registers
its competitions here (``competitions_register``, see ``testing_center.ports``): the testing
center asks it about stages and applications by id and never imports it. Plain data crosses
the border; models do not.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from testing_center.ports import (
    NO_EXTRA_TIME,
    AdmittedCode,
    Competitions,
    ExtraTime,
    StageInfo,
    competitions_register,
)
from testing_center.redaction import RedactionResult, redact_text

__all__ = [
    "NO_EXTRA_TIME",
    "AdmittedCode",
    "Competitions",
    "EssayForMarking",
    "EssayPart",
    "ExtraTime",
    "PracticeAggregate",
    "RedactionResult",
    "StageInfo",
    "competitions_register",
    "essay_ai_scores",
    "essay_for_marking",
    "essay_mark_recorded",
    "essay_practice_feedback",
    "essays_for_marking",
    "practice_aggregates",
    "practice_first_code",
    "practice_tag_clear",
    "practice_tag_set",
    "redact_text",
]


@dataclass(frozen=True)
class EssayPart:
    position: int
    question_text: str
    rubric: list[dict]
    text: str  # redacted: identifying details replaced by [NAME], [PHONE]…
    redactions: dict[str, int]


@dataclass(frozen=True)
class EssayForMarking:
    """What a commission member may see of one code's essay.

    ``status``: "not_written" (no paper was handed in online), "preparing" (handed in,
    redaction and AI scoring not finished yet) or "ready". The AI fields are for showing
    *after* the member has marked; the page decides when.
    """

    status: str
    route: str = ""
    route_label: str = ""
    reasons: list[str] = field(default_factory=list)
    marks_required: int = 1
    parts: list[EssayPart] = field(default_factory=list)
    ai_score: Decimal | None = None
    ai_confidence: float | None = None
    model_versions: list[str] = field(default_factory=list)

    @property
    def is_double(self) -> bool:
        return self.route == "double"


def _latest_attempts(stage_id: int, application_ids):
    from testing_center.models import Attempt

    attempts = {}
    for attempt in (
        Attempt.objects.filter(
            application_id__in=list(application_ids),
            sitting__stage_id=stage_id,
            status__in=[Attempt.Status.SUBMITTED, Attempt.Status.SCORED],
        )
        .select_related("review")
        .order_by("application_id", "number")
    ):
        attempts[attempt.application_id] = attempt
    return attempts


def _summary(attempt) -> EssayForMarking:
    from testing_center.models import EssayReview

    if attempt is None:
        return EssayForMarking(status="not_written")
    try:
        review = attempt.review
    except EssayReview.DoesNotExist:
        return EssayForMarking(status="preparing")
    return EssayForMarking(
        status="ready",
        route=review.route,
        route_label=str(review.get_route_display()),
        reasons=[str(EssayReview.Reason(r).label) for r in review.reasons],
        marks_required=review.marks_required,
        ai_score=review.ai_score,
        ai_confidence=review.ai_confidence,
    )


def _rubric(question) -> list[dict]:
    from testing_center.models import option_text

    return [
        {**c, "label": option_text(c) or str(c.get("criterion", ""))}
        for c in question.rubric
        if isinstance(c, dict)
    ]


def essays_for_marking(*, stage_id: int, application_ids) -> dict[int, EssayForMarking]:
    """Route and status of each code's essay at an essay stage, for a marking queue. Two
    queries whatever the number of codes."""
    ids = list(application_ids)
    attempts = _latest_attempts(stage_id, ids)
    return {a: _summary(attempts.get(a)) for a in ids}


def essay_for_marking(*, stage_id: int, application_id: int) -> EssayForMarking:
    """One code's essay with its redacted text, the questions and their rubrics."""
    from dataclasses import replace

    from testing_center.models import AiScore, Question

    attempt = _latest_attempts(stage_id, [application_id]).get(application_id)
    summary = _summary(attempt)
    if summary.status != "ready":
        return summary
    review = attempt.review
    questions = {
        q.pk: q for q in Question.objects.filter(pk__in=[i["question"] for i in review.items])
    }
    parts = [
        EssayPart(
            position=i["position"],
            question_text=questions[i["question"]].text if i["question"] in questions else "",
            rubric=_rubric(questions[i["question"]]) if i["question"] in questions else [],
            text=i["text"],
            redactions=i.get("redactions") or {},
        )
        for i in review.items
    ]
    versions = sorted(
        set(AiScore.objects.filter(item__attempt=attempt).values_list("model__version", flat=True))
    )
    return replace(summary, parts=parts, model_versions=versions)


def essay_mark_recorded(
    *, application_id: int, stage_id: int, score: Decimal, marks_so_far: int
) -> int:
    """Tell the testing center a commission mark was given; returns the number of human
    marks the essay needs (2 when it is in blind double marking)."""
    from testing_center.scoring.essays import essay_mark_recorded as record

    return record(
        application_id=application_id, stage_id=stage_id, score=score, marks_so_far=marks_so_far
    )


def essay_ai_scores(*, stage_ids) -> dict[int, dict[int, Decimal]]:
    """The AI's score of each essay paper at the given stages, on the stage's own scale
    (as the commission marks it): {stage id: {application id: score}}, from each code's
    latest handed-in attempt; papers the AI could not score are left out. One query. For
    the scorer's error by group (issue 18): the commission's final score is the caller's."""
    from testing_center.models import Attempt, EssayReview

    latest: dict[tuple[int, int], Decimal | None] = {}
    for stage_id, application_id, score in (
        EssayReview.objects.filter(
            attempt__sitting__stage_id__in=list(stage_ids),
            attempt__application_id__isnull=False,
            attempt__status__in=[Attempt.Status.SUBMITTED, Attempt.Status.SCORED],
        )
        .order_by("attempt__number")
        .values_list("attempt__sitting__stage_id", "attempt__application_id", "ai_score")
    ):
        latest[(stage_id, application_id)] = score
    found: dict[int, dict[int, Decimal]] = {}
    for (stage_id, application_id), score in latest.items():
        if score is not None:
            found.setdefault(stage_id, {})[application_id] = score
    return found


def essay_practice_feedback(text: str, language: str, **limits):
    """Instant feedback, never a grade, on a practice essay's shape: words against the
    expected range, paragraphs, introduction and conclusion, linking words, readability
    (``scoring.practice_feedback.EssayPracticeFeedback``). Nothing is stored. Raises
    ``ApplicationError`` with a translated message for empty, huge or control-character
    text. The scorer's libraries load on the first call, not when this module is imported."""
    from testing_center.scoring.practice_feedback import essay_practice_feedback as feedback

    return feedback(text, language, **limits)


# --- Practice under a group's tag (a school class code, issue 17) ---------------------------

PRACTICE_BANDS = ((0, 20), (20, 40), (40, 60), (60, 80), (80, 101))


@dataclass(frozen=True)
class PracticeAggregate:
    """What may be shown of the practice attempts of one tag: counts and a mean, never an
    attempt. ``distribution`` is ((low, high, count), ...) over the percentage of the paper's
    points, bands 0–19, 20–39, 40–59, 60–79, 80–100; ``mean_percent`` is None without
    sittings. Only scored (handed-in) attempts count."""

    sittings: int
    passed: int
    mean_percent: float | None
    distribution: tuple[tuple[int, int, int], ...]


def practice_tag_set(request, tag: str) -> None:
    """Tag the practice attempts this browser starts from now on (the session remembers it)."""
    from testing_center.selectors import PRACTICE_TAG_SESSION_KEY

    request.session[PRACTICE_TAG_SESSION_KEY] = tag[:32]


def practice_tag_clear(request) -> None:
    from testing_center.selectors import PRACTICE_TAG_SESSION_KEY

    request.session.pop(PRACTICE_TAG_SESSION_KEY, None)


def practice_aggregates(*, tag: str, batch: int = 1) -> PracticeAggregate:
    """Number of scored practice sittings under ``tag``, how many passed, the mean share of
    points and its distribution. One query; the caller decides whether a group is large
    enough to show.

    With ``batch`` > 1 only the first whole batches of sittings count (in the order they
    were started): the figures then change only when ``batch`` more people took part, so
    comparing two reports never isolates one person's score."""
    from django.db.models import Sum

    from testing_center.models import Attempt

    percents: list[float] = []
    passed = 0
    if tag:
        rows = (
            Attempt.objects.filter(
                sitting__isnull=True, practice_tag=tag, status=Attempt.Status.SCORED
            )
            .annotate(max_points=Sum("items__points"))
            .order_by("pk")
            .values_list("score", "max_points", "passed")
        )
        scored = [
            (float(score) * 100 / float(max_points), bool(ok))
            for score, max_points, ok in rows
            if score is not None and max_points
        ]
        batch = max(1, batch)
        for percent, ok in scored[: len(scored) - len(scored) % batch]:
            percents.append(percent)
            passed += ok
    distribution = tuple(
        (low, min(high, 100), sum(1 for p in percents if low <= p < high))
        for low, high in PRACTICE_BANDS
    )
    return PracticeAggregate(
        sittings=len(percents),
        passed=passed,
        mean_percent=round(sum(percents) / len(percents), 1) if percents else None,
        distribution=distribution,
    )


def practice_first_code() -> str:
    """The code of the first practice test (for a "start the practice test" button), or ""."""
    from testing_center.models import Blueprint

    return (
        Blueprint.objects.filter(is_practice=True)
        .order_by("code")
        .values_list("code", flat=True)
        .first()
        or ""
    )
