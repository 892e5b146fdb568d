"""The README's `make run` serves the home page on a fresh SQLite database."""

from __future__ import annotations

import os
import subprocess

import pytest

from tests.conftest import REPO
from tests.integration_helpers import free_port, stop_process_group, wait_for_http

pytestmark = pytest.mark.slow


def test_make_run_serves_the_translated_home_page(tmp_path):
    port = free_port()
    env = {**os.environ, "EQYZMET_VAR_DIR": str(tmp_path), "PORT": str(port)}
    process = subprocess.Popen(
        ["make", "run", f"PORT={port}"],
        cwd=REPO,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    try:
        status = wait_for_http(f"http://127.0.0.1:{port}/kk/", timeout=240, process=process)
        assert status == 200
        import urllib.request

        with urllib.request.urlopen(f"http://127.0.0.1:{port}/ru/") as response:
            assert "Поступайте на госслужбу по заслугам" in response.read().decode()
    finally:
        output = stop_process_group(process)
    assert "Demo data ready." in output, output[-3000:]
    assert (tmp_path / "eqyzmet.sqlite3").exists()
