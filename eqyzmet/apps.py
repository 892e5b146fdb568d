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
        _connect_fast_lane()


def _connect_fast_lane() -> None:
    from django.db.models.signals import post_delete, post_save

    from eqyzmet.fastlane import forget_user
    from eqyzmet.models import User

    def user_changed(sender, instance, **kwargs) -> None:
        forget_user(instance.pk)

    post_save.connect(user_changed, sender=User, dispatch_uid="fastlane-user", weak=False)
    post_delete.connect(user_changed, sender=User, dispatch_uid="fastlane-user-del", weak=False)
