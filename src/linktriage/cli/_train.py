"""`linktriage train` and `linktriage evaluate`: thin layers over pipeline.train_model / pipeline.evaluate_model."""

from __future__ import annotations

import os
from typing import List, Optional

import typer

from linktriage.cli import app
from linktriage.cli._errors import say

_CACHE_HELP = "SQLite file of page analyses: pages analysed by an earlier run (score, train or evaluate) with the same linktriage are read from it, not parsed again."
_LABELS_HELP = "Labelled file(s): any supported export format plus a `label` column (editorial, guest_post, directory, spam, link_farm)."


@app.command()
def train(
    labels: List[str] = typer.Argument(..., help=_LABELS_HELP),
    pages: List[str] = typer.Option([], "--pages", help="WARC archive(s) holding the labelled links' pages (repeatable; paths or fsspec URLs)."),
    output: str = typer.Option(..., "-o", "--output", help="Model file to write (.skops)."),
    cv: int = typer.Option(5, "--cv", min=2, max=20, help="Cross-validation folds, grouped by site."),
    with_shipped: bool = typer.Option(False, "--with-shipped", help="Add your labels to the shipped training data instead of training on yours alone."),
    own_share: Optional[float] = typer.Option(None, "--own-share", help="With --with-shipped: the share of the total weight your labels make together, from 0 to below 1 (default 0.5: as much as the shipped ones; 0: each counts as one shipped link)."),
    fetch: bool = typer.Option(False, "--fetch", help="Fetch pages missing from --pages (default: offline)."),
    seed: int = typer.Option(0, "--seed", help="Random seed (same data + seed = same model)."),
    cache: Optional[str] = typer.Option(None, "--cache", help=_CACHE_HELP),
) -> None:
    """Train a model on your own labelled links; prints its cross-validated metrics (folds grouped by site).

    Example: linktriage train my-labels.csv --pages pages.warc.gz -o my-model.skops
    """
    from linktriage.cli._render import print_metrics
    from linktriage.model import writable_model_path
    from linktriage._paths import check_outputs_are_not_inputs
    from linktriage.pipeline import train_model

    writable_model_path(output)  # before training, which takes minutes: a typo in -o should not cost them
    check_outputs_are_not_inputs({"-o": output}, {"the labels file": labels, "--pages": pages, "--cache": cache})
    result = train_model(labels, pages=pages, cv=cv,
                         with_shipped=with_shipped, seed=seed, offline=not fetch, own_share=own_share,
                         cache=cache)
    result.model.save(output)
    for name, metrics in result.cv_metrics.items():
        print_metrics(metrics, f"cross-validated, {name} pages")
    skipped = ", ".join(f"{k} {v}" for k, v in result.table.skipped.items())
    shipped = len(result.table) - result.own_links
    links = (f"{result.own_links} of your links and {shipped} shipped ones" if with_shipped and shipped > 0
             else f"{len(result.table)} links")
    say(f"linktriage: trained on {links}" + (f" (skipped: {skipped})" if skipped else "") + f"; wrote {output}"
        + _known_labels(result.table.skipped))


@app.command()
def evaluate(
    labels: List[str] = typer.Argument(..., help=_LABELS_HELP),
    pages: List[str] = typer.Option([], "--pages", help="WARC archive(s) holding the labelled links' pages (repeatable; paths or fsspec URLs)."),
    model: Optional[str] = typer.Option(None, "--model", help="Model file (default: the shipped model)."),
    report: Optional[str] = typer.Option(None, "--report", help="Directory for REPORT.md, metrics.json and reliability diagrams."),
    fetch: bool = typer.Option(False, "--fetch", help="Fetch pages missing from --pages (default: offline)."),
    cache: Optional[str] = typer.Option(None, "--cache", help=_CACHE_HELP),
) -> None:
    """Measure a model on labelled links: per-class precision / recall / F1, confusion matrix, calibration.

    Example: linktriage evaluate my-labels.csv --pages pages.warc.gz --report eval/
    """
    from linktriage.cli._render import print_metrics
    from linktriage.pipeline import evaluate_model

    sections, skipped = evaluate_model(labels, pages=pages,
                              model=model, offline=not fetch,
                              report=report, cache=cache)
    for name, metrics in sections.items():
        print_metrics(metrics, name, stderr=False)  # the command's result: `evaluate ... > scores.txt` keeps it
    if skipped:
        say("linktriage: skipped " + ", ".join(f"{k} {v}" for k, v in skipped.items()) + _known_labels(skipped))
    if report:
        say(f"linktriage: wrote {os.path.join(report, 'REPORT.md')}")


def _known_labels(skipped) -> str:
    """After rows skipped for an unknown label: what the labels are (a misspelling is then plain to see)."""
    from linktriage._records import LABELS

    if not any(str(reason).startswith("unknown label") for reason in skipped):
        return ""
    return f"; the labels are {', '.join(LABELS)} (case, spaces, hyphens and plurals do not matter)"
