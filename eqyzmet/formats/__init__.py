"""One way to write a date, a moment and an amount per language (``FORMAT_MODULE_PATH``).

Django ships no Kazakh formats (its fallback gives "Жел. 12, 2026, 5:32 Т.Ж.") and writes
English times as "5:32 a.m.", so each language has its own module here. Templates use only
the named formats: ``DATE_FORMAT`` for a day, ``DATETIME_FORMAT`` for a moment; amounts of
money go through the ``money`` filter (``eqyzmet.templatetags.display``).

The day format carries no "ж."/"г." so a sentence ending in a date ends with one full stop.
"""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

from django.utils import formats, timezone
from django.utils.translation import pgettext_lazy

TENGE = "₸"

# The "E" date format asks for the month name with the context "alt. month" (the form used
# after a day number). Django's Kazakh catalogue capitalises it ("12 Желтоқсан"); these
# markers keep the lower-case Kazakh forms (and Django's Russian genitive) in our own
# catalogue, which Django consults before its own.
MONTHS_AFTER_A_DAY = (
    pgettext_lazy("alt. month", "January"),
    pgettext_lazy("alt. month", "February"),
    pgettext_lazy("alt. month", "March"),
    pgettext_lazy("alt. month", "April"),
    pgettext_lazy("alt. month", "May"),
    pgettext_lazy("alt. month", "June"),
    pgettext_lazy("alt. month", "July"),
    pgettext_lazy("alt. month", "August"),
    pgettext_lazy("alt. month", "September"),
    pgettext_lazy("alt. month", "October"),
    pgettext_lazy("alt. month", "November"),
    pgettext_lazy("alt. month", "December"),
)


def format_day(value: dt.date | dt.datetime | None) -> str:
    """A day as people read it in the active language: "12 желтоқсан 2026"."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        value = timezone.localtime(value) if timezone.is_aware(value) else value
    return formats.date_format(value, "DATE_FORMAT")


def format_moment(value: dt.datetime | None) -> str:
    """A moment in Almaty time: "12 желтоқсан 2026 ж., 17:32"."""
    if value is None:
        return ""
    if timezone.is_aware(value):
        value = timezone.localtime(value)
    return formats.date_format(value, "DATETIME_FORMAT")


def format_number(value: int | float | Decimal, *, decimal_pos: int | None = None) -> str:
    """A number with the language's separators, grouped from 1 000: "380 000", "12,5"."""
    return formats.number_format(value, decimal_pos=decimal_pos, use_l10n=True, force_grouping=True)


def format_money(value: int | float | Decimal | None) -> str:
    """An amount in tenge, whole: "380 000 ₸" ("380,000 ₸" in English)."""
    if value in (None, ""):
        return ""
    amount = Decimal(value).quantize(Decimal(1), rounding=ROUND_HALF_UP)
    return f"{format_number(amount, decimal_pos=0)}\xa0{TENGE}"


def format_money_range(low: int | Decimal | None, high: int | Decimal | None) -> str:
    """A salary range with the sign once: "380 000 – 480 000 ₸"."""
    if low in (None, "") or high in (None, "") or low == high:
        return format_money(high if low in (None, "") else low)
    return f"{format_number(low, decimal_pos=0)}\xa0– {format_money(high)}"
