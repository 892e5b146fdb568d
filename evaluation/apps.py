from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EvaluationConfig(AppConfig):
    name = "evaluation"
    verbose_name = _("Performance evaluation")

    def ready(self) -> None:
        # Registers the app's Celery tasks in every process (web too), so a service can
        # hand work to a task by name: ``eqyzmet.queueing.enqueue("evaluation.…", …)``.
        from evaluation import tasks  # noqa: F401
