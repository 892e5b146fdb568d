"""Settings of the ceiling: what a bare Django needs to answer one view from PostgreSQL.

Only ``DATABASE_URL`` and ``DATABASE_CONN_MAX_AGE`` are read, so the database and the
connection reuse are eQyzmet's own (the benchmark passes the same values to both servers).
Everything else is Django's default: no installed apps, no middleware, no health checks
of reused connections.
"""

from __future__ import annotations

import os
import secrets

import environ

# Nothing is signed here; each worker may hold its own key.
SECRET_KEY = os.environ.get("CEILING_SECRET_KEY") or secrets.token_urlsafe(50)
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]

INSTALLED_APPS: list[str] = []
MIDDLEWARE: list[str] = []
ROOT_URLCONF = "benchmarks.ceiling.urls"
WSGI_APPLICATION = "benchmarks.ceiling.wsgi.application"

DATABASES = {"default": environ.Env.db_url_config(os.environ["DATABASE_URL"])}
DATABASES["default"]["ENGINE"] = "django.db.backends.postgresql"
DATABASES["default"]["CONN_MAX_AGE"] = int(os.environ.get("DATABASE_CONN_MAX_AGE", "60"))

USE_TZ = True
