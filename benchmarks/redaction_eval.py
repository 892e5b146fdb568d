"""Precision and recall of testing_center.redaction, on the dev cases and a held-out file.

    .venv/bin/python benchmarks/redaction_eval.py
    .venv/bin/python benchmarks/redaction_eval.py --heldout benchmarks/data/redaction_heldout.json

Dev cases are ``tests/testing_center/redaction/redaction_cases.py`` (written together with
the rules, so optimistic). The held-out file is a JSON list of ``{"language", "text",
"spans": [[KIND, substring], ...]}`` written by someone else; a substring occurring twice is
looked up left to right. A gold span is found when a predicted span of the same kind covers
at least half of it; a predicted span is correct when it overlaps a gold span of the same
kind. ``hidden`` counts gold spans covered by a redaction of any kind (the reader does not
see them, even if the label is wrong). Prints one line per language and group with the
target (recall ≥ 0.95), then one JSON object with every figure as the last line.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from testing_center.redaction import PATTERN_KINDS, redact_text
from tests.testing_center.redaction.redaction_cases import CASES, expected_spans

TARGET_RECALL = 0.95
GROUPS = {
    "names": ("NAME",),
    "identifiers": ("IIN",),
    "contacts": ("PHONE", "EMAIL", "URL", "HANDLE"),
    "addresses": ("PLACE",),
    "employers": ("ORG",),
}
_GROUP_OF = {kind: group for group, kinds in GROUPS.items() for kind in kinds}
LANGUAGES = ("ru", "kk", "en")


def evaluate(cases=CASES) -> dict:
    """Figures keyed "<language or all>/<kind, group, patterns, entities or all>"."""
    counts = defaultdict(
        lambda: {"gold": 0, "found": 0, "covered": 0, "predicted": 0, "correct": 0}
    )
    clean = {"texts": 0, "flagged": 0}
    for language, text, expected in cases:
        gold = expected_spans(text, expected)
        result = redact_text(text)
        predicted = [(r.kind, r.start, r.end) for r in result.redactions]
        for kind, start, end in gold:
            half = (end - start) / 2
            overlaps = [(k, min(end, e) - max(start, s)) for k, s, e in predicted]
            hit = any(k == kind and n >= half for k, n in overlaps)
            hidden = sum(max(0, n) for _k, n in overlaps) >= half
            for key in _keys(language, kind):
                counts[key]["gold"] += 1
                counts[key]["found"] += hit
                counts[key]["covered"] += hidden
        for kind, start, end in predicted:
            ok = any(k == kind and start < e and s < end for k, s, e in gold)
            for key in _keys(language, kind):
                counts[key]["predicted"] += 1
                counts[key]["correct"] += ok
        if not gold:
            clean["texts"] += 1
            clean["flagged"] += result.possible_self_identification
    figures = {key: _rates(c) for key, c in sorted(counts.items())}
    figures["clean_texts"] = clean
    return figures


def _rates(c: dict) -> dict:
    return {
        "recall": round(c["found"] / c["gold"], 3) if c["gold"] else None,
        "precision": round(c["correct"] / c["predicted"], 3) if c["predicted"] else None,
        "hidden": round(c["covered"] / c["gold"], 3) if c["gold"] else None,
        **c,
    }


def _keys(language: str, kind: str) -> list[str]:
    legacy = "patterns" if kind in PATTERN_KINDS else "entities"
    group = _GROUP_OF[kind]
    return [
        f"{language}/all",
        f"{language}/{kind}",
        f"{language}/{group}",
        f"{language}/{legacy}",
        "all/all",
        f"all/{kind}",
        f"all/{group}",
        f"all/{legacy}",
    ]


def load_cases(path: Path) -> list[tuple[str, str, list[tuple[str, str]]]]:
    """Cases from a held-out JSON file; spans whose substring is not in the text are
    reported and left out rather than guessed."""
    cases = []
    for n, item in enumerate(json.loads(Path(path).read_text(encoding="utf-8"))):
        text = item["text"]
        spans = []
        for kind, fragment in item.get("spans", []):
            if kind not in _GROUP_OF or fragment not in text:
                print(f"skipped span {n}: {kind} {fragment!r}", file=sys.stderr)
                continue
            spans.append((kind, fragment))
        cases.append((item["language"], text, spans))
    return cases


def report(name: str, figures: dict, out=None) -> None:
    out = out or sys.stdout
    print(f"== {name}", file=out)
    for language in (*LANGUAGES, "all"):
        for group in (*GROUPS, "all"):
            f = figures.get(f"{language}/{group}")
            if f is None:
                continue
            met = (
                "n/a"
                if f["recall"] is None
                else ("MET" if f["recall"] >= TARGET_RECALL else "MISSED")
            )
            print(
                f"{name:8} {language:3} {group:12} "
                f"recall={_fmt(f['recall'])} ({f['found']}/{f['gold']})  "
                f"precision={_fmt(f['precision'])} ({f['correct']}/{f['predicted']})  "
                f"hidden={_fmt(f['hidden'])}  target recall>={TARGET_RECALL}: {met}",
                file=out,
            )
    for kind in (*PATTERN_KINDS, "NAME", "PLACE", "ORG"):
        f = figures.get(f"all/{kind}")
        if f:
            print(
                f"{name:8} all {kind:12} recall={_fmt(f['recall'])} ({f['found']}/{f['gold']})  "
                f"precision={_fmt(f['precision'])} ({f['correct']}/{f['predicted']})",
                file=out,
            )
    clean = figures["clean_texts"]
    print(
        f"{name:8} texts without identifiers flagged: {clean['flagged']}/{clean['texts']}", file=out
    )


def show_misses(cases, out=None) -> None:
    """Each missed gold span and each wrong redaction, for working on the rules."""
    out = out or sys.stdout
    for language, text, expected in cases:
        gold = expected_spans(text, expected)
        predicted = [(r.kind, r.start, r.end) for r in redact_text(text).redactions]
        for kind, start, end in gold:
            if not any(
                k == kind and min(end, e) - max(start, s) >= (end - start) / 2
                for k, s, e in predicted
            ):
                print(f"MISS {language} {kind} {text[start:end]!r} in {text!r}", file=out)
        for kind, start, end in predicted:
            if not any(k == kind and start < e and s < end for k, s, e in gold):
                print(f"EXTRA {language} {kind} {text[start:end]!r} in {text!r}", file=out)


def _fmt(value) -> str:
    return "  -  " if value is None else f"{value:.3f}"


def main(argv=None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--heldout", type=Path, help="JSON file of held-out cases")
    parser.add_argument("--show-misses", action="store_true", help="print every miss and extra")
    args = parser.parse_args(argv)
    summary = {"target_recall": TARGET_RECALL, "dev": evaluate(CASES)}
    report("dev", summary["dev"])
    if args.show_misses:
        show_misses(CASES)
    if args.heldout:
        heldout = load_cases(args.heldout)
        summary["heldout"] = evaluate(heldout)
        summary["heldout_file"] = str(args.heldout)
        report("heldout", summary["heldout"])
        if args.show_misses:
            show_misses(heldout)
    for name in ("dev", "heldout"):
        if name in summary:
            summary[f"{name}_targets"] = {
                f"{language}/{group}": (f["recall"] is not None and f["recall"] >= TARGET_RECALL)
                for language in (*LANGUAGES, "all")
                for group in GROUPS
                if (f := summary[name].get(f"{language}/{group}"))
            }
    print(json.dumps(summary, sort_keys=True, ensure_ascii=False))
    return summary


if __name__ == "__main__":
    main()
