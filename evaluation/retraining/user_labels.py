"""Does training on a few hundred of a user's own labels help or hurt? (issue 3, "Retraining for users")

A user's backlinks come from sites the shipped model never saw, often of a kind its training data holds few of. The
experiment plays that out with the project's own real-page labels, one corpus source at a time:

- the source's sites are split in two halves (seeded): the *user's* sites and the *test* sites;
- **shipped-like**: the model fitted on the shipped training table without any row of that source (generated pages
  and the other sources' real pages), as `linktriage train` would never have seen the user's kind of site;
- **user only**: `linktriage train` on the user's labels alone (up to N links sampled from the user's sites);
- **with shipped**: the user's labels added to that table, which is what `linktriage train --with-shipped` does
  (learn.train concatenates the user's table and the shipped one the same way): unweighted, and with the user's
  links weighted so that together they make 0.2 or 0.5 of the total weight;

and all of them are measured on the test sites' links, which none of them saw (the split is by site). Only real
pages, only the project's own labels (data/labels): the dev set is not used. Each split is one model fit per
design on ~19,000 links (~2 min each on 2 cores); results.json keeps what is done, so a run resumes.

    python evaluation/retraining/user_labels.py [--fresh]  # ~50 min on 2 cores; writes RESULTS.md here
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import numpy as np
import pandas as pd

from linktriage._records import LABELS
from linktriage.features import FEATURE_NAMES
from linktriage.learn import SHIPPED_TABLE_PATH, own_weights
from linktriage.metrics import compute_metrics
from linktriage.model import LinkClassifier

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
SOURCES = ("wcxb-dev.warc.gz", "dragnet.warc.gz", "trafilatura-eval.warc.gz")
MODELS = ("shipped-like", "user only", "with shipped, unweighted", "with shipped, user share 0.2",
          "with shipped, user share 0.5")


def site_sources() -> dict[str, str]:
    """Site -> the corpus archive its labelled pages come from (from the label files)."""
    frames = [pd.read_csv(ROOT / "data" / "labels" / name, usecols=["site", "warc"])
              for name in ("real_links.csv", "real_hand_labels.csv")]
    pairs = pd.concat(frames)
    return pairs.groupby("site")["warc"].agg(lambda s: s.mode().iloc[0]).to_dict()


def fit(table: pd.DataFrame, seed: int, weights=None) -> LinkClassifier:
    return LinkClassifier(random_state=seed).fit(table[list(FEATURE_NAMES)].astype(float), table["label"].to_numpy(),
                                                 groups=table["group"].to_numpy(), sample_weight=weights)


def measure(model: LinkClassifier, test: pd.DataFrame) -> dict:
    proba = model.predict_proba(test[list(FEATURE_NAMES)].astype(float))
    metrics = compute_metrics(test["label"].to_numpy(), proba, list(model.classes_))
    present = [label for label in LABELS if metrics.support[label]]
    return {"macro_f1_present": float(np.mean([metrics.f1[label] for label in present])),
            "accuracy": metrics.accuracy, "ece": metrics.ece,
            "recall": {label: round(metrics.recall[label], 3) for label in present}}


def models(user: pd.DataFrame, base: pd.DataFrame) -> dict:
    """Name -> (training rows, sample weights) of each model compared."""
    both = pd.concat([user, base])
    # the weights `linktriage train --with-shipped --own-share S` gives
    return {"shipped-like": (base, None), "user only": (user, None), "with shipped, unweighted": (both, None),
            "with shipped, user share 0.2": (both, own_weights(len(user), len(base), 0.2)),
            "with shipped, user share 0.5": (both, own_weights(len(user), len(base), 0.5))}


def run(n_user: int, seeds: list[int], results: list[dict], save) -> list[dict]:
    """Fill in every (seed, source) and model missing from ``results``; ``save(results)`` after each split, so a
    long run can resume."""
    table = pd.read_parquet(SHIPPED_TABLE_PATH)
    sources = site_sources()
    table["source"] = [None if generated else sources.get(group) for group, generated
                       in zip(table["group"], table["generated"])]
    rows = {(row["source"], row["seed"], row["user_links_asked"]): row for row in results}
    for seed in seeds:
        for source in SOURCES:
            own = table[table["source"] == source]
            base = table[table["source"] != source]
            rng = np.random.default_rng(seed)
            sites = np.array(sorted(own["group"].unique()))
            rng.shuffle(sites)
            user_sites = set(sites[: len(sites) // 2])
            pool, test = own[own["group"].isin(user_sites)], own[~own["group"].isin(user_sites)]
            user = pool.sample(n=min(n_user, len(pool)), random_state=seed)
            row = rows.get((source, seed, n_user))
            if row is None:
                row = {"source": source, "seed": seed, "user_links_asked": n_user, "user_links": len(user),
                       "user_sites": user["group"].nunique(), "user_labels": user["label"].value_counts().to_dict(),
                       "test_links": len(test), "test_sites": test["group"].nunique(),
                       "test_labels": test["label"].value_counts().to_dict()}
                results.append(row)
            missing = {name: spec for name, spec in models(user, base).items() if name not in row}
            if not missing:
                continue
            for name, (train, weights) in missing.items():
                try:
                    row[name] = measure(fit(train, seed, weights), test)
                except ValueError as exc:  # too few links of a class for the calibration folds
                    row[name] = {"error": str(exc).splitlines()[0]}
            print(json.dumps(row), flush=True)
            save(results)
    return results


def summary(results: list[dict]) -> list[str]:
    """Per model: means over the splits, and on how many splits it beat or tied the shipped-like model."""
    lines = ["| model | mean macro-F1 | mean accuracy | mean ECE | splits with macro-F1 >= shipped-like - 0.01 |",
             "|---|---|---|---|---|"]
    for name in MODELS:
        done = [row for row in results if "accuracy" in row.get(name, {})]
        if not done:
            continue
        mean = {key: np.mean([row[name][key] for row in done]) for key in ("macro_f1_present", "accuracy", "ece")}
        level = sum(row[name]["macro_f1_present"] >= row["shipped-like"]["macro_f1_present"] - 0.01 for row in done)
        lines.append(f"| {name} | {mean['macro_f1_present']:.3f} | {mean['accuracy']:.3f} | {mean['ece']:.3f} | "
                     f"{level} of {len(done)} |")
    return lines


def report(results: list[dict]) -> str:
    lines = ["# Retraining on a few hundred user labels: does it help?", "",
             "Written by `python evaluation/retraining/user_labels.py` (method in its docstring). Each row: one corpus",
             "source held out as \"the user's sites\", split by site into the user's labelled half and a test half.",
             "Numbers are on the test half (real pages of sites no model saw). macro-F1 is over the labels present in",
             "the test half.", "",
             *summary(results), "",
             "| held-out source | split seed | user links (sites) | test links (sites) | model | macro-F1 | accuracy | ECE | recall per label |",
             "|---|---|---|---|---|---|---|---|---|"]
    for row in results:
        for name in (name for name in MODELS if name in row):
            m = row[name]
            if "error" in m:
                cells = [f"failed: {m['error']}", "", "", ""]
            else:
                cells = [f"{m['macro_f1_present']:.3f}", f"{m['accuracy']:.3f}", f"{m['ece']:.3f}",
                         ", ".join(f"{k} {v:.2f}" for k, v in m["recall"].items())]
            lines.append(f"| {row['source']} | {row['seed']} | {row['user_links']} ({row['user_sites']}) | "
                         f"{row['test_links']} ({row['test_sites']}) | {name} | " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--user-links", type=int, default=300)
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1])
    parser.add_argument("--fresh", action="store_true", help="ignore results.json (default: add to it, skipping "
                        "the splits it holds)")
    args = parser.parse_args()
    saved = HERE / "results.json"
    results = json.loads(saved.read_text(encoding="utf-8")) if saved.exists() and not args.fresh else []

    def save(rows: list[dict]) -> None:
        rows = sorted(rows, key=lambda r: (r["user_links_asked"], SOURCES.index(r["source"]), r["seed"]))
        saved.write_text(json.dumps(rows, indent=1) + "\n", encoding="utf-8")
        (HERE / "RESULTS.md").write_text(report(rows), encoding="utf-8")

    run(args.user_links, args.seeds, results, save)


if __name__ == "__main__":
    main()
