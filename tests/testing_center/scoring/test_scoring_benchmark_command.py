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
    assert summary["questions"] == 2 and len(lines) == 3
    for key in ("mean_qwk", "qwk_with_review", "train_seconds", "answers_per_second"):
        assert key in summary
    assert summary["mean_qwk"] > 0.9
    assert set(summary["group_mae_gap"]) == {"gender"}


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
