"""Selection rates by group, read from stage results and the voluntary equality data
(issue 18). Everything here returns counts of groups with small cells suppressed
(``recruitment.fairness``), never a row per application; the pages that show it are the
ethics commissioner's report and the public statistics, both only for locked rankings.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.db.models import QuerySet

from recruitment.fairness import (
    GroupError,
    GroupRate,
    group_error_gaps,
    group_rates,
    suppressed_groups,
)
from recruitment.models import Application, Competition, Stage, StageResult
from recruitment.models_equality import (
    CHARACTERISTICS,
    EqualityRecord,
    characteristic_label,
    group_label,
)
from recruitment.procedure import RANKED
from testing_center.public import essay_ai_scores

NOT_GIVEN = "__not_given"


def equality_answers_by_competition(competition_ids) -> dict[int, dict[int, dict[str, str]]]:
    """{competition id: {application id: answers}} for the statistics: one query. Callers
    must only ever return counts of groups, never a row per application."""
    found: dict[int, dict[int, dict[str, str]]] = {}
    for competition_id, payload in EqualityRecord.objects.filter(
        competition_id__in=list(competition_ids)
    ).values_list("competition_id", "payload"):
        data = json.loads(payload)
        found.setdefault(competition_id, {})[data["application_id"]] = data["answers"]
    return found


@dataclass(frozen=True)
class GroupRow:
    label: str
    figures: GroupRate


@dataclass(frozen=True)
class CharacteristicTable:
    key: str
    label: str
    rows: list[GroupRow]
    not_given: int | None  # None when suppressed

    @property
    def adverse(self) -> list[GroupRow]:
        return [row for row in self.rows if row.figures.adverse]


@dataclass(frozen=True)
class ErrorRow:
    label: str
    figures: GroupError
    flagged: bool  # the gap is above settings.EQYZMET_SCORER_GAP_THRESHOLD


@dataclass(frozen=True)
class ScorerTable:
    """The AI essay scorer's error by group for one characteristic at one essay stage."""

    key: str
    label: str
    rows: list[ErrorRow]

    @property
    def flagged(self) -> list[ErrorRow]:
        return [row for row in self.rows if row.flagged]


@dataclass(frozen=True)
class StageTable:
    stage: Stage | None  # None: the whole competition (reached the final ranking)
    entrants: int
    characteristics: list[CharacteristicTable]
    scorer: list[ScorerTable] = field(default_factory=list)  # essay stages only
    essays_compared: int = 0  # essays with both an AI score and a final score


def characteristic_tables(
    outcomes: list[tuple[int, bool]], answers: dict[int, dict[str, str]]
) -> list[CharacteristicTable]:
    """``outcomes`` is (application id, passed) for everyone who sat a stage; each
    characteristic's groups, with the people who gave no answer counted apart."""
    tables = []
    for key, _label, choices in CHARACTERISTICS:
        counts = {value: [0, 0] for value in choices.values}
        not_given = 0
        for application_id, passed in outcomes:
            value = answers.get(application_id, {}).get(key)
            if value not in counts:
                not_given += 1
                continue
            counts[value][0] += 1
            counts[value][1] += int(passed)
        sizes = {value: n for value, (n, _p) in counts.items()} | {NOT_GIVEN: not_given}
        hidden = suppressed_groups(sizes)
        figures = group_rates({v: (n, p) for v, (n, p) in counts.items()}, hidden=hidden)
        tables.append(
            CharacteristicTable(
                key=key,
                label=characteristic_label(key),
                rows=[GroupRow(group_label(key, f.group), f) for f in figures],
                not_given=None if NOT_GIVEN in hidden else not_given,
            )
        )
    return tables


def scorer_tables(
    scores: list[tuple[int, Decimal, Decimal]], answers: dict[int, dict[str, str]]
) -> list[ScorerTable]:
    """``scores`` is (application id, AI score, final score) for every essay of a stage
    with both; each characteristic's groups by the scorer's error, suppressed as above."""
    threshold = settings.EQYZMET_SCORER_GAP_THRESHOLD
    tables = []
    for key, _label, choices in CHARACTERISTICS:
        errors: dict[str, list[float]] = {value: [] for value in choices.values}
        not_given = 0
        for application_id, ai_score, final in scores:
            value = answers.get(application_id, {}).get(key)
            if value not in errors:
                not_given += 1
                continue
            errors[value].append(float(abs(ai_score - final)))
        sizes = {value: len(e) for value, e in errors.items()} | {NOT_GIVEN: not_given}
        figures = group_error_gaps(errors, hidden=suppressed_groups(sizes))
        tables.append(
            ScorerTable(
                key=key,
                label=characteristic_label(key),
                rows=[
                    ErrorRow(
                        group_label(key, f.group),
                        f,
                        flagged=f.gap is not None and f.gap > threshold,
                    )
                    for f in figures
                ],
            )
        )
    return tables


def is_locked(competition: Competition) -> bool:
    return competition.status in RANKED and competition.status != Competition.Status.CANCELLED


def competition_stage_tables(competition: Competition) -> list[StageTable]:
    """Per stage, pass rates by group for every characteristic, and at essay stages the AI
    scorer's error by group: three queries, four with an essay stage."""
    stages = list(competition.stages.order_by("position"))
    outcomes: dict[int, list[tuple[int, bool]]] = defaultdict(list)
    finals: dict[int, dict[int, Decimal]] = defaultdict(dict)
    for stage_id, application_id, passed, score in StageResult.objects.filter(
        stage__competition=competition
    ).values_list("stage_id", "application_id", "passed", "score"):
        outcomes[stage_id].append((application_id, passed))
        finals[stage_id][application_id] = score
    answers = equality_answers_by_competition([competition.pk]).get(competition.pk, {})
    essay_ids = [stage.pk for stage in stages if stage.kind == Stage.Kind.ESSAY]
    ai = essay_ai_scores(stage_ids=essay_ids) if essay_ids else {}
    tables = []
    for stage in stages:
        scores = [
            (application_id, ai_score, finals[stage.pk][application_id])
            for application_id, ai_score in ai.get(stage.pk, {}).items()
            if application_id in finals[stage.pk]
        ]
        tables.append(
            StageTable(
                stage=stage,
                entrants=len(outcomes[stage.pk]),
                characteristics=characteristic_tables(outcomes[stage.pk], answers),
                scorer=scorer_tables(scores, answers) if scores else [],
                essays_compared=len(scores),
            )
        )
    return tables


def locked_competitions() -> QuerySet[Competition]:
    return Competition.objects.filter(status__in=RANKED).exclude(
        status=Competition.Status.CANCELLED
    )


def selection_outcomes(competitions) -> dict[int, list[tuple[int, bool]]]:
    """{competition id: [(application id, reached the final ranking)]} for everyone who
    sat at least one stage: one query."""
    found: dict[int, list[tuple[int, bool]]] = defaultdict(list)
    rows = (
        Application.objects.filter(competition__in=competitions, results__isnull=False)
        .distinct()
        .values_list("competition_id", "pk", "rank")
    )
    for competition_id, pk, rank in rows:
        found[competition_id].append((pk, rank is not None))
    return found
