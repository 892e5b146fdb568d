"""Writes of the testing center: the bank, blueprints, attempts, scoring, item analysis.

Rules live here. The public site and the admin call these functions and show the
``ApplicationError`` messages they raise.
"""

from __future__ import annotations

import json
import logging
import math
import random
import secrets
import time
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from eqyzmet.audit import audit_record
from eqyzmet.errors import ApplicationError
from eqyzmet.models import StateBody
from recruitment import public as recruitment
from testing_center import item_analysis
from testing_center.bank import io as bank_io
from testing_center.models import (
    OPTION_LABELS,
    Attempt,
    AttemptItem,
    Blueprint,
    BlueprintSection,
    IntegrityEvent,
    ItemStatistic,
    Question,
    QuestionRevision,
    Sitting,
    SittingStatistic,
    Topic,
    answer_as_labels,
    option_labels,
)

logger = logging.getLogger("eqyzmet.testing_center")

# --- The question bank -------------------------------------------------------------------

QUESTION_TRANSITIONS: dict[str, set[str]] = {
    Question.Status.DRAFT: {Question.Status.ACTIVE, Question.Status.RETIRED},
    Question.Status.ACTIVE: {Question.Status.RETIRED},
    Question.Status.RETIRED: {Question.Status.ACTIVE},
}

CONTENT_FIELDS = [
    "kind",
    "text_kk",
    "text_ru",
    "text_en",
    "options",
    "key",
    "points",
    "reference_answer",
    "rubric",
    "explanation_kk",
    "explanation_ru",
    "explanation_en",
    "source",
]


KEEP_NATIONAL_BANK = "testing_center.keep_national_bank"

# What gives an answer away: seen and exported only by the keepers of the topic.
KEY_FIELDS = (
    "key",
    "reference_answer",
    "rubric",
    "explanation_kk",
    "explanation_ru",
    "explanation_en",
)


def may_edit_topic(*, actor, topic: Topic) -> bool:
    """The keepers of a part of the bank: the national bank is kept by platform
    administrators and by holders of ``keep_national_bank`` (the authorised body); a body's
    own bank by its HR officers. Only keepers see and export the answer keys."""
    if actor is None or actor.is_superuser:
        return True
    if topic.owner_body_id is None:
        return actor.has_perm(KEEP_NATIONAL_BANK)
    from eqyzmet.selectors import state_bodies_in_scope

    return (
        state_bodies_in_scope(user=actor, role="hr_officer").filter(pk=topic.owner_body_id).exists()
    )


def _snapshot(question: Question) -> dict:
    data = {name: getattr(question, name) for name in CONTENT_FIELDS}
    data["points"] = str(Decimal(str(data["points"])).quantize(Decimal("0.01")))
    data["status"] = question.status
    data["topic"] = question.topic_id
    return data


def _check_content(*, external_id: str, topic: Topic, status: str, fields: dict) -> None:
    row = bank_io.QuestionRow(
        row=0,
        external_id=external_id,
        topic=topic.code,
        kind=fields["kind"],
        status=status,
        points=Decimal(str(fields.get("points") or 0)),
        text={lang: fields.get(f"text_{lang}", "") for lang in bank_io.LANGS},
        options=fields.get("options") or [],
        key=fields.get("key") if fields.get("key") is not None else [],
        rubric=fields.get("rubric") if fields.get("rubric") is not None else [],
    )
    problems = bank_io.validate_question(row)
    if problems:
        raise ApplicationError(
            "; ".join(f"{p.field}: {p.message}" for p in problems), code="invalid_question"
        )


@transaction.atomic
def question_save(
    *,
    actor,
    topic: Topic,
    external_id: str,
    fields: dict,
    question: Question | None = None,
    note: str = "",
) -> Question:
    """Create a question or record a new version of it; every version is kept."""
    if not may_edit_topic(actor=actor, topic=topic):
        raise ApplicationError(
            _("Only the owner of this part of the bank may change it."), code="not_owner"
        )
    if (
        question is not None
        and question.topic_id != topic.pk
        and not may_edit_topic(actor=actor, topic=question.topic)
    ):
        raise ApplicationError(
            _("Only the owner of this part of the bank may change it."), code="not_owner"
        )
    status = question.status if question is not None else Question.Status.DRAFT
    merged = {name: getattr(question, name) for name in CONTENT_FIELDS} if question else {}
    merged.update(fields)
    _check_content(external_id=external_id, topic=topic, status=status, fields=merged)
    now = timezone.now()
    if question is None:
        question = Question(topic=topic, external_id=external_id, created_at=now, updated_at=now)
        for name in CONTENT_FIELDS:
            setattr(question, name, fields.get(name, getattr(question, name)))
        question.points = Decimal(str(question.points))
        try:
            with transaction.atomic():
                question.save()
        except IntegrityError as exc:
            raise ApplicationError(
                _("A question with this identifier already exists."), code="duplicate"
            ) from exc
        action = "question.created"
    else:
        question = Question.objects.select_for_update().get(pk=question.pk)
        before = _snapshot(question)
        for name in CONTENT_FIELDS:
            if name in fields:
                setattr(question, name, fields[name])
        question.points = Decimal(str(question.points))
        question.topic = topic
        if _snapshot(question) == before:
            return question
        question.version += 1
        question.updated_at = now
        question.save(update_fields=[*CONTENT_FIELDS, "topic", "version", "updated_at"])
        action = "question.edited"
    QuestionRevision.objects.create(
        question=question,
        version=question.version,
        snapshot=_snapshot(question),
        edited_by=actor,
        edited_at=now,
        note=note[:255],
    )
    audit_record(
        action=action,
        actor=actor,
        target=question,
        state_body=topic.owner_body,
        details={"id": question.external_id, "version": question.version},
    )
    return question


@transaction.atomic
def question_set_status(*, actor, question: Question, status: str) -> Question:
    question = (
        Question.objects.select_for_update(of=("self",)).select_related("topic").get(pk=question.pk)
    )
    if not may_edit_topic(actor=actor, topic=question.topic):
        raise ApplicationError(
            _("Only the owner of this part of the bank may change it."), code="not_owner"
        )
    if status not in QUESTION_TRANSITIONS.get(question.status, set()):
        raise ApplicationError(
            _("A question cannot go from %(old)s to %(new)s.")
            % {"old": question.get_status_display(), "new": Question.Status(status).label},
            code="illegal_transition",
        )
    old = question.status
    question.status = status
    question.version += 1
    question.updated_at = timezone.now()
    question.save(update_fields=["status", "version", "updated_at"])
    QuestionRevision.objects.create(
        question=question,
        version=question.version,
        snapshot=_snapshot(question),
        edited_by=actor,
        note=f"{old} → {status}",
    )
    audit_record(
        action="question.status_changed",
        actor=actor,
        target=question,
        state_body=question.topic.owner_body,
        details={"id": question.external_id, "from": old, "to": status},
    )
    return question


@dataclass
class ImportReport:
    errors: list[bank_io.RowError] = field(default_factory=list)
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    topics_created: int = 0
    warnings: list[KeyBalanceWarning] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


@transaction.atomic
def bank_import(*, actor, data: bytes, filename: str, owner_body=None) -> ImportReport:
    """Import a JSON or CSV bank file: all of it, or — if any row has an error — none of it."""
    parsed = bank_io.parse(data, filename=filename)
    report = ImportReport(errors=list(parsed.errors))
    existing_topics = {t.code: t for t in Topic.objects.all()}
    declared = {t.code for t in parsed.topics}
    for row in parsed.questions:
        if row.topic not in existing_topics and row.topic not in declared:
            report.errors.append(bank_io.RowError(row.row, "topic", str(_("Unknown topic code."))))
    ids = [q.external_id for q in parsed.questions]
    for row in parsed.questions:
        if ids.count(row.external_id) > 1:
            report.errors.append(
                bank_io.RowError(row.row, "id", str(_("This identifier appears twice.")))
            )
    existing = {
        q.external_id: q
        for q in Question.objects.select_related("topic").filter(external_id__in=ids)
    }
    for t in parsed.topics:
        if t.code in existing_topics and not may_edit_topic(
            actor=actor, topic=existing_topics[t.code]
        ):
            report.errors.append(
                bank_io.RowError(
                    0, "topics", str(_("You may not change topic %(code)s.")) % {"code": t.code}
                )
            )
    if report.errors:
        report.errors.sort(key=lambda e: e.row)
        return report
    for t in parsed.topics:
        topic = existing_topics.get(t.code)
        if topic is None:
            topic = Topic.objects.create(
                code=t.code,
                name_kk=t.names["kk"],
                name_ru=t.names["ru"],
                name_en=t.names["en"],
                is_practice=t.is_practice,
                owner_body=owner_body,
            )
            existing_topics[t.code] = topic
            report.topics_created += 1
    for row in parsed.questions:
        topic = existing_topics[row.topic]
        try:
            current = existing.get(row.external_id)
            version_before = current.version if current else None
            question = question_save(
                actor=actor,
                topic=topic,
                external_id=row.external_id,
                fields=row.as_fields(),
                question=current,
                note=str(_("Imported from %(file)s") % {"file": filename[:100]}),
            )
            if question.status != row.status:
                question = _status_force(actor=actor, question=question, status=row.status)
        except ApplicationError as exc:
            report.errors.append(bank_io.RowError(row.row, "question", str(exc.message)))
            continue
        if current is None:
            report.created += 1
        elif question.version != version_before:
            report.updated += 1
        else:
            report.unchanged += 1
    if report.errors:
        # Nothing from a file with errors: undo what the valid rows wrote.
        transaction.set_rollback(True)
        report.created = report.updated = report.unchanged = report.topics_created = 0
        return report
    report.warnings = bank_key_balance(
        topics=[existing_topics[c] for c in {row.topic for row in parsed.questions}]
    )
    audit_record(
        action="bank.imported",
        actor=actor,
        target_type="testing_center.question",
        target_id="",
        state_body=owner_body,
        details={
            "file": filename[:100],
            "created": report.created,
            "updated": report.updated,
            "topics": report.topics_created,
        },
    )
    return report


def _status_force(*, actor, question: Question, status: str) -> Question:
    """An import states the wanted status; walk there through the transition table."""
    if status == Question.Status.DRAFT:
        raise ApplicationError(
            _("A question in use cannot go back to draft."), code="illegal_transition"
        )
    return question_set_status(actor=actor, question=question, status=status)


def topics_kept_by(*, actor):
    """The topics whose keys ``actor`` may see and export, as a queryset."""
    if actor.is_superuser:
        return Topic.objects.all()
    from eqyzmet.selectors import state_bodies_in_scope

    kept = Q(owner_body__in=state_bodies_in_scope(user=actor, role="hr_officer"))
    if actor.has_perm(KEEP_NATIONAL_BANK):
        kept |= Q(owner_body__isnull=True)
    return Topic.objects.filter(kept)


@dataclass(frozen=True)
class BankExport:
    body: str
    content_type: str
    filename: str


@transaction.atomic
def bank_export(*, actor, questions, fmt: str) -> BankExport:
    """The questions with their keys as a JSON or CSV file, for the keepers of every topic
    they come from (all or nothing). One audit row: how many, of which topics; no content."""
    questions = list(questions.select_related("topic").order_by("topic__code", "external_id"))
    topics = sorted({q.topic for q in questions}, key=lambda t: t.code)
    kept = set(
        topics_kept_by(actor=actor)
        .filter(pk__in=[t.pk for t in topics])
        .values_list("pk", flat=True)
    )
    if not questions:
        raise ApplicationError(_("Choose the questions to export."), code="nothing_to_export")
    if any(t.pk not in kept for t in topics):
        raise ApplicationError(
            _(
                "Only the keepers of a part of the bank may export it with its keys; the "
                "selection includes topics you do not keep."
            ),
            code="not_owner",
        )
    if fmt == "csv":
        body, content_type = bank_io.export_csv(questions), "text/csv; charset=utf-8"
    else:
        fmt = "json"
        body, content_type = bank_io.export_json(questions, topics), "application/json"
    owners = {t.owner_body_id for t in topics}
    owner_id = next(iter(owners)) if len(owners) == 1 else None
    audit_record(
        action="bank.exported",
        actor=actor,
        target_type="testing_center.question",
        target_id="",
        state_body=StateBody(pk=owner_id) if owner_id else None,
        details={"count": len(questions), "topics": [t.code for t in topics], "format": fmt},
    )
    return BankExport(body=body, content_type=content_type, filename=f"question-bank.{fmt}")


# How far the keys of a topic may lean to one option position before the bank check
# warns: a position holding more than 1/k + KEY_SHARE_MARGIN of the keys, or a chi-square
# test of uniformity below KEY_BALANCE_P, with at least KEY_BALANCE_MIN_ITEMS questions.
KEY_SHARE_MARGIN = 0.15
KEY_BALANCE_P = 0.01
KEY_BALANCE_MIN_ITEMS = 8


@dataclass(frozen=True)
class KeyBalanceWarning:
    topic: str
    questions: int
    options: int
    shares: tuple[float, ...]
    p_value: float

    @property
    def message(self) -> str:
        position = max(range(len(self.shares)), key=lambda n: self.shares[n])
        return str(
            _(
                "Topic %(topic)s: option %(position)s holds the key in %(share)s%% of "
                "single-choice questions (%(n)s in all; about %(expected)s%% expected). "
                "Reorder the options so that every position holds the key about equally "
                "often."
            )
            % {
                "topic": self.topic,
                "position": OPTION_LABELS[position].upper(),
                "share": round(100 * self.shares[position]),
                "n": self.questions,
                "expected": round(100 / self.options),
            }
        )


def bank_key_balance(*, topics=None) -> list[KeyBalanceWarning]:
    """The topics whose single-choice keys sit unevenly across option positions.

    Candidates never see the bank's order (each paper has its own order and labels), but an
    unbalanced bank still leaks through any test that does not shuffle, and says the bank
    was written carelessly. One query.
    """
    from scipy.stats import chisquare

    rows = Question.objects.filter(kind=Question.Kind.SINGLE).exclude(
        status=Question.Status.RETIRED
    )
    if topics is not None:
        rows = rows.filter(topic__in=topics)
    groups: dict[tuple[str, int], list[int]] = {}
    for code, options, key in rows.values_list("topic__code", "options", "key"):
        ids = [o.get("id") for o in options if isinstance(o, dict)]
        if len(ids) < 2 or not key or key[0] not in ids:
            continue
        counts = groups.setdefault((code, len(ids)), [0] * len(ids))
        counts[ids.index(key[0])] += 1
    warnings = []
    for (code, k), counts in sorted(groups.items()):
        n = sum(counts)
        if n < KEY_BALANCE_MIN_ITEMS:
            continue
        shares = tuple(c / n for c in counts)
        p_value = float(chisquare(counts).pvalue)
        if max(shares) > 1 / k + KEY_SHARE_MARGIN or p_value < KEY_BALANCE_P:
            warnings.append(KeyBalanceWarning(code, n, k, shares, p_value))
    return warnings


# --- Blueprints and sittings -------------------------------------------------------------


@transaction.atomic
def blueprint_upsert(*, actor, spec: dict) -> Blueprint:
    """Create or replace a blueprint from a plain description (used by seeds and imports)."""
    topics = {
        t.code: t for t in Topic.objects.filter(code__in=[s["topic"] for s in spec["sections"]])
    }
    for section in spec["sections"]:
        topic = topics.get(section["topic"])
        if topic is None:
            raise ApplicationError(_("Unknown topic code."), code="unknown_topic")
        if topic.is_practice != bool(spec.get("is_practice", False)):
            raise ApplicationError(
                _("A practice test draws only from the practice bank, and a real one never does."),
                code="bank_mismatch",
            )
    values = {k: v for k, v in spec.items() if k not in ("code", "sections")}
    blueprint, created = Blueprint.objects.update_or_create(code=spec["code"], defaults=values)
    blueprint.sections.all().delete()
    BlueprintSection.objects.bulk_create(
        BlueprintSection(
            blueprint=blueprint,
            position=n,
            topic=topics[s["topic"]],
            item_count=s["items"],
            points_per_item=Decimal(str(s["points"])) if s.get("points") is not None else None,
            min_correct=s.get("min_correct"),
        )
        for n, s in enumerate(spec["sections"], start=1)
    )
    audit_record(
        action="blueprint.created" if created else "blueprint.replaced",
        actor=actor,
        target=blueprint,
        details={"code": blueprint.code, "sections": len(spec["sections"])},
    )
    return blueprint


@transaction.atomic
def sitting_attach(*, actor, stage_id: int, blueprint: Blueprint) -> Sitting:
    info = recruitment.stage_info(stage_id)
    if blueprint.is_practice:
        raise ApplicationError(
            _("A practice blueprint cannot be used in a competition."), code="practice_blueprint"
        )
    if info.locked:
        raise ApplicationError(_("This stage is locked."), code="stage_locked")
    sitting = Sitting.objects.filter(stage_id=stage_id).first()
    if sitting and sitting.attempts.exists() and sitting.blueprint_id != blueprint.pk:
        raise ApplicationError(
            _("Candidates have already started this test; its blueprint cannot change."),
            code="sitting_started",
        )
    if sitting is None:
        sitting = Sitting.objects.create(stage_id=stage_id, blueprint=blueprint)
    elif sitting.blueprint_id != blueprint.pk:
        sitting.blueprint = blueprint
        sitting.save(update_fields=["blueprint"])
    audit_record(
        action="sitting.attached",
        actor=actor,
        target=sitting,
        state_body=StateBody(pk=info.state_body_id),
        details={"stage": info.kind, "blueprint": blueprint.code},
    )
    return sitting


# --- Drawing a paper ---------------------------------------------------------------------


def paper_draw(*, blueprint: Blueprint, seed: str, pool: dict[int, list[dict]]) -> list[dict]:
    """The paper for ``seed``: which questions, in which order, with which option order.

    ``pool[topic_id]`` lists the active questions of a topic. Pure and reproducible: the
    same seed and pool give the same paper; another seed gives another.
    """
    rng = random.Random(f"{seed}")  # noqa: S311 - a fair shuffle, not a secret
    items = []
    position = 0
    for section in blueprint.sections.all():
        candidates = sorted(pool.get(section.topic_id, []), key=lambda q: q["id"])
        if len(candidates) < section.item_count:
            raise ApplicationError(
                _("The bank has too few active questions for section %(n)s of this test.")
                % {"n": section.position},
                code="bank_too_small",
            )
        for question in rng.sample(candidates, section.item_count):
            option_ids = [o["id"] for o in question["options"]]
            if blueprint.shuffle_options and question["kind"] in ("single", "multiple"):
                option_ids = rng.sample(option_ids, len(option_ids))
            position += 1
            items.append(
                {
                    "position": position,
                    "section_position": section.position,
                    "question_id": question["id"],
                    "question_version": question["version"],
                    "option_order": option_ids,
                    "points": section.points_per_item
                    if section.points_per_item is not None
                    else question["points"],
                }
            )
    return items


def _pool(blueprint: Blueprint) -> dict[int, list[dict]]:
    topic_ids = [s.topic_id for s in blueprint.sections.all()]
    pool: dict[int, list[dict]] = {}
    for q in Question.objects.filter(topic_id__in=topic_ids, status=Question.Status.ACTIVE).values(
        "id", "topic_id", "kind", "options", "points", "version"
    ):
        pool.setdefault(q["topic_id"], []).append(q)
    return pool


def _create_paper(attempt: Attempt) -> None:
    drawn = paper_draw(
        blueprint=attempt.blueprint, seed=attempt.seed, pool=_pool(attempt.blueprint)
    )
    AttemptItem.objects.bulk_create(
        AttemptItem(
            attempt=attempt,
            position=d["position"],
            section_position=d["section_position"],
            question_id=d["question_id"],
            question_version=d["question_version"],
            option_order=d["option_order"],
            points=d["points"],
        )
        for d in drawn
    )


# --- Attempts ----------------------------------------------------------------------------


def _deadline(blueprint: Blueprint, now, window_closes=None):
    deadline = now + timezone.timedelta(seconds=blueprint.time_limit_seconds)
    # A test started late in the window still ends when the window does.
    if window_closes is not None and window_closes < deadline:
        deadline = window_closes
    return deadline


@transaction.atomic
def attempt_start(*, user, sitting: Sitting, language: str = "kk") -> Attempt:
    """Start (or return the running) attempt of the signed-in candidate at a sitting."""
    info = recruitment.stage_info(sitting.stage_id)
    application_id = recruitment.candidate_application_id(
        user=user, competition_id=info.competition_id
    )
    if application_id is None or not recruitment.is_admitted(
        application_id=application_id, stage_id=info.stage_id
    ):
        raise ApplicationError(_("You are not admitted to this test."), code="not_admitted")
    # Lock the sitting row: two clicks on "start" make one attempt, not two.
    Sitting.objects.select_for_update().filter(pk=sitting.pk).first()
    previous = list(
        Attempt.objects.filter(sitting=sitting, application_id=application_id).order_by("number")
    )
    running = [a for a in previous if a.status == Attempt.Status.IN_PROGRESS]
    if running:
        return running[0]
    if not info.is_open:
        raise ApplicationError(
            _("The test can be started only while its window is open."), code="window_closed"
        )
    blueprint = sitting.blueprint
    if len(previous) >= blueprint.max_attempts:
        raise ApplicationError(
            _("You have used all the attempts this test allows."), code="no_attempts_left"
        )
    now = timezone.now()
    attempt = Attempt.objects.create(
        sitting=sitting,
        blueprint=blueprint,
        application_id=application_id,
        number=len(previous) + 1,
        seed=secrets.token_hex(8),
        language=language[:8],
        started_at=now,
        deadline=_deadline(blueprint, now, info.closes_at),
        grace_seconds=blueprint.grace_seconds,
    )
    _create_paper(attempt)
    audit_record(
        action="attempt.started",
        target=attempt,
        state_body=StateBody(pk=info.state_body_id),
        details={
            "code": recruitment.application_code(application_id),
            "stage": info.kind,
            "number": attempt.number,
        },
    )
    return attempt


@transaction.atomic
def practice_attempt_start(*, blueprint: Blueprint, token: str, language: str = "kk") -> Attempt:
    """A practice attempt for anyone. It never touches competitions or the real bank.

    Not written to the audit ledger: anonymous practice is not an act of the competition,
    and a ledger entry per visitor would let anyone grow it at will.
    """
    if not blueprint.is_practice:
        raise ApplicationError(_("This is not a practice test."), code="not_practice")
    if not token:
        raise ApplicationError(_("Your session has expired; start again."), code="no_session")
    now = timezone.now()
    attempt = Attempt.objects.create(
        blueprint=blueprint,
        practice_token=token,
        seed=secrets.token_hex(8),
        language=language[:8],
        started_at=now,
        deadline=_deadline(blueprint, now),
        grace_seconds=blueprint.grace_seconds,
    )
    _create_paper(attempt)
    return attempt


@dataclass(frozen=True)
class SaveResult:
    saved: bool
    version: int
    answer: object
    changed_at_ms: int


# Positions are smallints; a change may carry a client time at most this far ahead of the
# server's (the page stamps changes with the server's clock, see attempt.js).
MAX_POSITION = 32767
MAX_CLOCK_AHEAD_MS = 2 * 60 * 1000


def _encodable(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _normalise_answer(item: AttemptItem, kind: str, raw, blueprint: Blueprint, labels: dict):
    """The canonical stored form of an answer (option ids), or ApplicationError. Choices
    arrive as this paper's labels (``labels``: option id → label) and are mapped back."""
    if raw in (None, "", []):
        return None
    by_label = {label: oid for oid, label in labels.items()}
    if kind in (Question.Kind.SINGLE, Question.Kind.LIKERT):
        if not isinstance(raw, str) or raw not in by_label:
            raise ApplicationError(_("Choose one of the options."), code="bad_answer")
        return by_label[raw]
    if kind == Question.Kind.MULTIPLE:
        if not isinstance(raw, list) or any(
            not isinstance(v, str) or v not in by_label for v in raw
        ):
            raise ApplicationError(_("Choose among the options."), code="bad_answer")
        return sorted({by_label[v] for v in raw})
    if not isinstance(raw, str):
        raise ApplicationError(_("Type your answer as text."), code="bad_answer")
    if "\x00" in raw or not _encodable(raw):
        # PostgreSQL stores neither NUL nor lone surrogates; no keyboard types them.
        raise ApplicationError(
            _("The answer contains characters that cannot be saved; retype it."),
            code="bad_answer",
        )
    if kind == Question.Kind.SHORT_TEXT:
        if len(raw) > 500:
            raise ApplicationError(_("The answer is too long."), code="too_long")
        return raw
    limit = blueprint.essay_max_words
    if limit and len(raw.split()) > limit:
        raise ApplicationError(
            _("The essay may have at most %(n)s words.") % {"n": limit}, code="too_many_words"
        )
    if len(raw) > 20000:
        raise ApplicationError(_("The answer is too long."), code="too_long")
    return raw


def _refuse_late(attempt: Attempt, now) -> None:
    if attempt.status != Attempt.Status.IN_PROGRESS or now > attempt.closes_at:
        raise ApplicationError(
            _("Time is up: the test has been submitted and answers can no longer change."),
            code="time_up",
        )


def attempt_autosave(
    *, attempt: Attempt, position: int, answer, changed_at_ms: int, now=None
) -> SaveResult:
    """Save one answer: one small conditional UPDATE (plus the read that validates it).

    A choice arrives as the label this paper shows for the option (see
    ``models.option_labels``) and is stored as the option's id; the answer sent back is in
    labels again.

    Idempotent: sending the same change again changes nothing. Safe from two tabs: each
    item is its own row, so saving one item never touches another, and a change carries the
    client's timestamp — a late retry of an older change never overwrites a newer one (the
    newest change wins; ``version`` counts the stored changes and goes back to the tab).
    """
    now = now or timezone.now()
    _refuse_late(attempt, now)
    if not 1 <= position <= MAX_POSITION:
        raise ApplicationError(_("There is no such question on your paper."), code="no_item")
    # A change "from the future" would block every later save of the item (the newest
    # change wins), so a time beyond what a page can honestly send is refused.
    if not 0 <= changed_at_ms <= now.timestamp() * 1000 + MAX_CLOCK_AHEAD_MS:
        raise ApplicationError(
            _(
                "The time of this change is not plausible. Reload the page; if it happens "
                "again, check your device's clock."
            ),
            code="bad_clock",
        )
    item = (
        AttemptItem.objects.filter(attempt=attempt, position=position)
        .select_related("question")
        .only(
            "pk",
            "position",
            "option_order",
            "answer",
            "version",
            "changed_at_ms",
            "question__kind",
        )
        .first()
    )
    if item is None:
        raise ApplicationError(_("There is no such question on your paper."), code="no_item")
    labels = option_labels(
        seed=attempt.seed, position=item.position, option_order=item.option_order
    )
    value = _normalise_answer(item, item.question.kind, answer, attempt.blueprint, labels)
    if changed_at_ms <= item.changed_at_ms:
        # Older than (or the same as) what is stored: a retry or the other tab's past.
        return SaveResult(
            saved=item.answer == value,
            version=item.version,
            answer=answer_as_labels(item.answer, labels),
            changed_at_ms=item.changed_at_ms,
        )
    updated = AttemptItem.objects.filter(
        pk=item.pk,
        changed_at_ms__lt=changed_at_ms,
        attempt__status=Attempt.Status.IN_PROGRESS,
    ).update(
        answer=value,
        version=F("version") + 1,
        changed_at_ms=changed_at_ms,
        saved_at=now,
    )
    if not updated:
        # Lost a race with a newer change from the other tab, or the test just closed.
        return SaveResult(
            saved=False, version=item.version + 1, answer=None, changed_at_ms=changed_at_ms
        )
    return SaveResult(
        saved=True,
        version=item.version + 1,
        answer=answer_as_labels(value, labels),
        changed_at_ms=changed_at_ms,
    )


def attempt_save_many(*, attempt: Attempt, answers: dict[int, object], now=None) -> None:
    """The final form post (no JavaScript, or a last flush): save what differs."""
    now = now or timezone.now()
    stamp = int(time.time() * 1000)
    for position, value in answers.items():
        try:
            attempt_autosave(
                attempt=attempt, position=position, answer=value, changed_at_ms=stamp, now=now
            )
        except ApplicationError as exc:
            if exc.code == "time_up":
                raise
            logger.info("Final save of item %s refused: %s", position, exc.code)


ATTEMPT_TRANSITIONS = {
    Attempt.Status.IN_PROGRESS: {Attempt.Status.SUBMITTED},
    Attempt.Status.SUBMITTED: {Attempt.Status.SCORED},
    Attempt.Status.SCORED: set(),
}


@transaction.atomic
def attempt_submit(*, attempt: Attempt, by: str, now=None) -> bool:
    """Hand the paper in. Returns False if it was already handed in (idempotent)."""
    now = now or timezone.now()
    if by == Attempt.SubmittedBy.CANDIDATE and now >= attempt.deadline:
        by = Attempt.SubmittedBy.TIMER
    changed = Attempt.objects.filter(pk=attempt.pk, status=Attempt.Status.IN_PROGRESS).update(
        status=Attempt.Status.SUBMITTED, submitted_at=now, submitted_by=by
    )
    if not changed:
        return False
    attempt.status, attempt.submitted_at, attempt.submitted_by = (
        Attempt.Status.SUBMITTED,
        now,
        by,
    )
    if attempt.is_practice:
        # Practice is scored on the spot: the visitor is waiting for the explanations.
        attempt_score(attempt_id=attempt.pk)
        attempt.refresh_from_db()
        return True
    info = recruitment.stage_info(attempt.sitting.stage_id)
    audit_record(
        action="attempt.submitted",
        target=attempt,
        state_body=StateBody(pk=info.state_body_id),
        details={"by": by, "stage": info.kind},
    )
    from eqyzmet.tasks import enqueue
    from testing_center.tasks import score_attempt

    enqueue(score_attempt, attempt.pk)
    return True


def attempt_expire_if_due(*, attempt: Attempt, now=None) -> bool:
    """The check every request makes: a paper past its deadline and grace is handed in."""
    now = now or timezone.now()
    if attempt.status == Attempt.Status.IN_PROGRESS and now > attempt.closes_at:
        return attempt_submit(attempt=attempt, by=Attempt.SubmittedBy.TIMER, now=now)
    return False


def attempts_expire_sweep(*, now=None, limit: int = 500) -> int:
    """Beat's half of the clock: hand in papers whose time ran out while nobody looked."""
    now = now or timezone.now()
    due = Attempt.objects.select_related("sitting").filter(
        status=Attempt.Status.IN_PROGRESS, deadline__lt=now
    )[:limit]
    return sum(attempt_expire_if_due(attempt=a, now=now) for a in due)


def attempts_requeue_unscored(*, older_than_seconds: int = 120, limit: int = 500) -> int:
    """Papers handed in while the broker was down get queued again."""
    from eqyzmet.tasks import enqueue
    from testing_center.tasks import score_attempt

    cutoff = timezone.now() - timezone.timedelta(seconds=older_than_seconds)
    ids = list(
        Attempt.objects.filter(
            status=Attempt.Status.SUBMITTED, submitted_at__lt=cutoff
        ).values_list("pk", flat=True)[:limit]
    )
    with transaction.atomic():
        for pk in ids:
            enqueue(score_attempt, pk)
    return len(ids)


# --- Scoring -----------------------------------------------------------------------------


def _text_key(value: str) -> str:
    value = unicodedata.normalize("NFKC", value).casefold().replace("ё", "е")
    return " ".join(value.replace(".", " ").replace(",", " ").split())


def item_score(*, kind: str, key, answer, points: Decimal) -> tuple[Decimal | None, bool | None]:
    """Exact scoring of one closed item: (points awarded, correct?)."""
    if kind == Question.Kind.SINGLE:
        ok = answer is not None and [answer] == list(key)
    elif kind == Question.Kind.MULTIPLE:
        ok = answer is not None and sorted(answer) == sorted(key)
    elif kind == Question.Kind.SHORT_TEXT:
        ok = isinstance(answer, str) and _text_key(answer) in {_text_key(k) for k in key}
    elif kind == Question.Kind.LIKERT:
        return (Decimal(str(key.get(answer, 0))) if answer else Decimal(0)), None
    else:
        return None, None
    return (points if ok else Decimal(0)), ok


@dataclass(frozen=True)
class SectionOutcome:
    position: int
    items: int
    correct: int
    score: Decimal
    min_correct: int | None

    @property
    def ok(self) -> bool:
        return self.min_correct is None or self.correct >= self.min_correct


def attempt_outcome(
    *,
    sections: list[SectionOutcome],
    pass_min_correct: int | None,
    pass_min_score: Decimal | None,
) -> bool:
    """The pass rule, as data: overall minimum correct, minimum score, and every section's
    own minimum. All that are set must hold."""
    correct = sum(s.correct for s in sections)
    score = sum((s.score for s in sections), Decimal(0))
    if pass_min_correct is not None and correct < pass_min_correct:
        return False
    if pass_min_score is not None and score < pass_min_score:
        return False
    return all(s.ok for s in sections)


@transaction.atomic
def attempt_score(*, attempt_id: int) -> bool:
    """Score a handed-in paper exactly once; record the stage result for a real test."""
    attempt = (
        Attempt.objects.select_for_update(of=("self",))
        .select_related("blueprint", "sitting")
        .filter(pk=attempt_id)
        .first()
    )
    if attempt is None or attempt.status != Attempt.Status.SUBMITTED:
        return False
    blueprint = attempt.blueprint
    sections = {s.position: s for s in blueprint.sections.select_related("topic")}
    items = list(attempt.items.select_related("question").order_by("position"))
    per_section: dict[int, dict] = {
        p: {"items": 0, "correct": 0, "score": Decimal(0)} for p in sections
    }
    for item in items:
        awarded, correct = item_score(
            kind=item.question.kind, key=item.question.key, answer=item.answer, points=item.points
        )
        item.awarded, item.is_correct = awarded, correct
        bucket = per_section.setdefault(
            item.section_position, {"items": 0, "correct": 0, "score": Decimal(0)}
        )
        bucket["items"] += 1
        bucket["correct"] += 1 if correct else 0
        bucket["score"] += awarded or Decimal(0)
    AttemptItem.objects.bulk_update(items, ["awarded", "is_correct"])
    outcomes = [
        SectionOutcome(
            position=p,
            items=b["items"],
            correct=b["correct"],
            score=b["score"],
            min_correct=sections[p].min_correct if p in sections else None,
        )
        for p, b in sorted(per_section.items())
    ]
    is_essay = blueprint.kind == Blueprint.Kind.ESSAY
    passed = (
        None
        if is_essay
        else attempt_outcome(
            sections=outcomes,
            pass_min_correct=blueprint.pass_min_correct,
            pass_min_score=blueprint.pass_min_score,
        )
    )
    score = None if is_essay else sum((o.score for o in outcomes), Decimal(0))
    correct = None if is_essay else sum(o.correct for o in outcomes)
    section_rows = [
        {
            "position": o.position,
            "topic": sections[o.position].topic.code if o.position in sections else "",
            "name_kk": sections[o.position].topic.name_kk if o.position in sections else "",
            "name_ru": sections[o.position].topic.name_ru if o.position in sections else "",
            "name_en": sections[o.position].topic.name_en if o.position in sections else "",
            "items": o.items,
            "correct": o.correct,
            "score": str(o.score),
            "min_correct": o.min_correct,
            "ok": o.ok,
        }
        for o in outcomes
    ]
    now = timezone.now()
    changed = Attempt.objects.filter(pk=attempt.pk, status=Attempt.Status.SUBMITTED).update(
        status=Attempt.Status.SCORED,
        scored_at=now,
        score=score,
        correct_count=correct,
        passed=passed,
        sections=section_rows,
    )
    if not changed:
        return False
    if attempt.is_practice:
        return True
    info = recruitment.stage_info(attempt.sitting.stage_id)
    audit_record(
        action="attempt.scored",
        target=attempt,
        state_body=StateBody(pk=info.state_body_id),
        details={"stage": info.kind, "score": str(score), "passed": passed},
    )
    if is_essay:
        from eqyzmet.tasks import enqueue
        from testing_center.tasks import prepare_essays

        # The commission marks essays; first they are redacted and get the AI's opinion.
        enqueue(prepare_essays, attempt.sitting_id)
    else:
        try:
            recruitment.stage_result_record(
                application_id=attempt.application_id,
                stage_id=info.stage_id,
                score=score,
                passed=bool(passed),
                details={
                    "correct": correct,
                    "items": len(items),
                    "sections": [
                        {
                            "topic": r["topic"],
                            "correct": r["correct"],
                            "items": r["items"],
                            "ok": r["ok"],
                        }
                        for r in section_rows
                    ],
                    "attempt": attempt.pk,
                },
            )
        except ApplicationError as exc:
            # A locked stage takes corrections only through an appeal; the paper stays scored.
            logger.warning("Stage result for attempt %s not recorded: %s", attempt.pk, exc.code)
    return True


# --- Integrity events --------------------------------------------------------------------

# A page sends a few events every 15 seconds; these caps only stop a script from filling
# the table. Past the per-attempt cap, events are counted by kind on the attempt, so the
# focus/paste detector still sees every one of them.
MAX_EVENTS_PER_POST = 100
MAX_EVENTS_PER_ATTEMPT = 500
MAX_EVENT_MS = 24 * 3600 * 1000


@dataclass(frozen=True)
class EventsRecorded:
    stored: int
    counted: int


def _is_number(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def _integrity_event(event) -> tuple[str, int | None, int] | None:
    """(kind, position, ms) of one posted event; None for a kind this server does not know
    (a newer page); ApplicationError when the event is malformed."""
    bad = ApplicationError(_("The integrity events could not be read."), code="bad_events")
    if not isinstance(event, dict):
        raise bad
    kind = event.get("kind")
    if not isinstance(kind, str):
        raise bad
    position = event.get("position")
    if position is not None and not (
        isinstance(position, int)
        and not isinstance(position, bool)
        and 1 <= position <= MAX_POSITION
    ):
        raise bad
    ms = event.get("ms")
    if ms is None:
        ms = 0
    if not _is_number(ms):
        raise bad
    if kind not in IntegrityEvent.Kind.values:
        return None
    return kind, position, int(max(0, min(ms, MAX_EVENT_MS)))


def integrity_events_record(*, attempt: Attempt, events: list) -> EventsRecorded:
    """Store what the page reported. Recorded, never judged here.

    All or nothing: a malformed event or more than ``MAX_EVENTS_PER_POST`` refuses the
    post. At most ``MAX_EVENTS_PER_ATTEMPT`` rows per attempt; the rest are counted.
    """
    if not isinstance(events, list):
        raise ApplicationError(_("The integrity events could not be read."), code="bad_events")
    if len(events) > MAX_EVENTS_PER_POST:
        raise ApplicationError(
            _("Too many integrity events in one request: at most %(n)s.")
            % {"n": MAX_EVENTS_PER_POST},
            code="too_many_events",
        )
    parsed = [e for e in (_integrity_event(event) for event in events) if e is not None]
    if attempt.status != Attempt.Status.IN_PROGRESS or attempt.is_practice or not parsed:
        return EventsRecorded(stored=0, counted=0)
    now = timezone.now()
    with transaction.atomic():
        # The attempt's row is the lock: two posts at once cannot both fill the last room.
        locked = (
            Attempt.objects.select_for_update().only("pk", "events_over_cap").get(pk=attempt.pk)
        )
        room = max(
            0, MAX_EVENTS_PER_ATTEMPT - IntegrityEvent.objects.filter(attempt=attempt).count()
        )
        IntegrityEvent.objects.bulk_create(
            IntegrityEvent(
                attempt=attempt, kind=kind, position=position, value_ms=ms, created_at=now
            )
            for kind, position, ms in parsed[:room]
        )
        over = parsed[room:]
        if over:
            counts = dict(locked.events_over_cap or {})
            for kind, _position, _ms in over:
                counts[kind] = counts.get(kind, 0) + 1
            Attempt.objects.filter(pk=attempt.pk).update(events_over_cap=counts)
    return EventsRecorded(stored=len(parsed[:room]), counted=len(over))


# --- Item analysis -----------------------------------------------------------------------


def thresholds() -> item_analysis.Thresholds:
    overrides = getattr(settings, "TESTING_ITEM_FLAG_THRESHOLDS", {}) or {}
    return item_analysis.Thresholds(**overrides)


@transaction.atomic
def sitting_analyse(*, sitting_id: int) -> SittingStatistic | None:
    """Moodle-style statistics of a sitting's first attempts; flag weak items."""
    sitting = Sitting.objects.select_for_update().filter(pk=sitting_id).first()
    if sitting is None:
        return None
    rows = list(
        AttemptItem.objects.filter(
            attempt__sitting=sitting,
            attempt__number=1,
            attempt__status=Attempt.Status.SCORED,
            awarded__isnull=False,
        ).values_list("attempt_id", "position", "question_id", "awarded", "points")
    )
    by_attempt: dict[int, float] = {}
    for attempt_id, _pos, _q, awarded, _pts in rows:
        by_attempt[attempt_id] = by_attempt.get(attempt_id, 0.0) + float(awarded)
    people = sorted(by_attempt)
    index = {a: n for n, a in enumerate(people)}
    # Quiz level: by position (slot), as Moodle does for randomly drawn questions.
    slots: dict[int, list[float]] = {}
    slot_max: dict[int, float] = {}
    per_question: dict[int, tuple[list[float], list[float], float]] = {}
    for attempt_id, position, question_id, awarded, points in rows:
        slots.setdefault(position, [0.0] * len(people))[index[attempt_id]] = float(awarded)
        slot_max[position] = float(points)
        scores, totals, _m = per_question.setdefault(question_id, ([], [], float(points)))
        scores.append(float(awarded))
        totals.append(by_attempt[attempt_id])
    quiz = item_analysis.quiz_statistics(
        {str(k): v for k, v in slots.items()}, {str(k): v for k, v in slot_max.items()}
    )
    limits = thresholds()
    ItemStatistic.objects.filter(sitting=sitting).delete()
    now = timezone.now()
    stats_rows = []
    for question_id, (scores, totals, max_mark) in per_question.items():
        stats = item_analysis.item_statistics(scores, totals, max_mark)
        reasons = item_analysis.flag_reasons(stats, limits)
        stats_rows.append(
            ItemStatistic(
                sitting=sitting,
                question_id=question_id,
                attempts=stats.attempts,
                facility=stats.facility,
                sd=stats.sd,
                discrimination_index=stats.discrimination_index,
                discriminative_efficiency=stats.discriminative_efficiency,
                flagged=bool(reasons),
                flag_reasons=reasons,
                computed_at=now,
            )
        )
    ItemStatistic.objects.bulk_create(stats_rows)
    result, _created = SittingStatistic.objects.update_or_create(
        sitting=sitting,
        defaults={
            "attempts": quiz.attempts,
            "mean": quiz.mean,
            "median": quiz.median,
            "sd": quiz.sd,
            "cic": quiz.cic,
            "error_ratio": quiz.error_ratio,
            "standard_error": quiz.standard_error,
            "computed_at": now,
        },
    )
    sitting.analysed_at = now
    sitting.save(update_fields=["analysed_at"])
    audit_record(
        action="sitting.analysed",
        target=sitting,
        details={
            "attempts": quiz.attempts,
            "flagged": sum(1 for r in stats_rows if r.flagged),
        },
    )
    return result


def sittings_due_for_analysis(*, now=None) -> list[int]:
    """Sittings whose window has closed, with no paper still open, not yet analysed."""
    now = now or timezone.now()
    return list(
        Sitting.objects.filter(analysed_at__isnull=True, stage__closes_at__lt=now)
        .exclude(attempts__status__in=[Attempt.Status.IN_PROGRESS, Attempt.Status.SUBMITTED])
        .values_list("pk", flat=True)[:50]
    )


def _no_constant(name: str):
    raise ValueError(name)


def _finite_float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise ValueError(text)
    return value


def json_from_post(value: str):
    """Strict JSON from a page: NaN, Infinity and overflowing numbers are refused (the
    ``ValueError`` of a malformed document)."""
    return json.loads(value, parse_constant=_no_constant, parse_float=_finite_float)


def answer_from_post(value: str | None):
    """Decode the JSON an autosave posts (a string, a list, or null)."""
    if value is None:
        return None
    try:
        return json_from_post(value)
    except (ValueError, TypeError, RecursionError) as exc:
        raise ApplicationError(_("The answer could not be read."), code="bad_answer") from exc


def position_from_post(value) -> int:
    """An item position from a form field, or ApplicationError (positions are smallints)."""
    try:
        position = int(value)
    except (TypeError, ValueError) as exc:
        raise ApplicationError(
            _("There is no such question on your paper."), code="no_item"
        ) from exc
    if not 1 <= position <= MAX_POSITION:
        raise ApplicationError(_("There is no such question on your paper."), code="no_item")
    return position
