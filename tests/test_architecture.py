"""The direction between apps (README, "How the apps depend on each other") is enforced:
the tree as it stands keeps every import-linter contract, and a forbidden import planted in
a copy of the tree — at module level or hidden inside a function — breaks one."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import REPO

APPS = ["eqyzmet", "recruitment", "testing_center", "evaluation", "ethics", "careers"]
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def _lint(cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache"],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.fixture(scope="module")
def tree_copy(tmp_path_factory) -> Path:
    """The apps' Python sources, the contracts and the configuration, nothing else."""
    root = tmp_path_factory.mktemp("tree")
    for app in APPS:
        shutil.copytree(
            REPO / app,
            root / app,
            ignore=shutil.ignore_patterns("__pycache__", "*.json", "*.md", "*.csv", "*.joblib"),
        )
    (root / "tests").mkdir()
    (root / "tests" / "__init__.py").write_text("")
    shutil.copy(REPO / "tests" / "import_contracts.py", root / "tests" / "import_contracts.py")
    shutil.copy(REPO / "pyproject.toml", root / "pyproject.toml")
    return root


def test_the_tree_keeps_every_contract():
    result = _lint(REPO)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Broken contracts" not in result.stdout


PLANTED = {
    "the engine imports the orchestrator": (
        "testing_center/_planted.py",
        "from recruitment import public\n",
        "testing_center is not allowed to import recruitment",
    ),
    "ethics calls an app, hidden inside a function": (
        "ethics/_planted.py",
        "def f():\n    from recruitment import public\n\n    return public\n",
        "ethics is not allowed to import recruitment",
    ),
    "evaluation meets recruitment": (
        "evaluation/_planted.py",
        "from recruitment import public\n",
        "Evaluation stands beside recruitment",
    ),
    "an app reaches past another's public.py": (
        "recruitment/_planted.py",
        "from testing_center.models import Attempt\n",
        "recruitment._planted imports testing_center.models",
    ),
    "two modules of one app import each other": (
        "ethics/_planted.py",
        "from ethics import _planted_too\n",
        "No import circle inside any app",
    ),
}


@pytest.mark.parametrize("case", PLANTED, ids=list(PLANTED))
def test_a_planted_import_breaks_a_contract(tree_copy, case):
    path, source, expected = PLANTED[case]
    planted = tree_copy / path
    extra = tree_copy / "ethics" / "_planted_too.py"
    try:
        planted.write_text(source)
        if "_planted_too" in source:
            extra.write_text("from ethics import _planted\n")
        result = _lint(tree_copy)
    finally:
        planted.unlink(missing_ok=True)
        extra.unlink(missing_ok=True)
    assert result.returncode != 0
    broken = result.stdout.split("Broken contracts", 1)[-1]
    assert expected in " ".join(broken.split()), result.stdout


def test_the_copy_without_a_planted_import_is_clean(tree_copy):
    """The planted cases fail because of the plant, not because the copy is incomplete."""
    result = _lint(tree_copy)
    assert result.returncode == 0, result.stdout + result.stderr
