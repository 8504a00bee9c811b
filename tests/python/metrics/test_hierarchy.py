"""Hierarchies: revenue rolled up to top-most ancestors, against input relabelled by hand."""

from __future__ import annotations

import cssegment as cs
import numpy as np
import pandas as pd
import pytest

from .test_subscriptions import random_subscriptions


def three_levels(accounts: np.ndarray, seed: int) -> pd.Series:
    """Every third account a child of a lower id, so chains reach several levels; parents of
    ids beyond the accounts (holding companies without revenue) too."""
    rng = np.random.default_rng(seed)
    children = accounts[(accounts > 0) & (rng.random(len(accounts)) < 0.35)]
    parents = np.array([rng.integers(0, child) for child in children])
    parents[: len(parents) // 10] = -1 - np.arange(len(parents) // 10)  # parents with no revenue
    return pd.Series(parents, index=children)


def top_of(account: int, hierarchy: pd.Series) -> int:
    while account in hierarchy.index:
        account = int(hierarchy[account])
    return account


def test_rolls_up_like_input_relabelled_to_its_top_parent(int_rows: pd.DataFrame) -> None:
    hierarchy = three_levels(np.sort(int_rows["account_id"].unique()), 1)
    ledger = cs.RevenueLedger(int_rows, hierarchy=hierarchy)
    relabelled = int_rows.assign(account_id=[top_of(a, hierarchy) for a in int_rows["account_id"]])
    expected = cs.RevenueLedger(relabelled)
    assert ledger.accounts.equals(expected.accounts)
    np.testing.assert_array_equal(ledger.revenue.to_numpy(), expected.revenue.to_numpy())
    assert len(ledger.accounts) < int_rows["account_id"].nunique()
    assert (ledger.accounts < 0).any()  # parents without revenue of their own get their children's
    assert set(ledger.hierarchy.index) == set(hierarchy.index)

    subscriptions = random_subscriptions(500, 8)
    hierarchy = three_levels(np.sort(subscriptions["account_id"].unique()), 2)
    got = cs.RevenueLedger.from_subscriptions(subscriptions, through="2025-01", hierarchy=hierarchy)
    relabelled = subscriptions.assign(account_id=[top_of(a, hierarchy) for a in subscriptions["account_id"]])
    want = cs.RevenueLedger.from_subscriptions(relabelled, through="2025-01")
    pd.testing.assert_frame_equal(got.revenue, want.revenue)


def test_a_subsidiarys_new_contract_is_expansion_of_its_parent() -> None:
    rows = pd.DataFrame({"account_id": ["group", "group", "sub"], "month": [1, 2, 2], "mrr": [100.0, 100.0, 40.0]})
    alone = cs.RevenueLedger(rows).movements()
    rolled = cs.RevenueLedger(rows, hierarchy=pd.Series({"sub": "group"})).movements()
    assert (alone.loc[2, "new"], alone.loc[2, "expansion"]) == (40.0, 0.0)
    assert (rolled.loc[2, "new"], rolled.loc[2, "expansion"], rolled.loc[2, "logos_new"]) == (0.0, 40.0, 0)
    # ... and its stopping while the group pays is contraction, not churn.
    later = pd.concat([rows, pd.DataFrame({"account_id": ["group"], "month": [3], "mrr": [100.0]})])
    moves = cs.RevenueLedger(later, hierarchy=pd.Series({"sub": "group"})).movements()
    assert (moves.loc[3, "contraction"], moves.loc[3, "churn"], moves.loc[3, "logos_churned"]) == (40.0, 0.0, 0)


def test_by_segments_of_children_are_refused_and_of_parents_work() -> None:
    rows = pd.DataFrame({"account_id": ["g", "g", "s", "h"], "month": [1, 2, 2, 2], "mrr": [100.0, 100.0, 40.0, 10.0]})
    ledger = cs.RevenueLedger(rows, hierarchy=pd.Series({"s": "g", "g": None}))
    with pytest.raises(
        cs.InvalidInputError, match=r"^by: account 's' \(row 1\) rolls up to 'g' in the ledger's hierarchy"
    ):
        ledger.movements(by=pd.Series({"g": "big", "s": "small", "h": "small"}))
    long = pd.DataFrame({"account_id": ["s"], "month": [2], "segment": ["small"]})
    with pytest.raises(cs.InvalidInputError, match=r"^by: account 's' \(row 0\) rolls up to 'g'"):
        ledger.retention(horizon=1, by=long)
    moves = ledger.movements(by=pd.Series({"g": "big", "h": "small"}))
    assert moves.loc[(2, "big"), "expansion"] == 40.0
    assert moves.loc[(2, "small"), "new"] == 10.0


@pytest.mark.parametrize(
    ("hierarchy", "message"),
    [
        (pd.Series({"a": "a"}), "hierarchy: account 'a' is its own parent"),
        (pd.Series({"a": "b", "b": "c", "c": "a"}), "hierarchy: accounts 'a' -> 'b' -> 'c' -> 'a' form a cycle"),
        (pd.Series(["x", "y"], index=["a", "a"]), "hierarchy: account 'a' has more than one parent"),
        (
            {"a": "b"},
            (
                "hierarchy: expected a pandas Series mapping account id -> parent id, "
                "or a frame with columns 'account_id' and 'parent'; got dict"
            ),
        ),
    ],
)
def test_bad_hierarchies_name_the_accounts(hierarchy: object, message: str) -> None:
    rows = pd.DataFrame({"account_id": ["a"], "month": [1], "mrr": [1.0]})
    with pytest.raises(cs.InvalidInputError, match="^" + message.replace("(", r"\(").replace(")", r"\)")):
        cs.RevenueLedger(rows, hierarchy=hierarchy)  # type: ignore[arg-type]
