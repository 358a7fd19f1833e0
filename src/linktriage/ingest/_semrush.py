"""Semrush exports: Backlink Analytics "Backlinks" and the Backlink Audit tool's export."""

from __future__ import annotations

from linktriage.ingest._layout import Layout

LAYOUTS = (
    Layout(
        vendor="semrush", display="Semrush", variant="backlinks",
        fields={
            "source_url": ("Source url",),
            "target_url": ("Target url",),
            "anchor": ("Anchor",),
            "title": ("Source title",),
            "page_ascore": ("Page ascore", "Page AS"),
            "external_links": ("External links",),
            "internal_links": ("Internal links",),
            "nofollow": ("Nofollow",),
            "sponsored": ("Sponsored",),
            "ugc": ("Ugc",),
            "sitewide": ("Sitewide",),
            "first_seen": ("First seen",),
            "last_seen": ("Last seen",),
        },
        required=("source_url", "target_url", "page_ascore"),
    ),
    Layout(
        vendor="semrush", display="Semrush", variant="backlink audit",
        fields={
            "source_url": ("Source url",),
            "target_url": ("Target url",),
            "anchor": ("Anchor",),
            "title": ("Source title",),
            "toxicity_score": ("Toxicity score", "Toxic score", "TS"),
            "page_ascore": ("Page ascore", "Page AS"),
            "external_links": ("External links",),
            "internal_links": ("Internal links",),
            "nofollow": ("Nofollow",),
            "sponsored": ("Sponsored",),
            "ugc": ("Ugc",),
            "sitewide": ("Sitewide",),
            "first_seen": ("First seen",),
            "last_seen": ("Last seen",),
        },
        required=("source_url", "target_url", "toxicity_score"),
    ),
)
