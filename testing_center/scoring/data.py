"""Human-scored answers as plain data, and the reader for the shared graded-answer CSV format.

The CSV format (one for every graded-answer file the project reads) has the columns
``dataset, split, question_id, question_text, reference_answer, answer_id, answer, score,
group``; several reference answers are joined by `` || ``; ``group`` holds
``key=value;key=value`` attributes used only for aggregate fairness checks.
Commission marks are turned into the same :class:`ScoredAnswer` rows by the caller.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from django.utils.translation import gettext as _

REQUIRED_COLUMNS = ("question_id", "answer_id", "answer", "score")
OPTIONAL_COLUMNS = ("dataset", "split", "question_text", "reference_answer", "group")
REFERENCE_SEPARATOR = " || "


@dataclass(frozen=True, slots=True)
class ScoredAnswer:
    """One answer with its human score; ``answer_id`` is an anonymous identifier."""

    question_id: str
    answer_id: str
    answer: str
    score: int
    reference_answers: tuple[str, ...] = ()
    question_text: str = ""
    split: str = ""
    dataset: str = ""
    group: dict[str, str] = field(default_factory=dict, hash=False, compare=False)


@dataclass(frozen=True, slots=True)
class RowError:
    """A problem with one CSV row (``line`` is the 1-based physical line of the row)."""

    line: int
    column: str
    message: str

    def __str__(self) -> str:
        return _("line %(line)s, column “%(column)s”: %(message)s") % {
            "line": self.line,
            "column": self.column,
            "message": self.message,
        }


class ScoringDataError(ValueError):
    """The input cannot be used for training or scoring; ``errors`` lists every problem."""

    def __init__(self, errors: list[RowError]):
        self.errors = errors
        shown = "; ".join(str(e) for e in errors[:10])
        more = f" (and {len(errors) - 10} more)" if len(errors) > 10 else ""
        super().__init__(f"{len(errors)} problem(s) in scored answers: {shown}{more}")


def split_references(value: str) -> tuple[str, ...]:
    """``"a || b"`` → ``("a", "b")``; empty parts are dropped."""
    return tuple(part.strip() for part in (value or "").split("||") if part.strip())


def parse_group(value: str) -> dict[str, str]:
    """``"gender=1;age=10"`` → ``{"gender": "1", "age": "10"}``; raises ``ValueError``."""
    attributes: dict[str, str] = {}
    for part in (value or "").split(";"):
        part = part.strip()
        if not part:
            continue
        key, sep, val = part.partition("=")
        if not sep or not key.strip():
            raise ValueError(_("expected key=value, got “%(part)s”") % {"part": part})
        attributes[key.strip()] = val.strip()
    return attributes


def read_scored_answers_csv(source: str | Path | io.TextIOBase) -> list[ScoredAnswer]:
    """Read and validate a graded-answer CSV (a path or an open text file).

    Raises :class:`ScoringDataError` listing *every* bad row (missing columns, empty
    question or answer id, non-integer score, malformed group, duplicate answer ids within
    a question) so a whole upload can be corrected at once. Empty answers are allowed:
    a blank answer is a legitimate, usually low-scored, response.
    """
    if isinstance(source, str | Path):
        with open(source, newline="", encoding="utf-8-sig") as handle:
            return _read(handle)
    return _read(source)


def _read(handle: Iterable[str]) -> list[ScoredAnswer]:
    reader = csv.DictReader(handle)
    header = [name.strip() for name in (reader.fieldnames or [])]
    missing = [name for name in REQUIRED_COLUMNS if name not in header]
    if missing:
        raise ScoringDataError(
            [RowError(1, name, _("required column is missing from the header")) for name in missing]
        )
    reader.fieldnames = header
    answers: list[ScoredAnswer] = []
    errors: list[RowError] = []
    seen: dict[tuple[str, str], int] = {}
    for row, line in _rows_with_lines(reader):
        if None in row:  # more cells than header columns
            errors.append(RowError(line, "*", _("row has more cells than the header")))
            continue
        parsed = _parse_row(row, line, errors)
        if parsed is None:
            continue
        key = (parsed.question_id, parsed.answer_id)
        if key in seen:
            errors.append(
                RowError(
                    line,
                    "answer_id",
                    _("duplicate of the answer on line %(line)s") % {"line": seen[key]},
                )
            )
            continue
        seen[key] = line
        answers.append(parsed)
    if errors:
        raise ScoringDataError(errors)
    return answers


def _rows_with_lines(reader: csv.DictReader) -> Iterator[tuple[dict, int]]:
    for row in reader:
        # line_num is the physical line where the row ended; good enough to find it.
        yield row, reader.line_num


def _parse_row(row: dict, line: int, errors: list[RowError]) -> ScoredAnswer | None:
    before = len(errors)
    values = {key: (value if value is not None else "") for key, value in row.items()}
    question_id = values.get("question_id", "").strip()
    answer_id = values.get("answer_id", "").strip()
    if not question_id:
        errors.append(RowError(line, "question_id", _("is empty")))
    if not answer_id:
        errors.append(RowError(line, "answer_id", _("is empty")))
    raw_score = values.get("score", "").strip()
    score = 0
    try:
        score = int(raw_score)
    except ValueError:
        errors.append(
            RowError(
                line, "score", _("must be a whole number, got “%(value)s”") % {"value": raw_score}
            )
        )
    else:
        if score < 0:
            errors.append(
                RowError(line, "score", _("must not be negative, got %(value)s") % {"value": score})
            )
    group: dict[str, str] = {}
    try:
        group = parse_group(values.get("group", ""))
    except ValueError as exc:
        errors.append(RowError(line, "group", str(exc)))
    if len(errors) > before:
        return None
    return ScoredAnswer(
        question_id=question_id,
        answer_id=answer_id,
        answer=values.get("answer", ""),
        score=score,
        reference_answers=split_references(values.get("reference_answer", "")),
        question_text=values.get("question_text", "").strip(),
        split=values.get("split", "").strip(),
        dataset=values.get("dataset", "").strip(),
        group=group,
    )


def group_by_question(answers: Iterable[ScoredAnswer]) -> dict[str, list[ScoredAnswer]]:
    """Answers per question id, in first-seen question order."""
    grouped: dict[str, list[ScoredAnswer]] = {}
    for answer in answers:
        grouped.setdefault(answer.question_id, []).append(answer)
    return grouped
