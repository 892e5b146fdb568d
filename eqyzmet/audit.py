"""The audit ledger's public functions: record an event, verify the chain.

Services call ``audit_record`` inside their own transaction, so the event and the change it
describes commit or roll back together (Zulip's RealmAuditLog pattern). Appenders queue on
the chain head's row lock, which keeps the chain a line, never a fork.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from eqyzmet.models import AuditChainHead, AuditEvent

GENESIS_HASH = "0" * 64


def _canonical(payload: dict[str, Any]) -> str:
    return json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def _row_payload(
    *,
    seq: int,
    created_at: datetime,
    actor_id: int | None,
    action: str,
    target_type: str,
    target_id: str,
    state_body_id: int | None,
    details: dict[str, Any],
) -> dict[str, Any]:
    return {
        "seq": seq,
        "created_at": created_at.astimezone(UTC).isoformat(timespec="microseconds"),
        "actor_id": actor_id,
        "action": action,
        "target_type": target_type,
        "target_id": target_id,
        "state_body_id": state_body_id,
        "details": details,
    }


def chain_hash(prev_hash: str, payload: dict[str, Any]) -> str:
    return hashlib.sha256((prev_hash + _canonical(payload)).encode()).hexdigest()


def audit_record(
    *,
    action: str,
    actor=None,
    target=None,
    target_type: str = "",
    target_id: str | int = "",
    state_body=None,
    details: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append one event. Call it inside the service's transaction.

    ``target`` may be a model instance (its label and pk are used) or left out in favour of
    ``target_type``/``target_id``. ``details`` must be JSON-serialisable and must never hold
    personal data of a candidate in clear text: record the anonymous code instead.
    """
    if target is not None:
        target_type = target._meta.label_lower
        target_id = target.pk
    # Round-trip through JSON so the hash is computed over exactly what the database will
    # give back (tuples become lists, keys become strings).
    details = json.loads(json.dumps(details or {}, default=str))
    with transaction.atomic():
        head, _ = AuditChainHead.objects.select_for_update().get_or_create(pk=1)
        seq = head.seq + 1
        created_at = timezone.now()
        payload = _row_payload(
            seq=seq,
            created_at=created_at,
            actor_id=actor.pk if actor is not None else None,
            action=action,
            target_type=target_type,
            target_id=str(target_id),
            state_body_id=state_body.pk if state_body is not None else None,
            details=details,
        )
        digest = chain_hash(head.hash, payload)
        event = AuditEvent.objects.create(
            seq=seq,
            created_at=created_at,
            actor_id=payload["actor_id"],
            action=action,
            target_type=target_type,
            target_id=payload["target_id"],
            state_body_id=payload["state_body_id"],
            details=details,
            prev_hash=head.hash,
            hash=digest,
        )
        head.seq, head.hash = seq, digest
        head.save(update_fields=["seq", "hash"])
    return event


@dataclass(frozen=True)
class ChainProblem:
    seq: int | None
    message: str


@dataclass(frozen=True)
class ChainReport:
    checked: int
    head_hash: str
    problems: list[ChainProblem]

    @property
    def ok(self) -> bool:
        return not self.problems


def audit_verify(*, batch_size: int = 2000) -> ChainReport:
    """Walk the whole ledger and report every row that breaks the chain.

    Detects an edited row (its hash no longer matches its content), a deleted row (a gap in
    the sequence and a broken link), rows swapped or reordered (links and sequence out of
    step) and deleted newest rows (the chain head remembers the last sequence and hash).
    """
    problems: list[ChainProblem] = []
    expected_seq = 1
    prev_hash = GENESIS_HASH
    checked = 0
    last_seq = 0
    rows = AuditEvent.objects.order_by("pk").iterator(chunk_size=batch_size)
    for row in rows:
        checked += 1
        if row.seq != expected_seq:
            problems.append(
                ChainProblem(
                    row.seq,
                    f"expected sequence {expected_seq} here, found {row.seq} "
                    "(rows deleted or reordered)",
                )
            )
        if row.prev_hash != prev_hash:
            problems.append(
                ChainProblem(row.seq, "link to the previous row is broken (row deleted or moved)")
            )
        payload = _row_payload(
            seq=row.seq,
            created_at=row.created_at,
            actor_id=row.actor_id,
            action=row.action,
            target_type=row.target_type,
            target_id=row.target_id,
            state_body_id=row.state_body_id,
            details=row.details,
        )
        if chain_hash(row.prev_hash, payload) != row.hash:
            problems.append(ChainProblem(row.seq, "content does not match its hash (row edited)"))
        prev_hash = row.hash
        expected_seq = row.seq + 1
        last_seq = row.seq
    head = AuditChainHead.objects.filter(pk=1).first()
    head_seq, head_hash = (head.seq, head.hash) if head else (0, GENESIS_HASH)
    if head_seq != last_seq or head_hash != prev_hash:
        problems.append(
            ChainProblem(
                None,
                f"the chain head records sequence {head_seq} but the ledger ends at {last_seq} "
                "(newest rows deleted or altered)",
            )
        )
    return ChainReport(checked=checked, head_hash=prev_hash, problems=problems)
