"""What the logs may say about a request: nothing that identifies a reporter or a citizen.

Ethics reporters and citizens who rate a service are anonymous; a line "this address, this
browser, at 14:03:17, opened /kk/ethics/follow/" next to a case's timeline would undo that,
and a rating link or an account-confirmation token in a logged URL is a usable secret. So:

* requests to the anonymous paths (everything a reporter or a rating citizen opens) are
  left out of the access log entirely (``is_anonymous_path``);
* paths that carry a one-time token (account confirmation, password reset) are logged
  with the token replaced by a fixed label (``access_log_path``);
* no access-log line holds a client address, user agent, referrer or query string (the
  gunicorn logger in ``eqyzmet.gunicorn_conf``);
* Django's own log lines (``django.request`` logs every 4xx and 5xx with its path) pass
  through ``PrivatePathFilter``, which replaces those paths with a label.
"""

from __future__ import annotations

import logging
import re

LABEL = "[private path]"

_LANG = r"(?:[a-z]{2}(?:-[a-z0-9]{2,8})?/)?"
# Anonymous pages and APIs: the ethics pages except the commissioners' dashboard, the
# ethics API, the citizen-rating pages. Anchored at the start of a path.
_ANONYMOUS = re.compile(
    rf"^/(?:{_LANG}ethics(?:/(?!dashboard(?:/|$)).*)?|{_LANG}evaluation/rate(?:/.*)?"
    r"|api/v1/ethics(?:/.*)?)$",
    re.IGNORECASE | re.DOTALL,
)
# One-time tokens in account paths: /<lang>/accounts/confirm/<token>/,
# /<lang>/accounts/password/reset/<uidb64>/<token>/ (not .../reset/sent/ or /complete/).
_TOKEN_PATH = re.compile(
    rf"^(/{_LANG}accounts/)(?:confirm/(?!resend/?$)[^/]+"
    r"|password/reset/(?!(?:sent|complete)/?$)[^/]+/[^/]+)",
    re.IGNORECASE,
)
# The same paths anywhere inside a log message (a path, or a URL ending in one).
_IN_TEXT = re.compile(
    rf"/(?:{_LANG}ethics(?:/(?!dashboard/)[^\s\"'<>]*)?(?=[\s\"'<>]|$)"
    rf"|{_LANG}evaluation/rate(?:/[^\s\"'<>]*)?"
    r"|api/v1/ethics(?:/[^\s\"'<>]*)?"
    rf"|{_LANG}accounts/(?:confirm/|password/reset/(?!(?:sent|complete)/)[^/\s]+/)[^\s\"'<>]*)",
    re.IGNORECASE,
)


def _normalised(path: str) -> str:
    return "/" + re.sub(r"/{2,}", "/", path or "").lstrip("/")


def is_anonymous_path(path: str) -> bool:
    """Whether a request to this path is made by someone who must stay anonymous."""
    return bool(_ANONYMOUS.match(_normalised(path)))


def access_log_path(path: str) -> str:
    """The path as the access log may show it: one-time tokens replaced by a label."""
    path = _normalised(path)
    if _ANONYMOUS.match(path):
        return LABEL
    return _TOKEN_PATH.sub(rf"\g<1>{LABEL}", path)


def redact(text: str) -> str:
    """Replace every anonymous or token-bearing path inside a text with a label."""
    return _IN_TEXT.sub(LABEL, text)


class PrivatePathFilter(logging.Filter):
    """For LOGGING handlers: rewrite records that name an anonymous or token path."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except (TypeError, ValueError):
            return True
        cleaned = redact(message)
        request = getattr(record, "request", None)
        if cleaned != message or (request is not None and is_anonymous_path(request.path)):
            record.msg, record.args = cleaned, ()
            # Handlers that render the request (e-mail to admins, error trackers) would
            # show its address, browser and full URL.
            record.request = None
        return True
