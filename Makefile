# Mothership: the two commands are `make run` and `make test`; the rest are their parts.
SHELL := /bin/bash
.DEFAULT_GOAL := run
JOBS ?= 2
DATA_DIR ?= ./var
HTTP_LISTEN ?= 127.0.0.1:8080
MQTT_LISTEN ?= 127.0.0.1:1883

FUZZ_SECONDS ?= 30

.PHONY: run test deps build build-debug build-release web web-test e2e bench fmt fuzz clean

deps:
	@scripts/setup-deps

build-release: deps
	@cmake --preset release >/dev/null
	@cmake --build --preset release -j $(JOBS) --target mothership mothership-sim

build-debug: deps
	@cmake --preset debug >/dev/null
	@cmake --build --preset debug -j $(JOBS)

web: deps
	@cd web && npm run --silent build

build: build-release web

run: build
	@DATA_DIR=$(DATA_DIR) HTTP_LISTEN=$(HTTP_LISTEN) MQTT_LISTEN=$(MQTT_LISTEN) scripts/run-server

web-test: deps
	@cd web && npm run --silent check:api && npm run --silent lint && npm test --silent

e2e: build-debug web
	@cd web && MOTHERSHIP_BIN=$(CURDIR)/build/debug/mothership E2E_OUT=$(CURDIR)/build/e2e-out npm run --silent e2e

# Every test: C++ unit and integration (ASan+UBSan build), a short fuzz run, web unit tests,
# browser end-to-end.
test: build-debug web
	@ctest --preset debug -j $(JOBS) --timeout 300
	@scripts/fuzz 20
	@$(MAKE) --no-print-directory web-test
	@$(MAKE) --no-print-directory e2e

fuzz: deps
	@scripts/fuzz $(FUZZ_SECONDS)

bench: build-release
	@cmake --build --preset release -j $(JOBS) --target mqtt_load >/dev/null
	@bench/http/run
	@bench/mqtt/run
	@bench/onboarding/run
	@bench/ota/run
	@bench/ota/rollout

fmt:
	@git ls-files '*.cpp' '*.hpp' | xargs clang-format -i

clean:
	@rm -rf build web/dist
