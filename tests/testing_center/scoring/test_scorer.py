import io
from datetime import UTC, datetime

import pytest

from testing_center.scoring import (
    ModelIntegrityError,
    Prediction,
    ScoredAnswer,
    ScoringDataError,
    differs_from_human,
    fisher_z_mean,
    load_scorer,
    needs_human_review,
    quadratic_weighted_kappa,
    read_scored_answers_csv,
    score_answers,
    train_question_model,
)
from testing_center.scoring.model import training_data_sha256

HEADER = "dataset,split,question_id,question_text,reference_answer,answer_id,answer,score,group\n"
FIXED = datetime(2026, 1, 1, tzinfo=UTC)


def synthetic_answers(n=60, question="Q1"):
    good = ["the circuit is closed so current flows", "a closed path lets the current flow"]
    bad = ["the bulb is broken", "i do not know", "because it is red"]
    rows = []
    for i in range(n):
        correct = i % 2 == 0
        text = (good if correct else bad)[i % (2 if correct else 3)] + f" {'ok' * (i % 3)}"
        rows.append(
            ScoredAnswer(
                question, f"a{i}", text, int(correct), ("the circuit is closed",), split="train"
            )
        )
    return rows


def test_same_data_and_seed_give_identical_model_bytes_and_scores():
    answers = synthetic_answers()
    first = train_question_model(answers, seed=7, now=FIXED)
    second = train_question_model(list(reversed(answers)), seed=7, now=FIXED)
    assert first.model_sha256 == second.model_sha256
    assert first.model_bytes == second.model_bytes
    assert first.training_data_sha256 == second.training_data_sha256
    texts = ["current flows in a closed circuit", "no idea"]
    assert score_answers(first, texts) == score_answers(second, texts)


def test_record_describes_training():
    record = train_question_model(synthetic_answers(), seed=1, now=FIXED)
    assert record.training_size == 60
    assert record.cv_folds == 5
    assert 0.5 < record.cv_qwk <= 1.0
    assert record.algorithm in {"logreg_text", "logreg_text_features", "gradient_boosting_features"}
    assert record.version.startswith("scorer-") and record.model_sha256[:12] in record.version
    assert record.created_at == FIXED
    assert record.metadata()["training_data_sha256"] == training_data_sha256(synthetic_answers())
    assert record.candidates_cv_qwk


def test_changed_training_data_changes_the_data_hash():
    answers = synthetic_answers()
    changed = [*answers[:-1], ScoredAnswer("Q1", "a59", answers[-1].answer, 1)]
    assert training_data_sha256(answers) != training_data_sha256(changed)


def test_predictions_carry_confidence_between_zero_and_one():
    record = train_question_model(synthetic_answers(), seed=0)
    predictions = score_answers(record, ["a closed path lets the current flow", "the bulb"])
    assert [p.score for p in predictions] == [1, 0]
    for p in predictions:
        assert 0.0 <= p.confidence <= 1.0
        # The probability of the chosen score, scaled down for words never seen in training.
        scale = min(1.0, p.familiarity / 0.6)
        assert p.confidence == pytest.approx(p.probabilities[p.score] * scale, abs=1e-4)
        assert p.model_version == record.version
    assert predictions[1].familiarity == 1.0  # "the bulb": every word seen in training


def test_low_confidence_routes_to_human_review():
    sure = Prediction(2, 0.95, {2: 0.95}, "v")
    unsure = Prediction(2, 0.55, {2: 0.55}, "v")
    assert not needs_human_review(sure, confidence_threshold=0.7)
    assert needs_human_review(unsure, confidence_threshold=0.7)
    with pytest.raises(ValueError):
        needs_human_review(sure, confidence_threshold=1.5)


def test_ai_and_human_scores_differing_by_more_than_margin_are_reported():
    assert not differs_from_human(2, 2, margin=0)
    assert differs_from_human(2, 1, margin=0)
    assert not differs_from_human(2, 1, margin=1)
    assert differs_from_human(3, 1, margin=1)


def test_question_with_one_score_class_always_goes_to_humans():
    answers = [ScoredAnswer("Q", f"a{i}", f"answer {i}", 1) for i in range(8)]
    record = train_question_model(answers, seed=0)
    assert record.is_degenerate and record.cv_qwk is None
    assert "every training answer has score 1" in record.notes[0]
    (prediction,) = score_answers(record, ["anything"])
    assert prediction.score == 1 and prediction.confidence == 0.0
    assert needs_human_review(prediction, confidence_threshold=0.0)


def test_tiny_training_set_is_trained_without_cross_validation_and_says_so():
    answers = [
        ScoredAnswer("Q", f"a{i}", t, s)
        for i, (t, s) in enumerate(
            [("closed circuit", 1), ("broken", 0), ("closed loop", 1), ("no", 0), ("open", 0)]
        )
    ]
    record = train_question_model(answers, seed=0)
    assert record.cv_qwk is None and record.cv_folds == 0
    assert any("too few answers" in note for note in record.notes)
    assert len(score_answers(record, ["closed circuit"])) == 1


def test_tampered_model_bytes_are_refused():
    record = train_question_model(synthetic_answers(), seed=0)
    from dataclasses import replace

    tampered = replace(record, model_bytes=record.model_bytes[:-1] + b"\x00")
    with pytest.raises(ModelIntegrityError):
        load_scorer(tampered)


def test_training_rejects_answers_of_several_questions():
    with pytest.raises(ValueError, match="one question"):
        train_question_model(synthetic_answers(10, "A") + synthetic_answers(10, "B"))


def test_csv_reader_parses_references_and_groups():
    text = HEADER + "d,train,Q1,Why?,ref one || ref two,a1,Because,2,gender=1;age=10\n"
    (row,) = read_scored_answers_csv(io.StringIO(text))
    assert row.reference_answers == ("ref one", "ref two")
    assert row.group == {"gender": "1", "age": "10"} and row.score == 2


def test_csv_reader_lists_every_bad_row():
    text = HEADER + (
        "d,train,Q1,,,a1,fine,1,\n"
        "d,train,Q1,,,a2,bad score,x,\n"
        "d,train,,,,a3,no question,1,\n"
        "d,train,Q1,,,a1,duplicate,0,\n"
        "d,train,Q1,,,a5,bad group,1,gender\n"
    )
    with pytest.raises(ScoringDataError) as caught:
        read_scored_answers_csv(io.StringIO(text))
    problems = [(e.line, e.column) for e in caught.value.errors]
    assert problems == [(3, "score"), (4, "question_id"), (5, "answer_id"), (6, "group")]


def test_csv_reader_rejects_missing_columns():
    with pytest.raises(ScoringDataError, match="score"):
        read_scored_answers_csv(io.StringIO("question_id,answer_id,answer\nQ,a,b\n"))


def test_qwk_is_undefined_only_when_both_raters_are_constant_and_equal():
    assert quadratic_weighted_kappa([1, 1], [1, 1]) is None
    assert quadratic_weighted_kappa([0, 1, 2], [0, 1, 2]) == pytest.approx(1.0)
    assert quadratic_weighted_kappa([1, 1], [1, 0]) == pytest.approx(0.0)
    assert fisher_z_mean([1.0, 1.0]) == pytest.approx(0.999)
    assert fisher_z_mean([]) is None


def test_scorer_reaches_sane_agreement_on_real_mind_ca_questions(mind_ca):
    kappas = []
    for question_id in list(mind_ca)[:2]:
        rows = mind_ca[question_id]
        train = [r for r in rows if r.split == "train"][:400]
        test = [r for r in rows if r.split == "test"]
        record = train_question_model(train, seed=0)
        predicted = [p.score for p in score_answers(record, [r.answer for r in test])]
        kappas.append(quadratic_weighted_kappa([r.score for r in test], predicted))
    assert fisher_z_mean(kappas) > 0.75


def test_scorer_uses_reference_answers_on_semeval(semeval):
    question_id = "BULB_C_VOLTAGE_EXPLAIN_WHY1"
    rows = semeval[question_id]
    train = [r for r in rows if r.split == "train"]
    record = train_question_model(train, seed=0)
    assert record.cv_qwk is not None and record.cv_qwk > 0.4
    reference = train[0].reference_answers[0]
    (prediction,) = score_answers(record, [reference])
    assert prediction.score == 1


def test_model_bytes_do_not_depend_on_the_process_hash_seed():
    import subprocess
    import sys

    from tests.testing_center.scoring.conftest import REPO_ROOT

    code = (
        "from datetime import UTC, datetime\n"
        "from tests.testing_center.scoring.test_scorer import synthetic_answers\n"
        "from testing_center.scoring import train_question_model\n"
        "print(train_question_model(synthetic_answers(), seed=3,"
        " now=datetime(2026, 1, 1, tzinfo=UTC)).model_sha256)\n"
    )
    hashes = {
        subprocess.run(
            [sys.executable, "-c", code],
            cwd=REPO_ROOT,
            env={"PYTHONHASHSEED": seed, "PATH": "/usr/bin:/bin"},
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        for seed in ("1", "2")
    }
    assert len(hashes) == 1


def test_an_answer_in_words_the_model_never_saw_gets_low_confidence():
    rng_answers = [
        ScoredAnswer("q", f"a{i}", text, score)
        for i, (text, score) in enumerate(
            [("налоги платят граждане и компании", 1), ("не знаю что ответить", 0)] * 15
        )
    ]
    record = train_question_model(rng_answers, seed=0)
    familiar, foreign = score_answers(
        record, ["налоги платят граждане", "салықты азаматтар мен компаниялар төлейді"]
    )
    assert familiar.familiarity == 1.0 and not familiar.is_unfamiliar
    assert foreign.is_unfamiliar
    assert foreign.confidence <= foreign.probabilities[foreign.score] * foreign.familiarity / 0.6
    assert needs_human_review(foreign, confidence_threshold=0.6)
