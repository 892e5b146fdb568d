"""``manage.py seed_scale``: counts in proportion to the scale, rows the services would have
written (the procedure's rules, the audit chain, the vault, anonymity), and a second run
that refuses without ``--force`` and changes nothing."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction

from eqyzmet.scale.plan import FLOORS, FULL, plan_for

SCALE = 0.002


def _seed(**options) -> str:
    out = io.StringIO()
    call_command("seed_scale", scale=SCALE, stdout=out, **options)
    return out.getvalue()


def _counts() -> dict[str, int]:
    from django.apps import apps

    return {m._meta.label: m._default_manager.count() for m in apps.get_models()}


def test_the_plan_is_the_full_figures_times_the_scale():
    for scale in (0.01, 0.1, 0.5, 1.0):
        plan = plan_for(scale).as_dict()
        for name, full in FULL.items():
            expected = max(FLOORS[name], round(full * scale))
            if name == "largest_competition":
                expected = min(expected, plan["candidates"], plan["applications"] // 2)
            assert plan[name] == expected, (scale, name)
    assert plan_for(1.0).applications == 200_000
    assert plan_for(0.5).candidates * 2 == plan_for(1.0).candidates


def test_refuses_in_production(settings):
    from eqyzmet.scale.run import refusal

    settings.PRODUCTION = True
    assert "DJANGO_ENV=production" in refusal(force=True)


def test_refuses_on_sqlite_and_says_why(tmp_path):
    """Run as a laptop would (no DATABASE_URL: SQLite), whatever database the suite uses."""
    import os
    import subprocess
    import sys

    from tests.conftest import REPO

    env = {k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_", "REDIS_"))}
    env["EQYZMET_SQLITE_PATH"] = str(tmp_path / "laptop.sqlite3")
    result = subprocess.run(
        [sys.executable, "manage.py", "seed_scale", "--scale", "0.001"],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert "needs PostgreSQL" in result.stderr and "COPY" in result.stderr


@pytest.mark.slow
@pytest.mark.django_db
def test_seeded_rows_follow_the_plan_and_the_procedure(postgresql_only):
    from eqyzmet.audit import audit_verify
    from eqyzmet.codes import CODE_PATTERN
    from eqyzmet.models import AuditEvent, User
    from eqyzmet.vault import encrypted_fields
    from ethics.models import EthicsCase
    from evaluation.models import Assessment, Employee
    from recruitment import procedure
    from recruitment.iin import iin_is_valid
    from recruitment.models import (
        Application,
        CandidateProfile,
        Competition,
        IdentityEscrow,
        StageResult,
    )
    from recruitment.public import owner_index
    from recruitment.services.ranking import _rank
    from testing_center.models import AttemptItem

    output = _seed()
    plan = plan_for(SCALE)
    assert "recruitment_application" in output and " s" in output

    # Counts in proportion.
    assert CandidateProfile.objects.count() == plan.candidates
    assert User.objects.filter(groups__name="candidate").count() == plan.candidates
    assert Competition.objects.count() == plan.competitions
    assert Application.objects.count() == plan.applications
    # The competition to be ranked is the first of the set (at small scales not the largest).
    largest = Competition.objects.get(number__endswith="-S1-00001")
    assert largest.applications.count() == plan.largest_competition
    assert 0.5 * plan.answer_rows <= AttemptItem.objects.count() <= plan.answer_rows
    assert Employee.objects.count() == plan.employees
    assert EthicsCase.objects.count() == plan.ethics_cases
    assert Assessment.objects.filter(cycle__kind="quarter").count() == 9 * plan.employees
    assert set(Competition.objects.values_list("status", flat=True)) == set(
        Competition.Status.values
    )

    # The ledger is one intact chain that ends with the marker.
    report = audit_verify()
    assert report.ok, report.problems[:3]
    assert AuditEvent.objects.order_by("-seq").first().action == "scale.seeded"

    # The vault: every profile decrypts, with a valid IIN of its own.
    profiles = list(CandidateProfile.objects.all())
    assert all(iin_is_valid(p.iin) for p in profiles)
    assert len({p.iin for p in profiles}) == len(profiles)
    for model, field in encrypted_fields():  # every stored value, even an empty one
        list(model._default_manager.values_list(field.name, flat=True))
    escrow = IdentityEscrow.objects.first()
    assert escrow.owner_index == owner_index(int(escrow.owner))

    # Codes are random and well formed; no personal data in anything staff can read.
    codes = list(Application.objects.values_list("code", flat=True))
    assert all(CODE_PATTERN.match(code) for code in codes)
    staff_text = json.dumps(
        [
            list(Application.objects.values_list("code", "qualifications", "eligibility_reasons")),
            list(StageResult.objects.values_list("details", flat=True)),
            list(AuditEvent.objects.values_list("details", flat=True)),
            list(EthicsCase.objects.values_list("subject", "description", "evidence")),
        ],
        ensure_ascii=False,
        default=str,
    )
    for p in profiles:
        assert p.full_name not in staff_text
        assert p.iin not in staff_text
    for email in User.objects.filter(groups__name="candidate").values_list("email", flat=True):
        assert email not in staff_text

    # The procedure: ranks are those the ranking service computes, and the large
    # competition can be locked now.
    for competition in Competition.objects.filter(status__in=procedure.RANKED):
        seeded = dict(competition.applications.values_list("pk", "rank"))
        scores = dict(competition.applications.values_list("pk", "final_score"))
        with transaction.atomic():
            _rank(competition)
            assert dict(competition.applications.values_list("pk", "rank")) == seeded
            assert dict(competition.applications.values_list("pk", "final_score")) == scores
            transaction.set_rollback(True)
    assert procedure.lock_ranking_blockers(largest) == []
    assert (
        StageResult.objects.filter(application__competition=largest)
        .values("stage")
        .distinct()
        .count()
        == largest.stages.count()
    )


@pytest.mark.slow
@pytest.mark.django_db
def test_a_second_run_refuses_without_force_and_changes_nothing(postgresql_only):
    _seed()
    before = _counts()
    with pytest.raises(CommandError, match=r"already holds a scale data set.*--force"):
        _seed()
    assert _counts() == before

    _seed(force=True)
    from recruitment.models import Application

    assert Application.objects.count() == 2 * plan_for(SCALE).applications
    codes = list(Application.objects.values_list("code", flat=True))
    assert len(set(codes)) == len(codes)
