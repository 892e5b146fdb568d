"""Reading and writing the question-bank exchange formats (see FORMAT.md).

Parsing turns a file into plain ``QuestionRow`` values and a list of row-level errors;
nothing here touches the database except looking up which topics exist. The import
service refuses the whole file if any row has an error.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext_lazy as _

FORMAT_NAME = "eqyzmet-question-bank"
FORMAT_VERSION = 1
LANGS = ("kk", "ru", "en")
KINDS = ("single", "multiple", "short_text", "essay", "likert")
STATUSES = ("draft", "active", "retired")
CSV_COLUMNS = [
    "id",
    "topic",
    "kind",
    "status",
    "points",
    "text_kk",
    "text_ru",
    "text_en",
    "options_kk",
    "options_ru",
    "options_en",
    "key",
    "explanation_kk",
    "explanation_ru",
    "explanation_en",
    "reference_answer",
    "rubric",
    "source",
]
LIST_SEPARATOR = "||"
OPTION_IDS = "abcdefghijklmnopqrstuvwxyz"


@dataclass
class RowError:
    row: int
    field: str
    message: str


@dataclass
class TopicRow:
    code: str
    names: dict[str, str]
    is_practice: bool = False


@dataclass
class QuestionRow:
    row: int
    external_id: str
    topic: str
    kind: str
    status: str
    points: Decimal
    text: dict[str, str]
    options: list[dict]
    key: list | dict
    explanation: dict[str, str] = field(default_factory=dict)
    reference_answer: str = ""
    rubric: list = field(default_factory=list)
    source: str = ""

    def as_fields(self) -> dict:
        return {
            "kind": self.kind,
            "text_kk": self.text.get("kk", ""),
            "text_ru": self.text.get("ru", ""),
            "text_en": self.text.get("en", ""),
            "options": self.options,
            "key": self.key,
            "points": self.points,
            "reference_answer": self.reference_answer,
            "rubric": self.rubric,
            "explanation_kk": self.explanation.get("kk", ""),
            "explanation_ru": self.explanation.get("ru", ""),
            "explanation_en": self.explanation.get("en", ""),
            "source": self.source,
        }


@dataclass
class ParsedFile:
    topics: list[TopicRow]
    questions: list[QuestionRow]
    errors: list[RowError]


def validate_question(row: QuestionRow) -> list[RowError]:
    """The rules every question obeys, whichever way it enters the bank."""
    errors: list[RowError] = []

    def err(field_name, message):
        errors.append(RowError(row.row, field_name, str(message)))

    if not row.external_id or not all(c.isalnum() or c in "-_" for c in row.external_id):
        err("id", _("An identifier of letters, digits, '-' or '_' is required."))
    if row.kind not in KINDS:
        err("kind", _("Unknown question type."))
        return errors
    if row.status not in STATUSES:
        err("status", _("Status must be draft, active or retired."))
    if not row.text.get("ru", "").strip():
        err("text_ru", _("The Russian text is required."))
    if row.points is None or row.points <= 0:
        err("points", _("Points must be a positive number."))
    option_ids = [o.get("id") for o in row.options]
    if row.kind in ("single", "multiple", "likert"):
        if len(row.options) < 2:
            err("options", _("At least two options are required."))
        if len(set(option_ids)) != len(option_ids):
            err("options", _("Option identifiers must be unique."))
        if any(not str(o.get("ru", "")).strip() for o in row.options):
            err("options", _("Every option needs a Russian text."))
    elif row.options:
        err("options", _("This question type has no options."))
    if row.kind == "single":
        if not isinstance(row.key, list) or len(row.key) != 1 or row.key[0] not in option_ids:
            err("key", _("A single-choice question needs exactly one correct option."))
    elif row.kind == "multiple":
        if (
            not isinstance(row.key, list)
            or not row.key
            or any(k not in option_ids for k in row.key)
        ):
            err("key", _("A multiple-choice question needs one or more correct options."))
    elif row.kind == "short_text":
        if not isinstance(row.key, list) or not [k for k in row.key if str(k).strip()]:
            err("key", _("A short-text question needs at least one accepted answer."))
    elif row.kind == "likert":
        if not isinstance(row.key, dict) or set(row.key) != set(option_ids):
            err("key", _("A scale question needs points for every option."))
    elif row.kind == "essay" and row.key:
        err("key", _("An essay has no key."))
    if not isinstance(row.rubric, list):
        err("rubric", _("The rubric must be a list."))
    return errors


def _decimal(value) -> Decimal | None:
    try:
        return Decimal(str(value if value not in (None, "") else "1"))
    except InvalidOperation:
        return None


def parse_json(data: bytes) -> ParsedFile:
    errors: list[RowError] = []
    try:
        doc = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        return ParsedFile(
            [], [], [RowError(0, "file", str(_("Not valid UTF-8 JSON: %(e)s") % {"e": exc}))]
        )
    if not isinstance(doc, dict) or doc.get("format") != FORMAT_NAME:
        return ParsedFile(
            [], [], [RowError(0, "format", str(_("This is not an eQyzmet question-bank file.")))]
        )
    if doc.get("version") != FORMAT_VERSION:
        errors.append(RowError(0, "version", str(_("Unsupported format version."))))
    topics = []
    for i, t in enumerate(doc.get("topics") or [], start=1):
        if not isinstance(t, dict) or not t.get("code") or not t.get("name_ru"):
            errors.append(RowError(i, "topics", str(_("A topic needs a code and name_ru."))))
            continue
        topics.append(
            TopicRow(
                code=str(t["code"]),
                names={lang: str(t.get(f"name_{lang}") or t["name_ru"]) for lang in LANGS},
                is_practice=bool(t.get("is_practice", False)),
            )
        )
    questions = []
    raw_questions = doc.get("questions")
    if not isinstance(raw_questions, list):
        errors.append(RowError(0, "questions", str(_("A list of questions is required."))))
        raw_questions = []
    for i, q in enumerate(raw_questions, start=1):
        if not isinstance(q, dict):
            errors.append(RowError(i, "question", str(_("Each question must be an object."))))
            continue
        text = q.get("text") if isinstance(q.get("text"), dict) else {}
        explanation = q.get("explanation") if isinstance(q.get("explanation"), dict) else {}
        options = q.get("options") or []
        if not isinstance(options, list) or not all(isinstance(o, dict) for o in options):
            errors.append(RowError(i, "options", str(_("Options must be a list of objects."))))
            options = []
        row = QuestionRow(
            row=i,
            external_id=str(q.get("id") or ""),
            topic=str(q.get("topic") or ""),
            kind=str(q.get("kind") or ""),
            status=str(q.get("status") or "draft"),
            points=_decimal(q.get("points")),
            text={lang: str(text.get(lang) or "") for lang in LANGS},
            options=[
                {"id": str(o.get("id", "")), **{lang: str(o.get(lang) or "") for lang in LANGS}}
                for o in options
            ],
            key=q.get("key") if q.get("key") is not None else [],
            explanation={lang: str(explanation.get(lang) or "") for lang in LANGS},
            reference_answer=str(q.get("reference_answer") or ""),
            rubric=q.get("rubric") if q.get("rubric") is not None else [],
            source=str(q.get("source") or ""),
        )
        questions.append(row)
        errors.extend(validate_question(row))
    return ParsedFile(topics, questions, errors)


def _split(cell: str) -> list[str]:
    return [part.strip() for part in (cell or "").split(LIST_SEPARATOR) if part.strip()]


def parse_csv(data: bytes) -> ParsedFile:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return ParsedFile([], [], [RowError(0, "file", str(_("The CSV file must be UTF-8.")))])
    reader = csv.DictReader(io.StringIO(text))
    missing = [c for c in ("id", "topic", "kind", "text_ru") if c not in (reader.fieldnames or [])]
    if missing:
        return ParsedFile(
            [],
            [],
            [
                RowError(
                    1,
                    "header",
                    str(_("Missing columns: %(cols)s") % {"cols": ", ".join(missing)}),
                )
            ],
        )
    questions, errors = [], []
    for line, raw in enumerate(reader, start=2):
        kind = (raw.get("kind") or "").strip()
        per_lang = {lang: _split(raw.get(f"options_{lang}", "")) for lang in LANGS}
        count = len(per_lang["ru"])
        options = [
            {
                "id": OPTION_IDS[n],
                **{lang: (per_lang[lang][n] if n < len(per_lang[lang]) else "") for lang in LANGS},
            }
            for n in range(min(count, len(OPTION_IDS)))
        ]
        key_cell = (raw.get("key") or "").strip()
        key: list | dict
        if kind == "likert":
            key = {}
            for part in key_cell.split(","):
                if "=" in part:
                    option_id, _eq, value = part.partition("=")
                    try:
                        key[option_id.strip()] = int(value)
                    except ValueError:
                        errors.append(
                            RowError(line, "key", str(_("Scale points must be whole numbers.")))
                        )
        elif kind == "short_text":
            key = _split(key_cell)
        elif kind == "essay":
            key = []
        else:
            key = [k.strip() for k in key_cell.split(",") if k.strip()]
        rubric: list = []
        if (raw.get("rubric") or "").strip():
            try:
                rubric = json.loads(raw["rubric"])
            except json.JSONDecodeError:
                errors.append(RowError(line, "rubric", str(_("The rubric must be JSON."))))
        row = QuestionRow(
            row=line,
            external_id=(raw.get("id") or "").strip(),
            topic=(raw.get("topic") or "").strip(),
            kind=kind,
            status=(raw.get("status") or "draft").strip(),
            points=_decimal((raw.get("points") or "").strip()),
            text={lang: (raw.get(f"text_{lang}") or "").strip() for lang in LANGS},
            options=options,
            key=key,
            explanation={lang: (raw.get(f"explanation_{lang}") or "").strip() for lang in LANGS},
            reference_answer=(raw.get("reference_answer") or "").strip(),
            rubric=rubric,
            source=(raw.get("source") or "").strip(),
        )
        questions.append(row)
        errors.extend(validate_question(row))
    return ParsedFile([], questions, errors)


def parse(data: bytes, *, filename: str) -> ParsedFile:
    if filename.lower().endswith(".csv"):
        return parse_csv(data)
    if filename.lower().endswith(".json"):
        return parse_json(data)
    return ParsedFile(
        [], [], [RowError(0, "file", str(_("Upload a .json or .csv question-bank file.")))]
    )


def question_document(question) -> dict:
    return {
        "id": question.external_id,
        "topic": question.topic.code,
        "kind": question.kind,
        "status": question.status,
        "points": str(question.points),
        "text": {lang: getattr(question, f"text_{lang}") for lang in LANGS},
        "options": question.options,
        "key": question.key,
        "explanation": {lang: getattr(question, f"explanation_{lang}") for lang in LANGS},
        "reference_answer": question.reference_answer,
        "rubric": question.rubric,
        "source": question.source,
        "version": question.version,
    }


def export_json(questions, topics) -> str:
    return json.dumps(
        {
            "format": FORMAT_NAME,
            "version": FORMAT_VERSION,
            "topics": [
                {
                    "code": t.code,
                    "name_kk": t.name_kk,
                    "name_ru": t.name_ru,
                    "name_en": t.name_en,
                    "is_practice": t.is_practice,
                }
                for t in topics
            ],
            "questions": [question_document(q) for q in questions],
        },
        ensure_ascii=False,
        indent=2,
    )


def export_csv(questions) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=CSV_COLUMNS)
    writer.writeheader()
    for q in questions:
        if q.kind == "likert":
            key = ",".join(f"{k}={v}" for k, v in q.key.items())
        elif q.kind == "short_text":
            key = f" {LIST_SEPARATOR} ".join(q.key)
        else:
            key = ",".join(q.key)
        writer.writerow(
            {
                "id": q.external_id,
                "topic": q.topic.code,
                "kind": q.kind,
                "status": q.status,
                "points": str(q.points),
                **{f"text_{lang}": getattr(q, f"text_{lang}") for lang in LANGS},
                **{
                    f"options_{lang}": f" {LIST_SEPARATOR} ".join(
                        o.get(lang, "") for o in q.options
                    )
                    for lang in LANGS
                },
                "key": key,
                **{f"explanation_{lang}": getattr(q, f"explanation_{lang}") for lang in LANGS},
                "reference_answer": q.reference_answer,
                "rubric": json.dumps(q.rubric, ensure_ascii=False) if q.rubric else "",
                "source": q.source,
            }
        )
    return out.getvalue()
