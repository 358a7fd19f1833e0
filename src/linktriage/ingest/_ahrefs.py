"""Ahrefs Site Explorer backlinks exports.

- ``backlinks``: the current export (2023 on). Ahrefs offers it as UTF-16 LE with a BOM, tab-separated (its
  "for Excel" option) or as UTF-8 CSV; both carry the same headers.
- ``backlinks (pre-2023)``: the older Site Explorer export (``Referring Page URL``, ``Link URL``, ``TextPre``,
  ``Link Anchor``, ``TextPost``, ...).
"""

from __future__ import annotations

from linktriage.ingest._layout import Layout

LAYOUTS = (
    Layout(
        vendor="ahrefs", display="Ahrefs", variant="backlinks",
        fields={
            "source_url": ("Referring page URL",),
            "target_url": ("Target URL",),
            "anchor": ("Anchor",),
            "title": ("Referring page title",),
            "domain_rating": ("Domain rating", "DR"),
            "url_rating": ("UR", "URL rating"),
            "traffic": ("Page traffic",),
            "external_links": ("External links",),
            "left_context": ("Left context",),
            "right_context": ("Right context",),
            "nofollow": ("Nofollow",),
            "ugc": ("UGC",),
            "sponsored": ("Sponsored",),
            "first_seen": ("First seen",),
            "last_seen": ("Last seen", "Last check"),
        },
        required=("source_url", "target_url"),
    ),
    Layout(
        vendor="ahrefs", display="Ahrefs", variant="backlinks (pre-2023)",
        fields={
            "source_url": ("Referring Page URL",),
            "target_url": ("Link URL",),
            "anchor": ("Link Anchor",),
            "title": ("Referring Page Title",),
            "domain_rating": ("Domain Rating", "DR"),
            "url_rating": ("URL Rating", "UR"),
            "traffic": ("Traffic", "Page Traffic"),
            "external_links": ("External Links Count", "External Links"),
            "internal_links": ("Internal Links Count", "Internal Links"),
            "left_context": ("TextPre",),
            "right_context": ("TextPost",),
            "nofollow": ("Nofollow", "NoFollow"),
            "ugc": ("UGC",),
            "sponsored": ("Sponsored",),
            "first_seen": ("First Seen",),
            "last_seen": ("Last Check", "Last Seen"),
        },
        required=("source_url", "target_url"),
    ),
)
