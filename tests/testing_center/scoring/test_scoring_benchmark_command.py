import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from tests.testing_center.scoring.conftest import scoring_data_path

HEADER = "dataset,split,question_id,question_text,reference_answer,answer_id,answer,score,group\n"


def write_csv(path, questions=3):
    lines = [HEADER]
    for q in range(questions):
        for i in range(40):
            split = "train" if i < 30 else "test"
            good = i % 2 == 0
            text = "the switch closes the circuit" if good else f"the bulb is red {i}"
            lines.append(
                f"demo,{split},Q{q},,closed circuit,a{q}-{i},{text} {i % 3},{int(good)},"
                f"gender={i % 2}\n"
            )
    path.write_text("".join(lines), encoding="utf-8")
    return path


def test_benchmark_prints_per_question_lines_and_a_json_summary_last(tmp_path):
    out = StringIO()
    call_command(
        "scoring_benchmark", str(write_csv(tmp_path / "g.csv")), "--limit-questions", "2",
        "--baseline", stdout=out,
    )  # fmt: skip
    lines = out.getvalue().strip().splitlines()
    summary = json.loads(lines[-1])
    # 2 question lines, a header and 3 agreement rows, a header and 2 review-share rows.
    assert summary["questions"] == 2 and len(lines) == 2 + 4 + 3 + 1
    for key in ("mean_qwk", "qwk_with_review", "train_seconds", "answers_per_second"):
        assert key in summary
    assert summary["mean_qwk"] > 0.9
    assert set(summary["group_mae_gap"]) == {"gender"}
    # Besides the Fisher-z mean: the plain mean and the pooled QWK, with and without review.
    table = dict(line.split("\t", 1) for line in lines[2:6])
    assert table["agreement"].split("\t")[:3] == [
        "fisher_z_mean_qwk", "plain_mean_qwk", "pooled_qwk"
    ]  # fmt: skip
    no_review = table["no review"].split("\t")
    assert no_review[:3] == [
        f"{summary['mean_qwk']:.4f}", f"{summary['mean_qwk_plain']:.4f}",
        f"{summary['pooled_qwk']:.4f}",
    ]  # fmt: skip
    per_question = summary["with_review_per_question"]
    assert table["review, per-question thresholds"].split("\t")[:3] == [
        f"{per_question['mean_qwk']:.4f}", f"{per_question['mean_qwk_plain']:.4f}",
        f"{per_question['pooled_qwk']:.4f}",
    ]  # fmt: skip
    assert "review, global threshold" in table
    # Each question's review share under the global threshold and under its own.
    assert lines[6].startswith("review share by question (target 0.20)")
    shares = {line.split("\t")[0]: line.split("\t")[1:] for line in lines[7:9]}
    assert set(shares) == {"Q0", "Q1"}
    for question, (globally, own) in shares.items():
        assert (
            float(globally)
            == summary["with_review_global_threshold"]["review_share_by_question"][question]
        )
        assert float(own) == per_question["review_share_by_question"][question]


def test_benchmark_refuses_a_missing_file_or_split(tmp_path):
    with pytest.raises(CommandError, match="no such file"):
        call_command("scoring_benchmark", str(tmp_path / "missing.csv"), stdout=StringIO())
    with pytest.raises(CommandError, match="no question"):
        call_command(
            "scoring_benchmark", str(write_csv(tmp_path / "g.csv")), "--test-split", "x",
            stdout=StringIO(),
        )  # fmt: skip


def test_benchmark_runs_on_a_few_real_mind_ca_questions():
    out = StringIO()
    call_command(
        "scoring_benchmark", str(scoring_data_path("mind_ca.csv")), "--limit-questions", "1",
        stdout=out,
    )  # fmt: skip
    summary = json.loads(out.getvalue().strip().splitlines()[-1])
    assert summary["mean_qwk"] > 0.8


def test_on_real_questions_per_question_routing_meets_each_questions_review_share():
    """MIND-CA, two questions, 20 % to people: each question's own threshold (from its
    held-out training answers) sends 20 % ± 6 points of its test answers (measured: 22.0 %
    and 19.2 %); the pooled global threshold sends 18.9 % and 30.0 %."""
    out = StringIO()
    call_command(
        "scoring_benchmark", str(scoring_data_path("mind_ca.csv")), "--limit-questions", "2",
        "--review-share", "0.2", stdout=out,
    )  # fmt: skip
    summary = json.loads(out.getvalue().strip().splitlines()[-1])
    own = summary["with_review_per_question"]["review_share_by_question"]
    assert len(own) == 2
    for question, share in own.items():
        assert share == pytest.approx(0.2, abs=0.06), question
    # Marking the routed answers by hand can only bring the AI closer to the humans.
    assert summary["with_review_per_question"]["mean_qwk"] > summary["mean_qwk"]
    assert summary["with_review_per_question"]["pooled_qwk"] > summary["pooled_qwk"]
