"""Screaming Frog SEO Spider link exports (Bulk Export > Links > All Inlinks / All Outlinks, or a URL's tab).

``Follow`` is True for followed links, so it is read inverted into the shared ``nofollow`` flag.
"""

from __future__ import annotations

from linktriage.ingest._layout import Layout

LAYOUTS = (
    Layout(
        vendor="screaming_frog", display="Screaming Frog", variant="inlinks / outlinks",
        fields={
            "source_url": ("Source",),
            "target_url": ("Destination",),
            "anchor": ("Anchor",),
            "nofollow": ("Follow",),
            "link_position": ("Link Position",),
            "rel": ("Rel",),
        },
        required=("source_url", "target_url", "nofollow"),
        inverted=frozenset({"nofollow"}),
    ),
)
