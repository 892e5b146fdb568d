"""A commissioner reads a system-raised case's evidence as labelled rows in their language,
not as raw keys (``revealed_by: 3``, ``rank: None``)."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import override

from ethics.models import EVIDENCE_FIELDS, EthicsCase, evidence_rows
from recruitment import services
from recruitment.models import Application, Competition, Stage
from recruitment.public import stage_result_record
from tests.ethics.factories import system_case
from tests.recruitment.factories import make_candidate, make_competition, make_staff

pytestmark = pytest.mark.django_db

# The evidence every caller of ethics.public.system_case_raise writes, key for key.
EVIDENCE = {
    "identity_reveal": {
        "competition": "KZ-2026-MDAI-0003",
        "code": "K7-4QMX-9TZ2",
        "purpose": "winner",
        "reason": "Winner: document check",
        "revealed_by": None,
        "rank": None,
    },
    "self_identification": {
        "signal": "self_identification",
        "competition": "KZ-2026-MDAI-0003",
        "stage": "essay",
        "code": "K7-4QMX-9TZ2",
        "redacted": {"person": 2, "phone": 1},
    },
    "rapid_guessing": {
        "signal": "rapid_guessing",
        "competition": "KZ-2026-MDAI-0003",
        "stage": "legislation_test",
        "codes": ["K7-4QMX-9TZ2"],
        "score": 0.9333,
        "items_answered": 30,
        "items_faster_than_threshold": 28,
        "threshold_seconds": 4.0,
        "share_threshold": 0.8,
    },
    "response_time_anomaly": {
        "signal": "response_time_anomaly",
        "competition": "KZ-2026-MDAI-0003",
        "stage": "personal_qualities",
        "codes": ["K7-4QMX-9TZ2"],
        "score": 0.71,
        "total_seconds": 612.5,
        "sitting_median_total_seconds": 2410.0,
        "total_robust_z": -4.12,
        "median_item_robust_z": -3.5,
        "most_unusual_items": {"LEG-014": 1.2, "LEG-031": 0.8},
        "attempts_in_sitting": 41,
        "z_threshold": 3.5,
    },
    "near_duplicate_answer": {
        "signal": "near_duplicate_answer",
        "competition": "KZ-2026-MDAI-0003",
        "stage": "legislation_test",
        "codes": ["K7-4QMX-9TZ2", "K7-8PLA-1QQ3"],
        "score": 0.94,
        "item_id": "LEG-007",
        "cosine_similarity": 0.94,
        "threshold": 0.8,
        "answer_lengths": [412, 398],
        "answers_compared": 17,
    },
    "answer_copying": {
        "signal": "answer_copying",
        "competition": "KZ-2026-MDAI-0003",
        "stage": "legislation_test",
        "codes": ["K7-4QMX-9TZ2", "K7-8PLA-1QQ3"],
        "score": 6.2,
        "identical_wrong_answers": 11,
        "expected_under_independence": 2.314,
        "p_value": 0.0000012,
        "test": "poisson_binomial_upper_tail",
        "bonferroni_threshold": 0.00011,
        "pairs_tested": 90,
        "wrong_answers": [14, 13],
        "items": 50,
    },
    "focus_or_paste": {
        "signal": "focus_or_paste",
        "competition": "KZ-2026-MDAI-0003",
        "stage": "legislation_test",
        "codes": ["K7-4QMX-9TZ2"],
        "score": 9,
        "left_the_window": 7,
        "pasted": 2,
    },
    "citizen_rating_outlier": {
        "signal": "citizen_rating_outlier",
        "employee_id": 42,
        "period": "2026 Q2",
        "ratings": 120,
        "average": "4.95",
        "unit_ratings": 800,
        "unit_average": "3.90",
        "unit_spread": "0.40",
        "top_desk_officer_id": None,
        "top_desk_officer_links": 96,
    },
    "evaluation_contest": {
        "assessment_id": 17,
        "cycle": "2026 Q2",
        "composite": "61.50",
        "band": "B",
    },
}

RAW = re.compile(r"[{}\[\]_]|\bNone\b|\bTrue\b|\bFalse\b")


@pytest.mark.parametrize("name", sorted(EVIDENCE))
def test_every_system_kind_reads_as_labelled_translated_rows(name):
    evidence = EVIDENCE[name]
    with override("en"):
        english = evidence_rows(evidence)
    with override("ru"):
        russian = evidence_rows(evidence)
    assert english and len(english) == len(russian)
    for row in [*english, *russian]:
        assert not RAW.search(row.label), row
        assert not RAW.search(row.value), row
    # Every key the raising side writes has its own label, and it is translated.
    assert set(evidence) - {"signal"} <= set(EVIDENCE_FIELDS)
    for en_row, ru_row in zip(english, russian, strict=True):
        assert en_row.label != ru_row.label, (en_row, ru_row)


def test_values_are_written_the_readers_way():
    with override("en"):
        rows = {r.key: r.value for r in evidence_rows(EVIDENCE["identity_reveal"])}
        assert rows["rank"] == "—"
        assert rows["purpose"] == "Winner: document check and appointment"
        assert rows["revealed_by"] == "—"
        copying = {r.key: r.value for r in evidence_rows(EVIDENCE["answer_copying"])}
        assert copying["test"] == "Poisson-binomial upper tail"
        assert copying["wrong_answers"] == "14, 13"
        other = {r.label: r.value for r in evidence_rows({"has_conflict": True, "rank": 3})}
        assert other == {"Has conflict": "Yes", "Rank": "3"}
    with override("ru"):
        rows = {r.key: r.value for r in evidence_rows(EVIDENCE["near_duplicate_answer"])}
        assert rows["cosine_similarity"] == "0,94"
        assert {r.value for r in evidence_rows({"flag": False})} == {"Нет"}


def test_an_unknown_key_falls_back_to_words_and_a_safe_value():
    with override("en"):
        rows = evidence_rows({"new_signal_detail": {"a": [1, None]}, "signal": "response_time"})
    assert [(r.label, r.value) for r in rows] == [
        ("New signal detail", "a: 1, —"),
        ("Signal", "Response time"),
    ]
    with override("en"):
        assert [r.value for r in evidence_rows(["not", "a", "dict"])] == ["not, a, dict"]


def _run_to_lock(staff, candidates):
    competition = make_competition(
        staff=staff, plan=[(Stage.Kind.LEGISLATION_TEST, "55", None, None, "1")]
    )
    vacancy = competition.vacancies.get()
    services.competition_publish(competition=competition, actor=staff.hr)
    applications = [
        services.application_submit(
            user=c.user, competition=competition, vacancy=vacancy, consent=True
        )
        for c in candidates
    ]
    Competition.objects.filter(pk=competition.pk).update(
        applications_open_at=timezone.now() - dt.timedelta(days=2),
        applications_close_at=timezone.now() - dt.timedelta(seconds=1),
    )
    services.competition_close_applications(competition=competition, actor=staff.hr)
    services.competition_advance(competition=competition, actor=staff.hr)
    stage = competition.stages.get()
    for application, score in zip(applications, [50, 40], strict=True):
        stage_result_record(
            application_id=application.pk, stage_id=stage.pk, score=Decimal(score), passed=True
        )
    services.competition_advance(competition=competition, actor=staff.hr)
    competition.refresh_from_db()
    assert competition.status == Competition.Status.RANKING_LOCKED
    return competition


def test_a_reveal_case_names_the_officer_who_revealed_and_no_raw_key(
    client, roles, django_assert_max_num_queries
):
    staff = make_staff()
    competition = _run_to_lock(staff, [make_candidate(), make_candidate()])
    winner = Application.objects.get(competition=competition, rank=1)
    services.application_reveal(
        application=winner, actor=staff.hr, purpose="winner", reason="Winner: document check"
    )
    case = EthicsCase.objects.get(category="identity_reveal")
    client.force_login(staff.ethics)
    with override("en"), django_assert_max_num_queries(15):
        response = client.get(reverse("ethics:case_detail", args=[case.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "revealed_by" not in html
    assert "Revealed by" in html
    evidence = html[html.index('data-testid="evidence"') :]
    evidence = evidence[: evidence.index("</dl>")]
    assert f"<dt>Revealed by</dt><dd>{staff.hr.email}</dd>" in evidence
    assert "<dt>Rank</dt><dd>1</dd>" in evidence
    assert f"<dt>Code</dt><dd>{winner.code}</dd>" in evidence
    assert f"<dt>Competition</dt><dd>{competition.number}</dd>" in evidence
    assert "<dt>Purpose</dt><dd>Winner: document check and appointment</dd>" in evidence
    assert "revealed_by" not in html
    assert "None" not in evidence
    with override("ru"):
        russian = client.get(reverse("ethics:case_detail", args=[case.pk])).content.decode()
    assert "revealed_by" not in russian


def test_the_case_page_of_a_flag_shows_rows_without_extra_queries_per_key(
    client, ministry, commissioner, django_assert_max_num_queries
):
    case_id = system_case(ministry, evidence=EVIDENCE["answer_copying"])
    client.force_login(commissioner)
    with override("en"), django_assert_max_num_queries(14):
        response = client.get(reverse("ethics:case_detail", args=[case_id]))
    html = response.content.decode()
    assert "identical_wrong_answers" not in html
    assert "<dt>Identical wrong answers</dt><dd>11</dd>" in html
    assert "<dt>Statistical test</dt><dd>Poisson-binomial upper tail</dd>" in html
    assert "identical_wrong_answers" not in html
    assert "poisson_binomial_upper_tail" not in html
