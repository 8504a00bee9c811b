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
        "6. Health scores backtested on",
        "What calibration learned",
        "red accounts' scores down",
    ],
)
def test_quickstart_prints_every_section(quickstart_output: str, expected: str) -> None:
    assert expected in quickstart_output


def test_quickstart_shows_every_tier_and_quadrant(quickstart_output: str) -> None:
    for name in ["Tech touch", "Low touch", "High touch", "Enterprise", "Major", "Large Opportunity", "Small Business"]:
        assert name in quickstart_output


def test_quickstart_compares_hand_set_and_calibrated_health(quickstart_output: str) -> None:
    section = quickstart_output.split("6. Health scores backtested on", 1)[1]
    table = {line[:20].strip(): line[20:].split() for line in section.splitlines()[2:8]}
    assert set(table) >= {"AUC", "Brier score", "churn rate in red", "churn rate in green", "red vs green"}
    hand, calibrated = (float(v) for v in table["AUC"])
    assert 0.6 < hand < 1 and 0.6 < calibrated < 1
    assert table["Brier score"][0] == "-" and 0 < float(table["Brier score"][1]) < 0.25
    for column in (0, 1):  # red churns more than green under both scorecards
        red, green = (float(table[row][column].rstrip("%")) for row in ("churn rate in red", "churn rate in green"))
        assert red > green
    drivers = section.split("red accounts' scores down", 1)[1].splitlines()[3:6]
    measures = {"nps", "logins_per_user", "seats_used_pct", "tickets_90d", "exec_sponsor", "renewal_days"}
    assert len({line.split()[0] for line in drivers} & measures) == 3


def test_readme_python_tour_runs() -> None:
    readme = (ROOT / "README.md").read_text()
    tour = readme.split("## Python tour", 1)[1].split("```python", 1)[1].split("```", 1)[0]
    namespace: dict[str, object] = {}
    exec(compile(tour, "README.md", "exec"), namespace)  # noqa: S102 - our own documentation
    plan = namespace["plan"]
    assert list(plan.index) == ["Tech touch", "Low touch", "High touch"]  # type: ignore[attr-defined]
    assert namespace["restored"] == namespace["touch"]
