#!/usr/bin/env bash
# Every test: set up (if needed), then the C++ suites (CTest), the installed CMake package with
# its find_package consumer, the add_subdirectory consumer, and the Python suites (pytest, which
# also runs the quickstart).
set -euo pipefail
source "$(dirname "$0")/setup.sh"
jobs=$(nproc 2>/dev/null || echo 2)
prefix="$root/build/prefix"

echo "==> C++ core and Boost.Test suites"
cmake -S . -B build/cpp -G Ninja -DCMAKE_BUILD_TYPE=Release -DCSSEGMENT_BUILD_TESTS=ON \
  -DCSSEGMENT_BUILD_EXAMPLES=ON -DCMAKE_INSTALL_PREFIX="$prefix" >/dev/null
cmake --build build/cpp -j "$jobs"
ctest --test-dir build/cpp --output-on-failure -j "$jobs"

echo "==> installed package: find_package(cssegment) consumer in examples/cpp"
rm -rf "$prefix"
cmake --install build/cpp >/dev/null
cmake -S examples/cpp -B build/example -G Ninja -DCMAKE_PREFIX_PATH="$prefix" >/dev/null
cmake --build build/example
./build/example/segment_accounts

echo "==> add_subdirectory consumer in tests/package"
cmake -S tests/package -B build/package -G Ninja >/dev/null
cmake --build build/package
ctest --test-dir build/package --output-on-failure

echo "==> Python style (ruff)"
ruff check python/cssegment tests/python examples benchmarks
ruff format --check python/cssegment tests/python examples benchmarks

echo "==> Python suites"
python -m pytest tests/python
