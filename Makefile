# Baomi — the two commands of the quick start are `make run` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
HOST   ?= 127.0.0.1:8000

.PHONY: run test lint bench venv messages guide clean

$(STAMP): pyproject.toml constraints.txt setup.py baomi/audit/_links.c
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[dev]'
	touch $@

venv: $(STAMP)

run: venv
	$(BIN)/baomi migrate --noinput
	$(BIN)/baomi demo
	$(BIN)/baomi serve $(HOST)

test: venv
	scripts/test.sh

lint: venv
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy baomi

bench: venv
	scripts/bench.sh

# the user guide's pictures: the browser tests take them, and this refreshes docs/guide/img
guide: venv
	BAOMI_GUIDE_SHOTS=1 $(BIN)/pytest -p no:cacheprovider tests/e2e

messages: venv
	cd baomi && ../$(BIN)/baomi makemessages -l zh_Hans -l en --no-obsolete && ../$(BIN)/baomi compilemessages

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache
