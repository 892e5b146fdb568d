"""Fill a PostgreSQL database with a national-scale data set, quickly (``eqyzmet.scale``).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/eqyzmet_scale \\
        .venv/bin/python manage.py seed_scale --scale 1.0

Refuses on SQLite, with DJANGO_ENV=production, and on a database that already holds a
scale data set (unless --force). Prints each table's rows and seconds as it goes.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from eqyzmet.scale import run as scale


class Command(BaseCommand):
    help = (
        "Fill PostgreSQL with a national-scale data set: at --scale 1.0, 100,000 candidates, "
        "2,000 competitions, 200,000 applications, 1,000,000 answer rows, 50,000 employees "
        "with two years of evaluations and 100,000 ethics cases."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--scale", type=float, default=1.0, help="Multiplies every count (0.01: demo-like)."
        )
        parser.add_argument(
            "--force",
            action="store_true",
            help="Add another data set even if the database already holds one.",
        )
        parser.add_argument(
            "--seed", type=int, default=None, help="Random seed of the data's shape."
        )

    def handle(self, *args, force: bool, seed: int | None, **options):
        factor = options["scale"]
        try:
            report = scale.seed(scale=factor, force=force, random_seed=seed, out=self.stdout.write)
        except (scale.ScaleRefused, ValueError) as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write("Rows per table:")
        for table, rows, seconds in report.tables:
            self.stdout.write(f"  {table:<42} {rows:>10,} rows {seconds:8.1f} s")
        self.stdout.write(self.style.SUCCESS(f"Scale data set {report.run} ready."))
