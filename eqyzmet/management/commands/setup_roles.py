"""Create or refresh the role groups and their permissions. Safe to run any number of times."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from eqyzmet.errors import ApplicationError
from eqyzmet.services import roles_setup


class Command(BaseCommand):
    help = "Create the role groups (candidate, hr_officer, ...) with their permissions."

    def handle(self, *args, **options):
        try:
            counts = roles_setup()
        except ApplicationError as exc:
            raise CommandError(str(exc.message)) from None
        for role, permissions in counts.items():
            self.stdout.write(f"{role}: {permissions} permissions")
        self.stdout.write(self.style.SUCCESS(f"{len(counts)} roles ready."))
