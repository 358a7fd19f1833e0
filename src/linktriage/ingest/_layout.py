"""Export layouts as data: which header names mean which field, per vendor, and how a header row is matched.

A :class:`Layout` is one table of header aliases. ``fields`` maps a field to the header names that carry it:

- the roles ``source_url``, ``target_url``, ``anchor``;
- export metrics, by their name without the ``export_`` prefix: canonical names (``domain_rating``,
  ``nofollow``, ...) where the meaning is shared across vendors, vendor names otherwise.

Columns a layout does not name still reach ``Backlink.export`` under the snake_case of their header, so a layout
only has to list the roles, the columns that have a canonical name, and the columns that tell it apart (``required``).
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from dataclasses import dataclass, field
from typing import Iterable, Mapping, Sequence

__all__ = ["Layout", "Match", "best_match", "closest_layout", "normalize_header", "snake_case"]

ROLES = ("source_url", "target_url", "anchor")

_SEPARATORS = re.compile(r"[\s_\-]+")
_QUOTES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'", "`": "'", "\u00a0": " "})


_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")


def normalize_header(name: object) -> str:
    """A header as compared: NFKC, format characters dropped, camelCase split, case-folded, quotes unified,
    ``_``/``-``/spaces as one space.

    ``"SourceURL"``, ``"Source URL"`` and ``"source_url"`` all become ``"source url"``.
    """
    text = unicodedata.normalize("NFKC", str(name if name is not None else "")).translate(_QUOTES)
    # invisible format characters (a BOM, a zero-width space pasted after "Anchor", a direction mark) name nothing
    text = "".join(ch for ch in text if unicodedata.category(ch) != "Cf")
    text = _CAMEL.sub(" ", text.strip().strip('"'))
    return _SEPARATORS.sub(" ", text.casefold()).strip()


_NON_WORD = re.compile(r"[^\w]+")


def snake_case(name: str) -> str:
    """``"SourceTopicalTrustFlow_Topic_0"`` -> ``source_topical_trust_flow_topic_0``; ``"Size (Bytes)"`` -> ``size_bytes``."""
    text = _CAMEL.sub("_", unicodedata.normalize("NFKC", name).strip())
    return _NON_WORD.sub("_", text.casefold()).strip("_")


@dataclass(frozen=True)
class Layout:
    """One known export layout (a vendor's report, in one variant and, for Search Console, one UI language)."""

    vendor: str
    #: the vendor as users write it, for messages ("Ahrefs", "Google Search Console")
    display: str
    variant: str
    fields: Mapping[str, tuple[str, ...]]
    #: fields whose columns must all be present for the layout to match; the first is the source URL or
    #: (for a refused layout) the column that identifies it
    required: tuple[str, ...]
    #: the export has no target column: the target is the site the user names (``--site``)
    target_is_site: bool = False
    #: a known export that lists no linking pages: reading it stops with this advice
    refuse: str = ""
    #: boolean fields whose column says the opposite (Screaming Frog's ``Follow`` -> ``nofollow``)
    inverted: frozenset[str] = frozenset()
    _index: Mapping[str, str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        missing = [name for name in self.required if name not in self.fields]
        if missing:
            raise ValueError(f"{self.vendor} {self.variant}: required fields without aliases: {missing}")
        index: dict[str, str] = {}
        for name, aliases in self.fields.items():
            for alias in aliases:
                index.setdefault(normalize_header(alias), name)
        object.__setattr__(self, "_index", index)

    @property
    def name(self) -> str:
        return f"{self.display} {self.variant}"

    def field_for(self, header: str) -> str | None:
        """The field a (normalized) header carries in this layout, or None."""
        return self._index.get(header)

    def assign(self, headers: Sequence[str]) -> dict[int, str] | None:
        """Column index -> field for a header row, or None when a required field is missing.

        When several columns carry the same field, the one whose alias comes first in the table wins
        (``Domain rating`` before ``DR``), then the leftmost column.
        """
        best: dict[str, tuple[int, int]] = {}
        for index, header in enumerate(headers):
            name = self._index.get(header)
            if name is None:
                continue
            rank = _alias_rank(self.fields[name], header)
            if name not in best or rank < best[name][0]:
                best[name] = (rank, index)
        if any(name not in best for name in self.required):
            return None
        return {index: name for name, (_, index) in best.items()}


def _alias_rank(aliases: tuple[str, ...], header: str) -> int:
    for rank, alias in enumerate(aliases):
        if normalize_header(alias) == header:
            return rank
    return len(aliases)


@dataclass(frozen=True)
class Match:
    layout: Layout
    #: column index -> field
    assigned: Mapping[int, str]

    @property
    def score(self) -> tuple[int, int]:
        # more distinguishing columns first, then more recognised columns: the most specific layout wins
        return len(self.layout.required), len(self.assigned)


def best_match(headers: Sequence[str], layouts: Iterable[Layout]) -> Match | None:
    """The most specific layout matching a normalized header row (ties: the earlier layout)."""
    best: Match | None = None
    for layout in layouts:
        assigned = layout.assign(headers)
        if assigned is None:
            continue
        match = Match(layout, assigned)
        if best is None or match.score > best.score:
            best = match
    return best


def closest_layout(headers: Sequence[str], layouts: Iterable[Layout]) -> tuple[Layout, list[str]]:
    """The layout whose required columns look most like the headers found (difflib), and the header names it
    expects, each the alias nearest to what the file has."""
    found = [h for h in headers if h]
    best: tuple[float, Layout, list[str]] | None = None
    for layout in layouts:
        if layout.refuse:
            continue
        scores, expects = [], []
        for name in layout.required:
            ratio, alias = max(((difflib.SequenceMatcher(None, normalize_header(alias), header).ratio(), alias)
                                for alias in layout.fields[name] for header in found),
                               default=(0.0, layout.fields[name][0]))
            scores.append(ratio)
            expects.append(alias)
        score = sum(scores) / len(scores)
        if best is None or score > best[0]:
            best = (score, layout, expects)
    assert best is not None, "no layouts"
    return best[1], best[2]
