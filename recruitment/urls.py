from django.urls import path

from recruitment import views_adjustments, views_apply, views_fairness
from recruitment import views_candidate as candidate
from recruitment import views_saved_searches as saved
from recruitment.contracts import views as contracts

app_name = "recruitment"

# --- Candidate side of the public site (views_candidate) ---------------------------------
candidate_patterns = [
    path("vacancies/", candidate.vacancy_list, name="vacancy_list"),
    path("vacancies/<int:vacancy_id>/", candidate.vacancy_detail, name="vacancy_detail"),
    path(
        "vacancies/<int:vacancy_id>/apply/<int:competition_id>/",
        views_apply.apply,
        name="apply",
    ),
    path("my/profile/", candidate.profile, name="profile"),
    path("my/profile/personal/", candidate.profile_personal, name="profile_personal"),
    path(
        "my/profile/<slug:kind>/add/",
        candidate.entry_edit,
        name="entry_add",
    ),
    path(
        "my/profile/<slug:kind>/<int:entry_id>/",
        candidate.entry_edit,
        name="entry_edit",
    ),
    path(
        "my/profile/<slug:kind>/<int:entry_id>/delete/",
        candidate.entry_delete,
        name="entry_delete",
    ),
    path("my/documents/upload/", candidate.document_upload, name="document_upload"),
    path(
        "my/documents/<int:document_id>/",
        candidate.document_download,
        name="document_download",
    ),
    path(
        "my/documents/<int:document_id>/delete/",
        candidate.document_delete,
        name="document_delete",
    ),
    path("my/applications/", candidate.my_applications, name="my_applications"),
    path(
        "my/applications/drafts/<int:draft_id>/delete/",
        views_apply.draft_delete,
        name="draft_delete",
    ),
    path(
        "my/applications/<int:application_id>/",
        candidate.my_application,
        name="my_application",
    ),
    path(
        "my/applications/<int:application_id>/withdraw/",
        candidate.application_withdraw,
        name="application_withdraw",
    ),
    path(
        "my/applications/<int:application_id>/appeal/<int:stage_id>/",
        candidate.appeal,
        name="appeal",
    ),
    path(
        "my/applications/<int:application_id>/adjustments/",
        views_adjustments.adjustment_request,
        name="adjustment_request",
    ),
    path(
        "my/applications/<int:application_id>/equality/",
        views_fairness.equality_answers,
        name="equality_answers",
    ),
    path("statistics/fairness/", views_fairness.fairness_statistics, name="fairness_statistics"),
]

# --- Saved searches and their alerts (views_saved_searches) ------------------------------
saved_search_patterns = [
    path("my/saved-searches/", saved.saved_searches, name="saved_searches"),
    path("my/saved-searches/save/", saved.saved_search_create, name="saved_search_create"),
    path(
        "my/saved-searches/<int:saved_search_id>/delete/",
        saved.saved_search_delete,
        name="saved_search_delete",
    ),
    path(
        "my/saved-searches/<int:saved_search_id>/alerts/",
        saved.saved_search_alerts,
        name="saved_search_alerts",
    ),
    path(
        "saved-searches/unsubscribe/<str:token>/",
        saved.saved_search_unsubscribe,
        name="saved_search_unsubscribe",
    ),
]

# --- Contract employees (recruitment/contracts) -------------------------------------------
contract_patterns = [
    path("my/contract/", contracts.my_contract, name="my_contract"),
    path(
        "my/contract/<int:contract_id>/report/",
        contracts.report_submit,
        name="contract_report_submit",
    ),
    path("contracts/official/", contracts.official, name="contracts_official"),
    path(
        "contracts/selections/<int:competition_id>/posts/<int:vacancy_id>/recommend/",
        contracts.recommend,
        name="contract_recommend",
    ),
    path(
        "contracts/recommendations/<int:recommendation_id>/withdraw/",
        contracts.recommendation_withdraw,
        name="contract_recommendation_withdraw",
    ),
    path(
        "contracts/reports/<int:report_id>/confirm/",
        contracts.report_confirm,
        name="contract_report_confirm",
    ),
    path(
        "contracts/documents/<int:document_id>/",
        contracts.document_download,
        name="contract_document",
    ),
]

# --- Staff pages (added by the lead) -----------------------------------------------------
staff_patterns: list = []

urlpatterns = candidate_patterns + saved_search_patterns + contract_patterns + staff_patterns
