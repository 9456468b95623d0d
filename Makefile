# Entry points; CMake does the real work. `make test` is what CI runs.
JOBS ?= $(shell nproc)
SHARED := ../shared
STATETESTS := $(SHARED)/fixtures/ethereum-tests/GeneralStateTests

.PHONY: all deps build build-asan build-tsan run test clean

all: build

deps:
	./scripts/install-deps.sh

build: deps
	cmake -S . -B build -DCMAKE_BUILD_TYPE=Release >/dev/null
	cmake --build build -j $(JOBS)

build-asan: deps
	cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=RelWithDebInfo -DBRAID_SANITIZE=ON >/dev/null
	cmake --build build-asan -j $(JOBS)

# ThreadSanitizer build of the parallel executor's tests (the rest of the suite has no threads of its own).
build-tsan: deps
	cmake -S . -B build-tsan -DCMAKE_BUILD_TYPE=RelWithDebInfo -DBRAID_TSAN=ON >/dev/null
	cmake --build build-tsan -j $(JOBS) --target test_parallel test_trie_parallel test_http test_rpc braid

# The main job: a development node on http://127.0.0.1:8545 with the 10 standard dev accounts (chain
# data in ./braid-data; stop with Ctrl-C, start again to resume the same chain).
run: build
	./build/braid node --dev

test: build build-asan build-tsan
	./scripts/run-tests.sh

clean:
	rm -rf build build-asan build-tsan
