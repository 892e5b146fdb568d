"""Texts kept in the three languages side by side (``name_kk``, ``name_ru``, ``name_en``)."""

from __future__ import annotations

from django.utils.translation import get_language


def in_reader_language(obj, field: str, *, fallback: str | None = None) -> str:
    """``obj.<field>_<language>`` in the active language; when that is empty, the text named
    by ``fallback`` (an attribute of ``obj``), else the Russian text."""
    language = (get_language() or "kk")[:2]
    text = getattr(obj, f"{field}_{language}", "")
    if text:
        return text
    return getattr(obj, fallback if fallback else f"{field}_ru", "") or ""
