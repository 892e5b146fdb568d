from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EthicsConfig(AppConfig):
    name = "ethics"
    verbose_name = _("Ethics")

    def ready(self) -> None:
        # Registers the app's Celery tasks in every process (web too), so a service can
        # hand work to a task by name: ``eqyzmet.queueing.enqueue("ethics.…", …)``.
        from ethics import tasks  # noqa: F401
