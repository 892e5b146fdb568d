"""Fill the database with believable demo data. Idempotent: run it as often as you like."""

from __future__ import annotations

import importlib
import logging
from contextlib import contextmanager

from django.apps import apps
from django.core.management.base import BaseCommand
from django.db import transaction
from django.test.utils import override_settings

# The kernel first, then the apps in the order they depend on each other.
# The testing center loads its bank and blueprints before the competitions that use them.
SEED_ORDER = ["eqyzmet", "testing_center", "recruitment", "evaluation", "ethics", "careers"]
# Seeds of features that sit outside an app's ``demo`` module or read several apps' demo
# data, run after all the apps, in this order.
LATER_SEEDS = ["careers.demo_internships", "careers.demo_matching"]


@contextmanager
def _quiet():
    """The seed drives a dozen competitions through the real services: some 150 e-mails to
    demo people (who have no inboxes) and a log line for every eager task. Printed, they
    bury the account list `make run` shows, and a parent reading the output only later
    (a pipe holds 64 KB) would block the seed. E-mails sent after seeding are printed as
    usual."""
    trace = logging.getLogger("celery.app.trace")
    level = trace.level
    trace.setLevel(logging.WARNING)
    try:
        with override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend"):
            yield
    finally:
        trace.setLevel(level)


class Command(BaseCommand):
    help = "Create demo state bodies, one account per role, and each app's demo data."

    def handle(self, *args, **options):
        with _quiet():
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
            for name in LATER_SEEDS:
                with transaction.atomic():
                    importlib.import_module(name).seed(self.stdout)
        self.stdout.write(self.style.SUCCESS("Demo data ready."))
