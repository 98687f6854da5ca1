# BorderLink developer commands. `make help` lists them.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= python3
UV_SYSTEM := $(shell command -v uv 2>/dev/null)
UV := $(if $(UV_SYSTEM),$(UV_SYSTEM),.tools/bin/uv)
RUN := $(UV) run --frozen
STAMP := .venv/.synced

.PHONY: help install demo test test-unit test-integration test-e2e test-browser browser-deps print-deps lint bench check-migrations clean

help: ## List the targets
	@awk 'BEGIN {FS = ":.*## "} /^[a-zA-Z0-9_-]+:.*## / {printf "  %-18s %s\n", $$1, $$2}' $(MAKEFILE_LIST)

.tools/bin/uv:
	@echo "Installing uv into .tools/ ..."
	@$(PYTHON) -m venv .tools
	@.tools/bin/pip install --quiet --disable-pip-version-check uv

$(STAMP): pyproject.toml uv.lock | $(if $(UV_SYSTEM),,.tools/bin/uv)
	@$(UV) sync --frozen --quiet
	@touch $(STAMP)

install: $(STAMP) ## Install the project and its tools into .venv

demo: $(STAMP) ## Run the VN node (:8701) and the CN node (:8702) with demo data; Ctrl-C stops both
	@$(RUN) borderlink demo --root .demo

test: $(STAMP) ## Run the whole test suite (PostgreSQL too when BORDERLINK_TEST_DATABASE_URL is set)
	@$(RUN) pytest -q -p no:cacheprovider tests

test-unit: $(STAMP) ## Run the unit tests only
	@$(RUN) pytest -q tests/unit

test-integration: $(STAMP) ## Run the integration tests only
	@$(RUN) pytest -q tests/integration

test-e2e: $(STAMP) ## Run the two-node end-to-end tests only
	@$(RUN) pytest -q tests/e2e

test-browser: $(STAMP) ## Run the real-browser journeys only (screenshots go to artifacts/screenshots/)
	@$(RUN) pytest -q tests/browser

# The browser tests drive Debian's Chromium (never a browser downloaded by a test tool) and need a
# font with Chinese characters for readable screenshots of the zh_Hans pages.
CHROMIUM ?= /usr/bin/chromium
AS_ROOT := $(if $(filter 0,$(shell id -u)),,sudo)

browser-deps: ## Install Debian's Chromium and a CJK font for the browser tests, if missing
	@missing=""; \
	[ -x "$(CHROMIUM)" ] || missing="$$missing chromium"; \
	dpkg -s fonts-wqy-zenhei >/dev/null 2>&1 || missing="$$missing fonts-wqy-zenhei"; \
	if [ -z "$$missing" ]; then echo "browser-deps: $(CHROMIUM) and its fonts are installed"; exit 0; fi; \
	echo "browser-deps: installing$$missing from Debian's packages ..."; \
	$(AS_ROOT) env DEBIAN_FRONTEND=noninteractive apt-get update -qq && \
	$(AS_ROOT) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing \
	  >/dev/null && echo "browser-deps: installed$$missing"

# Printed records and their PDFs (WeasyPrint) need Pango and HarfBuzz from the system, and fonts
# for Latin and Vietnamese (DejaVu) and Chinese (WenQuanYi Zen Hei) text.
PRINT_PACKAGES := libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core fonts-wqy-zenhei

print-deps: ## Install the system libraries and fonts WeasyPrint needs for printed records, if missing
	@missing=""; \
	for package in $(PRINT_PACKAGES); do dpkg -s $$package >/dev/null 2>&1 || missing="$$missing $$package"; done; \
	if [ -z "$$missing" ]; then echo "print-deps: Pango and the print fonts are installed"; exit 0; fi; \
	echo "print-deps: installing$$missing from Debian's packages ..."; \
	$(AS_ROOT) env DEBIAN_FRONTEND=noninteractive apt-get update -qq && \
	$(AS_ROOT) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing \
	  >/dev/null && echo "print-deps: installed$$missing"

lint: $(STAMP) ## ruff and mypy --strict
	@$(RUN) ruff check src tests bench
	@$(RUN) mypy

.PHONY: i18n i18n-check
i18n: $(STAMP) ## Extract the messages from code and templates; update the vi, zh_Hans, en catalogs
	@$(RUN) python -m borderlink.web.i18n_tools extract

i18n-check: $(STAMP) ## Fail if a message in code or templates is missing or untranslated (vi, zh_Hans)
	@$(RUN) python -m borderlink.web.i18n_tools check

check-migrations: $(STAMP) ## Fail if the models and the migrations disagree
	@$(RUN) borderlink db check --database-url "$${BORDERLINK_TEST_DATABASE_URL:-sqlite:///$$(mktemp -d)/check.db}"

bench: $(STAMP) ## Run the benchmarks and print their figures
	@$(RUN) python -m bench.run_all

clean: ## Remove the virtual environment, caches and demo data
	rm -rf .venv .tools .demo .pytest_cache .mypy_cache .ruff_cache artifacts
