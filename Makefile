# Two commands do everything on a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: demo test install clean browser bench

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	$(BIN)/kg info
	$(BIN)/kg risk --top 5
	$(BIN)/kg report -o out/report.html

# Headless Chromium for the browser tests of `kg view` (Debian packages; needs root).
browser:
	@command -v chromium >/dev/null || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive \
		apt-get install -y -qq chromium chromium-driver fonts-wqy-zenhei >/dev/null)

test: $(STAMP) browser
	$(BIN)/python -m pytest

# Benchmarks at 1k, 10k and 100k firms against naive baselines; writes bench/RESULTS.md (see bench/README.md).
bench: $(STAMP) browser
	$(BIN)/python -m bench.run --sizes 1000,10000,100000 --repeat 3

clean:
	rm -rf $(VENV) build *.egg-info
