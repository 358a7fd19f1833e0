"""The relevance test set: hand-checked niche membership (membership.csv) joined with corpus pages.

    .venv/bin/python evaluation/relevance/testset.py candidates "coffee|espresso"   # keyword search, to hand-check
    .venv/bin/python evaluation/relevance/testset.py summary                         # counts per niche

membership.csv holds only URIs and decisions (never page text): ``niche`` is the niche key of NICHES, ``in_niche``
1 for a page about that niche, 0 for a keyword match judged off-niche (hard negative); ``niche=none`` rows are
distractor pages about none of the niches. Pages whose membership was unclear were left out rather than guessed.
Page text is read from the WARC archives in ../shared/corpus and extracted with linktriage's own extractor, as
the pipeline does (title, description, trafilatura main text).
"""

from __future__ import annotations

import csv
import gzip
import json
import re
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CORPUS = ROOT.parent / "shared" / "corpus"
MEMBERSHIP = Path(__file__).with_name("membership.csv")

#: each niche as its site owner would describe the site in one line
NICHES: dict[str, str] = {
    "coffee": "Specialty coffee blog: brewing guides, espresso machine and coffee maker reviews, and the history of coffee.",
    "gardening": "Home gardening blog: growing vegetables, flowers and houseplants, pruning, and natural pest control.",
    "insurance": "Insurance comparison site: plain-English guides to home, health, pet, travel and car insurance.",
    "photography": "Photography blog: camera and lens reviews, landscape composition and photo techniques.",
    "software": "Developer tutorials and docs: Python, JavaScript, Linux, Docker and Kubernetes.",
    "fitness": "Fitness coaching blog: gym workouts for beginners, strength training, running and fitness trends.",
    "travel": "Travel blog: trip planning, booking flights and hotels, vacation packages and first-time guides to Japan.",
    "cars": "Car owners' guide: choosing an electric car and keeping your car maintained.",
    "plant_based": "Plant-based nutrition blog: how to go vegan and eat a whole-food plant-based diet.",
}


@dataclass(frozen=True, slots=True)
class Page:
    uri: str
    text: str
    #: niches the page belongs to (hand-checked)
    niches: frozenset[str]


def membership() -> list[tuple[str, str, int]]:
    with MEMBERSHIP.open(newline="", encoding="utf-8") as stream:
        rows = [(r["uri"], r["niche"], int(r["in_niche"])) for r in csv.DictReader(stream)]
    unknown = {n for _, n, _ in rows} - set(NICHES) - {"none"}
    if unknown:
        raise SystemExit(f"membership.csv names niches not in NICHES: {sorted(unknown)}")
    return rows


def _manifest() -> dict[str, dict]:
    with gzip.open(CORPUS / "manifest.jsonl.gz", "rt", encoding="utf-8") as stream:
        return {r["uri"]: r for r in map(json.loads, stream)}


def load_pages() -> list[Page]:
    """Every page of membership.csv with its extracted text, read from the corpus WARCs."""
    sys.path.insert(0, str(ROOT / "src"))
    from linktriage.extract import extract_page
    from linktriage.sources.warc import WarcArchive

    rows = membership()
    manifest = _manifest()
    uris = list(dict.fromkeys(u for u, _, _ in rows))
    archive = WarcArchive(sorted({str(CORPUS / manifest[u]["warc"]) for u in uris}))
    pages = []
    for uri in uris:
        fetched = archive.get(uri)
        parsed = extract_page(fetched) if fetched is not None else None
        if parsed is None:
            raise SystemExit(f"{uri} is not readable from the corpus")
        info = parsed.info
        text = "\n".join(p for p in (info.title, info.description, info.main_text) if p)
        niches = frozenset(n for u, n, v in rows if u == uri and v == 1)
        pages.append(Page(uri=uri, text=text, niches=niches))
    return pages


def candidates(pattern: str) -> None:
    """wcxb-dev pages whose title or gold text matches ``pattern``: the list a person then checks by hand."""
    regex = re.compile(pattern, re.I)
    for row in _manifest().values():
        if row["source"] == "wcxb-dev" and regex.search(f"{row.get('title', '')}\n{row.get('gold_main_text', '')[:600]}"):
            print(f"{row['uri']}\t{row.get('page_type', '')}\t{row.get('title', '')[:100]}")


if __name__ == "__main__":
    if len(sys.argv) >= 3 and sys.argv[1] == "candidates":
        candidates(sys.argv[2])
    elif sys.argv[1:] == ["summary"]:
        rows = membership()
        for niche in [*NICHES, "none"]:
            print(niche, sum(1 for _, n, v in rows if n == niche and v == 1), "in,",
                  sum(1 for _, n, v in rows if n == niche and v == 0), "judged out")
    else:
        raise SystemExit(__doc__)
