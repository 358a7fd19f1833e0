"""Generic files: any table with a source URL column under one of the common names (case-insensitive;
``_``, ``-`` and spaces are the same), optionally a target and an anchor, and metric columns under common names.

Listed last: a vendor layout that matches is always more specific.
"""

from __future__ import annotations

from linktriage.ingest._layout import Layout

LAYOUTS = (
    Layout(
        vendor="generic", display="Generic", variant="CSV",
        fields={
            "source_url": ("source_url", "source url", "referring page url", "referring page", "referring url",
                           "linking page", "linking url", "linking page url", "source page", "source page url",
                           "backlink", "backlink url", "url from", "from url", "from", "source", "page url", "url"),
            "target_url": ("target_url", "target url", "target page", "target", "url to", "to url", "to",
                           "destination url", "destination", "link url", "linked page", "link target"),
            "anchor": ("anchor", "anchor text", "anchor_text", "link text", "link anchor", "anchor texts"),
            "title": ("title", "source title", "page title", "referring page title"),
            "domain_rating": ("domain rating", "dr"),
            "url_rating": ("url rating", "ur"),
            "traffic": ("traffic", "page traffic"),
            "page_ascore": ("page ascore",),
            "trust_flow": ("trust flow", "tf", "source trust flow"),
            "citation_flow": ("citation flow", "cf", "source citation flow"),
            "spam_score": ("spam score",),
            "domain_authority": ("domain authority", "da"),
            "page_authority": ("page authority", "pa"),
            "external_links": ("external links",),
            "internal_links": ("internal links",),
            "sitewide": ("sitewide",),
            "nofollow": ("nofollow", "no follow"),
            "ugc": ("ugc",),
            "sponsored": ("sponsored",),
            "first_seen": ("first seen", "first_seen"),
            "last_seen": ("last seen", "last_seen", "last crawled"),
            "left_context": ("left context", "text before"),
            "right_context": ("right context", "text after"),
        },
        required=("source_url",),
    ),
)
