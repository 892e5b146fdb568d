# eQyzmet — the two commands a new machine needs: `make run` and `make test`.
PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
PORT   ?= 8000
# The suite runs one worker more than there are cores, at most four (one PostgreSQL and one
# Redis database each): the browser and server tests wait on other processes, and on two
# cores a third worker fills that time (the whole suite 1,455 -> 1,302 s, measured).
TEST_JOBS ?= $(shell python3 -c "import os; print(min(4, len(os.sched_getaffinity(0)) + 1))")
# `make run` is the laptop profile: SQLite in var/, Celery tasks run eagerly.
# The demo signs staff in without a second factor so the demo accounts work at once;
# production (and any deployment that leaves EQYZMET_STAFF_2FA alone) requires it.
LAPTOP := env -u DATABASE_URL -u REDIS_URL -u CELERY_BROKER_URL -u CELERY_RESULT_BACKEND DJANGO_ENV=development EQYZMET_STAFF_2FA=false

.PHONY: install messages catalogues run test lint format migrate worker beat clean

$(VENV)/.installed: pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[dev]"
	touch $@

install: $(VENV)/.installed

messages: install
	@command -v msgfmt >/dev/null || { echo "msgfmt not found: install gettext (apt-get install gettext)"; exit 1; }
	$(PY) manage.py compilemessages --ignore=.venv --ignore=var --verbosity 0

run: messages
	$(LAPTOP) $(PY) manage.py migrate --noinput
	$(LAPTOP) $(PY) manage.py setup_roles
	$(LAPTOP) $(PY) manage.py seed_demo
	$(LAPTOP) $(PY) manage.py runserver 127.0.0.1:$(PORT)

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports --no-cache

format: install
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

test: messages lint
	$(PY) manage.py makemigrations --check --dry-run
	$(PY) -m pytest -n $(TEST_JOBS) --maxprocesses 4 --dist loadfile $(PYTEST_ARGS)

migrate: install
	$(PY) manage.py migrate --noinput

worker: install
	$(VENV)/bin/celery -A eqyzmet worker --loglevel=INFO

beat: install
	$(VENV)/bin/celery -A eqyzmet beat --loglevel=INFO

clean:
	rm -rf $(VENV) var .pytest_cache .ruff_cache

# Refresh the catalogues after adding or changing a translatable string, then translate
# the new entries in locale/kk and locale/ru (tests/test_translations.py checks).
catalogues: install
	$(PY) manage.py makemessages -l kk -l ru -l en --no-location --ignore=.venv --ignore=var
