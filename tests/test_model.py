"""The classifier: calibrated probabilities, reasons from the model's view of each row, safe model files."""

from __future__ import annotations

import copy
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from linktriage import LABELS, ModelError
from linktriage.features import FEATURE_NAMES
from linktriage.model import LinkClassifier, load_model, save_model


def synthetic_table(n_per_label: int = 40, seed: int = 0) -> tuple[pd.DataFrame, np.ndarray, np.ndarray]:
    """Feature rows where each label is told apart by a different feature (so the model has something to learn)."""
    rng = np.random.default_rng(seed)
    rows, labels, groups = [], [], []
    # one telling feature per label, each from a different feature group (so reasons can differ)
    signal = {"editorial": "position_content", "guest_post": "page_disclosure", "directory": "phones",
              "spam": "rel_ugc", "link_farm": "block_external_domains"}
    for label in LABELS:
        for i in range(n_per_label):
            row = np.abs(rng.normal(0, 0.05, len(FEATURE_NAMES)))
            row[FEATURE_NAMES.index(signal[label])] += 3.0
            rows.append(row)
            labels.append(label)
            groups.append(f"site{i % 8}")
    return pd.DataFrame(rows, columns=list(FEATURE_NAMES)), np.asarray(labels), np.asarray(groups)


@pytest.fixture(scope="module")
def fitted():
    X, y, groups = synthetic_table()
    return LinkClassifier(max_iter=40, cv=3).fit(X, y, groups=groups), X, y


def test_probabilities_are_calibrated_distributions(fitted):
    model, X, y = fitted
    proba = model.predict_proba(X)
    assert proba.shape == (len(X), len(LABELS))
    assert np.allclose(proba.sum(axis=1), 1)
    assert (model.predict(X) == y).mean() > 0.95


def test_reasons_name_the_features_that_decided_each_row(fitted):
    model, X, _ = fitted
    predictions = model.predictions(X.iloc[[0, len(X) - 1]])
    first, last = predictions
    assert first.label == "editorial" and last.label == "link_farm"
    assert first.reasons and last.reasons
    assert first.reasons != last.reasons  # from the model's view of the row, not a fixed string per label


def test_round_trip_keeps_predictions_and_card(fitted, tmp_path):
    model, X, _ = fitted
    path = tmp_path / "model.skops"
    save_model(model, path, card={"design": "test"})
    loaded = load_model(path)
    assert np.allclose(loaded.predict_proba(X), model.predict_proba(X))
    assert loaded.card_["design"] == "test" and loaded.card_["labels"] == list(LABELS)


def test_refuses_model_files_naming_arbitrary_callables(tmp_path):
    import skops.io as sio
    from sklearn.preprocessing import FunctionTransformer

    path = tmp_path / "hostile.skops"
    sio.dump(FunctionTransformer(func=eval), path)
    with pytest.raises(ModelError, match="refusing to load unexpected types"):
        load_model(path)


def test_a_model_of_the_shipped_design_loads_in_one_pass_and_any_other_after_an_audit(fitted, tmp_path, monkeypatch):
    """The shipped design's types are trusted up front (skops still checks each one as it rebuilds the file); a
    file holding any other type is audited first (scikit-learn types pass, see the test below), then loaded."""
    import skops.io as sio
    from sklearn.utils import Bunch

    model, X, _ = fitted
    audited = []
    real_audit = sio.get_untrusted_types
    monkeypatch.setattr(sio, "get_untrusted_types", lambda **kw: audited.append(kw) or real_audit(**kw))
    save_model(model, tmp_path / "shipped-design.skops")
    save_model(copy.deepcopy(model), tmp_path / "other-types.skops", card={"notes": Bunch(source="a scikit-learn type")})
    for name in ("shipped-design.skops", "other-types.skops"):
        assert np.allclose(load_model(tmp_path / name).predict_proba(X), model.predict_proba(X))
    assert [Path(kw["file"]).name for kw in audited] == ["other-types.skops"]


def test_refuses_damaged_and_foreign_files(tmp_path):
    import skops.io as sio
    from sklearn.linear_model import LogisticRegression

    damaged = tmp_path / "damaged.skops"
    damaged.write_bytes(b"PK\x03\x04 truncated")
    with pytest.raises(ModelError, match="not a linktriage model file"):
        load_model(damaged)
    foreign = tmp_path / "foreign.skops"
    sio.dump(LogisticRegression(), foreign)
    with pytest.raises(ModelError, match="not a linktriage model"):
        load_model(foreign)
    with pytest.raises(ModelError, match="no model file"):
        load_model(tmp_path / "absent.skops")


def test_missing_features_are_reported(fitted):
    model, X, _ = fitted
    with pytest.raises(ModelError, match="features missing"):
        model.predict_proba(X.drop(columns=[FEATURE_NAMES[0]]))


def test_too_few_labels_to_calibrate_is_a_clear_error():
    X, y, _ = synthetic_table(n_per_label=1)
    with pytest.raises(ValueError, match="too few labelled links"):
        LinkClassifier(max_iter=5).fit(X, y)


def test_shipped_model_loads_and_covers_every_label():
    model = load_model()
    assert set(model.classes_) == set(LABELS)
    assert model.card_["format_version"] and "metrics_real_cv" in model.card_


def test_loading_a_model_does_not_import_torch_and_trusts_the_same_types():
    """skops' trusted-type scan would import torch through scikit-learn's vendored array-API shim (seconds and
    ~200 MB per process); the stand-in used while skops imports must leave its trusted types exactly as they are."""
    import subprocess
    import sys

    report = ("; import sys, hashlib; from skops.io import _trusted_types as t; "
              "print('torch' in sys.modules, hashlib.sha256(' '.join(t.SKLEARN_ESTIMATOR_TYPE_NAMES).encode()).hexdigest())")
    script = "from linktriage.model import load_model; load_model()" + report
    plain = "import skops.io" + report
    ours = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=300)
    theirs = subprocess.run([sys.executable, "-c", plain], capture_output=True, text=True, timeout=300)
    assert ours.returncode == 0 and theirs.returncode == 0, ours.stderr + theirs.stderr
    loaded_torch, ours_hash = ours.stdout.split()
    assert loaded_torch == "False"
    assert ours_hash == theirs.stdout.split()[1]


def test_model_files_that_scoring_cannot_use_are_refused_at_load(fitted, tmp_path):
    """A file edited or assembled elsewhere (a card that is not a dict, an unfitted model, labels linktriage does
    not have) loaded, then failed with an AttributeError or ValueError at the first row or in `info`."""
    import skops.io as sio

    model = fitted[0]
    save_model(model, tmp_path / "good.skops")
    good = load_model(tmp_path / "good.skops")
    broken = {"card.skops": "has no model card", "unfitted.skops": "saved before it was fitted",
              "banana.skops": "labels linktriage does not have (banana)"}
    for name, message in broken.items():
        changed = copy.deepcopy(good)
        if name == "card.skops":
            changed.card_ = "a string"
        elif name == "unfitted.skops":
            changed = LinkClassifier()
            changed.card_ = dict(good.card_)
        else:
            changed.classes_ = np.array([*good.classes_[:-1], "banana"], dtype=object)
        sio.dump(changed, tmp_path / name)
        with pytest.raises(ModelError, match=re.escape(message)):
            load_model(tmp_path / name)
    with pytest.raises(ModelError, match="path of a model file, got int"):
        load_model(5)


def test_saving_where_a_model_cannot_go_is_an_input_error(fitted, tmp_path):
    from linktriage import InputError

    (tmp_path / "afile").write_text("x")
    (tmp_path / "adir").mkdir()
    cases = {tmp_path / "afile" / "m.skops": "afile is a file, not a folder", tmp_path / "adir": "is a directory",
             "": "must be a file name", "/dev/full": "is not a regular file",
             "-": "written to a file, not to standard output"}  # `score -o -` is standard output
    for path, message in cases.items():
        with pytest.raises(InputError, match=message):
            save_model(fitted[0], path)
    save_model(fitted[0], tmp_path / "new" / "folder" / "m.skops")  # missing folders are created
    assert load_model(tmp_path / "new" / "folder" / "m.skops").card_["labels"] == list(LABELS)
    assert [p.name for p in (tmp_path / "new" / "folder").iterdir()] == ["m.skops"]  # no partial file left


@pytest.mark.parametrize("estimator", ["gbm", "logreg"])
def test_sample_weights_decide_between_conflicting_labels(estimator):
    # 40 editorial-looking rows labelled editorial, 10 copies of them labelled guest_post: unweighted, the model
    # leans editorial; the ten weighted x20 (as a user's own labels are weighed against the shipped ones) win.
    X, y, groups = synthetic_table()
    editorial = X[y == "editorial"]
    X = pd.concat([X, editorial.iloc[:10]], ignore_index=True)
    y = np.r_[y, ["guest_post"] * 10]
    groups = np.r_[groups, [f"site{i % 8}" for i in range(10)]]
    weights = np.r_[np.ones(len(y) - 10), np.full(10, 20.0)]

    def guest_post_probability(sample_weight):
        model = LinkClassifier(estimator=estimator, max_iter=40, cv=3).fit(X, y, groups=groups,
                                                                          sample_weight=sample_weight)
        return model.predict_proba(editorial)[:, list(model.classes_).index("guest_post")]

    plain, ones, heavy = map(guest_post_probability, (None, np.ones(len(y)), weights))
    # The model and its calibration both take the weights: an unweighted calibration pulled logreg back to editorial.
    assert plain.mean() < 0.25 and heavy.mean() > 0.5
    assert np.allclose(plain, ones)


@pytest.mark.parametrize("blank", ["", "   "])
def test_an_empty_model_path_is_refused_not_read_as_the_shipped_model(blank):
    """`model=os.environ.get("MODEL", "")` with MODEL unset scored with the shipped model, saying nothing."""
    import linktriage

    with pytest.raises(ModelError, match="the model path is empty"):
        load_model(blank)
    with pytest.raises(ModelError, match="the model path is empty"):
        linktriage.score([{"source_url": "https://a.example.org/", "target_url": "https://t.example/"}], model=blank)


def _openmp_threads_seen(monkeypatch, method: str) -> list[int]:
    """The OpenMP thread counts in force each time gradient boosting's ``method`` runs from now on."""
    import functools

    from sklearn.ensemble import HistGradientBoostingClassifier

    seen, original = [], getattr(HistGradientBoostingClassifier, method)

    @functools.wraps(original)  # scikit-learn calls methods by their name
    def watched(self, *args, **kwargs):
        seen.extend(_openmp_threads())
        return original(self, *args, **kwargs)

    monkeypatch.setattr(HistGradientBoostingClassifier, method, watched)
    return seen


def test_small_fits_and_every_prediction_run_on_one_openmp_thread(monkeypatch):
    """OpenMP threads spin while they wait for each other: with the cores taken by other processes (scoring's own
    analysis workers, or anything else), a fit on 98 labels took 231 s instead of 1 s. (The tests' own processes
    run with OMP_NUM_THREADS=1, conftest.py: two threads are allowed here, as a user's machine allows them.)"""
    from threadpoolctl import threadpool_limits

    fits = _openmp_threads_seen(monkeypatch, "fit")
    predictions = _openmp_threads_seen(monkeypatch, "decision_function")  # what calibration asks the model for
    X, y, groups = synthetic_table(n_per_label=20)
    with threadpool_limits(limits=2, user_api="openmp"):
        model = LinkClassifier(max_iter=10, cv=3).fit(X, y, groups=groups)
        model.predictions(X.head(5))
        assert _openmp_threads() == [2]  # as it was before
    assert fits and set(fits) == {1}
    assert predictions and set(predictions) == {1}


def test_a_fit_on_the_shipped_tables_size_keeps_every_thread(monkeypatch):
    from threadpoolctl import threadpool_limits

    import linktriage.model as model_module

    monkeypatch.setattr(model_module, "ONE_THREAD_BELOW", 100)
    fits = _openmp_threads_seen(monkeypatch, "fit")
    X, y, groups = synthetic_table(n_per_label=20)
    with threadpool_limits(limits=2, user_api="openmp"):
        LinkClassifier(max_iter=10, cv=3).fit(X, y, groups=groups)
    assert fits and set(fits) == {2}


def _openmp_threads() -> list[int]:
    from threadpoolctl import threadpool_info

    return [pool["num_threads"] for pool in threadpool_info() if pool["user_api"] == "openmp"]


def test_a_confident_row_names_every_group_that_says_so():
    # Two groups each say "spam" on their own (a ugc link, spam words), and most spam rows have both. The calibrated
    # probability of such a row stays at 1.0 when either is taken away, so reasons measured on it named neither and
    # fell back to the position alone; the model's own log-odds drop for each.
    rng = np.random.default_rng(1)
    rows, labels, groups = [], [], []
    for label in ("editorial", "spam"):
        for i in range(120):
            row = np.abs(rng.normal(0, 0.05, len(FEATURE_NAMES)))
            if label == "spam":
                signs = {0: ("rel_ugc", "page_spam_terms"), 1: ("rel_ugc",), 2: ("page_spam_terms",)}[i % 3]
                for name in signs:
                    row[FEATURE_NAMES.index(name)] += 3.0
            rows.append(row)
            labels.append(label)
            groups.append(f"site{i % 8}")
    X = pd.DataFrame(rows, columns=list(FEATURE_NAMES))
    # fitted long enough for confident log-odds, as the shipped model's are
    model = LinkClassifier(max_iter=100, learning_rate=0.2, cv=3).fit(X, np.asarray(labels), groups=np.asarray(groups))
    both = X.iloc[[120, 123, 126]]  # spam rows with both signs
    for prediction in model.predictions(both):
        assert prediction.label == "spam" and prediction.confidence > 0.95
        assert any(reason.startswith("rel=") and "ugc" in reason for reason in prediction.reasons), prediction.reasons
        assert any("spam word" in reason for reason in prediction.reasons), prediction.reasons
