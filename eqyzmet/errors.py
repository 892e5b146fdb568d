"""The one error type services raise for a rule a person broke.

Views, the admin and the API turn it into a translated message; the message is already
translated (``gettext_lazy``) where it is raised.
"""

from __future__ import annotations


class ApplicationError(Exception):
    def __init__(self, message, *, code: str = "invalid", extra: dict | None = None):
        super().__init__(message)
        self.message = message
        self.code = code
        self.extra = extra or {}
