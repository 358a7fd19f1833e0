"""Domain view: one row per referring registrable domain (``source_domain`` of the output rows; on the blog
platforms of ``SHARED_HOSTS``, one row per user's blog, as the disavow file treats them).

Sitewide rule: a domain is ``sitewide`` when, for one target domain, it sends at least ``SITEWIDE_MIN_LINKS``
links from at least ``SITEWIDE_MIN_PAGES`` distinct pages (footer/blogroll links repeated across a site).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from typing import Iterable

from linktriage._records import LABELS
from linktriage.output._disavow import referring_site
from linktriage.output._toxic import DEFAULT_DISAVOW_LABELS, DEFAULT_DISAVOW_THRESHOLD, is_toxic

SITEWIDE_MIN_LINKS = 5
SITEWIDE_MIN_PAGES = 3

#: the view's columns, in order: written even when there is no row (a CSV header, a Parquet schema)
DOMAIN_COLUMNS: tuple[str, ...] = (
    "source_domain", "links", *(f"n_{label}" for label in LABELS), "n_unjudged", "worst_toxic_probability",
    "mean_confidence", "mean_relevance", "sitewide", "would_disavow",
)


def _mean(values: list[float]) -> float | None:
    return _rounded(sum(values) / len(values)) if values else None


def _rounded(value: float) -> float:
    """Four decimals, as the rows' probabilities: a sum of them printed 0.9822000000000001."""
    return round(value, 4)


def build_domain_view(rows: Iterable[dict], *, threshold: float = DEFAULT_DISAVOW_THRESHOLD,
                      labels: Iterable[str] = DEFAULT_DISAVOW_LABELS) -> list[dict]:
    """Aggregate output rows per ``source_domain``; worst first (highest toxic probability, then link count).
    Rows without one (a source URL that is no URL) name no referring domain and are left out: grouped together
    they made one nameless "domain", sitewide when there were five of them."""
    labels = tuple(labels)
    groups: dict[str, list[dict]] = defaultdict(list)
    for row in rows:
        if row.get("source_domain"):
            groups[referring_site(row)].append(row)
    view = []
    for domain, items in groups.items():
        mix = Counter(r.get("label") or "" for r in items)
        pages_per_target: dict[str, set] = defaultdict(set)
        links_per_target: Counter = Counter()
        for r in items:
            pages_per_target[r.get("target_domain") or ""].add(r.get("source_url"))
            links_per_target[r.get("target_domain") or ""] += 1
        sitewide = any(links_per_target[t] >= SITEWIDE_MIN_LINKS and len(pages_per_target[t]) >= SITEWIDE_MIN_PAGES
                       for t in links_per_target)
        toxic_p = [sum(r.get(f"p_{lab}") or 0.0 for lab in labels) for r in items if r.get("label")]
        view.append({
            "source_domain": domain,
            "links": len(items),
            **{f"n_{lab}": mix.get(lab, 0) for lab in LABELS},
            "n_unjudged": mix.get("", 0),
            "worst_toxic_probability": _rounded(max(toxic_p)) if toxic_p else None,
            "mean_confidence": _mean([r["confidence"] for r in items if r.get("confidence") is not None]),
            "mean_relevance": _mean([r["relevance"] for r in items if r.get("relevance") is not None]),
            "sitewide": sitewide,
            "would_disavow": any(is_toxic(r.get("label"), r.get("confidence"), threshold=threshold, labels=labels)
                                 for r in items),
        })
    view.sort(key=lambda d: (-(d["worst_toxic_probability"] or 0.0), -d["links"], d["source_domain"]))
    return view


def write_domain_view(rows: list[dict], path, fmt: str | None = None, *, escape_formulas: bool = True) -> None:
    """Write a domain view (from build_domain_view) as CSV, JSONL, Parquet or an Excel workbook; format from ``fmt``
    or the extension.

    ``escape_formulas``: as for the rows' CSV (linktriage.output.open_writer).
    """
    import csv
    import json

    from linktriage.output._writers import _cell, output_format

    kind = output_format(path, fmt)
    if kind == "parquet":
        import pyarrow as pa
        import pyarrow.parquet as pq

        # Types from the names, not inferred from the values: without a niche mean_relevance is all empty (null
        # type), and a run without rows had no columns at all.
        types = {"source_domain": pa.string(), "sitewide": pa.bool_(), "would_disavow": pa.bool_(),
                 "worst_toxic_probability": pa.float64(), "mean_confidence": pa.float64(),
                 "mean_relevance": pa.float64()}
        schema = pa.schema([(name, types.get(name, pa.int64())) for name in DOMAIN_COLUMNS])
        pq.write_table(pa.Table.from_pylist(rows, schema=schema), path)
        return
    if kind == "xlsx":
        from linktriage.output._xlsx import write_xlsx_table

        write_xlsx_table(rows, path, DOMAIN_COLUMNS, sheet="domains")
        return
    with open(path, "w", encoding="utf-8", newline="") as handle:
        if kind == "jsonl":
            handle.writelines(json.dumps(r, ensure_ascii=False) + "\n" for r in rows)
        else:  # the header even without rows: an empty file is no CSV to pandas ("No columns to parse")
            writer = csv.DictWriter(handle, DOMAIN_COLUMNS)
            writer.writeheader()
            writer.writerows({k: _cell(v, escape_formulas) for k, v in r.items()} for r in rows)
