"""docker-compose.yml describes the multi-machine deployment (no Docker engine runs here)."""

from __future__ import annotations

import yaml

from tests.conftest import REPO


def test_compose_file_has_the_full_stack_with_health_checks_and_volumes():
    compose = yaml.safe_load((REPO / "docker-compose.yml").read_text())
    services = compose["services"]
    assert {"web", "worker", "beat", "postgres", "redis"} <= set(services)
    for name in ("web", "postgres", "redis", "worker"):
        assert "healthcheck" in services[name], name
    assert "gunicorn" in " ".join(services["web"]["command"])
    assert "worker" in " ".join(services["worker"]["command"])
    assert "beat" in " ".join(services["beat"]["command"])
    for name in ("web", "worker", "beat"):
        env = services[name]["environment"]
        assert env["DATABASE_URL"].startswith("postgres://")
        assert env["REDIS_URL"].startswith("redis://")
        depends = services[name]["depends_on"]
        assert depends["postgres"]["condition"] == "service_healthy"
    assert {"postgres-data"} <= set(compose["volumes"])
    assert (REPO / "Dockerfile").exists()


def test_web_runs_gunicorn_with_the_private_access_log_config():
    compose = yaml.safe_load((REPO / "docker-compose.yml").read_text())
    command = " ".join(compose["services"]["web"]["command"])
    assert "-c python:eqyzmet.gunicorn_conf" in command
    # The default access-log format (address, browser, full URL) must not come back.
    assert "--access-logformat" not in command and "--access-logfile" not in command
    dockerfile = (REPO / "Dockerfile").read_text()
    cmd = next(line for line in dockerfile.splitlines() if line.startswith("CMD "))
    assert '"-c", "python:eqyzmet.gunicorn_conf"' in cmd
    assert (REPO / "eqyzmet" / "gunicorn_conf.py").exists()


def test_compose_tells_the_app_about_its_reverse_proxy():
    compose = yaml.safe_load((REPO / "docker-compose.yml").read_text())
    env = compose["services"]["web"]["environment"]
    assert env["EQYZMET_TRUSTED_PROXIES"] == "${EQYZMET_TRUSTED_PROXIES:-1}"


def test_web_and_workers_reach_postgresql_through_pgbouncer_in_transaction_pooling():
    compose = yaml.safe_load((REPO / "docker-compose.yml").read_text())
    services = compose["services"]
    bouncer = services["pgbouncer"]
    assert bouncer["environment"]["POOL_MODE"] == "transaction"
    assert "@postgres:5432/" in bouncer["environment"]["DATABASE_URL"]
    assert "healthcheck" in bouncer
    for name in ("web", "worker", "beat"):
        env = services[name]["environment"]
        assert "@pgbouncer:5432/" in env["DATABASE_URL"], name
        assert env["DATABASE_POOLER"] == "pgbouncer", name
