"""Writes about the second factor: enrol an authenticator, replace it, reset it.

A password alone may enrol an authenticator only while the person has none (the first time,
or after an administrator's reset). Replacing a confirmed device needs a session that device
verified and its current code. Checking a code records the device's throttling and replay
state, which must survive a refused attempt, so codes are checked before the transaction
that changes the devices.
"""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext_lazy as _
from django_otp import devices_for_user
from django_otp.plugins.otp_totp.models import TOTPDevice

from eqyzmet.audit import audit_record
from eqyzmet.errors import ApplicationError
from eqyzmet.models import User

DEVICE_EXISTS = _(
    "You already have an authenticator app. Enter its code; to replace it, sign in with it "
    "first. If you have lost it, ask an administrator to reset your second factor."
)
TOO_MANY = _("Too many wrong codes. Wait a minute and try again.")
WRONG_CODE = _("That code is not right. Check the time on your phone.")
WRONG_CURRENT_CODE = _("The code from your current app is not right.")


def _check_code(*, device: TOTPDevice, token: str, wrong_message, code: str) -> None:
    allowed, _details = device.verify_is_allowed()
    if not allowed:
        raise ApplicationError(TOO_MANY, code="too_many_codes")
    if not device.verify_token(token.strip()):
        raise ApplicationError(wrong_message, code=code)


def second_factor_pending(*, user: User, device_id: int | None) -> TOTPDevice:
    """The not-yet-confirmed device whose secret this session was shown, or a new one.

    A new secret replaces any other pending one, so a secret is only ever shown to one
    session. Pending devices verify nothing, so this is not an audited change."""
    if device_id is not None:
        device = TOTPDevice.objects.filter(pk=device_id, user=user, confirmed=False).first()
        if device is not None:
            return device
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user, confirmed=False).delete()
        return TOTPDevice.objects.create(user=user, name="authenticator", confirmed=False)


def second_factor_enrol(*, user: User, device: TOTPDevice, token: str) -> TOTPDevice:
    """Confirm the first authenticator of a person who has none."""
    if TOTPDevice.objects.filter(user=user, confirmed=True).exists():
        raise ApplicationError(DEVICE_EXISTS, code="second_factor_exists")
    _check_code(device=device, token=token, wrong_message=WRONG_CODE, code="wrong_code")
    with transaction.atomic():
        User.objects.select_for_update().filter(pk=user.pk).first()
        # Checked again under the lock: two sessions may race to enrol.
        if TOTPDevice.objects.filter(user=user, confirmed=True).exists():
            raise ApplicationError(DEVICE_EXISTS, code="second_factor_exists")
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
        audit_record(action="second_factor.enrolled", actor=user, target=device, details={})
    return device


def second_factor_replace(
    *,
    user: User,
    verified_device,
    current_token: str,
    device: TOTPDevice,
    token: str,
) -> TOTPDevice:
    """Swap the authenticator of a person whose session it verified, given its current code."""
    if (
        verified_device is None
        or not verified_device.confirmed
        or verified_device.user_id != user.pk
        or not isinstance(verified_device, TOTPDevice)
    ):
        raise ApplicationError(DEVICE_EXISTS, code="second_factor_exists")
    _check_code(device=device, token=token, wrong_message=WRONG_CODE, code="wrong_code")
    _check_code(
        device=verified_device,
        token=current_token,
        wrong_message=WRONG_CURRENT_CODE,
        code="wrong_current_code",
    )
    with transaction.atomic():
        User.objects.select_for_update().filter(pk=user.pk).first()
        if not TOTPDevice.objects.filter(pk=verified_device.pk, confirmed=True).exists():
            raise ApplicationError(DEVICE_EXISTS, code="second_factor_exists")
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
        audit_record(
            action="second_factor.replaced",
            actor=user,
            target=device,
            details={"replaced_device_id": verified_device.pk},
        )
    return device


def second_factor_reset(*, user: User, actor: User, reason: str) -> int:
    """An administrator removes a person's second factor (a lost phone); the person enrols a
    new authenticator at the next sign-in. Returns the number of devices removed."""
    if not (actor.is_active and actor.is_superuser):
        raise ApplicationError(
            _("Only a platform administrator may reset a second factor."), code="forbidden"
        )
    reason = (reason or "").strip()
    if not reason:
        raise ApplicationError(
            _("Give the reason for the reset: it goes on the record."), code="reason_required"
        )
    with transaction.atomic():
        User.objects.select_for_update().filter(pk=user.pk).first()
        removed = 0
        for device in devices_for_user(user, confirmed=None):
            device.delete()
            removed += 1
        audit_record(
            action="second_factor.reset",
            actor=actor,
            target=user,
            details={"reason": reason, "devices_removed": removed},
        )
    return removed
