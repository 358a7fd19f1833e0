"""Print a corpus page's external links with their located position, for hand-labelling.

    .venv/bin/python training/labelling/hand/show.py URI [URI ...]   (URIs as in the manifest / candidates list)

Per page: title, then one line per external link: index, position, block external domains, anchor, href, and
the tail of its ancestry and context, so a reader can see what kind of block the link sits in.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[3]))
from training.labelling.hand.pages import load_page  # noqa: E402

from linktriage.locate import external_links  # noqa: E402


def main(uris: list[str]) -> None:
    full = "-v" in uris
    for uri in (u for u in uris if u != "-v"):
        found = load_page(uri)
        if found is None:
            print("NOT FOUND", uri)
            continue
        warc, page = found
        print(f"=== {uri} [{warc}] site={page.source_domain} title={page.info.title!r}")
        for i, (href, ctx) in enumerate(external_links(page)):
            line = (f"{i:3d} {ctx.position[:4]} b{ctx.block_external_domains:<3d} {ctx.anchor_text[:45]!r:48} {href[:90]}")
            print(line)
            if full:
                print(f"      anc={ctx.ancestry[-90:]} | ctx={ctx.context_text[:200]!r}")


if __name__ == "__main__":
    main(sys.argv[1:])
