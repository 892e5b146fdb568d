from django.urls import path

from evaluation import views

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
