#!/usr/bin/env bash
# Every test: set up (if needed), then the C++ suites (CTest; Release, under ASan + UBSan, and the
# concurrency suite under ThreadSanitizer), the libFuzzer targets for a bounded time, the installed
# CMake package with its find_package consumer, the add_subdirectory consumer, style and strict
# typing checks, the Python suites (pytest: also the quickstart, the notebook and every docstring
# example) and the documentation, built with warnings as errors.
set -euo pipefail
source "$(dirname "$0")/setup.sh"
jobs=$(nproc 2>/dev/null || echo 2)
# Each step announces itself with the minutes spent so far, so a slow CI run shows where it went.
step() { echo "==> [$((SECONDS / 60))m$((SECONDS % 60))s] $*"; }
prefix="$root/build/prefix"

step "C++ core and Boost.Test suites (Release)"
cmake --preset release >/dev/null
cmake --build --preset release -j "$jobs"
ctest --preset release -j "$jobs"

step "C++ suites again under AddressSanitizer + UndefinedBehaviorSanitizer, warnings as errors"
cmake --preset sanitize >/dev/null
cmake --build --preset sanitize -j "$jobs"
ctest --preset sanitize -j "$jobs"

step "C++ concurrent use of const models under ThreadSanitizer"
cmake --preset tsan >/dev/null
cmake --build --preset tsan -j "$jobs"
ctest --preset tsan -j "$jobs"

step "libFuzzer targets under ASan + UBSan, each for a bounded time"
bash scripts/fuzz.sh

step "installed package: find_package(cssegment) consumer in examples/cpp"
rm -rf "$prefix"
cmake --install build/cpp >/dev/null
cmake -S examples/cpp -B build/example -G Ninja -DCMAKE_PREFIX_PATH="$prefix" >/dev/null
cmake --build build/example
./build/example/segment_accounts

step "add_subdirectory consumer in tests/package"
cmake -S tests/package -B build/package -G Ninja >/dev/null
cmake --build build/package
ctest --test-dir build/package --output-on-failure

step "Python style (ruff)"
ruff check python/cssegment tests/python examples benchmarks
ruff format --check python/cssegment tests/python examples benchmarks

step "Python typing (mypy --strict, configured in pyproject.toml)"
mypy

step "Python suites"
python -m pytest tests/python

step "documentation (Sphinx, warnings as errors)"
bash scripts/docs.sh
step "all tests passed"
