"""Kazakhstan phone numbers: +7 and ten digits, the first of them 6 or 7 (the country's part
of the shared +7 zone), written on save as ``+7 XXX XXX XX XX``.

People type them in many ways: ``+7 701 234-56-78``, ``8 (701) 2345678``, ``87012345678``,
``7012345678``. Spaces, dashes, dots and brackets are ignored; the leading ``8`` of the
domestic trunk prefix means ``+7``. Letters are never part of a number.
"""

from __future__ import annotations

import re

from django.utils.translation import gettext_lazy as _

from eqyzmet.errors import ApplicationError

_SEPARATORS = re.compile(r"[\s\-().\u00a0]")
EXAMPLE = "+7 701 234 56 78"


def phone_normalise(raw: str) -> str:
    """The number in the one stored form, ``""`` for an empty field; ``ApplicationError``
    (code ``invalid_phone``) for anything that is not a Kazakhstan number."""
    text = _SEPARATORS.sub("", raw or "")
    if not text:
        return ""
    if any(c.isalpha() for c in text):
        raise ApplicationError(
            _("A phone number has digits only, no letters: for example %(example)s.")
            % {"example": EXAMPLE},
            code="invalid_phone",
        )
    if text.startswith("+"):
        if not text.startswith("+7"):
            raise ApplicationError(_not_kazakh_message(), code="invalid_phone")
        digits = text[2:]
    elif len(text) == 11 and text[0] in "78":
        digits = text[1:]
    else:
        digits = text
    if not (digits.isascii() and digits.isdigit() and len(digits) == 10 and digits[0] in "67"):
        raise ApplicationError(_not_kazakh_message(), code="invalid_phone")
    return f"+7 {digits[0:3]} {digits[3:6]} {digits[6:8]} {digits[8:10]}"


def _not_kazakh_message():
    return _("Enter a Kazakhstan phone number: +7 and 10 digits, for example %(example)s.") % {
        "example": EXAMPLE
    }
