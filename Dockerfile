# One image for web, worker and beat.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1
RUN apt-get update && apt-get install -y --no-install-recommends gettext curl \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY pyproject.toml README.md ./
COPY eqyzmet/ eqyzmet/
COPY recruitment/ recruitment/
COPY testing_center/ testing_center/
COPY evaluation/ evaluation/
COPY ethics/ ethics/
RUN pip install .
COPY . .
# Build-time only values: collectstatic needs settings to load, never used at run time.
RUN DJANGO_SECRET_KEY=build EQYZMET_VAR_DIR=/tmp/build \
    python manage.py compilemessages --ignore=.venv --verbosity 0 \
    && DJANGO_ENV=development EQYZMET_VAR_DIR=/tmp/build DJANGO_STATIC_ROOT=/app/staticfiles \
    python manage.py collectstatic --noinput --verbosity 0 \
    && rm -rf /tmp/build
RUN useradd --system --uid 1000 eqyzmet && mkdir -p /app/var && chown eqyzmet /app/var
USER eqyzmet
EXPOSE 8000
# The access log keeps no address, browser or query, and no reporter's request at all.
CMD ["gunicorn", "-c", "python:eqyzmet.gunicorn_conf", "eqyzmet.wsgi", "--bind", "0.0.0.0:8000", "--workers", "4"]
