"""Check generated pages with the real locator and features: python training/generator/check.py [--sample N]

Reports how many labelled links the locator finds, where it places them per class, and (with --model) how well a
quick gradient-boosting model does when whole templates are held out (GroupKFold by template) versus by site:
if a class were recognised by its template alone, the held-out-template score would collapse.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[2]


def locate_sample(labels_csv: Path, warc: Path, sample: int, seed: int = 0):
    from linktriage._records import Backlink
    from linktriage.learn import build_training_table
    from linktriage.pipeline import PageGetter, ScoreOptions

    labels = pd.read_csv(labels_csv, dtype=str, keep_default_na=False)
    if sample and sample < len(labels):
        pages = labels["source_url"].drop_duplicates().sample(frac=1.0, random_state=seed)
        keep, n = [], 0
        for url in pages:
            keep.append(url)
            n += int((labels["source_url"] == url).sum())
            if n >= sample:
                break
        labels = labels[labels["source_url"].isin(set(keep))].reset_index(drop=True)
    backlinks = [Backlink(row=i, source_url=r.source_url, target_url=r.target_url, anchor=r.anchor, label=r.label)
                 for i, r in enumerate(labels.itertuples())]
    getter = PageGetter(ScoreOptions(pages=(str(warc),), offline=True))
    table = build_training_table(backlinks, getter, groups=labels["site"].tolist(), workers=1)
    return labels, table


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--labels", type=Path, default=ROOT / "data/labels/generated_links.csv")
    ap.add_argument("--warc", type=Path, default=ROOT / "build/generated/generated.warc.gz")
    ap.add_argument("--sample", type=int, default=1500, help="labelled links to check (0 = all)")
    ap.add_argument("--model", action="store_true", help="also fit a quick model, grouped by template and by site")
    args = ap.parse_args(argv)
    cache = args.warc.with_name(f"check-table-{args.sample}.pkl")
    if cache.exists() and cache.stat().st_mtime > max(args.warc.stat().st_mtime, args.labels.stat().st_mtime):
        labels, table = pd.read_pickle(cache)
    else:
        labels, table = locate_sample(args.labels, args.warc, args.sample)
        pd.to_pickle((labels, table), cache)
    print(f"located {len(table)}/{len(labels)} labelled links; skipped {dict(table.skipped)}")
    info = table.info.assign(label=table.labels)
    print("\nposition per class (share of located links):")
    print(pd.crosstab(info["label"], info["position"], normalize="index").round(2).to_string())
    feats = table.features
    for col in ("anchor_", "rel_"):
        cols = [c for c in feats.columns if c.startswith(col)]
        if cols:
            print(f"\n{col} features (mean per class):")
            print(feats[cols].groupby(table.labels).mean().round(2).to_string())
    if args.model:
        quick_model(labels, table)
    return 0


def quick_model(labels: pd.DataFrame, table) -> None:
    import numpy as np
    from sklearn.ensemble import HistGradientBoostingClassifier
    from sklearn.metrics import f1_score
    from sklearn.model_selection import GroupKFold, cross_val_predict

    key = dict(zip(zip(labels["source_url"], labels["target_url"]), labels["template"]))
    templates = np.asarray([key[(s, t)] for s, t in zip(table.info["source_url"], table.info["target_url"])])
    cms = np.asarray([t.split(":")[0] for t in templates])
    recipe = np.asarray([t.split(":")[1] for t in templates])
    X, y = table.features.to_numpy(dtype=float), table.labels
    model = HistGradientBoostingClassifier(max_iter=100, random_state=0)
    for name, groups in (("site", table.groups), ("template (cms:recipe)", templates), ("CMS skeleton", cms),
                         ("recipe", recipe)):
        pred = cross_val_predict(model, X, y, groups=groups, cv=GroupKFold(n_splits=5))
        print(f"\nquick model, GroupKFold by {name}: macro-F1 {f1_score(y, pred, average='macro'):.3f}; per class",
              {k: round(float(v), 3) for k, v in zip(sorted(set(y)), f1_score(y, pred, average=None, labels=sorted(set(y))))})


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT / "src"))
    raise SystemExit(main())
