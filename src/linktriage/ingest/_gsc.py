"""Google Search Console link exports (Links report), whose headers follow the interface language.

The external-links downloads are:

- "Latest links": ``Linking page``, ``Last crawled``;
- "More sample links": ``Linking page`` only;
- "Top linking sites": ``Site``, ``Linking pages``, ``Target pages`` (a linking *site*, read as its home page).

None names the target: it is the property itself, given by the user (``--site``). "Top linked pages" lists the
property's own pages, not linking pages, so it is recognised and refused with advice.

The localized header strings are as the Search Console interface words them as best they could be determined; a
language keeps several spellings where the interface wording is uncertain or changed. A layout per language and
report is generated from the table, so the variant says which language was recognised.
"""

from __future__ import annotations

import re
from typing import Sequence

from linktriage.ingest._layout import Layout
from linktriage.ingest._values import cell_text, clean_url

#: language -> report column -> the header names it may carry in that language
HEADERS: dict[str, dict[str, tuple[str, ...]]] = {
    "English": {
        "linking_page": ("Linking page",),
        "last_crawled": ("Last crawled",),
        "site": ("Site", "Linking site"),
        "linking_pages": ("Linking pages",),
        "target_pages": ("Target pages",),
        "target_page": ("Target page",),
        "incoming_links": ("Incoming links",),
    },
    "German": {
        "linking_page": ("Verweisende Seite", "Verlinkende Seite", "Verknüpfende Seite"),
        "last_crawled": ("Zuletzt gecrawlt", "Letzter Crawl"),
        "site": ("Website", "Site", "Verweisende Website"),
        "linking_pages": ("Verweisende Seiten", "Verlinkende Seiten", "Verknüpfende Seiten"),
        "target_pages": ("Zielseiten",),
        "target_page": ("Zielseite",),
        "incoming_links": ("Eingehende Links",),
    },
    "French": {
        "linking_page": ("Page d'origine du lien", "Page de provenance", "Page contenant le lien", "Page de liaison"),
        "last_crawled": ("Dernière exploration", "Date de la dernière exploration"),
        "site": ("Site", "Site d'origine du lien"),
        "linking_pages": ("Pages d'origine du lien", "Pages de provenance", "Pages contenant le lien", "Pages de liaison"),
        "target_pages": ("Pages cibles",),
        "target_page": ("Page cible",),
        "incoming_links": ("Liens entrants",),
    },
    "Spanish": {
        "linking_page": ("Página que enlaza", "Página de enlace", "Página enlazadora"),
        "last_crawled": ("Último rastreo", "Fecha del último rastreo"),
        "site": ("Sitio", "Sitio web", "Sitio que enlaza"),
        "linking_pages": ("Páginas que enlazan", "Páginas de enlace", "Páginas enlazadoras"),
        "target_pages": ("Páginas de destino",),
        "target_page": ("Página de destino",),
        "incoming_links": ("Enlaces entrantes",),
    },
    "Portuguese": {
        "linking_page": ("Página de link", "Página que contém o link", "Página com link", "Página de vinculação"),
        "last_crawled": ("Último rastreamento",),
        "site": ("Site", "Site de link"),
        "linking_pages": ("Páginas de link", "Páginas que contêm o link", "Páginas com link", "Páginas de vinculação"),
        "target_pages": ("Páginas de destino",),
        "target_page": ("Página de destino",),
        "incoming_links": ("Links de entrada", "Links recebidos"),
    },
    "Italian": {
        "linking_page": ("Pagina che rimanda", "Pagina di collegamento", "Pagina con link"),
        "last_crawled": ("Ultima scansione",),
        "site": ("Sito", "Sito che rimanda"),
        "linking_pages": ("Pagine che rimandano", "Pagine di collegamento", "Pagine con link"),
        "target_pages": ("Pagine di destinazione",),
        "target_page": ("Pagina di destinazione",),
        "incoming_links": ("Link in entrata",),
    },
    "Dutch": {
        "linking_page": ("Linkende pagina", "Pagina die linkt", "Verwijzende pagina"),
        "last_crawled": ("Laatst gecrawld", "Laatste crawl"),
        "site": ("Site", "Website", "Linkende site"),
        "linking_pages": ("Linkende pagina's", "Pagina's die linken", "Verwijzende pagina's"),
        "target_pages": ("Doelpagina's",),
        "target_page": ("Doelpagina",),
        "incoming_links": ("Inkomende links",),
    },
    "Japanese": {
        "linking_page": ("リンク元のページ", "リンク元ページ"),
        "last_crawled": ("前回のクロール", "最終クロール", "最終クロール日"),
        "site": ("サイト", "リンク元サイト"),
        "linking_pages": ("リンク元のページ数", "リンク元ページ", "リンク元のページ"),
        "target_pages": ("ターゲット ページ", "ターゲットページ", "対象ページ"),
        "target_page": ("ターゲット ページ", "ターゲットページ", "対象ページ"),
        "incoming_links": ("受信リンク", "被リンク"),
    },
    "Hebrew": {
        "linking_page": ("דף מקשר", "דף מפנה", "עמוד מקשר"),
        "last_crawled": ("סריקה אחרונה", "נסרק לאחרונה"),
        "site": ("אתר", "אתר מקשר"),
        "linking_pages": ("דפים מקשרים", "דפים מפנים", "עמודים מקשרים"),
        "target_pages": ("דפי יעד",),
        "target_page": ("דף יעד",),
        "incoming_links": ("קישורים נכנסים",),
    },
}

_REFUSE = ("lists your own pages (Top linked pages), not the pages linking to them: export "
           "\"Latest links\" or \"More sample links\" from the Links report instead")


def _layouts() -> tuple[Layout, ...]:
    layouts = []
    for language, h in HEADERS.items():
        common = dict(vendor="gsc", display="Google Search Console", target_is_site=True)
        layouts += [
            Layout(**common, variant=f"latest links ({language})",
                   fields={"source_url": h["linking_page"], "last_seen": h["last_crawled"]},
                   required=("source_url", "last_seen")),
            Layout(**common, variant=f"top linking sites ({language})",
                   fields={"source_url": h["site"], "linking_pages": h["linking_pages"],
                           "target_pages": h["target_pages"]},
                   required=("source_url", "linking_pages")),
            Layout(**common, variant=f"more sample links ({language})",
                   fields={"source_url": h["linking_page"]}, required=("source_url",)),
            Layout(**common, variant=f"top linked pages ({language})", refuse=_REFUSE,
                   fields={"target_page": h["target_page"], "incoming_links": h["incoming_links"]},
                   required=("target_page", "incoming_links")),
        ]
    return tuple(layouts)


LAYOUTS = _layouts()


def is_link(text: str) -> bool:
    """A full http(s) URL, as a linking page is written in a links download."""
    return bool(text) and "://" in text and not clean_url(text)[1]


_DATE = re.compile(r"\d{1,4}\s*[-./年]\s*\d{1,2}\s*[-./月]?\s*\d{0,4}|\w{3,9}\.? \d{1,2},? \d{4}|\d{1,2}\.? \w{3,9}\.? \d{4}")


def by_shape(header: Sequence[str], rows: Sequence[Sequence[object]]) -> Layout | None:
    """A links download whose header language is not in :data:`HEADERS`, recognised by its shape.

    Search Console's "Latest links" has two columns, the linking page's URL and a date; "More sample links" has
    only the URL. A file of that shape whose rows are (nearly) all URLs, and dates, is read as one, so a header
    wording missing from the table does not make the export unreadable.
    """
    names = [str(h).strip() for h in header]
    while names and not names[-1]:
        names.pop()
    if not 1 <= len(names) <= 2 or not all(names) or any(sep in n for n in names for sep in ",;\t|"):
        return None  # (a header with a delimiter in it was split with the wrong one)
    if is_link(names[0]):
        return None  # a list of links without a header: its first link is not a column name
    cells = [[cell_text(c) for c in row] for row in rows]
    cells = [row for row in cells if any(row)][:20]
    if not cells or any(len([c for c in row if c]) > len(names) for row in cells):
        return None
    urls = sum(is_link(row[0]) for row in cells)
    dates = sum(len(row) > 1 and bool(_DATE.fullmatch(row[1])) for row in cells)
    if urls < 0.8 * len(cells) or (len(names) == 2 and dates < 0.8 * len(cells)):
        return None
    common = dict(vendor="gsc", display="Google Search Console", target_is_site=True)
    if len(names) == 2:
        return Layout(**common, variant="latest links (header language not recognised)",
                      fields={"source_url": (names[0],), "last_seen": (names[1],)}, required=("source_url", "last_seen"))
    return Layout(**common, variant="more sample links (header language not recognised)",
                  fields={"source_url": (names[0],)}, required=("source_url",))
