# The two commands a newcomer needs: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
FLASK := $(VENV)/bin/flask --app wsgi
PORT ?= 5000
INSTALLED := $(VENV)/.installed
MO_FILES := $(patsubst %.po,%.mo,$(wildcard portal/translations/*/LC_MESSAGES/messages.po))

.PHONY: run test test-sqlite test-postgres lint bench translations extract-messages clean

$(INSTALLED): setup.cfg pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || \
	  { echo "Python 3.11 or newer is needed"; exit 1; }
	@$(PYTHON) -m venv $(VENV) || { echo "Install Python's venv module: apt-get install python3-venv"; exit 1; }
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[test]"
	touch $(INSTALLED)

%.mo: %.po $(INSTALLED)
	$(VENV)/bin/pybabel compile --statistics -i $< -o $@

translations: $(MO_FILES)

instance:
	mkdir -p instance

run: $(INSTALLED) translations instance
	$(FLASK) db upgrade
	$(FLASK) seed reference
	$(FLASK) seed demo --if-empty
	@echo "Serving the portal on http://127.0.0.1:$(PORT)"
	$(FLASK) run --host 127.0.0.1 --port $(PORT)

# The whole suite on SQLite, then again on PostgreSQL when PORTAL_TEST_DATABASE_URL is set.
test: test-sqlite test-postgres

test-sqlite: $(INSTALLED) translations
	env -u PORTAL_TEST_DATABASE_URL $(PY) -m pytest

test-postgres: $(INSTALLED) translations
	@if [ -n "$$PORTAL_TEST_DATABASE_URL" ]; then \
	  $(PY) -m pytest; \
	elif [ "$$CI" = "true" ]; then \
	  echo "CI must set PORTAL_TEST_DATABASE_URL: the suite has to run on PostgreSQL too"; exit 1; \
	else \
	  echo "PORTAL_TEST_DATABASE_URL is not set: the PostgreSQL run is skipped (CI sets it)"; \
	fi

lint: $(INSTALLED)
	$(VENV)/bin/ruff check .

bench: $(INSTALLED) translations
	$(PY) -m tests.bench

extract-messages: $(INSTALLED)
	$(VENV)/bin/pybabel extract -F babel.cfg -k _l -k lazy_gettext --no-location \
	  --ignore-dirs ".* __pycache__" \
	  -o portal/translations/messages.pot .
	$(VENV)/bin/pybabel update -i portal/translations/messages.pot -d portal/translations \
	  --no-fuzzy-matching

clean:
	rm -rf $(VENV) .pytest_cache
