"""Kazakhstan's individual identification number (IIN / ЖСН / ИИН).

12 digits: YYMMDD of birth, a century-and-sex digit (1–6), four serial digits and a
check digit. The check digit is the weighted sum of the first 11 digits mod 11 with weights
1..11; if that gives 10, weights 3..11,1,2 are used instead; if it is 10 again the number is
invalid.
"""

from __future__ import annotations

import datetime as dt

_W1 = (1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11)
_W2 = (3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2)
_CENTURY = {1: 1800, 2: 1800, 3: 1900, 4: 1900, 5: 2000, 6: 2000}


def iin_check_digit(first11: str) -> int | None:
    digits = [int(c) for c in first11]
    check = sum(w * d for w, d in zip(_W1, digits, strict=True)) % 11
    if check == 10:
        check = sum(w * d for w, d in zip(_W2, digits, strict=True)) % 11
        if check == 10:
            return None
    return check


def iin_birth_date(iin: str) -> dt.date | None:
    century = _CENTURY.get(int(iin[6]))
    if century is None:
        return None
    try:
        return dt.date(century + int(iin[0:2]), int(iin[2:4]), int(iin[4:6]))
    except ValueError:
        return None


def iin_is_valid(iin: str) -> bool:
    if len(iin) != 12 or not (iin.isascii() and iin.isdigit()):
        return False
    if iin_birth_date(iin) is None:
        return False
    return iin_check_digit(iin[:11]) == int(iin[11])


def iin_with_check_digit(first11: str) -> str | None:
    """Complete an 11-digit prefix to a valid IIN (for demo data and tests)."""
    check = iin_check_digit(first11)
    return None if check is None else f"{first11}{check}"


# The youngest age at which a person can plausibly have started work or finished a course
# that the profile lists (the Labour Code allows light work from 14).
YOUNGEST_AGE = 14


def date_at_age(birth: dt.date, years: int) -> dt.date:
    """The day a person born on ``birth`` turns ``years`` (a 29 February birthday counts
    from 1 March in other years)."""
    try:
        return birth.replace(year=birth.year + years)
    except ValueError:
        return dt.date(birth.year + years, 3, 1)
