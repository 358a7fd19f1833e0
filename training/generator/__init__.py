"""Page generator for the rare link classes: sites, recipes and the balancing loop.

A run invents sites (each with one CMS skeleton, language, navigation and sitewide blocks) and writes pages on them
from recipes until every class has about ``per_class`` labelled links. Recipes of several classes share the same
site kinds and CMS skeletons, so neither the site nor the template tells the class.
"""
from __future__ import annotations

import io
import random
from dataclasses import dataclass
from pathlib import Path

from linktriage.features import VOCABULARY

from . import content, listings, toxic
from .page import Page, Site
from .shells import ARTICLE_CMS, FORUM_CMS
from .text import Doc, everyday_excerpts
from .world import LANGS, World, slug

# recipe -> (primary class, site kind, builder)
RECIPES = {
    "article": ("editorial", "blog", content.article),
    "news_article": ("editorial", "news", content.article),
    "resources_editorial": ("editorial", "blog", content.resources_editorial),
    "review": ("editorial", "blog", content.review),
    "top_n_prose": ("editorial", "blog", content.top10_prose),
    "wiki": ("editorial", "wiki", content.wiki),
    "short_post": ("editorial", "blog", content.short_post),
    "news_brief": ("editorial", "news", content.short_post),
    "guest_post": ("guest_post", "blog", content.guest_article),
    "guest_post_news": ("guest_post", "news", content.guest_article),
    "sponsored_news": ("guest_post", "news", content.sponsored_news),
    "affiliate_post": ("guest_post", "blog", content.affiliate_post),
    "dir_cards": ("directory", "directory", listings.cards),
    "dir_phpld": ("directory", "directory", listings.phpld),
    "dir_table": ("directory", "directory", listings.table),
    "dir_deflist": ("directory", "directory", listings.deflist),
    "dir_jsonld": ("directory", "directory", listings.jsonld),
    "dir_profile": ("directory", "directory", listings.profile),
    "catalogue": ("directory", "blog", listings.catalogue),
    "ranked_catalogue": ("directory", "blog", listings.ranked_catalogue),
    "resource_list": ("directory", "blog", listings.resource_list),
    "stockists": ("directory", "news", listings.stockists),
    "comment_spam": ("spam", "blog", toxic.comment_spam),
    "forum_signature": ("spam", "forum", toxic.forum_signature),
    "forum_promo": ("spam", "forum", toxic.forum_promo),
    "profile_spam": ("spam", "forum", toxic.profile_spam),
    "doorway": ("spam", "spamsite", toxic.doorway),
    "hacked": ("spam", "blog", toxic.hacked),
    "trackbacks": ("spam", "blog", toxic.trackbacks),
    "link_exchange": ("link_farm", "blog", toxic.link_exchange),
    "link_exchange_dir": ("link_farm", "directory", toxic.link_exchange),
    "blogroll": ("link_farm", "farmblog", content.article),
    "farm_guest": ("link_farm", "farmblog", content.guest_article),
    "pbn": ("link_farm", "pbn", toxic.pbn),
}
KIND_CMS = {"blog": ("wp_classic", "wp_block", "blogger", "ghost", "medium", "bootstrap", "table_static"),
            "news": ("news", "bootstrap", "wp_classic", "ghost"),
            "farmblog": ("wp_classic", "blogger", "wp_block", "table_static", "bootstrap"),
            "forum": FORUM_CMS,
            "wiki": ("bootstrap", "table_static", "wp_block", "ghost"),
            "directory": ("phpld", "cards", "bootstrap", "table_static", "wp_classic"),
            "pbn": ("wp_classic", "wp_block", "bootstrap", "ghost", "blogger"),
            "spamsite": ARTICLE_CMS}
GENERATOR_META = {"wp_classic": "WordPress 6.4.2", "wp_block": "WordPress 6.6", "blogger": "blogger", "ghost": "Ghost 5.8",
                  "phpbb": "phpBB", "vbulletin": "vBulletin 4.2.5", "xenforo": "XenForo", "phpld": "phpLD 3.3"}
THEMES = ("astra", "generatepress", "twentytwenty", "kadence", "newspaper", "simple", "minima", "casper", "prosilver",
          "classic", "flatsome", "hello", "oceanwp", "divi", "sahifa")
# Editorial recipes whose page is, this share of the time, an excerpt of a real document around its everyday use of
# a spam-vocabulary word ("poker night", "cheap flights", "a loan for the roof"): without them no generated editorial
# link had such a word near it, and one "cheap" beside a genuine link made it link_farm (error notes item 23).
EVERYDAY_VOCABULARY_RECIPES = ("article", "news_article", "review", "short_post", "news_brief")
EVERYDAY_VOCABULARY_SHARE = 0.2
TARGET = {"editorial": 1.0, "guest_post": 1.0, "directory": 1.0, "spam": 1.0, "link_farm": 1.0}


@dataclass(frozen=True, slots=True)
class GeneratedPage:
    url: str
    html: str
    rows: tuple[tuple[str, str, str], ...]  # (target_url, anchor, label)
    site: str
    template: str
    language: str


class Generator:
    def __init__(self, docs: dict[str, list[Doc]], seed: int, per_class: int, editorial_share: float = 0.75):
        self.rng = random.Random(seed)
        self.world = World(self.rng)
        self.docs = {lang: d for lang, d in docs.items() if len(d) >= 3}
        if "en" not in self.docs:
            raise ValueError("no English documents: the generator needs real article text")
        self.everyday = {lang: e for lang, d in self.docs.items()
                         if len(e := everyday_excerpts(d, VOCABULARY["spam"])) >= 3}
        self.targets = {label: int(per_class * (editorial_share if label == "editorial" else 1.0)) for label in TARGET}
        self.counts = {label: 0 for label in TARGET}
        self.sites: dict[str, list[Site]] = {}
        self.urls: set[str] = set()

    def _lang(self, kind: str) -> str:
        # English dominates, as on the web; listing and forum chrome work in every language, text needs documents
        pool = [lang for lang in LANGS if lang in self.docs or kind in ("directory",)]
        # a language with few real documents would repeat them on every page: give it fewer text-heavy sites
        weights = [8 if lang == "en" else 3 if lang == "de" else
                   1 if kind == "directory" else min(1.0, len(self.docs.get(lang, ())) / 40) for lang in pool]
        lang = self.rng.choices(pool, weights)[0]
        return lang if lang in self.docs else "en" if kind != "directory" else lang

    def _site(self, kind: str) -> Site:
        pool = self.sites.setdefault(kind, [])
        if pool and self.rng.random() > 0.12:
            return self.rng.choice(pool)
        r, w = self.rng, self.world
        lang = self._lang(kind)
        cms = r.choice(KIND_CMS[kind])
        name = w.brand() + r.choice(["", " Blog", " News", " Forum" if kind == "forum" else "", " Online", " Magazine"])
        domain = w.domain(name)
        flags = {"generator": GENERATOR_META.get(cms, ""), "comments": kind in ("blog", "farmblog") and r.random() < 0.5,
                 "host": r.choice(["", "www.", "blog." if kind == "blog" else "", "forum." if kind == "forum" else ""]) + domain}
        if kind == "farmblog":
            which = r.choice(["blogroll", "blogroll", "footer_farm", "widget"])
            flags[which] = True
        # Chrome: from bare static sites to news sites with mega menus, link-column footers and big inline scripts.
        chrome = r.choices([0, 1, 2, 3], [1, 3, 3, 3])[0]
        flags.update(mega=(0, 6, 10, 16)[chrome], footer_links=(0, 12, 24, 40)[chrome] + r.randint(0, 6) * (chrome > 0),
                     profiles=r.randint(0, (0, 3, 5, 8)[chrome]),
                     script_chars=int(r.lognormvariate(9.2, 1.0)) if chrome else 0)
        nav = r.sample(["News", "Reviews", "Guides", "Travel", "Food", "Tech", "Business", "Health", "Sport", "Culture",
                        "Lifestyle", "Home", "Finance", "Events"], r.randint(3, 7))
        site = Site(domain, lang, cms, kind, name, nav, r.choice(THEMES), flags)
        pool.append(site)
        return site

    def _path(self, site: Site, title: str, recipe: str) -> str:
        r = self.rng
        s = slug(title)[:60] or "page"
        if site.kind == "forum":
            n = r.randint(1, 99999)
            if recipe == "profile_spam":
                return {"phpbb": f"memberlist.php?mode=viewprofile&u={n}", "vbulletin": f"member.php?u={n}"}.get(site.cms, f"members/{s[:20]}.{n}/")
            return {"phpbb": f"viewtopic.php?f={r.randint(1, 40)}&t={n}", "vbulletin": f"showthread.php?t={n}"}.get(site.cms, f"threads/{s}.{n}/")
        if site.kind == "directory":
            return r.choice([f"category/{s}/", f"listing/{s}-{r.randint(1, 9999)}", f"index.php?c={r.randint(1, 999)}", f"{s}.html"])
        return r.choice([f"{r.randint(2008, 2025)}/{r.randint(1, 12):02d}/{s}/", f"?p={r.randint(1, 99999)}", f"{s}.html", f"blog/{s}", f"news/{s}-{r.randint(1000, 99999)}"])

    def _next_recipe(self) -> str:
        deficit = {label: 1 - self.counts[label] / max(self.targets[label], 1) for label in TARGET}
        label = max(deficit, key=lambda k: (deficit[k], k))
        return self.rng.choice([name for name, (cls, _, _) in RECIPES.items() if cls == label])

    def done(self) -> bool:
        return all(self.counts[k] >= self.targets[k] for k in TARGET)

    def page(self) -> GeneratedPage:
        recipe = self._next_recipe()
        _, kind, build = RECIPES[recipe]
        site = self._site(kind)
        docs = self.docs.get(site.lang) or self.docs["en"]
        doc = self.rng.choice(docs)
        if (recipe in EVERYDAY_VOCABULARY_RECIPES and site.lang in self.everyday
                and self.rng.random() < EVERYDAY_VOCABULARY_SHARE):
            doc = self.rng.choice(self.everyday[site.lang])
        titles = [d.title for d in self.rng.sample(docs, min(6, len(docs)))]
        path = self._path(site, doc.title, recipe)
        while f"https://{site.flags['host']}/{path}" in self.urls:
            path += f"-{self.rng.randint(2, 9)}" if "?" not in path else str(self.rng.randint(0, 9))
        page = Page(self.rng, self.world, site, recipe, path)
        html = build(page, doc, titles)
        self.urls.add(page.url)
        site.pages += 1
        for _, _, label in page.rows:
            self.counts[label] += 1
        return GeneratedPage(page.url, html, tuple(page.rows), site.domain, f"{site.cms}:{recipe}", site.lang)


FIELDS = ["source_url", "target_url", "anchor", "label", "method", "checked_by_hand", "generated", "warc", "site",
          "template", "language"]


def write(pages_iter, warc_path: Path, csv_path: Path) -> tuple[int, int]:
    """Write pages as WARC response records and their labelled links as CSV rows; returns (pages, rows)."""
    import csv

    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    warc_path.parent.mkdir(parents=True, exist_ok=True)
    csv_path.parent.mkdir(parents=True, exist_ok=True)
    n_pages = n_rows = 0
    with open(warc_path, "wb") as fh, open(csv_path, "w", newline="", encoding="utf-8") as out:
        writer, table = WARCWriter(fh, gzip=True), csv.DictWriter(out, FIELDS, lineterminator="\n")
        table.writeheader()
        for page in pages_iter:
            headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1")
            record = writer.create_warc_record(page.url, "response", payload=io.BytesIO(page.html.encode("utf-8")),
                                               http_headers=headers,
                                               warc_headers_dict={"WARC-Date": "2026-01-01T00:00:00Z"})
            record.rec_headers.replace_header("WARC-Record-ID", f"<urn:uuid:00000000-0000-4000-8000-{n_pages:012d}>")
            writer.write_record(record)
            n_pages += 1
            for target, anchor, label in page.rows:
                table.writerow({"source_url": page.url, "target_url": target, "anchor": anchor, "label": label,
                                "method": f"generator:{page.template}", "checked_by_hand": "false", "generated": "true",
                                "warc": warc_path.name, "site": page.site, "template": page.template,
                                "language": page.language})
                n_rows += 1
    return n_pages, n_rows


def generate(docs: dict[str, list[Doc]], seed: int, per_class: int, max_pages: int | None = None):
    """Yield generated pages until each class has ``per_class`` labelled links (editorial: three quarters)."""
    gen = Generator(docs, seed, per_class)
    limit = max_pages or per_class * 5
    for _ in range(limit):
        if gen.done():
            return
        yield gen.page()
