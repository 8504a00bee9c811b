#!/usr/bin/env bash
# Builds the documentation into build/docs with Sphinx, warnings as errors (nitpicky: every
# cross-reference must resolve). The notebook is executed during the build; any cell error fails it.
# Uses the venv's Python (PYTHON overrides it) and the cssegment installed there; run from a source
# tree without installing, PYTHONPATH=python picks up the package built in place. Extra arguments
# go to sphinx-build: `-D nb_execution_mode=off` skips running the examples and the notebook for a
# quick look at the prose and the API reference.
set -euo pipefail
# The notebook kernels start in the pages' directories: relative PYTHONPATH entries would point
# elsewhere there (and silently import another cssegment), so they are made absolute first.
if [[ -n "${PYTHONPATH:-}" ]]; then
  IFS=: read -ra entries <<<"$PYTHONPATH"
  PYTHONPATH=$(for entry in "${entries[@]}"; do realpath -m "$entry"; done | paste -sd:)
  export PYTHONPATH
fi
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
python=${PYTHON:-$root/.venv/bin/python}
# The notebook kernel is started as `python`: it must be the same interpreter.
PATH="$(dirname "$python"):$PATH"
export PATH
# Always a fresh build: generated API pages and the cached environment are never stale.
rm -rf docs/reference/generated
"$python" -m sphinx -b html -E -n -W --keep-going -j auto -q docs build/docs "$@"
echo "documentation: $root/build/docs/index.html"
