"""The sign-in lockout (django-axes), as the first authentication backend."""

from __future__ import annotations

from axes.backends import AxesStandaloneBackend
from django.conf import settings


class SignInLockoutBackend(AxesStandaloneBackend):
    """Counts failed web sign-ins and refuses a locked-out e-mail address from the same IP
    address. It never signs anyone in itself; Django's ModelBackend does.

    A sign-in without a request (the test client's ``login()``, a script in the shell) is not
    an attempt over the web: it cannot be brute-forced from outside, so it is not counted.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)


def sign_in_username(request, credentials: dict | None) -> str:
    """The e-mail address the lockout counts against, case-folded: e-mail addresses sign in
    case-insensitively, so ``A@x.kz`` and ``a@x.kz`` must share one counter."""
    field = settings.AXES_USERNAME_FORM_FIELD
    if credentials:
        username = credentials.get(field) or ""
    else:
        username = getattr(request, "POST", {}).get(field, "")
    return str(username).strip().lower()
