"""The AI essay scorer's error by equality group (issue 18): the arithmetic against hand
worked tables, the case raised at the ranking lock and the commissioner's report."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.test import override_settings
from django.utils import timezone

from ethics.models import EthicsCase
from recruitment import services
from recruitment.demo_fairness import synthetic_cohort_add
from recruitment.fairness import group_error_gaps, suppressed_groups
from recruitment.models import Competition, Stage, StageResult
from recruitment.services.fairness import fairness_cases_raise
from testing_center.models import Attempt, Blueprint, EssayReview, Sitting
from testing_center.public import essay_ai_scores
from tests.recruitment.factories import make_competition, make_staff
from tests.testing_center.factories import make_blueprint

# --- The arithmetic ----------------------------------------------------------------------


def test_error_gaps_of_three_shown_groups_by_hand():
    #  group | essays | |AI − final| of each      | sum | MAE  | others' MAE      | gap
    #  a     |   10   | 1.0 × 10                  |  10 | 1.0  | (0 + 10) / 30    | +0.667
    #  b     |   10   | 0.0 × 10                  |   0 | 0.0  | (10 + 10) / 30   | −0.667
    #  e     |   20   | 1.0 × 10, 0.0 × 10        |  10 | 0.5  | (10 + 0) / 20    |  0.000
    #  f     |    0   | —                         |   — | —    |                  |  —
    errors = {"a": [1.0] * 10, "b": [0.0] * 10, "e": [1.0] * 10 + [0.0] * 10, "f": []}
    rows = {r.group: r for r in group_error_gaps(errors)}
    assert (rows["a"].n, rows["a"].mae) == (10, 1.0)
    assert rows["a"].gap == pytest.approx(2 / 3)
    assert rows["b"].gap == pytest.approx(-2 / 3)
    assert rows["e"].mae == 0.5 and rows["e"].gap == pytest.approx(0.0)
    assert (rows["f"].n, rows["f"].mae, rows["f"].gap) == (0, None, None)
    assert not any(r.suppressed for r in rows.values())


def test_small_groups_are_suppressed_and_left_out_of_the_others_gaps():
    #  group | essays | |AI − final|          | sum  | MAE  | shown? | gap
    #  a     |   12   | 0 × 6, 2 × 6          | 12   | 1.0  | yes    | 1.0 − 5.5/11 = +0.5
    #  b     |   11   | 0.5 × 11              | 5.5  | 0.5  | yes    | 0.5 − 12/12  = −0.5
    #  c     |    4   | 3 × 4                 | 12   | 3.0  | no (< 10)
    #  d     |    3   | 3 × 3                 | 9    | 3.0  | no (< 10)
    # Were c and d counted among a's "others", a's gap would be 1.0 − 26.5/18 = −0.47.
    errors = {
        "a": [0.0] * 6 + [2.0] * 6,
        "b": [0.5] * 11,
        "c": [3.0] * 4,
        "d": [3.0] * 3,
    }
    hidden = suppressed_groups({g: len(e) for g, e in errors.items()})
    assert hidden == {"c", "d"}
    rows = {r.group: r for r in group_error_gaps(errors, hidden=hidden)}
    assert rows["a"].mae == 1.0 and rows["a"].gap == pytest.approx(0.5)
    assert rows["b"].mae == 0.5 and rows["b"].gap == pytest.approx(-0.5)
    for group in ("c", "d"):
        assert rows[group].suppressed
        assert (rows[group].n, rows[group].mae, rows[group].gap) == (None, None, None)


def test_one_shown_group_has_no_one_to_compare_with():
    rows = group_error_gaps({"a": [1.0] * 10, "b": [0.0] * 9}, hidden={"b"})
    assert (rows[0].mae, rows[0].gap) == (1.0, None)


# --- A locked essay stage ----------------------------------------------------------------

ESSAY_ONLY = [(Stage.Kind.ESSAY, "5", "3", None, "1")]


@pytest.fixture
def staff(roles):
    return make_staff()


def _error(n: int, gender: str) -> Decimal:
    """The synthetic cohort numbers its people 1–120 (women 1–60, men 61–120); every 15th
    says it has a disability (8 people, a suppressed group): the AI misses them by 2.5.
    Otherwise it misses women by 1.0 and men by 0.25, so
        women: (56 × 1.0 + 4 × 2.5) / 60 = 1.10    men: (56 × 0.25 + 4 × 2.5) / 60 = 0.40
    and the women's gap is 1.10 − 0.40 = +0.70 points, the men's −0.70."""
    if n % 15 == 0:
        return Decimal("2.5")
    return Decimal("1.0") if gender == "female" else Decimal("0.25")


def _locked_essay_stage(staff, *, lock: bool = True) -> tuple[Competition, Stage]:
    """A competition with one essay stage, ranking locked: every code passed or failed as
    often (no adverse impact in the pass rates), the commission's final score 3.000, the
    AI's score off by ``_error``."""
    competition = make_competition(staff=staff, plan=ESSAY_ONLY)
    applications = synthetic_cohort_add(
        competition=competition, cohort=(("female", 60, 50), ("male", 60, 50))
    )
    stage = competition.stages.get()
    StageResult.objects.filter(stage=stage).update(score=Decimal("3.000"))
    sitting = Sitting.objects.create(
        stage=stage, blueprint=make_blueprint([], kind=Blueprint.Kind.ESSAY)
    )
    attempts = Attempt.objects.bulk_create(
        Attempt(
            sitting=sitting,
            blueprint=sitting.blueprint,
            application=application,
            seed=f"s{n}",
            deadline=timezone.now() - dt.timedelta(days=30),
            status=Attempt.Status.SCORED,
        )
        for n, application in enumerate(applications, start=1)
    )
    EssayReview.objects.bulk_create(
        EssayReview(
            attempt=attempt,
            # Above the final score for odd numbers, below it for even: only |·| counts.
            ai_score=Decimal(3) + (1 if n % 2 else -1) * _error(n, "female" if n <= 60 else "male"),
            route=EssayReview.Route.SINGLE,
        )
        for n, attempt in enumerate(attempts, start=1)
    )
    if lock:
        status = Competition.Status.RANKING_LOCKED
    else:
        status = Competition.Status.ESSAY
        competition.applications.update(current_stage=stage)
    Competition.objects.filter(pk=competition.pk).update(status=status)
    return Competition.objects.get(pk=competition.pk), stage


def test_the_public_read_gives_the_ai_scores_of_a_stage(staff):
    _competition, stage = _locked_essay_stage(staff)
    scores = essay_ai_scores(stage_ids=[stage.pk])
    assert list(scores) == [stage.pk]
    assert len(scores[stage.pk]) == 120
    assert set(scores[stage.pk].values()) == {
        Decimal("4.00"), Decimal("2.00"), Decimal("3.25"), Decimal("2.75"),
        Decimal("5.50"), Decimal("0.50"),
    }  # fmt: skip


def _scorer_cases():
    return [c for c in EthicsCase.objects.all() if "scorer_gap" in c.evidence]


def test_a_gap_above_the_threshold_raises_exactly_one_case(staff):
    competition, _stage = _locked_essay_stage(staff)
    fairness_cases_raise(competition=competition)
    fairness_cases_raise(competition=competition)
    fairness_cases_raise(competition=competition)
    cases = _scorer_cases()
    assert len(cases) == 1
    assert EthicsCase.objects.count() == 1  # no adverse impact in the pass rates
    case = cases[0]
    assert case.category == "adverse_impact"
    assert case.state_body_id == staff.body.pk
    evidence = case.evidence
    assert (evidence["stage"], evidence["characteristic"], evidence["group"]) == (
        "essay",
        "gender",
        "female",
    )
    assert evidence["group_size"] == 60
    assert evidence["scorer_mae"] == pytest.approx(1.1)
    assert evidence["scorer_gap"] == pytest.approx(0.7)
    assert evidence["scorer_gap_threshold"] == 0.5
    # Figures only: no code, no application, no person.
    assert not {"code", "codes", "application_code", "application_id"} & set(evidence)
    for application in competition.applications.all():
        assert application.code not in str(evidence) + case.subject


def test_locking_the_ranking_raises_the_case(staff):
    competition, _stage = _locked_essay_stage(staff, lock=False)
    assert _scorer_cases() == []
    services.competition_lock_ranking(competition=competition, actor=staff.hr)
    competition.refresh_from_db()
    assert competition.status == Competition.Status.RANKING_LOCKED
    cases = _scorer_cases()
    assert [(c.evidence["characteristic"], c.evidence["group"]) for c in cases] == [
        ("gender", "female")
    ]


def test_no_case_below_the_threshold(staff):
    competition, _stage = _locked_essay_stage(staff)
    with override_settings(EQYZMET_SCORER_GAP_THRESHOLD=0.75):
        fairness_cases_raise(competition=competition)
    assert _scorer_cases() == []


def test_no_case_for_a_suppressed_group(staff):
    # The 8 who said they have a disability are missed by 2.5 points, far more than anyone
    # else, but fewer than 10 people are never reported, so not even at threshold 0.
    competition, _stage = _locked_essay_stage(staff)
    with override_settings(EQYZMET_SCORER_GAP_THRESHOLD=0.0):
        fairness_cases_raise(competition=competition)
    flagged = {(c.evidence["characteristic"], c.evidence["group"]) for c in _scorer_cases()}
    assert ("gender", "female") in flagged
    assert not any(characteristic == "disability" for characteristic, _g in flagged)


def test_the_report_shows_the_scorer_gap_beside_the_pass_rates(
    client, staff, django_assert_max_num_queries
):
    competition, _stage = _locked_essay_stage(staff)
    client.force_login(staff.ethics)
    # The nine of the report (see test_fairness) and the AI scores of its essay stages.
    with django_assert_max_num_queries(10):
        page = client.get(f"/en/staff/fairness/{competition.pk}/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "The AI essay scorer&#x27;s error by group" in text or (
        "The AI essay scorer's error by group" in text
    )
    gender = text.split('data-testid="scorer-gap-gender"')[1].split("</section>")[0]
    assert gender.count('data-testid="scorer-gap-flagged"') == 1
    assert "1.10" in gender and "+0.70" in gender and "0.40" in gender and "-0.70" in gender
    assert "above the threshold" in gender
    disability = text.split('data-testid="scorer-gap-disability"')[1].split("</section>")[0]
    assert "fewer than 10" in disability and "2.50" not in disability
    assert "120 essays" in text


def test_the_case_page_labels_the_figures(client, staff):
    competition, _stage = _locked_essay_stage(staff)
    fairness_cases_raise(competition=competition)
    case = _scorer_cases()[0]
    client.force_login(staff.ethics)
    page = client.get(f"/en/ethics/dashboard/cases/{case.pk}/").content.decode()
    assert "AI scorer&#x27;s mean absolute error for the group, points" in page or (
        "AI scorer's mean absolute error for the group, points" in page
    )
    assert "Gap that raises a case, points" in page


@pytest.mark.parametrize("raw", ["half", "nan", "-0.1"])
def test_a_bad_threshold_setting_is_refused(monkeypatch, raw):
    from django.core.exceptions import ImproperlyConfigured

    from eqyzmet.config import env_float

    monkeypatch.setenv("EQYZMET_SCORER_GAP_THRESHOLD", raw)
    with pytest.raises(ImproperlyConfigured, match="EQYZMET_SCORER_GAP_THRESHOLD"):
        env_float("EQYZMET_SCORER_GAP_THRESHOLD", 0.5, minimum=0)
    monkeypatch.setenv("EQYZMET_SCORER_GAP_THRESHOLD", "0.75")
    assert env_float("EQYZMET_SCORER_GAP_THRESHOLD", 0.5, minimum=0) == 0.75
