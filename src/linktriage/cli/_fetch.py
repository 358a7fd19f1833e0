"""`linktriage fetch`: thin layer over linktriage.sources.fetch.fetch_to_archive."""

from __future__ import annotations

from typing import List, Optional

import typer

from linktriage.cli import app
from linktriage.cli._errors import say


@app.command()
def fetch(
    exports: List[str] = typer.Argument(..., help="Backlink export file(s): Ahrefs, Semrush, Moz, Majestic, GSC, ... or a CSV with source_url, target_url, anchor."),
    output: str = typer.Option(..., "-o", "--output", help="WARC archive to write (.warc.gz; a path or an fsspec URL). An existing one is resumed: pages already in it are not fetched again."),
    concurrency: int = typer.Option(16, "--concurrency", min=1, max=512, help="Pages fetched at once (at most 2 per host)."),
    allow_private: bool = typer.Option(False, "--allow-private", help="Allow fetching private / loopback addresses (never for untrusted exports)."),
    ignore_robots: bool = typer.Option(False, "--ignore-robots", help="Ignore robots.txt: only for sites you own."),
    site: Optional[str] = typer.Option(None, "--site", help="The target site's URL (the target of GSC exports)."),
) -> None:
    """Fetch the referring pages of EXPORT into a WARC archive, for `linktriage score --pages` later.

    Example: linktriage fetch backlinks.csv -o pages.warc.gz
    """
    from linktriage.ingest import read_exports
    from linktriage.sources.fetch import FetchSettings, fetch_to_archive

    settings = FetchSettings(concurrency=concurrency, allow_private=allow_private, respect_robots=not ignore_robots)
    urls = (row.source_url for row in read_exports(exports, site=site) if row.source_url)
    summary = fetch_to_archive(urls, output, settings)
    for line in summary.lines():
        say(f"linktriage: {line}")
