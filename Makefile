# ipvs_exporter — two commands on a fresh Debian machine:
#   make run    install what is missing, build, start the exporter on :9911
#   make test   install what the tests need, build, run every test
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

SWIFT ?= swift
ARGS ?=
# Build packages: the C libraries the exporter links (libnl for netlink, zlib for gzip,
# libcrypt for the bcrypt hashes of --web.config.file).
BUILD_PACKAGES := pkg-config libnl-3-dev libnl-genl-3-dev zlib1g-dev libcrypt-dev
# Test packages: promtool and a real Prometheus, curl for the HTTP checks, python3-jsonschema
# for the SARIF schema, python3-yaml to read the alert rules' tests, bsdutils for script(1) (a
# terminal for the colour test), keepalived for --config-test agreement with the linter, systemd
# for systemd-analyze on the packaged unit, strace for the system calls its filter must allow.
TEST_PACKAGES := prometheus curl ca-certificates openssl python3 python3-jsonschema python3-yaml bsdutils keepalived systemd strace
# The kernel lab: QEMU and what goes into the VM image (taken from the host's own packages).
KERNEL_LAB_PACKAGES := qemu-system-x86 busybox-static cpio kmod ipvsadm iptables nftables iproute2 \
	netcat-openbsd socat procps util-linux bc xz-utils zstd python3 ipset
# Benchmarks: the load generators and Debian's node_exporter to compare with.
BENCH_PACKAGES := hyperfine wrk prometheus-node-exporter curl python3
LAB_RESULTS ?= .build/kernel-lab/results
LAB_JOBS ?= 2
LAB_KERNELS ?= 5.10 6.1 6.12

.PHONY: help deps test-deps kernel-deps bench-deps bench bench-smoke fuzz fuzz-smoke build build-debug build-static install run test test-swift test-kernel test-load demo test-demo test-stress lint-format format lab-fixtures clean

help: ## Show the targets
	@grep -hE '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F ':.*## ' '{printf "  make %-14s %s\n", $$1, $$2}'

deps: ## Install the Debian packages needed to build
	@scripts/ensure-packages $(BUILD_PACKAGES)

test-deps: deps ## Install the Debian packages the tests need
	@scripts/ensure-packages $(TEST_PACKAGES)

kernel-deps: deps ## Install what the kernel lab needs (QEMU, busybox, ipvsadm, iptables…)
	@scripts/ensure-packages $(KERNEL_LAB_PACKAGES)

bench-deps: deps
	@scripts/ensure-packages $(BENCH_PACKAGES)

bench: bench-deps kernel-deps ## Measure against node_exporter, wc -l and ipvsadm; writes BENCHMARKS.md
	Benchmarks/run.sh --out BENCHMARKS.md

FUZZ_SECONDS ?= 300
fuzz: deps ## Fuzz every parser with libFuzzer + ASan, FUZZ_SECONDS each; grows Fuzz/corpus and Fuzz/ledger.tsv
	Fuzz/run.sh --seconds $(FUZZ_SECONDS) $(FUZZ_TARGETS)
	Fuzz/run.sh --report > /dev/null

fuzz-smoke: deps ## 3,000 runs per fuzz target: the build and every target still work (in make test)
	Fuzz/run.sh --smoke

bench-smoke: bench-deps ## A tiny run of the benchmarks, to keep them working (no figures)
	Benchmarks/run.sh --smoke > /dev/null

# Release links use lld with packed relative relocations (DT_RELR, glibc 2.36+): the binary stays
# position-independent, and the loader no longer reads 2.3 MB of relocation records at every
# start (idle RSS of the static binary 22.8 -> 18.6 MB; BENCHMARKS.md). scripts/release-link-flags
# is shared with Benchmarks/run.sh so that both build the same .build/release.
RELEASE_FLAGS := $(shell cat scripts/release-link-flags)

build: deps ## Build the release binary (.build/release/ipvs_exporter)
	$(SWIFT) build -c release --product ipvs_exporter $(RELEASE_FLAGS)

build-debug: deps
	$(SWIFT) build --build-tests

build-static: deps ## The exporter with the Swift runtime linked in, as the kernel lab runs it
	$(SWIFT) build -c release --product ipvs_exporter --static-swift-stdlib --scratch-path .build-static $(RELEASE_FLAGS)
	$(SWIFT) build -c release --product ipvs-lab-netlink --static-swift-stdlib --scratch-path .build-static $(RELEASE_FLAGS)

PREFIX ?= /usr/local
DESTDIR ?=
install: build-static ## Install the static binary and the systemd unit (PREFIX=/usr/local, DESTDIR=)
	install -D -m 0755 .build-static/release/ipvs_exporter $(DESTDIR)$(PREFIX)/bin/ipvs_exporter
	install -D -m 0644 packaging/ipvs_exporter.service $(DESTDIR)/etc/systemd/system/ipvs_exporter.service
	install -D -m 0644 packaging/ipvs_exporter.socket $(DESTDIR)/etc/systemd/system/ipvs_exporter.socket
	@echo "installed; now: systemctl daemon-reload && systemctl enable --now ipvs_exporter"

run: build ## Build and run the exporter (pass flags with ARGS="...")
	.build/release/ipvs_exporter $(ARGS)

test: test-deps kernel-deps bench-deps ## Build and run every test, the kernel lab included
	$(MAKE) lint-format
	$(MAKE) test-swift
	$(MAKE) test-kernel
	$(MAKE) test-load
	$(MAKE) test-demo
	$(MAKE) bench-smoke
	$(MAKE) fuzz-smoke
	$(MAKE) test-kubernetes
	$(MAKE) test-package
	$(MAKE) test-rpm
	$(MAKE) test-image

# Every Swift file of the package, as .swift-format lays it out (the toolchain's swift-format).
FORMAT_PATHS := Sources Tests Benchmarks Fuzz Plugins Package.swift

lint-format: ## Check the Swift layout (swift format lint --strict); `make format` fixes it
	$(SWIFT) format lint --strict --recursive --parallel $(FORMAT_PATHS)

format: ## Lay out every Swift file as .swift-format says
	$(SWIFT) format format --in-place --recursive --parallel $(FORMAT_PATHS)

test-swift: build-debug ## Unit and integration tests (Swift Testing)
	IPVS_REQUIRE_TOOLS=1 $(SWIFT) test --skip-build

# Every scenario on each kernel (results in LAB_RESULTS/KERNEL), then that kernel's comparison;
# a failing kernel does not hide the others' results. LAB_KERNELS="6.1" for one.
test-kernel: kernel-deps build-static build-debug ## Boot each real IPVS kernel (5.10, 6.1, 6.12) per scenario and compare with ipvsadm
	@failed=""; for kernel in $(LAB_KERNELS); do \
		echo "== kernel $$kernel"; \
		Tests/Kernel/run-lab.sh -j $(LAB_JOBS) -k $$kernel -o $(LAB_RESULTS)/$$kernel || failed="$$failed $$kernel(lab)"; \
		IPVS_LAB_RESULTS=$(abspath $(LAB_RESULTS))/$$kernel $(SWIFT) test --skip-build \
			--filter 'KernelLabTests|LabComparisonTests' || failed="$$failed $$kernel(tests)"; \
	done; \
	if [ -n "$$failed" ]; then echo "test-kernel failed on:$$failed" >&2; exit 1; fi

test-load: build-static bench-deps ## Floods, slowloris, slow readers, wrong passwords while a client scrapes (Tests/Load/load-test.sh)
	Tests/Load/load-test.sh .build-static/release/ipvs_exporter 15

demo: kernel-deps test-deps build-static ## See it live: the lab's director with traffic, its exporter on :9911, Prometheus with our alerts on :9090 (Ctrl-C stops)
	demo/run.sh

test-demo: kernel-deps test-deps build-static ## make demo, checked: live values, a quiesced server's alert pending, a clean stop
	Tests/Demo/demo-test.sh

test-stress: test-deps ## The server and integration suites 20 times, then every test 3 times, under stress-ng --cpu N
	@scripts/ensure-packages stress-ng bc
	Tests/Load/stress-tests.sh 20 3

lab-fixtures: ## Copy 6.1's lab recordings into Tests/Fixtures/lab (review, then commit)
	rm -rf Tests/Fixtures/lab/lint-inputs Tests/Fixtures/lab/netlink
	mkdir -p Tests/Fixtures/lab
	cp -r $(LAB_RESULTS)/6.1/lint-inputs/lint Tests/Fixtures/lab/lint-inputs
	cp $(LAB_RESULTS)/6.1/lint-inputs/dr-port-rewrite.txt Tests/Fixtures/lab/lint-inputs/
	for capture in $(LAB_RESULTS)/6.1/*/*/netlink-dump; do \
		dir=$$(dirname $$capture); name=$$(basename $$(dirname $$dir))-$$(basename $$dir); \
		mkdir -p Tests/Fixtures/lab/netlink/$$name/before Tests/Fixtures/lab/netlink/$$name/after; \
		cp $$capture/*.bin Tests/Fixtures/lab/netlink/$$name/; \
		for view in before after; do \
			cp $$dir/$$view/{list,stats,rate,persistent,thresholds,tun,timeout,daemon}.txt Tests/Fixtures/lab/netlink/$$name/$$view/; \
		done; \
	done

clean: ## Remove build output
	rm -rf .build .build-static .build-fuzz
include deploy/kubernetes/kubernetes.mk

# The Debian package, the release archive and their test: make deb, make dist, make test-package.
include packaging/package.mk
include packaging/image.mk
