"""Large exports are streamed: rows come out while the file is still being read, and memory does not grow with it.

Both tests use a generated ~200,000-row Ahrefs export. Laziness is shown without timing: rows appended to the
file after the first rows were read still come out, which cannot happen if the reader had loaded the file.
(evaluation/bench_ingest.py measures rows/s and peak memory on 1,000,000 rows.)
"""

from __future__ import annotations

import codecs
import gc
import tracemalloc
from itertools import islice

import pytest

from linktriage.ingest import detect_format, read_exports

ROWS = 200_000
HEADER = ["Referring page title", "Referring page URL", "Domain rating", "UR", "Target URL", "Left context",
          "Anchor", "Right context", "Nofollow", "First seen"]


def row(i: int) -> str:
    return "\t".join([f"Page {i}", f"https://site{i % 5000}.example.org/post/{i}", str(i % 100), str(i % 37),
                      "https://trailgear.example.com/", "text before", f'"anchor {i}, with ""quotes"""',
                      "text after", "true" if i % 3 else "false", "2024-01-02"]) + "\r\n"


@pytest.fixture(scope="module")
def big_export(tmp_path_factory):
    path = tmp_path_factory.mktemp("big") / "ahrefs-big.tsv"
    with open(path, "wb") as stream:
        stream.write(codecs.BOM_UTF16_LE)
        chunk = ["\t".join(HEADER) + "\r\n"]
        for i in range(ROWS):
            chunk.append(row(i))
            if len(chunk) == 10_000:
                stream.write("".join(chunk).encode("utf-16-le"))
                chunk = []
        stream.write("".join(chunk).encode("utf-16-le"))
    return path


def test_rows_come_out_before_the_file_is_read(big_export):
    assert detect_format(big_export).vendor == "ahrefs"
    rows = read_exports([big_export])
    first = list(islice(rows, 1000))
    assert [b.row for b in first] == list(range(1000))
    # written after the reader started: a reader that had loaded the file would never see these rows
    with open(big_export, "ab") as stream:
        stream.write("".join(row(ROWS + i) for i in range(10)).encode("utf-16-le"))
    rest = 0
    last = None
    for last in rows:
        rest += 1
    assert 1000 + rest == ROWS + 10
    assert last is not None and last.row == ROWS + 9 and last.source_url.endswith(f"/post/{ROWS + 9}")
    assert last.anchor == f'anchor {ROWS + 9}, with "quotes"'


@pytest.mark.slow
def test_memory_does_not_grow_with_the_file(big_export):
    size = big_export.stat().st_size
    gc.collect()
    tracemalloc.start()
    try:
        count = sum(1 for _ in read_exports([big_export]))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert count >= ROWS
    # the file is ~60 MB of UTF-16; a streamed read keeps a few buffers and the current row
    assert peak < 5_000_000, f"peak {peak / 1e6:.1f} MB while reading {size / 1e6:.0f} MB"
