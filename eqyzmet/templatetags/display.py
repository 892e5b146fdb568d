"""How pages write amounts and places: one format per language.

Loaded into every template (``builtins`` in settings), so a template writes
``{{ vacancy.salary_min|money }}``, ``{% money_range low high %}`` and
``{{ vacancy.region|place }}`` without a ``{% load %}``. Days and moments use Django's
named formats: ``|date:"DATE_FORMAT"`` and ``|date:"DATETIME_FORMAT"`` (eqyzmet.formats).
"""

from __future__ import annotations

from django import template

from eqyzmet.formats import format_money, format_money_range
from eqyzmet.places import place_name

register = template.Library()


@register.filter
def money(value) -> str:
    """380000 → "380 000 ₸"; a value that is not a number is shown as it is."""
    try:
        return format_money(value)
    except (ArithmeticError, TypeError, ValueError):
        return str(value)


@register.simple_tag
def money_range(low, high) -> str:
    """380000, 480000 → "380 000 – 480 000 ₸"."""
    return format_money_range(low, high)


@register.filter
def place(value) -> str:
    """A stored region or city name in the page's language."""
    return place_name(value)
