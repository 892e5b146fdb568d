"""Every text a person reads exists in Kazakh, Russian and English."""

from __future__ import annotations

import polib
import pytest

from tests.conftest import REPO


@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_every_message_is_translated(lang):
    po = polib.pofile(str(REPO / "locale" / lang / "LC_MESSAGES" / "django.po"))
    untranslated = [e.msgid for e in po.untranslated_entries()]
    fuzzy = [e.msgid for e in po.fuzzy_entries()]
    assert not untranslated, f"{lang}: untranslated {untranslated[:10]}"
    assert not fuzzy, f"{lang}: fuzzy {fuzzy[:10]}"


@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_placeholders_survive_translation(lang):
    import re

    po = polib.pofile(str(REPO / "locale" / lang / "LC_MESSAGES" / "django.po"))
    pattern = re.compile(r"%\(\w+\)[sd]|\{\w*\}")
    for entry in po.translated_entries():
        expected = sorted(set(pattern.findall(entry.msgid_plural or entry.msgid)))
        translations = entry.msgstr_plural.values() if entry.msgid_plural else [entry.msgstr]
        for text in translations:
            assert sorted(set(pattern.findall(text))) == expected, entry.msgid
        if entry.msgid_plural:
            assert all(translations), f"{lang}: a plural form is missing for {entry.msgid}"


def test_the_catalogues_are_up_to_date_with_the_code(tmp_path):
    """A string marked for translation but missing from the catalogue would show in English."""
    import shutil
    import subprocess
    import sys

    work = tmp_path / "repo"
    shutil.copytree(
        REPO,
        work,
        ignore=shutil.ignore_patterns(
            ".venv", "var", ".git", "__pycache__", "*.mo", "node_modules"
        ),
    )
    subprocess.run(
        [
            sys.executable,
            "manage.py",
            "makemessages",
            "-l",
            "ru",
            "--no-location",
            "--ignore=.venv",
            "--ignore=var",
            "--verbosity",
            "0",
        ],
        cwd=work,
        check=True,
        env={"EQYZMET_VAR_DIR": str(tmp_path / "var"), "PATH": "/usr/bin:/bin"},
    )
    before = {e.msgid for e in polib.pofile(str(REPO / "locale/ru/LC_MESSAGES/django.po"))}
    after = {
        e.msgid
        for e in polib.pofile(str(work / "locale/ru/LC_MESSAGES/django.po"))
        if not e.obsolete
    }
    assert after - before == set(), "run makemessages and translate the new strings"
