"""Import question-bank files (JSON or CSV, see testing_center/bank/FORMAT.md).

A file with any error imports nothing; every error is printed with its row.
"""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from testing_center import bank
from testing_center.demo import load_bank, seed_blueprints


class Command(BaseCommand):
    help = "Import question-bank files; nothing from a file with errors."

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="*", help=".json or .csv files")
        parser.add_argument(
            "--seed", action="store_true", help="load the shipped bank and seeded blueprints"
        )

    def handle(self, *args, files, seed, **options):
        if seed:
            load_bank(self.stdout)
            seed_blueprints()
        failed = False
        for name in files:
            path = Path(name)
            if not path.is_file():
                raise CommandError(f"No such file: {name}")
            report = bank.bank_import(actor=None, data=path.read_bytes(), filename=path.name)
            if report.ok:
                self.stdout.write(
                    self.style.SUCCESS(
                        f"{path.name}: {report.created} new, {report.updated} changed, "
                        f"{report.unchanged} unchanged, {report.topics_created} new topics."
                    )
                )
                for warning in report.warnings:
                    self.stderr.write(self.style.WARNING(warning.message))
                continue
            failed = True
            self.stderr.write(f"{path.name}: nothing imported, {len(report.errors)} error(s):")
            for error in report.errors:
                self.stderr.write(f"  row {error.row}, {error.field}: {error.message}")
        if failed:
            raise CommandError("Some files had errors and were not imported.")
