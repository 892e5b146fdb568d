from django.urls import include, path

from careers import views

app_name = "careers"

urlpatterns = [
    path("", views.index, name="index"),
    path("", include("careers.urls_internships")),
    path("", include("careers.urls_matching")),
]
