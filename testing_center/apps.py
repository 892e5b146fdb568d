from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TestingCenterConfig(AppConfig):
    name = "testing_center"
    verbose_name = _("Testing center")

    def ready(self) -> None:
        # Registers the app's Celery tasks in every process (web too), so a service can
        # hand work to a task by name: ``eqyzmet.queueing.enqueue("testing_center.…", …)``.
        from testing_center import tasks  # noqa: F401
