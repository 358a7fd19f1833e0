"""Find catalogue-shaped blocks on corpus pages: containers whose children each hold one external link to a
different site with little text (candidates for hand-reading, not labels).

    .venv/bin/python training/labelling/hand/catalogue_scan.py /tmp/candidates.tsv > /tmp/catalogues.tsv
"""

from __future__ import annotations

import csv
import sys
from pathlib import Path

import lxml.html

sys.path.insert(0, str(Path(__file__).resolve().parents[3]))
from linktriage._domains import registrable_domain  # noqa: E402
from linktriage.extract import decode_html, normalise_href  # noqa: E402
from training.labelling.corpus import CORPUS, read_record  # noqa: E402


def scan(html: str, base: str, site: str) -> list[tuple[int, str, str]]:
    tree = lxml.html.document_fromstring(html)
    found = []
    for parent in tree.iter("ul", "ol", "tbody", "div", "section", "dl"):
        children = [c for c in parent if isinstance(c.tag, str)]
        if len(children) < 6:
            continue
        domains = []
        for child in children:
            links = {registrable_domain(normalise_href(a.get("href", ""), base)) for a in child.iter("a")}
            links = {d for d in links if d and d != site}
            if len(links) == 1:
                domains.append(links.pop())
        distinct = set(domains)
        if len(distinct) >= 6 and len(domains) >= 0.6 * len(children):
            label = parent.tag + ("#" + parent.get("id") if parent.get("id") else "") + \
                ("." + ".".join((parent.get("class") or "").split()[:2]) if parent.get("class") else "")
            text = " ".join(parent.text_content().split())
            found.append((len(distinct), label[:60], text[:160]))
    return found


def main(path: str) -> None:
    out = csv.writer(sys.stdout, delimiter="\t")
    for row in csv.reader(open(path, encoding="utf-8"), delimiter="\t"):
        warc, offset, uri, ptype, n = row[0], int(row[1]), row[2], row[3], int(row[4])
        if n < 6 or row[6] == "1" or warc in ("l3s-gn1.warc.gz",):
            continue
        html = decode_html(read_record(CORPUS / warc, offset))
        site = registrable_domain(uri) if uri.startswith("http") else ""
        try:
            blocks = scan(html, uri, site)
        except Exception:  # unparsable page
            continue
        for distinct, label, text in blocks:
            out.writerow([warc, uri, ptype, distinct, label, text])
        sys.stdout.flush()


if __name__ == "__main__":
    main(sys.argv[1])
