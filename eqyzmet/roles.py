"""The roles people hold, and what each may do.

Roles are Django groups (so permissions stay in the database where the admin can show
them); staff roles are additionally scoped to state bodies through ``StaffAssignment``.
Each app adds the permissions of its own models to ``ROLE_PERMISSIONS`` here as it grows;
``setup_roles`` applies the table idempotently and refuses unknown permission names.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    CANDIDATE = "candidate", _("Candidate")
    HR_OFFICER = "hr_officer", _("HR officer")
    COMMISSION_MEMBER = "commission_member", _("Commission member")
    OBSERVER = "observer", _("Observer")
    ETHICS_COMMISSIONER = "ethics_commissioner", _("Ethics commissioner")
    MANAGER = "manager", _("Manager")
    EMPLOYEE = "employee", _("Employee")
    # Records the services a unit delivers and hands the citizen a one-time rating link; never
    # for themselves (evaluation.services.citizen_link_issue).
    SERVICE_DESK = "service_desk", _("Service desk officer")
    # The authorised body's keepers of the national test bank: the only staff who see its
    # answer keys (testing_center.bank.keepers.may_edit_topic).
    BANK_KEEPER = "bank_keeper", _("Keeper of the national test bank")
    # Decides candidates' requests for reasonable adjustments (extra time, another format)
    # by anonymous code, and alone with ethics commissioners reads the reason and document
    # (recruitment.services.adjustments).
    ADJUSTMENTS_OFFICER = "adjustments_officer", _("Adjustments officer")
    # The authorised body for civil service affairs: sees every body's training hours and
    # development gaps, as totals of at least five employees (evaluation
    # selectors_development.overview_bodies); never a person. Not scoped: it oversees all.
    AUTHORISED_BODY = "authorised_body", _("Authorised body for civil service affairs")


# Roles whose powers apply only inside the state bodies a person is assigned to.
SCOPED_ROLES = frozenset(
    {
        Role.HR_OFFICER,
        Role.COMMISSION_MEMBER,
        Role.OBSERVER,
        Role.ETHICS_COMMISSIONER,
        Role.MANAGER,
        Role.EMPLOYEE,
        Role.SERVICE_DESK,
        Role.BANK_KEEPER,
        Role.ADJUSTMENTS_OFFICER,
    }
)

# Roles that sign in to the Django admin (the HR officers' workbench).
ADMIN_ROLES = frozenset({Role.HR_OFFICER, Role.BANK_KEEPER, Role.ADJUSTMENTS_OFFICER})

# "app_label.codename" for every permission a role's group holds.
ROLE_PERMISSIONS: dict[str, list[str]] = {
    Role.CANDIDATE: [],
    Role.HR_OFFICER: [
        "eqyzmet.view_statebody",
        "recruitment.view_vacancy",
        "recruitment.add_vacancy",
        "recruitment.change_vacancy",
        "recruitment.view_competition",
        "recruitment.add_competition",
        "recruitment.change_competition",
        "recruitment.view_stage",
        "recruitment.add_stage",
        "recruitment.change_stage",
        "recruitment.delete_stage",
        "recruitment.view_commissionmember",
        "recruitment.add_commissionmember",
        "recruitment.change_commissionmember",
        "recruitment.delete_commissionmember",
        "recruitment.view_application",
        "recruitment.view_stageresult",
        "recruitment.view_identityreveal",
        "recruitment.view_appeal",
        "recruitment.change_appeal",
        "recruitment.view_reserveentry",
        # Code, what was asked and the status: never the reason or the document.
        "recruitment.view_adjustment",
        # Contract employees: the project register, contracts and their reports.
        "recruitment.view_project",
        "recruitment.add_project",
        "recruitment.change_project",
        "recruitment.view_contract",
        "recruitment.add_contract",
        "recruitment.change_contract",
        "recruitment.view_payrules",
        "recruitment.view_quarterreport",
        "recruitment.view_contractdocument",
        "recruitment.add_contractdocument",
        "recruitment.view_contractrecommendation",
        "testing_center.view_topic",
        "testing_center.add_topic",
        "testing_center.change_topic",
        "testing_center.view_question",
        "testing_center.add_question",
        "testing_center.change_question",
        "testing_center.view_questionrevision",
        "testing_center.view_blueprint",
        "testing_center.view_blueprintsection",
        "testing_center.view_sitting",
        "testing_center.add_sitting",
        "testing_center.change_sitting",
        "testing_center.view_attempt",
        "testing_center.view_itemstatistic",
        "testing_center.view_sittingstatistic",
        "testing_center.view_trainingupload",
        "testing_center.add_trainingupload",
        "testing_center.view_trainingrun",
        "testing_center.add_trainingrun",
        "testing_center.view_scoringmodel",
        "testing_center.view_scoringpolicy",
        "testing_center.add_scoringpolicy",
        "testing_center.change_scoringpolicy",
        "testing_center.view_essayreview",
        "evaluation.view_employee",
        "evaluation.add_employee",
        "evaluation.change_employee",
        "evaluation.view_evaluationrules",
        "evaluation.add_evaluationrules",
        "evaluation.change_evaluationrules",
        "evaluation.view_competency",
        "evaluation.add_competency",
        "evaluation.change_competency",
        "evaluation.view_cycle",
        "evaluation.add_cycle",
        "evaluation.change_cycle",
        "evaluation.view_assessment",
        "evaluation.change_assessment",
        "evaluation.export_assessment",
        # Competence development: who belongs to which position family; plans read-only.
        "evaluation.view_familymembership",
        "evaluation.add_familymembership",
        "evaluation.change_familymembership",
        "evaluation.view_developmentplan",
        # Internships (careers): publish them; review applications by code only.
        "careers.view_internship",
        "careers.add_internship",
        "careers.change_internship",
        "careers.delete_internship",
        "careers.view_internshipapplication",
        "careers.view_internshipreveal",
    ],
    Role.COMMISSION_MEMBER: [],
    Role.OBSERVER: [],
    Role.ETHICS_COMMISSIONER: [
        "eqyzmet.view_auditevent",
        "ethics.view_ethicscase",
        "ethics.change_ethicscase",
        "ethics.export_ethicscase",
        "recruitment.view_adjustment",
        "recruitment.view_adjustment_reason",
    ],
    Role.MANAGER: [],
    Role.EMPLOYEE: [],
    Role.SERVICE_DESK: ["evaluation.issue_rating_link"],
    Role.ADJUSTMENTS_OFFICER: [
        "recruitment.view_adjustment",
        "recruitment.view_adjustment_reason",
        "recruitment.decide_adjustment",
    ],
    Role.AUTHORISED_BODY: ["evaluation.view_development_overview"],
    Role.BANK_KEEPER: [
        "testing_center.keep_national_bank",
        "testing_center.view_topic",
        "testing_center.add_topic",
        "testing_center.change_topic",
        "testing_center.view_question",
        "testing_center.add_question",
        "testing_center.change_question",
        "testing_center.view_questionrevision",
        "testing_center.view_itemstatistic",
    ],
}
