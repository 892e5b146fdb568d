"""Place names people read in their language, while the stored value stays one stable code.

A vacancy's or a state body's region is stored as its English name ("Astana"); pages show
it through ``place_name`` (the ``place`` template filter), so a Kazakh page says "Астана".
A value that is not in the list (typed by an HR officer) is shown as it was typed.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

# The cities of republican significance and the regions of Kazakhstan (2022 division).
PLACES = {
    "Astana": _("Astana"),
    "Almaty": _("Almaty"),
    "Shymkent": _("Shymkent"),
    "Abai Region": _("Abai Region"),
    "Akmola Region": _("Akmola Region"),
    "Aktobe Region": _("Aktobe Region"),
    "Almaty Region": _("Almaty Region"),
    "Atyrau Region": _("Atyrau Region"),
    "East Kazakhstan Region": _("East Kazakhstan Region"),
    "Jambyl Region": _("Jambyl Region"),
    "Jetisu Region": _("Jetisu Region"),
    "Karaganda Region": _("Karaganda Region"),
    "Kostanay Region": _("Kostanay Region"),
    "Kyzylorda Region": _("Kyzylorda Region"),
    "Mangystau Region": _("Mangystau Region"),
    "North Kazakhstan Region": _("North Kazakhstan Region"),
    "Pavlodar Region": _("Pavlodar Region"),
    "Turkistan Region": _("Turkistan Region"),
    "Ulytau Region": _("Ulytau Region"),
    "West Kazakhstan Region": _("West Kazakhstan Region"),
}


def place_name(value: str | None) -> str:
    """The place in the active language; an unknown value as it is."""
    if not value:
        return ""
    return str(PLACES.get(value.strip(), value))
