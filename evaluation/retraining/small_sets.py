"""How small can a user's label set be? Gradient boosting's leaf size on a few dozen labels.

scikit-learn's gradient boosting keeps at least 20 links in a leaf, so a tree cannot split fewer than 40: trained
on a few dozen labels alone, every tree was one leaf and the model gave every link one label. `linktriage.model`
now uses a leaf of a tenth of the links below 200 (`_leaf_size`), 20 from 200 up (the shipped model and the
few-hundred-label runs of RESULTS.md are unchanged). This compares both on the shipped training table's real-page
links: a "user" labels up to 8 links on each of several sites, drawn at random (seeded) until about N links,
trains on them alone (`LinkClassifier`, as `linktriage train` does), and is measured on every other site's real
links (macro-F1 over the labels the user had).

    python evaluation/retraining/small_sets.py  # ~5 min on 2 cores; writes SMALL_SETS.md here
"""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.metrics import f1_score

from linktriage import model as model_module
from linktriage.features import FEATURE_NAMES
from linktriage.learn import SHIPPED_TABLE_PATH

SIZES = (30, 60, 120, 180)
SEEDS = range(4)
PER_SITE = 8
RULES = {"leaf 20 (before)": lambda n: 20, "leaf n/10 below 200 (now)": model_module._leaf_size}


def user_sets(real: pd.DataFrame, size: int, seed: int) -> tuple[pd.DataFrame, pd.DataFrame] | None:
    """The user's links (up to PER_SITE per site, sites in a seeded order) and every other site's links."""
    order = np.random.default_rng(seed).permutation(real["group"].unique())
    rows: list[int] = []
    for site in order:
        rows.extend(real.index[real["group"] == site][:PER_SITE])
        if len(rows) >= size:
            break
    train = real.loc[rows]
    if train["label"].nunique() < 3 or train["label"].value_counts().min() < 2:
        return None  # too few labels to train at all (linktriage train refuses such sets)
    return train, real[~real["group"].isin(train["group"])]


def main() -> None:
    warnings.simplefilter("ignore")
    table = pd.read_parquet(SHIPPED_TABLE_PATH)
    real = table[~table["generated"]].reset_index(drop=True)
    found = []
    for size in SIZES:
        for seed in SEEDS:
            sets = user_sets(real, size, seed)
            if sets is None:
                continue
            train, test = sets
            row = {"about": size, "seed": seed, "links": len(train), "labels": train["label"].nunique()}
            for name, rule in RULES.items():
                model_module._leaf_size = rule
                try:
                    fitted = model_module.LinkClassifier(cv=3).fit(train[list(FEATURE_NAMES)], train["label"],
                                                                   groups=train["group"])
                    predicted = fitted.predict(test[list(FEATURE_NAMES)])
                finally:
                    model_module._leaf_size = RULES["leaf n/10 below 200 (now)"]
                row[name] = f1_score(test["label"], predicted, labels=sorted(set(train["label"])), average="macro")
            found.append(row)
            print(row, flush=True)
    frame = pd.DataFrame(found)
    means = frame.groupby("about")[list(RULES)].mean().round(3)
    lines = ["# Training on a few dozen labels alone: leaf size", "",
             f"Written by `python evaluation/retraining/small_sets.py` (method in its docstring). Mean macro-F1 on "
             f"other sites' real links, {len(SEEDS)} seeded draws per size:", "",
             "| about N links | " + " | ".join(RULES) + " |", "|---|" + "---|" * len(RULES),
             *[f"| {size} | " + " | ".join(f"{means.loc[size, name]:.3f}" for name in RULES) + " |"
               for size in means.index],
             "", "Every draw:", "", "| about N | seed | links | labels | " + " | ".join(RULES) + " |",
             "|---|---|---|---|" + "---|" * len(RULES),
             *[f"| {r['about']} | {r['seed']} | {r['links']} | {r['labels']} | "
               + " | ".join(f"{r[name]:.3f}" for name in RULES) + " |" for r in found]]
    out = Path(__file__).with_name("SMALL_SETS.md")
    out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
