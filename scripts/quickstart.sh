#!/usr/bin/env bash
# The main job: install cssegment with its runtime dependencies (numpy, pandas) into a virtual
# environment of its own, build/quickstart-venv, then run the quickstart analysis on the synthetic book.
#   - Python 3.10+ ($PYTHON, default python3)
#   - cssegment is compiled from this checkout by pip (scikit-build-core): that needs a C++20
#     compiler, and nothing else from the system (CMake, Ninja, Eigen and nlohmann/json come from
#     PyPI for the build only). Without a compiler, on Debian/Ubuntu, g++ is installed with apt-get.
#   - run again, it reinstalls only when the sources changed
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

python=${PYTHON:-python3}
if ! "$python" -c 'import sys; sys.exit(sys.version_info < (3, 10))' 2>/dev/null; then
  echo "quickstart.sh: cssegment needs Python 3.10 or newer; $python is $("$python" --version 2>&1)." \
    "Set PYTHON=/path/to/python3.1x" >&2
  exit 1
fi
if ! command -v c++ >/dev/null && ! command -v g++ >/dev/null && ! command -v clang++ >/dev/null; then
  if command -v apt-get >/dev/null; then
    echo "==> installing a C++ compiler (g++)"
    sudo=""
    [ "$(id -u)" -eq 0 ] || sudo="sudo"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq g++ >/dev/null
  else
    echo "quickstart.sh: no C++ compiler found: install GCC 11+, Clang 14+ or Xcode's command-line tools" >&2
    exit 1
  fi
fi

venv=build/quickstart-venv
if [ ! -x "$venv/bin/python" ]; then
  echo "==> creating $venv"
  "$python" -m venv "$venv"
fi
stamp="$venv/.cssegment-installed"
newer=$(find include src python CMakeLists.txt cmake pyproject.toml -newer "$stamp" -print -quit 2>/dev/null || echo all)
if [ ! -f "$stamp" ] || [ -n "$newer" ]; then
  echo "==> installing cssegment and its runtime dependencies into $venv (compiling: a few minutes)"
  # A build directory of its own: scripts/setup.sh builds without isolation in build/<wheel tag>.
  "$venv/bin/python" -m pip install -q --upgrade pip
  "$venv/bin/python" -m pip install -q --config-settings=build-dir="build/quickstart-{wheel_tag}" .
  touch "$stamp"
fi
"$venv/bin/python" examples/quickstart.py "$@"
