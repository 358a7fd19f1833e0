"""Moz Link Explorer inbound links, and the Open Site Explorer exports it replaced.

Open Site Explorer files start with a few lines about the report (target, filters, date) before the header;
the header is found wherever it is among the first lines, so the preamble needs no special case here.
"""

from __future__ import annotations

from linktriage.ingest._layout import Layout

LAYOUTS = (
    Layout(
        vendor="moz", display="Moz", variant="inbound links",
        fields={
            "source_url": ("URL", "Source URL"),
            "target_url": ("Target URL",),
            "anchor": ("Anchor Text",),
            "title": ("Title", "Source Title"),
            "page_authority": ("Page Authority", "PA"),
            "domain_authority": ("Domain Authority", "DA"),
            "spam_score": ("Spam Score",),
            "nofollow": ("Nofollow", "No Follow"),
            "first_seen": ("Date First Seen", "First Seen"),
            "last_seen": ("Date Last Seen", "Last Seen"),
        },
        required=("source_url", "target_url", "page_authority", "domain_authority"),
    ),
)
