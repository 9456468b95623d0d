# Entry points; CMake does the real work. `make test` is what CI runs.
JOBS ?= $(shell nproc)
SHARED := ../shared
STATETESTS := $(SHARED)/fixtures/ethereum-tests/GeneralStateTests

.PHONY: all deps build build-asan run test unit-test statetest asan-test bench clean

all: build

deps:
	./scripts/install-deps.sh

build: deps
	cmake -S . -B build -DCMAKE_BUILD_TYPE=Release >/dev/null
	cmake --build build -j $(JOBS)

build-asan: deps
	cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=RelWithDebInfo -DBRAID_SANITIZE=ON >/dev/null
	cmake --build build-asan -j $(JOBS)

# The main job: until the node exists, run the whole state-test suite with a progress display.
run: build
	./build/braid statetest --progress $(STATETESTS)

test: build build-asan
	./scripts/run-tests.sh

clean:
	rm -rf build build-asan
