"""Turn the hand decisions (decisions.tsv) into data/labels/real_hand_labels.csv, checking every link.

decisions.tsv: one line per judged block of a page: source_url, label, link indices, evidence. Indices refer to
``external_links(page)`` in document order (as printed by show.py), "3-7" ranges allowed. For each index the
resolved href becomes target_url; the row is written only if ``locate_links(page, href)`` finds it, the pair is not
already in real_links.csv, and the page's site is not a dev-set site.

    .venv/bin/python training/labelling/hand/build.py
"""

from __future__ import annotations

import csv
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
sys.path.insert(0, str(ROOT))
from linktriage.locate import external_links, locate_links  # noqa: E402
from training.labelling.corpus import held_out, labelled_links  # noqa: E402
from training.labelling.hand.pages import load_page  # noqa: E402

DECISIONS = Path(__file__).with_name("decisions.tsv")
OUT = ROOT / "data" / "labels" / "real_hand_labels.csv"
COLUMNS = ["source_url", "target_url", "anchor", "label", "method", "checked_by_hand", "generated", "warc", "site",
           "evidence"]
LABELS = {"editorial", "guest_post", "directory", "spam", "link_farm"}


def _indices(spec: str) -> list[int]:
    out = []
    for part in spec.split(","):
        part = part.strip()
        if "-" in part:
            lo, hi = part.split("-")
            out.extend(range(int(lo), int(hi) + 1))
        elif part:
            out.append(int(part))
    return out


def main() -> None:
    held = held_out()
    existing = labelled_links(ROOT / "data" / "labels" / "real_links.csv")
    rows, seen = [], set()
    pages: dict[str, tuple] = {}
    for number, line in enumerate(DECISIONS.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        source, label, spec, evidence = line.split("\t")
        assert label in LABELS, f"line {number}: bad label {label}"
        if source not in pages:
            pages[source] = load_page(source)
        found = pages[source]
        if found is None:
            sys.exit(f"line {number}: page not found {source}")
        warc, page = found
        if held.holds(source, page.source_domain):
            sys.exit(f"line {number}: {source} is a dev-set page or on a dev-set site ({page.source_domain})")
        links = external_links(page)
        for index in _indices(spec):
            href, ctx = links[index]
            key = (source, href)
            if key in seen or key in existing:
                print(f"skip duplicate / already labelled: {href}", file=sys.stderr)
                continue
            if not locate_links(page, href):
                sys.exit(f"line {number}: locator does not find {href}")
            seen.add(key)
            rows.append({"source_url": source, "target_url": href, "anchor": ctx.anchor_text, "label": label,
                         "method": "hand", "checked_by_hand": "true", "generated": "false", "warc": warc,
                         "site": page.source_domain, "evidence": evidence})
    with open(OUT, "w", newline="", encoding="utf-8") as stream:
        writer = csv.DictWriter(stream, fieldnames=COLUMNS)
        writer.writeheader()
        writer.writerows(rows)
    counts: dict[str, int] = {}
    for row in rows:
        counts[row["label"]] = counts.get(row["label"], 0) + 1
    print(len(rows), "rows", counts, len({r["site"] for r in rows}), "sites")


if __name__ == "__main__":
    main()
