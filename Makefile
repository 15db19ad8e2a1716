# The few targets people type. `make demo` and `make test` set everything up first,
# Graphviz included, so each is the one command the README promises.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
APT_PACKAGES := graphviz fonts-dejavu-core

.PHONY: setup system-deps demo render test lint clean

setup: system-deps $(VENV)/.installed

# Graphviz (`dot`) and the DejaVu fonts the diagrams are laid out with.
system-deps:
	@if ! command -v dot >/dev/null || ! fc-list 2>/dev/null | grep -q DejaVuSans.ttf; then \
		if command -v apt-get >/dev/null; then \
			$(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq $(APT_PACKAGES); \
		elif command -v brew >/dev/null; then \
			brew install graphviz; \
		else \
			echo "Install Graphviz (dot) and DejaVu fonts with your package manager." >&2; exit 1; \
		fi; \
	fi

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

# Render every example design into output/.
demo: setup
	$(BIN)/mlsd render designs/*.yaml -o output/

test: setup
	$(BIN)/python -m pytest -q
	$(BIN)/ruff check mlsd_diagrams tests

lint: setup
	$(BIN)/ruff check mlsd_diagrams tests
	$(BIN)/ruff format --check mlsd_diagrams tests

clean:
	rm -rf output .pytest_cache
