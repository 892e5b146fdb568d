"""Settings come from the environment, fail loudly on nonsense, and production is hardened."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from cryptography.fernet import Fernet

from tests.conftest import REPO

PRODUCTION_ENV = {
    "DJANGO_ENV": "production",
    "DJANGO_SECRET_KEY": "x" * 20 + "-production-secret-key-with-enough-entropy-9f3a1c",
    "DJANGO_ALLOWED_HOSTS": "eqyzmet.example.kz",
    "EQYZMET_FERNET_KEYS": Fernet.generate_key().decode(),
    "EQYZMET_BLIND_INDEX_KEY": "b" * 48,
    "DATABASE_URL": "postgres://eqyzmet@db.example.kz:5432/eqyzmet",
    "REDIS_URL": "redis://cache.example.kz:6379/0",
}


def manage(*args: str, env: dict[str, str], tmp_path) -> subprocess.CompletedProcess:
    base = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DJANGO_", "EQYZMET_", "DATABASE_", "REDIS_", "CELERY_"))
    }
    base["EQYZMET_VAR_DIR"] = str(tmp_path)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=REPO,
        env={**base, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("DJANGO_DEBUG", "maybe"),
        ("DATABASE_URL", "mysql://root@localhost/eqyzmet"),
        ("REDIS_URL", "http://localhost:6379"),
        ("EQYZMET_FERNET_KEYS", "not-a-fernet-key"),
        ("DATABASE_CONN_MAX_AGE", "forever"),
        ("DJANGO_ENV", "staging"),
        ("DJANGO_LOG_LEVEL", "LOUD"),
        ("CELERY_TASK_TIME_LIMIT", "0"),
        ("DATABASE_POOLER", "pgpool"),
    ],
)
def test_a_bad_value_stops_start_up_naming_the_variable(variable, value, tmp_path):
    result = manage("check", env={variable: value}, tmp_path=tmp_path)
    assert result.returncode != 0
    assert variable in result.stderr
    assert "ImproperlyConfigured" in result.stderr


@pytest.mark.parametrize(
    "missing", ["DJANGO_SECRET_KEY", "EQYZMET_FERNET_KEYS", "EQYZMET_BLIND_INDEX_KEY"]
)
def test_production_refuses_to_start_without_its_secrets(missing, tmp_path):
    env = {k: v for k, v in PRODUCTION_ENV.items() if k != missing}
    result = manage("check", env=env, tmp_path=tmp_path)
    assert result.returncode != 0
    assert missing in result.stderr


def test_production_profile_passes_check_deploy_with_no_warnings(tmp_path):
    result = manage(
        "check", "--deploy", "--fail-level", "DEBUG", env=PRODUCTION_ENV, tmp_path=tmp_path
    )
    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout


def test_a_laptop_needs_no_configuration_and_generates_its_secrets(tmp_path):
    result = manage("check", env={}, tmp_path=tmp_path)
    assert result.returncode == 0, result.stderr
    secrets_file = tmp_path / "dev-secrets.json"
    assert secrets_file.exists()
    assert oct(secrets_file.stat().st_mode & 0o777) == "0o600"


def test_behind_pgbouncer_no_server_side_cursor_outlives_a_transaction(tmp_path):
    env = {**PRODUCTION_ENV, "DATABASE_POOLER": "pgbouncer"}
    code = (
        "from django.conf import settings;"
        "print(settings.DATABASES['default'].get('DISABLE_SERVER_SIDE_CURSORS'))"
    )
    result = manage("shell", "-c", code, env=env, tmp_path=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "True"
    plain = manage("shell", "-c", code, env=PRODUCTION_ENV, tmp_path=tmp_path)
    assert plain.stdout.strip().splitlines()[-1] == "None"


def test_pgbouncer_mode_refuses_a_database_that_is_not_postgresql(tmp_path):
    result = manage("check", env={"DATABASE_POOLER": "pgbouncer"}, tmp_path=tmp_path)
    assert result.returncode != 0
    assert "DATABASE_POOLER=pgbouncer needs a postgres:// DATABASE_URL" in result.stderr


@pytest.mark.django_db
def test_postgresql_connections_compile_no_query_just_in_time(postgresql_only):
    """A misestimated query spent 40 % of its time in JIT compilation (settings.DATABASES);
    behind PgBouncer the server's own setting does it (docker-compose.yml)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone()[0] == "off"


def test_behind_pgbouncer_no_startup_option_is_sent(tmp_path):
    """PgBouncer refuses startup parameters it does not track, such as ``options``."""
    code = "from django.conf import settings;print(settings.DATABASES['default'].get('OPTIONS'))"
    behind = manage(
        "shell",
        "-c",
        code,
        env={**PRODUCTION_ENV, "DATABASE_POOLER": "pgbouncer"},
        tmp_path=tmp_path,
    )
    assert behind.returncode == 0, behind.stderr
    assert "jit" not in behind.stdout
    direct = manage("shell", "-c", code, env=PRODUCTION_ENV, tmp_path=tmp_path)
    assert "-c jit=off" in direct.stdout.strip().splitlines()[-1]
    own = {
        **PRODUCTION_ENV,
        "DATABASE_URL": PRODUCTION_ENV["DATABASE_URL"] + "?options=-c%20statement_timeout%3D5000",
    }
    kept = manage("shell", "-c", code, env=own, tmp_path=tmp_path)
    assert "-c statement_timeout=5000 -c jit=off" in kept.stdout.strip().splitlines()[-1]
