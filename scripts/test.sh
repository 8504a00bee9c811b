#!/usr/bin/env bash
# Every test, or the stages named: set up (if needed), then run the stages in this order.
#   cpp       C++ core and Boost.Test suites (CTest, Release, GCC)
#   clang     the C++ suites again, built with Clang
#   sanitize  the C++ suites again under ASan + UBSan, warnings as errors
#   tsan      the concurrency suite under ThreadSanitizer
#   fuzz      the libFuzzer targets, each for a bounded time (scripts/fuzz.sh)
#   package   the installed CMake package with its find_package consumer, and the
#             add_subdirectory consumer
#   portable  syntax-only compiles of every header and binding with clang++ -stdlib=libc++ (the macOS
#             standard library) and with g++ -m32 (a 32-bit target); the headers without platform hints
#   wheel     the wheel: built for Python 3.10 and 3.13 with the system's Eigen and nlohmann/json
#             hidden (PyPI's are used), auditwheel show + repair, twine check, check-wheel-contents;
#             installed into fresh venvs, where the smoke tests and the README tour run; examples/cpp
#             built against the pip-installed package (find_package and pkg-config)
#   lint      ruff check + ruff format --check, clang-format --dry-run -Werror over all C++,
#             codespell, and no private imports across cssegment modules
#   types     mypy --strict (configured in pyproject.toml)
#   py        the Python suites (pytest: also the quickstart, the notebook and every docstring example)
#   docs      the documentation, built with warnings as errors
#
#   bash scripts/test.sh               # every stage, as CI runs it
#   bash scripts/test.sh py            # one stage
#   bash scripts/test.sh lint types    # several, run in the order above
set -euo pipefail
all_stages=(cpp clang sanitize tsan fuzz package portable wheel lint types py docs)

usage() {
  echo "usage: bash scripts/test.sh [stage ...]   (no stage = all, in this order)" >&2
  echo "stages: ${all_stages[*]}" >&2
}
declare -A wanted=()
for stage in "$@"; do
  case " ${all_stages[*]} " in
    *" $stage "*) wanted[$stage]=1 ;;
    *)
      echo "test.sh: unknown stage '$stage'" >&2
      usage
      exit 2
      ;;
  esac
done
if (($# == 0)); then
  for stage in "${all_stages[@]}"; do wanted[$stage]=1; done
fi
# Only the Python suites, the documentation and the wheel checks use the built cssegment: setup.sh
# skips building it when none runs (the C++ stages build with CMake, lint and types read the sources).
if [[ -z ${wanted[py]:-} && -z ${wanted[docs]:-} && -z ${wanted[wheel]:-} ]]; then
  export CSSEGMENT_SETUP_SKIP_BUILD=1
fi

source "$(dirname "$0")/setup.sh"
jobs=$(nproc 2>/dev/null || echo 2)
# Each step announces itself with the minutes spent so far, so a slow CI run shows where it went.
step() { echo "==> [$((SECONDS / 60))m$((SECONDS % 60))s] $*"; }
prefix="$root/build/prefix"

# Configures, builds and runs the CTest suites of one CMakePresets.json preset.
preset_suites() {
  cmake --preset "$1" >/dev/null
  cmake --build --preset "$1" -j "$jobs"
  ctest --preset "$1" -j "$jobs"
}

stage_cpp() {
  step "C++ core and Boost.Test suites (Release)"
  preset_suites release
}

stage_clang() {
  step "C++ suites again, built with Clang $(clang++ -dumpversion)"
  preset_suites clang
}

stage_sanitize() {
  step "C++ suites again under AddressSanitizer + UndefinedBehaviorSanitizer, warnings as errors"
  preset_suites sanitize
}

stage_tsan() {
  step "C++ concurrent use of const models under ThreadSanitizer"
  preset_suites tsan
}

stage_fuzz() {
  step "libFuzzer targets under ASan + UBSan, each for a bounded time"
  # 30 s a target keeps CI inside its 30-minute budget; run scripts/fuzz.sh with more for a deeper look.
  bash scripts/fuzz.sh 30
}

stage_package() {
  step "installed package: find_package(cssegment) consumer in examples/cpp"
  # The install step needs the Release tree: built here when `package` runs without `cpp` (a no-op after it).
  cmake --preset release >/dev/null
  cmake --build --preset release -j "$jobs"
  rm -rf "$prefix"
  cmake --install build/cpp >/dev/null
  cmake -S examples/cpp -B build/example -G Ninja -DCMAKE_PREFIX_PATH="$prefix" >/dev/null
  cmake --build build/example
  ./build/example/segment_accounts

  step "add_subdirectory consumer in tests/package"
  cmake -S tests/package -B build/package -G Ninja >/dev/null
  cmake --build build/package
  ctest --test-dir build/package --output-on-failure
}

# Syntax-only compiles, `jobs` at a time: every public header (in one translation unit) and every
# binding source, with clang++ -stdlib=libc++ and with g++ -m32. Each failure shows its first errors.
stage_portable() {
  step "syntax only: every header and binding with clang++ -stdlib=libc++ $(clang++ -dumpversion) and g++ -m32"
  local out=build/portable
  rm -rf "$out" && mkdir -p "$out"
  (cd include && find cssegment -name '*.hpp' | sort | sed 's/.*/#include <&>/') >"$out/headers.cpp"
  local deps pybind python64 python32
  deps=$(pkg-config --cflags eigen3 nlohmann_json)
  pybind="-I$(python -c 'import pybind11; print(pybind11.get_include())')"
  python64="-I$(python -c 'import sysconfig; print(sysconfig.get_paths()["include"])')"
  # 32-bit: Debian's i386 Python headers (setup.sh installs libpython3-dev:i386); /usr/include/python3.X
  # picks the pyconfig.h of the target architecture. The 64-bit interpreter's headers cannot serve:
  # its pyconfig.h says SIZEOF_LONG 8, and pyport.h stops with "LONG_BIT definition appears wrong".
  python32=$(find /usr/include/i386-linux-gnu -maxdepth 1 -name 'python3.*' -printf '%f
' 2>/dev/null | sort -V | tail -1)
  if [ -z "$python32" ]; then
    echo "portable: no 32-bit Python headers in /usr/include/i386-linux-gnu (apt-get install libpython3-dev:i386)" >&2
    return 1
  fi
  python32="-I/usr/include/$python32"
  local common=(-std=c++20 -fsyntax-only -fvisibility=hidden -Iinclude)
  local -a checks=()
  local source
  for source in "$out/headers.cpp" src/python/*.cpp; do
    local extra=""
    [[ $source == src/python/* ]] && extra="$pybind PYTHON"
    checks+=("clang++ -stdlib=libc++|$source|${extra/PYTHON/$python64}")
    checks+=("g++ -m32|$source|${extra/PYTHON/$python32}")
  done
  # The standard fallbacks of core/buffer.hpp's platform hints (huge pages).
  checks+=("g++ -DCSSEGMENT_HUGE_PAGES=0|$out/headers.cpp|")
  local check n=0
  for check in "${checks[@]}"; do
    while (($(jobs -rp | wc -l) >= jobs)); do sleep 0.2; done
    n=$((n + 1))
    (
      IFS='|' read -r compiler file flags <<<"$check"
      # shellcheck disable=SC2086 # the flags are words
      if ! $compiler "${common[@]}" $deps $flags "$file" >"$out/$n.log" 2>&1; then
        echo "FAILED: $compiler -fsyntax-only $file"
        grep -m 8 -E 'error' "$out/$n.log"
        touch "$out/$n.failed"
      fi
    ) &
  done
  wait
  local failed
  failed=$(find "$out" -name '*.failed' | wc -l)
  echo "$((n - failed)) of $n syntax-only compiles passed"
  ((failed == 0))
}

# The Python interpreter of one minor version, from pyenv (as CI's image has them), or on PATH.
python_of() {
  local found
  found=$(ls -d /root/.pyenv/versions/"$1".*/bin/python3 2>/dev/null | sort -V | tail -1)
  [ -n "$found" ] || found=$(command -v "python$1" || true)
  if [ -z "$found" ]; then
    echo "wheel: no Python $1 (expected /root/.pyenv/versions/$1.*, or python$1 on PATH)" >&2
    return 1
  fi
  echo "$found"
}

stage_wheel() {
  local dist=build/wheelhouse repaired=build/wheelhouse/repaired version interpreter wheel venv
  local versions=(3.10 3.13)
  step "the release configuration: cibuildwheel's build identifiers, the workflow's schema"
  local platform expected identifiers
  for platform in linux:16 macos:8 windows:4; do
    expected=${platform#*:} platform=${platform%:*}
    identifiers=$(cibuildwheel --print-build-identifiers --platform "$platform" . | sort)
    echo "$platform:" $identifiers
    if [ "$(wc -l <<<"$identifiers")" != "$expected" ]; then
      echo "wheel: cibuildwheel lists $(wc -l <<<"$identifiers") $platform builds, expected $expected" >&2
      return 1
    fi
  done
  check-jsonschema --builtin-schema vendor.github-workflows .github/workflows/wheels.yml
  for version in "${versions[@]}"; do
    interpreter=$(python_of "$version")
    step "wheel for Python $version: pip wheel . in isolation, /usr hidden (Eigen, nlohmann/json from PyPI)"
    rm -f "$dist"/cssegment-*-"cp${version/./}"-*.whl
    CMAKE_BUILD_PARALLEL_LEVEL=$jobs "$interpreter" -m pip wheel -q --no-deps -w "$dist" \
      --config-settings=cmake.define.CMAKE_IGNORE_PREFIX_PATH=/usr .
  done

  step "auditwheel show + repair, twine check, check-wheel-contents"
  rm -rf "$repaired"
  for wheel in "$dist"/cssegment-*.whl; do
    auditwheel show "$wheel"
    auditwheel repair -w "$repaired" "$wheel" 2>&1 | tail -n 1
  done
  twine check --strict "$repaired"/*.whl
  check-wheel-contents "$repaired"
  ls -l "$repaired"

  for version in "${versions[@]}"; do
    step "Python $version: the repaired wheel in a fresh venv; smoke tests and the README tour from it"
    venv="build/venv-$version"
    rm -rf "$venv"
    "$(python_of "$version")" -m venv "$venv"
    wheel=$(ls "$repaired"/cssegment-*-"cp${version/./}"-*.whl)
    # 3.10 also gets the `cpp` extra: its C++ consumer below uses PyPI's Eigen and nlohmann/json.
    if [ "$version" = 3.10 ]; then wheel="$wheel[cpp]"; fi
    "$venv/bin/python" -m pip install -q "$wheel" pytest
    "$venv/bin/python" -m pytest -q -p no:cacheprovider tests/python/test_package.py tests/python/test_examples.py
  done

  step "examples/cpp against the pip-installed package: find_package via get_cmake_dir(), and pkg-config"
  rm -rf build/example-wheel build/example-wheel-pypi
  local cmake_dir pypi_cmake_dir pc_dir
  cmake_dir=$(build/venv-3.13/bin/python -c 'import cssegment; print(cssegment.get_cmake_dir())')
  # Python 3.10's venv: /usr hidden, so Eigen and nlohmann/json come from the `cpp` extra.
  pypi_cmake_dir=$(build/venv-3.10/bin/python -c 'import cssegment; print(cssegment.get_cmake_dir())')
  pc_dir="$(dirname "$(dirname "$pypi_cmake_dir")")/pkgconfig"
  echo "pkg-config --cflags cssegment: $(PKG_CONFIG_PATH=$pc_dir pkg-config --cflags cssegment)"
  mkdir -p build/example-wheel
  # The pkg-config build is one compiler process: it runs beside the two CMake builds.
  # shellcheck disable=SC2046 # the flags are words
  g++ -std=c++20 $(PKG_CONFIG_PATH=$pc_dir pkg-config --cflags cssegment) examples/cpp/segment_accounts.cpp \
    -pthread -o build/example-wheel/segment_accounts_pc &
  local pkg_config_build=$!
  cmake -S examples/cpp -B build/example-wheel -G Ninja -Dcssegment_DIR="$cmake_dir" >/dev/null
  cmake --build build/example-wheel
  ./build/example-wheel/segment_accounts >/dev/null && echo "segment_accounts (system Eigen, nlohmann/json) ran"
  cmake -S examples/cpp -B build/example-wheel-pypi -G Ninja -Dcssegment_DIR="$pypi_cmake_dir" \
    -DCMAKE_IGNORE_PREFIX_PATH=/usr -DPython_EXECUTABLE="$PWD/build/venv-3.10/bin/python" | grep 'from PyPI'
  cmake --build build/example-wheel-pypi
  ./build/example-wheel-pypi/segment_accounts >/dev/null && echo "segment_accounts (PyPI Eigen, nlohmann/json) ran"
  wait "$pkg_config_build"
  ./build/example-wheel/segment_accounts_pc >/dev/null && echo "segment_accounts (pkg-config) ran"
}

# Every check runs even when an earlier one fails, so one run lists everything to fix.
stage_lint() {
  local failed=()
  step "Python style (ruff check, ruff format --check)"
  ruff check python/cssegment tests/python examples benchmarks || failed+=("ruff check")
  ruff format --check python/cssegment tests/python examples benchmarks || failed+=("ruff format")

  step "C++ formatting (clang-format $(clang-format --version | sed 's/.*version //'), .clang-format)"
  local cpp_files
  mapfile -t cpp_files < <(find include src tests examples benchmarks \
    -type f \( -name '*.hpp' -o -name '*.cpp' -o -name '*.h' -o -name '*.cc' \) | sort)
  local file unformatted=()
  for file in "${cpp_files[@]}"; do
    clang-format --dry-run -Werror "$file" >/dev/null 2>&1 || unformatted+=("$file")
  done
  if ((${#unformatted[@]})); then
    printf 'would reformat %s\n' "${unformatted[@]}"
    echo "${#unformatted[@]} of ${#cpp_files[@]} C++ files need formatting: clang-format -i FILE fixes one" \
      "(or pre-commit run clang-format --all-files; see CONTRIBUTING.md)"
    failed+=("clang-format")
  else
    echo "${#cpp_files[@]} C++ files already formatted"
  fi

  step "spelling (codespell, configured in pyproject.toml)"
  codespell include src tests python examples benchmarks docs scripts cmake ./*.md CMakeLists.txt pyproject.toml \
    && echo "no misspellings" || failed+=("codespell")

  step "no private imports across cssegment modules"
  bash scripts/check-private-imports.sh || failed+=("private imports")

  if ((${#failed[@]})); then
    echo "lint failed: ${failed[*]}" >&2
    return 1
  fi
}

stage_types() {
  step "Python typing (mypy --strict, configured in pyproject.toml)"
  mypy
}

stage_py() {
  step "Python suites"
  python -m pytest tests/python
}

stage_docs() {
  step "documentation (Sphinx, warnings as errors)"
  bash scripts/docs.sh
}

for stage in "${all_stages[@]}"; do
  if [[ -n ${wanted[$stage]:-} ]]; then "stage_$stage"; fi
done
if (($# == 0)); then step "all tests passed"; else step "passed: $*"; fi
