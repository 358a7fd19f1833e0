"""`linktriage score`: thin layer over linktriage.pipeline.score_export."""

from __future__ import annotations

import sys
from typing import List, Optional

import typer

from linktriage.cli import app
from linktriage.cli._errors import say
from linktriage.cli._render import ScoreProgress, print_table


@app.command()
def score(
    exports: List[str] = typer.Argument(..., help="Backlink export file(s): Ahrefs, Semrush, Moz, Majestic, GSC, ... or a CSV with source_url, target_url, anchor."),
    pages: List[str] = typer.Option([], "--pages", help="WARC archive(s) of referring pages already fetched (repeatable; paths or fsspec URLs such as s3://)."),
    offline: bool = typer.Option(False, "--offline", help="Fetch nothing: pages missing from --pages get status not_fetched."),
    niche: Optional[str] = typer.Option(None, "--niche", help="One line describing the target site's niche; fills `relevance`."),
    site: Optional[str] = typer.Option(None, "--site", help="The target site's URL: its pages feed the niche profile; the target of GSC exports."),
    model: Optional[str] = typer.Option(None, "--model", help="Model file from `linktriage train` (default: the shipped model)."),
    output: Optional[str] = typer.Option(None, "-o", "--output", help="Output file (.csv, .jsonl, .parquet, .xlsx; a path or an fsspec URL). Default, or -o -: standard output (CSV, or JSONL with --format jsonl)."),
    fmt: Optional[str] = typer.Option(None, "--format", help="csv, jsonl, parquet or xlsx (default: from the output file's extension)."),
    archive: Optional[str] = typer.Option(None, "--archive", help="Write every fetched page to this WARC (re-score offline later; a path or an fsspec URL)."),
    report: Optional[str] = typer.Option(None, "--report", help="Also write a self-contained HTML report here (a path or an fsspec URL)."),
    domains: Optional[str] = typer.Option(None, "--domains", help="Also write one row per referring domain here (a path or an fsspec URL)."),
    concurrency: int = typer.Option(16, "--concurrency", min=1, max=512, help="Pages fetched at once (live fetching)."),
    allow_private: bool = typer.Option(False, "--allow-private", help="Allow fetching private / loopback addresses (never for untrusted exports)."),
    ignore_robots: bool = typer.Option(False, "--ignore-robots", help="Ignore robots.txt: only for sites you own."),
    embedder: str = typer.Option("static", "--embedder", help="Sentence embedder for relevance: static (fast, default) or minilm."),
    workers: Optional[int] = typer.Option(None, "--workers", min=1, help="Analysis processes (default: one per core for large runs)."),
    engine: str = typer.Option("local", "--engine", help="local, or dask to run partitions on a Dask cluster."),
    scheduler: Optional[str] = typer.Option(None, "--scheduler", help="Dask scheduler address (with --engine dask); default: a LocalCluster."),
    cache: Optional[str] = typer.Option(None, "--cache", help="SQLite file of page analyses: pages analysed by an earlier run with the same linktriage are read from it, not parsed again (re-scoring after a retraining)."),
    table: bool = typer.Option(False, "--table", help="Print a readable table of the scored rows on stderr."),
    raw_csv: bool = typer.Option(False, "--raw-csv", help="Write CSV cells exactly as read, even text a spreadsheet would run as a formula (default: such cells start with ')."),
) -> None:
    """Label every backlink of EXPORT.

    Example: linktriage score backlinks.csv --pages pages.warc.gz --offline -o scored.csv --table
    """
    from linktriage.pipeline import ScoreOptions, score_export
    from linktriage.sources.fetch import FetchSettings

    options = ScoreOptions(
        pages=tuple(str(p) for p in pages), offline=offline, niche=niche, site=site,
        model=model, embedder=embedder, archive=archive,
        fetch_settings=FetchSettings(concurrency=concurrency, allow_private=allow_private,
                                     respect_robots=not ignore_robots),
        workers=workers, engine=engine, scheduler=scheduler, cache=cache,
    )
    if output == "-":  # the usual name of standard output: it wrote a file called "-" (with --format)
        output = None
    if output is None and hasattr(sys.stdout, "reconfigure"):
        # The output is UTF-8 wherever it goes: `score x.csv > out.csv` on Windows (a code page on standard
        # output) stopped at the first Cyrillic or CJK anchor, and its newline translation made csv's \r\n \r\r\n.
        sys.stdout.reconfigure(encoding="utf-8", newline="")
    shown: list[dict] = []
    on_chunk = ScoreProgress(shown if table else None)
    try:
        summary = score_export(exports, options, output=output, fmt=fmt, report=report,
                               domains=domains, on_chunk=on_chunk, escape_formulas=not raw_csv)
    finally:
        on_chunk.finish()
    if table:
        print_table(shown, summary.rows)
    say(f"linktriage: {summary.line()}")
