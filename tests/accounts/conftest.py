import pytest


@pytest.fixture(autouse=True)
def _account_setup(roles, settings, tmp_path):
    """Roles exist, uploads land in a temporary folder, e-mail stays in memory."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
