"""Hostile-input checks shared by the request guard and the API's JSON parser.

A JSON body may not nest deeper than ``MAX_JSON_DEPTH``, may not use ``NaN`` or
``Infinity`` (not JSON, and a ``Decimal('NaN')`` breaks every comparison), and no text
anywhere in a request may hold a NUL character (PostgreSQL refuses it in a string) or a
lone UTF-16 surrogate (no database can encode it). The checks are linear scans with
C-speed regular expressions: the hot autosave endpoint pays a few microseconds.
"""

from __future__ import annotations

import json
import re

from django.utils.translation import gettext_lazy as _
from rest_framework import parsers
from rest_framework.exceptions import ParseError

MAX_JSON_DEPTH = 64

INVALID_CHARACTERS = _(
    "The request contains invalid characters (a NUL character or a broken Unicode "
    "character). Remove them and try again."
)
TOO_DEEP = _("The request is nested too deeply.")
NOT_A_NUMBER = _("Numbers must be finite: NaN and Infinity are not accepted.")
MALFORMED = _("The request body is not valid JSON.")
TOO_LARGE = _("The request is too large.")
NUMBER_TOO_LARGE = _("A number in the request is too large.")
MALFORMED_FORM = _("The form data could not be read. Reload the page and try again.")

_BAD_TEXT = re.compile("[\x00\ud800-\udfff]")
# A JSON string literal (unrolled loop: one way to match, so linear), or an unterminated
# one swallowing the rest: the scan never restarts inside a string, whatever the input.
_JSON_STRING = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"|"(?s:.*)', re.S)
# An escape that may decode to NUL or a surrogate; the literal is decoded to be sure.
_SUSPECT_ESCAPE = re.compile(rb"\\u(?:0000|[dD][89a-fA-F])")
_BARE_CONSTANT = re.compile(rb"NaN|Infinity")
_BRACKETS = re.compile(rb"[^\[\]{}]+")
_JSON_LONG_INTEGER = re.compile(rb"(?<![\d.eE+-])-?\d{19,}(?![\d.eE])")


class HostileInput(ValueError):
    """Input no endpoint should see; ``message`` says why, ``code`` names it."""

    def __init__(self, message, code: str):
        super().__init__(str(message))
        self.message = message
        self.code = code


def has_bad_text(value: str) -> bool:
    return _BAD_TEXT.search(value) is not None


_LONG_INTEGER = re.compile(r"[-+]?\d{19,}")
INT64 = range(-(2**63), 2**63)


def is_out_of_range_integer(value: str) -> bool:
    """An integer no database column holds (ids and filters in URLs are 64-bit at most)."""
    if _LONG_INTEGER.fullmatch(value) is None or not value.isascii():
        return False
    # No int() of a 5,000-digit string (Python refuses past 4,300 digits): past 20 digits
    # it is out of range whatever it says.
    return len(value.lstrip("+-")) > 20 or int(value) not in INT64


def _depth_exceeds(skeleton: bytes, limit: int) -> bool:
    brackets = _BRACKETS.sub(b"", skeleton)
    if brackets.count(b"[") + brackets.count(b"{") <= limit:
        return False
    depth = 0
    for byte in brackets:
        depth += 1 if byte in b"[{" else -1
        if depth > limit:
            return True
    return False


def check_json_bytes(body: bytes, *, max_depth: int = MAX_JSON_DEPTH) -> None:
    """Raise ``HostileInput`` if a JSON body holds NUL, lone surrogates, bare NaN/Infinity
    or nesting deeper than ``max_depth``. It does not parse the body; malformed JSON is
    left to the parser."""
    if b"\x00" in body:
        raise HostileInput(INVALID_CHARACTERS, "invalid_characters")
    try:
        body.decode("utf-8")
    except UnicodeDecodeError:
        raise HostileInput(INVALID_CHARACTERS, "invalid_characters") from None
    if _SUSPECT_ESCAPE.search(body):
        for literal in _JSON_STRING.finditer(body):
            if _SUSPECT_ESCAPE.search(literal.group()):
                try:
                    text = json.loads(literal.group())
                except ValueError:
                    continue  # malformed: the parser will say so
                if has_bad_text(text):
                    raise HostileInput(INVALID_CHARACTERS, "invalid_characters")
    skeleton = _JSON_STRING.sub(b'""', body)
    if _BARE_CONSTANT.search(skeleton):
        raise HostileInput(NOT_A_NUMBER, "not_a_number")
    if _depth_exceeds(skeleton, max_depth):
        raise HostileInput(TOO_DEEP, "too_deep")
    for number in _JSON_LONG_INTEGER.findall(skeleton):
        # Past 20 digits it is out of range; int() of over 4,300 digits would raise.
        if len(number.lstrip(b"-")) > 20 or int(number) not in INT64:
            raise HostileInput(NUMBER_TOO_LARGE, "out_of_range")


def _refuse_constant(name: str):
    raise HostileInput(NOT_A_NUMBER, "not_a_number")


def loads(body: bytes, *, checked: bool = False):
    """Parse a JSON body after ``check_json_bytes`` (unless the request guard ``checked``
    it already); NaN and Infinity are refused."""
    if not checked:
        check_json_bytes(body)
    try:
        return json.loads(body, parse_constant=_refuse_constant)
    except HostileInput:
        raise
    except (ValueError, RecursionError):
        raise HostileInput(MALFORMED, "malformed") from None


class JSONParser(parsers.JSONParser):
    """DRF's JSON parser, refusing NaN/Infinity, deep nesting, NUL and lone surrogates.

    The request guard (``eqyzmet.middleware.HostileInputMiddleware``) has usually checked
    the body already; this parser keeps every API safe on its own (tests, other stacks).
    """

    def parse(self, stream, media_type=None, parser_context=None):
        from django.conf import settings

        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        body = stream.read(limit + 1) if limit is not None else stream.read()
        if limit is not None and len(body) > limit:
            raise ParseError(TOO_LARGE, code="too_large")
        request = (parser_context or {}).get("request")
        checked = getattr(getattr(request, "_request", None), "json_checked", False)
        try:
            return loads(body, checked=checked)
        except HostileInput as exc:
            raise ParseError(exc.message, code=exc.code) from None
