# 政务公开工作台 — set-up and everyday commands. `make run` and `make test` work on a clean clone.
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: run test test-fast lint dist bench clean translations

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV) || python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	touch $(STAMP)

run: $(STAMP)
	$(VENV)/bin/gongkai-desktop $(ARGS)

# The tests run in one process per core (pytest-xdist); each uses its own files and databases.
test: $(STAMP)
	$(PY) -m pytest -n auto $(PYTEST_ARGS)

test-fast: $(STAMP)
	$(PY) -m pytest -n auto -m "not slow" $(PYTEST_ARGS)

lint: $(STAMP)
	$(VENV)/bin/ruff check gongkai_desktop ui tests bench

dist: $(STAMP)
	$(PY) -m pip install --quiet -e '.[dist]'
	$(VENV)/bin/pyinstaller --noconfirm --clean build.spec

# Qt's strings that its own qtbase_zh_CN.qm leaves in English (see the .ts).
translations: $(STAMP)
	$(VENV)/bin/pyside6-lrelease resources/translations/gongkai_qt_zh_CN.ts -qm resources/translations/gongkai_qt_zh_CN.qm

bench: $(STAMP)
	for b in bench/*.py; do $(PY) $$b || exit 1; done

clean:
	rm -rf build dist .pytest_cache
