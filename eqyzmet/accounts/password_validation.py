"""Django's four password rules, with their messages in our catalogue.

Django ships no Kazakh for these texts, so the registration page listed the rules in
English. The rules themselves are Django's; only the words come from here (kk, ru, en).
"""

from __future__ import annotations

from django.contrib.auth import password_validation as django_rules
from django.utils.translation import gettext, ngettext


class MinimumLengthValidator(django_rules.MinimumLengthValidator):
    def get_error_message(self) -> str:
        return ngettext(
            "This password is too short. It must contain at least %(min_length)d character.",
            "This password is too short. It must contain at least %(min_length)d characters.",
            self.min_length,
        ) % {"min_length": self.min_length}

    def get_help_text(self) -> str:
        return ngettext(
            "Your password must contain at least %(min_length)d character.",
            "Your password must contain at least %(min_length)d characters.",
            self.min_length,
        ) % {"min_length": self.min_length}


class UserAttributeSimilarityValidator(django_rules.UserAttributeSimilarityValidator):
    def get_error_message(self) -> str:
        # Django fills in the field's verbose name (ours: "e-mail address", translated).
        return gettext("The password is too similar to the %(verbose_name)s.")

    def get_help_text(self) -> str:
        return gettext("Your password can’t be too similar to your other personal information.")


class CommonPasswordValidator(django_rules.CommonPasswordValidator):
    def get_error_message(self) -> str:
        return gettext("This password is too common.")

    def get_help_text(self) -> str:
        return gettext("Your password can’t be a commonly used password.")


class NumericPasswordValidator(django_rules.NumericPasswordValidator):
    def get_error_message(self) -> str:
        return gettext("This password is entirely numeric.")

    def get_help_text(self) -> str:
        return gettext("Your password can’t be entirely numeric.")
