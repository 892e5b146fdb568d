from django.urls import include, path

from careers import views

app_name = "careers"

urlpatterns = [
    path("", views.index, name="index"),
    path("", include("careers.urls_internships")),
    path("", include("careers.urls_matching")),
    path("explorer/", views.explorer_page, name="explorer"),
    path("explorer/result/<int:pk>/", views.explorer_result, name="explorer_result"),
    path("explorer/result/<int:pk>/keep/", views.explorer_keep, name="explorer_keep"),
    path("families/", views.family_list, name="family_list"),
    path("families/<slug:slug>/", views.family_detail, name="family_detail"),
    path("class/", views.class_join, name="class_join"),
    path("class/leave/", views.class_leave, name="class_leave"),
    path("class/join/<str:code>/", views.class_link, name="class_link"),
    path("classes/", views.class_list, name="class_list"),
    path("classes/new/", views.class_create, name="class_create"),
    path("classes/<str:code>/", views.class_detail, name="class_detail"),
]
