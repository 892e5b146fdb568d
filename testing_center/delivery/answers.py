"""Saving answers while a test runs: autosave from the page and the final form post."""

from __future__ import annotations

import json
import logging
import math
import time
from dataclasses import dataclass

from django.db import connection
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from eqyzmet.errors import ApplicationError
from testing_center.models import (
    Attempt,
    AttemptItem,
    Blueprint,
    Question,
    answer_as_labels,
    option_labels,
)

logger = logging.getLogger("eqyzmet.testing_center")


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


def normalise_answer(kind: str, raw, blueprint: Blueprint, labels: dict):
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
    value = normalise_answer(item.question.kind, answer, attempt.blueprint, labels)
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
    """The final form post (no JavaScript, or a last flush): every answer the form holds,
    saved as a change made now — in two statements, however many answers: one read of the
    paper's items, one conditional write of all of them. Each item obeys autosave's rules:
    a change newer than what is stored wins, an answer that does not read is skipped (and
    logged), and nothing is written once time is up."""
    now = now or timezone.now()
    if not answers:
        return
    _refuse_late(attempt, now)
    stamp = int(time.time() * 1000)
    items = {
        item.position: item
        for item in AttemptItem.objects.filter(attempt=attempt, position__in=list(answers))
        .select_related("question")
        .only("pk", "position", "option_order", "changed_at_ms", "question__kind")
    }
    rows = []
    for position, raw in answers.items():
        item = items.get(position)
        if item is None:
            logger.info("Final save of item %s refused: no_item", position)
            continue
        if stamp <= item.changed_at_ms:
            continue  # the other tab's newer change stands
        labels = option_labels(
            seed=attempt.seed, position=item.position, option_order=item.option_order
        )
        try:
            value = normalise_answer(item.question.kind, raw, attempt.blueprint, labels)
        except ApplicationError as exc:
            logger.info("Final save of item %s refused: %s", position, exc.code)
            continue
        rows.append((item.pk, value))
    if rows:
        _write_final_answers(attempt=attempt, rows=rows, stamp=stamp, now=now)


def _write_final_answers(*, attempt: Attempt, rows, stamp: int, now) -> int:
    """One UPDATE of many items from a VALUES list, each row still conditional on being
    older than ``stamp`` and the paper still in progress (as autosave's own UPDATE is)."""
    item, paper = AttemptItem._meta, Attempt._meta
    q = connection.ops.quote_name
    answer_field = item.get_field("answer")
    cast = "::jsonb" if connection.vendor == "postgresql" else ""
    values = ", ".join([f"(%s, %s{cast})"] * len(rows))
    params: list = []
    for pk, value in rows:
        params += [pk, answer_field.get_db_prep_save(value, connection)]
    table = q(item.db_table)

    def col(meta, name):
        return q(meta.get_field(name).column)

    sql = (
        f"WITH v(id, answer) AS (VALUES {values}) "  # noqa: S608 — names from _meta, values bound
        f"UPDATE {table} SET {col(item, 'answer')} = "
        f"(SELECT v.answer FROM v WHERE v.id = {table}.{col(item, 'id')}), "
        f"{col(item, 'version')} = {col(item, 'version')} + 1, "
        f"{col(item, 'changed_at_ms')} = %s, {col(item, 'saved_at')} = %s "
        f"WHERE {col(item, 'id')} IN (SELECT v.id FROM v) "
        f"AND {col(item, 'changed_at_ms')} < %s "
        f"AND EXISTS (SELECT 1 FROM {q(paper.db_table)} a WHERE a.{col(paper, 'id')} = %s "
        f"AND a.{col(paper, 'status')} = %s)"
    )
    params += [
        stamp,
        connection.ops.adapt_datetimefield_value(now),
        stamp,
        attempt.pk,
        Attempt.Status.IN_PROGRESS.value,
    ]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.rowcount


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
