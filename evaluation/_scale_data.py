"""Benchmark inputs for the scale benchmarks: real corpus pages and backlink exports built over them.

Everything is written to a temporary directory: corpus pages never enter the repository. An export row points
at a link that really is on its page (external links first, the way backlinks are), with a few rows whose
target is absent, so the run exercises the "missing" path too. Choices are deterministic (no randomness).
"""

from __future__ import annotations

import csv
import io
import os
import sys
import time
from pathlib import Path
from typing import Iterator
from urllib.parse import urljoin, urlsplit

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"
#: every source of the corpus, largest first (the memory benchmark needs thousands of distinct pages)
SOURCES = ("wcxb-dev", "dragnet", "trafilatura-eval", "l3s-gn1", "scrapinghub", "readability")
MISSING_TARGET = "https://linktriage-bench.example/not-on-the-page"


def load_average() -> str:
    """The 1/5/15-minute load average: the machine is shared, so every timing is printed next to it."""
    return "/".join(f"{x:.1f}" for x in os.getloadavg())


def write_results(path: Path, script: str, lines: list[str]) -> None:
    """Write a benchmark's printed lines to its results file, headed by the date and the command that ran."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"# {Path(script).stem} results ({time.strftime('%Y-%m-%d %H:%M')})\n\n"
                    f"`.venv/bin/python evaluation/{Path(script).name} {' '.join(sys.argv[1:])}`\n\n"
                    + "\n".join(lines) + "\n")


def require_corpus() -> None:
    if not (CORPUS / "wcxb-dev.warc.gz").exists():
        raise SystemExit(f"needs the reference corpus at {CORPUS}")


def corpus_pages(limit: int, sources: tuple[str, ...] = ("wcxb-dev",)) -> list[tuple[str, bytes]]:
    """The first ``limit`` HTML responses with an http(s) URL of the given corpus sources, in archive order."""
    from warcio.archiveiterator import ArchiveIterator

    pages: list[tuple[str, bytes]] = []
    seen: set[str] = set()
    for source in sources:
        with open(CORPUS / f"{source}.warc.gz", "rb") as stream:
            for record in ArchiveIterator(stream):
                if record.rec_type != "response":
                    continue
                uri = record.rec_headers.get_header("WARC-Target-URI") or ""
                if not uri.startswith("http") or uri in seen:
                    continue
                seen.add(uri)
                pages.append((uri, record.content_stream().read()))
                if len(pages) >= limit:
                    return pages
    return pages


def write_pages(pages: list[tuple[str, bytes]], path: Path) -> Path:
    """A gzipped WARC of ``pages`` (200 answers, HTML), as `linktriage fetch` would have written it."""
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    with open(path, "wb") as stream:
        writer = WARCWriter(stream, gzip=True)
        for url, body in pages:
            http = StatusAndHeaders("200 OK", [("Content-Type", "text/html")], protocol="HTTP/1.1")
            writer.write_record(writer.create_warc_record(url, "response", payload=io.BytesIO(body),
                                                          http_headers=http))
    return path


def page_links(url: str, body: bytes) -> list[tuple[str, str]]:
    """(href, anchor text) of the page's web links, links to other hosts first."""
    import lxml.html

    try:
        tree = lxml.html.document_fromstring(body)
    except (ValueError, lxml.etree.ParserError):
        return []
    host = urlsplit(url).hostname or ""
    external, internal = [], []
    for a in tree.iter("a"):
        try:
            href = urljoin(url, (a.get("href") or "").strip())
        except ValueError:
            continue
        if not href.startswith(("http://", "https://")) or "#" in href:
            continue
        text = " ".join(a.text_content().split())[:80]
        (internal if (urlsplit(href).hostname or "") == host else external).append((href, text))
    return external + internal


def export_rows(pages: list[tuple[str, bytes]], rows: int) -> Iterator[dict]:
    """``rows`` export rows spread evenly over ``pages``, grouped by page (as exports sorted by referring page are)."""
    per_page, extra = divmod(rows, len(pages))
    n = 0
    for i, (url, body) in enumerate(pages):
        count = per_page + (1 if i < extra else 0)
        links = page_links(url, body) if count else []
        for j in range(count):
            n += 1
            if not links or n % 20 == 0:  # one row in twenty: a link the page no longer carries
                yield {"source_url": url, "target_url": MISSING_TARGET, "anchor": "", "Domain rating": n % 90}
                continue
            href, text = links[(j * 7919) % len(links)]
            yield {"source_url": url, "target_url": href, "anchor": text if j % 2 else "", "Domain rating": n % 90}


def write_export(rows: Iterator[dict], path: Path) -> Path:
    with open(path, "w", newline="", encoding="utf-8") as stream:
        writer = csv.DictWriter(stream, fieldnames=["source_url", "target_url", "anchor", "Domain rating"])
        writer.writeheader()
        writer.writerows(rows)
    return path
