from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EqyzmetConfig(AppConfig):
    name = "eqyzmet"
    verbose_name = _("eQyzmet kernel")

    def ready(self) -> None:
        # Registers the kernel's Celery tasks in every process, as each app does its own.
        from eqyzmet import tasks  # noqa: F401
        from eqyzmet.accounts import consent
        from eqyzmet.twofactor import signals

        signals.connect()
        consent.connect()
