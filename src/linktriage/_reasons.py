"""What one feature group says about one row, in words an SEO reader can check on the page.

The model chooses which groups matter for a row (``LinkClassifier.explain``); this module only puts the row's own
values of a group into words. A phrase states what was measured (counts, markers found), not what it suggests: a
group can push a row towards a label through the *absence* or the *scarcity* of a sign ("1 listing word" on an
editorial page), and a phrase naming the sign's own class ("directory signs") then read as a contradiction.
A phrase names every marker of its group that the row has, so a row decided by a disclosure note does not read
"no guest-post wording" because the page holds no guest-post words. Phrases are joined with "; " in the reasons
column, so inside one phrase the parts are joined with ", ".
"""

from __future__ import annotations

import math
from typing import Callable

__all__ = ["PHRASES", "counted", "group_phrase"]

_POSITIONS = {"content": "in the main content", "comment": "in the comments / user posts", "sidebar": "in a sidebar",
              "footer": "in the footer", "navigation": "in navigation", "header": "in the page header",
              "listing": "one of many listing entries", "other": "outside the main content"}


def group_phrase(group: str, features: dict[str, float]) -> str:
    """The phrase for ``group`` given one row's feature values."""
    return PHRASES[group](features)


def _count(value: float) -> int:
    """A count back from its log1p feature."""
    return int(round(math.expm1(value)))


def counted(n: int, one: str, many: str | None = None) -> str:
    """``n`` and the noun it counts, for a reader: "1 entry", "2 entries", "1 other site"."""
    return f"{n} {one if n == 1 else (many or one + 's')}"


def _position(f: dict[str, float]) -> str:
    where = next((p for p in _POSITIONS if f[f"position_{p}"] > 0), "other")
    return ("hidden link, " if f["hidden"] > 0 else "") + "link " + _POSITIONS[where]


def _rel(f: dict[str, float]) -> str:
    rel = [name for name in ("nofollow", "ugc", "sponsored") if f[f"rel_{name}"] > 0]
    return "rel=" + " ".join(rel) if rel else "followed link (no rel)"


def _anchor(f: dict[str, float]) -> str:
    kinds = ("branded", "exact_match", "partial_match", "generic", "naked_url", "image", "empty")
    return "anchor is " + next((kind.replace("_", " ") for kind in kinds if f[f"anchor_{kind}"] > 0), "unknown")


def _block(f: dict[str, float]) -> str:
    sites = counted(_count(f["block_external_domains"]), "other site")
    density = f", link density {f['block_link_density']:.0%}" if f["block_link_density"] > 0.3 else ""
    entries = _count(f.get("heading_entries_log", 0.0))  # a model trained before this feature does not have it
    titles = f", link is the heading of one of {counted(entries, 'entry', 'entries')} linking other sites" if entries > 1 else ""
    return f"its block links to {sites}{density}{titles}"


def _page_links(f: dict[str, float]) -> str:
    return f"page links to {counted(_count(f['page_external_domains_log']), 'external site')}"


def _text(f: dict[str, float]) -> str:
    repetitive = ", unusually repetitive" if f["compression_ratio"] < 0.3 else ""
    return f"main text {counted(_count(f['main_text_log']), 'character')}{repetitive}"


def _context(f: dict[str, float]) -> str:
    return "anchor stands alone" if f["anchor_context_share"] > 0.6 else "anchor sits in running text"


def _guest(f: dict[str, float]) -> str:
    found = []
    if f["page_disclosure"] > 0:
        found.append("the article opens or ends with a guest-post / sponsored note")
    elif f["page_disclosure_note"] > 0:
        found.append("a guest-post / sponsored note on the page")
    if f["target_paid_tracking"] > 0:
        found.append("the link carries a paid-campaign tag")
    words = _count(f["page_guest_terms"]) + _count(f["context_guest_terms"])
    if words and not found:
        found.append(f"{counted(words, 'guest-post / sponsored word')} on the page")
    return ", ".join(found) or "no guest-post or sponsored wording"


def _directory(f: dict[str, float]) -> str:
    found = [counted(n, one, many) for n, one, many in (
        (_count(f["phones"]), "phone number", None), (_count(f["addresses"]), "street address", "street addresses"),
        # the larger count, not the sum: the link's context is mostly part of the page's counted text
        (max(_count(f["page_directory_terms"]), _count(f["context_directory_terms"])), "listing word", None)) if n]
    return "page holds " + ", ".join(found) if found else "no listing signs (phones, addresses, listing words)"


def _words(kind: str, name: str, examples: str) -> Callable[[dict[str, float]], str]:
    """The phrase for a vocabulary group: how many of its words the page holds, and how many the link's context.

    The two are told apart, not added: the context is mostly part of the page, so one "poker" beside the link
    read "2 spam words"."""
    def phrase(f: dict[str, float]) -> str:
        on_page, near = _count(f[f"page_{kind}_terms"]), _count(f[f"context_{kind}_terms"])
        if not on_page and not near:
            return f"no {name} wording"
        found = [f"{counted(on_page, name + ' word')} on the page ({examples})"] if on_page else []
        if near:
            found.append(f"{near} near the link" if on_page else f"{counted(near, name + ' word')} near the link "
                                                                 f"({examples})")
        return ", ".join(found)
    return phrase


def _markup(f: dict[str, float]) -> str:
    found = []
    if f["markup_sponsored"] > 0:
        found.append("the link's block is named sponsor / partner / ad")
    if f["page_disclosure_markup"] > 0:
        found.append("an element named sponsored / advertorial / disclosure on the page")
    kinds = [phrase for name, phrase in (("schema_article", "article"), ("schema_business", "business"),
                                         ("schema_list", "list"), ("schema_forum", "forum/comment")) if f[name] > 0]
    if kinds:
        found.append("schema.org " + "/".join(kinds) + " markup")
    if not found:
        found.append("byline and date" if f["has_author"] and f["has_date"] else "no byline or date")
    return ", ".join(found)


def _url(f: dict[str, float]) -> str:
    found = [f"page URL looks like a {phrase} page" for name, phrase in (
        ("path_guest", "guest/sponsored"), ("path_directory", "directory/listing"), ("path_farm", "links/resources"),
        ("path_forum", "forum/thread"), ("path_profile", "profile")) if f[name] > 0][:1]
    found.append("the link goes to a home page" if f["target_root"] > 0 else "the link goes to an inner page")
    if f["target_tracking"] > 0:
        found.append("with tracking parameters")
    return ", ".join(found)


def _affiliate(f: dict[str, float]) -> str:
    if f["target_affiliate"] + f["anchor_starred"] > 0:
        return "affiliate link (affiliate URL or * marker)"
    return "page says it has affiliate links" if f["page_affiliate_note"] > 0 else "no affiliate signs"


PHRASES: dict[str, Callable[[dict[str, float]], str]] = {
    "position": _position, "rel": _rel, "anchor": _anchor, "block": _block, "page_links": _page_links,
    "text": _text, "context": _context, "vocab_guest": _guest, "vocab_directory": _directory,
    "vocab_spam": _words("spam", "spam", "counted from a list: pharmacy, casino, loans, cheap, ..."),
    "vocab_farm": _words("farm", "link-exchange", "counted from a list: resources, partners, blogroll, ..."),
    "markup": _markup, "url": _url, "affiliate": _affiliate,
}
