#!/usr/bin/env bash
# Sourced by test.sh: installs what the tests need that is missing, quickly when nothing is.
# (The quickstart needs far less: scripts/quickstart.sh installs only the package.)
#   - Debian packages: a C++20 compiler, Eigen, Boost.Test, nlohmann/json and pkg-config; clang for
#     libFuzzer; libc++, the 32-bit multilib and the i386 Python headers for the `portable` stage
#   - a virtual environment in .venv with the developer dependency groups of pyproject.toml
#     (build, test, lint, typing, docs, notebook, release; the linters at their pinned versions)
#   - cssegment itself: built once as a wheel in build/wheelhouse (incrementally, by
#     scikit-build-core in build/<wheel tag>) with the system's Eigen and nlohmann/json hidden,
#     so that it uses the PyPI ones, and installed into .venv from that wheel
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"

apt_packages=(g++ libeigen3-dev libboost-test-dev nlohmann-json3-dev pkg-config clang libclang-rt-14-dev
  libc++-dev libc++abi-dev g++-multilib)
# The -m32 syntax check of the bindings needs a 32-bit pyconfig.h: Debian's i386 Python headers.
[ "$(dpkg --print-architecture)" = amd64 ] && apt_packages+=(libpython3-dev:i386)
missing=()
for package in "${apt_packages[@]}"; do
  dpkg -s "$package" >/dev/null 2>&1 || missing+=("$package")
done
if ((${#missing[@]})); then
  echo "==> installing Debian packages: ${missing[*]}"
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  case " ${missing[*]} " in *":i386 "*) $sudo dpkg --add-architecture i386 ;; esac
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
  # Dependency groups (PEP 735) need pip 25.1+.
  "$venv_python" -m pip install -q --upgrade 'pip>=25.1'
  "$venv_python" -m pip install -q --group build --group test --group lint --group typing --group docs \
    --group notebook --group release
  touch "$stamp"
fi
export PATH="$root/.venv/bin:$PATH"
# test.sh sets CSSEGMENT_SETUP_SKIP_BUILD=1 when no stage it runs uses the built package.
if [ "${CSSEGMENT_SETUP_SKIP_BUILD:-0}" = 1 ]; then return 0 2>/dev/null || exit 0; fi
echo "==> building the cssegment wheel"
# _core compiles warning-free with -Wall -Wextra -Wpedantic -Werror on the toolchain above; set
# CSSEGMENT_WERROR=OFF for a newer compiler with new warnings (a plain `pip install` has it off).
# CMAKE_IGNORE_PREFIX_PATH hides /usr (the apt Eigen and nlohmann/json) so that the build takes
# them from PyPI, as on a machine without them; not when Python itself lives in /usr.
hide=()
if [ "$("$venv_python" -c 'import sys; print(sys.base_prefix)')" != /usr ]; then
  hide=(--config-settings=cmake.define.CMAKE_IGNORE_PREFIX_PATH=/usr)
fi
tag=$("$venv_python" -c 'import sys; print("cp%d%d" % sys.version_info[:2])')
rm -f build/wheelhouse/cssegment-*-"$tag"-*.whl
"$venv_python" -m pip wheel -q --no-build-isolation --no-deps -w build/wheelhouse "${hide[@]}" \
  --config-settings=cmake.define.CSSEGMENT_WERROR="${CSSEGMENT_WERROR:-ON}" .
wheel=$(ls build/wheelhouse/cssegment-*-"$tag"-*.whl)
"$venv_python" -m pip install -q --no-deps --force-reinstall "$wheel"
"$venv_python" -m pip install -q "$wheel[all]"
