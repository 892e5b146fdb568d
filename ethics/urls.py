from django.urls import path

from ethics import views

app_name = "ethics"

urlpatterns = [
    path("", views.report_start, name="index"),
    path("report/", views.report_new, name="report_new"),
    path("report/receipt/", views.report_receipt, name="report_receipt"),
    path("follow/", views.follow, name="follow"),
    path("follow/case/", views.follow_case, name="follow_case"),
    path(
        "follow/case/files/<int:attachment_id>/",
        views.follow_attachment,
        name="follow_attachment",
    ),
    path("follow/leave/", views.follow_leave, name="follow_leave"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("dashboard/export.csv", views.export_csv, name="export_csv"),
    path("dashboard/charts/", views.charts, name="charts"),
    path("dashboard/declarations/", views.declarations, name="declarations"),
    path("dashboard/cases/<int:case_id>/", views.case_detail, name="case_detail"),
    path("dashboard/cases/<int:case_id>/status/", views.case_transition, name="case_transition"),
    path("dashboard/cases/<int:case_id>/assign/", views.case_assign, name="case_assign"),
    path("dashboard/cases/<int:case_id>/reply/", views.case_reply, name="case_reply"),
    path("dashboard/cases/<int:case_id>/note/", views.case_note, name="case_note"),
    path(
        "dashboard/cases/<int:case_id>/files/<int:attachment_id>/",
        views.case_attachment,
        name="case_attachment",
    ),
]
