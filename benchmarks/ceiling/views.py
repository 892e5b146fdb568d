"""The one view: ``POST /update/`` with ``id`` in the form body adds 1 to that row's ``n``.

The table ``bench_ceiling(id int primary key, n int)`` is created and filled by
``benchmarks/exam_day_bench.py``. A missing row answers 404, so a wrong request never
passes for a fast one.
"""

from __future__ import annotations

from django.db import connection
from django.http import JsonResponse
from django.views.decorators.http import require_POST


@require_POST
def update(request):
    try:
        row = int(request.POST["id"])
    except (KeyError, ValueError):
        return JsonResponse({"ok": False}, status=400)
    with connection.cursor() as cursor:
        cursor.execute("UPDATE bench_ceiling SET n = n + 1 WHERE id = %s", [row])
        updated = cursor.rowcount
    return JsonResponse({"ok": updated == 1}, status=200 if updated == 1 else 404)
