"""`linktriage disavow`: thin layer over linktriage.output.disavow_job."""

from __future__ import annotations

from typing import List, Optional

import typer

from linktriage.cli import app
from linktriage.cli._errors import say


@app.command()
def disavow(
    predictions: List[str] = typer.Argument(..., help="Output file(s) of `linktriage score` (CSV, JSONL, Parquet or Excel), reviewed or not."),
    output: str = typer.Option(..., "-o", "--output", help="Disavow file to write (.txt, UTF-8), for Search Console."),
    min_confidence: float = typer.Option(0.8, "--min-confidence", help="Disavow links whose label is one of --labels with at least this confidence (0-1)."),
    labels: str = typer.Option("spam,link_farm", "--labels", help="Comma-separated labels to disavow."),
    level: str = typer.Option("domain", "--level", help="domain: one domain: line per registrable domain; url: one line per referring page."),
    merge: Optional[str] = typer.Option(None, "--merge", help="Current disavow file: all its entries and comments are kept (an upload replaces it)."),
    allow: Optional[str] = typer.Option(None, "--allow", help="File of domains never disavowed, one per line (subdomains included)."),
) -> None:
    """Write a disavow file for Google Search Console from scored links. Review it before uploading: a last resort.

    Example: linktriage disavow scored.csv -o disavow.txt --merge current-disavow.txt --allow partners.txt
    """
    from linktriage.output import disavow_job

    summary = disavow_job(predictions, output, min_confidence=min_confidence, labels=labels.split(","),
                          level=level, merge=merge, allow=allow)
    for line in summary.messages():
        say(f"linktriage: {line}")
