"""Copies of real articles: real corpus pages whose in-body links the real labels call editorial, copied with a
change that alone decides their links' class.

- Noted copies (`noted_pages`): a guest-post or sponsorship note added (and, on some, an author box linking the
  contributor's invented company); the in-body links become guest_post.
- Catalogue copies (`catalogue_pages`): the article's text replaced by, or followed by, a catalogue of invented
  businesses written by one of the generator's blog catalogue recipes; its entries' links are directory.

Why (noted copies): the generated guest posts are recognisable as generated (shorter texts, fewer links,
invented chrome), so a model can learn "guest post = generated-looking page" instead of "guest post = an article
that says it was contributed or paid for". On these copies the note (and the author box) is the only difference
from a real editorial article of the same site: LABELS.md makes every link "inside content that an outside author
contributed or that was paid for" a guest_post, so the copy's in-body links are labelled guest_post.

Each copy keeps its page's real URL plus a query marker (its links and chrome are the real page's, so its site is
the real site and grouped splits keep it with that site's real rows); rows are marked generated like every other
generated row, and the pages live only in build/generated (never in the repository).
"""
from __future__ import annotations

import random
from collections.abc import Iterator
from pathlib import Path

import lxml.html
import pandas as pd
from lxml import etree

from linktriage.extract import decode_html, normalise_href
from linktriage.sources.warc import WarcArchive

from .content import GUEST_LINK_TEXT
from .page import esc
from .text import Doc, detect_lang
from .world import BIO, GUEST_MARKERS, NICHES, World

#: added to the real page's URL, so a copy never shares a URL (and a link key) with the real page's labels
MARKER_QUERY = "linktriage-noted=1"
CATALOGUE_QUERY = "linktriage-catalogue=1"
_BLOCKS = ("p", "li", "blockquote", "td", "dd", "h2", "h3", "h4")
_EDITOR_NOTE = {"en": "Editor's note:", "de": "Anmerkung der Redaktion:", "fr": "Note de la rédaction :",
                "es": "Nota del editor:", "it": "Nota della redazione:", "nl": "Noot van de redactie:",
                "pt": "Nota do editor:"}


def editorial_pages(real_labels: pd.DataFrame) -> list[str]:
    """The real pages with editorial rows that a copy can be made of, sorted."""
    return sorted(_editorial(real_labels)["source_url"].unique())


def _editorial(real_labels: pd.DataFrame) -> pd.DataFrame:
    # urn: pages have no URL to mark; a URI with a space is rewritten by the WARC writer and would lose its labels
    return real_labels[(real_labels["label"] == "editorial") & ~real_labels["source_url"].str.startswith("urn:")
                       & ~real_labels["source_url"].str.contains(r"\s")]


def noted_pages(real_labels: pd.DataFrame, corpus: Path, seed: int, pages: list[str]) -> Iterator:
    """Yield a noted copy (generator.GeneratedPage) of each of ``pages`` (real pages with editorial rows)."""
    return _copies(real_labels, corpus, pages, random.Random(seed), _noted, MARKER_QUERY, "noted")


def catalogue_pages(real_labels: pd.DataFrame, corpus: Path, seed: int, pages: list[str]) -> Iterator:
    """Yield a catalogue copy (generator.GeneratedPage) of each of ``pages`` (real pages with editorial rows)."""
    return _copies(real_labels, corpus, pages, random.Random(seed + 1), _catalogued, CATALOGUE_QUERY, "catalogue")


def _copies(real_labels: pd.DataFrame, corpus: Path, pages: list[str], rng: random.Random, change, query: str,
            kind: str) -> Iterator:
    """``change`` applied to each page: (HTML, labelled rows, language, variant) or None to leave the page out."""
    from . import GeneratedPage

    world = World(rng)
    for url, body, declared, part in _real_pages(real_labels, corpus, pages):
        built = change(url, body, declared, part, rng, world)
        if built is not None:
            html, labelled, lang, variant = built
            yield GeneratedPage(_marked(url, query), html, tuple(labelled), part["site"].iloc[0],
                                f"real:{kind}-{variant}", lang)


def _real_pages(real_labels: pd.DataFrame, corpus: Path, pages: list[str]):
    """(URI, body, declared charset, its editorial rows) of each of ``pages``, read as the pipeline reads them
    (linktriage.sources.warc.WarcArchive), archive by archive."""
    editorial = _editorial(real_labels)
    rows = editorial[editorial["source_url"].isin(set(pages))]
    by_page = {url: part for url, part in rows.groupby("source_url")}
    for warc, part in rows.groupby("warc", sort=True):
        archive = WarcArchive([corpus / warc])
        for url in sorted(set(part["source_url"])):
            fetched = archive.get(url)
            if fetched is not None and fetched.body:
                yield url, fetched.body, fetched.charset, by_page[url]


def _marked(url: str, query: str) -> str:
    base, _, fragment = url.partition("#")
    return f"{base}{'&' if '?' in base else '?'}{query}" + (f"#{fragment}" if fragment else "")


def _article(url: str, body: bytes, declared: str, part: pd.DataFrame):
    """(document, the blocks holding the editorial links, those links as (href, anchor), the blocks' container)
    of a real page; None when it does not parse or none of its labelled links is found."""
    try:
        root = lxml.html.document_fromstring(decode_html(body, declared))
    except (etree.ParserError, ValueError):
        return None
    base = url
    base_el = root.find(".//base[@href]")
    if base_el is not None:
        base = normalise_href(base_el.get("href"), url) or url
    wanted = dict(zip(part["target_url"], part["anchor"].fillna("")))
    blocks, rows = [], []
    for a in root.iter("a"):
        href = normalise_href(a.get("href") or "", base)
        if href in wanted:
            block = next((el for el in a.iterancestors() if el.tag in _BLOCKS), a.getparent())
            blocks.append(block)
            rows.append((href, wanted.pop(href)))
    if not blocks:
        return None
    return root, blocks, rows, _common_ancestor(blocks)


def _noted(url: str, body: bytes, declared: str, part: pd.DataFrame, rng: random.Random, world: World):
    """The copy's HTML, its labelled rows, language and where the note went; None when no labelled link is found."""
    found = _article(url, body, declared, part)
    if found is None:
        return None
    root, blocks, links, container = found
    rows = [(href, anchor, "guest_post") for href, anchor in links]
    # detect_lang answers one of the generator's languages (world.LANGS), every one of which has markers
    lang = detect_lang(" ".join(container.text_content().split())[:3000]) or "en"
    author = world.person(lang)
    company = world.brand() + rng.choice([" Media", " Digital", " Group", " Solutions", ""])
    phrases, niche_slug = rng.choice(NICHES)
    company_url = world.commercial_url(niche_slug)
    template = rng.choice(GUEST_MARKERS[lang])
    marker = esc(template.format(a=author, c=company))
    if "{c}" in template and rng.random() < 0.4:  # the company a note names is often linked
        marker = marker.replace(esc(company), f'<a href="{company_url}">{esc(company)}</a>', 1)
        rows.append((company_url, company, "guest_post"))
    where = rng.choices(["top", "editor", "end", "title"], [3, 2, 3, 2])[0]
    note = {"top": f"<p><em>{marker}</em></p>",
            "editor": f"<h6><strong>{esc(_EDITOR_NOTE[lang])}</strong> {marker}</h6>",
            "end": f"<p><strong>{marker}</strong></p>",
            "title": f'<div class="{rng.choice(["sponsored-label", "post-label", "disclosure"])}">{marker}</div>',
            }[where]
    first = next((el for el in container.iter("p") if len(el.text_content()) > 40), None)
    title = root.find(".//h1")
    if where == "end":
        last = [el for el in container.iter("p")] or [blocks[-1]]
        last[-1].addnext(lxml.html.fragment_fromstring(note))
    elif where == "title" and title is not None:
        title.addnext(lxml.html.fragment_fromstring(note))
    else:
        (first if first is not None else blocks[0]).addprevious(lxml.html.fragment_fromstring(note))
    if rng.random() < 0.45 and company_url not in {r[0] for r in rows}:
        anchor = rng.choice([company, company_url.split("/")[2], rng.choice(GUEST_LINK_TEXT[lang])])
        bio = esc(BIO[lang].format(a=author, c=company, t=rng.choice(phrases)))
        box = (f'<div class="{rng.choice(["author-box", "about-author", "author-bio"])}"><h4>{esc(author)}</h4>'
               f'<p>{bio} <a href="{company_url}">{esc(anchor)}</a></p></div>')
        if container.getparent() is not None:
            container.addnext(lxml.html.fragment_fromstring(box))
        else:
            container.append(lxml.html.fragment_fromstring(box))
        rows.append((company_url, anchor, "guest_post"))
    return _html(root), rows, lang, where


def _catalogued(url: str, body: bytes, declared: str, part: pd.DataFrame, rng: random.Random, world: World):
    """The copy's HTML, its labelled rows, language and recipe; None when no labelled link is found."""
    from . import listings
    from .page import Page, Site

    found = _article(url, body, declared, part)
    if found is None:
        return None
    root, blocks, _, container = found
    text = [" ".join(el.text_content().split()) for el in container.iter("p")]
    text = [t for t in text if len(t) > 60] or ["-"]
    lang = detect_lang(" ".join(text)[:3000]) or "en"
    host = url.split("/")[2]
    site = Site(part["site"].iloc[0], lang, "wp_classic", "blog", host, ["News"], "", {"host": host})
    page = Page(rng, world, site, "catalogue", "copy")
    page.body_only = True
    recipe = rng.choice(["catalogue", "ranked_catalogue", "resource_list", "stockists"])
    doc = Doc(root.findtext(".//title") or "", tuple(text), lang)
    catalogue = getattr(listings, recipe)(page, doc, [doc.title])
    rows = [row for row in page.rows if row[2] == "directory"]
    if not rows:
        return None
    fragments = lxml.html.fragments_fromstring(catalogue)
    replace = rng.random() < 0.5  # the post is the catalogue (the article's blocks go, its chrome and title stay)
    if replace:
        anchor_at = blocks[0]
        for el in [el for el in container if el.tag in ("p", "ul", "ol", "table", "blockquote", "h2", "h3", "h4")
                   and el is not anchor_at]:
            container.remove(el)
    else:  # or the post ends with one
        anchor_at = [el for el in container.iter("p")][-1] if container.find(".//p") is not None else blocks[-1]
    for fragment in reversed([f for f in fragments if not isinstance(f, str)]):
        anchor_at.addnext(fragment)
    if replace and anchor_at.getparent() is container:
        container.remove(anchor_at)  # the article's own block with its editorial link goes too
    return _html(root), rows, lang, recipe


def _html(root: etree._Element) -> str:
    for meta in root.xpath("//meta[@charset or translate(@http-equiv, 'CONTENT-TYPE', 'content-type')='content-type']"):
        meta.getparent().remove(meta)  # the copy is written as UTF-8: an old charset declaration would contradict it
    return "<!DOCTYPE html>\n" + lxml.html.tostring(root, encoding="unicode")


def _common_ancestor(elements: list) -> etree._Element:
    """The lowest element holding all of ``elements`` (the parent of the only one, for one)."""
    paths = [[el, *el.iterancestors()][::-1] for el in elements]
    common = None
    for level in zip(*paths):
        if all(el is level[0] for el in level):
            common = level[0]
        else:
            break
    if len(elements) == 1 or common is elements[0]:
        common = elements[0].getparent() if elements[0].getparent() is not None else elements[0]
    return common
