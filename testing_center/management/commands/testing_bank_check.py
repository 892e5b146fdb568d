"""Check the question bank: warn of topics whose keys lean to one option position.

Exits with an error when any topic is unbalanced, so it can run in CI after an import.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from testing_center import bank
from testing_center.models import Topic


class Command(BaseCommand):
    help = "Warn of topics whose single-choice keys sit unevenly across option positions."

    def add_arguments(self, parser):
        parser.add_argument("topics", nargs="*", help="topic codes (default: every topic)")

    def handle(self, *args, topics, **options):
        chosen = Topic.objects.filter(code__in=topics) if topics else None
        warnings = bank.bank_key_balance(topics=chosen)
        for warning in warnings:
            self.stderr.write(warning.message)
        if warnings:
            raise CommandError(f"{len(warnings)} topic(s) with unbalanced keys.")
        self.stdout.write(self.style.SUCCESS("The keys of every topic are balanced."))
