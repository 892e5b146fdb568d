"""Fill the database with believable demo data. Idempotent: run it as often as you like."""

from __future__ import annotations

import importlib

from django.apps import apps
from django.core.management.base import BaseCommand
from django.db import transaction

# The kernel first, then the apps in the order they depend on each other.
SEED_ORDER = ["eqyzmet", "recruitment", "testing_center", "evaluation", "ethics"]


class Command(BaseCommand):
    help = "Create demo state bodies, one account per role, and each app's demo data."

    def handle(self, *args, **options):
        for label in SEED_ORDER:
            config = apps.get_app_config(label)
            try:
                module = importlib.import_module(f"{config.name}.demo")
            except ModuleNotFoundError as exc:
                if exc.name != f"{config.name}.demo":
                    raise
                continue
            with transaction.atomic():
                module.seed(self.stdout)
        self.stdout.write(self.style.SUCCESS("Demo data ready."))
