"""The link classifier: a scikit-learn estimator with calibrated probabilities and per-row reasons.

Saved with skops (a zip that runs no code when loaded); the model card travels inside the file as ``card_``.
"""

from __future__ import annotations

import copy
import functools
import io
import os
import re
import sys
import types
import warnings
import zipfile
from pathlib import Path
from typing import Any, Sequence

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.utils.validation import check_is_fitted

from linktriage._exceptions import InputError, ModelError
from linktriage._paths import check_output_folder
from linktriage._reasons import group_phrase
from linktriage._records import LABELS, Prediction
from linktriage._remote import is_url, replaced_on_success
from linktriage._shipped import SHIPPED_DIR
from linktriage.features import FEATURE_GROUPS, FEATURE_NAMES

__all__ = ["LinkClassifier", "load_model", "save_model", "DEFAULT_MODEL_PATH", "FORMAT_VERSION"]

DEFAULT_MODEL_PATH = SHIPPED_DIR / "linktriage-model.skops"
#: bump when the saved layout changes; load_model refuses files from another format version
FORMAT_VERSION = 1
#: a gradient-boosting fit on fewer links runs on one thread. scikit-learn's OpenMP threads wait for each other at
#: every histogram step by spinning: on a machine whose cores other processes also use, a fit on 98 labels took
#: 231 s instead of 1 s (`train` 17 min instead of 18 s), and threads save nothing on a few thousand rows anyway.
#: Above it they do, on an idle machine: the shipped table (24,088 links) fit in 71 s on two threads, 99 s on one
ONE_THREAD_BELOW = 10_000

def _leaf_size(n_samples: int) -> int:
    """Gradient boosting's smallest leaf: scikit-learn's 20 from 200 labelled links up (the shipped model, a user's
    few hundred labels), a tenth of the links below. With 20, a tree cannot split fewer than 40 links: trained on a
    few dozen labels, every tree was one leaf and the model gave every link the same label."""
    return min(20, max(1, n_samples // 10))


class LinkClassifier(ClassifierMixin, BaseEstimator):
    """Gradient boosting (or logistic regression) on the link features, calibrated on held-out folds.

    Parameters are stored as given; everything learned ends in ``_`` (scikit-learn conventions).
    ``fit(X, y, groups=...)`` keeps folds grouped by site so calibration never sees a site it was fit on.
    """

    def __init__(self, *, estimator: str = "gbm", max_iter: int = 300, learning_rate: float = 0.06, max_leaf_nodes: int = 31,
                 l2_regularization: float = 1.0, class_weight: str | None = "balanced",
                 calibration: str = "isotonic", cv: int = 5, random_state: int = 0) -> None:
        self.estimator = estimator
        self.max_iter = max_iter
        self.learning_rate = learning_rate
        self.max_leaf_nodes = max_leaf_nodes
        self.l2_regularization = l2_regularization
        self.class_weight = class_weight
        self.calibration = calibration
        self.cv = cv
        self.random_state = random_state

    def _base(self, n_samples: int):
        from sklearn.ensemble import HistGradientBoostingClassifier

        if self.estimator == "logreg":
            from sklearn.linear_model import LogisticRegression
            from sklearn.pipeline import make_pipeline
            from sklearn.preprocessing import StandardScaler

            return make_pipeline(StandardScaler(), LogisticRegression(
                C=0.5, max_iter=2000, class_weight=self.class_weight, random_state=self.random_state))
        return HistGradientBoostingClassifier(
            max_iter=self.max_iter, learning_rate=self.learning_rate, max_leaf_nodes=self.max_leaf_nodes,
            l2_regularization=self.l2_regularization, class_weight=self.class_weight,
            min_samples_leaf=_leaf_size(n_samples), random_state=self.random_state,
        )

    def fit(self, X: pd.DataFrame, y: Sequence[str], groups: Sequence[str] | None = None,
            sample_weight: Sequence[float] | None = None) -> "LinkClassifier":
        """Fit on named features; ``groups`` (sites) keep calibration folds apart; ``sample_weight`` weighs rows
        in the model and in its calibration."""
        from sklearn.calibration import CalibratedClassifierCV
        from sklearn.model_selection import GroupKFold, StratifiedKFold

        if self.estimator not in ("gbm", "logreg"):
            raise ValueError(f"The 'estimator' parameter must be 'gbm' or 'logreg'. Got {self.estimator!r} instead.")
        if self.calibration not in ("isotonic", "sigmoid"):
            raise ValueError(f"The 'calibration' parameter must be 'isotonic' or 'sigmoid'. Got {self.calibration!r} instead.")
        X = self._frame(X, reset=True)
        y = np.asarray(y)
        unknown = sorted(set(y) - set(LABELS))
        if unknown:
            raise ValueError(f"unknown labels {unknown}; expected {list(LABELS)}")
        # Calibration needs held-out folds; small user label sets get fewer folds rather than an error.
        n_groups = len(set(groups)) if groups is not None else 0
        smallest_class = int(np.unique(y, return_counts=True)[1].min()) if len(y) else 0
        if n_groups >= 2:
            splits = list(GroupKFold(n_splits=min(self.cv, n_groups)).split(X, y, groups))
        elif smallest_class >= 2:
            splits = list(StratifiedKFold(n_splits=min(self.cv, smallest_class), shuffle=True,
                                          random_state=self.random_state).split(X, y))
        else:
            raise ValueError("too few labelled links to calibrate: give at least 2 links per label, or links "
                             "from at least 2 sites")
        # ensemble=False: the held-out folds only fit the calibration map; one base model is then fit on all rows.
        # Five calibrated copies would predict no better here, but make the file 5x larger and slower to load.
        # With a few labels, a training fold can miss a class: then one calibrated model per fold (ensemble)
        # is the only way scikit-learn can calibrate, so it is used for such small label sets only.
        every_fold_complete = all(len(set(y[train])) == len(set(y)) for train, _ in splits)
        weights = {}
        if sample_weight is not None:
            weights["sample_weight"] = np.asarray(sample_weight, dtype=float)
            if self.estimator == "logreg":  # a Pipeline takes no sample_weight: it goes to its last step by name
                weights["logisticregression__sample_weight"] = weights["sample_weight"]
        calibrated = CalibratedClassifierCV(self._base(len(y)), method=self.calibration, cv=splits,
                                            ensemble=not every_fold_complete)
        with _openmp_threads(1 if len(y) < ONE_THREAD_BELOW else None), warnings.catch_warnings():
            # scikit-learn warns that the Pipeline would get no weights; it gets them by name above.
            warnings.filterwarnings("ignore", message="Since Pipeline does not appear to accept sample_weight")
            self.model_ = calibrated.fit(X.to_numpy(), y, **weights)
        self.classes_ = self.model_.classes_
        # The reference row for reasons: what a typical training link looks like, per feature.
        self.reference_ = X.median().to_numpy(dtype=float)
        return self

    def _frame(self, X: pd.DataFrame, *, reset: bool) -> pd.DataFrame:
        if not isinstance(X, pd.DataFrame):
            raise TypeError("LinkClassifier expects a pandas DataFrame of named features")
        if reset:
            self.feature_names_in_ = np.asarray(X.columns, dtype=object)
            self.n_features_in_ = len(X.columns)
            return X.astype(float)
        missing = [c for c in self.feature_names_in_ if c not in X.columns]
        if missing:
            raise ModelError(f"features missing for this model: {missing[:5]}; was it trained by another linktriage version? Retrain it with `linktriage train`")
        return X[list(self.feature_names_in_)].astype(float)

    def predict_proba(self, X: pd.DataFrame) -> np.ndarray:
        check_is_fitted(self)
        with _openmp_threads(1):  # scoring's analysis workers hold the other cores (ONE_THREAD_BELOW says why)
            return self.model_.predict_proba(self._frame(X, reset=False).to_numpy())

    def predict(self, X: pd.DataFrame) -> np.ndarray:
        return self.classes_[np.argmax(self.predict_proba(X), axis=1)]

    def explain(self, X: pd.DataFrame, *, top: int = 3) -> list[tuple[str, ...]]:
        """The few feature groups that pushed each row to its label, in words.

        For each group, the group's features are set to the training median and the drop in the predicted
        label's log-odds is measured: the groups whose own values did most for the label are the reasons. The
        log-odds are the fitted model's own, before calibration: isotonic calibration is flat near 0 and 1, so on
        a confident row taking away one of two groups that both say "spam" left the calibrated probability at 1.0,
        and about half of the real training rows (465 of a sample of 1,000) got a single reason, often the link's
        position alone.
        """
        return self._reasons(X, np.argmax(self.predict_proba(X), axis=1), top)

    def _reasons(self, X: pd.DataFrame, chosen: np.ndarray, top: int = 3) -> list[tuple[str, ...]]:
        """explain's reasons for the labels ``chosen`` (indices into ``classes_``), given by a caller that has the
        probabilities already (predictions)."""
        check_is_fitted(self)
        X = self._frame(X, reset=False)
        values = X.to_numpy()
        groups = sorted(set(FEATURE_GROUPS[c] for c in self.feature_names_in_ if c in FEATURE_GROUPS))
        columns = {g: [i for i, c in enumerate(self.feature_names_in_) if FEATURE_GROUPS.get(c) == g] for g in groups}
        occluded = np.concatenate([_occlude(values, columns[g], self.reference_) for g in groups])
        with _openmp_threads(1):  # as in predict_proba
            odds = self._log_odds(values)
            occluded_odds = self._log_odds(occluded).reshape(len(groups), len(values), -1)
        rows = np.arange(len(values))
        effect = odds[rows, chosen][None, :] - occluded_odds[:, rows, chosen]  # groups x rows
        reasons = []
        records = X.to_dict("records")
        for r in rows:
            order = np.argsort(-effect[:, r])
            # 0.1 in log-odds: about 0.025 of probability near 0.5, where the calibrated probability used to need 0.01
            picked = [group_phrase(groups[g], records[r]) for g in order[:top] if effect[g, r] > 0.1]
            reasons.append(tuple(picked) or (group_phrase("position", records[r]),))
        return reasons

    def _log_odds(self, values: np.ndarray) -> np.ndarray:
        """Per-class log-odds of the uncalibrated model(s) inside the calibration, in ``classes_`` order: one model
        when fitted with ensemble=False, else one per fold, averaged (small label sets; a fold may lack a class)."""
        proba = np.zeros((len(values), len(self.classes_)))
        fitted = self.model_.calibrated_classifiers_
        for calibrated in fitted:
            estimator = calibrated.estimator
            proba[:, np.searchsorted(self.classes_, estimator.classes_)] += estimator.predict_proba(values)
        proba = np.clip(proba / len(fitted), 1e-6, 1 - 1e-6)
        return np.log(proba) - np.log1p(-proba)

    def predictions(self, X: pd.DataFrame) -> list[Prediction]:
        """Label, calibrated probabilities and reasons for each row."""
        if len(X) == 0:
            return []
        proba = self.predict_proba(X)
        reasons = self._reasons(X, np.argmax(proba, axis=1))
        out = []
        for row, why in zip(proba, reasons):
            probabilities = {label: float(row[list(self.classes_).index(label)]) if label in self.classes_ else 0.0
                             for label in LABELS}
            label = max(probabilities, key=probabilities.get)
            out.append(Prediction(label=label, confidence=probabilities[label], probabilities=probabilities, reasons=why))
        return out

    def save(self, path: str | os.PathLike[str]) -> None:
        save_model(self, path)


def _occlude(values: np.ndarray, columns: list[int], reference: np.ndarray) -> np.ndarray:
    copy = values.copy()
    copy[:, columns] = reference[columns]
    return copy


# skops lists its trusted types with sklearn.utils.all_estimators(), whose package walk imports every sub-package of
# scikit-learn, including the vendored array-API shim for torch, which imports torch itself when it is installed
# (the MiniLM embedder needs it): 2-3 s and ~200 MB per process for a module that holds no estimator (and that
# all_estimators skips anyway, as it skips all of sklearn.externals). An empty package stands in for the shim while
# skops imports; it is removed afterwards, so code that really uses torch arrays imports the real shim.
_TORCH_SHIM = "sklearn.externals.array_api_compat.torch"


def _skops_io():
    if "skops.io" in sys.modules or _TORCH_SHIM in sys.modules or "torch" in sys.modules:
        import skops.io

        return skops.io
    stand_in = types.ModuleType(_TORCH_SHIM)
    stand_in.__path__ = []
    sys.modules[_TORCH_SHIM] = stand_in
    try:
        import skops.io
    finally:
        if sys.modules.get(_TORCH_SHIM) is stand_in:
            del sys.modules[_TORCH_SHIM]
    return skops.io


def _openmp_threads(limit: int | None):
    """A block in which OpenMP (scikit-learn's gradient boosting) uses at most ``limit`` threads; None: as many as
    it would."""
    return _thread_pools().limit(limits=limit, user_api="openmp")


@functools.cache
def _thread_pools():
    """The process's thread-pool libraries, found once: ``threadpool_limits`` searched every loaded library again on
    each call, and scoring limits threads for every chunk's predictions."""
    from threadpoolctl import ThreadpoolController

    return ThreadpoolController()


def save_model(model: LinkClassifier, path: str | os.PathLike[str], card: dict[str, Any] | None = None) -> None:
    """Write a model with skops; the card (data summary, metrics, versions) is stored inside the file."""
    import sklearn

    sio = _skops_io()

    from linktriage import __version__

    check_is_fitted(model)
    target = writable_model_path(path)
    model.card_ = {**(getattr(model, "card_", None) or {}), **(card or {}),
                   "format_version": FORMAT_VERSION, "linktriage_version": __version__,
                   "sklearn_version": sklearn.__version__, "labels": list(LABELS)}
    # Written beside the target and moved into place, as outputs are: a full disk leaves the previous model, not
    # half a file.
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        with replaced_on_success(str(target), resume=False) as partial:
            buffer = io.BytesIO()
            sio.dump(model, buffer)
            with open(partial, "wb") as stream:
                stream.write(_reproducible(buffer.getvalue()))
    except OSError as exc:
        raise InputError(f"cannot write the model to {path}: {exc.strerror or exc}") from None


def _reproducible(saved: bytes) -> bytes:
    """A skops file whose bytes depend on the model only: the same training run gives the same file (a checksum
    tells whether a model changed). skops names objects and array entries by their memory address (``id()``) and
    stamps entries with the time; these become numbers in order of appearance and a fixed date. The entries are
    compressed (skops' default stores them: 6 labelled links made a 33 MB file, its trees each an entry and all
    named in a JSON schema; 5 MB compressed, loading as fast)."""
    import json

    with zipfile.ZipFile(io.BytesIO(saved)) as source:
        entries = {info.filename: source.read(info) for info in source.infolist()}
    schema = json.loads(entries.pop("schema.json"))
    ids: dict[object, int] = {}
    files: dict[str, str] = {}

    def renumber(node: object) -> None:
        if isinstance(node, list):
            for item in node:
                renumber(item)
        elif isinstance(node, dict):
            if "__loader__" in node:  # a skops node; other dicts are a DictNode's contents, keyed by the model's keys
                if "__id__" in node:
                    node["__id__"] = ids.setdefault(node["__id__"], len(ids) + 1)
                if isinstance(node.get("file"), str) and node["file"] in entries:
                    name = node["file"]
                    node["file"] = files.setdefault(name, f"{len(files) + 1}{os.path.splitext(name)[1]}")
            for value in node.values():
                renumber(value)

    renumber(schema)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for name, data in [("schema.json", json.dumps(schema, indent=2).encode()),
                           *sorted((files.get(name, name), data) for name, data in entries.items())]:
            info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            target.writestr(info, data, compresslevel=6)
    return out.getvalue()


def writable_model_path(path: str | os.PathLike[str]) -> Path:
    """``path`` as a Path if a model file can be written there, else InputError saying why: checked before
    training (minutes) as well as when saving."""
    if not isinstance(path, (str, os.PathLike)) or not os.fspath(path).strip():
        raise InputError(f"the model path must be a file name such as my-model.skops, got {path!r}")
    if is_url(os.fspath(path)):  # as a Path, s3://b/m.skops is the local s3:/b/m.skops: written there, not uploaded
        raise InputError(f"{path}: models are written to a local file; give a path, then copy the file to the store")
    if os.fspath(path).strip() == "-":  # `score -o -` is standard output; a model is a file, not a stream
        raise InputError("-o -: a model is written to a file, not to standard output; give a file name such as "
                         "my-model.skops")
    target = Path(path)
    if os.fspath(path).endswith(("/", os.sep)):  # Path drops the slash: the model would be a file of that name
        raise InputError(f"{path} names a folder: give a file name such as {target / 'model.skops'}")
    if target.is_dir():
        raise InputError(f"{path} is a directory: give a file name such as {target / 'model.skops'}")
    if target.exists() and not target.is_file():
        raise InputError(f"{path} is not a regular file: give a file name such as my-model.skops")
    folder = next(p for p in (target.parent, *target.parent.parents) if p.exists())  # the rest is created
    if not folder.is_dir():
        raise InputError(f"cannot write the model to {path}: {folder} is a file, not a folder")
    if not os.access(folder, os.W_OK):
        raise InputError(f"cannot write the model to {path}: no permission to write in {folder}")
    if folder == target.parent:
        # as score's outputs: a folder root cannot write in after all (a read-only mount, an ACL) and an existing
        # model made immutable were found when saving, after the training they were to keep
        check_output_folder("-o", target)
    return target


def load_model(path: str | os.PathLike[str] | None = None) -> LinkClassifier:
    """Load a model file (default: the shipped model). Refuses files holding types other than the expected ones."""
    if path is not None and not isinstance(path, (str, os.PathLike)):
        raise ModelError(f"the model must be given as the path of a model file, got {type(path).__name__}")
    if path is not None and not os.fspath(path).strip():  # `model=os.environ.get("MODEL", "")`: an unset name
        # silently loaded the shipped model
        raise ModelError("the model path is empty: give a model file, or none at all for the shipped model")
    if path is not None and _names_a_url(os.fspath(path)):
        # As a Path (the CLI's --model), https://host/m.skops became https:/host/m.skops: "no model file at" that
        url = re.sub(r"^([A-Za-z][A-Za-z0-9+.-]+):/+", r"\1://", os.fspath(path))
        raise ModelError(f"{url}: models are read from a local file: download it, then give its path")
    path = Path(path) if path is not None else DEFAULT_MODEL_PATH
    if path.is_dir():
        found = sorted(path.glob("*.skops"))[:3]
        raise ModelError(f"{path} is a folder: " + (f"give the model file in it, e.g. {' or '.join(map(str, found))}"
                                                     if found else "give a model file written by `linktriage train`"))
    if not path.is_file():
        raise ModelError(f"no model file at {path}; train one with `linktriage train` or `python training/train_model.py`")
    stat = path.stat()
    # Loading takes seconds; a process that scores many batches (the HTTP API, tests) reads each file once.
    # The file's size and mtime are in the key, so a retrained model at the same path is read again. Each caller
    # gets its own copy (~20 ms): one that edits its model (its card, a refit) changed every later load's.
    return copy.deepcopy(_load_model_file(str(path.resolve()), stat.st_mtime_ns, stat.st_size))


def _names_a_url(text: str) -> bool:
    """An fsspec URL, also as pathlib leaves one (``s3:/bucket/m.skops``); not a Windows drive (``C:/``)."""
    return is_url(text) or re.match(r"^[A-Za-z][A-Za-z0-9+.-]+:/(?!/)", text) is not None


#: Beyond the types skops trusts by default, what a gradient-boosting linktriage model holds. skops checks every type
#: as it rebuilds the file, so trusting exactly these loads such a file in one pass; listing a file's types first
#: (for any other model) walks it a second time, which took a third of the shipped model's loading time.
_OWN_TYPE = "linktriage.model.LinkClassifier"
_GBM_MODEL_TYPES = [_OWN_TYPE, "sklearn.calibration._CalibratedClassifier",
                    "sklearn.ensemble._hist_gradient_boosting.predictor.TreePredictor"]


def _load_trusting(sio, path: Path) -> Any:
    from skops.io.exceptions import UntrustedTypesFoundException

    try:
        return sio.load(path, trusted=_GBM_MODEL_TYPES)
    except UntrustedTypesFoundException:
        pass
    untrusted = sio.get_untrusted_types(file=path)
    # Only our estimator and scikit-learn's own classes: a model file from the internet must not be
    # able to name arbitrary callables (builtins.eval, os.system, ...) for skops to rebuild.
    unexpected = [t for t in untrusted if not (t == _OWN_TYPE or _is_scikit_learn_class(t))]
    if unexpected:
        raise ModelError(f"{path}: refusing to load unexpected types {unexpected[:5]}")
    return sio.load(path, trusted=untrusted)


def _is_scikit_learn_class(name: str) -> bool:
    """Whether the type a skops file names is a class scikit-learn defines. The name alone does not say: skops
    rebuilds ``module.attribute``, and a scikit-learn module holds what it imports too (``sklearn.datasets._rcv1.remove``
    is ``os.remove``), so a file could name such functions and have a trusted estimator call them when scoring."""
    import importlib

    module, _, attribute = name.rpartition(".")
    if not (module == "sklearn" or module.startswith("sklearn.")):
        return False
    try:
        found = getattr(importlib.import_module(module), attribute)
    except Exception:  # noqa: BLE001 - a name that does not resolve is not trusted
        return False
    return isinstance(found, type) and (found.__module__ or "").startswith("sklearn.")


@functools.lru_cache(maxsize=4)
def _load_model_file(name: str, mtime_ns: int, size: int) -> LinkClassifier:
    import sklearn

    from linktriage import __version__

    sio = _skops_io()

    path = Path(name)
    try:
        with open(path, "rb") as stream:
            head = stream.read(2)
    except OSError as exc:
        raise ModelError(f"{path}: cannot read the model file ({exc.strerror or exc})") from None
    if len(head) == 2 and head[0] == 0x80 and 2 <= head[1] <= 5:  # a pickle (joblib.dump, pickle.dump), renamed
        raise ModelError(f"{path}: a pickle or joblib file, not a skops model file; linktriage does not read pickles "
                         "(loading one can run any code): give a model written by `linktriage train`")
    if not head:
        raise ModelError(f"{path}: the file is empty; give a model written by `linktriage train`")
    try:
        model = _load_trusting(sio, path)
    except ModelError:
        raise
    except Exception as exc:  # skops raises many kinds on a damaged or foreign file
        raise ModelError(f"{path}: not a linktriage model file ({type(exc).__name__}: {str(exc)[:120]})") from None
    if not isinstance(model, LinkClassifier):
        raise ModelError(f"{path}: holds a {type(model).__name__}, not a linktriage model")
    card = getattr(model, "card_", None)
    if not isinstance(card, dict):
        raise ModelError(f"{path}: the model has no model card; save models with `linktriage train` or Model.save")
    if card.get("format_version") != FORMAT_VERSION:
        raise ModelError(f"{path}: model format {card.get('format_version')} but this linktriage reads format "
                         f"{FORMAT_VERSION}; retrain it with `linktriage train`")
    # What scoring relies on, checked here: a file edited or assembled elsewhere fails at load, not at the first row.
    if not hasattr(model, "model_"):
        raise ModelError(f"{path}: the model was saved before it was fitted; train it with `linktriage train`")
    unknown = [str(c) for c in getattr(model, "classes_", []) if c not in LABELS]
    if unknown:
        raise ModelError(f"{path}: the model predicts labels linktriage does not have ({', '.join(unknown[:5])}); "
                         "retrain it with `linktriage train`")
    # A model of another linktriage version may use features this one does not compute (renamed, removed, new):
    # it loaded, then every scoring run failed at its first page, after the archive was read.
    names = [str(n) for n in getattr(model, "feature_names_in_", [])]
    foreign = [n for n in names if n not in FEATURE_NAMES]
    made_by = f"linktriage {card.get('linktriage_version')}" if card.get("linktriage_version") else "another version"
    if not names or foreign:
        listed = f" ({', '.join(foreign[:5])}{', ...' if len(foreign) > 5 else ''})" if foreign else ""
        raise ModelError(f"{path}: the model uses features this linktriage ({__version__}) does not compute{listed}; "
                         f"it was trained by {made_by}: retrain it with `linktriage train`")
    if getattr(model.model_, "n_features_in_", len(names)) != len(names):
        raise ModelError(f"{path}: the model names {len(names)} features but was fitted on "
                         f"{model.model_.n_features_in_}: the file is damaged; retrain it with `linktriage train`")
    reference = getattr(model, "reference_", None)  # the row the reasons compare with (explain): one value a feature
    if not isinstance(reference, np.ndarray) or reference.shape != (len(names),):
        raise ModelError(f"{path}: the model's reference row for its reasons does not match its {len(names)} features: "
                         "the file is damaged; retrain it with `linktriage train`")
    if card.get("sklearn_version") != sklearn.__version__:
        warnings.warn(f"{path} was saved with scikit-learn {card.get('sklearn_version')}, running "
                      f"{sklearn.__version__}: predictions may differ slightly", stacklevel=2)
    return model
