"""Majestic backlink downloads (Site Explorer "Backlinks" and bulk backlink reports).

``Flag...`` columns (FlagNoFollow, FlagImageLink, FlagRedirect, ...) are 0/1 and read as booleans; topical
Trust Flow columns (``SourceTopicalTrustFlow_Topic_0`` / ``_Value_0``, ...) keep their names in snake_case.
"""

from __future__ import annotations

from linktriage.ingest._layout import Layout

LAYOUTS = (
    Layout(
        vendor="majestic", display="Majestic", variant="backlinks",
        fields={
            "source_url": ("SourceURL",),
            "target_url": ("TargetURL",),
            "anchor": ("AnchorText",),
            "trust_flow": ("SourceTrustFlow",),
            "citation_flow": ("SourceCitationFlow",),
            "nofollow": ("FlagNoFollow",),
            "first_seen": ("FirstIndexedDate", "SourceFirstFoundDate"),
            "last_seen": ("LastSeenDate", "SourceCrawlDate"),
        },
        required=("source_url", "target_url", "trust_flow"),
    ),
)
