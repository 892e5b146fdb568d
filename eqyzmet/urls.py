from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from eqyzmet import views
from eqyzmet.api import api_not_found

admin.site.site_header = "eQyzmet"
admin.site.site_title = "eQyzmet"

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("i18n/setlang/", views.language_switch, name="set_language"),
    path("admin/", admin.site.urls),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
    path("api/v1/", include("recruitment.urls_api")),
    path("api/v1/", include("testing_center.urls_api")),
    path("api/v1/", include("evaluation.urls_api")),
    path("api/v1/", include("ethics.urls_api")),
]
# Keep this last among the API routes: unknown /api/ paths get the JSON error shape.
API_FALLBACK = [re_path(r"^api/", api_not_found)]

urlpatterns += i18n_patterns(
    path("", views.home, name="home"),
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(redirect_authenticated_user=True),
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/", include("eqyzmet.accounts.urls")),
    path("accounts/2fa/", include("eqyzmet.twofactor.urls")),
    path("", include("recruitment.urls")),
    path("staff/", include("recruitment.urls_staff")),
    path("tests/", include("testing_center.urls")),
    path("evaluation/", include("evaluation.urls")),
    path("ethics/", include("ethics.urls")),
    path("careers/", include("careers.urls")),
    prefix_default_language=True,
)

urlpatterns += API_FALLBACK
