from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RecruitmentConfig(AppConfig):
    name = "recruitment"
    verbose_name = _("Recruitment")

    def ready(self) -> None:
        # The competition orchestrates; the testing center is its engine and asks it about
        # stages and applications through this registration, never by importing it.
        from ethics.public import declarations_source_register
        from recruitment import public
        from testing_center.public import competitions_register

        competitions_register(public)
        # Ethics calls no one: the commission's conflict declarations are offered to it.
        declarations_source_register(public.conflict_declarations)
        # Registers the app's Celery tasks in every process (web too), so a service can
        # hand work to a task by name: ``eqyzmet.queueing.enqueue("recruitment.…", …)``.
        from recruitment import tasks  # noqa: F401
