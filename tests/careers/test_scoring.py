"""The explorer's scoring and its mapping to job families, exactly."""

from __future__ import annotations

import pytest

from careers.explorer import answers_parse, explorer_score
from careers.explorer_items import INTEREST_ITEMS, INTEREST_TYPES, ITEMS, VALUE_ITEMS, WORK_VALUES
from careers.families import FAMILIES, FAMILIES_BY_SLUG, family_fits, pearson
from eqyzmet.errors import ApplicationError
from tests.careers.helpers import EXAMPLE, EXAMPLE_INTERESTS, EXAMPLE_VALUES, uniform


def test_the_bank_has_30_to_60_items_five_per_interest_type_and_two_per_value():
    assert 30 <= len(ITEMS) <= 60
    assert len({i.key for i in ITEMS}) == len(ITEMS)
    for letter in INTEREST_TYPES:
        assert sum(1 for i in INTEREST_ITEMS if i.dimension == letter) == 5
    for value in WORK_VALUES:
        assert sum(1 for i in VALUE_ITEMS if i.dimension == value) == 2


def test_scores_are_the_share_of_the_scale_rounded_half_up():
    scores = explorer_score(EXAMPLE)
    assert scores.interests == EXAMPLE_INTERESTS
    assert scores.work_values == EXAMPLE_VALUES


@pytest.mark.parametrize(("answer", "score"), [(1, 0), (2, 25), (3, 50), (4, 75), (5, 100)])
def test_the_same_answer_everywhere_gives_the_same_score_everywhere(answer, score):
    scores = explorer_score(uniform(answer))
    assert set(scores.interests.values()) == {score}
    assert set(scores.work_values.values()) == {score}


def test_a_missing_answer_is_refused():
    answers = uniform(3)
    del answers["C5"]
    with pytest.raises(ApplicationError) as exc:
        explorer_score(answers)
    assert exc.value.code == "incomplete"


def test_parsing_reports_missing_and_out_of_scale_answers_in_bank_order():
    data = {k: str(v) for k, v in uniform(4).items()}
    data["R2"] = "6"
    data["V12"] = "abc"
    del data["I1"]
    data["unknown"] = "5"
    answers, missing = answers_parse(data)
    assert missing == ["R2", "I1", "V12"]
    assert "unknown" not in answers
    assert answers["R1"] == 4


def test_pearson_is_zero_for_a_flat_side_and_one_for_proportional_lists():
    assert pearson([1, 1, 1], [1, 2, 3]) == 0.0
    assert pearson([2, 4, 6], [1, 2, 3]) == pytest.approx(1.0)
    assert pearson([3, 2, 1], [1, 2, 3]) == pytest.approx(-1.0)


@pytest.mark.parametrize("family", FAMILIES, ids=[f.slug for f in FAMILIES])
def test_a_profile_shaped_like_a_familys_code_and_values_fits_it_fully_and_first(family):
    interests = dict.fromkeys(INTEREST_TYPES, 0)
    for letter, points in zip(family.code, (90, 60, 30), strict=True):
        interests[letter] = points
    values = {v: (100 if v in family.values else 0) for v in WORK_VALUES}
    fits = family_fits(interests=interests, work_values=values)
    assert fits[0].family == family
    assert fits[0].fit == 100
    assert fits[1].fit < 100


def test_the_fit_is_80_percent_interests_and_20_percent_values_on_a_0_to_100_scale():
    # Interests exactly the digital family's code (r = 1), values exactly opposite to its
    # values (r = -1): 0.8 × 1 + 0.2 × (-1) = 0.6, shown as (0.6 + 1) × 50 = 80.
    digital = FAMILIES_BY_SLUG["digital-services"]
    interests = {"I": 90, "C": 60, "R": 30, "A": 0, "S": 0, "E": 0}
    values = {v: (0 if v in digital.values else 100) for v in WORK_VALUES}
    fit = next(
        f for f in family_fits(interests=interests, work_values=values) if f.family == digital
    )
    assert fit.interest_r == pytest.approx(1.0)
    assert fit.value_r == pytest.approx(-1.0)
    assert fit.fit == 80


def test_flat_answers_give_every_family_50_in_the_families_own_order():
    fits = family_fits(
        interests=dict.fromkeys(INTEREST_TYPES, 50), work_values=dict.fromkeys(WORK_VALUES, 50)
    )
    assert [f.fit for f in fits] == [50] * len(FAMILIES)
    assert [f.family for f in fits] == list(FAMILIES)


def test_the_example_maps_to_finance_just_ahead_of_digital_services():
    # Interests I 95, C 85, E 60, R 50, S 30, A 0 correlate 0.832 with both CIE and ICR;
    # the values (stability 88, expertise 75, autonomy 100…) tip it: 0.491 against 0.344.
    scores = explorer_score(EXAMPLE)
    fits = family_fits(interests=scores.interests, work_values=scores.work_values)
    assert [(f.family.slug, f.fit) for f in fits[:2]] == [
        ("finance-audit", 88),
        ("digital-services", 87),
    ]
    assert fits[0].interest_r == pytest.approx(0.832, abs=1e-3)
    assert fits[0].value_r == pytest.approx(0.491, abs=1e-3)
    assert fits[-1].family.slug == "public-communication"
