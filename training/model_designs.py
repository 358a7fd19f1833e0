"""The model designs compared on the same site-grouped split (issue: ship the best and say why).

- gbm_features: gradient boosting on the engineered features, isotonic calibration (LinkClassifier)
- logreg_features: multinomial logistic regression on the same features, standardised, sigmoid calibration
- logreg_embeddings: logistic regression on sentence embeddings of the page text, the link's context and anchor
- stack: gradient boosting on the features plus the out-of-fold class probabilities of logreg_embeddings

Given the dev set too, every design is also fitted on all rows and scored on it: cross-validation on real pages
measures agreement with the weak labels on held-out sites, the dev set the truth on sites no label file holds.
The design is chosen on cross-validation (the mean over a few model seeds: choose_design); the dev column only
checks that the choice holds there.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from sklearn.calibration import CalibratedClassifierCV
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GroupKFold
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from linktriage._records import LABELS
from linktriage.learn import TrainingTable, evaluate, grouped_metrics
from linktriage.model import LinkClassifier


def _logreg(seed: int):
    """Multinomial logistic regression on sentence embeddings (a plain sklearn pipeline, sigmoid-calibrated)."""
    base = make_pipeline(StandardScaler(), LogisticRegression(C=0.5, max_iter=2000, class_weight="balanced",
                                                              random_state=seed))
    return _Calibrated(base)


class _Calibrated:
    """A calibrated pipeline with the fit(X, y, groups) signature the comparison uses."""

    def __init__(self, base) -> None:
        self.base = base

    def fit(self, X, y, groups=None):
        splits = list(GroupKFold(n_splits=min(5, len(set(groups)))).split(X, y, groups))
        self.model_ = CalibratedClassifierCV(self.base, method="sigmoid", cv=splits).fit(np.asarray(X, float), y)
        self.classes_ = self.model_.classes_
        return self

    def predict_proba(self, X):
        return self.model_.predict_proba(np.asarray(X, float))


#: designs that run on the features alone, so they can ship as a LinkClassifier (reasons included)
DESIGNS = {
    "gbm_features": lambda seed: LinkClassifier(estimator="gbm", calibration="isotonic", random_state=seed),
    "logreg_features": lambda seed: LinkClassifier(estimator="logreg", calibration="sigmoid", random_state=seed),
}


def _oof(table_X, labels, groups, make, cv: int, seed: int) -> np.ndarray:
    proba = np.zeros((len(labels), len(LABELS)))
    splitter = GroupKFold(n_splits=min(cv, len(set(groups))), shuffle=True, random_state=seed)
    for train_idx, test_idx in splitter.split(table_X, labels, groups):
        X_train = table_X.iloc[train_idx] if isinstance(table_X, pd.DataFrame) else table_X[train_idx]
        X_test = table_X.iloc[test_idx] if isinstance(table_X, pd.DataFrame) else table_X[test_idx]
        model = make(seed).fit(X_train, labels[train_idx], groups=groups[train_idx])
        proba[test_idx] = _label_order(model, model.predict_proba(X_test))
    return proba


def _embeddings(table: TrainingTable) -> np.ndarray | None:
    try:
        from linktriage.relevance import load_embedder
        embedder = load_embedder("static")
    except Exception as exc:  # the embedder is optional for this comparison
        print(f"  (embedding designs skipped: {exc})")
        return None
    info = table.info
    parts = [embedder.encode(info[column].fillna("").astype(str).str[:2000].tolist())
             for column in ("page_text", "context_text", "anchor")]
    return np.hstack(parts)


def compare_designs(table: TrainingTable, *, cv: int = 5, seed: int = 0,
                    dev: TrainingTable | None = None) -> dict[str, dict]:
    """Grouped out-of-fold metrics of every design on the same folds (same seed => same split); with ``dev``,
    also each design's metrics on it when fitted on all of ``table`` (under "dev"), and for the designs that can
    ship that fitted model (under "fitted": the shipped model, so train_model.py need not fit it again)."""
    results = {}
    for name, make in DESIGNS.items():
        proba = _oof(table.features, table.labels, table.groups, make, cv, seed)
        results[name] = {**grouped_metrics(table, proba), "proba": proba}
        if dev is not None:
            fitted = make(seed).fit(table.features, table.labels, groups=table.groups)
            results[name].update(dev=evaluate(dev, fitted)["real"], fitted=fitted)
        print(f"  {name}: {_summary(results[name])}", flush=True)
    embeddings = _embeddings(table)
    if embeddings is not None:
        proba = _oof(embeddings, table.labels, table.groups, _logreg, cv, seed)
        results["logreg_embeddings"] = {**grouped_metrics(table, proba), "proba": proba}
        # Stack: the embedding model's out-of-fold probabilities become five more features. They are computed
        # out-of-fold once, so the outer folds see probabilities from models that never saw their rows' sites.
        stacked = _with_probabilities(table.features, proba)
        stack_proba = _oof(stacked, table.labels, table.groups, lambda s: _StackGBM(s), cv, seed)
        results["stack"] = {**grouped_metrics(table, stack_proba), "proba": stack_proba}
        if dev is not None:
            embedding_model = _logreg(seed).fit(embeddings, table.labels, groups=table.groups)
            dev_proba = _label_order(embedding_model, embedding_model.predict_proba(_embeddings(dev)))
            results["logreg_embeddings"]["dev"] = grouped_metrics(dev, dev_proba)["real"]
            # fitted on the out-of-fold probabilities, as in cross-validation; dev rows get the full model's
            stack = _StackGBM(seed).fit(stacked, table.labels, groups=table.groups)
            results["stack"]["dev"] = evaluate(_replace_features(dev, _with_probabilities(dev.features, dev_proba)),
                                               stack)["real"]
        for name in ("logreg_embeddings", "stack"):
            print(f"  {name}: {_summary(results[name])}", flush=True)
    return results


def choose_design(table: TrainingTable, results: dict[str, dict], *, cv: int = 5, seed: int = 0,
                  seeds: int = 3) -> tuple[str, dict[str, list[float]]]:
    """The design that ships: of the designs that score from the features alone, the one with the best mean
    real-page cross-validated macro-F1 over ``seeds`` model seeds (``seed`` first, whose scores ``results`` holds),
    all on the folds of ``seed``. Returns it and each such design's macro-F1 per model seed.

    One model seed is not enough: it alone moves gradient boosting's macro-F1 by up to 0.03 (error notes items 8
    and 9), while the logistic regression barely moves, so a choice on one seed can go to whichever design that
    seed happened to favour (item 32: logreg_features, 0.08 worse on the dev set, after a change whose gradient
    boosting had its lowest of four runs at seed 0).
    """
    scores = {}
    for name, make in DESIGNS.items():
        scores[name] = [results[name]["real"].macro_f1]
        for model_seed in range(seed + 1, seed + seeds):
            proba = _oof(table.features, table.labels, table.groups, lambda _fold_seed, s=model_seed: make(s), cv,
                         seed)
            scores[name].append(grouped_metrics(table, proba)["real"].macro_f1)
    return max(scores, key=lambda name: float(np.mean(scores[name]))), scores


def _summary(result: dict) -> str:
    dev = f", dev macro-F1 {result['dev'].macro_f1:.3f}" if "dev" in result else ""
    return f"real macro-F1 {result['real'].macro_f1:.3f}{dev}"


def _with_probabilities(features: pd.DataFrame, proba: np.ndarray) -> pd.DataFrame:
    stacked = features.copy()
    for j, label in enumerate(LABELS):
        stacked[f"emb_p_{label}"] = proba[:, j]
    return stacked


def _label_order(model, proba: np.ndarray) -> np.ndarray:
    """``proba``'s columns in LABELS order (a label the model never saw gets 0)."""
    ordered = np.zeros((len(proba), len(LABELS)))
    for j, label in enumerate(model.classes_):
        ordered[:, LABELS.index(label)] = proba[:, j]
    return ordered


def _replace_features(table: TrainingTable, features: pd.DataFrame) -> TrainingTable:
    return TrainingTable(features, table.labels, table.groups, table.generated, table.info, table.skipped)


class _StackGBM(LinkClassifier):
    """LinkClassifier that accepts extra columns (the stacked probabilities)."""

    def __init__(self, random_state: int = 0) -> None:
        super().__init__(random_state=random_state)
