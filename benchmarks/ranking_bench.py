"""Ranking a large competition: our ranking against the write it used to make, same run.

Creates (once) a competition with N applications on a few vacancies, each with results on
four stages, in a PostgreSQL database of its own; then times, median of --repeat runs:

- the reference: Django's ``bulk_update`` of the same rows' final score and rank, as the
  ranking wrote them before (one ``CASE WHEN id = … THEN …`` per row: n² work in SQL);
- ``recruitment.services.ranking._rank`` as it is now (scores read in one query, ranks
  written by ``eqyzmet.bulk.bulk_update_rows``: a ``VALUES`` join, linear), twice: the
  first ranking (every code unranked before each run, untimed) and a re-rank after one
  code's score was corrected (only the rows that moved are written).

and prints both with the ratio, and the queries ``_rank`` made.

    .venv/bin/python benchmarks/ranking_bench.py --applications 10000

Environment: DATABASE_URL (default postgres://postgres@127.0.0.1:5432/eqyzmet_bench_rank).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DEFAULT_DB = "postgres://postgres@127.0.0.1:5432/eqyzmet_bench_rank"
NUMBER = "KZ-BENCH-RANK"


def setup_django(url: str) -> None:
    sys.path.insert(0, str(REPO))
    sys.path.insert(0, str(REPO / "benchmarks"))
    from autosave_bench import ensure_database

    ensure_database(url)
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "eqyzmet.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)


def seed(applications: int, vacancies: int):
    """The competition with its applications and results, created once per size."""
    import datetime as dt
    import random
    from decimal import Decimal

    from django.utils import timezone

    from eqyzmet.codes import new_code
    from eqyzmet.models import StateBody
    from recruitment.models import Application, Competition, Stage, StageResult, Vacancy
    from tests.factories import make_state_body

    number = f"{NUMBER}-{applications}"
    existing = Competition.objects.filter(number=number).first()
    if existing is not None:
        return existing
    rng = random.Random(applications)
    body = StateBody.objects.filter(code="bench-rank").first() or make_state_body(code="bench-rank")
    now = timezone.now()
    competition = Competition.objects.create(
        state_body=body,
        number=number,
        kind=Competition.Kind.GENERAL,
        applications_open_at=now - dt.timedelta(days=60),
        applications_close_at=now - dt.timedelta(days=30),
    )
    posts = [
        Vacancy.objects.create(
            state_body=body,
            title_kk=f"Post {n}",
            title_ru=f"Post {n}",
            title_en=f"Post {n}",
            category=Vacancy.Category.B,
            grade="B-4",
            duties_kk="-",
            duties_ru="-",
            duties_en="-",
            region="Astana",
            salary_min=350000,
            salary_max=450000,
        )
        for n in range(vacancies)
    ]
    competition.vacancies.add(*posts)
    stages = [
        Stage.objects.create(
            competition=competition,
            kind=kind,
            position=position,
            max_score=Decimal(top),
            weight=Decimal(weight),
        )
        for position, (kind, top, weight) in enumerate(
            [
                (Stage.Kind.LEGISLATION_TEST, "55", "0"),
                (Stage.Kind.PERSONAL_QUALITIES, "100", "0"),
                (Stage.Kind.ESSAY, "5", "1"),
                (Stage.Kind.INTERVIEW, "5", "1"),
            ],
            start=1,
        )
    ]
    codes: set[str] = set()
    while len(codes) < applications:
        codes.add(new_code())
    rows = Application.objects.bulk_create(
        [
            Application(
                competition=competition,
                vacancy=posts[n % vacancies],
                code=code,
                status=Application.Status.ADMITTED,
                qualifications={},
                submitted_at=now - dt.timedelta(days=40),
            )
            for n, code in enumerate(sorted(codes))
        ],
        batch_size=2000,
    )
    StageResult.objects.bulk_create(
        [
            StageResult(
                application=application,
                stage=stage,
                score=Decimal(rng.randint(0, int(stage.max_score) * 10)) / 10,
                passed=True,
            )
            for application in rows
            for stage in stages
        ],
        batch_size=5000,
    )
    return competition


def timed(fn, repeat: int, before=None) -> float:
    times = []
    for _ in range(repeat):
        if before is not None:
            before()  # not timed
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--applications", type=int, default=10000)
    parser.add_argument("--vacancies", type=int, default=5)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument(
        "--reference-limit",
        type=int,
        default=10000,
        help="time the quadratic reference on at most this many rows (it takes minutes above)",
    )
    args = parser.parse_args()
    setup_django(os.environ.get("DATABASE_URL", DEFAULT_DB))
    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext

    from recruitment.models import Application
    from recruitment.services.ranking import _rank

    competition = seed(args.applications, args.vacancies)
    candidates = list(competition.applications.all())
    reference_rows = candidates[: args.reference_limit]
    for application in reference_rows:
        application.rank = 1
        application.final_score = 1

    def reference():
        with transaction.atomic():
            Application.objects.bulk_update(reference_rows, ["final_score", "rank"])

    def ours():
        with transaction.atomic():
            _rank(competition)

    def unranked():
        Application.objects.filter(competition=competition).update(rank=None, final_score=None)

    one = candidates[len(candidates) // 2]

    def one_corrected():
        # A correction moves one code: its stored score no longer matches its results.
        Application.objects.filter(pk=one.pk).update(final_score=0)

    ours()  # warm the caches the same way for both
    first_s = timed(ours, args.repeat, before=unranked)
    again_s = timed(ours, args.repeat, before=one_corrected)
    reference_s = timed(reference, args.repeat)
    unranked()
    with CaptureQueriesContext(connection) as queries:
        ours()
    print(f"applications: {len(candidates)} on {args.vacancies} vacancies, 4 stages")
    print(
        f"reference (Django bulk_update of {len(reference_rows)} rows, as before): "
        f"{reference_s:.3f} s"
    )
    print(f"_rank, first ranking (read, order, write {len(candidates)} rows): {first_s:.3f} s")
    print(f"_rank again after one correction (writes the rows that moved): {again_s:.3f} s")
    print(f"ratio reference / first ranking: {reference_s / first_s:.1f}x")
    print(f"queries made by _rank: {len(queries)}")


if __name__ == "__main__":
    main()
