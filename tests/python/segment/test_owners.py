"""CSM book assignment from Python."""

from __future__ import annotations

import cssegment as cs
import numpy as np
import pandas as pd
import pytest
from cssegment import InvalidInputError
from hypothesis import given, settings
from hypothesis import strategies as st

# --- assign_owners -----------------------------------------------------------------------------


def test_owners_respect_capacity_and_balance_books(rng):
    arr = rng.lognormal(np.log(120_000), 0.8, 200)
    accounts = pd.DataFrame({"arr": arr}, index=pd.RangeIndex(10, 210))
    roster = {"High touch": [f"csm{i}" for i in range(15)]}
    result = cs.assign_owners(accounts, cs.TierModel.touch(), roster, names=["High touch"])
    books = result.books
    assert result.owners.index.equals(accounts.index)
    assert (books["accounts"] <= books["capacity"]).all()
    assert books["capacity"].eq(15).all()
    assert books["accounts"].sum() == (arr >= 50_000).sum()
    # Books are built from the owners, and balanced: they differ by at most the largest account.
    by_owner = accounts["arr"].groupby(result.owners.astype(object)).sum()
    assert np.allclose(by_owner.reindex(books.index).to_numpy(), books["arr"].to_numpy())
    assert books["arr"].max() - books["arr"].min() <= arr.max()
    assert result.owners[accounts["arr"] < 50_000].isna().all()
    assert books["capacity_used"].tolist() == (books["accounts"] / 15).tolist()


def test_owners_keep_previous_owners_where_capacity_allows():
    accounts = pd.DataFrame({"arr": [90e3, 80e3, 70e3, 60e3], "before": ["Bo", "Bo", "Cy", None]})
    csms = pd.DataFrame({"csm": ["Ana", "Bo"], "segment": ["High touch", "High touch"], "capacity": [3, 1]})
    result = cs.assign_owners(accounts, cs.TierModel.touch(), csms, previous="before", names=["High touch"])
    # Bo has room for one: the larger account stays, the other moves. Cy is not on the roster
    # (left the team): that account has no previous owner to keep.
    assert result.owners.tolist() == ["Bo", "Ana", "Ana", "Ana"]
    assert (result.kept, result.reassigned) == (1, 1)


def test_owners_strategies_and_pools():
    model = cs.RuleModel.four_tier()
    accounts = pd.DataFrame({"arr": [300e3, 260e3, 120e3, 20e3, 15e3, 5e3], "potential": [0.0] * 6})
    roster = {"Enterprise": ["E1", "E2"], "Strategic": ["S1"], "1:Many": ["P1", "P2"]}
    result = cs.assign_owners(accounts, model, roster, strategy="round_robin")
    assert result.owners.tolist() == ["E1", "E2", "S1", "1:Many pool", "1:Many pool", np.nan]
    pool = result.books.loc["1:Many pool"]
    assert (pool["csms"], pool["accounts"], pool["capacity"]) == (2, 2, 400)
    counted = cs.assign_owners(accounts, model, roster, strategy="balance_count")
    assert counted.books.loc[["E1", "E2"], "accounts"].tolist() == [1, 1]


def test_owners_from_labels_with_ratios():
    labels = pd.Categorical(["a", "a", "a", "b"])
    accounts = pd.DataFrame({"arr": [1.0, 2.0, 3.0, 4.0]})
    result = cs.assign_owners(accounts, labels, {"a": ["x", "y"]}, csm_ratios={"a": 2, "b": None})
    assert result.owners.iloc[:3].notna().all() and pd.isna(result.owners.iloc[3])


@pytest.mark.parametrize(
    ("roster", "kwargs", "message"),
    [
        ({"High touch": ["a"]}, {}, "segment 'High touch' has 30 accounts but its 1 CSMs hold 15 at 15:1; 1 more CSM"),
        ({"High touch": []}, {}, "has 30 accounts but no CSM on its roster at 15:1; 2 more CSMs are needed"),
        ({"High touch": ["a", "b"]}, {"strategy": "random"}, "strategy: 'random' is not one of"),
        ({"Gold": ["a"]}, {}, "csms['segment'][0] = 'Gold': not one of the segments"),
        ({"High touch": ["a", "a"]}, {}, "csms[1]: 'a' is listed twice"),
    ],
)
def test_owners_bad_input(roster, kwargs, message):
    accounts = pd.DataFrame({"arr": [60e3] * 30})
    with pytest.raises(InvalidInputError) as error:
        cs.assign_owners(accounts, cs.TierModel.touch(), roster, names=["High touch"], **kwargs)
    assert message in str(error.value)


def test_owners_need_a_roster_for_every_staffed_segment():
    with pytest.raises(InvalidInputError, match="segment 'Low touch' has 1 accounts but no CSM"):
        cs.assign_owners(pd.DataFrame({"arr": [20e3]}), cs.TierModel.touch(), {"High touch": ["a"]})


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.tuples(st.integers(0, 2), st.floats(0, 1e6), st.integers(-1, 5)), min_size=1, max_size=60),
    st.lists(st.integers(1, 12), min_size=6, max_size=6),
    st.sampled_from(["balance_arr", "balance_count", "round_robin"]),
)
def test_owners_properties(accounts, capacities, strategy):
    """Books never exceed capacity; every account gets a CSM of its own segment; an account loses
    its previous owner only when that CSM's book is full."""
    segments = np.array([s for s, _, _ in accounts])
    frame = pd.DataFrame({"arr": [a for _, a, _ in accounts], "segment": np.array(["a", "b", "c"])[segments]})
    roster = pd.DataFrame(
        {"csm": [f"csm{i}" for i in range(6)], "segment": ["a", "a", "b", "b", "c", "c"], "capacity": capacities}
    )
    previous = [None if p < 0 else f"csm{p}" for _, _, p in accounts]
    for name in ("a", "b", "c"):
        needed = int((frame["segment"] == name).sum())
        held = roster.loc[roster["segment"] == name, "capacity"].sum()
        if needed > held:
            with pytest.raises(InvalidInputError, match=f"segment '{name}' has {needed} accounts"):
                cs.assign_owners(frame, "segment", roster, strategy, previous=previous)
            return
    result = cs.assign_owners(frame, "segment", roster, strategy, previous=previous)
    books = result.books
    assert (books["accounts"] <= books["capacity"]).all()
    owner_segment = roster.set_index("csm")["segment"]
    assert (owner_segment.reindex(result.owners.astype(str)).to_numpy() == frame["segment"].to_numpy()).all()
    for owner, before, segment in zip(result.owners, previous, frame["segment"]):
        if before is not None and owner != before and owner_segment[before] == segment:
            assert books.loc[before, "accounts"] == books.loc[before, "capacity"]


def test_owners_keywords_of_0_1_are_deprecated_aliases():
    accounts = pd.DataFrame({"arr": [90e3, 80e3, 2e3], "tier": ["High touch", "High touch", "Tech touch"]})
    roster = {"High touch": ["Ana", "Bo"]}
    expected = cs.assign_owners(accounts, cs.TierModel.touch(), roster, names=["High touch"]).owners
    # 0.1's keyword-only segments= (names to staff), with the labels given by position...
    with pytest.warns(DeprecationWarning, match="names"):
        result = cs.assign_owners(accounts, cs.TierModel.touch(), roster, segments=["High touch"])
    assert result.owners.equals(expected)
    # ...or as segment=, with accounts= for the frame.
    with pytest.warns(DeprecationWarning, match="deprecated since cssegment") as caught:
        result = cs.assign_owners(accounts=accounts, segment=cs.TierModel.touch(), csms=roster, segments=["High touch"])
    assert result.owners.equals(expected)
    assert {"names=...", "segments=...", "data=..."} <= {str(w.message).rsplit("use ", 1)[1] for w in caught}
    # The new spelling: segments= are the labels.
    by_keyword = cs.assign_owners(accounts, segments="tier", csms=roster, csm_ratios={"High touch": 15})
    assert by_keyword.owners.iloc[:2].notna().all() and pd.isna(by_keyword.owners.iloc[2])
    with pytest.raises(TypeError, match="got both 'segments' and 'names'"):
        cs.assign_owners(accounts, "tier", roster, segments=["High touch"], names=["High touch"])


def test_owners_names_must_be_segments():
    accounts = pd.DataFrame({"arr": [90e3]})
    with pytest.raises(InvalidInputError, match=r"names: unknown segment\(s\) \['Gold'\]"):
        cs.assign_owners(accounts, cs.TierModel.touch(), {"High touch": ["Ana"]}, names=["Gold"])
