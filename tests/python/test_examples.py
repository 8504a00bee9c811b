"""The main job runs and prints what a CS leader needs."""

from __future__ import annotations

import re
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
        "7. Learned segments: k-means (k = 5)",
        "Learned segment x touch tier",
        "one revenue tier, two playbooks",
        "8. Retention models: shifted-beta-geometric fit per starting tier",
        "naive misses",
        "9. CSM books for the High touch tier",
        "kept their CSM",
        "10. Dynamic cadence",
        "High touch workload at 60 minutes per touch",
        "5. Retention by touch tier, trailing 12 months",
        "NRR masks churn",
        "logo retention",
        "Whole book: NRR",
        "The book as a whole masks churn",
        "NPS by touch tier",
        "never answered and are not counted",
        "Customer lifetime value by tier",
        "CLTV after CSM cost",
        "11. Does High touch coverage reduce churn?",
        "For the threshold choice:",
        "CSM books: growth per owner",
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


def section(output: str, number: int) -> str:
    start = output.index(f"\n{number}. ")
    following = output.find(f"\n{number + 1}. ", start)
    return output[start : following if following >= 0 else len(output)]


def test_quickstart_learned_segments_cover_every_account(quickstart_output: str) -> None:
    lines = section(quickstart_output, 7).splitlines()
    rows = [line.split() for line in lines if re.match(r"cluster \d", line)]
    profile = rows[:5]
    assert [row[1] for row in profile] == ["1", "2", "3", "4", "5"]
    shares = [float(row[3].rstrip("%")) for row in profile]
    assert abs(sum(shares) - 100.0) < 0.5
    crossed = [int(cell.replace(",", "")) for row in rows[5:10] for cell in row[2:]]
    assert sum(crossed) == sum(int(row[2].replace(",", "")) for row in profile)


def test_quickstart_sbg_values_customers_at_least_as_the_naive_formula(quickstart_output: str) -> None:
    rows = [line.split() for line in section(quickstart_output, 8).splitlines() if line.endswith("%")]
    assert len(rows) == 3
    for row in rows:
        survival, naive_survival, missed = (float(cell.rstrip("%")) for cell in (row[-6], row[-5], row[-1]))
        assert 0.0 < survival <= 100.0 and 0.0 < naive_survival <= 100.0
        # The constant-churn fit is the sBG's homogeneous limit: it never values customers more.
        assert missed >= 0.0


def test_quickstart_books_stay_within_capacity(quickstart_output: str) -> None:
    text = section(quickstart_output, 9)
    largest = next(line for line in text.splitlines() if line.startswith("largest book")).split()
    assert int(largest[2]) <= 15
    assert "100.0%" in largest or float(largest[-1].rstrip("%")) <= 100.0


def test_quickstart_cadence_is_digital_only_for_tech_touch(quickstart_output: str) -> None:
    tiers = ("Tech touch", "Low touch", "High touch")
    rows = {
        line[: len(tier)]: line[len(tier) :].split()
        for line in section(quickstart_output, 10).splitlines()
        for tier in tiers
        if line.startswith(tier + " ")
    }
    assert [rows[tier][0] for tier in tiers] == ["digital", "csm", "csm"]
    # Heavier touch, shorter intervals: the median interval falls from Tech to High touch.
    medians = [int(rows[tier][2]) for tier in tiers]
    assert medians == sorted(medians, reverse=True)


def test_readme_python_tour_runs() -> None:
    readme = (ROOT / "README.md").read_text()
    tour = readme.split("## Python tour", 1)[1].split("```python", 1)[1].split("```", 1)[0]
    namespace: dict[str, object] = {}
    exec(compile(tour, "README.md", "exec"), namespace)
    plan = namespace["plan"]
    assert list(plan.index) == ["Tech touch", "Low touch", "High touch"]  # type: ignore[attr-defined]
    assert namespace["restored"] == namespace["touch"]


def test_quickstart_plans_coverage_within_todays_csms(quickstart_output: str) -> None:
    text = section(quickstart_output, 12)
    assert text.startswith("\n12. How low can you go?")
    rows = {line.split("  ")[0].strip(): line for line in text.splitlines()}
    csms = {name: float(rows[name].split()[-5]) for name in ("today's thresholds", "targeted, today's CSMs")}
    assert csms["targeted, today's CSMs"] <= csms["today's thresholds"]
    assert "threshold combinations evaluated" in text
