"""Voluntary equality data: what a candidate chooses to tell about themselves so that the
selection can be checked for adverse impact (issue 18), kept apart from the application.

``EqualityRecord`` has no foreign key and no plain application id: the application's id
is inside the encrypted payload, and the row is found by a keyed blind index of it. The
only readers are the candidate's own form (``services.equality``) and the anonymous
statistics (``recruitment.selectors_fairness``), which count groups and never return a
row per person. The record has no admin, no API and no staff selector.
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from eqyzmet.vault import EncryptedTextField

UNDISCLOSED = "undisclosed"
PREFER_NOT = (UNDISCLOSED, _("Prefer not to say"))


class Gender(models.TextChoices):
    FEMALE = "female", _("Woman")
    MALE = "male", _("Man")


class AgeBand(models.TextChoices):
    UNDER_30 = "18-29", _("18–29")
    THIRTIES = "30-39", _("30–39")
    FORTIES = "40-49", _("40–49")
    FIFTIES = "50-59", _("50–59")
    SIXTY_PLUS = "60+", _("60 or older")


class Region(models.TextChoices):
    ASTANA = "astana", _("Astana")
    ALMATY_CITY = "almaty_city", _("Almaty (city)")
    SHYMKENT = "shymkent", _("Shymkent")
    ABAI = "abai", _("Abai region")
    AKMOLA = "akmola", _("Akmola region")
    AKTOBE = "aktobe", _("Aktobe region")
    ALMATY = "almaty", _("Almaty region")
    ATYRAU = "atyrau", _("Atyrau region")
    EAST = "east", _("East Kazakhstan region")
    ZHAMBYL = "zhambyl", _("Zhambyl region")
    ZHETISU = "zhetisu", _("Zhetisu region")
    WEST = "west", _("West Kazakhstan region")
    KARAGANDA = "karaganda", _("Karaganda region")
    KOSTANAY = "kostanay", _("Kostanay region")
    KYZYLORDA = "kyzylorda", _("Kyzylorda region")
    MANGYSTAU = "mangystau", _("Mangystau region")
    PAVLODAR = "pavlodar", _("Pavlodar region")
    NORTH = "north", _("North Kazakhstan region")
    TURKISTAN = "turkistan", _("Turkistan region")
    ULYTAU = "ulytau", _("Ulytau region")


class Settlement(models.TextChoices):
    URBAN = "urban", _("Town or city")
    RURAL = "rural", _("Village (rural area)")


class NativeLanguage(models.TextChoices):
    KAZAKH = "kk", _("Kazakh")
    RUSSIAN = "ru", _("Russian")
    OTHER = "other", _("Another language")


class Disability(models.TextChoices):
    YES = "yes", _("Yes")
    NO = "no", _("No")


class WorkSector(models.TextChoices):
    PUBLIC = "public", _("Public service")
    QUASI_PUBLIC = "quasi_public", _("Quasi-public sector")
    PRIVATE = "private", _("Private sector")
    NON_PROFIT = "non_profit", _("Non-profit sector")
    NOT_WORKING = "not_working", _("Not working or studying")


#: The characteristics, in the order of the form and the tables: (key, label, choices).
CHARACTERISTICS: tuple[tuple[str, str, type[models.TextChoices]], ...] = (
    ("gender", _("Gender"), Gender),
    ("age_band", _("Age"), AgeBand),
    ("region", _("Region where you live"), Region),
    ("settlement", _("Town or village"), Settlement),
    ("native_language", _("Native language"), NativeLanguage),
    ("disability", _("Disability"), Disability),
    ("sector", _("Sector of your current work"), WorkSector),
)
CHARACTERISTIC_KEYS = tuple(key for key, _label, _choices in CHARACTERISTICS)


def characteristic_label(key: str) -> str:
    return str(next(label for k, label, _c in CHARACTERISTICS if k == key))


def group_label(key: str, value: str) -> str:
    choices = next(c for k, _l, c in CHARACTERISTICS if k == key)
    return str(dict(choices.choices).get(value, value))


class EqualityRecord(models.Model):
    """One application's voluntary equality answers. ``payload`` is encrypted JSON:
    ``{"application_id": <id>, "answers": {characteristic: value}}``; unanswered or
    "prefer not to say" characteristics are absent from ``answers``."""

    competition_id = models.BigIntegerField(db_index=True)
    application_index = models.CharField(max_length=64, unique=True)
    payload = EncryptedTextField()
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        default_permissions = ()

    def __str__(self) -> str:
        return f"EqualityRecord #{self.pk}"
