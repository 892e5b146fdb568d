from django.urls import path

from recruitment import apis
from recruitment.contracts import apis as contract_apis

urlpatterns = [
    path("vacancies/", apis.VacancyListApi.as_view(), name="api-vacancies"),
    path("competitions/", apis.CompetitionListApi.as_view(), name="api-competitions"),
    path("competitions/<int:pk>/", apis.CompetitionDetailApi.as_view(), name="api-competition"),
    path("me/applications/", apis.MyApplicationListApi.as_view(), name="api-my-applications"),
    path(
        "hr/competitions/<int:pk>/applications/",
        apis.StaffApplicationListApi.as_view(),
        name="api-hr-applications",
    ),
    path(
        "hr/contract-results/",
        contract_apis.ContractResultListApi.as_view(),
        name="api-hr-contract-results",
    ),
]
