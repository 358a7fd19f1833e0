"""List corpus pages worth hand-reading for the rare classes (directory, guest_post, link_farm).

Fast pass (lxml only, no trafilatura): per page, the number of distinct external registrable domains, disclosure
phrases, the wcxb page type. Pages of dev-set sites are dropped; pages already in real_links.csv are flagged.
Prints TSV to stdout: warc, offset, uri, page_type, n_ext_domains, flags, in_real_links, title.

    .venv/bin/python training/labelling/hand/candidates.py > /tmp/candidates.tsv
"""

from __future__ import annotations

import csv
import re
import sys
from pathlib import Path

import lxml.html

sys.path.insert(0, str(Path(__file__).resolve().parents[3]))
from linktriage._domains import registrable_domain  # noqa: E402
from linktriage.extract import decode_html, normalise_href  # noqa: E402
from training.labelling.corpus import CORPUS, DEVSET, load_manifest, page_records, read_record  # noqa: E402

PHRASES = re.compile(r"guest[ -]post|guest author|contributed by|sponsored post|sponsored by|partner content|"
                     r"gastbeitrag|advertorial|in collaboration with|submit (?:a|your) (?:site|listing|business)|"
                     r"add (?:a|your) listing|business directory|blogroll|link exchange", re.I)


def devset_domains() -> set[str]:
    with open(DEVSET, newline="", encoding="utf-8") as stream:
        return {registrable_domain(row["source_url"]) for row in csv.DictReader(stream)}


def main() -> None:
    manifest = load_manifest()
    banned = devset_domains()
    real = Path(__file__).resolve().parents[3] / "data" / "labels" / "real_links.csv"
    with open(real, newline="", encoding="utf-8") as stream:
        labelled = {row["source_url"] for row in csv.DictReader(stream)}
    out = csv.writer(sys.stdout, delimiter="\t")
    for warc, offset, uri in page_records():
        row = manifest.get((warc, uri), {})
        html = decode_html(read_record(CORPUS / warc, offset))
        if "<" not in html:
            continue
        try:
            tree = lxml.html.document_fromstring(html)
        except Exception:  # unparsable page: nothing to read
            continue
        base = uri
        if uri.startswith("urn:"):
            canon = tree.xpath('.//link[@rel="canonical"]/@href') or tree.xpath('.//meta[@property="og:url"]/@content')
            base = str(canon[0]) if canon and str(canon[0]).startswith("http") else uri
        site = registrable_domain(base) if base.startswith("http") else ""
        if not site or site in banned:
            continue
        domains = set()
        for a in tree.iter("a"):
            href = normalise_href(a.get("href", ""), base)
            if href.startswith("http"):
                d = registrable_domain(href)
                if d and d != site:
                    domains.add(d)
        flags = sorted({m.lower() for m in PHRASES.findall(html)})
        out.writerow([warc, offset, uri, row.get("page_type") or "", len(domains), "|".join(flags),
                      int(uri in labelled), (row.get("title") or "")[:80]])


if __name__ == "__main__":
    main()
