# make pdf   - set everything up (first time), then build build/pamphlet.pdf
# make test  - run the whole test suite
# make clean - remove build/ and caches (not .venv)

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DEBIAN_PACKAGES := libharfbuzz-subset0 libpango-1.0-0 libpangoft2-1.0-0
TEST_PACKAGES := poppler-utils qpdf ghostscript chromium

.PHONY: thumbnails pdf test clean setup system-packages test-packages diff watch bench proof package

BASE ?= HEAD
# make pdf BROCHURE=examples/event-leaflet - any brochure folder; its PDF goes to
# build/NAME/pamphlet.pdf (the guide's, BROCHURE=brochure, to build/pamphlet.pdf)
BROCHURE ?= brochure
OUT ?= $(if $(filter brochure brochure/,$(BROCHURE)),build/pamphlet.pdf,build/$(notdir $(abspath $(BROCHURE)))/pamphlet.pdf)

pdf: $(STAMP)
	$(BIN)/pamphlet build --brochure $(BROCHURE) --out $(OUT) --screen --check --resident

test: $(STAMP) test-packages
	$(BIN)/python -m pytest -q

setup: $(STAMP)

$(STAMP): pyproject.toml requirements.lock
	@$(MAKE) --no-print-directory system-packages
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements.lock
	$(BIN)/pip install --quiet --disable-pip-version-check --no-deps -e .
	@touch $@

# Debian packages: installed when we are root on Debian, otherwise named.
system-packages:
	@scripts/need-debian-packages $(DEBIAN_PACKAGES)

test-packages:
	@scripts/need-debian-packages $(TEST_PACKAGES)

# make bench - time the builds against plain WeasyPrint (prints; asserts nothing)
bench: $(STAMP)
	$(BIN)/python scripts/bench.py

# make proof - the imposition proof and folded dummy: build/pamphlet-imposed.pdf, -dummy.pdf
proof: pdf
	$(BIN)/pamphlet impose build/pamphlet.pdf --brochure brochure

# make package - what the print vendor receives: build/package/ and build/package.zip
# (refuses uncommitted sources; make package PACKAGE_FLAGS=--allow-dirty to send them anyway)
package: $(STAMP)
	$(BIN)/pamphlet package --brochure brochure --out build/package $(PACKAGE_FLAGS)

# make watch - rebuild on every save
watch: $(STAMP)
	$(BIN)/pamphlet watch --brochure $(BROCHURE) --out $(OUT)

# make diff BASE=<git ref> - what changed on the pages since BASE (default: HEAD)
diff: $(STAMP)
	$(BIN)/python scripts/make_diff.py --base $(BASE) --brochure $(BROCHURE)

# make thumbnails - the kit's thumbnails in docs/kit/ (tests/test_kit.py fails when stale)
thumbnails: $(STAMP)
	$(BIN)/python scripts/kit_thumbnails.py

clean:
	rm -rf build .pytest_cache
	find . -name __pycache__ -type d -not -path './$(VENV)/*' -prune -exec rm -rf {} +
