"""Generator tests: run without the corpus, via --filler-for-tests."""
from __future__ import annotations

import csv
import sys
from pathlib import Path

from warcio.archiveiterator import ArchiveIterator

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "training"))
import generate_pages  # noqa: E402


def _run(tmp: Path, seed: int = 3, count: int = 120) -> tuple[list[dict], Path, Path]:
    warc, labels = tmp / "g.warc.gz", tmp / "g.csv"
    generate_pages.main(["--seed", str(seed), "--count", str(count), "-o", str(warc), "--labels", str(labels), "--filler-for-tests"])
    with open(labels, encoding="utf-8") as fh:
        return list(csv.DictReader(fh)), warc, labels


def test_deterministic(tmp_path):
    _, _, a = _run(tmp_path / "a")
    _, _, b = _run(tmp_path / "b")
    assert a.read_bytes() == b.read_bytes()


def test_every_href_in_page_and_all_classes(tmp_path):
    rows, warc, _ = _run(tmp_path)
    pages = {}
    with open(warc, "rb") as fh:
        for rec in ArchiveIterator(fh):
            pages[rec.rec_headers.get_header("WARC-Target-URI")] = rec.content_stream().read().decode("utf-8")
    for row in rows:
        assert f'href="{row["target_url"]}"' in pages[row["source_url"]]
        assert row["generated"] == "true" and row["method"].startswith("generator:")
    assert {r["label"] for r in rows} == {"editorial", "guest_post", "directory", "link_farm", "spam"}


def test_labels_follow_rules(tmp_path):
    rows, _, _ = _run(tmp_path)
    for row in rows:
        kind = row["template"].split(":")[0]
        if kind in ("spam", "link_farm", "directory"):
            assert row["label"] == kind  # page-level classes label every link they hold
        else:
            assert row["label"] in (kind, "spam")  # comment links on articles are spam


def test_missing_corpus_is_one_line_error(tmp_path, capsys):
    import pytest
    with pytest.raises(SystemExit):
        generate_pages.main(["--corpus", str(tmp_path / "nope"), "-o", str(tmp_path / "x.warc.gz"), "--labels", str(tmp_path / "x.csv")])
    assert "corpus not found" in capsys.readouterr().err


def test_templates_vary(tmp_path):
    rows, _, _ = _run(tmp_path)
    assert len({r["template"] for r in rows}) >= 15
    assert len({r["language"] for r in rows}) == 4
