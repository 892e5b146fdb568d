"""Precision and recall of testing_center.redaction on the hand-made ru/kk/en cases.

    .venv/bin/python benchmarks/redaction_eval.py

A gold span is found when a predicted span of the same kind covers at least half of it;
a predicted span is correct when it overlaps a gold span of the same kind. Prints one
line per language and kind group, then a JSON object with every figure.
"""

from __future__ import annotations

import json
import sys
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from testing_center.redaction import PATTERN_KINDS, redact_text
from tests.scoring.redaction_cases import CASES, expected_spans


def evaluate(cases=CASES) -> dict:
    counts = defaultdict(lambda: {"gold": 0, "found": 0, "predicted": 0, "correct": 0})
    for language, text, expected in cases:
        gold = expected_spans(text, expected)
        predicted = [(r.kind, r.start, r.end) for r in redact_text(text).redactions]
        for kind, start, end in gold:
            hit = any(
                k == kind and min(end, e) - max(start, s) >= (end - start) / 2
                for k, s, e in predicted
            )
            for key in _keys(language, kind):
                counts[key]["gold"] += 1
                counts[key]["found"] += hit
        for kind, start, end in predicted:
            ok = any(k == kind and start < e and s < end for k, s, e in gold)
            for key in _keys(language, kind):
                counts[key]["predicted"] += 1
                counts[key]["correct"] += ok
    return {
        key: {
            "recall": round(c["found"] / c["gold"], 3) if c["gold"] else None,
            "precision": round(c["correct"] / c["predicted"], 3) if c["predicted"] else None,
            **c,
        }
        for key, c in sorted(counts.items())
    }


def _keys(language: str, kind: str) -> list[str]:
    group = "patterns" if kind in PATTERN_KINDS else "entities"
    return [f"{language}/all", f"{language}/{group}", f"all/{group}", f"all/{kind}"]


if __name__ == "__main__":
    figures = evaluate()
    for key, f in figures.items():
        print(f"{key:16} recall={f['recall']}  precision={f['precision']}  gold={f['gold']}")
    print(json.dumps(figures, sort_keys=True))
