from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save
from django.utils.translation import gettext_lazy as _


def _escrow_written(sender, instance, **kwargs) -> None:
    from recruitment.public import candidate_applications_forget

    candidate_applications_forget(instance.owner_index)


class RecruitmentConfig(AppConfig):
    name = "recruitment"
    verbose_name = _("Recruitment")

    def ready(self) -> None:
        from eqyzmet.accounts.personal_data import personal_data_source_register
        from eqyzmet.public_office import public_office_check_register
        from ethics.public import declarations_source_register
        from recruitment import (
            personal_data,
            public,
            tasks,  # noqa: F401  (registers the tasks in every process)
        )
        from recruitment.contracts.personal_data import (
            contracts_deletion_blockers,
            contracts_personal_data,
        )
        from recruitment.contracts.services import public_office_refusal
        from recruitment.models import IdentityEscrow
        from testing_center.public import competitions_register

        # The competition orchestrates; the testing center is its engine and asks it about
        # stages and applications through this registration, never by importing it.
        competitions_register(public)
        # Ethics calls no one: the commission's conflict declarations are offered to it.
        declarations_source_register(public.conflict_declarations)
        # The kernel's "download my data" and "delete my account" reach the candidate's
        # profile and applications through this registration.
        personal_data_source_register(
            "recruitment",
            personal_data.candidate_personal_data,
            blockers=personal_data.candidate_deletion_blockers,
            erase=personal_data.candidate_personal_data_erase,
        )
        # A candidate's cached applications follow their escrow rows.
        post_save.connect(_escrow_written, sender=IdentityEscrow, dispatch_uid="escrow-cache")
        post_delete.connect(_escrow_written, sender=IdentityEscrow, dispatch_uid="escrow-del")
        # A contract employee holds no public office: evaluation's staff register asks.
        public_office_check_register("recruitment.contracts", public_office_refusal)
        personal_data_source_register(
            "recruitment.contracts",
            contracts_personal_data,
            blockers=contracts_deletion_blockers,
        )
