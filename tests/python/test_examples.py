"""The main job runs and prints what a CS leader needs."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def quickstart_output() -> str:
    result = subprocess.run(
        [sys.executable, str(ROOT / "examples" / "quickstart.py"), "--accounts", "2000"],
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    return result.stdout


@pytest.mark.parametrize(
    "expected",
    [
        "1. The book by touch tier",
        "2. Coverage plan at $150,000 per CSM per year",
        "1,000:1",
        "100:1",
        "15:1",
        "3. Outside-in x inside-out",
        "Quadrant x touch tier",
        "4. Tier moves from",
        "10% hysteresis",
        "flips avoided",
        "5. Retention by touch tier, trailing 12 months",
        "NRR masks churn",
        "logo retention",
        "Whole book: NRR",
        "Customer lifetime value by tier",
        "CLTV after CSM cost",
    ],
)
def test_quickstart_prints_every_section(quickstart_output: str, expected: str) -> None:
    assert expected in quickstart_output


def test_quickstart_shows_every_tier_and_quadrant(quickstart_output: str) -> None:
    for name in ["Tech touch", "Low touch", "High touch", "Enterprise", "Major", "Large Opportunity", "Small Business"]:
        assert name in quickstart_output


def test_readme_python_tour_runs() -> None:
    readme = (ROOT / "README.md").read_text()
    tour = readme.split("## Python tour", 1)[1].split("```python", 1)[1].split("```", 1)[0]
    namespace: dict[str, object] = {}
    exec(compile(tour, "README.md", "exec"), namespace)  # noqa: S102 - our own documentation
    plan = namespace["plan"]
    assert list(plan.index) == ["Tech touch", "Low touch", "High touch"]  # type: ignore[attr-defined]
    assert namespace["restored"] == namespace["touch"]
