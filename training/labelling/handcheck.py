"""Draw and show a hand-check sample of one labelling function's outputs.

    python training/labelling/handcheck.py FUNCTION [--size 25] [--all-outputs]

prints, for each sampled link, its page, its ancestors' markup (tag#id.class, nearest first), the opening tags
around it and the text of its block, so a person can decide the true label under ../shared/LABELS.md. Decisions go
to data/labels/handcheck/FUNCTION.csv (source_url, target_url, lf_label, checked_label, note); the sample is drawn
from the function's own outputs (before the conflict rule and the editorial cap) with a fixed seed.
"""

from __future__ import annotations

import argparse
import random
import sys
from functools import lru_cache
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import lxml.html  # noqa: E402

from labelling.build_labels import SEED, analyse_corpus  # noqa: E402
from labelling.corpus import CORPUS, load_devset, page_records, read_record  # noqa: E402
from labelling.functions import LABELLING_FUNCTIONS  # noqa: E402
from linktriage.extract import decode_html, normalise_href  # noqa: E402


def sample(pages: list, name: str, size: int, exclude: set[str]) -> list[tuple]:
    """(page, link, label) for ``size`` outputs of function ``name`` drawn at random (fixed seed), one per target."""
    fn = next(f for f in LABELLING_FUNCTIONS if f.__name__ == name)
    outputs, seen = [], set()
    for page, links in pages:
        if page.uri in exclude:
            continue
        for link in links:
            label = fn(page, link)
            if label is not None and (page.uri, link.href) not in seen:
                seen.add((page.uri, link.href))
                outputs.append((page, link, label))
    rng = random.Random(f"{SEED}:{name}")
    return rng.sample(outputs, min(size, len(outputs))), len(outputs)


@lru_cache(maxsize=None)
def _offsets(corpus: Path) -> dict[tuple[str, str], int]:
    return {(warc, uri): offset for warc, offset, uri in page_records(corpus)}


def show(page, link, corpus: Path = CORPUS) -> str:
    """The link's surroundings in the archived HTML, for a person to judge."""
    warc, offset = page.warc, _offsets(corpus)[(page.warc, page.uri)]
    tree = lxml.html.document_fromstring(decode_html(read_record(corpus / warc, offset)))
    lines = [f"PAGE {page.uri}  type={page.page_type or '-'} disclosure={page.disclosure_kind}:{page.disclosure_phrase}"
             f"  title={page.title[:80]!r}",
             f"LINK {link.href}  anchor={link.anchor[:80]!r} pos={link.position} ({link.position_evidence}) rel={link.rel}"
             f" gold_main={link.in_gold_main} gold_comments={link.in_gold_comments} l3s={link.l3s_class}"
             f" block_domains={link.block_external_domains} widget={link.widget_title!r} hidden={link.hidden_style!r}",
             f"ANCESTRY {link.ancestry[:400]}"]
    for element in tree.iter("a"):
        if normalise_href(element.get("href", ""), page.uri) == link.href:
            block = element
            for _ in range(3):
                if block.getparent() is not None and len(block.text_content()) < 300:
                    block = block.getparent()
            lines.append("TEXT " + " ".join(block.text_content().split())[:700])
            break
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description="show a hand-check sample of one labelling function")
    parser.add_argument("function")
    parser.add_argument("--size", type=int, default=25)
    parser.add_argument("--pages", type=Path, default=None, help="pickled analyse_corpus() output, to skip re-parsing")
    args = parser.parse_args()
    if args.pages:
        import pickle

        pages = pickle.loads(args.pages.read_bytes())
    else:
        pages = analyse_corpus()
    exclude = {row["source_url"] for row in load_devset()}
    chosen, total = sample(pages, args.function, args.size, exclude)
    print(f"{args.function}: {total} outputs, showing {len(chosen)}\n")
    for number, (page, link, label) in enumerate(chosen, 1):
        print(f"--- {number} lf_label={label}\n{show(page, link)}\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
