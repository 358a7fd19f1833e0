"""Rebuilding a small slice of the real-page label file (needs ../shared/corpus)."""

from __future__ import annotations

import csv
import sys
from pathlib import Path

import pytest

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "training"))

pytestmark = [pytest.mark.corpus, pytest.mark.slow,
              pytest.mark.skipif(not CORPUS.is_dir(), reason=f"reference corpus not found at {CORPUS}")]

LABELS = {"editorial", "guest_post", "directory", "spam", "link_farm"}


def test_build_labels_on_a_slice_writes_the_documented_schema(tmp_path):
    from labelling.build_labels import COLUMNS, PER_PAGE_CAP, main
    from labelling.corpus import load_devset
    from linktriage._domains import registrable_domain

    out = tmp_path / "links.csv"
    assert main(["--limit", "12", "--workers", "1", "--output", str(out)]) == 0
    with open(out, newline="", encoding="utf-8") as stream:
        reader = csv.DictReader(stream)
        assert tuple(reader.fieldnames) == COLUMNS
        rows = list(reader)
    assert len(rows) > 20
    devset_pages = {row["source_url"] for row in load_devset()}
    for row in rows:
        assert row["label"] in LABELS
        assert row["generated"] == "false" and row["checked_by_hand"] in ("true", "false")
        assert row["source_url"] not in devset_pages
        assert row["site"] and registrable_domain(row["target_url"]) != row["site"]
        assert (CORPUS / row["warc"]).is_file()
    per_page = {}
    for row in rows:
        if row["label"] == "editorial":
            per_page[row["source_url"]] = per_page.get(row["source_url"], 0) + 1
    assert max(per_page.values(), default=0) <= PER_PAGE_CAP["editorial"]
    assert len({(r["source_url"], r["target_url"]) for r in rows}) == len(rows)

