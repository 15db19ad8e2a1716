# The few targets people type. `make demo` and `make test` set everything up first,
# Graphviz included, so each is the one command the README promises.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
# Pango (which Graphviz pulls in too) typesets the answer PDF and the book with WeasyPrint.
APT_PACKAGES := graphviz fonts-dejavu-core fonts-humor-sans libpango-1.0-0 libpangoft2-1.0-0
# The browser tests drive the system's Chromium (Playwright never downloads a browser here);
# poppler-utils' pdftoppm turns the PDFs into pictures to look at.
TEST_APT_PACKAGES := chromium poppler-utils

.PHONY: setup system-deps test-deps apt-install demo test bench lint clean

setup: system-deps $(VENV)/.installed

# Graphviz (`dot`), the DejaVu fonts the diagrams are laid out with, and Humor Sans, the
# handwriting font of the whiteboard theme.
system-deps:
	@if ! command -v dot >/dev/null || ! fc-list 2>/dev/null | grep -q DejaVuSans.ttf \
		|| ! fc-list 2>/dev/null | grep -qi "Humor Sans"; then \
		$(MAKE) --no-print-directory apt-install PACKAGES="$(APT_PACKAGES)" BREW="graphviz font-humor-sans"; \
	fi

test-deps: tests/excalidraw/node_modules/.package-lock.json
	@if { ! command -v chromium >/dev/null && ! command -v chromium-browser >/dev/null; } \
		|| ! command -v pdftoppm >/dev/null; then \
		$(MAKE) --no-print-directory apt-install PACKAGES="$(TEST_APT_PACKAGES)" BREW="--cask chromium"; \
	fi

# Excalidraw's own exporter (@excalidraw/utils), which renders our .excalidraw exports in a test.
tests/excalidraw/node_modules/.package-lock.json: tests/excalidraw/package-lock.json
	@command -v npm >/dev/null || $(MAKE) --no-print-directory apt-install PACKAGES="nodejs npm" BREW="node"
	npm ci --prefix tests/excalidraw --no-audit --no-fund

apt-install:
	@if command -v apt-get >/dev/null; then \
		$(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq $(PACKAGES); \
	elif command -v brew >/dev/null; then \
		brew install $(BREW); \
	else \
		echo "Install $(PACKAGES) with your package manager." >&2; exit 1; \
	fi

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

# Build every example design and the portfolio site into output/.
demo: setup
	$(BIN)/mlsd build designs -o output

test: setup test-deps
	$(BIN)/python -m pytest -q --durations=20
	$(BIN)/ruff check mlsd_diagrams tests bench tools
	$(BIN)/mypy

# Side-by-side timings and ratios (a report, not a test); needs the bench extra (D2).
bench: setup
	$(BIN)/python -m pip install --quiet -e '.[bench]'
	$(BIN)/python bench/bench.py

lint: setup
	$(BIN)/ruff check mlsd_diagrams tests bench tools
	$(BIN)/ruff format --check mlsd_diagrams tests bench tools
	$(BIN)/mypy

clean:
	rm -rf output .pytest_cache
