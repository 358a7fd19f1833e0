"""Generator tests: fast runs on built-in filler text; the corpus tests skip when ../shared/corpus is absent."""
from __future__ import annotations

import csv
import sys
from collections import Counter, defaultdict
from pathlib import Path
from urllib.parse import urlsplit

import lxml.html
import pytest
from warcio.archiveiterator import ArchiveIterator

ROOT = Path(__file__).resolve().parents[1]
CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"
sys.path.insert(0, str(ROOT / "training"))
import generate_pages  # noqa: E402

LABELS = {"editorial", "guest_post", "directory", "link_farm", "spam"}
RESERVED = (".example", ".test", ".invalid")


def _run(tmp: Path, seed: int = 3, per_class: int = 80, filler: bool = True) -> tuple[list[dict], dict[str, str], Path, Path]:
    warc, labels = tmp / "g.warc.gz", tmp / "g.csv"
    args = ["--seed", str(seed), "--per-class", str(per_class), "-o", str(warc), "--labels", str(labels)]
    generate_pages.main(args + (["--filler-for-tests"] if filler else ["--corpus", str(CORPUS)]))
    with open(labels, encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    pages = {}
    with open(warc, "rb") as fh:
        for rec in ArchiveIterator(fh):
            pages[rec.rec_headers.get_header("WARC-Target-URI")] = rec.content_stream().read().decode("utf-8")
    return rows, pages, warc, labels


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    return _run(tmp_path_factory.mktemp("gen"), per_class=150)


def test_deterministic(tmp_path):
    _, _, wa, la = _run(tmp_path / "a", per_class=40)
    _, _, wb, lb = _run(tmp_path / "b", per_class=40)
    _, _, _, lc = _run(tmp_path / "c", seed=4, per_class=40)
    assert la.read_bytes() == lb.read_bytes() and wa.read_bytes() == wb.read_bytes()
    assert la.read_bytes() != lc.read_bytes()


def test_rows_are_marked_and_point_at_links_in_the_page(run):
    rows, pages, _, _ = run
    from generator import FIELDS

    assert list(rows[0]) == FIELDS
    for row in rows:
        tree = lxml.html.fromstring(pages[row["source_url"]])
        hrefs = [a.get("href") for a in tree.iter("a")]
        assert hrefs.count(row["target_url"]) == 1, row  # one link per labelled target: the locator cannot confuse it
        assert row["generated"] == "true" and row["checked_by_hand"] == "false"
        assert row["method"] == f"generator:{row['template']}" and row["warc"] == "g.warc.gz"
        assert row["label"] in LABELS


def test_only_reserved_tlds(run):
    _, pages, _, _ = run
    for url, html in pages.items():
        assert urlsplit(url).hostname.endswith(RESERVED)
        tree = lxml.html.fromstring(html)
        for el in tree.iter("a", "link", "img", "iframe", "form"):
            for attr in ("href", "src", "action"):
                value = el.get(attr) or ""
                if value.startswith(("http://", "https://", "//")):
                    assert urlsplit(value).hostname.endswith(RESERVED), (url, value)


def test_balance_and_few_rows_per_page(run):
    rows, _, _, _ = run
    counts = Counter(r["label"] for r in rows)
    for label in LABELS - {"editorial"}:
        assert 150 <= counts[label] <= 165, counts
    assert 110 <= counts["editorial"] <= 125, counts
    per_page = Counter((r["source_url"], r["label"]) for r in rows)
    assert max(per_page.values()) <= 3  # a 150-link farm page still contributes at most three rows
    assert Counter(r["source_url"] for r in rows).most_common(1)[0][1] <= 6


def test_variety_templates_languages_skeletons(run):
    rows, pages, _, _ = run
    by_class = defaultdict(lambda: {"cms": set(), "recipe": set(), "lang": set(), "skeleton": set()})
    for row in rows:
        cms, recipe = row["template"].split(":")
        entry = by_class[row["label"]]
        entry["cms"].add(cms)
        entry["recipe"].add(recipe)
        entry["lang"].add(row["language"])
        tree = lxml.html.fromstring(pages[row["source_url"]])
        link = next(a for a in tree.iter("a") if a.get("href") == row["target_url"])
        chain = [f"{a.tag}.{(a.get('class') or '').split(' ')[0]}" for a in link.iterancestors()][:5]
        entry["skeleton"].add(" < ".join(chain))
    for label in LABELS:
        entry = by_class[label]
        assert len(entry["cms"]) >= 4, (label, entry["cms"])  # no class lives in one CMS skeleton
        assert len(entry["skeleton"]) >= 12, (label, len(entry["skeleton"]))
        assert len(entry["lang"]) >= 3, (label, entry["lang"])
    assert len(by_class["spam"]["recipe"]) >= 5 and len(by_class["directory"]["recipe"]) >= 5
    # the same CMS skeleton carries several classes
    classes_per_cms = defaultdict(set)
    for row in rows:
        classes_per_cms[row["template"].split(":")[0]].add(row["label"])
    assert sum(len(v) >= 3 for v in classes_per_cms.values()) >= 4
    assert len({r["language"] for r in rows}) >= 5


def test_catalogues_title_entries_with_linked_names_and_discussed_picks_stay_editorial(run):
    """ranked_catalogue (directory): each entry's name in a heading links its site, or a button does; top_n_prose
    (editorial) links some names from their headings too, so a linked heading alone does not tell the class."""
    rows, pages, _, _ = run
    where = defaultdict(Counter)
    for row in rows:
        recipe = row["template"].split(":")[1]
        if recipe not in ("ranked_catalogue", "top_n_prose"):
            continue
        tree = lxml.html.fromstring(pages[row["source_url"]])
        link = next(a for a in tree.iter("a") if a.get("href") == row["target_url"])
        in_heading = any(a.tag in ("h2", "h3", "h4") for a in link.iterancestors())
        where[(recipe, row["label"])]["heading" if in_heading else link.get("class") or "text"] += 1
    catalogue = where[("ranked_catalogue", "directory")]
    assert catalogue["heading"] and set(catalogue) <= {"heading", "btn button"}, catalogue
    assert where[("top_n_prose", "editorial")]["heading"], where
    assert not {key for key in where if key[0] == "ranked_catalogue" and key[1] != "directory"}


def test_affiliate_guides_disclose_and_their_product_links_are_guest_posts(tmp_path):
    """affiliate_post (guest_post): the site's own guide whose shop links earn a commission says so on the page, in
    the words page_affiliate_note reads; some links carry the affiliate star, most a partner tag, few rel=sponsored.
    A few editorial articles carry a sitewide affiliate line too, so the line alone does not make a guest post."""
    from linktriage.features import AFFILIATE_HREF, _mentions_affiliate_links, starred_anchor

    rows, pages, _, _ = _run(tmp_path, seed=5, per_class=500)  # enough guides and articles for the shares below
    guides = [row for row in rows if row["template"].endswith(":affiliate_post") and row["label"] == "guest_post"]
    assert len(guides) >= 20
    starred = tagged = sponsored = 0
    for row in guides:
        tree = lxml.html.fromstring(pages[row["source_url"]])
        assert _mentions_affiliate_links(tree.text_content()), row["source_url"]
        link = next(a for a in tree.iter("a") if a.get("href") == row["target_url"])
        context = link.getparent().text_content()
        starred += starred_anchor(link.text_content(), context)
        tagged += bool(AFFILIATE_HREF.search(row["target_url"]))
        sponsored += "sponsored" in (link.get("rel") or "")
    assert 0 < starred < len(guides) and len(guides) / 2 < tagged < len(guides)
    assert 0 < sponsored < len(guides) / 2
    noted_articles = {row["source_url"] for row in rows if row["template"].endswith(":article")
                      and row["label"] == "editorial"
                      and _mentions_affiliate_links(lxml.html.fromstring(pages[row["source_url"]]).text_content())}
    assert noted_articles


def test_sites_hold_many_pages_and_templates_many_sites(run):
    rows, _, _, _ = run
    pages_per_site = Counter()
    for site, url in {(r["site"], r["source_url"]) for r in rows}:
        pages_per_site[site] += 1
    assert sum(pages_per_site.values()) / len(pages_per_site) >= 2.5
    sites_per_template = defaultdict(set)
    for r in rows:
        sites_per_template[r["template"].split(":")[1]].add(r["site"])
    assert sum(len(s) >= 2 for s in sites_per_template.values()) >= 10


def test_page_sizes_span_real_pages(run):
    """Sites range from bare static pages to news sites with mega menus, link-column footers and inline scripts, so
    page size and link count do not tell generated pages from real ones (real corpus pages: median ~22 k characters
    of page text with scripts, ~135 links)."""
    _, pages, _, _ = run
    sizes, links = [], []
    for html in pages.values():
        tree = lxml.html.fromstring(html)
        sizes.append(len(" ".join(tree.text_content().split())))
        links.append(len(tree.xpath("//a[@href]")))
    sizes.sort()
    links.sort()
    assert sizes[len(sizes) // 10] < 5_000 and sizes[len(sizes) * 3 // 4] > 10_000, (sizes[::50])
    assert sizes[-1] > 40_000
    assert links[len(links) // 2] >= 50 and links[0] < 30, links[::50]


def test_locator_finds_every_labelled_link(run):
    from generator.check import locate_sample

    _, _, warc, labels_csv = run
    sample, table = locate_sample(labels_csv, warc, sample=200)
    assert len(table) == len(sample), dict(table.skipped)
    positions = Counter(zip(table.labels, table.info["position"]))
    # entries with a name, address and phone repeat one item shape: the locator calls them a listing; the thin
    # catalogues (resource_list, stockists: a name and a town per entry) are bare link lists on purpose
    thin = sample["template"].str.endswith((":resource_list", ":stockists")).tolist()
    full = Counter(p for p, t, l in zip(table.info["position"], thin, table.labels) if l == "directory" and not t)
    assert full["listing"] >= 0.8 * sum(full.values()), full
    assert any(thin)
    assert positions[("spam", "comment")] > 0 and positions[("link_farm", "sidebar")] > 0


def test_missing_corpus_is_one_line_error(tmp_path, capsys):
    with pytest.raises(SystemExit):
        generate_pages.main(["--corpus", str(tmp_path / "nope"), "-o", str(tmp_path / "x.warc.gz"), "--labels", str(tmp_path / "x.csv")])
    err = capsys.readouterr().err
    assert "corpus not found" in err and err.count("\n") == 1


@pytest.mark.corpus
@pytest.mark.slow
@pytest.mark.skipif(not CORPUS.is_dir(), reason=f"reference corpus not found at {CORPUS}")
def test_real_text_in_pages_but_not_in_the_repo(tmp_path):
    from generator import generate, write
    from generator.text import load_corpus

    docs = load_corpus(CORPUS)
    assert sum(len(v) >= 10 for v in docs.values()) >= 5, {k: len(v) for k, v in docs.items()}  # en de fr es pt
    write(generate(docs, seed=5, per_class=40), tmp_path / "g.warc.gz", tmp_path / "g.csv")
    with open(tmp_path / "g.warc.gz", "rb") as fh:
        pages = [rec.content_stream().read().decode("utf-8") for rec in ArchiveIterator(fh)]
    page_text = "\n".join(" ".join(lxml.html.fromstring(h).text_content().split()) for h in pages)
    texts = [p[20:80] for lang in docs for d in docs[lang][:80] for p in d.paragraphs if len(p) >= 120]
    assert sum(t in page_text for t in texts) >= 5  # the pages carry real corpus text ...
    mine = [ROOT / "data/labels/generated_links.csv", ROOT / "training/generate_pages.py", Path(__file__),
            *(ROOT / "training/generator").glob("*.py"), *(ROOT / "training").glob("GENERATOR.md")]
    repo_text = "\n".join(path.read_text(encoding="utf-8") for path in mine)
    texts = texts[::max(1, len(texts) // 400)]
    assert not [t for t in texts if t in repo_text]  # ... and the repository does not


def _real_archive(path: Path, pages: dict[str, str]) -> None:
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    with open(path, "wb") as fh:
        writer = WARCWriter(fh, gzip=True)
        for url, html in pages.items():
            headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=iso-8859-1")], protocol="HTTP/1.1")
            writer.write_record(writer.create_warc_record(url, "response", payload=__import__("io").BytesIO(
                html.encode("iso-8859-1")), http_headers=headers))


_ARTICLE = """<html><head><meta charset="iso-8859-1"><title>Rain gauges</title></head><body>
<nav><a href="/">Home</a> <a href="/about">About</a></nav>
<article><h1>How rain gauges work</h1><p class="byline">By Anna Berg</p>
<div class="entry-content">
<p>Rain gauges are simple instruments, and the {w} keeps a long record of them: see the
<a href="https://www.metoffice.gov.uk/research">research pages</a> for the method behind the numbers we quote here.</p>
<p>A tipping-bucket gauge counts small volumes of water; the <a href="https://www.noaa.gov/weather">NOAA weather
service</a> explains how the counts become millimetres, and why wind makes every gauge read low.</p>
<p>Café owners in Zürich keep gauges too, which says something about the weather there and the people who
measure it. The last paragraph holds no link at all but is long enough to be a paragraph.</p>
</div></article>
<footer><a href="https://www.example-footer.org/">Partner</a></footer></body></html>"""


def test_noted_copies_of_real_articles(tmp_path):
    """A real page's editorial links, copied with a contributed / sponsored note, come out as guest_post rows on a
    marked URL of the same site, which the real locator finds, with the note detected and nothing else lost."""
    import pandas as pd
    from generator import write
    from generator.check import locate_sample
    from generator.real_copies import MARKER_QUERY, editorial_pages, noted_pages

    pages = {f"https://weather{i}.org/2012/rain-{i}?id={i}": _ARTICLE.replace("{w}", f"station {i}") for i in range(12)}
    _real_archive(tmp_path / "real.warc.gz", pages)
    real = pd.DataFrame([{"source_url": url, "target_url": target, "anchor": anchor, "label": "editorial",
                          "warc": "real.warc.gz", "site": url.split("/")[2]}
                         for url in pages for target, anchor in [("https://www.metoffice.gov.uk/research", "research pages"),
                                                                 ("https://www.noaa.gov/weather", "NOAA weather service")]])
    noted = list(noted_pages(real, tmp_path, seed=1, pages=editorial_pages(real)[:6]))
    assert len(noted) == 6 and len({page.url for page in noted}) == 6
    write(iter(noted), tmp_path / "noted.warc.gz", tmp_path / "noted.csv")
    rows = pd.read_csv(tmp_path / "noted.csv", dtype=str, keep_default_na=False)
    assert set(rows["label"]) == {"guest_post"} and set(rows["generated"]) == {"true"}
    assert set(rows["template"]) <= {f"real:noted-{w}" for w in ("top", "editor", "end", "title")}
    for page in noted:
        real_url = page.url.replace(f"&{MARKER_QUERY}", "")
        assert real_url in pages and page.site == real_url.split("/")[2]  # grouped with the real site's rows
        targets = {target for target, _, _ in page.rows}
        assert {"https://www.metoffice.gov.uk/research", "https://www.noaa.gov/weather"} <= targets
        assert "https://www.example-footer.org/" not in targets
        assert "Café owners in Zürich" in page.html and "iso-8859-1" not in page.html  # written as UTF-8
    _, table = locate_sample(tmp_path / "noted.csv", tmp_path / "noted.warc.gz", 0)
    assert len(table) == len(rows) and not table.skipped
    assert set(table.info.loc[table.info["target_url"].str.contains("metoffice|noaa"), "position"]) == {"content"}
    assert table.features["page_disclosure_note"].mean() >= 0.5


@pytest.mark.corpus
@pytest.mark.slow
@pytest.mark.skipif(not CORPUS.is_dir(), reason=f"reference corpus not found at {CORPUS}")
def test_generate_pages_writes_copies_of_real_pages(tmp_path):
    """`generate_pages.py --noted-share / --catalogue-share` append copies of disjoint real corpus pages, which the
    locator finds."""
    import pandas as pd

    real = pd.read_csv(ROOT / "data/labels/real_links.csv", dtype=str, keep_default_na=False)
    pages = real[(real["warc"] == "scrapinghub.warc.gz") & (real["label"] == "editorial")]["source_url"].unique()[:4]
    real[real["source_url"].isin(pages)].to_csv(tmp_path / "real.csv", index=False)
    warc, labels = tmp_path / "g.warc.gz", tmp_path / "g.csv"
    generate_pages.main(["--per-class", "10", "--corpus", str(CORPUS), "-o", str(warc), "--labels", str(labels),
                         "--noted-share", "0.5", "--catalogue-share", "0.5", "--real-labels", str(tmp_path / "real.csv")])
    rows = pd.read_csv(labels, dtype=str, keep_default_na=False)
    noted = rows[rows["template"].str.startswith("real:noted-")]
    catalogued = rows[rows["template"].str.startswith("real:catalogue-")]
    assert noted["source_url"].nunique() == 2 and set(noted["label"]) == {"guest_post"}
    assert catalogued["source_url"].nunique() == 2 and set(catalogued["label"]) == {"directory"}
    real_urls = {url.split("?linktriage-")[0].split("&linktriage-")[0] for url in rows["source_url"]
                 if "linktriage-" in url}
    assert real_urls == set(pages)  # disjoint: four pages, each copied once
    assert set(noted["site"]) | set(catalogued["site"]) == set(real.loc[real["source_url"].isin(pages), "site"])
    from generator.check import locate_sample

    pd.concat([noted, catalogued]).to_csv(tmp_path / "copies.csv", index=False)
    copies, table = locate_sample(tmp_path / "copies.csv", warc, 0)
    assert len(table) == len(copies)


def test_catalogue_copies_of_real_articles(tmp_path):
    """A real page's copy whose text is (or ends with) a catalogue of invented businesses: directory rows only, on
    a marked URL of the same site, the page's own chrome kept, every labelled entry found by the real locator."""
    import pandas as pd
    from generator import write
    from generator.check import locate_sample
    from generator.real_copies import CATALOGUE_QUERY, catalogue_pages, editorial_pages

    pages = {f"https://weather{i}.org/2012/rain-{i}": _ARTICLE.replace("{w}", f"station {i}") for i in range(8)}
    _real_archive(tmp_path / "real.warc.gz", pages)
    real = pd.DataFrame([{"source_url": url, "target_url": "https://www.noaa.gov/weather", "anchor": "NOAA weather service",
                          "label": "editorial", "warc": "real.warc.gz", "site": url.split("/")[2]} for url in pages])
    copies = list(catalogue_pages(real, tmp_path, seed=2, pages=editorial_pages(real)))
    assert len(copies) == 8
    recipes = {page.template for page in copies}
    assert len(recipes) >= 2 and recipes <= {f"real:catalogue-{r}" for r in
                                             ("catalogue", "ranked_catalogue", "resource_list", "stockists")}
    for page in copies:
        assert page.url.endswith(f"?{CATALOGUE_QUERY}") and page.url.removesuffix(f"?{CATALOGUE_QUERY}") in pages
        assert {label for _, _, label in page.rows} == {"directory"}
        assert all(urlsplit(target).hostname.endswith(RESERVED) for target, _, _ in page.rows)
        assert "https://www.example-footer.org/" in page.html and "How rain gauges work" in page.html
    write(iter(copies), tmp_path / "c.warc.gz", tmp_path / "c.csv")
    rows, table = locate_sample(tmp_path / "c.csv", tmp_path / "c.warc.gz", 0)
    assert len(table) == len(rows) and not table.skipped


def test_copy_shares_are_checked(tmp_path, capsys):
    with pytest.raises(SystemExit):
        generate_pages.main(["--noted-share", "0.7", "--catalogue-share", "0.5", "-o", str(tmp_path / "x.warc.gz"),
                             "--labels", str(tmp_path / "x.csv"), "--filler-for-tests"])
    err = capsys.readouterr().err
    assert "together at most 1" in err and err.count("\n") == 1
    with pytest.raises(SystemExit):
        generate_pages.main(["--noted-share", "0.5", "--real-labels", str(tmp_path / "none.csv"), "--corpus", str(tmp_path),
                             "-o", str(tmp_path / "x.warc.gz"), "--labels", str(tmp_path / "x.csv")])
    err = capsys.readouterr().err
    assert "real labels not found" in err and err.count("\n") == 1


def test_catalogue_copies_keep_or_replace_the_whole_article(tmp_path):
    """A copy either is the catalogue (the article's paragraphs gone) or ends with one (all of them kept), also
    when the labelled link sits in the article's last paragraph."""
    import pandas as pd
    from generator.real_copies import catalogue_pages, editorial_pages

    article = _ARTICLE.replace("measure it.", 'measure it, as <a href="https://www.zuerich-wetter.ch/">Zürich Wetter</a> does.')
    pages = {f"https://weather{i}.org/2012/rain-{i}": article.replace("{w}", f"station {i}") for i in range(10)}
    _real_archive(tmp_path / "real.warc.gz", pages)
    real = pd.DataFrame([{"source_url": url, "target_url": "https://www.zuerich-wetter.ch/", "anchor": "Zürich Wetter",
                          "label": "editorial", "warc": "real.warc.gz", "site": url.split("/")[2]} for url in pages])
    kept = []
    for page in catalogue_pages(real, tmp_path, seed=3, pages=editorial_pages(real)):
        # the links tell (a catalogue's intro may quote the article's text, never its links)
        first, last = "https://www.noaa.gov/weather" in page.html, "https://www.zuerich-wetter.ch/" in page.html
        assert first == last, page.url
        kept.append(first)
    assert len(kept) == 10 and 0 < sum(kept) < 10  # both kinds of copy
