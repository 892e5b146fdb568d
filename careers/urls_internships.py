"""Internships and readiness practice, mounted under /careers/ by ``careers.urls``."""

from django.urls import path

from careers import readiness
from careers.internships import views

urlpatterns = [
    path("internships/", views.internship_list, name="internship_list"),
    path("internships/my/", views.my_internships, name="my_internships"),
    path("internships/<int:internship_id>/", views.internship_detail, name="internship_detail"),
    path(
        "internships/<int:internship_id>/apply/",
        views.internship_apply,
        name="internship_apply",
    ),
    path("practice/essay/", readiness.essay_practice, name="essay_practice"),
]
