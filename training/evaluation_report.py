"""The shipped model's evaluation report (evaluation/report/), written by training/train_model.py.

Sections: grouped cross-validation on real pages (the headline), on generated pages (apart), the design
comparison, the hand-labelled dev set (../shared/devset, never trained on), and the worst confusions with examples.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from linktriage._records import LABELS, Backlink
from linktriage.learn import TrainingTable, build_training_table
from linktriage.metrics import frame_markdown, write_report
from linktriage.pipeline import PageGetter, ScoreOptions

ROOT = Path(__file__).resolve().parents[1]
DEVSET = ROOT.parent / "shared" / "devset" / "labels.csv"
CORPUS = ROOT.parent / "shared" / "corpus"
NOTES = ROOT / "evaluation" / "error_analysis_notes.md"
TARGETS = "Targets (issue 3): macro-F1 >= 0.90, every class recall >= 0.80, ECE <= 0.05, toxic-vs-rest AUC >= 0.95."


def devset_table() -> TrainingTable | None:
    if not DEVSET.exists():
        return None
    dev = pd.read_csv(DEVSET, dtype=str, keep_default_na=False)
    tables = []
    for warc, part in dev.groupby("warc"):
        backlinks = [Backlink(row=i, source_url=r.source_url, target_url=r.target_url, anchor=r.anchor, label=r.label)
                     for i, r in enumerate(part.itertuples())]
        getter = PageGetter(ScoreOptions(pages=(str(CORPUS / warc),), offline=True))
        tables.append(build_training_table(backlinks, getter, workers=1))
    return TrainingTable.concat(tables)


def confusion_examples(table: TrainingTable, proba: np.ndarray, mask: np.ndarray, top_pairs: int = 4,
                       per_pair: int = 4) -> str:
    predicted = np.asarray(LABELS)[proba.argmax(axis=1)]
    wrong = mask & (predicted != table.labels)
    pairs = pd.Series(list(zip(table.labels[wrong], predicted[wrong]))).value_counts().head(top_pairs)
    lines = ["## Worst confusions (real pages, out-of-fold)", ""]
    for (true, pred), count in pairs.items():
        lines += [f"### {true} predicted as {pred}: {count} links", "",
                  "| page | anchor | position | confidence | context |", "|---|---|---|---|---|"]
        idx = np.flatnonzero(wrong & (table.labels == true) & (predicted == pred))[:per_pair]
        for i in idx:
            info = table.info.iloc[i]
            context = " ".join(str(info.get("context_text", ""))[:140].split()).replace("|", "/")
            lines.append(f"| {info['source_url'][:70]} | {str(info['anchor'])[:40]} | {info['position']} | "
                         f"{proba[i].max():.2f} | {context} |")
        lines.append("")
    return "\n".join(lines)


def write_evaluation(directory: Path, table: TrainingTable, results: dict, best: str, *,
                     dev: TrainingTable | None = None, seed: int = 0) -> None:
    """The report of the shipped model (``best``); ``dev`` is the dev set's table (devset_table()), if any, whose
    metrics compare_designs has computed (under results[best]["dev"]) with the very model that ships."""
    proba = results[best]["proba"]
    sections = {f"cross-validation, real pages ({best})": results[best]["real"]}
    if "generated" in results[best]:
        sections[f"cross-validation, generated pages ({best})"] = results[best]["generated"]
    if dev is not None and "dev" in results[best]:
        sections["dev set (223 hand-labelled real links, never trained on)"] = results[best]["dev"]
        skipped = f"Dev-set links not located on their page and left out: {dict(dev.skipped)}."
    else:
        skipped = "The dev set was not available."
    counts = pd.crosstab(pd.Series(table.labels, name="label"),
                         pd.Series(np.where(table.generated, "generated", "real"), name="pages"))
    comparison = ["## Design comparison (same grouped folds)", "",
                  "Cross-validation on real pages chooses the design: for the designs that can ship, the mean of "
                  "its macro-F1 over a few model seeds on the same folds (the other columns are the first seed's); "
                  "the dev-set columns (each design fitted on everything) check that the choice holds on the "
                  "hand-labelled links.", "",
                  "| design | macro-F1 real | mean over model seeds | ECE real | toxic AUC real | macro-F1 dev "
                  "| ECE dev |",
                  "|---|---|---|---|---|---|---|"]
    for name, result in results.items():
        m, d = result["real"], result.get("dev")
        seeds = result.get("seed_scores") or ()
        mean = f"{np.mean(seeds):.3f} ({' · '.join(f'{x:.3f}' for x in seeds)})" if len(seeds) > 1 else ""
        comparison.append(f"| {name}{' (shipped)' if name == best else ''} | {m.macro_f1:.3f} | {mean} | {m.ece:.3f} | "
                          f"{'' if m.toxic_auc is None else f'{m.toxic_auc:.3f}'} | "
                          f"{'' if d is None else f'{d.macro_f1:.3f}'} | {'' if d is None else f'{d.ece:.3f}'} |")
    intro = "\n".join([
        "Regenerate with `python training/train_model.py` (rebuilds the model and this report).", "",
        TARGETS, "",
        f"Training data: {len(table)} labelled links from {len(set(table.groups))} sites. Cross-validation folds are "
        "grouped by site, so every number below is measured on sites the fold's model never saw.", "",
        "Links per label, real vs generated pages:", "", frame_markdown(counts), "", skipped, "",
    ])
    notes = NOTES.read_text(encoding="utf-8") if NOTES.exists() else ""
    extra = "\n".join(comparison) + "\n\n" + confusion_examples(table, proba, ~table.generated) + "\n" + notes
    write_report(directory, sections, intro=intro, extra=extra)
