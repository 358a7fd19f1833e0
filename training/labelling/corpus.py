"""Reading the reference corpus (../shared/corpus): WARC records, the manifest, L3S block classes, the dev set."""

from __future__ import annotations

import csv
import gzip
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

from warcio.archiveiterator import ArchiveIterator

from linktriage._domains import registrable_domain
from linktriage.extract import decode_html, normalise_href

__all__ = ["CORPUS", "DEVSET", "HeldOut", "held_out", "page_records", "read_record", "load_manifest",
           "l3s_block_classes", "load_devset", "labelled_links"]

ROOT = Path(__file__).resolve().parents[2]
CORPUS = ROOT.parent / "shared" / "corpus"
DEVSET = ROOT.parent / "shared" / "devset" / "labels.csv"
#: the annotated L3S copy holds the same pages as l3s-gn1: it is read for block classes, never labelled itself
ANNOTATED = "l3s-gn1-annotated.warc.gz"
_SEL = re.compile(r"x-nc-sel(\d)")


def page_records(corpus: Path = CORPUS) -> Iterator[tuple[str, int, str]]:
    """(warc file name, record offset, WARC-Target-URI) of every response record, annotated L3S copy excluded."""
    for path in sorted(corpus.glob("*.warc.gz")):
        if path.name == ANNOTATED:
            continue
        with open(path, "rb") as stream:
            records = ArchiveIterator(stream)
            for record in records:
                if record.rec_type == "response":
                    yield path.name, records.get_record_offset(), record.rec_headers.get_header("WARC-Target-URI")


def read_record(path: Path, offset: int) -> bytes:
    """The HTTP body of the record at ``offset``."""
    with open(path, "rb") as stream:
        stream.seek(offset)
        record = next(iter(ArchiveIterator(stream)))
        return record.content_stream().read()


def load_manifest(corpus: Path = CORPUS) -> dict[tuple[str, str], dict]:
    """Manifest rows keyed by (warc file name, uri)."""
    with gzip.open(corpus / "manifest.jsonl.gz", "rt", encoding="utf-8") as stream:
        rows = (json.loads(line) for line in stream)
        return {(row["warc"], row["uri"]): row for row in rows}


def l3s_block_classes(corpus: Path = CORPUS) -> dict[str, dict[str, int]]:
    """l3s_id -> {resolved href: L3S block class} from the annotated copy.

    Every text block there is wrapped in ``<span class="x-nc-selN">`` (0 boilerplate, 1 headline, 2 full text,
    3 supplemental, 4 related content, 5 user comments). A link takes the class of the span around it, or of the
    span inside it; the first occurrence of an href wins.
    """
    import lxml.html

    by_uri = {row["uri"]: row.get("l3s_id", "") for (warc, _), row in load_manifest(corpus).items()
              if warc == ANNOTATED}
    found: dict[str, dict[str, int]] = {}
    with open(corpus / ANNOTATED, "rb") as stream:
        for record in ArchiveIterator(stream):
            if record.rec_type != "response":
                continue
            uri = record.rec_headers.get_header("WARC-Target-URI")
            tree = lxml.html.document_fromstring(decode_html(record.content_stream().read()) or "<html/>")
            classes: dict[str, int] = {}
            for anchor in tree.iter("a"):
                href = normalise_href(anchor.get("href", ""), uri)
                if not href or href in classes:
                    continue
                for node in (*anchor.iterancestors("span"), *anchor.iter("span")):
                    match = _SEL.search(node.get("class") or "")
                    if match:
                        classes[href] = int(match.group(1))
                        break
            found[by_uri.get(uri, uri)] = classes
    return found


def load_devset(path: Path = DEVSET) -> list[dict]:
    """The dev set rows (validation only: its pages are excluded from the label file)."""
    with open(path, newline="", encoding="utf-8") as stream:
        return list(csv.DictReader(stream))


@dataclass(frozen=True, slots=True)
class HeldOut:
    """What training never sees, so the dev set measures sites the model has not met: the dev set's sites (every
    page of them, not only the labelled ones: a site's template is what a model would learn) and the corpus's
    other copies of its pages (the same page under a ``hard::`` or ``urn:`` name, found by its title)."""

    sites: frozenset[str] = frozenset()
    uris: frozenset[str] = frozenset()

    def holds(self, uri: str, site: str = "") -> bool:
        """Whether the page at ``uri`` (on ``site``, its registrable domain where known) is held out."""
        return uri in self.uris or (site or registrable_domain(uri)) in self.sites


def held_out(corpus: Path = CORPUS, devset: Path = DEVSET) -> HeldOut:
    """The dev set's sites and pages (empty when there is no dev set)."""
    if not devset.is_file():
        return HeldOut()
    pages = {row["source_url"] for row in load_devset(devset)}
    manifest = load_manifest(corpus) if (corpus / "manifest.jsonl.gz").is_file() else {}
    titles = {row["title"] for (_, uri), row in manifest.items() if uri in pages and row.get("title")}
    copies = {uri for (_, uri), row in manifest.items() if row.get("title") in titles}
    return HeldOut(frozenset(filter(None, map(registrable_domain, pages))), frozenset(pages | copies))


def labelled_links(path: Path) -> set[tuple[str, str]]:
    """(source_url, target_url) of every row of a label file; empty when the file does not exist yet."""
    if not path.is_file():
        return set()
    with open(path, newline="", encoding="utf-8") as stream:
        return {(row["source_url"], row["target_url"]) for row in csv.DictReader(stream)}
