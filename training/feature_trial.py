"""Judge a change to the features or the generator the way evaluation/error_analysis_notes.md items 9-11 do.

    python training/generate_pages.py --seed 14 -o build/generated14/generated.warc.gz \
        --labels build/generated14/generated_links.csv        # once, for the second page draw
    python training/feature_trial.py 13 0 1                   # page draw 13, model seeds 0 and 1
    python training/feature_trial.py 14 0 1

Prints, per model seed, the shipped design's grouped cross-validation on real pages (fold seed 0, the folds of
`train_model.py`) and its scores on the dev set when it is fitted on everything. The draw of generated pages and
the model seed each move these numbers by about 0.01-0.03 (item 9), so a change is judged on both draws and two
seeds against a rule written before the runs. Feature tables are cached like train_model.py's (build/training-table,
keyed by the feature code), so a second run of the same code only trains.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import time
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "training"))

import train_model  # noqa: E402  (training/train_model.py)
from evaluation_report import devset_table  # noqa: E402
from linktriage.learn import evaluate, grouped_metrics  # noqa: E402
from model_designs import DESIGNS, _oof  # noqa: E402


def generated_files(draw: int) -> tuple[Path, Path]:
    """The pages folder and the label file of one draw: draw 13 is the shipped one."""
    if draw == 13:
        return ROOT / "build" / "generated", ROOT / "data" / "labels" / "generated_links.csv"
    folder = ROOT / "build" / f"generated{draw}"
    return folder, folder / "generated_links.csv"


def _rounded(recall: dict) -> str:
    return json.dumps({label: round(value, 2) for label, value in recall.items()})


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("draw", type=int, help="page draw (generator seed); 13 is the shipped one")
    parser.add_argument("seeds", type=int, nargs="+", help="model seeds")
    args = parser.parse_args()
    folder, generated_labels = generated_files(args.draw)
    if not generated_labels.exists():
        sys.exit(f"no pages of draw {args.draw}: build them first (see this script's docstring)")
    train_model._use_generated_dir(str(folder))
    started = time.time()
    table = train_model.table_for(train_model.load_labels(train_model.LABEL_FILES[:2] + [generated_labels]))
    dev_cache = train_model.CACHE / f"devset-{hashlib.sha256(train_model.CODE_KEY).hexdigest()[:16]}.pkl"
    if dev_cache.exists():
        dev = pd.read_pickle(dev_cache)
    else:
        dev = devset_table()
        pd.to_pickle(dev, dev_cache)
    make = DESIGNS["gbm_features"]
    for seed in args.seeds:
        # train_model's folds (fold seed 0) for every model seed: the model seed alone moves the numbers
        proba = _oof(table.features, table.labels, table.groups, lambda _fold_seed: make(seed), 5, 0)
        cv = grouped_metrics(table, proba)["real"]
        dev_metrics = evaluate(dev, make(seed).fit(table.features, table.labels, groups=table.groups))["real"]
        print(f"draw {args.draw} seed {seed}: CV macro-F1 {cv.macro_f1:.3f} ECE {cv.ece:.3f} recall {_rounded(cv.recall)}"
              f" | dev macro-F1 {dev_metrics.macro_f1:.3f} ECE {dev_metrics.ece:.3f} recall {_rounded(dev_metrics.recall)}"
              f" ({time.time() - started:.0f} s)", flush=True)


if __name__ == "__main__":
    main()
