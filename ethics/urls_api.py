from django.urls import path

from ethics import apis

urlpatterns = [
    path("ethics/reports/", apis.EthicsReportApi.as_view(), name="api-ethics-report"),
    path("ethics/follow/", apis.EthicsFollowApi.as_view(), name="api-ethics-follow"),
    path(
        "ethics/follow/messages/",
        apis.EthicsFollowMessageApi.as_view(),
        name="api-ethics-follow-message",
    ),
]
