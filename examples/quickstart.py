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
HORIZON = 12  # months of the retention window
GROSS_MARGIN = 0.8
CHURN_WINDOW = 6  # months of logo churn averaged for CLTV


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

    retention_by_tier(revenue, touch, plan)


def retention_by_tier(revenue: pd.DataFrame, touch: cs.TierModel, plan: pd.DataFrame) -> None:
    """5. NRR beside GRR and logo retention, per tier, and what an account is worth."""
    ledger = cs.RevenueLedger(revenue)
    # Each account's tier in each month it paid, from that month's MRR: retention counts an
    # account in its tier at the start of the window, CLTV's churn in its tier before leaving.
    monthly_tiers = revenue[["account_id", "month"]].assign(tier=touch.assign(revenue.assign(arr=revenue["mrr"] * 12)))
    retention = ledger.retention(horizon=HORIZON, by=monthly_tiers)
    start = retention.index.get_level_values("period").max()
    window = retention.xs(start, level="period")
    show(
        f"5. Retention by touch tier, trailing {HORIZON} months ({start} to {start + HORIZON})",
        pd.DataFrame(
            {
                "accounts at start": window["cohort_accounts"].map("{:,}".format),
                "MRR at start": window["start_revenue"].map(money),
                "MRR now": window["end_revenue"].map(money),
                "NRR": window["nrr"].map(percent),
                "GRR": window["grr"].map(percent),
                "logo retention": window["logo_retention"].map(percent),
                "NRR masks churn": window["nrr_masks_churn"].map({True: "YES", False: ""}),
            }
        ),
    )
    masked = window.index[window["nrr_masks_churn"]]
    for tier in masked:
        row = window.loc[tier]
        print(
            f"   {tier}: NRR {row['nrr']:.0%} looks healthy, yet {1 - row['logo_retention']:.0%} of its accounts "
            f"left; expansion of the survivors hides the churn (GRR {row['grr']:.0%})."
        )
    if not len(masked):
        print("   No tier shows NRR >= 100% while losing more than 10% of its accounts.")
    book = ledger.retention(horizon=HORIZON).loc[start]
    print(f"   Whole book: NRR {book['nrr']:.1%}, GRR {book['grr']:.1%}, logo retention {book['logo_retention']:.1%}.")

    value = ledger.cltv(window=CHURN_WINDOW, by=monthly_tiers, gross_margin=GROSS_MARGIN)
    monthly_cost = (plan["cost_to_serve_per_account"] / 12).reindex(value.index).fillna(0.0)
    after_cost = cs.cltv(value["arpa"], value["churn_rate"], cost_to_serve=monthly_cost, gross_margin=GROSS_MARGIN)
    show(
        f"   Customer lifetime value by tier ({GROSS_MARGIN:.0%} gross margin, "
        f"logo churn averaged over {CHURN_WINDOW} months)",
        pd.DataFrame(
            {
                "paying accounts": value["accounts"].map("{:,}".format),
                "ARPA / month": value["arpa"].map(money),
                "monthly churn": value["churn_rate"].map(percent),
                "CLTV": value["cltv"].map(money),
                "CSM cost / month": monthly_cost.map(money),
                "CLTV after CSM cost": after_cost.map(money),
            }
        ),
        "   CLTV = (ARPA x gross margin - cost to serve) / monthly churn rate.",
    )


if __name__ == "__main__":
    main()
