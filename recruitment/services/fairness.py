"""When the ranking is locked, every stage is checked for adverse impact: a group whose
pass rate is below four fifths of the best group's *and* significantly so (Fisher, p <
0.05) opens one system ethics case per (stage, characteristic, group) — however often
the check runs — with the figures and no person in it.

At essay stages the AI scorer is checked too: a group for whom its mean absolute error is
more than ``settings.EQYZMET_SCORER_GAP_THRESHOLD`` points above the other groups' opens
one case per (stage, characteristic, group), in the same way."""

from __future__ import annotations

from django.conf import settings

from ethics.public import system_case_raise
from recruitment.models import Competition
from recruitment.selectors_fairness import StageTable, competition_stage_tables

ADVERSE_IMPACT = "adverse_impact"


def _share(value: float) -> float:
    return round(value, 3)


def fairness_cases_raise(*, competition: Competition) -> list[int]:
    """Raise the adverse-impact cases of a competition; returns the cases' ids (an
    already raised case's id again, unchanged). Call inside the lock's transaction."""
    case_ids = []
    for table in competition_stage_tables(competition):
        for characteristic in table.characteristics:
            reference = next((r for r in characteristic.rows if r.figures.reference), None)
            for row in characteristic.adverse:
                f = row.figures
                group = f.group
                case_ids.append(
                    system_case_raise(
                        kind=ADVERSE_IMPACT,
                        state_body_id=competition.state_body_id,
                        summary=(
                            f"Adverse impact: {competition.number}, {table.stage.kind}, "
                            f"{characteristic.key} = {group}: ratio {f.ratio:.2f}, "
                            f"p = {f.p_value:.4f}"
                        ),
                        evidence={
                            "competition": competition.number,
                            "stage": table.stage.kind,
                            "characteristic": characteristic.key,
                            "group": group,
                            "group_size": f.total,
                            "group_passed": f.passed,
                            "group_rate": _share(f.rate),
                            "reference_group": reference.figures.group,
                            "reference_rate": _share(reference.figures.rate),
                            "impact_ratio": _share(f.ratio),
                            "p_value": round(f.p_value, 5),
                        },
                        dedupe_key=(
                            f"adverse_impact:{table.stage.pk}:{characteristic.key}:{group}"
                        ),
                    )
                )
        case_ids += _scorer_gap_cases(competition, table)
    return case_ids


def _scorer_gap_cases(competition: Competition, table: StageTable) -> list[int]:
    threshold = settings.EQYZMET_SCORER_GAP_THRESHOLD
    case_ids = []
    for characteristic in table.scorer:
        for row in characteristic.flagged:
            f = row.figures
            case_ids.append(
                system_case_raise(
                    kind=ADVERSE_IMPACT,
                    state_body_id=competition.state_body_id,
                    summary=(
                        f"AI scorer error gap: {competition.number}, {table.stage.kind}, "
                        f"{characteristic.key} = {f.group}: MAE {f.mae:.2f}, "
                        f"gap {f.gap:+.2f} points"
                    ),
                    evidence={
                        "competition": competition.number,
                        "stage": table.stage.kind,
                        "characteristic": characteristic.key,
                        "group": f.group,
                        "group_size": f.n,
                        "scorer_mae": round(f.mae, 3),
                        "scorer_gap": round(f.gap, 3),
                        "scorer_gap_threshold": threshold,
                    },
                    dedupe_key=(f"scorer_gap:{table.stage.pk}:{characteristic.key}:{f.group}"),
                )
            )
    return case_ids
