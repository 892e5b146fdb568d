"""What the service depends on, and whether each answers."""

from __future__ import annotations

import uuid

from django.core.cache import cache
from django.db import connection


def health_report() -> dict[str, str]:
    report = {}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        report["database"] = "ok"
    except Exception as exc:
        report["database"] = f"error: {type(exc).__name__}"
    probe = f"health:{uuid.uuid4().hex}"
    try:
        cache.set(probe, "1", 10)
        report["cache"] = "ok" if cache.get(probe) == "1" else "error: no round trip"
        cache.delete(probe)
    except Exception as exc:
        report["cache"] = f"error: {type(exc).__name__}"
    return report
