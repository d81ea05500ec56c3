# SPDX-License-Identifier: Apache-2.0
# A thin wrapper over CMake. `make run` and `make check` are the README's quick start.

BUILD      ?= build
ASAN_BUILD ?= build-asan
FUZZ_BUILD ?= build-fuzz
JOBS       ?= $(shell nproc)
FUZZ_SECONDS ?= 60
DATA       ?= porch-data
MAKEFLAGS  += --no-print-directory

.PHONY: all run check unit e2e fuzz bench clean deps

all: $(BUILD)/porch

$(BUILD)/porch: FORCE
	@scripts/deps.sh build
	@cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=Release -DPORCH_TESTS=OFF -DPORCH_WERROR=OFF >/dev/null
	@cmake --build $(BUILD) -j$(JOBS) --target porch

run: $(BUILD)/porch
	@scripts/run-demo.sh $(BUILD)/porch $(DATA)

# Release flags with -Werror (-O2 and _FORTIFY_SOURCE find warnings -O1 does not), then the
# sanitizer build with -Werror, unit tests through ctest (on SQLite and on a throwaway
# PostgreSQL cluster), then the end-to-end suite on both backends.
check:
	@scripts/deps.sh check
	@cmake -S . -B build-release-check -DCMAKE_BUILD_TYPE=Release -DPORCH_TESTS=OFF -DPORCH_WERROR=ON >/dev/null
	@cmake --build build-release-check -j$(JOBS) --target porch
	@cmake -S . -B $(ASAN_BUILD) -DCMAKE_BUILD_TYPE=Debug -DPORCH_SANITIZE=ON -DPORCH_WERROR=ON >/dev/null
	@cmake --build $(ASAN_BUILD) -j$(JOBS)
	@scripts/check.sh $(ASAN_BUILD)

unit:
	@cmake -S . -B $(ASAN_BUILD) -DCMAKE_BUILD_TYPE=Debug -DPORCH_SANITIZE=ON >/dev/null
	@cmake --build $(ASAN_BUILD) -j$(JOBS)
	@cd $(ASAN_BUILD) && ctest --output-on-failure -j$(JOBS)

e2e:
	@cmake --build $(ASAN_BUILD) -j$(JOBS) --target porch
	@PORCH_BIN=$(CURDIR)/$(ASAN_BUILD)/porch tests/e2e/run.sh

fuzz:
	@scripts/deps.sh fuzz
	@CC=clang cmake -S . -B $(FUZZ_BUILD) -DCMAKE_BUILD_TYPE=Debug -DPORCH_FUZZ=ON -DPORCH_TESTS=OFF >/dev/null
	@cmake --build $(FUZZ_BUILD) -j$(JOBS)
	@scripts/fuzz.sh $(FUZZ_BUILD) $(FUZZ_SECONDS)

bench: $(BUILD)/porch
	@scripts/deps.sh bench
	@PORCH_BIN=$(CURDIR)/$(BUILD)/porch bench/run.sh

clean:
	rm -rf $(BUILD) $(ASAN_BUILD) $(FUZZ_BUILD) build-release-check

FORCE:
