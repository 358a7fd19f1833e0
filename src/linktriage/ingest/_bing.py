"""Bing Webmaster Tools inbound links / backlinks export."""

from __future__ import annotations

from linktriage.ingest._layout import Layout

LAYOUTS = (
    Layout(
        vendor="bing", display="Bing Webmaster Tools", variant="inbound links",
        fields={
            "source_url": ("Source Url", "Source URL", "Referring Page"),
            "target_url": ("Target Url", "Target URL"),
            "anchor": ("Anchor Text",),
            "title": ("Source Title", "Title"),
        },
        required=("source_url", "target_url", "anchor"),
    ),
)
