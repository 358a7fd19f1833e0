"""`linktriage train --with-shipped`: the user's labels join the shipped training table with a share of the weight
(`--own-share`, by default as much as the whole shipped table)."""

from __future__ import annotations

import warnings

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


@pytest.mark.parametrize("own_share, share", [(None, 0.5), (0.2, 0.2)])
def test_the_users_labels_weigh_their_share_of_the_whole(small_shipped_table, monkeypatch, own_share, share):
    fits = []
    fit = LinkClassifier.fit

    def recording_fit(self, X, y, groups=None, sample_weight=None):
        fits.append((len(y), None if sample_weight is None else np.asarray(sample_weight)))
        return fit(self, X, y, groups=groups, sample_weight=sample_weight)

    monkeypatch.setattr(LinkClassifier, "fit", recording_fit)
    model = linktriage.train(EXAMPLES / "labels.csv", pages=EXAMPLES / "pages.warc.gz", cv=2, with_shipped=True,
                             own_share=own_share)

    own = 6  # the example's labelled links (every one is on its archived page)
    rows, weights = fits[-1]  # the final model, after the two cross-validation folds
    assert len(fits) == 3 and rows == own + small_shipped_table
    assert np.allclose(weights[own:], 1.0) and len(set(weights[:own])) == 1
    assert np.isclose(weights[:own].sum() / weights.sum(), share)
    for fold_rows, fold_weights in fits[:2]:  # each fold's fit weighs its own part of the rows the same way
        assert len(fold_weights) == fold_rows < rows and set(np.round(fold_weights, 6)) <= set(np.round(weights, 6))
    assert model.card_["with_shipped"] is True and model.card_["own_share"] == share
    assert model.card_["n_links"] == rows
    assert model.card_["metrics_real_cv"]["n"] == own  # cross-validated on the user's links only
    # The model learnt the user's rows: it gives each of the example's links the user's label.
    labelled = pd.read_csv(EXAMPLES / "labels.csv")
    scored = linktriage.score(labelled.drop(columns="label"), pages=EXAMPLES / "pages.warc.gz", model=model)
    assert list(scored["label"]) == list(labelled["label"])


@pytest.mark.parametrize("kwargs, message", [
    ({"own_share": 0.3}, "add --with-shipped"),
    ({"own_share": 1.0, "with_shipped": True}, r"^--own-share \(own_share\) must be a number from 0 to below 1"),
    ({"own_share": -0.1, "with_shipped": True}, "from 0 to below 1"),
    ({"own_share": "half", "with_shipped": True}, "from 0 to below 1"),
])
def test_an_unusable_share_is_refused_before_any_work(kwargs, message):
    with pytest.raises(linktriage.InputError, match=message):
        linktriage.train(EXAMPLES / "labels.csv", pages=EXAMPLES / "pages.warc.gz", cv=2, **kwargs)


def test_a_share_of_zero_counts_each_link_once(small_shipped_table, monkeypatch):
    weights = []
    fit = LinkClassifier.fit

    def recording_fit(self, X, y, groups=None, sample_weight=None):
        weights.append(sample_weight)
        return fit(self, X, y, groups=groups, sample_weight=sample_weight)

    monkeypatch.setattr(LinkClassifier, "fit", recording_fit)
    linktriage.train(EXAMPLES / "labels.csv", pages=EXAMPLES / "pages.warc.gz", cv=2, with_shipped=True, own_share=0)
    assert all(np.allclose(w, 1.0) for w in weights)


def test_the_cli_refuses_a_share_without_with_shipped(tmp_path):
    from test_cli import run_process

    result = run_process("train", EXAMPLES / "labels.csv", "--pages", EXAMPLES / "pages.warc.gz",
                         "-o", tmp_path / "m.skops", "--own-share", "0.4")
    assert result.returncode == 2 and result.stderr.count("\n") == 1 and "add --with-shipped" in result.stderr
    assert not (tmp_path / "m.skops").exists()


def test_labels_the_user_gave_none_of_are_named_before_training(small_shipped_table, tmp_path):
    # Weighted, the user's links can outvote the shipped ones of a label they hold none of (evaluation/retraining).
    labelled = pd.read_csv(EXAMPLES / "labels.csv")
    path = tmp_path / "labels.csv"
    labelled[~labelled["label"].isin(["directory", "link_farm"])].to_csv(path, index=False)
    with pytest.warns(UserWarning, match="no link of yours is labelled directory or link_farm"):
        linktriage.train(path, pages=EXAMPLES / "pages.warc.gz", cv=2, with_shipped=True)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # unweighted: nothing to warn about
        linktriage.train(path, pages=EXAMPLES / "pages.warc.gz", cv=2, with_shipped=True, own_share=0)
