#!/usr/bin/env bash
# Fails when a module of python/cssegment imports another module's private (underscore) names:
#   from .metrics import _periods          from ..segment.models import _check
#   from cssegment.health import _weights  import cssegment.metrics._input
# Allowed: the package's shared internal modules, imported as modules from the top-level package
# (`from . import _frame`, `from .. import _core`, `import cssegment._core`), and their public names
# (`from .._frame import numeric`). Dunder names (`__version__`) are not private.
#
#   bash scripts/check-private-imports.sh [package directory, default python/cssegment]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
package_dir=${1:-$root/python/cssegment}
python=${PYTHON:-python3}
[[ -x $root/.venv/bin/python ]] && python=${PYTHON:-$root/.venv/bin/python}
"$python" - "$package_dir" <<'PY'
import ast
import pathlib
import sys

package_dir = pathlib.Path(sys.argv[1]).resolve()
top = package_dir.name


def private(name: str) -> bool:
    return name.startswith("_") and not (name.startswith("__") and name.endswith("__"))


def module_parts(path: pathlib.Path) -> list[str]:
    parts = [top, *path.relative_to(package_dir).with_suffix("").parts]
    return parts[:-1] if parts[-1] == "__init__" else parts


problems = []
for path in sorted(package_dir.rglob("*.py")):
    here = module_parts(path)
    package = here if path.name == "__init__.py" else here[:-1]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        where = f"{path.relative_to(package_dir.parent)}:{getattr(node, 'lineno', 0)}"
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - (node.level - 1)]
                source = base + (node.module.split(".") if node.module else [])
            else:
                source = node.module.split(".") if node.module else []
            if not source or source[0] != top:
                continue
            for alias in node.names:
                # `from cssegment import _frame` imports a top-level internal module: allowed.
                if private(alias.name) and source != [top]:
                    problems.append(f"{where}: from {'.'.join(source)} import {alias.name}")
            if any(private(part) for part in source[2:]):
                problems.append(f"{where}: imports from private module {'.'.join(source)}")
        elif isinstance(node, ast.Import):
            for alias in node.names:
                parts = alias.name.split(".")
                if parts[0] == top and any(private(part) for part in parts[2:]):
                    problems.append(f"{where}: import {alias.name}")

if problems:
    print("private names imported across cssegment modules (make the name public in its module, or move it")
    print("to the shared internal module python/cssegment/_frame.py):")
    print("\n".join(f"  {problem}" for problem in problems))
    sys.exit(1)
print(f"no private imports across modules in {package_dir.relative_to(package_dir.parent.parent)}")
PY
