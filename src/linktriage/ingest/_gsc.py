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

from linktriage.ingest._layout import Layout

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
