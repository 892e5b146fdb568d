from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CareersConfig(AppConfig):
    name = "careers"
    verbose_name = _("Careers")

    def ready(self) -> None:
        from careers import tasks
        from careers.matching.personal_data import matching_personal_data
        from eqyzmet.accounts.personal_data import personal_data_source_register
        from recruitment.public import matching_changes_connect

        # "Posts you can win" follow the candidate's profile and the published vacancies.
        matching_changes_connect(
            profile_changed=tasks.profile_changed, vacancies_changed=tasks.vacancies_changed
        )
        from careers.personal_data import (
            careers_erase,
            explorer_personal_data,
            internships_personal_data,
        )

        # "Download my data" includes the person's matches and choices, kept explorer
        # results and internship applications; deleting the account erases them.
        personal_data_source_register("careers.matching", matching_personal_data)
        personal_data_source_register("careers.explorer", explorer_personal_data)
        personal_data_source_register(
            "careers.internships", internships_personal_data, erase=careers_erase
        )
