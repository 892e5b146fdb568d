"""Check the audit ledger's hash chain end to end; exit 1 on any break."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from eqyzmet.audit import audit_verify


class Command(BaseCommand):
    help = "Verify that no audit event was altered, deleted or reordered."

    def handle(self, *args, **options):
        report = audit_verify()
        for problem in report.problems:
            where = f"event #{problem.seq}" if problem.seq is not None else "chain head"
            self.stderr.write(f"{where}: {problem.message}")
        if not report.ok:
            raise CommandError(
                f"Audit ledger is NOT intact: {len(report.problems)} problem(s) "
                f"in {report.checked} events."
            )
        self.stdout.write(
            self.style.SUCCESS(
                f"Audit ledger intact: {report.checked} events, head {report.head_hash}"
            )
        )
