"""The admin changelists' row checkbox (``eqyzmet.admin.RowCheckboxMixin``) is Django's
own, byte for byte, in every language, for any object text (hostile ones included)."""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from eqyzmet.admin import StateBodyScopedAdmin
from eqyzmet.models import StateBody


class Shown:
    def __init__(self, pk, text):
        self.pk, self.text = pk, text

    def __str__(self):
        return self.text


def _both(obj):
    django = admin.ModelAdmin(StateBody, admin.site)
    ours = StateBodyScopedAdmin(StateBody, admin.site)
    return str(ours.action_checkbox(obj)), str(django.action_checkbox(obj))


@pytest.mark.parametrize("language", ["kk", "ru", "en"])
def test_the_checkbox_is_djangos_in_each_language(language):
    with translation.override(language):
        ours, django = _both(Shown(41, "KZ-2026-0001 · A1B2C3"))
    assert ours == django
    assert 'value="41"' in ours


@given(pk=st.integers(1, 10**12), text=st.text(max_size=40))
def test_any_text_is_escaped_as_django_escapes_it(pk, text):
    ours, django = _both(Shown(pk, text))
    assert ours == django
