"""The interest and strengths explorer: scoring answers, keeping results.

Scoring, exactly: each answer is 1–5; a type's (or value's) score is
(sum of (answer − 1) over its items) ÷ (4 × number of its items) × 100, rounded half up to a
whole number. So all "5" gives 100, all "1" gives 0, all "3" gives 50.

A result stores the scores and the families in order of fit, never the answers. It is
anonymous unless a signed-in person keeps it (``explorer_result_keep``); a result taken under
a class code carries the class, which its adviser sees only in aggregates of five or more.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db import transaction
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from careers.explorer_items import INTEREST, INTEREST_TYPES, ITEMS, VALUE, WORK_VALUES
from careers.families import family_fits
from careers.models import ClassGroup, ExplorerResult
from eqyzmet.errors import ApplicationError

RESULTS_SESSION_KEY = "careers_explorer_results"
RESULTS_REMEMBERED = 20
LANGUAGES = ("kk", "ru", "en")


@dataclass(frozen=True)
class ExplorerScores:
    interests: dict[str, int]
    work_values: dict[str, int]


def _scale_score(answers: list[int]) -> int:
    raw = Decimal(sum(a - 1 for a in answers) * 100) / Decimal(4 * len(answers))
    return int(raw.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def answers_parse(data) -> tuple[dict[str, int], list[str]]:
    """The answers found in ``data`` (a form's POST) and the keys of the items missing or
    answered with anything other than 1–5, in the bank's order."""
    answers: dict[str, int] = {}
    missing: list[str] = []
    for item in ITEMS:
        raw = str(data.get(item.key, "")).strip()
        if raw in {"1", "2", "3", "4", "5"}:
            answers[item.key] = int(raw)
        else:
            missing.append(item.key)
    return answers, missing


def explorer_score(answers: dict[str, int]) -> ExplorerScores:
    """Scores 0–100 per interest type and per work value. Every item must be answered."""
    by_dimension: dict[tuple[str, str], list[int]] = {}
    for item in ITEMS:
        value = answers.get(item.key)
        if value not in (1, 2, 3, 4, 5):
            raise ApplicationError(
                _("Please answer every statement before you see your results."),
                code="incomplete",
            )
        by_dimension.setdefault((item.kind, item.dimension), []).append(value)
    return ExplorerScores(
        interests={k: _scale_score(by_dimension[(INTEREST, k)]) for k in INTEREST_TYPES},
        work_values={k: _scale_score(by_dimension[(VALUE, k)]) for k in WORK_VALUES},
    )


def incomplete_message(missing: int) -> str:
    return ngettext(
        "%(count)d statement has no answer. Please answer every statement; nothing was saved.",
        "%(count)d statements have no answer. Please answer every statement; nothing was saved.",
        missing,
    ) % {"count": missing}


@transaction.atomic
def explorer_result_record(
    *, answers: dict[str, int], language: str, class_group: ClassGroup | None = None
) -> ExplorerResult:
    """Score a complete questionnaire and store the scores (anonymous: no user).

    Not written to the audit ledger: like a practice test, it is no act of a state body,
    and a ledger entry per visitor would let anyone grow the ledger at will."""
    scores = explorer_score(answers)
    fits = family_fits(interests=scores.interests, work_values=scores.work_values)
    return ExplorerResult.objects.create(
        class_group=class_group,
        language=language if language in LANGUAGES else "kk",
        interests=scores.interests,
        work_values=scores.work_values,
        families=[f.family.slug for f in fits],
    )


@transaction.atomic
def explorer_result_keep(*, result: ExplorerResult, user) -> ExplorerResult:
    """A signed-in person keeps a result they took, for "posts you can win"."""
    if not getattr(user, "is_authenticated", False):
        raise ApplicationError(_("Sign in to keep your result."), code="anonymous")
    if result.user_id is not None and result.user_id != user.pk:
        raise ApplicationError(_("This result cannot be kept."), code="not_yours")
    changed = ExplorerResult.objects.filter(pk=result.pk, user__isnull=True).update(user=user)
    if changed:
        result.user = user
    return result


# --- Which results this browser may see ---------------------------------------------------


def session_results_remember(request, result: ExplorerResult) -> None:
    ids = [i for i in request.session.get(RESULTS_SESSION_KEY, []) if i != result.pk]
    request.session[RESULTS_SESSION_KEY] = [*ids, result.pk][-RESULTS_REMEMBERED:]


def result_for_request(request, pk: int) -> ExplorerResult | None:
    """The result if this browser took it (or the signed-in person kept it), else None:
    another person's result is indistinguishable from one that does not exist."""
    result = ExplorerResult.objects.filter(pk=pk).first()
    if result is None:
        return None
    if pk in request.session.get(RESULTS_SESSION_KEY, []):
        return result
    if request.user.is_authenticated and result.user_id == request.user.pk:
        return result
    return None
