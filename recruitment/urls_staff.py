from django.urls import path

from recruitment import views_adjustments, views_fairness, views_staff

app_name = "staff"

urlpatterns = [
    path("commission/", views_staff.commission_home, name="commission_home"),
    path("commission/<int:seat_id>/", views_staff.commission_queue, name="commission_queue"),
    path(
        "commission/<int:seat_id>/declare/",
        views_staff.commission_declare,
        name="commission_declare",
    ),
    path(
        "commission/<int:seat_id>/mark/<int:application_id>/",
        views_staff.commission_mark,
        name="commission_mark",
    ),
    path(
        "commission/<int:seat_id>/essay/<int:application_id>/",
        views_staff.commission_essay,
        name="commission_essay",
    ),
    path("fairness/", views_fairness.fairness_reports, name="fairness_reports"),
    path(
        "fairness/<int:competition_id>/",
        views_fairness.fairness_report,
        name="fairness_report",
    ),
    path("observe/", views_staff.observer_home, name="observer_home"),
    path(
        "observe/<int:competition_id>/",
        views_staff.observer_competition,
        name="observer_competition",
    ),
    path("adjustments/", views_adjustments.adjustments_for_readers, name="adjustments"),
    path(
        "adjustments/<int:adjustment_id>/document/",
        views_adjustments.adjustment_document,
        name="adjustment_document",
    ),
]
