"""The ethics app's public surface (OEP-49): other apps import this module and nothing else.

Example, inside the caller's own transaction::

    from ethics.public import system_case_raise

    case_id = system_case_raise(
        kind="integrity_flag",
        state_body_id=competition.state_body_id,
        summary="Response-time anomaly in attempt K7-4QMX-9TZ2",
        evidence={"application_code": "K7-4QMX-9TZ2", "signal": "timing", "score": 0.93},
        dedupe_key=f"integrity:timing:{attempt.pk}",
    )
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from ethics.models import SYSTEM_CATEGORIES
from ethics.services import case_raise_by_system

#: The kinds of case the system may raise.
SYSTEM_CASE_KINDS: tuple[str, ...] = tuple(str(kind) for kind in SYSTEM_CATEGORIES)


def system_case_raise(
    *, kind: str, state_body_id: int, summary: str, evidence: dict, dedupe_key: str
) -> int:
    """Open an ethics case on behalf of the system and return its id.

    - ``kind``: one of ``SYSTEM_CASE_KINDS`` — "integrity_flag", "identity_reveal",
      "personal_data_access", "evaluation_contest", "adverse_impact".
    - ``state_body_id``: the body whose ethics commissioners (and those of its parents)
      will see the case.
    - ``summary``: one line for the queue (the first 200 characters are the subject).
    - ``evidence``: a JSON object shown on the case page. For "integrity_flag" its
      ``"signal"`` names one of ``ethics.models.INTEGRITY_SIGNALS``, which the pages show
      in the reader's language. Anonymous codes only, never
      personal data: a value containing an e-mail address or a 12-digit IIN-like number
      is refused with ``ValueError``. At most 32 kB of JSON.
    - ``dedupe_key``: idempotency key (≤ 200 characters). A second call with the same key
      returns the existing case's id and changes nothing, even under concurrency.

    Safe to call inside the caller's transaction (it uses a savepoint); the case and its
    audit event commit or roll back with the caller. Raises ``ValueError`` for a bad kind,
    an unknown state body or unacceptable evidence (programming errors, not user errors).
    """
    return case_raise_by_system(
        kind=kind,
        state_body_id=state_body_id,
        summary=summary,
        evidence=evidence,
        dedupe_key=dedupe_key,
    )


# --- Conflict-of-interest declarations --------------------------------------------------
# Ethics receives from everyone and calls no one: an app whose staff declare conflicts of
# interest (the recruitment app's commission members) registers a source at start-up, and
# the commissioner's page reads them here.


@dataclass(frozen=True)
class ConflictDeclaration:
    competition_number: str
    state_body: str
    member_email: str
    role: str
    declared_at: datetime | None
    has_conflict: bool
    statement: str


#: ``source(state_bodies=<queryset of StateBody>, query=str, limit=int)`` returns
#: declarations in those bodies, newest first, at most ``limit``, in one query.
DeclarationSource = Callable[..., list[ConflictDeclaration]]

_declaration_sources: list[DeclarationSource] = []


def declarations_source_register(source: DeclarationSource) -> None:
    """Called by an app's ``AppConfig.ready``; registering the same source twice is a
    no-op."""
    if source not in _declaration_sources:
        _declaration_sources.append(source)


def conflict_declarations(*, state_bodies, query: str = "", limit: int = 200) -> list:
    """Every registered source's declarations in the given state bodies; ``query`` matches
    the competition number or the member's e-mail."""
    rows: list[ConflictDeclaration] = []
    for source in _declaration_sources:
        rows.extend(source(state_bodies=state_bodies, query=query, limit=limit))
    return rows[:limit]
