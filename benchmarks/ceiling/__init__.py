"""The bare-stack ceiling for ``benchmarks/exam_day_bench.py``: a Django project of one view
that makes one ``UPDATE`` of one row by primary key, and nothing else (no apps, no
middleware, no sessions, no templates). Served by gunicorn with the same flags as eQyzmet,
against the same PostgreSQL, it is the most a request can do on this stack; our endpoints
are measured against it in the same run."""
