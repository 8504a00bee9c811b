#!/usr/bin/env bash
# The main job: set up (if needed) and run the quickstart analysis on the synthetic book.
set -euo pipefail
source "$(dirname "$0")/setup.sh"
python examples/quickstart.py "$@"
