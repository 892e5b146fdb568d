"""Autosave's common case in one SQL statement.

On exam day everyone's answers autosave every few seconds, so the common case — the
owner of a running paper changes an answer — must cost one round trip to PostgreSQL. What
a save needs to know about a paper and never changes while it runs (who owns it, its
seed, each position's kind of question and option order) is read once and kept in the
cache (``paper_facts``). What can change (the paper's status, its deadline, the item's
newest change) is checked by the statement itself, which writes only when all hold:

    UPDATE item SET answer, version + 1, changed_at, saved_at
    WHERE item is this paper's position AND the change is newer
      AND EXISTS (the paper is in progress AND its deadline plus grace has not passed
                AND its seed, application and practice token are the facts')
    RETURNING version

The cache can outlive the database it describes (a database restored from a backup, a
test database made afresh): a new paper may then have an old paper's id, and the facts
cached under that id are the old paper's. The statement's last three conditions make such
facts write nothing, so the full path, which reads the paper itself, answers.

Anything else — no cached facts, an answer that does not read, time up, an older change
from another tab — returns None and the caller takes the full path
(``answers.attempt_autosave``), which answers exactly as it always has.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.utils import timezone

from eqyzmet.errors import ApplicationError
from testing_center.delivery.answers import (
    MAX_CLOCK_AHEAD_MS,
    SaveResult,
    normalise_answer,
)
from testing_center.models import Attempt, AttemptItem, answer_as_labels, option_labels

# Long enough to outlast any sitting; the facts never change while the paper runs.
FACTS_SECONDS = 12 * 3600


@dataclass(frozen=True)
class PaperFacts:
    attempt_id: int
    application_id: int | None
    competition_id: int | None
    practice_token: str
    seed: str
    essay_max_words: int | None
    grace_seconds: int
    # position → (kind of question, option order)
    items: dict[int, tuple[str, tuple[str, ...]]]


def facts_cache_key(attempt_id: int) -> str:
    return f"testing_center:paper-facts:{attempt_id}"


# This process's copies of the facts it read last: they never change while a paper runs.
# Bounded: emptied when full. Like the cache, they are only trusted as far as the save
# statement finds them to be the paper's own.
_LOCAL: dict[int, PaperFacts] = {}
LOCAL_LIMIT = 4096


def _remember(facts: PaperFacts) -> PaperFacts:
    if len(_LOCAL) >= LOCAL_LIMIT:
        _LOCAL.clear()
    _LOCAL[facts.attempt_id] = facts
    return facts


def facts_in_process(attempt_id: int) -> bool:
    return attempt_id in _LOCAL


def forget_facts_in_process() -> None:
    """For tests, whose rolled-back attempts' ids SQLite gives out again."""
    _LOCAL.clear()


def paper_facts(attempt_id: int) -> PaperFacts | None:
    """The paper's fixed facts: from this process's copies, else the cache, else two
    queries (and then cached). None for a paper that is not running (nothing to save
    fast)."""
    facts = _LOCAL.get(attempt_id)
    if facts is not None:
        return facts
    key = facts_cache_key(attempt_id)
    facts = cache.get(key)
    if facts is not None:
        return _remember(facts)
    row = (
        Attempt.objects.filter(pk=attempt_id, status=Attempt.Status.IN_PROGRESS)
        .values(
            "application_id",
            "sitting__stage__competition_id",
            "practice_token",
            "seed",
            "blueprint__essay_max_words",
            "grace_seconds",
        )
        .first()
    )
    if row is None:
        return None
    items = {
        position: (kind, tuple(order or ()))
        for position, kind, order in AttemptItem.objects.filter(attempt_id=attempt_id).values_list(
            "position", "question__kind", "option_order"
        )
    }
    facts = PaperFacts(
        attempt_id=attempt_id,
        application_id=row["application_id"],
        competition_id=row["sitting__stage__competition_id"],
        practice_token=row["practice_token"],
        seed=row["seed"],
        essay_max_words=row["blueprint__essay_max_words"],
        grace_seconds=row["grace_seconds"],
        items=items,
    )
    cache.set(key, facts, FACTS_SECONDS)
    return _remember(facts)


def _statement() -> str:
    item, attempt = AttemptItem._meta, Attempt._meta
    q = connection.ops.quote_name

    def col(meta, name):
        return q(meta.get_field(name).column)

    return (
        f"UPDATE {q(item.db_table)} SET {col(item, 'answer')} = %s, "  # noqa: S608 — names from _meta
        f"{col(item, 'version')} = {col(item, 'version')} + 1, "
        f"{col(item, 'changed_at_ms')} = %s, {col(item, 'saved_at')} = %s "
        f"WHERE {col(item, 'attempt')} = %s AND {col(item, 'position')} = %s "
        f"AND {col(item, 'changed_at_ms')} < %s "
        f"AND EXISTS (SELECT 1 FROM {q(attempt.db_table)} a WHERE a.{col(attempt, 'id')} = %s "
        f"AND a.{col(attempt, 'status')} = %s AND a.{col(attempt, 'deadline')} >= %s "
        # The facts are this paper's (see ``paper_facts``): its seed, owner and token.
        f"AND a.{col(attempt, 'seed')} = %s "
        f"AND COALESCE(a.{col(attempt, 'application')}, 0) = %s "
        f"AND a.{col(attempt, 'practice_token')} = %s) "
        f"RETURNING {col(item, 'version')}"
    )


@dataclass(frozen=True)
class _Limits:
    """What ``normalise_answer`` reads of the blueprint."""

    essay_max_words: int | None


def attempt_autosave_fast(
    *, facts: PaperFacts, position: int, answer, changed_at_ms: int, now=None
) -> SaveResult | None:
    """Save one answer in one statement, or None when the full path must answer."""
    now = now or timezone.now()
    item = facts.items.get(position)
    if item is None or not 0 <= changed_at_ms <= now.timestamp() * 1000 + MAX_CLOCK_AHEAD_MS:
        return None
    kind, option_order = item
    labels = option_labels(seed=facts.seed, position=position, option_order=list(option_order))
    try:
        value = normalise_answer(kind, answer, _Limits(facts.essay_max_words), labels)
    except ApplicationError:
        return None  # the full path gives the reason (or "time is up", which comes first)
    answer_field = AttemptItem._meta.get_field("answer")
    adapt = connection.ops.adapt_datetimefield_value
    with connection.cursor() as cursor:
        _execute(
            cursor,
            [
                answer_field.get_db_prep_save(value, connection),
                changed_at_ms,
                adapt(now),
                facts.attempt_id,
                position,
                changed_at_ms,
                facts.attempt_id,
                Attempt.Status.IN_PROGRESS.value,
                # Accepted while now <= deadline + grace (the full path's rule).
                adapt(now - timedelta(seconds=facts.grace_seconds)),
                facts.seed,
                facts.application_id or 0,
                facts.practice_token,
            ],
        )
        row = cursor.fetchone()
    if row is None:
        return None
    return SaveResult(
        saved=True,
        version=row[0],
        answer=answer_as_labels(value, labels),
        changed_at_ms=changed_at_ms,
    )


_STATEMENTS: dict[str, str] = {}


def _statement_for(vendor: str) -> str:
    statement = _STATEMENTS.get(vendor)
    if statement is None:
        statement = _STATEMENTS[vendor] = _statement()
    return statement


PREPARED_NAME = "eqyzmet_autosave"


def _prepared() -> bool:
    """Whether the statement is prepared on this connection once and then executed by
    name: on PostgreSQL, except behind PgBouncer in transaction pooling, where the next
    transaction may run on a server connection that never saw the ``PREPARE``."""
    return connection.vendor == "postgresql" and settings.DATABASE_POOLER != "pgbouncer"


def _execute(cursor, params: list) -> None:
    """The save statement: PostgreSQL plans it once per connection (a third less of the
    database's CPU per save, measured), other databases each time."""
    if not _prepared():
        cursor.execute(_statement_for(connection.vendor), params)
        return
    raw = connection.connection
    if connection.__dict__.get("_eqyzmet_autosave_prepared_on") is not raw:
        parts = _statement().split("%s")
        numbered = "".join(f"{part}${i}" for i, part in enumerate(parts[:-1], 1)) + parts[-1]
        cursor.execute(f"PREPARE {PREPARED_NAME} AS {numbered}")
        connection.__dict__["_eqyzmet_autosave_prepared_on"] = raw
    cursor.execute(f"EXECUTE {PREPARED_NAME} ({', '.join(['%s'] * len(params))})", params)
