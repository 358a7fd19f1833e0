"""Evaluation metrics and the evaluation report: per-class P/R/F1, confusion matrix, calibration, toxic AUC."""

from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Sequence

import numpy as np

from linktriage._records import LABELS, TOXIC_LABELS

__all__ = ["Metrics", "compute_metrics", "expected_calibration_error", "frame_markdown", "write_report"]


def frame_markdown(frame) -> str:
    """A pandas DataFrame as a Markdown table (index first), without the optional tabulate dependency."""
    head = [str(frame.index.name or "")] + [str(c) for c in frame.columns]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for index, row in frame.iterrows():
        lines.append("| " + " | ".join([str(index)] + [str(v) for v in row]) + " |")
    return "\n".join(lines)


@dataclass(frozen=True, slots=True)
class Metrics:
    n: int
    support: dict[str, int]
    precision: dict[str, float]
    recall: dict[str, float]
    f1: dict[str, float]
    macro_f1: float
    accuracy: float
    ece: float
    toxic_auc: float | None
    confusion: list[list[int]]
    labels: tuple[str, ...] = LABELS
    #: (bin lower edge, mean confidence, accuracy, count) for the reliability diagram
    reliability: tuple[tuple[float, float, float, int], ...] = ()

    def to_dict(self) -> dict:
        """The metrics as JSON values; what is undefined is None (null), as metric_cells shows "n/a": a precision
        of a label never predicted, a recall or F1 of a label no link has. Written as 0.0, they read as a label
        the model always gets wrong."""
        out = asdict(self)
        for label in self.labels:
            has_precision, has_recall = _defined(self, label)
            if not has_precision:
                out["precision"][label] = None
            if not has_recall:
                out["recall"][label] = out["f1"][label] = None
        return out


def _defined(m: Metrics, label: str) -> tuple[bool, bool]:
    """Whether ``label``'s precision (the model predicted it) and its recall and F1 (some link has it) are defined."""
    i = list(m.labels).index(label)
    return bool(sum(row[i] for row in m.confusion)), bool(m.support[label])


def expected_calibration_error(confidence: np.ndarray, correct: np.ndarray, bins: int = 10):
    """ECE over equal-width confidence bins of the predicted label, and the per-bin table."""
    edges = np.linspace(0.0, 1.0, bins + 1)
    table = []
    ece = 0.0
    for lo, hi in zip(edges[:-1], edges[1:]):
        mask = (confidence > lo) & (confidence <= hi) if lo > 0 else (confidence >= lo) & (confidence <= hi)
        if mask.sum() == 0:
            continue
        conf, acc = float(confidence[mask].mean()), float(correct[mask].mean())
        ece += mask.mean() * abs(conf - acc)
        table.append((float(lo), conf, acc, int(mask.sum())))
    return float(ece), tuple(table)


def compute_metrics(y_true: Sequence[str], proba: np.ndarray, classes: Sequence[str]) -> Metrics:
    """Metrics of probabilities ``proba`` (columns in ``classes`` order) against true labels."""
    from sklearn.metrics import confusion_matrix, precision_recall_fscore_support, roc_auc_score

    y_true = np.asarray(y_true)
    classes = list(classes)
    full = np.zeros((len(y_true), len(LABELS)))
    for i, label in enumerate(LABELS):
        if label in classes:
            full[:, i] = proba[:, classes.index(label)]
    y_pred = np.asarray(LABELS)[full.argmax(axis=1)]
    p, r, f, s = precision_recall_fscore_support(y_true, y_pred, labels=list(LABELS), zero_division=0)
    present = [i for i, label in enumerate(LABELS) if s[i] > 0]
    confidence = full.max(axis=1)
    ece, table = expected_calibration_error(confidence, (y_pred == y_true).astype(float))
    toxic_true = np.isin(y_true, list(TOXIC_LABELS))
    toxic_score = full[:, [LABELS.index(t) for t in TOXIC_LABELS]].sum(axis=1)
    auc = float(roc_auc_score(toxic_true, toxic_score)) if 0 < toxic_true.sum() < len(y_true) else None
    return Metrics(
        n=len(y_true), support={l: int(s[i]) for i, l in enumerate(LABELS)},
        precision={l: float(p[i]) for i, l in enumerate(LABELS)}, recall={l: float(r[i]) for i, l in enumerate(LABELS)},
        f1={l: float(f[i]) for i, l in enumerate(LABELS)},
        macro_f1=float(np.mean([f[i] for i in present])) if present else 0.0,
        accuracy=float((y_pred == y_true).mean()) if len(y_true) else 0.0,
        ece=ece, toxic_auc=auc,
        confusion=confusion_matrix(y_true, y_pred, labels=list(LABELS)).tolist(), reliability=table,
    )


def metric_cells(m: Metrics, label: str) -> tuple[str, str, str]:
    """Precision, recall and F1 of one label as shown: "n/a" where undefined, not 0.000. A label none of the links
    has (support 0) has no recall nor F1; a label the model never predicted has no precision. Shown as 0.000, a
    label missing from a small evaluation set read as one the model always gets wrong."""
    has_precision, has_recall = _defined(m, label)
    return (f"{m.precision[label]:.3f}" if has_precision else "n/a",
            f"{m.recall[label]:.3f}" if has_recall else "n/a",
            f"{m.f1[label]:.3f}" if has_recall else "n/a")


def one_label_note(m: Metrics) -> str | None:
    """What the headline means when every link has the same label: macro-F1 is then that label's F1 alone (1.000
    when the model calls them all that), which says nothing about telling the labels apart."""
    present = [label for label in m.labels if m.support[label]]
    if len(present) != 1:
        return None
    return (f"all {m.n} links are labelled {present[0]}: macro-F1 is that label's F1 alone, how many of them the model "
            "called so; label links of the other kinds too to measure how well it tells them apart")


def metrics_markdown(m: Metrics, title: str) -> str:
    lines = [f"### {title}", "", f"{m.n} links · macro-F1 **{m.macro_f1:.3f}** · accuracy {m.accuracy:.3f} · "
             f"ECE {m.ece:.3f} · toxic-vs-rest ROC AUC {m.toxic_auc:.3f}" if m.toxic_auc is not None else
             f"{m.n} links · macro-F1 **{m.macro_f1:.3f}** · accuracy {m.accuracy:.3f} · ECE {m.ece:.3f}", "",
             *([note, ""] if (note := one_label_note(m)) else []),
             "| label | precision | recall | F1 | support |", "|---|---|---|---|---|"]
    for label in m.labels:
        lines.append(f"| {label} | {' | '.join(metric_cells(m, label))} | {m.support[label]} |")
    lines += ["", "n/a: a label no link has (no recall) or the model never predicted (no precision); macro-F1 averages the "
              "labels the links have.", "", "Confusion matrix (rows true, columns predicted):", "",
              "| true \\ predicted | " + " | ".join(m.labels) + " |", "|---" * (len(m.labels) + 1) + "|"]
    for label, row in zip(m.labels, m.confusion):
        lines.append(f"| {label} | " + " | ".join(str(v) for v in row) + " |")
    return "\n".join(lines) + "\n"


def reliability_png(m: Metrics, path: Path, title: str) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(4.5, 4.5))
    ax.plot([0, 1], [0, 1], "--", color="grey", label="perfect calibration")
    if m.reliability:
        conf = [b[1] for b in m.reliability]
        acc = [b[2] for b in m.reliability]
        size = [max(10, 300 * b[3] / m.n) for b in m.reliability]
        ax.plot(conf, acc, "-", color="#1f77b4")
        ax.scatter(conf, acc, s=size, color="#1f77b4", label="model (dot size = links)")
    ax.set_xlabel("confidence of predicted label")
    ax.set_ylabel("accuracy")
    ax.set_title(f"{title}\nECE {m.ece:.3f}", fontsize=10)
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    ax.legend(loc="upper left", fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def write_report(directory: str | Path, sections: dict[str, Metrics], *, intro: str = "", extra: str = "") -> Path:
    """Write REPORT.md, metrics.json and one reliability diagram per section into ``directory``.

    Diagrams an earlier report left there for sections this one does not have are removed (only files named
    ``reliability-*.png``), so the folder never shows a diagram its REPORT.md does not describe."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    parts = ["# linktriage evaluation report", "", intro, ""]
    written = set()
    for key, metrics in sections.items():
        slug = "-".join(re.findall(r"[a-z0-9]+", key.lower()))[:60]
        png = directory / f"reliability-{slug}.png"
        reliability_png(metrics, png, key)
        written.add(png.name)
        parts += [metrics_markdown(metrics, key), f"![reliability diagram: {key}]({png.name})", ""]
    for old in directory.glob("reliability-*.png"):
        if old.name not in written:
            old.unlink(missing_ok=True)
    parts.append(extra)
    (directory / "REPORT.md").write_text("\n".join(parts), encoding="utf-8")
    (directory / "metrics.json").write_text(json.dumps({k: m.to_dict() for k, m in sections.items()}, indent=2))
    return directory / "REPORT.md"
