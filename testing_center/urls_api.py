from django.urls import path

from testing_center import apis

urlpatterns = [
    path(
        "hr/competitions/<int:pk>/test-results/",
        apis.StaffTestResultListApi.as_view(),
        name="api-hr-test-results",
    ),
    path(
        "hr/test-results/<str:code>/",
        apis.StaffTestResultByCodeApi.as_view(),
        name="api-hr-test-result",
    ),
    path("me/test-results/", apis.MyTestResultListApi.as_view(), name="api-my-test-results"),
]
