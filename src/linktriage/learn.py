"""Training and evaluation jobs: labelled backlinks + pages -> feature table -> model and grouped metrics.

Cross-validation always groups folds by site (the referring page's registrable domain), so no site is in both
the training and the test side: the numbers say how the model does on sites it has never seen.
"""

from __future__ import annotations

import os
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from typing import Iterable, Sequence

import numpy as np
import pandas as pd

from linktriage._cache import close_after_workers
from linktriage._exceptions import InputError
from linktriage._records import LABELS, Backlink, canonical_label
from linktriage._run_warnings import warn_run
from linktriage._shipped import SHIPPED_DIR
from linktriage.features import FEATURE_NAMES
from linktriage.metrics import Metrics, compute_metrics
from linktriage.model import LinkClassifier
from linktriage.sources.fetch import reason_family
from linktriage.sources.warc import url_key

__all__ = ["TrainingTable", "TrainResult", "build_training_table", "cross_validate", "train", "evaluate",
           "own_weights", "SHIPPED_TABLE_PATH", "DEFAULT_OWN_SHARE"]

SHIPPED_TABLE_PATH = SHIPPED_DIR / "training-table.parquet"
#: with_shipped: the share of the total weight the user's labels make together (evaluation/retraining/RESULTS.md)
DEFAULT_OWN_SHARE = 0.5
#: below this many usable labelled links, training on them alone is warned about (evaluation/retraining/SMALL_SETS.md)
FEW_LABELS = 100


@dataclass(slots=True)
class TrainingTable:
    """Features of labelled links that could be located, with what was skipped and why."""

    features: pd.DataFrame
    labels: np.ndarray
    groups: np.ndarray
    generated: np.ndarray
    #: source_url, target_url, anchor, position, context_text of each kept row (error analysis, embeddings)
    info: pd.DataFrame
    skipped: Counter = field(default_factory=Counter)

    def __len__(self) -> int:
        return len(self.labels)

    def subset(self, mask: np.ndarray) -> "TrainingTable":
        return TrainingTable(self.features[mask].reset_index(drop=True), self.labels[mask], self.groups[mask],
                             self.generated[mask], self.info[mask].reset_index(drop=True), Counter(self.skipped))

    @classmethod
    def concat(cls, tables: Sequence["TrainingTable"]) -> "TrainingTable":
        return cls(pd.concat([t.features for t in tables], ignore_index=True),
                   np.concatenate([t.labels for t in tables]), np.concatenate([t.groups for t in tables]),
                   np.concatenate([t.generated for t in tables]),
                   pd.concat([t.info for t in tables], ignore_index=True),
                   sum((t.skipped for t in tables), Counter()))

    def to_parquet(self, path: str | os.PathLike[str]) -> None:
        """Save the numeric table (features, label, group, generated): no page text, so it can ship."""
        frame = self.features.copy()
        frame["label"], frame["group"], frame["generated"] = self.labels, self.groups, self.generated
        frame.to_parquet(path, index=False)

    @classmethod
    def from_parquet(cls, path: str | os.PathLike[str]) -> "TrainingTable":
        frame = pd.read_parquet(path)
        return cls(frame[list(FEATURE_NAMES)], frame["label"].to_numpy(), frame["group"].to_numpy(),
                   frame["generated"].to_numpy(dtype=bool), pd.DataFrame(index=range(len(frame))))


@dataclass(slots=True)
class TrainResult:
    model: LinkClassifier
    #: grouped cross-validated metrics: "real" (real pages) and "generated" when present
    cv_metrics: dict[str, Metrics]
    table: TrainingTable
    #: how many rows of ``table`` are the user's (the rest, with ``with_shipped``, are the shipped training table's)
    own_links: int = 0


#: why a labelled link has no features, as the skip counts say it (the statuses' own names read ambiguously there:
#: "missing" beside pages missing from --pages)
_NOT_USABLE = {
    "missing": "link not found on its page",
    "not_fetched": "page not in --pages",
    "page_gone": "page gone (404 or 410)",
    "blocked": "page blocked (401, 403, 429 or robots.txt)",
    "error": "page not readable",
    "redirected": "page redirects to the target's own site",
}


def _skip_reason(backlink: Backlink, analysis) -> str:
    """Why a labelled link gave no features, as one skipped count. An unreadable page says why, grouped as the fetch
    summary groups it (a timeout, a refused address, a cut-off archive record): each is fixed differently, and
    "page not readable" alone left the user to score the file to find out."""
    if backlink.error:  # the row itself (no URL, a shifted row), not its page
        return f"row not usable: {backlink.error}"
    why = _NOT_USABLE.get(analysis.link_status, f"link not usable: {analysis.link_status}")
    if analysis.link_status == "error" and analysis.reason:
        why += f" ({reason_family(analysis.reason)})"
    return why


def _link_key(backlink: Backlink) -> tuple[str, str, str]:
    """One link: its page, its target and its anchor (a page may link one target twice, from different places).

    The URLs as the archive and the locator match them (url_key): two exports of the same links spell them
    differently (``https://www.shop.com`` and ``http://shop.com/``), and both rows were found as one link on one
    page, so a second label went in as a second link with the same features."""
    return url_key(backlink.source_url), url_key(backlink.target_url), " ".join(backlink.anchor.lower().split())


def _conflicting_links(backlinks: Sequence[Backlink], labels: Sequence[str]) -> set[tuple[str, str, str]]:
    """Links given two different labels (two reviewers, a pasted row): training on both would teach noise, and
    neither can be trusted, so both rows are skipped and counted."""
    seen: dict[tuple[str, str, str], set[str]] = {}
    for backlink, label in zip(backlinks, labels):
        if label in LABELS:
            seen.setdefault(_link_key(backlink), set()).add(label)
    return {key for key, given in seen.items() if len(given) > 1}


def build_training_table(backlinks: Iterable[Backlink], getter, *, groups: Sequence[str] | None = None,
                         generated: Sequence[bool] | None = None, workers: int | None = None,
                         skip_repeats: bool = False) -> TrainingTable:
    """Locate each labelled link on its page and compute its features; count what cannot be used and why.

    ``skip_repeats``: a link given the same label again is skipped and counted (``train`` and ``evaluate`` do; the
    shipped model's training keeps its label files' rows as they were when it was built)."""
    from linktriage.pipeline import analyse_backlinks

    backlinks = list(backlinks)
    labels = [canonical_label(b.label) for b in backlinks]
    conflicting = _conflicting_links(backlinks, labels)
    skipped: Counter = Counter()
    usable: list[int] = []
    seen: set[tuple[str, str, str]] = set()
    for i, (b, label) in enumerate(zip(backlinks, labels)):
        if label not in LABELS:
            skipped[_unknown_label_key(b.label, skipped)] += 1
        elif _link_key(b) in conflicting:
            skipped["one link labelled differently in two rows"] += 1
        elif skip_repeats and _link_key(b) in seen:
            # the same link again (two label files overlapping, a pasted row): its features are the same, so it
            # only counted twice, in training weight and in evaluated numbers
            skipped["same link labelled in an earlier row"] += 1
        else:
            seen.add(_link_key(b))
            usable.append(i)
    keep_rows, feats, info = [], [], []
    workers = workers or os.cpu_count() or 1
    executor = ProcessPoolExecutor(max_workers=workers) if workers > 1 and len(usable) > 200 else None
    try:
        for start in range(0, len(usable), 4000):
            chunk = [backlinks[i] for i in usable[start:start + 4000]]
            analyses, pages = analyse_backlinks(chunk, getter, executor)
            for index, b, a in zip(usable[start:start + 4000], chunk, analyses):
                if a.features is None:
                    skipped[_skip_reason(b, a)] += 1
                    continue
                keep_rows.append(index)
                feats.append(a.features)
                page = pages.get(b.source_url)
                info.append({"source_url": b.source_url, "target_url": b.target_url, "anchor": b.anchor,
                             "position": a.context.position, "context_text": a.context.context_text,
                             "page_text": f"{page.title}\n{page.main_text[:4000]}" if page else "",
                             "source_domain": a.source_domain})
    finally:
        if executor is not None:
            executor.shutdown()
            if getter.cache:
                close_after_workers(getter.cache)  # the cache's -wal and -shm files go (see _cache)
    idx = np.asarray(keep_rows, dtype=int)
    frame_info = pd.DataFrame(info, columns=["source_url", "target_url", "anchor", "position", "context_text",
                                             "page_text", "source_domain"])
    group_values = (np.asarray(groups, dtype=object)[idx] if groups is not None
                    else frame_info["source_domain"].to_numpy(dtype=object))
    return TrainingTable(
        features=pd.DataFrame(feats, columns=list(FEATURE_NAMES)),
        labels=np.asarray([labels[i] for i in keep_rows], dtype=object),
        groups=group_values,
        generated=(np.asarray(generated, dtype=bool)[idx] if generated is not None else np.zeros(len(idx), bool)),
        info=frame_info, skipped=skipped,
    )


#: unknown label values named one by one in the skipped counts; the rest are counted together
NAMED_UNKNOWN_LABELS = 10
#: and each named by its first characters
UNKNOWN_LABEL_CHARS = 40


def _unknown_label_key(value: str | None, skipped: Counter) -> str:
    """The skipped count a row with this unknown label goes to. A label column of free-text notes would otherwise
    name every value: a line of kilobytes on stderr, in the model card and in REPORT.md."""
    if not value:
        return "no label"
    if len(value) > UNKNOWN_LABEL_CHARS:  # a note of kilobytes, named by its start (two such notes: one count)
        value = value[:UNKNOWN_LABEL_CHARS - 1] + "…"
    key = f"unknown label {value!r}"
    named = sum(1 for k in skipped if k.startswith("unknown label '") or k.startswith('unknown label "'))
    return key if key in skipped or named < NAMED_UNKNOWN_LABELS else "unknown label, other values"


def cross_validate(table: TrainingTable, *, cv: int = 5, make_model=LinkClassifier, seed: int = 0,
                   evaluate_mask: np.ndarray | None = None,
                   weights: np.ndarray | None = None) -> tuple[np.ndarray, list[str]]:
    """Out-of-fold probabilities with folds grouped by site (``weights``: per-row sample weights of the fits).
    Returns (proba, classes)."""
    from sklearn.model_selection import GroupKFold

    n_groups = len(set(table.groups))
    folds = min(cv, n_groups)
    if folds < 2:
        raise ValueError("cross-validation needs labelled links from at least 2 sites")
    if folds < cv:  # said only in the model card before: the printed metrics are of fewer, larger folds
        warn_run(f"{cv} folds asked (--cv), but the labelled links come from {n_groups} sites: cross-validation "
                 f"uses {folds} folds of one site each")
    proba = np.zeros((len(table), len(LABELS)))
    splitter = GroupKFold(n_splits=folds, shuffle=True, random_state=seed)
    splits = list(splitter.split(table.features, table.labels, table.groups))
    for train_idx, _ in splits:
        _check_fittable(table.labels[train_idx], table.groups[train_idx], folds)
    for train_idx, test_idx in splits:
        fit_weights = {} if weights is None else {"sample_weight": weights[train_idx]}
        model = make_model().fit(table.features.iloc[train_idx], table.labels[train_idx],
                                 groups=table.groups[train_idx], **fit_weights)
        p = model.predict_proba(table.features.iloc[test_idx])
        for j, label in enumerate(model.classes_):
            proba[test_idx, LABELS.index(label)] = p[:, j]
    return proba, list(LABELS)


def _check_fittable(labels: np.ndarray, groups: np.ndarray, folds: int) -> None:
    """Raise InputError (one line: what is missing, how to fix it) when one fold's training part cannot be fitted.

    A few labelled links crashed inside scikit-learn (IndexError) after part of the work. Checked before any
    fitting. An error rather than training without cross-validation: the model's own calibration needs the same
    (it holds out one site at a time, or stratifies within a single site), so the final fit could fail as well,
    and the cross-validated metrics are the only measure ``train`` gives of a model built from so few labels.
    Rejected: one label only; two labels where a label is on a single site (the calibration fold holding that site
    out trains on the other label alone: scikit-learn fails, or calibrates on one label, by the labels' order;
    with three labels or more it copes, as the shipped examples need); a single site with a label of one link.
    """
    counts = Counter(labels)
    sites = {label: len(set(groups[labels == label])) for label in counts}
    if len(set(groups)) == 1:
        fittable = len(counts) >= 2 and min(counts.values()) >= 2
    else:
        fittable = len(counts) >= 3 or (len(counts) == 2 and min(sites.values()) >= 2)
    if fittable:
        return
    part = ", ".join(f"{label} {n} link{'s' * (n > 1)} on {sites[label]} site{'s' * (sites[label] > 1)}"
                     for label, n in sorted(counts.items()))
    fewer = ", use fewer folds (--cv)" if folds > 2 else ""
    raise InputError(f"too few labelled links for {folds}-fold cross-validation grouped by site: one fold would "
                     f"train on {part} (a fold needs 3 labels or more, or 2 labels each on 2 sites or more); label "
                     f"more links on more sites{fewer} or add --with-shipped to train with the shipped labels")


def grouped_metrics(table: TrainingTable, proba: np.ndarray) -> dict[str, Metrics]:
    """Metrics on real pages, and on generated pages apart (generated pages never make up a whole evaluation)."""
    sections = {}
    real = ~table.generated
    if real.any():
        sections["real"] = compute_metrics(table.labels[real], proba[real], LABELS)
    if table.generated.any():
        sections["generated"] = compute_metrics(table.labels[table.generated], proba[table.generated], LABELS)
    return sections


def own_weights(own: int, shipped: int, share: float) -> np.ndarray:
    """Sample weights of ``own`` user rows followed by ``shipped`` rows: each shipped row 1, the user's rows
    together ``share`` of the total (never less than 1 each)."""
    each = max(1.0, share / (1 - share) * shipped / own)
    return np.concatenate([np.full(own, each), np.ones(shipped)])


def train(table: TrainingTable, *, cv: int = 5, with_shipped: bool = False, seed: int = 0,
          own_share: float = DEFAULT_OWN_SHARE) -> TrainResult:
    """Cross-validate (grouped by site) and fit the final model on everything.

    With ``with_shipped`` the user's labels are added to the shipped training table, so a few hundred labels
    refine the shipped model instead of replacing it; metrics are computed on the user's rows only. The user's
    links together make ``own_share`` of the total weight (0.5: as much as the ~24,000 shipped links; each shipped
    link weighs 1, and a user's link never less): unweighted, 300 links among them barely moved the model
    (evaluation/retraining/RESULTS.md).
    """
    own = np.ones(len(table), dtype=bool)
    own_links = len(table)
    weights = None
    if with_shipped:
        shipped = TrainingTable.from_parquet(SHIPPED_TABLE_PATH)
        shipped.info = pd.DataFrame(index=range(len(shipped)), columns=table.info.columns)
        weights = own_weights(len(table), len(shipped), own_share)
        table = TrainingTable.concat([table, shipped])
        own = np.concatenate([own, np.zeros(len(shipped), dtype=bool)])
    proba, _ = cross_validate(table, cv=cv, seed=seed, weights=weights)
    sections = grouped_metrics(table.subset(own), proba[own])
    model = LinkClassifier(random_state=seed).fit(table.features, table.labels, groups=table.groups,
                                                  sample_weight=weights)
    return TrainResult(model=model, cv_metrics=sections, table=table, own_links=own_links)


def evaluate(table: TrainingTable, model: LinkClassifier) -> dict[str, Metrics]:
    """Metrics of ``model`` on a labelled table (real and generated pages apart)."""
    proba = np.zeros((len(table), len(LABELS)))
    if len(table):
        p = model.predict_proba(table.features)
        for j, label in enumerate(model.classes_):
            proba[:, LABELS.index(label)] = p[:, j]
    return grouped_metrics(table, proba)
