from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EvaluationConfig(AppConfig):
    name = "evaluation"
    verbose_name = _("Performance evaluation")

    def ready(self) -> None:
        # Registers the app's Celery tasks in every process (web too), so a service can
        # hand work to a task by name: ``eqyzmet.queueing.enqueue("evaluation.…", …)``.
        from eqyzmet.accounts.personal_data import personal_data_source_register
        from evaluation import public, tasks  # noqa: F401

        # "Download my data" in the kernel reaches an employee's own results through this.
        personal_data_source_register("evaluation", public.employee_personal_data)
