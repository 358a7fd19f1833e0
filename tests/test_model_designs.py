"""training/model_designs.py: every design is cross-validated by site and, given a dev set, scored on it."""

from __future__ import annotations

import sys

import numpy as np
import pandas as pd
import pytest

from conftest import ROOT
from linktriage._records import LABELS
from linktriage.features import FEATURE_NAMES
from linktriage.learn import TrainingTable, evaluate

sys.path.insert(0, str(ROOT / "training"))
from model_designs import DESIGNS, choose_design, compare_designs  # noqa: E402  (training/model_designs.py)

#: words that give each label away in the page text, so the embedding designs have something to learn
TOPICS = {"editorial": "river flood council bridge", "guest_post": "sponsored partner brand paid",
          "directory": "listing address phone category", "spam": "casino pills loan viagra",
          "link_farm": "links exchange partners blogroll"}

FILLER = "the of today people new world time year great local story city week report".split()


def _table(n_sites: int, seed: int) -> TrainingTable:
    """Links whose label one feature (and the page text) gives away: a design that scores rows against the wrong
    labels or mixes up its probability columns cannot score well."""
    rng = np.random.default_rng(seed)
    rows, labels, groups, info = [], [], [], []
    for site in range(n_sites):
        for j, label in enumerate(LABELS):
            for _ in range(4):
                row = dict.fromkeys(FEATURE_NAMES, 0.0)
                row.update({name: float(rng.random()) for name in FEATURE_NAMES[:5]})
                row[FEATURE_NAMES[5 + j]] = 1.0 + rng.normal(0, 0.2)  # one telling feature per label
                rows.append(row)
                labels.append(label)
                groups.append(f"site{seed}-{site}.example")
                # two of the label's words among filler, so the embedding model's probabilities vary by row
                words = [*rng.choice(TOPICS[label].split(), 2, replace=False), *rng.choice(FILLER, 4)]
                info.append({"page_text": " ".join(rng.permutation(words)), "context_text": " ".join(words[:3]),
                             "anchor": str(rng.choice(FILLER))})
    n = len(labels)
    return TrainingTable(pd.DataFrame(rows, columns=FEATURE_NAMES), np.asarray(labels), np.asarray(groups),
                         np.zeros(n, dtype=bool), pd.DataFrame(info))


def test_every_design_is_scored_on_the_dev_set_when_given():
    pytest.importorskip("model2vec")
    table, dev = _table(10, seed=0), _table(3, seed=1)
    results = compare_designs(table, cv=2, seed=0, dev=dev)
    assert set(results) == {"gbm_features", "logreg_features", "logreg_embeddings", "stack"}
    for name, result in results.items():
        assert sum(result["dev"].support.values()) == len(dev), name
        assert result["dev"].macro_f1 > 0.9, (name, result["dev"].macro_f1)
        assert result["real"].macro_f1 > 0.9, (name, result["real"].macro_f1)
    # the feature designs keep the model they scored, so train_model.py ships it without fitting it again
    for name in ("gbm_features", "logreg_features"):
        assert evaluate(dev, results[name]["fitted"])["real"].macro_f1 == results[name]["dev"].macro_f1


def test_without_a_dev_set_designs_are_cross_validated_only():
    results = compare_designs(_table(6, seed=0), cv=2, seed=0)
    assert results and all("dev" not in result and "fitted" not in result for result in results.values())


def test_the_design_is_chosen_on_its_mean_over_model_seeds():
    table = _table(6, seed=0)
    results = compare_designs(table, cv=2, seed=0)
    best, scores = choose_design(table, results, cv=2, seed=0, seeds=3)
    assert set(scores) == set(DESIGNS) and all(len(s) == 3 for s in scores.values())
    assert all(scores[name][0] == results[name]["real"].macro_f1 for name in DESIGNS)  # seed 0: already measured
    assert best == max(scores, key=lambda name: np.mean(scores[name]))
    # the next seeds are the model's, on the first seed's folds
    from model_designs import _oof
    from linktriage.learn import grouped_metrics

    proba = _oof(table.features, table.labels, table.groups, lambda _fold_seed: DESIGNS["gbm_features"](2), 2, 0)
    assert scores["gbm_features"][2] == grouped_metrics(table, proba)["real"].macro_f1


def test_the_card_says_whether_an_unshipped_design_led_and_how_it_did_on_the_dev_set():
    import importlib.util
    from types import SimpleNamespace as Scores

    spec = importlib.util.spec_from_file_location("train_model_card", ROOT / "training" / "train_model.py")
    train_model = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(train_model)
    results = {"gbm_features": {"real": Scores(macro_f1=0.84), "dev": Scores(macro_f1=0.85)},
               "logreg_features": {"real": Scores(macro_f1=0.79)},
               "logreg_embeddings": {"real": Scores(macro_f1=0.49), "dev": Scores(macro_f1=0.37)},
               "stack": {"real": Scores(macro_f1=0.86), "dev": Scores(macro_f1=0.77)}}
    assert (train_model._embedding_verdict(results, "gbm_features")
            == "; stack leads cross-validation (macro-F1 0.860 against 0.840 for gbm_features; on the dev set 0.770 "
               "against 0.850)")
    results["stack"]["real"] = Scores(macro_f1=0.82)
    assert train_model._embedding_verdict(results, "gbm_features") == ", and they score lower in cross-validation"
