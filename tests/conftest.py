"""Shared fixtures. Unit tests run tasks eagerly; integration tests start real workers."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from django.utils import translation

from eqyzmet.celery import app as celery_app

REPO = Path(__file__).resolve().parent.parent
CHROMIUM = os.environ.get("EQYZMET_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"


def pytest_collection_modifyitems(config, items):
    """Files of slow tests first, then of browser and integration tests, then the rest:
    the workers (pytest-xdist, a file at a time) then end together instead of one of them
    starting the crawl of every page as the others finish."""

    def weight(item) -> int:
        if item.get_closest_marker("slow"):
            return 0
        if item.get_closest_marker("browser") or item.get_closest_marker("integration"):
            return 1
        return 2

    first = {}
    for item in items:
        first[item.path] = min(first.get(item.path, 2), weight(item))
    items.sort(key=lambda item: first[item.path])


@pytest.fixture(scope="session", autouse=True)
def _a_cache_of_this_run():
    """Test databases are made afresh and give out ids again; the cache (this worker's own
    Redis database) is emptied once so that nothing an earlier run cached under those ids
    is read as this run's."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(autouse=True)
def _fast_and_eager(settings):
    """Cheap password hashing and in-process tasks, unless a test asks for a real worker."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Most tests sign staff in with force_login; tests/test_twofactor.py turns the
    # second factor back on and proves it is enforced.
    settings.EQYZMET_STAFF_2FA = False
    previous = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    # Services called outside a request speak the msgid language (English) in tests; pages
    # are tested in each language through their URL prefix.
    translation.activate("en")
    from testing_center.delivery.fast_save import forget_facts_in_process

    forget_facts_in_process()
    yield
    translation.deactivate()
    celery_app.conf.task_always_eager = previous


@pytest.fixture
def roles(db):
    from eqyzmet.services import roles_setup

    roles_setup()


@pytest.fixture
def postgresql_only():
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: set DATABASE_URL (bash .ci/run does)")


@pytest.fixture(scope="session")
def browser_type_launch_args():
    if not Path(CHROMIUM).exists():
        pytest.skip(f"needs Chromium at {CHROMIUM} (bash .ci/run installs Debian's chromium)")
    return {
        "executable_path": CHROMIUM,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-quic",
            "--no-first-run",
            "--disable-sync",
        ],
    }


@pytest.fixture
def browser_context_args(browser_context_args):
    return {**browser_context_args, "locale": "kk-KZ"}
