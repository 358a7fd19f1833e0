"""The hand-labelled real links (data/labels/real_hand_labels.csv): schema, dev-set separation, and (with the
corpus) that the locator finds every sampled labelled link on its archived page."""

from __future__ import annotations

import csv
import random
from pathlib import Path

import pytest

from linktriage._domains import registrable_domain

ROOT = Path(__file__).resolve().parents[1]
FILE = ROOT / "data" / "labels" / "real_hand_labels.csv"
CORPUS = ROOT.parent / "shared" / "corpus"
DEVSET = ROOT.parent / "shared" / "devset" / "labels.csv"
COLUMNS = ["source_url", "target_url", "anchor", "label", "method", "checked_by_hand", "generated", "warc", "site",
           "evidence"]
LABELS = {"editorial", "guest_post", "directory", "spam", "link_farm"}
#: pages whose links the corpus test re-locates (extraction costs ~1 s a page on a loaded machine)
SAMPLE_PAGES = 8


def _rows() -> list[dict[str, str]]:
    with open(FILE, newline="", encoding="utf-8") as stream:
        reader = csv.DictReader(stream)
        assert reader.fieldnames == COLUMNS
        return list(reader)


def test_schema_and_values():
    rows = _rows()
    assert len(rows) >= 50
    for row in rows:
        assert row["label"] in LABELS, row
        assert (row["method"], row["checked_by_hand"], row["generated"]) == ("hand", "true", "false"), row
        assert row["target_url"].startswith(("http://", "https://")), row
        assert row["warc"].endswith(".warc.gz") and row["evidence"].strip(), row
        # site is the page's registrable domain, and the link leaves it
        assert row["site"] and registrable_domain(row["target_url"]) != row["site"], row
        if row["source_url"].startswith("http"):
            assert registrable_domain(row["source_url"]) == row["site"], row


def test_no_duplicate_links():
    pairs = [(row["source_url"], row["target_url"]) for row in _rows()]
    assert len(pairs) == len(set(pairs))


def test_no_overlap_with_the_generated_label_file():
    real = ROOT / "data" / "labels" / "real_links.csv"
    if not real.is_file():
        pytest.skip("data/labels/real_links.csv not present")
    with open(real, newline="", encoding="utf-8") as stream:
        existing = {(row["source_url"], row["target_url"]) for row in csv.DictReader(stream)}
    assert not existing & {(row["source_url"], row["target_url"]) for row in _rows()}


@pytest.mark.skipif(not DEVSET.is_file(), reason=f"dev set not found at {DEVSET}")
def test_no_devset_page_or_site():
    with open(DEVSET, newline="", encoding="utf-8") as stream:
        dev = list(csv.DictReader(stream))
    dev_pages = {row["source_url"] for row in dev}
    dev_sites = {registrable_domain(row["source_url"]) for row in dev}
    for row in _rows():
        assert row["source_url"] not in dev_pages, row
        assert row["site"] not in dev_sites, row


def _bodies(warc: Path, uris: set[str]) -> dict[str, bytes]:
    """The archived bodies of ``uris``, reading the WARC once and stopping when all are found."""
    from warcio.archiveiterator import ArchiveIterator

    found: dict[str, bytes] = {}
    with open(warc, "rb") as stream:
        for record in ArchiveIterator(stream):
            uri = record.rec_headers.get_header("WARC-Target-URI") if record.rec_type == "response" else None
            if uri in uris:
                found[uri] = record.content_stream().read()
                if len(found) == len(uris):
                    break
    return found


@pytest.mark.corpus
@pytest.mark.skipif(not CORPUS.is_dir(), reason=f"reference corpus not found at {CORPUS}")
def test_locator_finds_every_sampled_link():
    from linktriage._records import FetchResult
    from linktriage.extract import extract_page
    from linktriage.locate import locate_links

    rows = _rows()
    by_page: dict[tuple[str, str], list[dict[str, str]]] = {}
    for row in rows:
        by_page.setdefault((row["warc"], row["source_url"]), []).append(row)
    pages = sorted(by_page)
    random.Random(7).shuffle(pages)
    pages = pages[:SAMPLE_PAGES]
    for warc in {w for w, _ in pages}:
        wanted = {uri for w, uri in pages if w == warc}
        bodies = _bodies(CORPUS / warc, wanted)
        assert set(bodies) == wanted, f"pages missing from {warc}: {wanted - set(bodies)}"
        for uri, body in bodies.items():
            page = extract_page(FetchResult(url=uri, status="ok", final_url=uri, body=body, content_type="text/html"))
            assert page is not None, uri
            for row in by_page[(warc, uri)]:
                found = locate_links(page, row["target_url"])
                assert found, f"locator does not find {row['target_url']} on {uri}"
                assert any(link.href == row["target_url"] for link in found), row
