# Two entry points for a fresh machine: `make demo` and `make test`. Each installs what it needs.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
OUT := out

.PHONY: demo test test-slow test-clients check fmt bench clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

demo: $(STAMP)
	mkdir -p $(OUT)
	rm -f $(OUT)/letter.sqlite $(OUT)/letter.sqlite-wal $(OUT)/letter.sqlite-shm
	$(BIN)/untm build examples/letter/letter.en.md examples/letter/letter.ar.md \
		examples/letter/letter.es.md examples/letter/letter.fr.md \
		examples/letter/letter.ru.md examples/letter/letter.zh.md \
		--memory $(OUT)/letter.sqlite --tmx $(OUT)/letter.tmx --glossary $(OUT)/letter.tbx

test: $(STAMP) check
	$(BIN)/python -m pytest -q

test-slow: $(STAMP)
	$(BIN)/python -m pytest -q -m slow

# The real CAT-client checks (OmegaT 3.6 headless, the TMX 1.4 DTD from OmegaT.jar): installs
# Debian's omegat when it is missing (needs root), then runs the tests marked omegat.
test-clients: $(STAMP)
	command -v omegat >/dev/null || (apt-get update -qq && apt-get install -y -qq omegat)
	$(BIN)/python -m pytest -q -m omegat -rs

check: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy tm tmx glossaries cli server

fmt: $(STAMP)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

bench: $(STAMP)
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) $(OUT) dist build
