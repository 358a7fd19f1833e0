"""Generate varied HTML pages for the rare link classes (guest_post, directory, link_farm, spam) plus editorial
hard negatives: python training/generate_pages.py

Real article text comes from ../shared/corpus at run time (never stored in the repository); businesses, people and
domains are invented on reserved TLDs. Output: build/generated/generated.warc.gz (git-ignored) and
data/labels/generated_links.csv, every row marked generated. See training/GENERATOR.md.
"""
from __future__ import annotations

import argparse
import itertools
import random
import sys
import time
from collections import Counter
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "training"))

from generator import generate, write  # noqa: E402
from generator.real_copies import catalogue_pages, editorial_pages, noted_pages  # noqa: E402
from generator.text import filler_docs, load_corpus  # noqa: E402
from labelling.corpus import held_out  # noqa: E402


def fail(msg: str) -> None:
    print(f"error: {msg}", file=sys.stderr)
    raise SystemExit(2)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seed", type=int, default=13)
    ap.add_argument("--per-class", type=int, default=4000, help="labelled links per class (editorial: 3/4 of it)")
    ap.add_argument("-o", "--output", type=Path, default=ROOT / "build/generated/generated.warc.gz")
    ap.add_argument("--labels", type=Path, default=ROOT / "data/labels/generated_links.csv")
    ap.add_argument("--corpus", type=Path, default=ROOT.parent / "shared/corpus")
    ap.add_argument("--noted-share", type=float, default=0.0,
                    help="share of the real pages with editorial labels also written as noted guest posts "
                         "(generator/real_copies.py; needs the corpus; default 0: tried and not shipped, "
                         "evaluation/error_analysis_notes.md item 19)")
    ap.add_argument("--catalogue-share", type=float, default=0.0,
                    help="share of those pages (others than the noted ones) also written with a catalogue of "
                         "invented businesses as their text (generator/real_copies.py; needs the corpus)")
    ap.add_argument("--real-labels", type=Path, default=ROOT / "data/labels/real_links.csv",
                    help="the real-page labels whose editorial pages are copied (default: data/labels/real_links.csv)")
    ap.add_argument("--filler-for-tests", action="store_true", help="built-in filler text; for tests only, NOT for training")
    args = ap.parse_args(argv)
    if args.per_class < 10:
        fail(f"--per-class {args.per_class} is too small: use at least 10")
    if not (0 <= args.noted_share and 0 <= args.catalogue_share and args.noted_share + args.catalogue_share <= 1):
        fail(f"--noted-share {args.noted_share:g} and --catalogue-share {args.catalogue_share:g} are shares of the same "
             "pages: each at least 0, together at most 1")
    copies = args.noted_share + args.catalogue_share > 0 and not args.filler_for_tests
    if copies and not args.real_labels.is_file():
        fail(f"real labels not found at {args.real_labels}: pass --real-labels FILE (data/labels/real_links.csv)")
    started = time.time()
    if args.filler_for_tests:
        docs = filler_docs(args.seed)
    else:
        try:
            # the dev set's pages and sites are held out of training, generated text included
            docs = load_corpus(args.corpus, held_out(args.corpus, args.corpus.parent / "devset" / "labels.csv").holds)
        except FileNotFoundError:
            fail(f"corpus not found at {args.corpus}; pass --corpus PATH to ../shared/corpus "
                 "(or --filler-for-tests, not for training)")
    rows = Counter()

    def counted(pages):
        for page in pages:
            rows.update(label for _, _, label in page.rows)
            yield page

    pages = generate(docs, args.seed, args.per_class)
    if copies:
        real = pd.read_csv(args.real_labels, dtype=str, keep_default_na=False)
        candidates = editorial_pages(real)
        random.Random(args.seed).shuffle(candidates)
        noted = round(len(candidates) * args.noted_share)
        catalogued = candidates[noted:noted + round(len(candidates) * args.catalogue_share)]
        pages = itertools.chain(pages, noted_pages(real, args.corpus, args.seed, candidates[:noted]),
                                catalogue_pages(real, args.corpus, args.seed, catalogued))
    n_pages, n_rows = write(counted(pages), args.output, args.labels)
    print(f"{n_pages} pages, {n_rows} labelled links {dict(sorted(rows.items()))} -> {args.output}, {args.labels} "
          f"({time.time() - started:.0f} s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
