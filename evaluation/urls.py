from django.urls import path

from evaluation import views, views_development

app_name = "evaluation"

urlpatterns = [
    path("", views.home, name="home"),
    path("my/", views.my_results, name="my_results"),
    path("my/<int:pk>/", views.my_assessment, name="my_assessment"),
    path("my/<int:pk>/acknowledge/", views.acknowledge, name="acknowledge"),
    path("my/<int:pk>/contest/", views.contest, name="contest"),
    path("my/<int:pk>/kpi/<int:kpi_id>/", views.my_kpi_report, name="my_kpi_report"),
    path("desk/rating-link/", views.citizen_link_issue, name="citizen_link_issue"),
    path("evidence/<int:kpi_id>/", views.evidence, name="evidence"),
    path("feedback/<int:pk>/", views.feedback, name="feedback"),
    path("unit/", views.unit, name="unit"),
    path("development/", views_development.development, name="development"),
    path("development/overview/", views_development.overview, name="development_overview"),
    path("development/plan/<int:pk>/agree/", views_development.plan_agree, name="plan_agree"),
    path(
        "development/evidence/<int:pk>/",
        views_development.completion_evidence,
        name="completion_evidence",
    ),
    path("unit/development/", views_development.team_development, name="team_development"),
    path(
        "unit/development/goal/<int:pk>/confirm/",
        views_development.goal_confirm,
        name="goal_confirm",
    ),
    path(
        "unit/development/training/<int:pk>/",
        views_development.completion_decide,
        name="completion_decide",
    ),
    path("unit/<int:pk>/", views.score, name="score"),
    path("unit/<int:pk>/kpi/", views.kpi_add, name="kpi_add"),
    path("unit/<int:pk>/kpi/<int:kpi_id>/", views.manager_kpi_report, name="manager_kpi_report"),
    path("unit/<int:pk>/feedback/", views.feedback_invite, name="feedback_invite"),
    path("unit/<int:pk>/feedback/close/", views.feedback_close, name="feedback_close"),
    path("export/<int:pk>.csv", views.export_csv, name="export_csv"),
    path("rate/", views.rate_start, name="rate_start"),
    # Links issued before tokens moved out of URLs: sent on to the tokenless page.
    path("rate/<str:token>/", views.rate_link, name="rate_link"),
]
