from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EqyzmetConfig(AppConfig):
    name = "eqyzmet"
    verbose_name = _("eQyzmet kernel")
