"""Roles are groups created idempotently; staff roles are scoped to state bodies."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command

from eqyzmet.errors import ApplicationError
from eqyzmet.roles import ROLE_PERMISSIONS, Role
from eqyzmet.selectors import state_bodies_in_scope, user_has_role
from eqyzmet.services import roles_setup, staff_assign
from tests.factories import UserFactory, make_state_body

pytestmark = pytest.mark.django_db

ROLE_NAMES = {
    "service_desk",
    "bank_keeper",
    "adjustments_officer",
    "authorised_body",
    "candidate",
    "hr_officer",
    "commission_member",
    "observer",
    "ethics_commissioner",
    "manager",
    "employee",
}


def test_setup_roles_twice_leaves_exactly_the_roles_with_their_permissions():
    call_command("setup_roles")
    first = {
        g.name: set(g.permissions.values_list("codename", flat=True)) for g in Group.objects.all()
    }
    call_command("setup_roles")
    second = {
        g.name: set(g.permissions.values_list("codename", flat=True)) for g in Group.objects.all()
    }
    assert set(second) == ROLE_NAMES
    assert first == second
    assert "view_auditevent" in second["ethics_commissioner"]


def test_setup_roles_restores_a_permission_removed_by_hand():
    roles_setup()
    group = Group.objects.get(name="ethics_commissioner")
    group.permissions.clear()
    roles_setup()
    assert group.permissions.filter(codename="view_auditevent").exists()


def test_an_unknown_permission_in_the_table_is_refused(monkeypatch):
    monkeypatch.setitem(ROLE_PERMISSIONS, Role.OBSERVER, ["eqyzmet.view_nonexistent"])
    with pytest.raises(ApplicationError, match="view_nonexistent"):
        roles_setup()


def test_a_staff_role_covers_its_body_and_everything_beneath_it_only(roles):
    ministry = make_state_body()
    department = make_state_body(parent=ministry)
    unit = make_state_body(parent=department)
    other = make_state_body()
    officer = UserFactory()
    staff_assign(user=officer, role=Role.HR_OFFICER, state_body=department)

    scope = set(state_bodies_in_scope(user=officer, role=Role.HR_OFFICER))
    assert scope == {department, unit}
    assert ministry not in scope and other not in scope
    assert not state_bodies_in_scope(user=officer, role=Role.MANAGER).exists()
    assert user_has_role(user=officer, role=Role.HR_OFFICER)
    officer.refresh_from_db()
    assert officer.is_staff  # HR officers work in the admin


def test_scope_lookup_costs_two_queries_however_many_assignments(roles, django_assert_num_queries):
    officer = UserFactory()
    for _ in range(5):
        staff_assign(user=officer, role=Role.OBSERVER, state_body=make_state_body())
    with django_assert_num_queries(2):
        assert len(list(state_bodies_in_scope(user=officer, role=Role.OBSERVER))) == 5


def test_a_scoped_role_needs_a_body(roles):
    with pytest.raises(ApplicationError):
        staff_assign(user=UserFactory(), role=Role.OBSERVER, state_body=None)


def test_assigning_twice_is_harmless(roles):
    body = make_state_body()
    user = UserFactory()
    first = staff_assign(user=user, role=Role.MANAGER, state_body=body)
    second = staff_assign(user=user, role=Role.MANAGER, state_body=body)
    assert first == second
    assert user.assignments.count() == 1
