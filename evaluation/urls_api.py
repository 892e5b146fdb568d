from django.urls import path

from evaluation import apis

urlpatterns = [
    path(
        "hr/evaluation-results/",
        apis.PayrollResultListApi.as_view(),
        name="api-hr-evaluation-results",
    ),
]
