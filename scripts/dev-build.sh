#!/usr/bin/env bash
# Developer loop: build cssegment._core in BUILD_DIR (default build/dev) and drop it into
# python/cssegment so that `PYTHONPATH=python pytest` uses it without reinstalling.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$root/build/dev}
python=${PYTHON:-python3}
cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DCSSEGMENT_BUILD_PYTHON=ON \
  -DCSSEGMENT_BUILD_TESTS=ON -DCSSEGMENT_BUILD_EXAMPLES=OFF -DCSSEGMENT_INSTALL=OFF \
  -Dpybind11_DIR="$("$python" -m pybind11 --cmakedir)" -DPython_EXECUTABLE="$(command -v "$python")" >/dev/null
cmake --build "$build" --target _core
# Replace the module by rename, never in place: a running interpreter may have it mapped.
module=$(ls "$build"/src/python/_core*.so)
cp -f "$module" "$root/python/cssegment/.$(basename "$module").tmp"
mv -f "$root/python/cssegment/.$(basename "$module").tmp" "$root/python/cssegment/$(basename "$module")"
