#!/usr/bin/env bash
# Every test, or the stages named: set up (if needed), then run the stages in this order.
#   cpp       C++ core and Boost.Test suites (CTest, Release)
#   sanitize  the C++ suites again under ASan + UBSan, warnings as errors
#   tsan      the concurrency suite under ThreadSanitizer
#   fuzz      the libFuzzer targets, each for a bounded time (scripts/fuzz.sh)
#   package   the installed CMake package with its find_package consumer, and the
#             add_subdirectory consumer
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
all_stages=(cpp sanitize tsan fuzz package lint types py docs)

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
# Only the Python suites and the documentation import the built cssegment: setup.sh skips building
# it when neither runs (the C++ stages build with CMake, lint and types read the sources).
if [[ -z ${wanted[py]:-} && -z ${wanted[docs]:-} ]]; then export CSSEGMENT_SETUP_SKIP_BUILD=1; fi

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
  bash scripts/fuzz.sh
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
