from django.urls import path

from benchmarks.ceiling import views

urlpatterns = [path("update/", views.update)]
