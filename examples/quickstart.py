"""cssegment quickstart: segment a synthetic book of accounts and plan its coverage.

Run it with the README's first command, or directly: ``python examples/quickstart.py``.
"""

from __future__ import annotations

import argparse

import cssegment as cs
import numpy as np
import pandas as pd

CSM_COST = 150_000  # fully loaded yearly cost of one CSM, in dollars
HYSTERESIS = 0.10
MONTHS_BACK = 3
OPPORTUNITY = "Large Opportunity"


def money(value: float) -> str:
    """$1.2M / $350k / $4,200: how a CS leader reads money."""
    if not np.isfinite(value):
        return "-"
    for size, suffix in ((1e9, "B"), (1e6, "M")):
        if abs(value) >= size:
            return f"${value / size:,.1f}{suffix}"
    if abs(value) >= 100_000:
        return f"${value / 1e3:,.0f}k"
    return f"${value:,.0f}"


def percent(value: float) -> str:
    return "-" if not np.isfinite(value) else f"{value:.1%}"


def show(title: str, table: pd.DataFrame, note: str | None = None) -> None:
    print(f"\n{title}\n{'-' * len(title)}")
    print(table.to_string())
    if note:
        print(note)


def segment_mix(labels: pd.Categorical, arr: pd.Series) -> pd.DataFrame:
    frame = pd.DataFrame({"segment": labels, "arr": arr.to_numpy()})
    grouped = frame.groupby("segment", observed=False)["arr"]
    counts, totals = grouped.size(), grouped.sum()
    return pd.DataFrame(
        {
            "accounts": counts.map("{:,}".format),
            "% of accounts": (counts / counts.sum()).map(percent),
            "ARR": totals.map(money),
            "% of ARR": (totals / totals.sum()).map(percent),
            "average ARR": (totals / counts.where(counts > 0)).map(money),
        }
    )


def tiers_of(model: cs.TierModel, arr: pd.Series, previous: pd.Categorical | None = None) -> pd.Categorical:
    """Tiers for paying accounts; accounts with no revenue have no tier (missing)."""
    paying = arr.to_numpy() > 0
    codes = np.full(len(arr), -1, dtype=np.int8)
    earlier = None if previous is None else previous[paying]
    codes[paying] = model.assign(arr[paying], previous=earlier).codes
    return pd.Categorical.from_codes(codes, categories=model.categories, ordered=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--accounts", type=int, default=5_000)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()

    book = cs.datasets.synthetic_book(n_accounts=args.accounts, seed=args.seed)
    accounts, revenue = book.accounts, book.revenue
    last_month = revenue["month"].max()
    active = accounts[accounts["arr"] > 0]
    print(f"cssegment {cs.__version__} quickstart")
    print(
        f"A synthetic book of {len(accounts):,} accounts (seed {args.seed}), revenue history "
        f"{revenue['month'].min()} to {last_month}: {len(active):,} paying today, {money(active['arr'].sum())} ARR."
    )

    touch = cs.TierModel.touch()
    tiers = touch.assign(active)
    show(
        f"1. The book by touch tier ({money(touch.get_params()['thresholds'][0])} and "
        f"{money(touch.get_params()['thresholds'][1])} ARR boundaries)",
        segment_mix(tiers, active["arr"]),
        "   A minority of High-touch accounts carries most of the ARR: the Pareto shape of a B2B book.",
    )

    plan = cs.coverage(tiers, touch, arr=active["arr"], csm_cost=CSM_COST)
    show(
        f"2. Coverage plan at ${CSM_COST:,} per CSM per year",
        pd.DataFrame(
            {
                "accounts per CSM": plan["csm_ratio"].map("{:,.0f}:1".format),
                "accounts": plan["accounts"].map("{:,}".format),
                "CSMs needed": plan["csms_needed"].map("{:,.1f}".format),
                "resource share": plan["resource_share"].map(percent),
                "cost to serve / account": plan["cost_to_serve_per_account"].map(money),
                "ARR per CSM": plan["arr_per_csm"].map(money),
            }
        ),
        f"   Total: {plan['csms_needed'].sum():,.1f} CSMs costing {money(plan['total_cost'].sum())} a year, "
        f"{plan['total_cost'].sum() / active['arr'].sum():.1%} of ARR.",
    )

    quadrants = cs.QuadrantModel().assign(active)
    show(
        "3. Outside-in x inside-out: client size (1,000 employees) x contract value ($50k ARR)",
        segment_mix(quadrants, active["arr"]),
    )
    cross = pd.crosstab(pd.Series(quadrants, name="quadrant"), pd.Series(tiers, name="tier"), dropna=False)
    show(
        "   Quadrant x touch tier (accounts)",
        cross.map("{:,}".format),
        f"   {cross.loc['Large Opportunity'].sum():,} big companies buy little today: expansion targets "
        f"that revenue tiers alone leave in {', '.join(t for t in cross.columns if cross.loc[OPPORTUNITY, t])}.",
    )

    then = last_month - MONTHS_BACK
    arr_then = (
        revenue.loc[revenue["month"] == then].set_index("account_id")["mrr"].reindex(accounts["account_id"]).fillna(0.0)
        * 12
    )
    before = tiers_of(touch, arr_then.reset_index(drop=True))
    now_plain = tiers_of(touch, accounts["arr"])
    now_sticky = tiers_of(touch.__class__.touch(hysteresis=HYSTERESIS), accounts["arr"], previous=before)
    plain_moves = cs.transitions(before, now_plain)
    sticky_moves = cs.transitions(before, now_sticky)
    show(f"4. Tier moves from {then} to {last_month}, plain thresholds (accounts)", plain_moves.map("{:,}".format))
    show(f"   The same with {HYSTERESIS:.0%} hysteresis", sticky_moves.map("{:,}".format))
    flips = int(plain_moves[["upgraded", "downgraded"]].to_numpy().sum())
    sticky_flips = int(sticky_moves[["upgraded", "downgraded"]].to_numpy().sum())
    avoided = flips - sticky_flips
    print(
        f"   Tier changes: {flips:,} without hysteresis, {sticky_flips:,} with it: {avoided:,} flips avoided "
        f"({avoided / flips:.0%} of changes were wobbles around a boundary)."
        if flips
        else "   No tier changes in this window."
    )
    never = int(plain_moves.loc["(none)", "(none)"])
    new, gone = int(plain_moves.loc["(none)", "total"]) - never, int(plain_moves["(none)"].sum()) - never
    print(
        f"   Also: {new:,} accounts started (or resumed) paying and {gone:,} stopped in those {MONTHS_BACK} months; "
        f"{never:,} paid at neither date."
    )

    health_section(accounts)


def hand_set_scorecard() -> cs.Scorecard:
    """The weights a CS team would pick by judgement: usage and adoption first."""
    return cs.Scorecard(
        [
            cs.Measure("nps", cs.Bands([7, 9], [0, 50, 100])),  # detractor / passive / promoter
            cs.Measure("logins_per_user", cs.Linear(0, 20), weight=2),
            cs.Measure("seats_used_pct", cs.Linear(20, 90), weight=2),
            cs.Measure("tickets_90d", cs.Linear(10, 0)),  # fewer tickets is healthier
            cs.Measure("exec_sponsor", cs.Boolean()),
            cs.Measure("renewal_days", cs.Linear(0, 180)),  # a renewal that is close is a risk
        ]
    )


def points_lost(card: cs.Scorecard, accounts: pd.DataFrame) -> pd.DataFrame:
    """Points each measure costs each account: w * (100 - f) / (sum of w present); with the score
    they add up to 100."""
    normalised = card.transform(accounts)
    weights = pd.Series({m.column: m.weight for m in card.measures})
    present = normalised.notna() * weights
    return (100 - normalised).fillna(0).mul(weights).div(present.sum(axis=1), axis=0)


def health_section(accounts: pd.DataFrame) -> None:
    # Calibrate on half of the book and backtest on the other half: an honest, out-of-sample check.
    learn = accounts[accounts["account_id"] % 2 == 1]
    check = accounts[accounts["account_id"] % 2 == 0]
    card = hand_set_scorecard()
    calibrated = card.calibrate(learn, "churned", l2=1.0)
    hand, learned = card.backtest(check), calibrated.backtest(check)

    def column(result: cs.Backtest) -> list[str]:
        rates = result.bands["churn_rate"]
        return [
            f"{result.auc:.3f}",
            "-" if result.brier is None else f"{result.brier:.3f}",
            percent(rates["red"]),
            percent(rates["green"]),
            f"{rates['red'] / rates['green']:.1f}x",
            f"{result.bands.loc['red', 'accounts']:,}",
        ]

    rows = ["AUC", "Brier score", "churn rate in red", "churn rate in green", "red vs green", "accounts in red"]
    show(
        f"6. Health scores backtested on {hand.accounts:,} accounts (churn rate {percent(hand.churn_rate)}; "
        f"weights calibrated on the other {len(learn):,})",
        pd.DataFrame({"hand-set": column(hand), "calibrated": column(learned)}, index=rows),
        "   AUC = chance that an account that churned scored lower than one that stayed (0.5 = a coin flip).",
    )
    weights = pd.DataFrame(
        {
            "hand-set weight": [m.weight for m in card.measures],
            "churn coefficient": calibrated.coef_.map("{:+.2f}".format).to_numpy(),
        },
        index=calibrated.coef_.index,
    )
    show("   What calibration learned (negative: healthier means less churn)", weights)
    scores = card.score(check)
    red = scores["band"] == "red"
    lost = points_lost(card, check)[red].mean().sort_values(ascending=False)
    top = lost.head(3)
    show(
        f"   What drives the {int(red.sum()):,} red accounts' scores down (hand-set card, average points lost of 100)",
        top.map("{:.1f}".format).to_frame("points lost"),
        f"   These three measures cost red accounts {top.sum():.0f} of the {100 - scores['score'][red].mean():.0f} "
        "points they miss on average.",
    )


if __name__ == "__main__":
    main()
