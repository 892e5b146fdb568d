"""Contract employees (issue 16): the one-year term, extensions while the project runs, no
public office for a contract employee, pay by the results rules, the twice-missed flag and
the reminder 30 days before the end."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.core import mail

from eqyzmet.errors import ApplicationError
from eqyzmet.models import AuditEvent
from eqyzmet.roles import Role
from eqyzmet.services import staff_assign
from recruitment import services as recruitment_services
from recruitment.contracts import results, services
from recruitment.contracts.reminders import expiry_reminders_send
from recruitment.models import Application, Stage
from recruitment.models_contracts import Contract, Extension, PayRules, QuarterReport
from tests.factories import UserFactory
from tests.recruitment.contract_factories import make_contract, make_project
from tests.recruitment.factories import make_staff
from tests.recruitment.test_procedure_regressions import (
    _mark,
    _open_and_close,
    _past_appeal_windows,
)
from tests.recruitment.test_rules import _owner

pytestmark = pytest.mark.django_db


@pytest.fixture
def project(roles):
    return make_project()


# --- Term --------------------------------------------------------------------------------


def test_a_contract_of_exactly_one_calendar_year_is_concluded(project):
    contract = make_contract(
        project=project, starts_on=dt.date(2026, 3, 1), ends_on=dt.date(2027, 2, 28)
    )
    assert contract.status == Contract.Status.ACTIVE
    assert contract.indicators.count() == 2
    assert AuditEvent.objects.filter(action="contracts.contract.concluded").count() == 1


def test_a_contract_over_one_year_is_refused_and_nothing_is_saved(project):
    with pytest.raises(ApplicationError, match="at most one calendar year") as refused:
        make_contract(project=project, starts_on=dt.date(2026, 3, 1), ends_on=dt.date(2027, 3, 1))
    assert refused.value.code == "term_over_year"
    assert not Contract.objects.exists()


def test_weights_must_add_up_to_100(project):
    with pytest.raises(ApplicationError, match="add up to 100") as refused:
        make_contract(
            project=project,
            indicators=[
                {"name": "A", "target": "5", "weight": 50},
                {"name": "B", "target": "5", "weight": 40},
            ],
        )
    assert "90" in refused.value.message
    assert not Contract.objects.exists()


def test_a_finished_project_takes_no_new_contract(project):
    services.project_finish(project=project)
    with pytest.raises(ApplicationError) as refused:
        make_contract(project=project)
    assert refused.value.code == "project_finished"


# --- Extensions --------------------------------------------------------------------------


def test_extension_while_the_project_is_active_with_a_reason(project):
    hr = UserFactory()
    contract = make_contract(project=project)
    services.contract_extend(
        contract=contract,
        ends_on=dt.date(2027, 6, 30),
        reason="Second phase of the rollout",
        actor=hr,
    )
    contract.refresh_from_db()
    assert contract.ends_on == dt.date(2027, 6, 30)
    extension = Extension.objects.get(contract=contract)
    assert extension.previous_ends_on == dt.date(2026, 12, 31)
    event = AuditEvent.objects.get(action="contracts.contract.extended")
    assert event.details["reason"] == "Second phase of the rollout"


def test_extension_is_refused_once_the_project_is_finished(project):
    contract = make_contract(project=project)
    services.project_finish(project=project)
    with pytest.raises(ApplicationError, match="only while its project is active"):
        services.contract_extend(
            contract=contract, ends_on=dt.date(2027, 6, 30), reason="More work", actor=UserFactory()
        )
    contract.refresh_from_db()
    assert contract.ends_on == dt.date(2026, 12, 31)
    assert not Extension.objects.exists()


def test_each_extension_is_again_at_most_a_year_and_needs_a_reason(project):
    contract = make_contract(project=project)
    actor = UserFactory()
    with pytest.raises(ApplicationError) as refused:
        services.contract_extend(
            contract=contract, ends_on=dt.date(2028, 1, 1), reason="x", actor=actor
        )
    assert refused.value.code == "term_over_year"
    with pytest.raises(ApplicationError) as refused:
        services.contract_extend(
            contract=contract, ends_on=dt.date(2027, 3, 1), reason="  ", actor=actor
        )
    assert refused.value.code == "reason_required"
    assert Contract.objects.get(pk=contract.pk).ends_on == dt.date(2026, 12, 31)


def test_ending_a_contract_records_the_reason(project):
    contract = make_contract(project=project)
    services.contract_end(
        contract=contract,
        reason="Tasks done early",
        actor=UserFactory(),
        today=dt.date(2026, 9, 30),
    )
    contract.refresh_from_db()
    assert contract.status == Contract.Status.ENDED
    assert contract.ends_on == dt.date(2026, 9, 30)
    assert (
        AuditEvent.objects.get(action="contracts.contract.ended").details["reason"]
        == "Tasks done early"
    )


# --- No public office --------------------------------------------------------------------


def test_a_contract_employee_cannot_be_appointed_to_a_public_office(roles):
    staff = make_staff()
    competition, apps = _open_and_close(staff, [(Stage.Kind.ESSAY, "5", "3", None, "1")], n=2)
    recruitment_services.competition_advance(competition=competition, actor=staff.hr)
    _mark(competition, dict(zip(apps, [5, 4], strict=True)))
    recruitment_services.competition_advance(competition=competition, actor=staff.hr)
    recruitment_services.competition_publish_results(competition=competition, actor=staff.hr)
    winner = Application.objects.get(competition=competition, rank=1)
    recruitment_services.application_reveal(
        application=winner, actor=staff.hr, purpose="winner", reason="Winner: document check"
    )
    _past_appeal_windows(competition)
    owner = _owner(winner)
    project = make_project(body=staff.body)
    today = dt.date.today()
    make_contract(
        project=project, employee=owner, starts_on=today, ends_on=today + dt.timedelta(days=90)
    )

    with pytest.raises(ApplicationError, match="contract employee cannot be appointed") as refused:
        recruitment_services.application_appoint(application=winner, actor=staff.hr)
    assert refused.value.code == "contract_employee"
    assert Application.objects.get(pk=winner.pk).status == Application.Status.WINNER

    # Once the contract has ended, the appointment goes ahead.
    services.contract_end(
        contract=Contract.objects.get(employee=owner),
        reason="Resigned to take the post",
        actor=staff.hr,
    )
    recruitment_services.application_appoint(application=winner, actor=staff.hr)
    assert Application.objects.get(pk=winner.pk).status == Application.Status.APPOINTED


def test_a_civil_servant_is_not_engaged_under_a_contract(project):
    servant = UserFactory()
    staff_assign(user=servant, role=Role.EMPLOYEE, state_body=project.state_body)
    with pytest.raises(ApplicationError) as refused:
        make_contract(project=project, employee=servant)
    assert refused.value.code == "holds_public_office"
    assert not Contract.objects.exists()


# --- Results and pay ---------------------------------------------------------------------


def _report(contract, quarter, services_done, complaints, year=2026):
    ids = list(contract.indicators.order_by("pk").values_list("pk", flat=True))
    return results.report_submit(
        contract=contract,
        year=year,
        quarter=quarter,
        actuals={ids[0]: services_done, ids[1]: complaints},
        actor=contract.employee,
        today=dt.date(2027, 1, 15),
    )


def _confirm(contract, report):
    return results.report_confirm(report=report, actor=contract.project.responsible_official)


@pytest.mark.parametrize(
    ("services_done", "complaints", "score", "pay"),
    [
        # 0.6 * min(12/10, 1.2) + 0.4 * min(4/4, 1.2) = 0.72 + 0.40 = 1.12 -> 100 %
        ("12", "4", "1.1200", "300000.00"),
        # 0.6 * 0.95 + 0.4 * 1 = 0.97 -> 100 %
        ("9.5", "4", "0.9700", "300000.00"),
        # 0.6 * 0.9 + 0.4 * (4/5 = 0.8) = 0.54 + 0.32 = 0.86 -> 60 %
        ("9", "5", "0.8600", "180000.00"),
        # 0.6 * 0.8 + 0.4 * 0.8 = 0.80 exactly -> 60 %
        ("8", "5", "0.8000", "180000.00"),
        # 0.6 * 0.7 + 0.4 * 0.8 = 0.74 -> 0
        ("7", "5", "0.7400", "0.00"),
        # capped: 0.6 * 1.2 (30/10 capped) + 0.4 * 1.2 (no complaints: cap) = 1.2
        ("30", "0", "1.2000", "300000.00"),
    ],
)
def test_indicator_results_set_the_pay_component_exactly_per_the_rules(
    project, services_done, complaints, score, pay
):
    contract = make_contract(project=project)
    report = _confirm(contract, _report(contract, 1, services_done, complaints))
    assert report.status == QuarterReport.Status.CONFIRMED
    assert report.score == Decimal(score)
    assert report.results_pay == Decimal(pay)
    assert report.rules_version == 1


def test_a_newer_rules_version_pays_its_own_tiers_and_old_quarters_keep_theirs(project):
    contract = make_contract(project=project)
    first = _confirm(contract, _report(contract, 1, "9", "5"))
    PayRules.objects.create(version=2, valid_from=dt.date(2026, 4, 1), tiers=[["0.85", 80]])
    second = _confirm(contract, _report(contract, 2, "9", "5"))
    assert (first.results_pay, first.rules_version) == (Decimal("180000.00"), 1)
    assert (second.results_pay, second.rules_version) == (Decimal("240000.00"), 2)


def test_only_the_responsible_official_confirms_and_only_the_employee_reports(project):
    contract = make_contract(project=project)
    with pytest.raises(ApplicationError) as refused:
        results.report_submit(
            contract=contract,
            year=2026,
            quarter=1,
            actuals={},
            actor=UserFactory(),
            today=dt.date(2026, 4, 1),
        )
    assert refused.value.code == "not_employee"
    report = _report(contract, 1, "10", "4")
    with pytest.raises(ApplicationError) as refused:
        results.report_confirm(report=report, actor=UserFactory())
    assert refused.value.code == "not_responsible"
    assert QuarterReport.objects.get(pk=report.pk).status == QuarterReport.Status.SUBMITTED


def test_a_confirmed_quarter_cannot_be_reported_again(project):
    contract = make_contract(project=project)
    _confirm(contract, _report(contract, 1, "10", "4"))
    with pytest.raises(ApplicationError) as refused:
        _report(contract, 1, "20", "0")
    assert refused.value.code == "report_confirmed"


def test_an_indicator_missed_in_two_quarters_flags_the_contract_and_tells_hr(project):
    hr = UserFactory(email="hr.contracts@example.kz")
    staff_assign(user=hr, role=Role.HR_OFFICER, state_body=project.state_body)
    contract = make_contract(project=project)
    _confirm(contract, _report(contract, 1, "8", "4"))  # services missed (0.8)
    _confirm(contract, _report(contract, 2, "10", "4"))  # all met
    assert Contract.objects.get(pk=contract.pk).flagged_at is None
    assert mail.outbox == []
    _confirm(contract, _report(contract, 3, "9", "4"))  # services missed again: not consecutive
    contract.refresh_from_db()
    assert contract.flagged_at is not None
    assert "Services moved online" in contract.flag_note
    assert [m.to for m in mail.outbox] == [["hr.contracts@example.kz"]]
    assert AuditEvent.objects.filter(action="contracts.contract.flagged").count() == 1
    # A further miss neither raises a second flag nor a second notice.
    _confirm(contract, _report(contract, 4, "5", "4"))
    assert len(mail.outbox) == 1


def test_two_different_indicators_missed_once_each_raise_no_flag(project):
    contract = make_contract(project=project)
    _confirm(contract, _report(contract, 1, "8", "4"))
    _confirm(contract, _report(contract, 2, "10", "6"))
    assert Contract.objects.get(pk=contract.pk).flagged_at is None


# --- Expiry reminders --------------------------------------------------------------------


def test_expiry_reminders_go_out_30_days_before_once(project):
    hr = UserFactory(email="hr.body@example.kz")
    staff_assign(user=hr, role=Role.HR_OFFICER, state_body=project.state_body)
    contract = make_contract(
        project=project, starts_on=dt.date(2026, 1, 1), ends_on=dt.date(2026, 12, 31)
    )
    with time_machine.travel(dt.datetime(2026, 11, 30, 9, 0, tzinfo=dt.UTC), tick=False):
        assert expiry_reminders_send() == 0  # 31 days before: not yet
    assert mail.outbox == []
    with time_machine.travel(dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.UTC), tick=False):
        assert expiry_reminders_send() == 1  # 30 days before
        assert expiry_reminders_send() == 0  # idempotent
    # One e-mail each, in the reader's language, to HR of the body and the official.
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        ["hr.body@example.kz", project.responsible_official.email]
    )
    assert all("A contract ends on" in m.subject for m in mail.outbox)
    # An extension moves the end: the new end is reminded again, 30 days before it.
    services.contract_extend(
        contract=contract, ends_on=dt.date(2027, 3, 31), reason="Phase two", actor=hr
    )
    with time_machine.travel(dt.datetime(2027, 3, 1, 9, 0, tzinfo=dt.UTC), tick=False):
        assert expiry_reminders_send() == 1
    assert len(mail.outbox) == 4


def test_an_ended_contract_gets_no_reminder(project):
    contract = make_contract(project=project)
    services.contract_end(
        contract=contract, reason="Ended early", actor=UserFactory(), today=dt.date(2026, 6, 1)
    )
    with time_machine.travel(dt.datetime(2026, 5, 15, 9, 0, tzinfo=dt.UTC), tick=False):
        assert expiry_reminders_send() == 0


def test_a_contract_employee_is_not_put_on_a_public_office_in_the_staff_register(project):
    from evaluation.models import Employee
    from evaluation.services import employee_register

    contract = make_contract(project=project, starts_on=dt.date.today())
    with pytest.raises(ApplicationError, match="cannot hold a public office") as refused:
        employee_register(
            user=contract.employee, position="Chief expert", state_body=project.state_body
        )
    assert refused.value.code == "public_office_refused"
    assert not Employee.objects.filter(user=contract.employee).exists()
    services.contract_end(contract=contract, reason="Moved to the civil service", actor=None)
    employee_register(
        user=contract.employee, position="Chief expert", state_body=project.state_body
    )
    assert Employee.objects.filter(user=contract.employee).exists()


def test_the_daily_beat_task_sends_the_expiry_reminders(project, settings):
    from recruitment.tasks import send_contract_expiry_reminders

    entry = settings.CELERY_BEAT_SCHEDULE["recruitment-contract-expiry"]
    assert entry["task"] == send_contract_expiry_reminders.name
    assert entry["schedule"] <= 24 * 3600
    make_contract(project=project, starts_on=dt.date(2026, 1, 1), ends_on=dt.date(2026, 12, 31))
    with time_machine.travel(dt.datetime(2026, 12, 10, 9, 0, tzinfo=dt.UTC), tick=False):
        assert send_contract_expiry_reminders.delay().get() == 1
    assert len(mail.outbox) == 1
    assert "extend or end it" in mail.outbox[0].subject
