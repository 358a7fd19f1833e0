"""Shared test fixtures: the corpus location (tests needing it skip when absent) and small page helpers."""

from __future__ import annotations

import io
import os
from pathlib import Path

# Gradient boosting's OpenMP threads spin badly when the test processes already fill both cores (a 6-link
# training took 200 s instead of 5). Tests (and the CLI subprocesses they start) use one thread each.
os.environ.setdefault("OMP_NUM_THREADS", "1")

import pytest
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "corpus"
DEVSET = ROOT.parent / "shared" / "devset" / "labels.csv"
EXAMPLES = ROOT / "data" / "examples"

needs_corpus = pytest.mark.skipif(
    not (CORPUS / "manifest.jsonl.gz").exists(),
    reason=f"needs the reference corpus at {CORPUS} (only the project's developers have it)",
)


#: an article page with one link in its text (to the shop's fitting guide) and one in its footer
TRAIL_ARTICLE = """<html><head><title>Trail notes</title></head><body>
<nav><a href="/">Home</a> <a href="/about">About</a></nav>
<article><h1>Ten years of trail running</h1>
<p>After a decade on mountain trails I have learnt that shoes matter less than people think, but fit matters a lot.
The <a href="https://shop.example/guides/fit">fitting guide from the shop</a> explains how to try shoes on late in
the day when feet are larger, and why a thumb's width of room at the toe prevents black toenails on descents.</p>
<p>Training matters more: long easy runs, hill repeats once a week, and rest. Most injuries I have seen came from
doing too much too soon, not from the wrong gear. Build slowly and listen to your body on the way up.</p>
</article>
<footer><a href="https://other.example/">Partner</a></footer></body></html>"""


def write_warc(path: Path, pages: dict[str, bytes | str | tuple[int, dict, bytes]]) -> Path:
    """Write a small WARC: url -> HTML (200), or url -> (status, headers, body) for other answers."""
    with open(path, "wb") as stream:
        writer = WARCWriter(stream, gzip=str(path).endswith(".gz"))
        for url, page in pages.items():
            if isinstance(page, tuple):
                status, headers, body = page
            else:
                status, headers, body = 200, {"Content-Type": "text/html; charset=utf-8"}, page
            body = body.encode("utf-8") if isinstance(body, str) else body
            http = StatusAndHeaders(f"{status} X", list(headers.items()), protocol="HTTP/1.1")
            writer.write_record(writer.create_warc_record(url, "response", payload=io.BytesIO(body), http_headers=http))
    return path


@pytest.fixture
def warc_factory(tmp_path):
    def make(pages, name="pages.warc.gz"):
        return write_warc(tmp_path / name, pages)

    return make


@pytest.fixture(autouse=True)
def _fresh_robots_cache():
    """robots.txt answers are cached per origin for the whole process, and local test servers reuse ports: a rule
    one test's server gave must not answer for the next test's server on the same port."""
    from linktriage.sources._robots import forget_robots

    forget_robots()
    yield
    forget_robots()
