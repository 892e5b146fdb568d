"""Bulk writing for the scale data set: PostgreSQL ``COPY`` in chunks, primary keys reserved
in blocks, audit events appended to the hash chain, and a line of progress per table.

``COPY`` skips the ORM entirely, so nothing here calls ``get_prep_value``: encrypted fields
are given their ciphertext (``eqyzmet.vault.encrypt_text``, one fresh token per value) and
JSON fields their Python value, which is serialised here.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import time
from collections.abc import Callable, Iterable, Sequence

from django.apps import apps
from django.db import connection

from eqyzmet.audit import _row_payload, chain_hash

CHUNK_ROWS = 20_000
AUDIT_FLUSH_ROWS = 50_000
_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def model(label: str):
    """A model by its ``app_label.ModelName``, through the registry (see the package doc)."""
    return apps.get_model(label)


def _json(value) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _text(value) -> str:
    return "\\N" if value is None else str(value).translate(_ESCAPES)


def _json_cell(value) -> str:
    return "\\N" if value is None else _json(value).translate(_ESCAPES)


def _bool(value) -> str:
    return "\\N" if value is None else ("t" if value else "f")


def _plain(value) -> str:
    """Numbers and dates (datetimes as ISO with their offset): nothing to escape."""
    return (
        "\\N"
        if value is None
        else (value.isoformat() if isinstance(value, dt.date) else str(value))
    )


def _formatter(field) -> Callable[[object], str]:
    """How one column's values are written in COPY's text format, chosen once per column."""
    kind = field.get_internal_type()
    if kind == "JSONField":
        return _json_cell
    if kind in ("BooleanField", "NullBooleanField"):
        return _bool
    if kind in ("CharField", "TextField", "SlugField", "EmailField", "FileField"):
        return _text
    return _plain


class Loader:
    """One database connection's bulk writer, with per-table counts and seconds."""

    def __init__(self, out: Callable[[str], None]):
        self.out = out
        self.rows: dict[str, int] = {}
        self.seconds: dict[str, float] = {}
        self._sequences: dict[str, str] = {}
        self.cursor = connection.cursor()

    def ids(self, model_class, count: int) -> int:
        """Reserve ``count`` consecutive primary keys of an auto-increment table; returns the
        first. The block is taken from the table's own sequence, so later inserts through
        the ORM continue after it."""
        table = model_class._meta.db_table
        sequence = self._sequences.get(table)
        if sequence is None:
            self.cursor.execute(
                "SELECT pg_get_serial_sequence(%s, %s)", [table, model_class._meta.pk.column]
            )
            sequence = self._sequences[table] = self.cursor.fetchone()[0]
        self.cursor.execute("SELECT nextval(%s)", [sequence])
        first = self.cursor.fetchone()[0]
        if count > 1:
            self.cursor.execute("SELECT setval(%s, %s)", [sequence, first + count - 1])
        return first

    def copy(self, model_class, fields: Sequence[str], rows: Iterable[Sequence]) -> int:
        """Write ``rows`` (tuples in the order of ``fields``) with ``COPY``; returns how many.
        ``rows`` may be a generator: the time to make the rows counts to the table."""
        started = time.monotonic()
        meta = model_class._meta
        found = [meta.get_field(name) for name in fields]
        # Columns not named take the model's default, as a save would (COPY knows none).
        omitted = [f for f in meta.concrete_fields if f not in found and not f.primary_key]
        defaults = tuple(
            f.get_prep_value(f.get_default()) if getattr(f, "encrypted", False) else f.get_default()
            for f in omitted
        )
        if omitted:
            rows = (tuple(row) + defaults for row in rows)
            found += omitted
        formatters = [_formatter(f) for f in found]
        quote = connection.ops.quote_name
        sql = (
            f"COPY {quote(meta.db_table)} ({', '.join(quote(f.column) for f in found)}) FROM STDIN"
        )
        written = 0
        lines: list[str] = []
        for row in rows:
            lines.append("\t".join([f(v) for f, v in zip(formatters, row, strict=True)]))
            if len(lines) >= CHUNK_ROWS:
                self._send(sql, lines)
                written += len(lines)
                lines = []
        if lines:
            self._send(sql, lines)
            written += len(lines)
        self._count(meta.db_table, written, time.monotonic() - started)
        return written

    def _send(self, sql: str, lines: list[str]) -> None:
        self.cursor.copy_expert(sql, io.StringIO("\n".join(lines) + "\n"))

    def _count(self, table: str, written: int, seconds: float) -> None:
        self.rows[table] = self.rows.get(table, 0) + written
        self.seconds[table] = self.seconds.get(table, 0.0) + seconds
        total = self.rows[table]
        more = f"  (total {total:,})" if total != written else ""
        self.out(f"  {table:<42} {written:>10,} rows {seconds:8.1f} s{more}")

    def summary(self) -> list[tuple[str, int, float]]:
        return [(t, self.rows[t], self.seconds[t]) for t in sorted(self.rows)]


class AuditLog:
    """Appends audit events to the hash chain in bulk, exactly as ``audit_record`` would one
    by one: same payload, same hash, sequence numbers and ids in the same order.

    The chain head is locked for the whole seed (it runs in one transaction), so nobody else
    appends in between; ``close`` stores the new head."""

    FIELDS = (
        "id",
        "seq",
        "created_at",
        "actor_id",
        "action",
        "target_type",
        "target_id",
        "state_body_id",
        "details",
        "prev_hash",
        "hash",
    )

    def __init__(self, loader: Loader):
        self.loader = loader
        self.event = model("eqyzmet.AuditEvent")
        self.head_model = model("eqyzmet.AuditChainHead")
        head, _created = self.head_model.objects.select_for_update().get_or_create(pk=1)
        self.seq, self.hash = head.seq, head.hash
        self.pending: list[tuple] = []

    def add(
        self,
        action: str,
        *,
        at: dt.datetime,
        target_type: str = "",
        target_id: int | str = "",
        actor_id: int | None = None,
        state_body_id: int | None = None,
        details: dict | None = None,
    ) -> None:
        """``details`` must hold only strings, integers, booleans and None (as the services'
        do after their JSON round trip), so the stored row hashes the same."""
        self.seq += 1
        details = details or {}
        payload = _row_payload(
            seq=self.seq,
            created_at=at,
            actor_id=actor_id,
            action=action,
            target_type=target_type,
            target_id=str(target_id),
            state_body_id=state_body_id,
            details=details,
        )
        digest = chain_hash(self.hash, payload)
        self.pending.append(
            (
                self.seq,
                at,
                actor_id,
                action,
                target_type,
                str(target_id),
                state_body_id,
                details,
                self.hash,
                digest,
            )
        )
        self.hash = digest
        if len(self.pending) >= AUDIT_FLUSH_ROWS:
            self.flush()

    def flush(self) -> None:
        if not self.pending:
            return
        pending, self.pending = self.pending, []
        first = self.loader.ids(self.event, len(pending))
        self.loader.copy(
            self.event, self.FIELDS, ((first + n, *row) for n, row in enumerate(pending))
        )

    def close(self) -> None:
        self.flush()
        self.head_model.objects.filter(pk=1).update(seq=self.seq, hash=self.hash)
