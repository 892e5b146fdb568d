"""Drop the cached second-factor rule of a person whenever something it depends on changes."""

from __future__ import annotations

from django.apps import apps
from django.db.models.signals import m2m_changed, post_delete, post_save

from eqyzmet.twofactor.policy import forget_second_factor_rule


def _user_changed(sender, instance, **kwargs) -> None:
    forget_second_factor_rule(instance.pk)


def _device_changed(sender, instance, **kwargs) -> None:
    forget_second_factor_rule(instance.user_id)


def _roles_changed(sender, instance, action, reverse, pk_set, **kwargs) -> None:
    if not reverse:  # user.groups changed
        if action.startswith("post_"):
            forget_second_factor_rule(instance.pk)
        return
    # group.user_set changed: the users named, or on clear everyone in it before it empties.
    if action == "pre_clear":
        user_ids = list(instance.user_set.values_list("pk", flat=True))
    elif action in ("post_add", "post_remove"):
        user_ids = list(pk_set or [])
    else:
        return
    for user_id in user_ids:
        forget_second_factor_rule(user_id)


def connect() -> None:
    from django_otp.models import Device

    user_model = apps.get_model("eqyzmet", "User")
    post_save.connect(_user_changed, sender=user_model, dispatch_uid="2fa-rule-user")
    post_delete.connect(_user_changed, sender=user_model, dispatch_uid="2fa-rule-user-del")
    m2m_changed.connect(
        _roles_changed, sender=user_model.groups.through, dispatch_uid="2fa-rule-groups"
    )
    for model in apps.get_models():
        if issubclass(model, Device):
            post_save.connect(_device_changed, sender=model, dispatch_uid=f"2fa-dev-{model}")
            post_delete.connect(_device_changed, sender=model, dispatch_uid=f"2fa-dev-del-{model}")
