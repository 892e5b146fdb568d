"""Fixtures for the evaluation tests: a ministry with a department, people in each role,
competencies, private media in tmp and a clean cache."""

from __future__ import annotations

import pytest
from django.core.cache import cache

from eqyzmet.roles import Role
from eqyzmet.services import staff_assign
from evaluation.models import Competency
from tests.evaluation.factories import person
from tests.factories import make_state_body


@pytest.fixture(autouse=True)
def _private_media_and_clean_cache(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def ministry(roles):
    return make_state_body()


@pytest.fixture
def department(ministry):
    return make_state_body(parent=ministry)


@pytest.fixture
def other_ministry(roles):
    return make_state_body()


@pytest.fixture
def competencies(roles):
    return [
        Competency.objects.create(
            code="professionalism",
            name_kk="Кәсібилік",
            name_ru="Профессионализм",
            name_en="Professionalism",
            position=1,
        ),
        Competency.objects.create(
            code="initiative",
            name_kk="Бастамашылық",
            name_ru="Инициативность",
            name_en="Initiative",
            position=2,
        ),
    ]


@pytest.fixture
def manager(department):
    return person(Role.MANAGER, department)


@pytest.fixture
def other_manager(other_ministry):
    return person(Role.MANAGER, other_ministry)


@pytest.fixture
def hr_officer(ministry):
    return person(Role.HR_OFFICER, ministry)


@pytest.fixture
def other_hr_officer(other_ministry):
    return person(Role.HR_OFFICER, other_ministry)


@pytest.fixture
def candidate(roles):
    return person(Role.CANDIDATE)


@pytest.fixture
def manager_as_employee_too(manager, department):
    staff_assign(user=manager, role=Role.EMPLOYEE, state_body=department)
    return manager
