"""Settings for eQyzmet, read from the environment in one place.

A laptop needs nothing set: SQLite in ``var/``, tasks run eagerly, development secrets are
generated into ``var/dev-secrets.json`` (git-ignored). Production (``DJANGO_ENV=production``)
requires every secret from the environment and passes ``manage.py check --deploy``.
Every variable is listed in the README's configuration table.
"""

from __future__ import annotations

from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from eqyzmet.config import (
    development_secrets,
    env_bool,
    env_choice,
    env_fernet_keys,
    env_float,
    env_int,
    env_list,
    env_str,
)

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("EQYZMET_VAR_DIR", str(BASE_DIR / "var")))

DJANGO_ENV = env_choice("DJANGO_ENV", "development", ("development", "production"))
PRODUCTION = DJANGO_ENV == "production"

_dev = None if PRODUCTION else development_secrets(VAR_DIR / "dev-secrets.json")

SECRET_KEY = env_str("DJANGO_SECRET_KEY", None if PRODUCTION else _dev["secret_key"])
if not SECRET_KEY:
    raise ImproperlyConfigured("The environment variable DJANGO_SECRET_KEY must be set.")
if PRODUCTION and len(SECRET_KEY) < 50:
    raise ImproperlyConfigured("DJANGO_SECRET_KEY must be at least 50 characters long.")

DEBUG = env_bool("DJANGO_DEBUG", default=not PRODUCTION)
if PRODUCTION and DEBUG:
    raise ImproperlyConfigured("DJANGO_DEBUG must be false when DJANGO_ENV=production.")

ALLOWED_HOSTS = env_list(
    "DJANGO_ALLOWED_HOSTS", [] if PRODUCTION else ["127.0.0.1", "localhost", "[::1]", "testserver"]
)
if PRODUCTION and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("DJANGO_ALLOWED_HOSTS must list the site's host names.")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", [])
# The site's address for links in e-mails that background tasks send (they have no request
# to ask): the first allowed host over HTTPS in production unless set.
EQYZMET_SITE_URL = (
    env_str("EQYZMET_SITE_URL")
    or (f"https://{ALLOWED_HOSTS[0].lstrip('.')}" if PRODUCTION else "http://127.0.0.1:8000")
).rstrip("/")
if not EQYZMET_SITE_URL.startswith(("http://", "https://")):
    raise ImproperlyConfigured("EQYZMET_SITE_URL must start with http:// or https://.")

# --- Applications ------------------------------------------------------------------------

INSTALLED_APPS = [
    "eqyzmet",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_htmx",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "axes",
    "recruitment",
    "testing_center",
    "evaluation",
    "ethics",
    "careers",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "eqyzmet.middleware.SecurityHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Early: NUL, lone surrogates, deep JSON and oversized bodies get a 400 before any
    # view or query sees them (after auth only so the 400 page can render the header).
    "eqyzmet.middleware.HostileInputMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "eqyzmet.twofactor.middleware.SecondFactorMiddleware",
    # After the second factor: a person who agreed to an older privacy notice agrees to the
    # current one before the candidate pages open.
    "eqyzmet.accounts.middleware.ConsentMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Last, as django-axes asks: turns a locked-out sign-in into the lockout page.
    "axes.middleware.AxesMiddleware",
]

# The fast lane (``eqyzmet.fastlane``): the requests that come in floods, answered in front
# of Django when every check the full stack would make passes without a query, declined to
# the full stack otherwise. What it does for each entry of MIDDLEWARE is named in
# ``eqyzmet.fastlane.MIDDLEWARE_DECISIONS`` (a test fails when MIDDLEWARE gains an entry
# not decided on).
FAST_LANES = {"testing_center:save": "testing_center.views.attempt_save_lean"}

ROOT_URLCONF = "eqyzmet.urls"
WSGI_APPLICATION = "eqyzmet.wsgi.application"
ASGI_APPLICATION = "eqyzmet.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "eqyzmet.context_processors.navigation",
            ],
            # The money and place filters, and unlocalize for numbers in form fields
            # (<input type="number"> takes "4.5", never the Kazakh or Russian "4,5").
            "builtins": ["eqyzmet.templatetags.display", "django.templatetags.l10n"],
        },
    },
]

# --- Database ----------------------------------------------------------------------------

_DATABASE_ENGINES = {
    "postgres": "django.db.backends.postgresql",
    "postgresql": "django.db.backends.postgresql",
    "pgsql": "django.db.backends.postgresql",
    "sqlite": "django.db.backends.sqlite3",
}
_database_url = env_str("DATABASE_URL")
if _database_url:
    _scheme = _database_url.split("://", 1)[0] if "://" in _database_url else ""
    if _scheme not in _DATABASE_ENGINES:
        raise ImproperlyConfigured(
            "The environment variable DATABASE_URL must look like "
            "postgres://user:password@host:5432/name or sqlite:////path/to/file.db; "
            f"got a URL with scheme {_scheme or '(none)'!r}."
        )
    _db = environ.Env.db_url_config(_database_url)
    _db["ENGINE"] = _DATABASE_ENGINES[_scheme]
else:
    _db = {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": str(Path(env_str("EQYZMET_SQLITE_PATH", str(VAR_DIR / "eqyzmet.sqlite3")))),
    }
_db["CONN_MAX_AGE"] = env_int("DATABASE_CONN_MAX_AGE", 60 if PRODUCTION else 0, minimum=0)
_db["CONN_HEALTH_CHECKS"] = True
_db["ATOMIC_REQUESTS"] = False
# Behind PgBouncer in transaction pooling mode, a connection is ours for one transaction
# only: nothing may outlive it on the server. Django's server-side cursors (.iterator() on
# PostgreSQL) do, so they are turned off; the code keeps no other session-level state (no
# SET, advisory session locks, LISTEN or temporary tables).
DATABASE_POOLER = env_choice("DATABASE_POOLER", "none", ("none", "pgbouncer"))
if DATABASE_POOLER == "pgbouncer":
    if not _db["ENGINE"].endswith("postgresql"):
        raise ImproperlyConfigured("DATABASE_POOLER=pgbouncer needs a postgres:// DATABASE_URL.")
    _db["DISABLE_SERVER_SIDE_CURSORS"] = True
elif _db["ENGINE"].endswith("postgresql"):
    # No just-in-time compilation: our queries are short, and a misestimated one (the
    # observer's ledger of a 10,000-code competition: 8 rows found, 13,000 expected) spent
    # 49 of its 122 ms compiling. Behind PgBouncer a startup option cannot be passed; set
    # jit = off on the server there (docker-compose.yml does).
    _options = _db.setdefault("OPTIONS", {})
    if "jit" not in _options.get("options", ""):  # a URL's own ?options= stays
        _options["options"] = f"{_options.get('options', '')} -c jit=off".strip()
if _db["ENGINE"].endswith("sqlite3"):
    _db["OPTIONS"] = {"timeout": 20}
    _db.setdefault("TEST", {})["NAME"] = None
DATABASES = {"default": _db}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Redis: cache and Celery broker ------------------------------------------------------

REDIS_URL = env_str("REDIS_URL")
if REDIS_URL and not REDIS_URL.startswith(("redis://", "rediss://", "unix://")):
    raise ImproperlyConfigured(
        f"The environment variable REDIS_URL must start with redis://, rediss:// or unix://; "
        f"got {REDIS_URL.split('://', 1)[0]!r}."
    )

# Parallel test runs (pytest-xdist) give each worker its own PostgreSQL database; give each
# its own Redis database too, so one worker's cache flush or Celery queue is not another's.
_xdist_worker = env_str("PYTEST_XDIST_WORKER", "")
if REDIS_URL and _xdist_worker.startswith("gw") and _xdist_worker[2:].isdigit():
    _redis_base, _slash, _redis_db = REDIS_URL.rpartition("/")
    if _redis_db.isdigit():
        REDIS_URL = f"{_redis_base}/{int(_redis_db) + 1 + int(_xdist_worker[2:])}"

if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "eqyzmet.cache.ResilientRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "eqyzmet",
            "TIMEOUT": 300,
            # Fail fast when Redis is down: the cache degrades, the request goes on.
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

CELERY_BROKER_URL = env_str("CELERY_BROKER_URL", REDIS_URL)
CELERY_RESULT_BACKEND = env_str("CELERY_RESULT_BACKEND", REDIS_URL)
# No broker means a laptop: tasks run in the request, exactly as a worker would run them.
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", default=not CELERY_BROKER_URL)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_RESULT_EXPIRES = 24 * 3600
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = env_int("CELERY_TASK_TIME_LIMIT", 15 * 60, minimum=1)
CELERY_TASK_SOFT_TIME_LIMIT = env_int("CELERY_TASK_SOFT_TIME_LIMIT", 14 * 60, minimum=1)
CELERY_TASK_DEFAULT_RETRY_DELAY = 10
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A task whose worker died (acks_late) is delivered again once this many seconds pass; it
# must exceed the longest task's time limit, or a slow task would run twice.
CELERY_VISIBILITY_TIMEOUT = env_int("CELERY_VISIBILITY_TIMEOUT", 2 * 3600, minimum=1)
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": CELERY_VISIBILITY_TIMEOUT,
    # How often a worker looks for such abandoned messages.
    "unacked_restore_interval": max(1, min(10, CELERY_VISIBILITY_TIMEOUT // 2)),
    "unacked_restore_throttle": 1,
    # Publishing must fail fast when Redis is down, so a request never hangs on it.
    "socket_connect_timeout": 2,
    "socket_timeout": 5,
}
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_TIMEZONE = "Asia/Almaty"
CELERY_BEAT_SCHEDULE: dict[str, dict] = {}
CELERY_BEAT_SCHEDULE["ethics-deadline-reminders"] = {
    # One e-mail per case and deadline kind; the task is idempotent, so the period only
    # bounds how late a reminder can be.
    "task": "ethics.send_deadline_reminders",
    "schedule": 15 * 60,
}
CELERY_BEAT_SCHEDULE["testing-center-sweep"] = {
    # Hands in papers whose time ran out with nobody on the page, requeues scoring left
    # undone while the broker was down, and starts item analysis of closed sittings.
    "task": "testing_center.sweep",
    "schedule": 30,
}

CELERY_BEAT_SCHEDULE["evaluation-annual-results"] = {
    # From 21 January (the day after the Q4 deadline) the previous year's annual scores are
    # computed as the average of the quarters; daily and idempotent, so done by 30 January.
    "task": "evaluation.compute_annual_results",
    "schedule": 6 * 3600,
}
CELERY_BEAT_SCHEDULE["evaluation-reminders"] = {
    # One e-mail per assessment and deadline (evaluation due, acknowledge/contest by).
    "task": "evaluation.send_reminders",
    "schedule": 3600,
}
CELERY_BEAT_SCHEDULE["evaluation-training-reminders"] = {
    # Mandatory training due within 14 days or overdue: one mail per employee, course and
    # due date (a unique row claimed before sending), so hourly runs never repeat it.
    "task": "evaluation.send_training_reminders",
    "schedule": 6 * 3600,
}
CELERY_BEAT_SCHEDULE["evaluation-retention-purge"] = {
    # Results are kept 3 years (per the cycle's frozen rules); older ones are purged, audited.
    "task": "evaluation.purge_expired_results",
    "schedule": 24 * 3600,
}
CELERY_BEAT_SCHEDULE["requeue-lost-jobs"] = {
    # Background jobs (locking a large ranking…) whose message a dead broker lost are queued
    # again; the worker's claim makes a duplicate message harmless.
    "task": "eqyzmet.requeue_lost_jobs",
    "schedule": 120,
}
CELERY_BEAT_SCHEDULE["recruitment-notifications-sweep"] = {
    # Queues candidate e-mails a dead broker or worker left unsent, and raises the e-mail of
    # a lapsed reserve place; each send is claimed once, so a re-queue never duplicates.
    "task": "recruitment.sweep_notifications",
    "schedule": 120,
}
CELERY_BEAT_SCHEDULE["recruitment-search-alerts"] = {
    # One e-mail per candidate and day of new vacancies for their saved searches, from 07:00
    # Almaty; hourly, so a beat that was down at seven still sends it, and never twice.
    "task": "recruitment.send_search_alerts",
    "schedule": 3600,
}
CELERY_BEAT_SCHEDULE["careers-match-opened-vacancies"] = {
    # "Posts you can win" for competitions announced earlier whose window opens now: hourly,
    # over the last 75 minutes (each post is e-mailed to a person once at most).
    "task": "careers.match_opened_vacancies",
    "schedule": 3600,
}
CELERY_BEAT_SCHEDULE["recruitment-staff-digests"] = {
    # One digest per staff member and day, from 08:00 Almaty; hourly, so a beat that was down
    # at eight still sends it, and never twice (the day's row is the claim).
    "task": "recruitment.send_staff_digests",
    "schedule": 3600,
}
CELERY_BEAT_SCHEDULE["recruitment-contract-expiry"] = {
    # 30 days before a contract employee's contract ends, one e-mail to HR and the project's
    # responsible official (per contract and end date, so an extension is reminded again).
    "task": "recruitment.send_contract_expiry_reminders",
    "schedule": 24 * 3600,
}

# --- Users, passwords, sessions ----------------------------------------------------------

AUTH_USER_MODEL = "eqyzmet.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
# Django's rules with their messages in kk/ru/en (Django has no Kazakh for them).
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "eqyzmet.accounts.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "eqyzmet.accounts.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "eqyzmet.accounts.password_validation.CommonPasswordValidator"},
    {"NAME": "eqyzmet.accounts.password_validation.NumericPasswordValidator"},
]
# The number of reverse proxies in front of the application that each append the address
# they saw to X-Forwarded-For (nginx with proxy_add_x_forwarded_for: 1). The client is then
# the N-th address from the right; 0 ignores the header. Rate limits and the sign-in lockout
# key on that address (eqyzmet.throttling.client_address).
EQYZMET_TRUSTED_PROXIES = env_int("EQYZMET_TRUSTED_PROXIES", 0, minimum=0)

# Failed sign-ins lock out one e-mail address from one IP address (django-axes). The first
# backend only counts and refuses; sign-ins without a request (the test client's login(),
# scripts) are not web attempts and pass through to Django's own backend.
AUTHENTICATION_BACKENDS = [
    "eqyzmet.accounts.backends.SignInLockoutBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_ENABLED = env_bool("AXES_ENABLED", default=True)
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = 1  # hours
# The pair, not the e-mail address alone: an attacker's wrong passwords must not lock the
# owner out of the account.
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_CLIENT_IP_CALLABLE = "eqyzmet.throttling.axes_client_address"
# The sign-in form's field is "username" (it holds the e-mail address), not USERNAME_FIELD.
AXES_USERNAME_FORM_FIELD = "username"
AXES_USERNAME_CALLABLE = "eqyzmet.accounts.backends.sign_in_username"
AXES_LOCKOUT_TEMPLATE = "registration/lockout.html"
AXES_RESET_ON_SUCCESS = True
# Keep no log of successful sign-ins (IP addresses, browsers): only failures are counted.
AXES_DISABLE_ACCESS_LOG = True
# Staff roles and administrators must sign in with a second factor (TOTP).
EQYZMET_STAFF_2FA = env_bool("EQYZMET_STAFF_2FA", default=True)
OTP_TOTP_ISSUER = "eQyzmet"
# With Redis, a session is read from the cache and written through to the database: a
# candidate autosaving every few seconds costs no session query. Without a shared cache
# (a laptop) sessions stay in the database, so several processes never disagree.
SESSION_ENGINE = (
    "django.contrib.sessions.backends.cached_db"
    if REDIS_URL
    else "django.contrib.sessions.backends.db"
)
SESSION_COOKIE_AGE = 8 * 3600
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"

# --- Personal data: privacy notice and retention ----------------------------------------

# The privacy notice's version. Raise it when the notice changes: every signed-in person
# who agreed to an older version is asked to agree to the new one before the candidate
# pages open again (eqyzmet.accounts.middleware.ConsentMiddleware).
PRIVACY_NOTICE_VERSION = env_str("EQYZMET_PRIVACY_NOTICE_VERSION", "2026-1")
# How long records are kept after a person deletes their account, in years; shown on the
# privacy notice and the deletion page. Applications, stage results and appeals are the
# competition's record; the identity of an appointed person or one in the personnel reserve
# is kept for the personnel file; consents are the proof of what was agreed to.
EQYZMET_RETENTION_APPLICATION_YEARS = env_int("EQYZMET_RETENTION_APPLICATION_YEARS", 5, minimum=1)
EQYZMET_RETENTION_IDENTITY_YEARS = env_int("EQYZMET_RETENTION_IDENTITY_YEARS", 5, minimum=1)
EQYZMET_RETENTION_CONSENT_YEARS = env_int("EQYZMET_RETENTION_CONSENT_YEARS", 5, minimum=1)

# --- Personal-data vault -----------------------------------------------------------------

EQYZMET_FERNET_KEYS = env_fernet_keys(
    "EQYZMET_FERNET_KEYS", None if PRODUCTION else list(_dev["fernet_keys"])
)
EQYZMET_BLIND_INDEX_KEY = env_str(
    "EQYZMET_BLIND_INDEX_KEY", None if PRODUCTION else _dev["blind_index_key"]
)
if not EQYZMET_BLIND_INDEX_KEY:
    raise ImproperlyConfigured("The environment variable EQYZMET_BLIND_INDEX_KEY must be set.")
if len(EQYZMET_BLIND_INDEX_KEY) < 32:
    raise ImproperlyConfigured("EQYZMET_BLIND_INDEX_KEY must be at least 32 characters long.")

# Uploaded documents are private: kept outside the static root, served only by views that
# check permission.
MEDIA_ROOT = Path(env_str("EQYZMET_MEDIA_ROOT", str(VAR_DIR / "media")))
MEDIA_URL = "/media-not-served/"
# Issue 18: an essay stage's AI scorer whose mean absolute error for one equality group is
# more than this many points (on the stage's scale) above the other groups' raises a case.
EQYZMET_SCORER_GAP_THRESHOLD = env_float("EQYZMET_SCORER_GAP_THRESHOLD", 0.5, minimum=0)

EQYZMET_UPLOAD_MAX_BYTES = env_int("EQYZMET_UPLOAD_MAX_BYTES", 10 * 1024 * 1024, minimum=1024)
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# --- Languages and time ------------------------------------------------------------------

LANGUAGE_CODE = "kk"
LANGUAGES = [
    ("kk", _("Kazakh")),
    ("ru", _("Russian")),
    ("en", _("English")),
]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
# One way to write a date, a moment and a number per language: eqyzmet/formats/<lang>/.
# Grouping is not switched on for every number (USE_THOUSAND_SEPARATOR): ids, years and
# form values printed in templates ("2026", value="1234") must stay plain. Amounts people
# read are grouped on purpose by the money filter and eqyzmet.formats.format_number.
FORMAT_MODULE_PATH = ["eqyzmet.formats"]
USE_THOUSAND_SEPARATOR = False
TIME_ZONE = "Asia/Almaty"
USE_TZ = True
LANGUAGE_COOKIE_NAME = "eqyzmet_language"
LANGUAGE_COOKIE_AGE = 365 * 24 * 3600
LANGUAGE_COOKIE_SAMESITE = "Lax"

# --- Static files ------------------------------------------------------------------------

STATIC_URL = "/static/"
STATIC_ROOT = Path(env_str("DJANGO_STATIC_ROOT", str(VAR_DIR / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "static"]
# Outside production, serve straight from static/ (no collectstatic step on a laptop or in tests).
WHITENOISE_USE_FINDERS = not PRODUCTION
WHITENOISE_AUTOREFRESH = DEBUG
if not PRODUCTION:
    STATIC_ROOT.mkdir(parents=True, exist_ok=True)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}

# --- REST API ----------------------------------------------------------------------------

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "eqyzmet.api_auth.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_THROTTLE_CLASSES": [
        "rest_framework.throttling.AnonRateThrottle",
        "rest_framework.throttling.UserRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": env_str("API_THROTTLE_ANON", "120/minute"),
        "user": env_str("API_THROTTLE_USER", "1200/minute"),
    },
    "EXCEPTION_HANDLER": "eqyzmet.api.api_exception_handler",
    "DEFAULT_PARSER_CLASSES": [
        "eqyzmet.parsers.JSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
}
# DRF's anonymous throttle must find the client behind the same proxies (with its default,
# None, it keys on the whole X-Forwarded-For header, which the client writes).
REST_FRAMEWORK["NUM_PROXIES"] = EQYZMET_TRUSTED_PROXIES
SPECTACULAR_SETTINGS = {
    "TITLE": "eQyzmet API",
    "DESCRIPTION": "Anonymised competitive hiring into the civil service.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # Integers are 64-bit: the request guard refuses larger ones with a 400.
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "eqyzmet.api.schema_integer_bounds",
    ],
}

# --- E-mail ------------------------------------------------------------------------------

_email_url = env_str("EMAIL_URL", "smtp://localhost:25" if PRODUCTION else "consolemail://")
try:
    globals().update(environ.Env.email_url_config(_email_url))
except (KeyError, ValueError):
    raise ImproperlyConfigured(
        "The environment variable EMAIL_URL must look like smtp://user:password@host:587 "
        "or consolemail://."
    ) from None
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "eQyzmet <no-reply@eqyzmet.local>")

# --- Security ----------------------------------------------------------------------------

X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
if PRODUCTION:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    LANGUAGE_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
    SECURE_HSTS_SECONDS = env_int("DJANGO_SECURE_HSTS_SECONDS", 31536000, minimum=0)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_bool("DJANGO_SECURE_HSTS_PRELOAD", default=True)
    if env_bool("DJANGO_BEHIND_TLS_PROXY", default=False):
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# --- Logging -----------------------------------------------------------------------------

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
    },
    # Django logs every 4xx/5xx with its path: paths of anonymous reporters and citizens,
    # and one-time tokens in paths, are replaced by a label (eqyzmet.access_log).
    "filters": {"private_paths": {"()": "eqyzmet.access_log.PrivatePathFilter"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "plain",
            "filters": ["private_paths"],
        }
    },
    "root": {
        "handlers": ["console"],
        "level": env_choice(
            "DJANGO_LOG_LEVEL", "INFO", ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")
        ),
    },
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # Also on the logger, so Django's own console handler (DEBUG) sees the label too.
        "django.request": {"filters": ["private_paths"]},
        # django-axes logs every sign-in at INFO; failures still show at WARNING.
        "axes": {"level": "WARNING"},
    },
}
