from django.urls import path

from testing_center import views

app_name = "testing_center"

urlpatterns = [
    path("", views.index, name="index"),
    path("practice/", views.practice_index, name="practice"),
    path("practice/<slug:code>/start/", views.practice_start, name="practice_start"),
    path("sitting/<int:pk>/", views.sitting_detail, name="sitting"),
    path("sitting/<int:pk>/start/", views.sitting_start, name="sitting_start"),
    path("attempt/<int:pk>/", views.attempt_page, name="attempt"),
    path("attempt/<int:pk>/save/", views.attempt_save, name="save"),
    path("attempt/<int:pk>/events/", views.attempt_events, name="events"),
    path("attempt/<int:pk>/flag/", views.attempt_flag, name="flag"),
    path("attempt/<int:pk>/review/", views.attempt_review, name="review"),
    path("attempt/<int:pk>/submit/", views.attempt_submit, name="submit"),
    path("attempt/<int:pk>/result/", views.attempt_result, name="result"),
]
