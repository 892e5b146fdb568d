"""Who may not hold a public office, asked of every app without importing any.

A contract employee (Law "On Civil Service", art. 1 p. 5-1) holds no public office, but the
contracts live in recruitment and the staff register in evaluation, which may not import each
other. An app that knows such a reason registers a check here from its ``AppConfig.ready``
(as it registers its personal data); whoever puts a person on a public office asks
``public_office_refusals`` first.

- ``check(user) -> str | None``: the translated reason the person may not hold a public
  office now, or ``None``.
"""

from __future__ import annotations

from collections.abc import Callable

_checks: dict[str, Callable] = {}


def public_office_check_register(name: str, check: Callable) -> None:
    """Idempotent: registering the same name again replaces the check."""
    _checks[name] = check


def public_office_refusals(*, user) -> list[str]:
    return [reason for check in _checks.values() if (reason := check(user))]
