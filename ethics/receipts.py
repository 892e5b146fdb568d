"""Receipt codes: the reporter's only key to their case.

A code is 16 random decimal digits from ``secrets`` (about 53 bits), shown once as
``1234 5678 9012 3456``. The database never holds the code. It holds two things:

``receipt_lookup``
    The first 8 hex characters (32 bits) of ``blind_index(code, purpose="receipt")``, an
    HMAC under ``EQYZMET_BLIND_INDEX_KEY``. A slow hash is salted and so cannot be searched;
    this short keyed value finds the few candidate rows in one indexed query. It is
    deliberately *truncated*: a full HMAC would let anyone who stole both the database and
    the HMAC key test all 10^16 codes at HMAC speed and skip the slow hash entirely. With
    32 bits, each stored value matches about 10^16 / 2^32 ≈ 2.3 million codes, so such a
    thief still has millions of slow-hash guesses to make per case; without the key the
    value says nothing at all. Different codes may share a lookup value (expected for a
    handful of pairs among a million cases), which is why verification checks every
    candidate row.

``receipt_hash``
    ``make_password(code)``: Django's preferred password hasher (Argon2, PBKDF2 as the
    fallback in ``PASSWORD_HASHERS``), salted and slow. This is what proves the code.

When no row matches, a dummy slow hash is still computed, so the answer takes as long
whether or not a case exists.
"""

from __future__ import annotations

import re
import secrets

from django.contrib.auth.hashers import check_password, make_password

from eqyzmet.vault import blind_index

CODE_DIGITS = 16
LOOKUP_CHARS = 8
_NON_DIGITS = re.compile(r"[\s\-]+")


def receipt_code_new() -> str:
    return f"{secrets.randbelow(10**CODE_DIGITS):0{CODE_DIGITS}d}"


def receipt_code_normalise(raw: str) -> str | None:
    """Digits only, or None if it cannot be a code (so no hash work is spent on it)."""
    code = _NON_DIGITS.sub("", raw or "")
    if len(code) != CODE_DIGITS or not (code.isascii() and code.isdigit()):
        return None
    return code


def receipt_code_display(code: str) -> str:
    return " ".join(code[i : i + 4] for i in range(0, len(code), 4))


def receipt_lookup(code: str) -> str:
    return blind_index(code, purpose="receipt")[:LOOKUP_CHARS]


def receipt_hash(code: str) -> str:
    return make_password(code)


def receipt_matches(code: str, encoded: str) -> bool:
    return bool(encoded) and check_password(code, encoded)


def receipt_dummy_check() -> None:
    """Spend the time a real check would, so a miss is not faster than a wrong code."""
    make_password(secrets.token_hex(8))
