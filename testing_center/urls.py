from django.urls import path  # noqa: F401

app_name = "testing_center"

urlpatterns: list = []
