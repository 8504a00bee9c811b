#!/usr/bin/env bash
# Sourced by quickstart.sh and test.sh: installs what is missing, quickly when nothing is.
#   - Debian packages: a C++20 compiler, Eigen, Boost.Test, nlohmann/json
#   - a virtual environment in .venv with the build and test dependencies
#   - cssegment itself, built incrementally by scikit-build-core in build/<wheel tag>
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"

apt_packages=(g++ libeigen3-dev libboost-test-dev nlohmann-json3-dev)
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
  "$venv_python" -m pip install -q "scikit-build-core>=0.10" "pybind11>=2.12" cmake ninja \
    "numpy>=1.24" "pandas>=2.1" "pytest>=8" "hypothesis>=6" ruff \
    "scikit-learn>=1.3" "scipy>=1.10" "dask[dataframe,distributed]>=2024.1"
  touch "$stamp"
fi
echo "==> building cssegment"
"$venv_python" -m pip install -q --no-build-isolation --no-deps .
export PATH="$root/.venv/bin:$PATH"
