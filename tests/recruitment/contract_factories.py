"""Building blocks for contract-employee tests: a project with its responsible official and a
contract concluded through the service."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from eqyzmet.roles import Role
from eqyzmet.services import staff_assign
from recruitment.contracts import services
from recruitment.models_contracts import ProjectType
from tests.factories import UserFactory, make_state_body

INDICATORS = [
    {"name": "Services moved online", "target": "10", "weight": 60},
    {"name": "Citizen complaints", "target": "4", "weight": 40, "direction": "lower"},
]


def make_project(*, body=None, official=None, starts_on=None, ends_on=None, hr=None):
    body = body or make_state_body()
    official = official or UserFactory()
    staff_assign(user=official, role=Role.MANAGER, state_body=body)
    starts_on = starts_on or dt.date(2026, 1, 1)
    return services.project_create(
        state_body=body,
        name="Digital services for citizens",
        project_type=ProjectType.NATIONAL,
        responsible_official=official,
        starts_on=starts_on,
        ends_on=ends_on or dt.date(2028, 12, 31),
        actor=hr,
    )


def make_contract(*, project, employee=None, starts_on=None, ends_on=None, indicators=None, **kw):
    # Version 1 of the pay rules, as migrated: a transactional test earlier in the same
    # worker empties every table, the migration's row included.
    services.pay_rules_setup()
    starts_on = starts_on or dt.date(2026, 1, 1)
    return services.contract_create(
        project=project,
        employee=employee or UserFactory(),
        tasks="Move ten services online each quarter.",
        recommendation="Led the pilot of the e-licensing service; recommended by the official.",
        starts_on=starts_on,
        ends_on=ends_on or services.one_year_end(starts_on),
        base_pay=Decimal("450000"),
        results_pay_max=Decimal("300000"),
        indicators=indicators or INDICATORS,
        actor=kw.get("actor"),
    )


SELECTION_INDICATORS = {
    "contract_indicators_kk": "Порталға көшірілген қызметтер саны\nЛицензия берудің орташа мерзімі",
    "contract_indicators_ru": "Число услуг, переведённых на портал\nСредний срок выдачи лицензии",
    "contract_indicators_en": "Services moved to the portal\nAverage days to issue a licence",
}


def make_contract_selection(*, staff=None, project=None, term_months=12, **overrides):
    """A published contract post selection (one legislation-test stage) for a project."""
    from django.utils import timezone

    from recruitment import services as recruitment_services
    from recruitment.models import Competition, Stage, Vacancy
    from tests.recruitment.factories import make_competition, make_staff, make_vacancy

    staff = staff or make_staff()
    today = timezone.localdate()
    project = project or make_project(
        body=staff.body,
        starts_on=today - dt.timedelta(days=30),
        ends_on=today + dt.timedelta(days=700),
    )
    competition = make_competition(
        staff=staff,
        vacancy=make_vacancy(body=staff.body, employment=Vacancy.Employment.CONTRACT),
        plan=[(Stage.Kind.LEGISLATION_TEST, "55", None, None, "1")],
        kind=Competition.Kind.CONTRACT,
        contract_project=project,
        contract_term_months=term_months,
        **{**SELECTION_INDICATORS, **overrides},
    )
    recruitment_services.competition_publish(competition=competition, actor=staff.hr)
    return staff, project, competition


def run_selection_to_lock(*, staff, competition, candidates, scores=None):
    """Everyone applies, sits the test (scores in order) and the ranking is locked."""
    from django.utils import timezone

    from recruitment import services as recruitment_services
    from recruitment.models import Competition, Stage
    from recruitment.public import stage_result_record

    vacancy = competition.vacancies.get()
    applications = [
        recruitment_services.application_submit(
            user=c.user, competition=competition, vacancy=vacancy, consent=True
        )
        for c in candidates
    ]
    Competition.objects.filter(pk=competition.pk).update(
        applications_open_at=timezone.now() - dt.timedelta(days=2),
        applications_close_at=timezone.now() - dt.timedelta(seconds=1),
    )
    recruitment_services.competition_close_applications(competition=competition, actor=staff.hr)
    recruitment_services.competition_advance(competition=competition, actor=staff.hr)
    stage = competition.stages.get(kind=Stage.Kind.LEGISLATION_TEST)
    scores = scores or [50 - 3 * n for n in range(len(applications))]
    for application, score in zip(applications, scores, strict=True):
        stage_result_record(
            application_id=application.pk, stage_id=stage.pk, score=Decimal(score), passed=True
        )
    recruitment_services.competition_advance(competition=competition, actor=staff.hr)
    competition.refresh_from_db()
    assert competition.status == Competition.Status.RANKING_LOCKED, competition.status
    for application in applications:
        application.refresh_from_db()
    return applications
