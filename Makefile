# Jellybridge — developer verbs. The README's quick start is `make run` and `make test`.
# Both install missing Debian packages first (scripts/deps.sh) and are safe to re-run.

BUILD_DIR ?= build
BUILD_TYPE ?= RelWithDebInfo
JOBS ?= $(shell nproc)
CTEST_JOBS ?= 2

.PHONY: all deps configure build test test-unit test-asan test-tsan run bench format format-check \
  clean fuzz

all: build

deps:
	@./scripts/deps.sh

configure: deps
	@if [ ! -f $(BUILD_DIR)/build.ninja ]; then \
	  cmake -G Ninja -S . -B $(BUILD_DIR) -DCMAKE_BUILD_TYPE=$(BUILD_TYPE); \
	fi

build: configure
	@cmake --build $(BUILD_DIR) -j $(JOBS)

# Every test: unit, integration (real redis-server), end-to-end (the real binaries),
# the web front end in Debian's Chromium (node packages from tests/browser's lock
# file, installed by scripts/browser-deps.sh), the stand-in's contract tests, and the
# static check of compose.yaml.
test: build
	@./scripts/browser-deps.sh
	@cd $(BUILD_DIR) && ctest --output-on-failure -j $(CTEST_JOBS) --timeout 600

# Only the fast unit tests (no Redis, no processes): seconds.
test-unit: build
	@cd $(BUILD_DIR) && ctest --output-on-failure -j $(CTEST_JOBS) -L unit

# Every test again, with everything of ours (services, stand-in, tests) built with
# sanitizers, each in its own build directory: AddressSanitizer + LeakSanitizer +
# UndefinedBehaviorSanitizer, or ThreadSanitizer. A finding in any process fails the run
# (cmake/sanitizers.cmake). Benchmarks are not built there.
test-asan: deps
	@cmake -G Ninja -S . -B build-asan -DCMAKE_BUILD_TYPE=$(BUILD_TYPE) -DJB_SANITIZE=address \
	  -DJB_BUILD_BENCH=OFF >/dev/null
	@cmake --build build-asan -j $(JOBS)
	@./scripts/browser-deps.sh
	@cd build-asan && ctest --output-on-failure -j $(CTEST_JOBS) --timeout 600

test-tsan: deps
	@cmake -G Ninja -S . -B build-tsan -DCMAKE_BUILD_TYPE=$(BUILD_TYPE) -DJB_SANITIZE=thread \
	  -DJB_BUILD_BENCH=OFF >/dev/null
	@cmake --build build-tsan -j $(JOBS)
	@./scripts/browser-deps.sh
	@cd build-tsan && ctest --output-on-failure -j $(CTEST_JOBS) --timeout 600

# libFuzzer targets (fuzz/README.md): built with clang, ASan and UBSan in build-fuzz/, then each
# run FUZZ_SECONDS from its seed corpus (fuzz/corpus/); fails when any target finds a crash.
# FUZZ_TARGETS="redis_url config_values" runs only those; FUZZ_JOBS targets run at a time.
FUZZ_SECONDS ?= 60
fuzz: deps
	@if [ ! -f build-fuzz/build.ninja ]; then \
	  cmake -G Ninja -S . -B build-fuzz -DCMAKE_BUILD_TYPE=RelWithDebInfo \
	    -DCMAKE_CXX_COMPILER=clang++ -DJB_BUILD_FUZZ=ON -DJB_BUILD_TESTS=OFF -DJB_BUILD_BENCH=OFF \
	    >/dev/null; \
	fi
	@cmake --build build-fuzz -j $(JOBS) --target fuzz_targets
	@./fuzz/run.sh build-fuzz $(FUZZ_SECONDS)

# Starts Redis (AOF under ./var/), a demo Jellyfin stand-in when JB_JELLYFIN_URL is
# not set, and all services. Ctrl-C stops everything.
run: build
	@./scripts/run.sh $(BUILD_DIR)

# Benchmarks print their figures (see bench/README.md).
bench: build
	@./scripts/browser-deps.sh
	@./scripts/bench.sh $(BUILD_DIR)

format: deps
	@git ls-files '*.cpp' '*.h' | xargs clang-format -i

# Fails (and lists the files) when a source file differs from .clang-format.
format-check: deps
	@bad=$$(git ls-files '*.cpp' '*.h' | xargs clang-format --dry-run 2>&1 | grep -o '^[^:]*:[0-9]*:[0-9]*: warning' | cut -d: -f1 | sort -u); \
	if [ -n "$$bad" ]; then echo "not formatted (run make format):"; echo "$$bad"; exit 1; fi; \
	echo "format-check: every source file follows .clang-format"

clean:
	rm -rf $(BUILD_DIR)
