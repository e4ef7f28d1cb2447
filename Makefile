# ipvs_exporter — two commands on a fresh Debian machine:
#   make run    install what is missing, build, start the exporter on :9911
#   make test   install what the tests need, build, run every test
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

SWIFT ?= swift
ARGS ?=
# Build packages: the C libraries the exporter links (libnl for netlink, zlib for gzip).
BUILD_PACKAGES := pkg-config libnl-3-dev libnl-genl-3-dev zlib1g-dev
# Test packages: promtool and a real Prometheus, curl for the HTTP checks.
TEST_PACKAGES := prometheus curl ca-certificates

.PHONY: help deps test-deps build build-debug run test test-swift clean

help: ## Show the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F ':.*## ' '{printf "  make %-14s %s\n", $$1, $$2}'

deps: ## Install the Debian packages needed to build
	@scripts/ensure-packages $(BUILD_PACKAGES)

test-deps: deps ## Install the Debian packages the tests need
	@scripts/ensure-packages $(TEST_PACKAGES)

build: deps ## Build the release binary (.build/release/ipvs_exporter)
	$(SWIFT) build -c release --product ipvs_exporter

build-debug: deps
	$(SWIFT) build --build-tests

run: build ## Build and run the exporter (pass flags with ARGS="...")
	.build/release/ipvs_exporter $(ARGS)

test: test-deps ## Build and run every test
	$(MAKE) test-swift

test-swift: build-debug ## Unit and integration tests (Swift Testing)
	IPVS_REQUIRE_TOOLS=1 $(SWIFT) test --skip-build

clean: ## Remove build output
	rm -rf .build
