from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TestingCenterConfig(AppConfig):
    name = "testing_center"
    verbose_name = _("Testing center")
