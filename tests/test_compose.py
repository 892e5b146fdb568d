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
