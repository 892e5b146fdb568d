"""Reading the environment: the one place settings come from.

Every value is parsed strictly. A value that cannot be understood stops start-up with an
``ImproperlyConfigured`` error that names the variable, so a typo in a deployment is found
when the process starts, not when a candidate first hits the broken path.
"""

from __future__ import annotations

import json
import math
import os
import secrets
from pathlib import Path

from cryptography.fernet import Fernet
from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}


def env_str(name: str, default: str | None = None, *, required: bool = False) -> str | None:
    value = os.environ.get(name)
    if value is None or value == "":
        if required:
            raise ImproperlyConfigured(f"The environment variable {name} must be set.")
        return default
    return value


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(
        f"The environment variable {name} must be true or false (1/0, yes/no, on/off); got {raw!r}."
    )


def env_int(name: str, default: int, *, minimum: int | None = None) -> int:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ImproperlyConfigured(
            f"The environment variable {name} must be a whole number; got {raw!r}."
        ) from None
    if minimum is not None and value < minimum:
        raise ImproperlyConfigured(
            f"The environment variable {name} must be at least {minimum}; got {value}."
        )
    return value


def env_float(name: str, default: float, *, minimum: float | None = None) -> float:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = float(raw)
    except ValueError:
        raise ImproperlyConfigured(
            f"The environment variable {name} must be a number; got {raw!r}."
        ) from None
    if not math.isfinite(value):
        raise ImproperlyConfigured(
            f"The environment variable {name} must be a finite number; got {raw!r}."
        )
    if minimum is not None and value < minimum:
        raise ImproperlyConfigured(
            f"The environment variable {name} must be at least {minimum}; got {value}."
        )
    return value


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return list(default)
    return [item.strip() for item in raw.split(",") if item.strip()]


def env_choice(name: str, default: str, choices: tuple[str, ...]) -> str:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    if raw not in choices:
        raise ImproperlyConfigured(
            f"The environment variable {name} must be one of {', '.join(choices)}; got {raw!r}."
        )
    return raw


def env_fernet_keys(name: str, fallback: list[str] | None) -> list[str]:
    """Comma-separated Fernet keys, newest first. Each must be a valid key."""
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        if fallback is None:
            raise ImproperlyConfigured(
                f"The environment variable {name} must be set to one or more Fernet keys "
                "(comma-separated, newest first). Generate one with: "
                'python -c "from cryptography.fernet import Fernet; '
                'print(Fernet.generate_key().decode())"'
            )
        return fallback
    keys = [k.strip() for k in raw.split(",") if k.strip()]
    for position, key in enumerate(keys, start=1):
        try:
            Fernet(key.encode())
        except (ValueError, TypeError):
            raise ImproperlyConfigured(
                f"The environment variable {name} holds an invalid Fernet key at position "
                f"{position} (a key is 32 url-safe base64-encoded bytes)."
            ) from None
    return keys


def development_secrets(path: Path) -> dict[str, object]:
    """Secrets for a laptop, generated once into a git-ignored file.

    Never used in production: the production profile requires every secret from the
    environment. The file is published with a hard link so that two processes starting
    at once agree on one set of keys (the loser of the race reads the winner's file).
    """
    if not path.exists():
        data = {
            "secret_key": secrets.token_urlsafe(50),
            "fernet_keys": [Fernet.generate_key().decode()],
            "blind_index_key": secrets.token_urlsafe(32),
        }
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
        tmp.write_text(json.dumps(data, indent=2))
        tmp.chmod(0o600)
        try:
            os.link(tmp, path)
        except FileExistsError:
            pass
        finally:
            tmp.unlink()
    return json.loads(path.read_text())
