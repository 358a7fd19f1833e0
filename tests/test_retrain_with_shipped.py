"""`linktriage train --with-shipped`: the user's labels join the shipped training table and weigh as much as it."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from conftest import EXAMPLES

import linktriage
from linktriage import learn
from linktriage.model import LinkClassifier


@pytest.fixture
def small_shipped_table(tmp_path, monkeypatch):
    """A 500-link sample of the shipped table (every label, real and generated pages) in its place: the same
    code path as the full table, minutes faster."""
    table = pd.read_parquet(learn.SHIPPED_TABLE_PATH)
    sample = table.groupby("label").sample(100, random_state=0)
    path = tmp_path / "shipped.parquet"
    sample.reset_index(drop=True).to_parquet(path)
    monkeypatch.setattr(learn, "SHIPPED_TABLE_PATH", path)
    return len(sample)


def test_the_users_labels_weigh_as_much_as_the_shipped_ones(small_shipped_table, monkeypatch):
    fits = []
    fit = LinkClassifier.fit

    def recording_fit(self, X, y, groups=None, sample_weight=None):
        fits.append((len(y), None if sample_weight is None else np.asarray(sample_weight)))
        return fit(self, X, y, groups=groups, sample_weight=sample_weight)

    monkeypatch.setattr(LinkClassifier, "fit", recording_fit)
    model = linktriage.train(EXAMPLES / "labels.csv", pages=EXAMPLES / "pages.warc.gz", cv=2, with_shipped=True)

    own = 6  # the example's labelled links (every one is on its archived page)
    rows, weights = fits[-1]  # the final model, after the two cross-validation folds
    assert len(fits) == 3 and rows == own + small_shipped_table
    assert np.allclose(weights[:own], small_shipped_table / own) and np.allclose(weights[own:], 1.0)
    assert np.isclose(weights[:own].sum(), weights[own:].sum())
    for fold_rows, fold_weights in fits[:2]:  # each fold's fit weighs its own part of the rows the same way
        assert len(fold_weights) == fold_rows < rows and set(np.round(fold_weights, 6)) <= set(np.round(weights, 6))
    assert model.card_["with_shipped"] is True and model.card_["n_links"] == rows
    assert model.card_["metrics_real_cv"]["n"] == own  # cross-validated on the user's links only
    # The model learnt the user's rows: it gives each of the example's links the user's label.
    labelled = pd.read_csv(EXAMPLES / "labels.csv")
    scored = linktriage.score(labelled.drop(columns="label"), pages=EXAMPLES / "pages.warc.gz", model=model)
    assert list(scored["label"]) == list(labelled["label"])
