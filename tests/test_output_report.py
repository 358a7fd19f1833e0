"""The HTML report: self-contained, escaped, small for 50,000 rows, and rendered for real in headless Chromium.

The browser tests need Debian's ``chromium`` (scripts/install-chromium.sh installs it); they skip without it.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import time
from pathlib import Path

import pytest
from lxml import html as lxml_html

from conftest import EXAMPLES
from linktriage._records import LABELS, LINK_STATUSES, OUTPUT_COLUMNS
from linktriage.cli import app
from linktriage.cli._errors import run_app
from linktriage.output import write_html_report
from linktriage.output._report import PAGE_SIZE, TABLE_COLUMNS

XSS = '</script><script>document.body.setAttribute("data-pwned","1")</script><img src=x onerror="document.body.setAttribute(\'data-pwned\',\'2\')">'
CHROMIUM = next((found for name in ("chromium", "chromium-browser", "google-chrome") if (found := shutil.which(name))),
                None)
needs_chromium = pytest.mark.skipif(CHROMIUM is None, reason="needs headless chromium: run scripts/install-chromium.sh")


def make_rows(n: int) -> list[dict]:
    rows = []
    for i in range(n):
        label = LABELS[i % 5] if i % 7 else None
        row = dict.fromkeys(OUTPUT_COLUMNS)
        row.update(source_url=f"https://site{i % 997}.example.com/page/{i}", target_url="https://me.example/",
                   anchor=f"anchor {i}", source_domain=f"site{i % 997}.example.com", target_domain="me.example",
                   label=label, confidence=0.5 + (i % 50) / 100 if label else None,
                   relevance=(i % 100) / 100 if i % 3 else None, position="content" if label else None,
                   anchor_type="branded" if label else None, rel="nofollow" if i % 2 else "",
                   link_status="live" if label else "not_fetched", http_status=200 if label else None,
                   reasons="link in the main content; ordinary page URL" if label else "page not in the archives",
                   toxic=(label in ("spam", "link_farm") and 0.5 + (i % 50) / 100 >= 0.8) if label else None,
                   export_dr=i % 90)
        for lab in LABELS:
            row[f"p_{lab}"] = (row["confidence"] if lab == label else (1 - row["confidence"]) / 4) if label else None
        rows.append(row)
    return rows


def embedded(path: Path) -> dict:
    text = path.read_text(encoding="utf-8")
    match = re.search(r'<script type="application/json" id="linktriage-data">(.*?)</script>', text, re.S)
    return json.loads(match.group(1))


def test_self_contained_and_escaped(tmp_path):
    rows = make_rows(20)
    rows[0].update(anchor=XSS, reasons=XSS, source_url="javascript:alert(1)", source_domain="<b>evil</b>.example",
                   label="spam", confidence=0.99, toxic=True, p_spam=0.99)
    rows[1].update(relevance=float("nan"), export_weird=object())
    out = tmp_path / "report.html"
    write_html_report(rows, out, model_info={"design": "<i>x</i>", "trained": "2026-01-01",
                                             "metrics_real_cv": {"macro_f1": 0.71}})
    text = out.read_text(encoding="utf-8")
    # Nothing to fetch: no external scripts, styles, images or fonts; a CSP that forbids them anyway.
    assert not re.search(r'<(script|img|link|iframe)[^>]+(src|href)=', text)
    assert "default-src 'none'" in text and re.search(r"script-src 'nonce-([\w-]+)'", text)
    nonce = re.search(r"script-src 'nonce-([\w-]+)'", text).group(1)
    assert re.findall(r"<script nonce=\"([\w-]+)\">", text) == [nonce]
    # Hostile values never appear as markup; they come back intact from the embedded JSON.
    assert "<script>document" not in text and "<img src=x" not in text and "<b>evil</b>" not in text
    assert "&lt;b&gt;evil&lt;/b&gt;.example" in text and "&lt;i&gt;x&lt;/i&gt;" in text and "macro-F1 0.710" in text
    data = embedded(out)
    assert data["columns"] == list(TABLE_COLUMNS) and len(data["rows"]) == 20
    assert data["rows"][0][TABLE_COLUMNS.index("anchor")] == XSS
    assert data["rows"][1][TABLE_COLUMNS.index("relevance")] is None  # NaN would break JSON.parse
    # Charts: every label and every link status has a bar.
    for name in (*LABELS, *LINK_STATUSES):
        assert f"<title>{name}: " in text


def test_fifty_thousand_rows_stay_small_and_fast(tmp_path):
    rows = make_rows(50_000)
    out = tmp_path / "big.html"
    start = time.perf_counter()
    write_html_report(rows, out)
    elapsed = time.perf_counter() - start
    size = out.stat().st_size
    assert elapsed < 10, elapsed
    assert size < 15_000_000, size
    assert out.read_text(encoding="utf-8").count("<tr>") <= 40  # the links table is drawn by the script, page by page
    assert len(embedded(out)["rows"]) == 50_000


def chromium(url: str, tmp_path: Path, *extra: str) -> subprocess.CompletedProcess:
    # Flags as this machine's browser tests need them: no sandbox as root, no background network, a fresh profile.
    args = [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync", "--hide-scrollbars",
            f"--user-data-dir={tmp_path / 'chromium-profile'}", "--virtual-time-budget=5000", *extra, url]
    return subprocess.run(args, capture_output=True, text=True, timeout=120)


def dom_rows(result: subprocess.CompletedProcess) -> tuple[lxml_html.HtmlElement, list[list[str]]]:
    assert result.returncode == 0, result.stderr[-2000:]
    doc = lxml_html.fromstring(result.stdout)
    return doc, [[td.text_content() for td in tr.findall("td")] for tr in doc.xpath('//tbody[@id="rows"]/tr')]


@pytest.fixture(scope="module")
def example_report(tmp_path_factory) -> Path:
    """The report of the real example run (data/examples), as `linktriage score --report` writes it."""
    folder = tmp_path_factory.mktemp("example-report")
    args = ["score", str(EXAMPLES / "backlinks.csv"), "--pages", str(EXAMPLES / "pages.warc.gz"), "--offline",
            "-o", str(folder / "scored.csv"), "--report", str(folder / "report.html")]
    assert run_app(app, args) == 0
    return folder / "report.html"


@needs_chromium
def test_example_report_renders_in_chromium(example_report, tmp_path):
    from PIL import Image, ImageStat

    n_rows = (EXAMPLES / "backlinks.csv").read_text(encoding="utf-8").strip().count("\n")
    shot = tmp_path / "report.png"
    result = chromium(example_report.as_uri(), tmp_path, f"--screenshot={shot}", "--window-size=1280,1600")
    assert result.returncode == 0 and shot.exists(), result.stderr[-2000:]
    image = Image.open(shot).convert("L")
    assert image.size == (1280, 1600)
    stddev = ImageStat.Stat(image).stddev[0]
    dark = sum(image.histogram()[:128]) / (image.size[0] * image.size[1])
    assert stddev > 20 and dark > 0.01, (stddev, dark)  # text, bars and tables, not a blank page

    doc, cells = dom_rows(chromium(example_report.as_uri(), tmp_path, "--dump-dom"))
    assert len(cells) == n_rows  # the script ran and drew every row of the example run
    assert doc.get_element_by_id("count").text_content() == f"{n_rows} of {n_rows} links"
    scored = (example_report.parent / "scored.csv").read_text(encoding="utf-8")
    assert all(row[0] in scored for row in cells)


@needs_chromium
def test_filter_sort_and_paging_in_chromium(tmp_path):
    rows = make_rows(3 * PAGE_SIZE + 17)
    out = tmp_path / "report.html"
    write_html_report(rows, out)
    conf = TABLE_COLUMNS.index("confidence")
    _, cells = dom_rows(chromium(out.as_uri() + "#label=spam&sort=-confidence", tmp_path, "--dump-dom"))
    spam = [r for r in rows if r["label"] == "spam"]
    assert len(cells) == len(spam) and {c[TABLE_COLUMNS.index("label")] for c in cells} == {"spam"}
    shown = [float(c[conf]) for c in cells]
    assert shown == sorted(shown, reverse=True) and shown[0] == max(round(r["confidence"], 2) for r in spam)
    doc, cells = dom_rows(chromium(out.as_uri() + "#page=4", tmp_path, "--dump-dom"))
    assert len(cells) == 17 and doc.get_element_by_id("page").text_content() == "page 4 of 4"
    _, cells = dom_rows(chromium(out.as_uri() + "#q=page%2F3&toxic=1", tmp_path, "--dump-dom"))
    expected = [r["source_url"] for r in rows if r["toxic"] is True and "page/3" in r["source_url"]]
    assert [c[0] for c in cells] == expected and expected


@needs_chromium
def test_hostile_rows_do_not_run_in_chromium(tmp_path):
    rows = make_rows(3)
    rows[0].update(anchor=XSS, reasons=XSS, source_url='https://x.example/"><img src=x onerror=alert(1)>',
                   target_url="javascript:document.body.setAttribute('data-pwned','3')")
    out = tmp_path / "report.html"
    write_html_report(rows, out)
    doc, cells = dom_rows(chromium(out.as_uri(), tmp_path, "--dump-dom"))
    body = doc.find("body")
    assert body.get("data-pwned") is None
    assert not doc.xpath('//tbody[@id="rows"]//img') and not doc.xpath('//a[starts-with(@href, "javascript:")]')
    assert cells[0][TABLE_COLUMNS.index("anchor")] == XSS  # shown as text, exactly


def test_chart_shares_keep_a_decimal_and_missing_relevance_names_every_cause(tmp_path):
    """1 link in 8 read "12%" (half to even) and the example's label mix summed to 98%; links without relevance
    were said to lack a niche or page text, where a page in another script has neither fault."""
    rows = make_rows(8)
    write_html_report(rows, tmp_path / "r.html")
    text = (tmp_path / "r.html").read_text(encoding="utf-8")
    assert "(12.5%)</text>" in text and "(12%)" not in text
    assert "or a page mostly in another script than Latin" in text
