#!/usr/bin/env bash
# Sourced by quickstart.sh and test.sh: installs what is missing, quickly when nothing is.
#   - Debian packages: a C++20 compiler, Eigen, Boost.Test, nlohmann/json; clang for libFuzzer
#   - a virtual environment in .venv with the build, test and lint dependencies (the linters at
#     the versions pinned in pyproject.toml's `lint` extra, so every machine formats alike)
#   - cssegment itself, built incrementally by scikit-build-core in build/<wheel tag>
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"

apt_packages=(g++ libeigen3-dev libboost-test-dev nlohmann-json3-dev clang libclang-rt-14-dev)
missing=()
for package in "${apt_packages[@]}"; do
  dpkg -s "$package" >/dev/null 2>&1 || missing+=("$package")
done
if ((${#missing[@]})); then
  echo "==> installing Debian packages: ${missing[*]}"
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
fi

python=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  echo "==> creating .venv"
  "$python" -m venv .venv
fi
venv_python="$root/.venv/bin/python"
stamp=.venv/.cssegment-deps
if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ]; then
  echo "==> installing Python dependencies"
  "$venv_python" -m pip install -q --upgrade pip
  # The requirements come from pyproject.toml, so they are written in one place.
  mapfile -t requirements < <("$venv_python" - <<'PY'
import tomllib

with open("pyproject.toml", "rb") as file:
    project = tomllib.load(file)
extras = project["project"]["optional-dependencies"]
wanted = project["build-system"]["requires"] + ["cmake", "ninja"] + project["project"]["dependencies"]
for extra in ("test", "lint", "plot", "progress", "typing", "docs", "notebook"):
    wanted += extras[extra]
print("\n".join(wanted))
PY
  )
  "$venv_python" -m pip install -q "${requirements[@]}"
  touch "$stamp"
fi
export PATH="$root/.venv/bin:$PATH"
# test.sh sets CSSEGMENT_SETUP_SKIP_BUILD=1 when no stage it runs imports the built package.
if [ "${CSSEGMENT_SETUP_SKIP_BUILD:-0}" = 1 ]; then return 0 2>/dev/null || exit 0; fi
echo "==> building cssegment"
# _core compiles warning-free with -Wall -Wextra -Wpedantic -Werror on the toolchain above; set
# CSSEGMENT_WERROR=OFF for a newer compiler with new warnings (a plain `pip install` has it off).
"$venv_python" -m pip install -q --no-build-isolation --no-deps \
  --config-settings=cmake.define.CSSEGMENT_WERROR="${CSSEGMENT_WERROR:-ON}" .
