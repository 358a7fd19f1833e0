"""Rebuild the shipped model from scratch: python training/train_model.py

1. generates the rare-class pages (training/generate_pages.py, fixed seed) unless already built,
2. locates every labelled link of data/labels/*.csv on its page (real corpus pages read from ../shared/corpus,
   generated pages from build/generated/) and computes its features,
3. compares model designs on the same split grouped by site, and chooses among those that can ship by their mean
   over three model seeds (--design-seeds),
4. fits the chosen design on everything and writes models/linktriage-model.skops (card inside),
   models/MODEL_CARD.md, models/training-table.parquet (numeric features only, for `train --with-shipped`)
   and the evaluation report in evaluation/report/.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "training"))

from linktriage._records import LABELS, Backlink  # noqa: E402
from linktriage.learn import SHIPPED_TABLE_PATH, TrainingTable, build_training_table  # noqa: E402
from linktriage.metrics import frame_markdown  # noqa: E402
from linktriage.model import DEFAULT_MODEL_PATH, save_model  # noqa: E402
from linktriage.pipeline import PageGetter, ScoreOptions  # noqa: E402
from labelling.corpus import HeldOut, held_out  # noqa: E402  (training/labelling/corpus.py)
from model_designs import DESIGNS  # noqa: E402  (training/model_designs.py)

CORPUS = ROOT.parent / "shared" / "corpus"
GENERATED = ROOT / "build" / "generated"
LABEL_FILES = [ROOT / "data" / "labels" / name for name in
               ("real_links.csv", "real_hand_labels.csv", "generated_links.csv")]
CACHE = ROOT / "build" / "training-table"
REPORT_DIR = ROOT / "evaluation" / "report"
# Features depend on the extraction, locator and feature code, on what counts as another site (_domains.py) and
# on which spellings of a URL are one (url_key in sources/warc.py: a label's link is found or not):
# a change to any of them invalidates the cache.
CODE_KEY = b"".join((ROOT / "src" / "linktriage" / name).read_bytes()
                    for name in ("extract.py", "locate.py", "features.py", "analyse.py", "_domains.py",
                                 "sources/warc.py"))


def load_labels(files=LABEL_FILES, held: HeldOut | None = None) -> pd.DataFrame:
    # A missing file is an error, not skipped: a model fitted without the generated labels (a mistyped path, pages
    # not generated yet) trained and scored without a word (error notes item 23).
    missing = [str(path) for path in files if not Path(path).exists()]
    if missing or not files:
        sys.exit(f"label files not found: {', '.join(missing) or 'none given'}; build them first "
                 "(training/labelling/build_labels.py for the real ones, training/generate_pages.py for "
                 "generated_links.csv)")
    frames = [pd.read_csv(path, dtype=str, keep_default_na=False) for path in files]
    labels = pd.concat(frames, ignore_index=True)
    labels["generated"] = labels["generated"].str.lower().eq("true")
    # The dev set measures sites the model has not met: a label file holding a page of a dev-set site would train on
    # its template (real_links.csv held 737 such rows from 32 of its sites until this was checked; error notes
    # item 24).
    held = held_out() if held is None else held
    sites = labels["site"].fillna("") if "site" in labels else pd.Series("", index=labels.index)
    leaked = [url for url, site, generated in zip(labels["source_url"], sites, labels["generated"])
              if not generated and held.holds(url, site)]
    if leaked:
        sys.exit(f"{len(leaked)} labelled links are on dev-set pages or sites (first: {leaked[0]}); rebuild the label "
                 "files (training/labelling/build_labels.py, training/labelling/hand/build.py)")
    return labels


def warc_path(name: str, generated: bool) -> Path:
    return (GENERATED if generated else CORPUS) / name


def _use_generated_dir(path: str | None) -> None:
    global GENERATED
    if path:
        GENERATED = Path(path)


def table_for(labels: pd.DataFrame) -> TrainingTable:
    """Feature table for all labels, one archive at a time (archives may share URLs).

    Each archive's table is cached under the hash of its label rows, so regenerating the generated pages does not
    recompute the (slow) real-page features and vice versa.
    """
    tables = []
    CACHE.mkdir(parents=True, exist_ok=True)
    for (warc, generated), part in labels.groupby(["warc", "generated"], sort=True):
        key = part[["source_url", "target_url", "anchor", "label", "site"]]
        path = warc_path(warc, generated)
        # the archive's size and mtime too: regenerated pages under unchanged labels must not reuse old features
        stat = path.stat() if path.exists() else None
        archive = f"{stat.st_size}:{stat.st_mtime_ns}".encode() if stat else b"missing"
        digest = hashlib.sha256(pd.util.hash_pandas_object(key, index=False).values.tobytes() + CODE_KEY
                                + archive).hexdigest()[:16]
        cached = CACHE / f"{Path(warc).name}-{digest}.pkl"
        if cached.exists():
            tables.append(pd.read_pickle(cached))
            continue
        started = time.time()
        backlinks = [Backlink(row=i, source_url=r.source_url, target_url=r.target_url, anchor=r.anchor, label=r.label)
                     for i, r in enumerate(part.itertuples())]
        getter = PageGetter(ScoreOptions(pages=(str(path),), offline=True))
        table = build_training_table(backlinks, getter, groups=part["site"].tolist(),
                                     generated=part["generated"].tolist())
        table.info["method"] = part["method"].to_numpy()[_kept(table, part)] if len(table) else []
        print(f"  {warc}: {len(table)}/{len(part)} links located ({time.time() - started:.0f} s); skipped {dict(table.skipped)}")
        pd.to_pickle(table, cached)
        tables.append(table)
    return TrainingTable.concat(tables)


def _kept(table: TrainingTable, part: pd.DataFrame) -> np.ndarray:
    keys = {(s, t): i for i, (s, t) in enumerate(zip(part["source_url"], part["target_url"]))}
    return np.asarray([keys[(s, t)] for s, t in zip(table.info["source_url"], table.info["target_url"])])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cv", type=int, default=5)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--design-seeds", type=int, default=3,
                        help="model seeds whose mean cross-validated macro-F1 chooses the design (default: 3)")
    parser.add_argument("--labels", nargs="*", default=LABEL_FILES, help="label CSV files (default: data/labels/*)")
    parser.add_argument("--generated-dir", help=f"where the generated pages are (default: {GENERATED})")
    args = parser.parse_args()
    _use_generated_dir(args.generated_dir)
    if not CORPUS.is_dir():
        sys.exit(f"the corpus is not at {CORPUS}: the shipped model is trained on it")
    if not any(GENERATED.glob("*.warc.gz")) and (ROOT / "training" / "generate_pages.py").exists():
        print("generating rare-class pages ...")
        subprocess.run([sys.executable, str(ROOT / "training" / "generate_pages.py")], check=True, cwd=ROOT)
    labels = load_labels(args.labels)
    print(f"{len(labels)} labelled links ({labels['generated'].sum()} on generated pages); computing features ...")
    table = table_for(labels)
    print(f"{len(table)} links usable; labels: {dict(pd.Series(table.labels).value_counts())}")

    from evaluation_report import devset_table, write_evaluation  # noqa: E402  (training/evaluation_report.py)
    from model_designs import choose_design, compare_designs  # noqa: E402  (training/model_designs.py)

    dev = devset_table()
    results = compare_designs(table, cv=args.cv, seed=args.seed, dev=dev if dev is not None and len(dev) else None)
    # Only designs that run on the features alone can ship: the embedding designs are measured so the card can
    # say what they would add, but they would need the embedder inside every scoring run.
    best, seed_scores = choose_design(table, results, cv=args.cv, seed=args.seed, seeds=args.design_seeds)
    for name in results:
        results[name]["seed_scores"] = seed_scores.get(name)
    print("designs (grouped CV, real pages):", {k: round(v["real"].macro_f1, 3) for k, v in results.items()},
          "; mean over model seeds:", {k: round(float(np.mean(v)), 3) for k, v in seed_scores.items()}, "->", best)

    fitted = results[best].get("fitted")  # fitted on everything for the dev set when there is one
    model = fitted if fitted is not None else DESIGNS[best](args.seed).fit(table.features, table.labels,
                                                                          groups=table.groups)
    sections = {k: v for k, v in results[best].items() if k not in ("proba", "fitted")}
    write_evaluation(REPORT_DIR, table, results, best, dev=dev, seed=args.seed)
    card = with_devset(build_card(table, results, best, sections))
    save_model(model, DEFAULT_MODEL_PATH, card=card)
    table.to_parquet(SHIPPED_TABLE_PATH)
    (ROOT / "models" / "MODEL_CARD.md").write_text(card["card_markdown"], encoding="utf-8")
    print(f"wrote {DEFAULT_MODEL_PATH}, models/MODEL_CARD.md and {REPORT_DIR / 'REPORT.md'}")


def _misses(dev: dict) -> str:
    """Which classes miss the recall target on the dev set, and what they are taken for (from its confusions)."""
    labels, confusion = dev["labels"], dev["confusion"]
    parts = []
    for i, label in enumerate(labels):
        if dev["recall"][label] >= 0.80:
            continue
        wrong = max((n, labels[j]) for j, n in enumerate(confusion[i]) if j != i)
        parts.append(f"{label} (recall {dev['recall'][label]:.2f}; {wrong[0]} of {sum(confusion[i])} taken for {wrong[1]})")
    auc = "; toxic-vs-rest AUC holds" if (dev.get("toxic_auc") or 0) >= 0.95 else ""
    calibration = f"; ECE {dev['ece']:.3f}" if dev["ece"] > 0.05 else ""
    return (": " + ", ".join(parts) if parts else "") + calibration + auc


def with_devset(card: dict) -> dict:
    """The card with the dev-set numbers of the evaluation report: the honest measure on real pages."""
    sections = json.loads((REPORT_DIR / "metrics.json").read_text())
    dev = next((v for k, v in sections.items() if k.startswith("dev set")), None)
    if dev is None:
        return card
    met = dev["macro_f1"] >= 0.90 and min(dev["recall"].values()) >= 0.80 and dev["ece"] <= 0.05
    text = ("\n## Dev set (223 hand-labelled real links, never trained on)\n\n"
            f"macro-F1 {dev['macro_f1']:.3f}, accuracy {dev['accuracy']:.3f}, ECE {dev['ece']:.3f}, toxic-vs-rest "
            f"ROC AUC {dev['toxic_auc']:.3f}; recall " + ", ".join(f"{k} {v:.2f}" for k, v in dev["recall"].items())
            + ".\n\n" + ("The issue's targets hold on the dev set.\n" if met else
            "**The issue's targets (macro-F1 >= 0.90, every recall >= 0.80, ECE <= 0.05) are not met on real pages**"
            + _misses(dev) + ". Cross-validation on real pages scores the model against weak labels; the dev set is "
            "the honest measure. Error analysis: evaluation/report/REPORT.md.\n"))
    return {**card, "metrics_dev_set": dev,
            "card_markdown": card["card_markdown"].replace("\n## Features", text + "\n## Features")}


def _embedding_verdict(results: dict, best: str) -> str:
    """What the embedding designs did against the shipped one, in words for the card."""
    others = [name for name in results if name not in DESIGNS]
    if not others:
        return ""
    ahead = [name for name in others if results[name]["real"].macro_f1 > results[best]["real"].macro_f1]
    if not ahead:
        return ", and they score lower in cross-validation"
    parts = []
    for name in ahead:
        dev, best_dev = results[name].get("dev"), results[best].get("dev")
        on_dev = (f"; on the dev set {dev.macro_f1:.3f} against {best_dev.macro_f1:.3f}"
                  if dev is not None and best_dev is not None else "")
        parts.append(f"{name} leads cross-validation (macro-F1 {results[name]['real'].macro_f1:.3f} against "
                     f"{results[best]['real'].macro_f1:.3f} for {best}{on_dev})")
    return "; " + "; ".join(parts)


def _seeds(results: dict) -> str:
    """How many model seeds chose the design, for the card ("" when one did)."""
    n = max((len(v.get("seed_scores") or ()) for v in results.values()), default=0)
    return f"; the mean over {n} model seeds on the same folds" if n > 1 else ""


def _seed_mean(result: dict) -> str:
    scores = result.get("seed_scores") or ()
    return f" (mean over {len(scores)} model seeds {np.mean(scores):.3f})" if len(scores) > 1 else ""


def build_card(table: TrainingTable, results: dict, best: str, sections: dict) -> dict:
    real = sections["real"]
    counts = pd.crosstab(pd.Series(table.labels, name="label"),
                         pd.Series(np.where(table.generated, "generated", "real"), name="pages"))
    lines = [
        "# linktriage model card", "",
        f"- Trained: {date.today().isoformat()} by `python training/train_model.py` (seeded, reproducible).",
        f"- Design: **{best}**, the best on macro-F1 of real pages (5-fold cross-validation grouped by site"
        f"{_seeds(results)}) among the designs that score from the link features alone ({', '.join(DESIGNS)}). "
        "The embedding designs were measured on the same folds but not shipped: they would need the sentence "
        f"embedder inside every scoring run{_embedding_verdict(results, best)} (see the comparison below).",
        "- Labels: " + ", ".join(LABELS) + " (meanings: docs/LABELS.md, the project's copy of the labelling guide).",
        f"- Data: {len(table)} labelled links from {len(set(table.groups))} sites; "
        f"real-page links {int((~table.generated).sum())}, generated-page links {int(table.generated.sum())}.",
        "", "## Training data (links per label)", "", frame_markdown(counts),
        "", "## Metrics (grouped cross-validation, real pages only)", "",
        f"macro-F1 {real.macro_f1:.3f}, accuracy {real.accuracy:.3f}, ECE {real.ece:.3f}, toxic-vs-rest ROC AUC "
        f"{real.toxic_auc if real.toxic_auc is None else round(real.toxic_auc, 3)}", "",
        "| label | precision | recall | F1 | support |", "|---|---|---|---|---|",
        *[f"| {l} | {real.precision[l]:.3f} | {real.recall[l]:.3f} | {real.f1[l]:.3f} | {real.support[l]} |" for l in LABELS],
        "", "Design comparison, macro-F1 on real pages (grouped cross-validation; in brackets: on the dev set, "
        "fitted on everything): " + ", ".join(
            f"{k} {v['real'].macro_f1:.3f}" + _seed_mean(v) + (f" [{v['dev'].macro_f1:.3f}]" if "dev" in v else "")
            for k, v in results.items()),
        "", "## Features", "", "Groups: position, rel, anchor, block, page_links, text, context, vocabulary "
        "(guest / directory / spam / link-farm), markup (schema.org, byline), url patterns. "
        "Full list in `linktriage.features.FEATURE_NAMES`.",
        "", "## Limitations", "",
        "See evaluation/report/REPORT.md for the error analysis. Labels come from labelling functions checked by "
        "hand on samples (data/labels/LABELLING.md), not from full manual annotation; rare classes lean on "
        "generated pages. English pages dominate.",
    ]
    return {
        "design": best,
        "metrics_real_cv": real.to_dict(),
        "metrics_generated_cv": sections["generated"].to_dict() if "generated" in sections else None,
        "design_comparison": {k: v["real"].macro_f1 for k, v in results.items()},
        "design_comparison_dev": {k: v["dev"].macro_f1 for k, v in results.items() if "dev" in v},
        "design_comparison_by_model_seed": {k: v["seed_scores"] for k, v in results.items() if v.get("seed_scores")},
        "n_links": int(len(table)), "n_sites": int(len(set(table.groups))),
        "label_counts": json.loads(counts.to_json()),
        "trained": date.today().isoformat(),
        "card_markdown": "\n".join(lines) + "\n",
    }


if __name__ == "__main__":
    main()
