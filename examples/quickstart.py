"""cssegment quickstart: segment a synthetic book of accounts and plan its coverage.

Run it with the README's first command, or directly: ``python examples/quickstart.py``.
"""

from __future__ import annotations

import argparse
from typing import Any

import cssegment as cs
import numpy as np
import pandas as pd

CSM_COST = 150_000  # fully loaded yearly cost of one CSM, in dollars
HYSTERESIS = 0.10
MONTHS_BACK = 3
OPPORTUNITY = "Large Opportunity"
CLUSTERS = 5
# k-means features: size and money on a log scale; usage signals (NPS is left out: many accounts
# never answered a survey, and k-means needs every value).
CLUSTER_SCALES = {
    "arr": "log",
    "employees": "log",
    "potential": "log",
    "logins_per_user": "log",
    "seats_used_pct": "standard",
    "tickets_90d": "log",
}
HIGH_TOUCH = "High touch"
POOLED_MONTHS = 24  # cohorts observed this long are pooled per tier for the sBG fit
ANNUAL_DISCOUNT = 0.10
PROJECTION_MONTHS = 60
CADENCE_DAYS = {"Tech touch": 90, "Low touch": 45, "High touch": 14}
MINUTES_PER_TOUCH = {"Tech touch": 0, "Low touch": 30, "High touch": 60}
CSM_HOURS_PER_MONTH = 140 * 0.6  # customer-facing share of a CSM's month
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


def learned_segments(active: pd.DataFrame, tiers: pd.Categorical, seed: int) -> None:
    features = active[list(CLUSTER_SCALES)]
    model = cs.KMeans(CLUSTERS, scale=list(CLUSTER_SCALES.values()), seed=seed).fit(features)
    profile = model.profile(active)
    order = list(profile.index)
    names = {cluster: f"cluster {rank + 1}" for rank, cluster in enumerate(order)}
    show(
        f"7. Learned segments: k-means (k = {CLUSTERS}) on log ARR, employees, potential and usage signals",
        pd.DataFrame(
            {
                "accounts": profile["accounts"].map("{:,}".format),
                "% of ARR": profile["arr_share"].map(percent),
                "average ARR": profile["mean_arr"].map(money),
                "employees": profile["mean_employees"].map("{:,.0f}".format),
                "potential": profile["mean_potential"].map(money),
                "logins / user": profile["mean_logins_per_user"].map("{:.1f}".format),
                "seats used": (profile["mean_seats_used_pct"] / 100).map(percent),
                "tickets (90d)": profile["mean_tickets_90d"].map("{:.1f}".format),
            }
        ).rename(index=names),
        f"   Clusters ordered by average ARR; inertia {model.inertia_:,.0f} after {model.n_iter_} iterations "
        "(scaled space).",
    )
    clusters = pd.Series(model.predict(features).map(names).to_numpy(), name="learned")
    cross = pd.crosstab(clusters, pd.Series(tiers, name="tier"), dropna=False).reindex(list(names.values()))
    show("   Learned segment x touch tier (accounts)", cross.map("{:,}".format))
    # The two clusters that pay most alike but use the product most differently.
    pairs = [
        (abs(profile.loc[a, "mean_seats_used_pct"] - profile.loc[b, "mean_seats_used_pct"]), a, b)
        for i, a in enumerate(order)
        for b in order[i + 1 :]
        if abs(np.log(profile.loc[a, "mean_arr"] / profile.loc[b, "mean_arr"])) < np.log(1.25)
    ]
    if pairs:
        _, a, b = max(pairs)
        print(
            f"   {names[a]} and {names[b]} pay alike ({money(profile.loc[a, 'mean_arr'])} vs "
            f"{money(profile.loc[b, 'mean_arr'])} average ARR) but use {profile.loc[a, 'mean_seats_used_pct']:.0f}% vs "
            f"{profile.loc[b, 'mean_seats_used_pct']:.0f}% of their seats: one revenue tier, two playbooks."
        )


def retention_models(revenue: pd.DataFrame, touch: cs.TierModel) -> None:
    """sBG per starting tier: fit_many over quarterly cohorts, then one pooled fit per tier."""
    ledger = cs.RevenueLedger(revenue)
    first_arr = revenue.sort_values("month").groupby("account_id")["mrr"].first() * 12
    start_tier = pd.Series(touch.assign(first_arr), index=first_arr.index)
    survivors = ledger.survivors(by=start_tier, cohort_length=3)
    fits = cs.ShiftedBetaGeometric.fit_many(survivors)
    discount = (1 + ANNUAL_DISCOUNT) ** (1 / 12) - 1
    arpa = ledger.cltv(by=start_tier)["arpa"]
    rows = {}
    for tier in touch.categories:
        cohorts = survivors.xs(tier, level="segment")
        complete = cohorts[cohorts[POOLED_MONTHS].notna()]
        alive = complete.loc[:, :POOLED_MONTHS].sum()
        model = cs.ShiftedBetaGeometric().fit(alive.to_numpy())
        # The naive view: one constant monthly churn rate, the best such fit to the same data
        # (accounts lost / account-months at risk).
        churn = (alive.iloc[0] - alive.iloc[-1]) / alive.iloc[:-1].sum()
        sbg_value = model.clv(arpa[tier], discount)
        naive_value = cs.cltv(arpa[tier], churn, discount_rate=discount)
        rows[tier] = {
            "cohorts fitted": f"{int((fits.xs(tier, level='segment')['periods'] > 0).sum())}",
            "pooled accounts": f"{alive[0]:,.0f}",
            "alpha": f"{model.alpha_:.3g}",
            "beta": f"{model.beta_:.3g}",
            "retention, month 1": percent(model.retention_rate(1)),
            f"month {POOLED_MONTHS}": percent(model.retention_rate(POOLED_MONTHS)),
            "5-yr survival": percent(model.survival(PROJECTION_MONTHS)),
            "naive 5-yr": percent((1 - churn) ** PROJECTION_MONTHS),
            "CLTV (sBG)": money(sbg_value),
            "CLTV (naive)": money(naive_value),
            "naive misses": percent(1 - naive_value / sbg_value),
        }
    show(
        f"8. Retention models: shifted-beta-geometric fit per starting tier ({len(fits):,} quarterly cohorts by "
        f"fit_many; {POOLED_MONTHS}-month cohorts pooled per tier)",
        pd.DataFrame(rows).T,
        f"   CLTV = monthly ARPA x discounted expected lifetime at {ANNUAL_DISCOUNT:.0%} a year. The naive formula "
        "fits one constant churn rate to the same months;\n"
        "   sBG lets retention rise with tenure as the likeliest churners leave first, so the naive formula "
        "undervalues customers wherever churn\n"
        "   propensity varies. Where alpha and beta are huge the tier churns at a constant rate, and both agree.",
    )


def owner_books(
    accounts: pd.DataFrame, arr_then: pd.Series, touch: cs.TierModel
) -> tuple[cs.OwnerAssignment, list[str]]:
    """CSM books for the High-touch tier three months ago, then re-balanced today keeping owners."""
    high_now = int((touch.assign(accounts[accounts["arr"] > 0]) == HIGH_TOUCH).sum())
    ratio = touch.csm_ratios[HIGH_TOUCH] or 1.0
    roster = [f"CSM {i + 1:02d}" for i in range(int(np.ceil(high_now / ratio)))]
    then = accounts.assign(arr=arr_then.to_numpy())
    before = cs.assign_owners(then[then["arr"] > 0], touch, {HIGH_TOUCH: roster}, names=[HIGH_TOUCH])
    active = accounts[accounts["arr"] > 0]
    previous = before.owners.reindex(active.index)
    result = cs.assign_owners(active, touch, {HIGH_TOUCH: roster}, previous=previous, names=[HIGH_TOUCH])
    books = result.books
    had, has = previous.notna(), result.owners.notna()
    left, joined = int((had & ~has).sum()), int((has & ~had).sum())
    moved = int((had & has & (previous.astype(object) != result.owners.astype(object))).sum())
    show(
        f"9. CSM books for the {HIGH_TOUCH} tier: {high_now:,} accounts, {len(roster)} CSMs at "
        f"{ratio:,.0f}:1, balanced by ARR",
        pd.DataFrame(
            {
                "accounts": books["accounts"].describe()[["min", "50%", "max"]].map("{:,.0f}".format),
                "ARR": books["arr"].describe()[["min", "50%", "max"]].map(money),
                "capacity used": books["capacity_used"].describe()[["min", "50%", "max"]].map(percent),
            }
        ).rename(index={"min": "smallest book", "50%": "median book", "max": "largest book"}),
        f"   Re-balanced {MONTHS_BACK} months after the first assignment: {result.kept:,} accounts kept their CSM, "
        f"{moved:,} moved to another CSM, {left:,} left the tier and {joined:,} joined it.",
    )
    return result, roster


def cadence_summary(active: pd.DataFrame, touch: cs.TierModel, books: cs.OwnerAssignment) -> None:
    policy = cs.CadencePolicy(CADENCE_DAYS)
    health = hand_set_scorecard().score(active)["band"]  # the hand-set card of section 6
    ratios = {**touch.csm_ratios, "Tech touch": None}  # Tech touch: no named CSM, digital programmes
    plan = policy.schedule(active, touch, health=health, csm_ratios=ratios)
    reasons = plan["reason"].astype(str)
    grouped = plan.assign(
        onboarding=reasons.str.contains("onboarding"),
        renewal=reasons.str.contains("renewal"),
        red=(health == "red").to_numpy(),
    ).groupby("segment", observed=False)
    summary = pd.DataFrame(
        {
            "channel": grouped["channel"].agg(lambda c: c.mode().iloc[0]),
            "base days": pd.Series(CADENCE_DAYS),
            "median interval": grouped["interval_days"].median().map("{:.0f} days".format),
            "shortest": grouped["interval_days"].min().map("{:.1f}".format),
            "longest": grouped["interval_days"].max().map("{:.1f}".format),
            "onboarding": grouped["onboarding"].mean().map(percent),
            "renewal window": grouped["renewal"].mean().map(percent),
            "red health": grouped["red"].mean().map(percent),
            "touches / month": grouped["touches_per_month"].sum().map("{:,.0f}".format),
        }
    )
    show("10. Dynamic cadence: days between touches by tier (onboarding, renewal and health adjust it)", summary)
    high = (plan["segment"] == HIGH_TOUCH).to_numpy()
    load = policy.workload(plan[high], books.owners[high], minutes_per_touch=MINUTES_PER_TOUCH)
    hours = load["hours_per_month"]
    print(
        f"   {HIGH_TOUCH} workload at {MINUTES_PER_TOUCH[HIGH_TOUCH]} minutes per touch: {hours.mean():.1f} hours "
        f"per CSM per month on average (range {hours.min():.1f}-{hours.max():.1f}), "
        f"{hours.mean() / CSM_HOURS_PER_MONTH:.0%} of {CSM_HOURS_PER_MONTH:.0f} customer-facing hours."
    )


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


def retention_by_tier(ledger: cs.RevenueLedger, revenue: pd.DataFrame, touch: cs.TierModel, plan: pd.DataFrame) -> None:
    """5. NRR beside GRR and logo retention, per tier, the per-tier bridge, and what an account is worth."""
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
    if book["nrr_masks_churn"]:
        print(
            f"   The book as a whole masks churn: NRR is above 100% while {1 - book['logo_retention']:.0%} of its "
            "accounts left. NRR weighs accounts by revenue, logo retention counts them: the largest accounts' "
            "expansion hides the loss of many small ones."
        )

    bridge = ledger.movements(by=monthly_tiers).loc[start + 1 :]
    flows = bridge.groupby(level="segment", observed=True)[
        ["moved_in", "moved_out", "new", "reactivation", "expansion", "contraction", "churn"]
    ].sum()
    show(
        f"   MRR bridge by tier, {start + 1} to {start + HORIZON}: accounts changing tier take their MRR along",
        pd.DataFrame(
            {
                "MRR at start": bridge.xs(start + 1, level="period")["start"].map(money),
                "moved in": flows["moved_in"].map(money),
                "moved out": flows["moved_out"].map(money),
                "new + reactivated": (flows["new"] + flows["reactivation"]).map(money),
                "expansion": flows["expansion"].map(money),
                "contraction": flows["contraction"].map(money),
                "churn": flows["churn"].map(money),
                "MRR now": bridge.xs(start + HORIZON, level="period")["end"].map(money),
            }
        ),
        "   Each tier's start is its end of the month before: moves out of one tier are moves into another.",
    )

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


def nps_by_tier(active: pd.DataFrame, tiers: pd.Categorical) -> None:
    """NPS per tier with its uncertainty, and whether the gap between the extreme tiers is real."""
    tier = pd.Series(tiers, index=active.index, name="tier")
    scores = cs.nps(active["nps"], by=tier)
    show(
        "   NPS by touch tier (accounts that answered the survey)",
        pd.DataFrame(
            {
                "answers": scores["n"].map("{:,}".format),
                "NPS": scores["nps"].map("{:+.1f}".format),
                "95% interval": [
                    f"{low:+.1f} to {high:+.1f}" for low, high in zip(scores["ci_low"], scores["ci_high"])
                ],
                "promoters": scores["promoters"].map("{:,}".format),
                "detractors": scores["detractors"].map("{:,}".format),
            }
        ),
    )
    low, high = scores.index[0], scores.index[-1]
    gap = cs.nps_difference(active["nps"][tier == high], active["nps"][tier == low])
    print(
        f"   {high} minus {low}: {gap['difference']:+.1f} points (z = {gap['z']:.1f}, p = {gap['p_value']:.1g}); "
        f"{int(active['nps'].isna().sum()):,} accounts never answered and are not counted."
    )


STATED_EFFECT = {"Tech touch": 1.0, "Low touch": 0.85}  # stated factors on churn; High touch is measured


def coverage_question(book: cs.datasets.Book, touch: cs.TierModel) -> cs.CoverageEffect:
    """Does High touch coverage reduce churn? The regression discontinuity at the $50k threshold."""
    effect = cs.coverage_effect(book, touch)  # every account, on the ARR it was tiered on
    rd, density = effect.rd, effect.density
    low, high = rd.ci_robust
    print(f"\n11. Does High touch coverage reduce churn? The RD at {money(effect.threshold)} ARR")
    print(f"   {'-' * 70}")
    print(
        f"   Churn jumps by {rd.estimate:+.1%} at the threshold (robust {rd.level:.0f}% CI {low:+.1%} to {high:+.1%}), "
        f"from {rd.n_effective[0]:,} accounts below and {rd.n_effective[1]:,} above it within "
        f"{money(rd.h[0])} of it."
    )
    if density.p_value >= 0.05:
        sorting = "no sign of accounts sorted to one side of the threshold"
    else:
        side = "more" if density.statistic > 0 else "fewer"
        sorting = (
            f"the density jumps ({side} accounts just above than just below); the synthetic book sorts no deals, "
            "so here it is the 1-in-20 chance of a 5% test, but in real data check how deals near it close"
        )
    print(f"   Density test: T = {density.statistic:.2f}, p = {density.p_value:.2f}: {sorting}.")
    if high < 0:
        verdict = "coverage lowers churn at the threshold, so a slightly lower one would likely help the accounts below"
    elif low > 0:
        verdict = "covered accounts at the threshold churn more, not less: look at what the tier does there"
    else:
        verdict = "no effect can be told from none, so this book cannot say whether moving the threshold changes churn"
    print(f"   For the threshold choice: {verdict} (an RD speaks only for accounts near {money(effect.threshold)}).")
    print("   cs.plot.rd_plot(churned, arr, result=effect.rd) draws the binned churn rates and both fits.")
    return effect


def how_low_can_you_go(
    accounts: pd.DataFrame,
    active: pd.DataFrame,
    touch: cs.TierModel,
    tiers: pd.Categorical,
    measured: cs.CoverageEffect,
) -> None:
    """Today's thresholds vs the best thresholds within today's CSM budget vs targeted coverage:
    High touch coverage's effect as section 11 measured it at its threshold, Low touch's stated."""
    effect = STATED_EFFECT | {"High touch": measured}
    learn = accounts[accounts["account_id"] % 2 == 1]  # the calibration of section 6
    churn = hand_set_scorecard().calibrate(learn, "churned", l2=1.0).predict_proba(active)
    budget = cs.coverage(tiers, touch, csm_cost=CSM_COST)["total_cost"].sum()
    plan = cs.plan_coverage(
        active,
        touch,
        churn,
        effect=effect,
        csm_cost=CSM_COST,
        budget=budget,
        margin=GROSS_MARGIN,
        previous=tiers,
    )
    targeted = plan.targeted(capacity=plan.current["csms_needed"])  # today's CSMs, spent by expected saving
    columns = ["threshold[Low touch]", "threshold[High touch]", "csms_needed", "cost", "expected_retained_arr"]
    rows = pd.DataFrame([plan.current[columns], plan.best[columns]], index=["today's thresholds", "best thresholds"])
    rows.loc["targeted, today's CSMs"] = [np.nan, np.nan, *targeted.summary.loc["targeted", columns[2:]]]
    rows["net value"] = GROSS_MARGIN * rows["expected_retained_arr"] - rows["cost"]
    moved = [plan.current["accounts_moved"], plan.best["accounts_moved"], (targeted.segments != tiers).sum()]
    show(
        f"12. How low can you go? Tier thresholds chosen by expected retained ARR, within today's "
        f"{money(budget)} CSM budget",
        pd.DataFrame(
            {
                "Low touch from": rows[columns[0]].map(lambda v: "by risk" if np.isnan(v) else money(v)),
                "High touch from": rows[columns[1]].map(lambda v: "by risk" if np.isnan(v) else money(v)),
                "CSMs": rows["csms_needed"].map("{:,.1f}".format),
                "cost": rows["cost"].map(money),
                "expected retained ARR": rows["expected_retained_arr"].map(money),
                "net value": rows["net value"].map(money),
                "accounts moved": [f"{int(m):,}" for m in moved],
            }
        ),
        f"   Churn without coverage: the calibrated health model of section 6 (fitted on churn under today's "
        f"coverage); churn factors: High touch {plan.factors['High touch']:.2f} as measured at its threshold "
        f"in section 11 (interval {plan.factor_intervals['High touch'][0]:.2f} to "
        f"{plan.factor_intervals['High touch'][1]:.2f}, local to $50k), Low touch "
        f"{plan.factors['Low touch']:.2f} stated; net value = "
        f"{GROSS_MARGIN:.0%} x retained ARR - cost. {len(plan.table):,} threshold combinations evaluated.",
    )
    kept = plan.best["expected_retained_arr"] - plan.current["expected_retained_arr"]
    saved = plan.current["cost"] - plan.best["cost"]
    print(
        f"   The best thresholds {'keep' if kept >= 0 else 'give up'} {money(abs(kept))} of expected ARR and "
        f"{'save' if saved >= 0 else 'spend'} {money(abs(saved))} of CSM cost. Targeted coverage, with today's "
        f"{plan.current['csms_needed']:,.1f} CSMs, retains {money(targeted.retained_gain)} more than the best "
        f"thresholds that fit them, serving {len(targeted.promoted):,} accounts more closely (median ARR "
        f"{money(targeted.promoted['arr'].median())})."
    )
    first = plan.marginal("High touch").iloc[1]  # one step below the best High touch threshold
    print(
        f"   One step lower for High touch (to {money(first.name)}): {money(first['marginal_cost'])} more CSM "
        f"cost for {money(GROSS_MARGIN * first['marginal_retained_arr']).replace('$-', '-$')} of retained margin: "
        f"{'worth it' if first['marginal_value'] > 0 else 'not worth it'}."
    )


def csm_books(book: cs.datasets.Book, touch: cs.TierModel) -> None:
    """Growth KPIs per CSM, compared fairly: each book's NRR against the NRR its tier mix predicts."""
    ledger = cs.RevenueLedger(book.revenue)
    tiers = book.revenue[["account_id", "month"]].assign(tier=touch.assign(book.revenue["mrr"] * 12))
    kpis = cs.book_metrics(ledger, book.owners, horizon=12, by=tiers)
    kpis = kpis[kpis["accounts"] >= 2].sort_values("mix_adjusted_nrr", ascending=False)

    def interval(name: str) -> pd.Series:
        return kpis[f"{name}_low"].map(percent) + " to " + kpis[f"{name}_high"].map(percent)

    table = pd.DataFrame(
        {
            "accounts": kpis["accounts"].map("{:,}".format),
            "start ARR": (12 * kpis["start_revenue"]).map(money),
            "expansion ARR": (12 * kpis["expansion"]).map(money),
            "churned ARR": (12 * kpis["churned"]).map(money),
            "NRR": kpis["nrr"].map(percent),
            "NRR 95% interval": interval("nrr"),
            "mix predicts": kpis["expected_nrr"].map(percent),
            "mix-adjusted": kpis["mix_adjusted_nrr"].map("{:+.1%}".format),
            "its interval": interval("mix_adjusted_nrr"),
        }
    )
    start = kpis.attrs["start"]
    show(
        f"CSM books: growth per owner from {start} to {start + 12}, top 3 and bottom 3 by mix-adjusted NRR",
        pd.concat([table.head(3), table.tail(3)]),
    )
    clear = int(((kpis["mix_adjusted_nrr_low"] > 0) | (kpis["mix_adjusted_nrr_high"] < 0)).sum())
    print(
        f"   {len(kpis)} CSMs; {clear} differ from what their mix predicts with 95% confidence, the rest cannot be "
        "told apart from their mix: rank them on mix-adjusted NRR, and read the intervals before the ranks."
    )


def churn_months(revenue: pd.DataFrame, like: pd.Series) -> pd.DataFrame:
    """Each churned account's churn month: the month after its last paying one, if that is in the
    book; spelled as the months of `like` (Periods, dates or 'YYYY-MM' strings)."""
    paying = revenue.loc[revenue["mrr"] > 0]
    last = paying.groupby("account_id")["month"].max()
    months = pd.PeriodIndex(last[last < revenue["month"].max()] + 1, freq="M")
    if isinstance(like.dtype, pd.PeriodDtype):
        spelled: Any = months
    elif pd.api.types.is_datetime64_any_dtype(like):
        spelled = months.to_timestamp()
    else:
        spelled = months.astype(str)
    return pd.DataFrame({"account_id": last.index[last < revenue["month"].max()], "month": spelled})


def health_over_time(usage: pd.DataFrame, churn: pd.DataFrame) -> None:
    """Score history, band changes with and without hysteresis, and how early the score warns."""
    card = cs.Scorecard(
        [
            cs.Measure("logins", cs.Percentile(), weight=2),
            cs.Measure("seats_used", cs.Percentile(), weight=2),
            cs.Measure("tickets", cs.Linear(10, 0)),
            cs.Measure("nps", cs.Bands([7, 9], [0, 50, 100])),
        ]
    )
    history = card.score_history(usage, account="account_id", period="month")
    steady = card.score_history(usage, account="account_id", period="month", band_hysteresis=5)
    plain_changes, steady_changes = cs.changes(history), cs.changes(steady)
    accounts, months = history.index.get_level_values(0).nunique(), history.index.get_level_values(1).nunique()
    show(
        f"Health over time: {accounts:,} accounts x {months} months scored in one pass (logins and seats as "
        "percentiles of each month)",
        steady_changes.head(5).set_index("account_id"),
        f"   Band changes: {len(plain_changes):,} with plain bands, {len(steady_changes):,} with 5 points of "
        "hysteresis (the worst drops are listed first).",
    )
    trend = cs.Scorecard([cs.Measure("logins", cs.Trend(periods=3, bad=-0.5, good=0.1))]).score_history(usage)
    print(
        f"   Logins trend (3-month relative change: -50% scores 0, +10% 100): {(trend['score'] < 50).mean():.1%} of "
        "account-months below 50 points."
    )
    leads = [lead for lead in (1, 3, 6) if lead < months]
    lead_time = cs.backtest_lead(steady, churn, leads=leads)
    summary = lead_time.summary
    show(
        "   How early the score warns: its AUC k months before churn",
        summary.assign(auc=summary["auc"].map("{:.3f}".format), churn_rate=summary["churn_rate"].map(percent))[
            ["accounts", "churned", "churn_rate", "auc"]
        ],
        f"   Our score sees churn {leads[-1]} months out with AUC {summary['auc'].iloc[-1]:.2f} "
        f"({summary['auc'].iloc[0]:.2f} one month out).",
    )


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

    # Revenue as billing systems export it: subscriptions (monthly, quarterly and yearly plans, USD
    # and EUR at a fixed planning rate), turned into monthly recurring revenue.
    ledger = cs.RevenueLedger.from_subscriptions(
        book.subscriptions, through=cs.datasets.LAST_MONTH, currency="currency", fx=cs.datasets.PLANNING_RATES
    )
    groups = cs.RevenueLedger.from_subscriptions(
        book.subscriptions,
        through=cs.datasets.LAST_MONTH,
        currency="currency",
        fx=cs.datasets.PLANNING_RATES,
        hierarchy=book.parents,
    )
    print(
        f"\nFrom billing data: {len(book.subscriptions):,} subscriptions give {ledger.n_accounts:,} accounts' monthly "
        f"revenue; rolled up to their parent companies, {groups.n_accounts:,} customers."
    )
    retention_by_tier(ledger, revenue, touch, plan)
    nps_by_tier(active, tiers)
    health_section(accounts)
    learned_segments(active, tiers, args.seed)
    retention_models(revenue, touch)
    books, _ = owner_books(accounts, arr_then.reset_index(drop=True), touch)
    cadence_summary(active, touch, books)
    health_over_time(book.usage, churn_months(revenue, book.usage["month"]))
    csm_books(book, touch)
    measured = coverage_question(book, touch)
    how_low_can_you_go(accounts, active, touch, tiers, measured)


if __name__ == "__main__":
    main()
