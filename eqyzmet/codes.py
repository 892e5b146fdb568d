"""Anonymous application codes such as ``K7-4QMX-9TZ2``.

Random (``secrets``), per competition, derived from nothing about the person or the time.
The alphabet leaves out 0/O, 1/I/L and U so a code read aloud or copied by hand survives.
"""

from __future__ import annotations

import re
import secrets

ALPHABET = "23456789ABCDEFGHJKMNPQRSTVWXYZ"
CODE_PATTERN = re.compile(rf"^[{ALPHABET}]{{2}}-[{ALPHABET}]{{4}}-[{ALPHABET}]{{4}}$")


def new_code() -> str:
    chars = "".join(secrets.choice(ALPHABET) for _ in range(10))
    return f"{chars[:2]}-{chars[2:6]}-{chars[6:]}"
