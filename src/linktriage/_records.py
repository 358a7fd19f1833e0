"""Typed records passed between pipeline stages.

The pipeline, stage by stage::

    export file --ingest--> Backlink
    Backlink.source_url --sources (WARC archive | live fetch)--> FetchResult
    FetchResult --extract--> Page           (trafilatura main text + metadata, parsed tree)
    Page + Backlink --locate--> LinkContext (where the link sits, rel, anchor, block statistics)
    Page + LinkContext --features--> LinkFeatures
    LinkFeatures --model--> Prediction
    Backlink + FetchResult + LinkContext + Prediction --output--> one output row (OUTPUT_COLUMNS)

Records are frozen and slotted: a stage never mutates what an earlier stage produced.
Per-link failures are data (a status and a reason on the record), never exceptions.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Mapping

LABELS: tuple[str, ...] = ("editorial", "guest_post", "directory", "spam", "link_farm")

#: plurals of the labels, as a column of categories often has them ("Directories", "Guest posts")
_PLURALS = {"editorials": "editorial", "guest_posts": "guest_post", "directories": "directory", "spams": "spam",
            "link_farms": "link_farm"}


def canonical_label(value: str | None) -> str | None:
    """``" Spam "``, ``"Guest Post"``, ``"guest-post"``, ``"Link farms"`` -> ``"spam"``, ``"guest_post"``,
    ``"guest_post"``, ``"link_farm"``: labels typed by hand or exported by a spreadsheet differ in case, spaces,
    hyphens and number, not in meaning. Any other word (a synonym such as "PBN") stays as given (skipped, counted):
    which label it means is the labeller's call (LABELS.md)."""
    if not value:
        return value
    value = _EDGES.sub("", value)
    key = "_".join(re.split(r"[\s_\-]+", value.lower())).strip("_")
    key = _PLURALS.get(key, key)
    return key if key in LABELS else value.lower()


#: the invisible marks a copy from a web page or a concatenated file leaves around a value (BOM, zero-width
#: spaces and joiners, direction marks, word joiner): str.strip does not count them as spaces
INVISIBLE_MARKS = "\ufeff\u200b\u200c\u200d\u200e\u200f\u2060"
# around a label, spaces and those marks: "editorial\u200b" was an unknown label
_EDGES = re.compile(rf"^[\s{INVISIBLE_MARKS}]+|[\s{INVISIBLE_MARKS}]+$")


TOXIC_LABELS: frozenset[str] = frozenset({"spam", "link_farm"})

POSITIONS: tuple[str, ...] = (
    "content", "comment", "sidebar", "footer", "navigation", "header", "listing", "other",
)
ANCHOR_TYPES: tuple[str, ...] = (
    "branded", "exact_match", "partial_match", "generic", "naked_url", "image", "empty",
)
LINK_STATUSES: tuple[str, ...] = (
    "live", "missing", "page_gone", "redirected", "blocked", "error", "not_fetched",
)

#: Output columns of DESIGN.md, in order. Export metric columns (``export_*``) follow them.
OUTPUT_COLUMNS: tuple[str, ...] = (
    "source_url", "target_url", "anchor", "source_domain", "target_domain",
    "label", "confidence",
    *(f"p_{label}" for label in LABELS),
    "relevance", "position", "rel", "anchor_type", "link_status", "http_status", "reasons", "toxic",
)
SCHEMA_VERSION = "1.0"


@dataclass(frozen=True, slots=True)
class Backlink:
    """One row of a backlink export, as read.

    ``row`` is the row's index in the whole input (all export files, in order); outputs come back in
    that order. ``error`` is set when the row itself is unusable (for example an unparseable URL):
    the row still flows through the pipeline and comes out with status ``error``.
    """

    row: int
    source_url: str
    target_url: str = ""
    anchor: str = ""
    export_file: str = ""
    #: metric columns of the export, already renamed ``export_<name>`` (DR, UR, Trust Flow, flags, ...)
    export: Mapping[str, object] = field(default_factory=dict)
    #: the ``label`` column of a labelled file (training / evaluation), else None
    label: str | None = None
    error: str = ""


@dataclass(frozen=True, slots=True)
class FetchResult:
    """What a page source (WARC archive or live fetcher) returns for one URL.

    ``status`` is one of: ``ok`` (an HTML body is here), ``page_gone`` (404/410), ``blocked``
    (401/403/429 after retries, robots.txt), ``error`` (DNS, TLS, timeout, too large, not HTML, ...),
    ``not_fetched`` (not in the archives and fetching was off). ``reason`` says why in a short phrase.
    """

    url: str
    status: str
    final_url: str = ""
    http_status: int | None = None
    body: bytes = b""
    content_type: str = ""
    #: charset declared by the HTTP header, if any (the extractor also looks at <meta> and sniffs)
    charset: str = ""
    reason: str = ""
    #: True when the final URL differs from the requested one after following redirects
    redirected: bool = False


@dataclass(frozen=True, slots=True)
class PageInfo:
    """What extraction learned about a referring page as a whole (picklable, no parse tree)."""

    url: str
    title: str = ""
    main_text: str = ""
    #: trafilatura metadata
    author: str = ""
    sitename: str = ""
    date: str = ""
    description: str = ""
    categories: str = ""
    tags: str = ""
    language: str = ""
    #: visible text of the whole page (boilerplate included), for page-level statistics
    page_text_length: int = 0
    #: all <a href> on the page, and how many point to other registrable domains / distinct ones
    page_links: int = 0
    page_external_links: int = 0
    page_external_domains: int = 0
    #: schema.org types found in microdata / JSON-LD (e.g. "NewsArticle LocalBusiness")
    schema_types: str = ""


@dataclass(frozen=True, slots=True)
class LinkContext:
    """One link to the target found on the referring page, and where it sits."""

    href: str
    anchor_text: str
    position: str
    rel: tuple[str, ...] = ()
    anchor_type: str = ""
    #: the text around the link (its block's text, trimmed around the anchor)
    context_text: str = ""
    #: whether the link's text lies in trafilatura's main content
    in_main_content: bool = False
    #: the evidence for ``position``: the ancestor that decided it, e.g. "div#comments" or "main-text"
    position_evidence: str = ""
    #: statistics of the link's own block (nearest block-level ancestor with enough text or links)
    block_links: int = 0
    block_external_domains: int = 0
    block_text_length: int = 0
    block_link_text_length: int = 0
    #: when the link sits in an h2-h5, how many headings of that level on the page each link another site (distinct
    #: registrable domains): a catalogue titling each entry with its linked name; 0 outside headings
    heading_entries: int = 0
    #: the link is an image link (<img> inside <a> with no text)
    is_image: bool = False
    #: the link is hidden by inline style (display:none, visibility:hidden, font-size:0, ...)
    hidden: bool = False
    #: DOM depth of the link, and the tag/id/class path of its nearest ancestors (for features and debugging)
    depth: int = 0
    ancestry: str = ""


@dataclass(frozen=True, slots=True)
class Prediction:
    """The model's verdict on one link."""

    label: str
    confidence: float
    probabilities: Mapping[str, float]
    #: the few strongest reasons, as short phrases an SEO person can read
    reasons: tuple[str, ...] = ()
