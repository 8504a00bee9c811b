"""A Telco-churn-shaped export, as read from CSV: a Yes/No churn outcome, Yes/No flags, a three-level
contract, and TotalCharges read as text because of 11 blank cells. It is scored and calibrated with
one documented fix, for the blanks only (docs/guide/data.md)."""

from __future__ import annotations

import io

import cssegment as cs
import numpy as np
import pandas as pd
import polars as pl
import pytest

CONTRACTS = ["Month-to-month", "One year", "Two year"]


def telco_csv(n: int = 2000, seed: int = 11) -> str:
    """The CSV text of a Telco-shaped export: new customers (tenure 0) have a blank TotalCharges."""
    rng = np.random.default_rng(seed)
    contract = rng.choice(CONTRACTS, size=n, p=[0.55, 0.21, 0.24])
    tenure = rng.integers(1, 73, size=n)
    tenure[rng.choice(n, size=11, replace=False)] = 0
    monthly = rng.uniform(18.0, 120.0, size=n).round(2)
    support = rng.choice(["Yes", "No", "No internet service"], size=n, p=[0.3, 0.5, 0.2])
    paperless = rng.choice(["Yes", "No"], size=n)
    risk = 0.8 - 1.2 * (contract == "One year") - 2.5 * (contract == "Two year") - 0.03 * tenure
    risk = risk - 0.6 * (support == "Yes") + 0.4 * (paperless == "Yes")
    churn = np.where(rng.random(n) < 1 / (1 + np.exp(-risk)), "Yes", "No")
    total = np.where(tenure == 0, " ", (monthly * tenure).round(2).astype(str))
    frame = pd.DataFrame(
        {
            "customerID": [f"{i:04d}-TELCO" for i in range(n)],
            "tenure": tenure,
            "Contract": contract,
            "TechSupport": support,
            "PaperlessBilling": paperless,
            "MonthlyCharges": monthly,
            "TotalCharges": total,
            "Churn": churn,
        }
    )
    return frame.to_csv(index=False)


CARD = cs.Scorecard(
    [
        cs.Measure("Contract", cs.Category({"Month-to-month": 0, "One year": 60, "Two year": 100}), weight=3),
        cs.Measure("TechSupport", cs.Boolean(true="Yes")),
        cs.Measure("PaperlessBilling", cs.Boolean(higher_is_better=False, true="Yes")),
        cs.Measure("tenure", cs.Linear(0, 72), weight=2),
        cs.Measure("TotalCharges", cs.Percentile()),
    ]
)


def read() -> pd.DataFrame:
    return pd.read_csv(io.StringIO(telco_csv()))


def test_the_export_is_what_the_test_means() -> None:
    telco = read()
    assert not pd.api.types.is_numeric_dtype(telco["TotalCharges"])  # text, because of the blanks
    assert (telco["TotalCharges"] == " ").sum() == 11
    assert set(telco["Churn"]) == {"Yes", "No"} and set(telco["Contract"]) == set(CONTRACTS)


def test_blanks_are_refused_with_the_fix() -> None:
    telco = read()
    first_blank = int(np.flatnonzero(telco["TotalCharges"] == " ")[0])
    with pytest.raises(cs.InvalidInputError) as raised:
        CARD.fit(telco)
    assert str(raised.value) == (
        f"data['TotalCharges'][{first_blank}] = ' ': expected a number, got str (numbers stored as text with "
        "blanks: pd.to_numeric(data['TotalCharges'], errors='coerce') makes them missing)"
    )


def test_scored_and_calibrated_after_the_one_line_fix() -> None:
    telco = read()
    telco["TotalCharges"] = pd.to_numeric(telco["TotalCharges"], errors="coerce")  # the documented fix
    card = CARD.fit(telco)
    scores = card.score(telco)
    assert scores["score"].between(0, 100).all() and scores["score"].notna().all()
    blanks = telco["TotalCharges"].isna()
    assert blanks.sum() == 11 and scores.loc[blanks, "contrib_TotalCharges"].eq(0).all()
    model = card.calibrate(telco, "Churn", positive="Yes")
    # The data were made so that long contracts, support and tenure keep customers.
    assert model.coef_["Contract"] < 0 and model.coef_["TechSupport"] < 0 and model.coef_["tenure"] < 0
    result = model.backtest(telco, "Churn", positive="Yes")
    assert result.auc > 0.7 and result.accounts == len(telco)
    # The same export through polars gives the same scores.
    polars_scores = card.score(pl.from_pandas(telco))
    pd.testing.assert_frame_equal(polars_scores, scores)
