"""Rebuild data/labels/real_links.csv from the real corpus pages: python training/labelling/build_labels.py

1. reads every page of ../shared/corpus (the annotated L3S copy only for block classes), two worker processes;
2. describes each link to another registrable domain (extractor + locator + corpus gold evidence, ``evidence.py``);
3. runs the labelling functions (``functions.py``); links no function labels, or that functions disagree on, stay out;
4. applies the hand-checked decisions of data/labels/handcheck/*.csv (checked_by_hand=true, checked label wins);
5. caps links per class per page and per site, and editorial at 40% of the file (fixed seed, checked rows kept);
6. writes the CSV, and with ``--devset-report`` the functions' agreement with the dev set (no page of a dev-set site
   enters the file, nor another copy of a dev-set page: ``corpus.held_out``).
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import sys
import time
from collections import Counter, defaultdict
from multiprocessing import Pool
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make ``labelling`` importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from labelling.corpus import (CORPUS, DEVSET, HeldOut, held_out, l3s_block_classes, labelled_links, load_devset,
                              load_manifest, page_records, read_record)
from labelling.evidence import analyse_page
from labelling.functions import apply_functions

ROOT = Path(__file__).resolve().parents[2]
OUTPUT = ROOT / "data" / "labels" / "real_links.csv"
HANDCHECK = ROOT / "data" / "labels" / "handcheck"
#: links labelled by hand page by page (training/labelling/hand/): their hand label wins, so they are left out here
HAND_LABELS = ROOT / "data" / "labels" / "real_hand_labels.csv"
COLUMNS = ("source_url", "target_url", "anchor", "label", "method", "checked_by_hand", "generated", "warc", "site")
#: functions whose measured precision stayed below 85% (or that were changed after their only check): their
#: outputs enter the file only where a person checked them (with the checked label). See data/labels/LABELLING.md.
HAND_CHECKED_ONLY = frozenset({"directory_listing", "guest_post_content", "hidden_injected_link",
                               "recent_comments_widget"})
LABELS = ("editorial", "guest_post", "directory", "spam", "link_farm")
#: at most this many links of a class per page, and per site (a blogroll repeats on every page of its blog)
PER_PAGE_CAP = {"editorial": 5, "guest_post": 15, "directory": 20, "spam": 12, "link_farm": 8}
PER_SITE_CAP = {"editorial": 60, "guest_post": 60, "directory": 80, "spam": 80, "link_farm": 40}
#: editorial share of the file at most
MAX_EDITORIAL = 0.40
SEED = 20261125

_STATE: dict = {}


def _init(corpus: str) -> None:
    corpus_path = Path(corpus)
    _STATE["corpus"] = corpus_path
    _STATE["manifest"] = load_manifest(corpus_path)
    _STATE["l3s"] = l3s_block_classes(corpus_path) if (corpus_path / "l3s-gn1-annotated.warc.gz").is_file() else {}


def _analyse(job: tuple[str, int, str]):
    warc, offset, uri = job
    row = _STATE["manifest"].get((warc, uri), {})
    l3s = _STATE["l3s"].get(row.get("l3s_id", ""), None) if warc.startswith("l3s") else None
    try:
        return analyse_page(read_record(_STATE["corpus"] / warc, offset), uri, warc, row, l3s)
    except (ValueError, RecursionError) as exc:  # one hostile page must not stop the build
        print(f"skipped {uri}: {exc.__class__.__name__}", file=sys.stderr)
        return None


def analyse_corpus(corpus: Path = CORPUS, *, workers: int = 2, limit: int | None = None,
                   only: set[str] | None = None) -> list:
    """[(PageEvidence, [LinkEvidence])] for the corpus pages (``only``: just these URIs; ``limit``: first N per WARC)."""
    jobs, per_warc = [], Counter()
    for warc, offset, uri in page_records(corpus):
        if only is not None and uri not in only:
            continue
        if limit is not None and per_warc[warc] >= limit:
            continue
        per_warc[warc] += 1
        jobs.append((warc, offset, uri))
    if workers <= 1:
        _init(str(corpus))
        results = [_analyse(job) for job in jobs]
    else:
        with Pool(workers, initializer=_init, initargs=(str(corpus),)) as pool:
            results = pool.map(_analyse, jobs, chunksize=8)
    return [r for r in results if r is not None]


def label_rows(pages: list, held: HeldOut = HeldOut()) -> list[dict]:
    """One row per (page, target) some function labels, pages ``held`` out (the dev set's sites) left out."""
    rows = []
    for page, links in pages:
        if held.holds(page.uri, page.site):
            continue
        seen = set()
        for link in links:
            if link.href in seen:  # the same target twice on a page is one backlink
                continue
            seen.add(link.href)
            verdict = apply_functions(page, link)
            if verdict is None:
                continue
            rows.append({"source_url": page.uri, "target_url": link.href, "anchor": " ".join(link.anchor.split()),
                         "label": verdict[0], "method": verdict[1], "checked_by_hand": "false",
                         "generated": "false", "warc": page.warc, "site": page.site})
    return rows


def apply_handcheck(rows: list[dict], handcheck: Path = HANDCHECK) -> list[dict]:
    """Rows of a hand-checked sample take the checked label ('unclear' drops the row) and checked_by_hand=true."""
    decisions = {}
    for path in sorted(handcheck.glob("*.csv")):
        with open(path, newline="", encoding="utf-8") as stream:
            for row in csv.DictReader(stream):
                decisions[(row["source_url"], row["target_url"])] = row["checked_label"]
    out = []
    for row in rows:
        checked = decisions.get((row["source_url"], row["target_url"]))
        if checked is None and row["method"] in HAND_CHECKED_ONLY:
            continue
        if checked is not None:
            if checked not in LABELS:
                continue
            row = {**row, "label": checked, "checked_by_hand": "true"}
        out.append(row)
    return out


def _draw(row: dict) -> bytes:
    """A fixed pseudo-random rank per link: a row keeps its place in the caps' order when other rows come or go,
    so a change to one labelling function changes the rows it touches, not a reshuffled sample of the whole file."""
    return hashlib.blake2b(f"{SEED}\t{row['source_url']}\t{row['target_url']}".encode(), digest_size=8).digest()


def balance(rows: list[dict]) -> list[dict]:
    """Caps per page and per site (fixed seed, hand-checked rows kept first), then editorial at most MAX_EDITORIAL.

    One blog's blogroll or one busy comment thread repeats the same kind of link dozens of times; a few of them
    teach as much as all, and the split is grouped by site anyway.
    """
    order = sorted(range(len(rows)), key=lambda i: (rows[i]["checked_by_hand"] != "true", _draw(rows[i])))
    per_page, per_site, kept = Counter(), Counter(), []
    for i in order:
        row = rows[i]
        page_key, site_key = (row["source_url"], row["label"]), (row["site"], row["label"])
        if row["checked_by_hand"] != "true" and (
                per_page[page_key] >= PER_PAGE_CAP[row["label"]] or per_site[site_key] >= PER_SITE_CAP[row["label"]]):
            continue
        per_page[page_key] += 1
        per_site[site_key] += 1
        kept.append(i)
    editorial = [i for i in kept if rows[i]["label"] == "editorial"]
    others = len(kept) - len(editorial)
    limit = int(MAX_EDITORIAL * others / (1 - MAX_EDITORIAL))
    if len(editorial) > limit:  # checked rows first in ``kept`` order, so they survive
        drop = set(editorial[limit:])
        kept = [i for i in kept if i not in drop]
    return [rows[i] for i in sorted(kept)]


def write_rows(rows: list[dict], path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", newline="", encoding="utf-8") as stream:
        writer = csv.DictWriter(stream, fieldnames=COLUMNS)
        writer.writeheader()
        writer.writerows(rows)


def devset_agreement(pages: list, devset: list[dict]) -> dict[str, dict[str, float]]:
    """Per-class precision / recall of the functions on the dev set's links (matched by page and resolved href)."""
    verdicts = {}
    for page, links in pages:
        for link in links:
            verdicts.setdefault((page.uri, link.href), apply_functions(page, link))
    counts = defaultdict(Counter)
    for row in devset:
        verdict = verdicts.get((row["source_url"], row["target_url"]), "missing")
        predicted = verdict[0] if isinstance(verdict, tuple) else ("not located" if verdict == "missing" else "abstain")
        counts[row["label"]][predicted] += 1
    report = {}
    for label in LABELS:
        predicted_as = sum(counts[gold][label] for gold in counts)
        report[label] = {
            "devset": sum(counts[label].values()), "labelled": predicted_as, "correct": counts[label][label],
            "precision": counts[label][label] / predicted_as if predicted_as else float("nan"),
            "recall": counts[label][label] / sum(counts[label].values()) if counts[label] else float("nan"),
            "abstain": counts[label]["abstain"], "not located": counts[label]["not located"],
        }
    report["confusion"] = {gold: dict(c) for gold, c in counts.items()}
    return report


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    parser.add_argument("--output", type=Path, default=OUTPUT)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--limit", type=int, default=None, help="only the first N pages of each WARC (quick check)")
    parser.add_argument("--devset-report", action="store_true", help="also print agreement with the dev set")
    args = parser.parse_args(argv)
    if not args.corpus.is_dir():
        print(f"error: corpus not found at {args.corpus}; pass --corpus DIR", file=sys.stderr)
        return 2
    started = time.time()
    pages = analyse_corpus(args.corpus, workers=args.workers, limit=args.limit)
    devset = load_devset() if DEVSET.is_file() else []
    rows = apply_handcheck(label_rows(pages, held_out(args.corpus)))
    hand = labelled_links(HAND_LABELS)
    rows = balance([row for row in rows if (row["source_url"], row["target_url"]) not in hand])
    write_rows(rows, args.output)
    print(f"{len(rows)} links from {len({r['source_url'] for r in rows})} pages in {time.time() - started:.0f}s: "
          + ", ".join(f"{k} {v}" for k, v in Counter(r["label"] for r in rows).most_common()))
    if args.devset_report and devset:
        for label, stats in devset_agreement(pages, devset).items():
            print(label, stats)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
