"""Writes in the kernel: state bodies, roles, staff assignments."""

from __future__ import annotations

from django.contrib.auth.models import Group, Permission
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from eqyzmet.audit import audit_record
from eqyzmet.errors import ApplicationError
from eqyzmet.models import StaffAssignment, StateBody, User
from eqyzmet.roles import ADMIN_ROLES, ROLE_PERMISSIONS, SCOPED_ROLES, Role


@transaction.atomic
def roles_setup() -> dict[str, int]:
    """Create or refresh one group per role with exactly its permissions. Idempotent.

    Raises ``ApplicationError`` naming any permission in ``ROLE_PERMISSIONS`` that does not
    exist, so a typo cannot silently leave a role without a power.
    """
    wanted = {perm for perms in ROLE_PERMISSIONS.values() for perm in perms}
    found = {
        f"{app}.{codename}": pk
        for pk, app, codename in Permission.objects.values_list(
            "pk", "content_type__app_label", "codename"
        )
    }
    missing = sorted(wanted - found.keys())
    if missing:
        raise ApplicationError(
            _("Unknown permissions in the role table: %(names)s") % {"names": ", ".join(missing)}
        )
    counts = {}
    for role in Role:
        group, _created = Group.objects.get_or_create(name=role.value)
        group.permissions.set([found[p] for p in ROLE_PERMISSIONS.get(role, [])])
        counts[role.value] = group.permissions.count()
    return counts


@transaction.atomic
def state_body_create(
    *,
    code: str,
    name_kk: str,
    name_ru: str,
    name_en: str,
    kind: str,
    region: str = "",
    parent: StateBody | None = None,
    actor: User | None = None,
) -> StateBody:
    if StateBody.objects.filter(code=code).exists():
        raise ApplicationError(_("A state body with this code already exists."), code="duplicate")
    body = StateBody.objects.create(
        code=code,
        name_kk=name_kk,
        name_ru=name_ru,
        name_en=name_en,
        kind=kind,
        region=region,
        parent=parent,
    )
    body.path = f"{parent.path if parent else '/'}{body.pk}/"
    body.save(update_fields=["path"])
    audit_record(action="state_body.created", actor=actor, target=body, state_body=body)
    return body


@transaction.atomic
def staff_assign(
    *, user: User, role: Role | str, state_body: StateBody | None, actor: User | None = None
) -> StaffAssignment | None:
    """Give a person a role; staff roles are held in a state body. Idempotent."""
    role = Role(role)
    group = Group.objects.get(name=role.value)
    user.groups.add(group)
    user.__dict__.pop("_eqyzmet_role_names", None)  # the per-request role cache is stale now
    if role in ADMIN_ROLES and not user.is_staff:
        user.is_staff = True
        user.save(update_fields=["is_staff"])
    if role not in SCOPED_ROLES:
        return None
    if state_body is None:
        raise ApplicationError(
            _("The role %(role)s must be held in a state body.") % {"role": role.label},
            code="body_required",
        )
    assignment, created = StaffAssignment.objects.get_or_create(
        user=user, role=role.value, state_body=state_body
    )
    if created:
        audit_record(
            action="staff.assigned",
            actor=actor,
            target=assignment,
            state_body=state_body,
            details={"user_id": user.pk, "role": role.value},
        )
    return assignment
