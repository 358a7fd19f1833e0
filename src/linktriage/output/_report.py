"""The HTML report of a scoring run: one self-contained file a person can read and send to a client.

Everything is inline (CSS, inline SVG charts, a small vanilla script), nothing is loaded from anywhere: a Content
Security Policy forbids any fetch and lets only the report's own script run (a per-file nonce). Rows come from
hostile pages, so every value reaches the page either through ``html.escape`` (server-side parts) or as JSON
text in a non-executed ``<script type="application/json">`` read with ``textContent`` and shown with
``textContent`` (the table): no value is ever parsed as HTML. The links table is drawn by the script from that
JSON one page at a time, so a 50,000-row report stays a few megabytes and opens in a second.
"""

from __future__ import annotations

import json
import math
import os
import secrets
from collections import Counter
from datetime import datetime, timezone
from html import escape
from pathlib import Path

from linktriage._records import ANCHOR_TYPES, LABELS, LINK_STATUSES, POSITIONS
from linktriage.output._disavow import referring_site
from linktriage.output._domains import build_domain_view

#: columns of the links table, in order (the JSON carries exactly these)
TABLE_COLUMNS: tuple[str, ...] = (
    "source_url", "anchor", "label", "confidence", "relevance", "position", "anchor_type", "rel",
    "link_status", "http_status", "reasons", "toxic", "source_domain", "target_url",
)
WORST_DOMAINS = 30
PAGE_SIZE = 100
_COLOURS = {"editorial": "#2e7d32", "guest_post": "#00838f", "directory": "#1565c0", "spam": "#c62828",
            "link_farm": "#6a1b9a", "": "#9e9e9e"}
_MODEL_KEYS = ("design", "trained", "n_links", "n_sites", "linktriage_version", "sklearn_version")


def _json_value(value: object) -> object:
    if isinstance(value, float):
        return round(value, 4) if math.isfinite(value) else None
    if value is None or isinstance(value, (str, int, bool)):
        return value
    return str(value)


def _embedded_json(rows: list[dict]) -> str:
    payload = {"columns": list(TABLE_COLUMNS),
               "rows": [[_json_value(row.get(c)) for c in TABLE_COLUMNS] for row in rows]}
    text = json.dumps(payload, ensure_ascii=False, separators=(",", ":"))
    # Inside <script>, "</script>" or "<!--" in a value would end or bend the element: escape the characters.
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def _bars(title: str, counts: list[tuple[str, int]], colours: dict[str, str] | None = None) -> str:
    """A horizontal bar chart as inline SVG (label, bar, count)."""
    total = sum(n for _, n in counts) or 1
    peak = max((n for _, n in counts), default=0) or 1
    height = 24 * len(counts) + 8
    parts = [f'<figure><figcaption>{escape(title)}</figcaption>'
             f'<svg role="img" aria-label="{escape(title)}" viewBox="0 0 460 {height}" width="460" height="{height}">']
    for i, (name, n) in enumerate(counts):
        y = 4 + 24 * i
        width = 0 if not n else max(2, round(210 * n / peak))
        colour = (colours or {}).get(name, "#546e7a")
        parts.append(f'<text x="118" y="{y + 15}" text-anchor="end">{escape(name or "(none)")}</text>'
                     f'<rect x="124" y="{y + 2}" width="{width}" height="16" fill="{colour}"><title>'
                     f'{escape(name or "(none)")}: {n:,}</title></rect>'
                     f'<text x="{130 + width}" y="{y + 15}">{n:,} ({100 * n / total:.1f}%)</text>')
    parts.append("</svg></figure>")
    return "".join(parts)


def _histogram(title: str, values: list[float], missing: int, bins: int = 10) -> str:
    counts = [0] * bins
    for v in values:
        counts[min(bins - 1, max(0, int(v * bins)))] += 1
    peak = max(counts) or 1
    parts = [f'<figure><figcaption>{escape(title)}</figcaption>'
             f'<svg role="img" aria-label="{escape(title)}" viewBox="0 0 440 200" width="440" height="200">']
    for i, n in enumerate(counts):
        h = round(150 * n / peak)
        x = 30 + 38 * i
        parts.append(f'<rect x="{x}" y="{170 - h}" width="34" height="{h}" fill="#1565c0"><title>'
                     f'{i / bins:.1f}-{(i + 1) / bins:.1f}: {n}</title></rect>'
                     f'<text x="{x + 17}" y="{165 - h}" text-anchor="middle" class="small">{n or ""}</text>')
    parts.append('<line x1="28" y1="170" x2="412" y2="170" stroke="#555"/>'
                 '<text x="30" y="188" class="small">0</text><text x="212" y="188" class="small">0.5</text>'
                 '<text x="400" y="188" class="small">1</text>')
    parts.append("</svg>")
    if missing:
        parts.append(f'<p class="note">{missing} links without relevance (no niche given, no page text, or a page '
                     'mostly in another script than Latin, which the embedder cannot read)</p>')
    parts.append("</figure>")
    return "".join(parts)


def _ordered(counter: Counter, vocabulary: tuple[str, ...]) -> list[tuple[str, int]]:
    known = [(name, counter.get(name, 0)) for name in vocabulary]
    others = sorted((name, n) for name, n in counter.items() if name not in vocabulary)
    return [pair for pair in known + others if pair[1] or pair[0] in vocabulary]


def _number(value: object, digits: int = 2) -> str:
    return "" if value is None else f"{value:.{digits}f}"


def _domains_table(rows: list[dict]) -> str:
    view = build_domain_view(rows)[:WORST_DOMAINS]
    head = ("referring domain", "links", "label mix", "worst toxic p", "mean confidence", "mean relevance",
            "sitewide", "would disavow")
    out = ['<table class="domains"><thead><tr>', *(f"<th>{h}</th>" for h in head), "</tr></thead><tbody>"]
    for d in view:
        mix = ", ".join(f"{label} {d[f'n_{label}']}" for label in LABELS if d[f"n_{label}"])
        if d["n_unjudged"]:
            mix += (", " if mix else "") + f"unjudged {d['n_unjudged']}"
        out.append(f"<tr><td>{escape(d['source_domain'])}</td><td>{d['links']}</td><td>{escape(mix)}</td>"
                   f"<td>{_number(d['worst_toxic_probability'])}</td><td>{_number(d['mean_confidence'])}</td>"
                   f"<td>{_number(d['mean_relevance'])}</td><td>{'yes' if d['sitewide'] else ''}</td>"
                   f"<td>{'yes' if d['would_disavow'] else ''}</td></tr>")
    out.append("</tbody></table>")
    return "".join(out)


def _model_line(model_info: dict | None) -> str:
    if not model_info:
        return ""
    parts = [f"{key.replace('_', ' ')} {model_info[key]}" for key in _MODEL_KEYS if model_info.get(key) is not None]
    metrics = model_info.get("metrics_real_cv")
    if isinstance(metrics, dict) and isinstance(metrics.get("macro_f1"), (int, float)):
        parts.append(f"cross-validated macro-F1 {metrics['macro_f1']:.3f}")
    return f'<p class="meta">Model: {escape("; ".join(parts))}</p>' if parts else ""


def _options(values: list[str]) -> str:
    return "".join(f'<option value="{escape(v)}">{escape(v)}</option>' for v in values)


def write_html_report(rows: list[dict], path: str | os.PathLike, model_info: dict | None = None) -> None:
    """Write the self-contained HTML report of scored ``rows`` (output rows of ``score``) to ``path``."""
    labels = Counter(row.get("label") or "" for row in rows)
    relevance = [float(r["relevance"]) for r in rows
                 if isinstance(r.get("relevance"), (int, float)) and math.isfinite(r["relevance"])]
    statuses = Counter(row.get("link_status") or "" for row in rows)
    # no URL, no domain; each blog of a shared blog platform a domain of its own (see build_domain_view)
    domains = {referring_site(row) for row in rows if row.get("source_domain")}
    toxic = sum(1 for row in rows if row.get("toxic") is True)
    toxic_domains = {referring_site(row) for row in rows if row.get("toxic") is True and row.get("source_domain")}
    judged = sum(1 for row in rows if row.get("label"))
    tiles = [("links", len(rows)), ("judged", judged), ("toxic", toxic), ("referring domains", len(domains)),
             ("domains with toxic links", len(toxic_domains)), ("live links", statuses.get("live", 0))]
    charts = [
        _bars("Label mix", [(label, labels.get(label, 0)) for label in LABELS] + ([("", labels[""])] if labels[""] else []),
              _COLOURS),
        _histogram("Relevance to the niche", relevance, len(rows) - len(relevance)),
        _bars("Anchor types", _ordered(Counter(r.get("anchor_type") or "" for r in rows if r.get("anchor_type")),
                                       ANCHOR_TYPES)),
        _bars("Link positions", _ordered(Counter(r.get("position") or "" for r in rows if r.get("position")),
                                         POSITIONS)),
        _bars("Link status", _ordered(statuses, LINK_STATUSES)),
    ]
    nonce = secrets.token_urlsafe(16)
    now = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    page = _TEMPLATE.format(
        nonce=nonce, count=len(rows), now=escape(now), model=_model_line(model_info),
        tiles="".join(f'<div class="tile"><b>{n:,}</b><span>{escape(name)}</span></div>' for name, n in tiles),
        charts="".join(charts), domains=_domains_table(rows), worst=WORST_DOMAINS,
        label_options=_options([*LABELS, "(unjudged)"]), status_options=_options(list(LINK_STATUSES)),
        headers="".join(f'<th data-col="{c}" tabindex="0" aria-sort="none">{escape(c.replace("_", " "))}</th>'
                        for c in TABLE_COLUMNS),
        data=_embedded_json(rows), script=_SCRIPT.replace("__PAGE_SIZE__", str(PAGE_SIZE)),
    )
    Path(path).write_text(page, encoding="utf-8")


_TEMPLATE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; img-src data:; style-src 'unsafe-inline'; script-src 'nonce-{nonce}'">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>Backlink audit: {count} links (linktriage)</title>
<style>
body {{ font: 14px/1.4 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; margin: 0 2rem 3rem; color: #212121; }}
h1 {{ margin: 1.2rem 0 .2rem; }} h2 {{ margin-top: 2rem; border-bottom: 1px solid #ddd; }}
.meta, .note {{ color: #616161; margin: .2rem 0; }} .note {{ font-size: 12px; }}
.tiles {{ display: flex; flex-wrap: wrap; gap: .8rem; margin: 1rem 0; }}
.tile {{ background: #f5f5f5; border-radius: 6px; padding: .6rem 1rem; min-width: 8rem; }}
.tile b {{ display: block; font-size: 22px; }} .tile span {{ color: #616161; }}
.charts {{ display: flex; flex-wrap: wrap; gap: 1.5rem; }}
figure {{ margin: 0; }} figcaption {{ font-weight: 600; margin-bottom: .3rem; }}
svg text {{ font-size: 12px; fill: #212121; }} svg text.small {{ font-size: 10px; }}
table {{ border-collapse: collapse; width: 100%; }}
th, td {{ border-bottom: 1px solid #e0e0e0; padding: 4px 6px; text-align: left; vertical-align: top; }}
th {{ background: #fafafa; position: sticky; top: 0; }}
#links th {{ cursor: pointer; user-select: none; white-space: nowrap; }}
#links th[aria-sort="ascending"]::after {{ content: " \\25B2"; }} #links th[aria-sort="descending"]::after {{ content: " \\25BC"; }}
#links td {{ white-space: nowrap; }} #links td.wrap {{ white-space: normal; max-width: 22rem; overflow-wrap: anywhere; }}
.controls {{ display: flex; flex-wrap: wrap; gap: .8rem; align-items: center; margin: .8rem 0; }}
.label {{ color: #fff; border-radius: 3px; padding: 0 4px; white-space: nowrap; }}
.label-editorial {{ background: #2e7d32; }} .label-guest_post {{ background: #00838f; }} .label-directory {{ background: #1565c0; }}
.label-spam {{ background: #c62828; }} .label-link_farm {{ background: #6a1b9a; }}
.toxic {{ color: #c62828; font-weight: 600; }}
.warning {{ background: #fff8e1; border-left: 4px solid #f9a825; padding: .5rem 1rem; }}
</style></head>
<body>
<h1>Backlink audit</h1>
<p class="meta">{count} links scored by linktriage on {now}.</p>
{model}
<div class="tiles">{tiles}</div>
<p class="warning">Labels and probabilities are a model's estimates: review the links before acting on them.
Disavowing is a last resort, for unnatural links you could not get removed.</p>
<h2>Overview</h2>
<div class="charts">{charts}</div>
<h2>Worst referring domains</h2>
<p class="note">The {worst} domains with the highest spam / link-farm probability (then most links). Sitewide: many links
from many pages of one domain to one target.</p>
{domains}
<h2>Links</h2>
<div class="controls">
<label>Search <input id="q" type="search" placeholder="URL, anchor, reason..."></label>
<label>Label <select id="f-label"><option value="">all</option>{label_options}</select></label>
<label>Status <select id="f-status"><option value="">all</option>{status_options}</select></label>
<label><input id="f-toxic" type="checkbox"> toxic only</label>
<span id="count" aria-live="polite"></span>
</div>
<noscript><p class="warning">The links table needs JavaScript; the same rows are in the CSV / JSONL output.</p></noscript>
<table id="links"><thead><tr>{headers}</tr></thead><tbody id="rows"></tbody></table>
<div class="controls"><button id="prev" type="button">Previous</button><span id="page"></span>
<button id="next" type="button">Next</button></div>
<script type="application/json" id="linktriage-data">{data}</script>
<script nonce="{nonce}">{script}</script>
</body></html>
"""

_SCRIPT = r"""
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("linktriage-data").textContent);
  var cols = data.columns, rows = data.rows, at = {};
  cols.forEach(function (c, i) { at[c] = i; });
  var hay = null, view = rows.slice(), sortCol = null, sortDir = 1, page = 0, PAGE = __PAGE_SIZE__;
  var $ = function (id) { return document.getElementById(id); };
  var body = $("rows"), query = $("q"), fLabel = $("f-label"), fStatus = $("f-status"), fToxic = $("f-toxic");

  function compare(a, b) {
    if (a === b) return 0;
    if (a === null || a === "") return 1;          // empty values last, whatever the direction
    if (b === null || b === "") return -1;
    if (typeof a === "number" && typeof b === "number") return (a - b) * sortDir;
    return String(a).localeCompare(String(b)) * sortDir;
  }
  function apply() {
    var text = query.value.trim().toLowerCase(), label = fLabel.value, status = fStatus.value, toxic = fToxic.checked;
    if (text && hay === null) hay = rows.map(function (r) { return r.join("\u0001").toLowerCase(); });
    view = [];
    for (var i = 0; i < rows.length; i++) {
      var r = rows[i];
      if (label && (label === "(unjudged)" ? r[at.label] : r[at.label] !== label)) continue;
      if (status && r[at.link_status] !== status) continue;
      if (toxic && r[at.toxic] !== true) continue;
      if (text && hay[i].indexOf(text) < 0) continue;
      view.push(r);
    }
    if (sortCol !== null) { var k = at[sortCol]; view.sort(function (a, b) { return compare(a[k], b[k]); }); }
    page = 0;
    render();
  }
  // The view lives in the URL fragment (#label=spam&sort=-confidence&page=2): a reviewer can bookmark or send it.
  function saveState() {
    var p = new URLSearchParams();
    if (query.value) p.set("q", query.value);
    if (fLabel.value) p.set("label", fLabel.value);
    if (fStatus.value) p.set("status", fStatus.value);
    if (fToxic.checked) p.set("toxic", "1");
    if (sortCol !== null) p.set("sort", (sortDir < 0 ? "-" : "") + sortCol);
    if (page) p.set("page", String(page + 1));
    try { history.replaceState(null, "", "#" + p.toString()); } catch (e) { /* some viewers forbid it */ }
  }
  function loadState() {
    var p = new URLSearchParams(location.hash.slice(1)), sort = p.get("sort") || "";
    query.value = p.get("q") || ""; fLabel.value = p.get("label") || ""; fStatus.value = p.get("status") || "";
    fToxic.checked = p.get("toxic") === "1";
    var col = sort.replace(/^-/, "");
    if (Object.prototype.hasOwnProperty.call(at, col)) {
      sortCol = col; sortDir = sort.charAt(0) === "-" ? -1 : 1;
      var th = document.querySelector('#links th[data-col="' + col + '"]');
      if (th) th.setAttribute("aria-sort", sortDir === 1 ? "ascending" : "descending");
    }
    apply();
    var wanted = parseInt(p.get("page") || "1", 10) - 1;
    if (wanted > 0 && wanted * PAGE < view.length) { page = wanted; render(); }
  }
  var WRAP = {source_url: 1, target_url: 1, anchor: 1, reasons: 1};
  function cell(col, value) {
    var td = document.createElement("td");
    if (WRAP[col]) td.className = "wrap";
    if (value === null || value === undefined) return td;
    if (col === "source_url" || col === "target_url") {
      if (/^https?:\/\//i.test(value)) {
        var a = document.createElement("a");
        a.href = value; a.rel = "noopener noreferrer nofollow"; a.target = "_blank"; a.textContent = value;
        td.appendChild(a);
      } else td.textContent = value;
    } else if (col === "label" && value) {
      var s = document.createElement("span");
      s.className = "label label-" + String(value).replace(/[^a-z_]/g, ""); s.textContent = value;
      td.appendChild(s);
    } else if (col === "toxic") {
      td.textContent = value === true ? "toxic" : ""; if (value === true) td.className = "toxic";
    } else if (typeof value === "number" && col !== "http_status") {
      td.textContent = value.toFixed(2);
    } else td.textContent = String(value);
    return td;
  }
  function render() {
    var pages = Math.max(1, Math.ceil(view.length / PAGE)), start = page * PAGE, frag = document.createDocumentFragment();
    view.slice(start, start + PAGE).forEach(function (r) {
      var tr = document.createElement("tr");
      cols.forEach(function (c, i) { tr.appendChild(cell(c, r[i])); });
      frag.appendChild(tr);
    });
    body.replaceChildren(frag);
    $("count").textContent = view.length + " of " + rows.length + " links";
    $("page").textContent = "page " + (page + 1) + " of " + pages;
    $("prev").disabled = page === 0; $("next").disabled = page >= pages - 1;
    saveState();
  }
  function sortBy(th) {
    var col = th.getAttribute("data-col");
    sortDir = sortCol === col ? -sortDir : 1; sortCol = col;
    document.querySelectorAll("#links th").forEach(function (h) { h.setAttribute("aria-sort", "none"); });
    th.setAttribute("aria-sort", sortDir === 1 ? "ascending" : "descending");
    apply();
  }
  document.querySelectorAll("#links th").forEach(function (th) {
    th.addEventListener("click", function () { sortBy(th); });
    th.addEventListener("keydown", function (e) { if (e.key === "Enter") sortBy(th); });
  });
  var timer = null;
  query.addEventListener("input", function () { clearTimeout(timer); timer = setTimeout(apply, 150); });
  [fLabel, fStatus, fToxic].forEach(function (el) { el.addEventListener("change", apply); });
  $("prev").addEventListener("click", function () { if (page > 0) { page--; render(); } });
  $("next").addEventListener("click", function () { if ((page + 1) * PAGE < view.length) { page++; render(); } });
  loadState();
})();
"""
