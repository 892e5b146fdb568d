from django.contrib.auth import views as auth_views
from django.urls import path, reverse_lazy

from eqyzmet.accounts import views, views_account

app_name = "accounts"

urlpatterns = [
    path("register/", views.register, name="register"),
    path("privacy/", views_account.privacy, name="privacy"),
    path("account/", views_account.account, name="account"),
    path("account/email/", views_account.email_change, name="email_change"),
    path(
        "account/email/confirm/<str:token>/",
        views_account.email_change_confirm,
        name="email_change_confirm",
    ),
    path("account/password/", views_account.password_change, name="password_change"),
    path("account/my-data.json", views_account.data_export, name="data_export"),
    path("account/delete/", views_account.account_delete_view, name="delete"),
    path("account/consent/", views_account.consent, name="consent"),
    path("register/done/", views.register_done, name="register_done"),
    path("confirm/resend/", views.resend, name="resend"),
    path("confirm/<str:token>/", views.confirm, name="confirm"),
    path(
        "password/reset/",
        auth_views.PasswordResetView.as_view(
            email_template_name="registration/password_reset_email.txt",
            subject_template_name="registration/password_reset_subject.txt",
            success_url=reverse_lazy("accounts:password_reset_done"),
        ),
        name="password_reset",
    ),
    path(
        "password/reset/sent/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "password/reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(
            success_url=reverse_lazy("accounts:password_reset_complete")
        ),
        name="password_reset_confirm",
    ),
    path(
        "password/reset/complete/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
]
