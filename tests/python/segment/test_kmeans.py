"""Learned (k-means) segments from Python."""

from __future__ import annotations

import json
import pickle

import cssegment as cs
import numpy as np
import pandas as pd
import pytest
from cssegment import InvalidInputError

# --- KMeans ------------------------------------------------------------------------------------


def blobs(rng, centres, per_blob=300, sd=1.0):
    centres = np.asarray(centres, dtype=float)
    points = np.concatenate([c + rng.normal(0, sd, (per_blob, centres.shape[1])) for c in centres])
    return points, np.repeat(np.arange(len(centres)), per_blob)


def same_partition(a, b) -> bool:
    """Two labelings split the rows the same way (up to renumbering)."""
    pairs = pd.crosstab(np.asarray(a), np.asarray(b))
    return bool(((pairs > 0).sum(axis=1) == 1).all() and ((pairs > 0).sum(axis=0) == 1).all())


def test_kmeans_recovers_well_separated_blobs(rng):
    X, truth = blobs(rng, [[0, 0, 0], [12, 0, 3], [0, 12, -3], [12, 12, 9]])
    labels = cs.KMeans(4, seed=3).fit_predict(X)
    assert same_partition(labels, truth)


def test_kmeans_inertia_matches_scikit_learn(rng):
    from sklearn.cluster import KMeans as SkKMeans

    X, _ = blobs(rng, rng.normal(0, 3, (6, 5)), per_blob=2_000, sd=1.5)
    ours = cs.KMeans(6, n_init=4, scale=None, seed=0).fit(X)
    theirs = SkKMeans(6, n_init=4, algorithm="lloyd", random_state=0).fit(X)
    assert ours.inertia_ <= theirs.inertia_ * 1.01
    # The inertia is the sum of squared distances to the centres (the scaled space is the input here).
    labels = ours.predict(X).to_numpy()
    direct = ((X - ours.cluster_centers_[labels]) ** 2).sum()
    assert ours.inertia_ == pytest.approx(direct, rel=1e-9)
    assert 1 <= ours.n_iter_ <= 300


def test_kmeans_standard_scaling_equals_scikit_learn_on_z_scores(rng):
    from sklearn.cluster import KMeans as SkKMeans
    from sklearn.preprocessing import StandardScaler

    X = np.column_stack([rng.lognormal(10, 1, 3_000), rng.normal(50, 20, 3_000)])
    ours = cs.KMeans(5, seed=1).fit(X)
    Z = StandardScaler().fit_transform(X)
    theirs = SkKMeans(5, n_init=4, algorithm="lloyd", random_state=1).fit(Z)
    assert ours.inertia_ <= theirs.inertia_ * 1.01
    # Centres come back in the input's units.
    labels = ours.predict(X).to_numpy()
    means = pd.DataFrame(X).groupby(labels).mean().to_numpy()
    assert np.allclose(ours.cluster_centers_, means, rtol=1e-6)


def test_kmeans_log_scale_and_dataframes(rng):
    frame = pd.DataFrame(
        {"arr": np.r_[rng.uniform(1e3, 2e3, 100), rng.uniform(1e5, 2e5, 100)], "nps": rng.integers(0, 11, 200)},
        index=pd.RangeIndex(1000, 1200),
    )
    model = cs.KMeans(2, scale=["log", "standard"], seed=0).fit(frame)
    labels = model.predict(frame)
    assert labels.index.equals(frame.index)
    assert labels.name == "cluster"
    assert model.feature_names_in_ == ["arr", "nps"]
    assert model.n_features_in_ == 2
    # Columns are found by name, in any order; names that are not strings work too.
    assert model.predict(frame[["nps", "arr"]]).equals(labels)
    numbered = frame.set_axis([0, 1], axis=1)
    assert (
        cs.KMeans(2, seed=0).fit(numbered).predict(numbered[[1, 0]]).equals(cs.KMeans(2, seed=0).fit_predict(numbered))
    )
    # Clusters are numbered by centre, first feature first: the small accounts are cluster 0.
    assert (labels.iloc[:100] == 0).all() and (labels.iloc[100:] == 1).all()
    profile = model.profile(frame)
    assert list(profile.index) == [0, 1]
    assert profile["accounts"].tolist() == [100, 100]
    assert profile["arr_share"].sum() == pytest.approx(1.0)
    assert profile.loc[1, "mean_arr"] == pytest.approx(frame["arr"].iloc[100:].mean())


def test_kmeans_does_not_depend_on_the_thread_count(rng):
    X, _ = blobs(rng, rng.normal(0, 2, (5, 4)), per_blob=10_000, sd=2.0)
    model = cs.KMeans(5, n_init=2, seed=7)
    one, two = model._model, cs.KMeans(5, n_init=2, seed=7)._model
    a, b = one.fit(X, [], 1), two.fit(X, [], 2)
    assert np.array_equal(a, b)
    assert one.inertia == two.inertia
    assert np.array_equal(one.cluster_centers, two.cluster_centers)


def test_kmeans_round_trips_and_params(rng):
    X, _ = blobs(rng, [[0, 0], [5, 5]], per_blob=50)
    model = cs.KMeans(2, n_init=2, tol=1e-3, scale=[None, "standard"], seed=9)
    assert cs.KMeans.from_json(model.to_json()) == model
    model.fit(X)
    for restored in (cs.KMeans.from_json(model.to_json()), pickle.loads(pickle.dumps(model))):
        assert restored == model
        assert np.array_equal(restored.predict(X), model.predict(X))
    assert json.loads(model.to_json())["kind"] == "KMeans"
    params = model.get_params()
    assert params == {
        "n_clusters": 2,
        "n_init": 2,
        "max_iter": 300,
        "tol": 1e-3,
        "scale": [None, "standard"],
        "seed": 9,
    }
    assert cs.KMeans(**params) != model  # unfitted
    assert model.set_params(n_clusters=3).get_params()["n_clusters"] == 3
    assert "KMeans" in model._repr_html_()
    with pytest.raises(cs.NotFittedError):
        _ = model.inertia_


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda: cs.KMeans(0).fit(np.ones((3, 1))), "n_clusters: must be >= 1, got 0"),
        (lambda: cs.KMeans(3).fit([[1.0], [1.0], [2.0]]), "data has only 2 distinct points"),
        (lambda: cs.KMeans(1).fit(pd.DataFrame({"a": [1.0, np.nan]})), "data['a'][1] = nan: missing value"),
        (lambda: cs.KMeans(1).fit(np.array([[1.0], [np.inf]])), "data[:, 0][1] = inf: features must be finite"),
        (lambda: cs.KMeans(1, scale="log").fit(pd.DataFrame({"arr": [1.0, -5.0]})), "data['arr'][1] = -5: scale='log'"),
        (lambda: cs.KMeans(1, scale="minmax").fit(np.ones((2, 1))), "scale: 'minmax' is not one of"),
        (lambda: cs.KMeans(1).fit(np.ones(3)), "data: must be two-dimensional"),
        (lambda: cs.KMeans(1).fit(np.ones((2, 1))).predict(np.ones((2, 2))), "data: has 2 features but the model"),
        (lambda: cs.KMeans(1).fit(pd.DataFrame({"a": [1.0]})).predict(pd.DataFrame({"b": [1.0]})), "no column 'a'"),
        (lambda: cs.KMeans(2.5), "n_clusters: must be a whole number"),  # type: ignore[arg-type]
    ],
)
def test_kmeans_bad_input(make, message):
    with pytest.raises(InvalidInputError) as error:
        make()
    assert message in str(error.value)


def test_kmeans_predict_before_fit():
    with pytest.raises(cs.NotFittedError):
        cs.KMeans(2).predict(np.ones((2, 1)))


def test_kmeans_x_keyword_is_a_deprecated_alias_of_data(rng):
    data, _ = blobs(rng, [[0, 0], [5, 5]], per_blob=20)
    model = cs.KMeans(2, seed=1)
    with pytest.warns(DeprecationWarning, match="data"):
        model.fit(X=data)
    with pytest.warns(DeprecationWarning, match="data"):
        labels = model.predict(X=data)
    with pytest.warns(DeprecationWarning, match="data"):
        again = cs.KMeans(2, seed=1).fit_predict(X=data)
    assert labels.equals(again)
    assert model.predict(data=data).equals(labels)


def test_fitted_attributes_are_absent_before_fit_as_in_scikit_learn():
    model = cs.KMeans(2, seed=0)
    for name in ("cluster_centers_", "inertia_", "n_iter_", "n_features_in_", "feature_names_in_"):
        assert not hasattr(model, name), name
        with pytest.raises(AttributeError, match="call fit"):
            getattr(model, name)
    model.fit(np.array([[0.0], [1.0], [10.0], [11.0]]))
    assert all(hasattr(model, name) for name in ("cluster_centers_", "inertia_", "n_iter_"))
