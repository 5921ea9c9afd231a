# The two commands: `make run` and `make test`. Paths are relative so a checkout in a folder
# whose name has spaces works; tools are called as `python -m …` for the same reason.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
RUN_STAMP := $(VENV)/.installed-run
TEST_STAMP := $(VENV)/.installed-test

.PHONY: run test bench clean

$(PY):
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "yitang needs Python 3.11 or newer")'
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip

$(RUN_STAMP): requirements.txt | $(PY)
	$(PY) -m pip install -q -r requirements.txt
	@touch $(RUN_STAMP)

$(TEST_STAMP): requirements.txt requirements-dev.txt | $(PY)
	$(PY) -m pip install -q -r requirements-dev.txt
	@touch $(TEST_STAMP) $(RUN_STAMP)

config.toml:
	cp config.example.toml config.toml
	@echo "created config.toml from config.example.toml (development values)"

run: $(RUN_STAMP) config.toml
	$(PY) -m flask --app webhook init-db
	$(PY) -m flask --app webhook seed-demo
	$(PY) -m flask --app webhook dev

test: $(TEST_STAMP)
	$(PY) -m pytest

bench: $(TEST_STAMP)
	for script in bench/*.py; do $(PY) "$$script" || exit 1; done

clean:
	rm -rf $(VENV) var
