"""Inputs found broken by an audit: spam pages nested past libxml2's limit, a workbook saved under a .csv name,
a training set too small for its folds, labels typed in another case. Each through the code path a user takes."""

from __future__ import annotations

import csv

import pytest
from conftest import EXAMPLES
from test_cli import run  # noqa: F401 - the CLI-in-process fixture
from test_ingest_xlsx import workbook

import linktriage

TARGET = "https://shop.example.com/"
LINK = f"<p>text <a href='{TARGET}'>Shop</a></p>"


@pytest.mark.parametrize("name, opening", [
    ("unclosed font", "<font>x " * 300),
    ("nested div", "<div>" * 260),
    ("nested span", "<span>" * 300),
    ("unclosed b", "<b>" * 300),
    ("nested table", "<table><tr><td>" * 300),
    ("past huge_tree's limit too", "<div>" * 3000),
    ("a long run of unclosed font", "<font>x " * 50_000),
])
def test_a_link_below_deep_or_unclosed_tags_is_found(name, opening):
    """libxml2 stops at 256 open elements and drops the rest of the page: the link came out `missing`."""
    frame = linktriage.score([{"source_url": "https://a.org/x", "target_url": TARGET,
                               "html": "<html><body>" + opening + LINK}])
    row = frame.iloc[0]
    assert row["link_status"] == "live", row["reasons"]
    assert isinstance(row["position"], str) and row["position"]  # the locator found it on the page


def test_an_xlsx_workbook_named_csv_scores_like_the_xlsx(tmp_path, run):  # noqa: F811
    rows = [["source_url", "target_url", "anchor"], ["https://a.example.org/p", TARGET, "Shop"],
            ["https://b.example.net/q", TARGET, "shop here"]]
    proper = workbook(tmp_path / "links.xlsx", {"Links": rows})
    misnamed = tmp_path / "links.csv"
    misnamed.write_bytes(proper.read_bytes())
    expected = run("score", proper, "--offline")
    result = run("score", misnamed, "--offline")
    assert expected.returncode == 0, expected.stderr
    assert result.returncode == 0, result.stderr
    assert result.stdout == expected.stdout and len(result.stdout.splitlines()) == 3


def _relabelled(path, mapping: dict[str, str], extra: list[dict] = ()):
    """The shipped example labels with some label values rewritten (and extra rows), as a user's file."""
    with open(EXAMPLES / "labels.csv", newline="", encoding="utf-8") as stream:
        rows = list(csv.DictReader(stream))
    with open(path, "w", newline="", encoding="utf-8") as stream:
        writer = csv.DictWriter(stream, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows([{**r, "label": mapping.get(r["label"], r["label"])} for r in rows] + list(extra))
    return path


def test_train_on_too_few_links_for_its_folds_says_so_in_one_line(tmp_path, run):  # noqa: F811
    """With `directory` mistyped, 5 links on 4 sites are left: a 2-fold training part then holds one link per
    label, which crashed in scikit-learn (IndexError) instead of saying what to do."""
    labels = _relabelled(tmp_path / "labels.csv", {"directory": "dir"})
    result = run("train", labels, "--pages", EXAMPLES / "pages.warc.gz", "-o", tmp_path / "m.skops", "--cv", "2")
    assert result.returncode == 2, result.stderr
    assert len(result.stderr.strip().splitlines()) == 1 and "Traceback" not in result.stderr
    assert "too few labelled links for 2-fold cross-validation" in result.stderr
    assert "link_farm 1 link on 1 site" in result.stderr and "--with-shipped" in result.stderr
    assert not (tmp_path / "m.skops").exists()


def test_labels_differing_in_case_or_spaces_are_used_and_unknown_ones_counted(tmp_path, run):  # noqa: F811
    toxic = {"source_url": "https://summitnotes.example.org/2025/03/ten-years-of-mountain-running",
             "target_url": "https://x.example/", "anchor": "x", "label": " Toxic "}
    labels = _relabelled(tmp_path / "labels.csv", {"editorial": "Editorial", "spam": " spam ",
                                                   "guest_post": "GUEST_POST", "link_farm": "\tLink_Farm"},
                         extra=[toxic])
    result = run("evaluate", labels, "--pages", EXAMPLES / "pages.warc.gz")
    assert result.returncode == 0, result.stderr
    assert "real pages: 6 links" in result.stderr + result.stdout
    assert "linktriage: skipped unknown label 'Toxic' 1" in result.stderr


@pytest.mark.parametrize("base", ["http://[::1", "https://[x]/", "http://["])
def test_a_base_href_that_is_not_a_url_is_ignored(base):
    """urljoin raised on it, which ended the whole run (score, train, evaluate) and made the HTTP API answer 500."""
    frame = linktriage.score([
        {"source_url": "https://a.example.org/post", "target_url": TARGET, "html": f"<base href='{base}'>{LINK}"},
        {"source_url": "https://b.example.net/", "target_url": TARGET, "html": LINK},
    ])
    assert frame["link_status"].tolist() == ["live", "live"]


def test_a_page_no_rule_foresaw_is_an_error_row_not_the_end_of_the_run(monkeypatch):
    """Rows in = rows out whatever fails: an unexpected failure while analysing one page becomes that page's rows'
    error, with the exception named so it can be reported; the other pages are scored."""
    import linktriage.analyse

    features = linktriage.analyse.page_features

    def fails_on_one_page(page):
        if "broken" in page.base_url:
            raise RuntimeError("something no rule foresaw")
        return features(page)

    monkeypatch.setattr(linktriage.analyse, "page_features", fails_on_one_page)
    frame = linktriage.score([
        {"source_url": "https://a.example.org/broken", "target_url": TARGET, "html": LINK},
        {"source_url": "https://a.example.org/broken", "target_url": "https://other.example/", "html": LINK},
        {"source_url": "https://b.example.net/fine", "target_url": TARGET, "html": LINK},
    ])
    assert frame["link_status"].tolist() == ["error", "error", "live"]
    assert frame.loc[0, "reasons"] == "could not analyse the page (RuntimeError: something no rule foresaw)"


def test_a_link_past_the_part_of_a_huge_page_that_is_read_is_not_called_missing():
    """Pages are cut at MAX_HTML_CHARS; a link after the cut came out `missing`, which an audit reads as a lost
    backlink, though it was never looked for. When the part not read names the target's host, the row is not
    judged and says why; when it does not, the link is missing indeed."""
    from linktriage.extract import MAX_HTML_CHARS

    filler = "<html><body>" + "<p>filler text</p>" * (MAX_HTML_CHARS // 18)
    frame = linktriage.score([
        {"source_url": "https://a.example.org/huge", "target_url": TARGET, "html": filler + LINK},
        {"source_url": "https://c.example.org/huge", "target_url": TARGET, "html": filler + "<p>the end</p>"},
        {"source_url": "https://b.example.org/small", "target_url": TARGET,
         "html": "<html><body><p>nothing here</p></body></html>"},
    ])
    assert frame["link_status"].tolist() == ["error", "missing", "missing"]
    host = TARGET.split("/")[2]
    assert frame.loc[0, "reasons"] == (f"page too large: only its first {MAX_HTML_CHARS:,} characters are read, "
                                       f"and {host} is named only after them (not judged)")
    assert frame["label"].isna().tolist() == [True, True, True]
    assert frame.loc[1, "reasons"].endswith(f"(only its first {MAX_HTML_CHARS:,} characters are read)")
    assert frame.loc[2, "reasons"] == f"no link to {TARGET} on the page"


def test_linktriage_debug_lets_an_unforeseen_page_failure_through(monkeypatch):
    import linktriage.analyse

    def fails(page):
        raise RuntimeError("something no rule foresaw")

    monkeypatch.setattr(linktriage.analyse, "page_features", fails)
    monkeypatch.setenv("LINKTRIAGE_DEBUG", "1")
    with pytest.raises(RuntimeError, match="no rule foresaw"):
        linktriage.score([{"source_url": "https://a.example.org/p", "target_url": TARGET, "html": LINK}])


def test_a_url_that_is_none_has_no_domain():
    """"not a url" came out with source_domain "not a url" (and "https://ex .com/" with "ex .com"), so
    --domains listed them as referring sites."""
    frame = linktriage.score([
        {"source_url": "not a url", "target_url": TARGET},
        {"source_url": "https://ex .com/", "target_url": TARGET},
        {"source_url": "https://a.example.org/post", "target_url": "https://t .example/", "html": LINK},
        {"source_url": "https://a.example.org/post", "target_url": TARGET, "html": LINK},
    ])
    assert frame["link_status"].tolist()[:2] == ["error", "error"]
    assert frame["source_domain"].tolist() == ["", "", "example.org", "example.org"]
    assert frame["target_domain"].tolist()[2] == ""
    assert frame["target_domain"].tolist()[3] != ""


def test_urls_an_export_prints_decoded_are_read_as_browsers_send_them():
    """Exports print URLs decoded ("?title=Types of Service"): such a source was an error row "not a URL (contains
    spaces)" and such a target had no domain, though the page links it (raw or %20-encoded)."""
    target = "https://t.example.com/s?title=Types of Service"
    page = "<html><body><p>Read <a href='{}'>this guide</a> now.</p></body></html>"
    frame = linktriage.score([
        {"source_url": "https://a.example.org/my page", "target_url": target, "html": page.format(target)},
        {"source_url": "https://b.example.org/y", "target_url": target,
         "html": page.format(target.replace(" ", "%20"))},
    ])
    assert frame["link_status"].tolist() == ["live", "live"]
    assert frame["source_url"][0] == "https://a.example.org/my%20page"
    assert frame["target_domain"].tolist() == ["example.com", "example.com"]


def test_a_link_also_in_a_hidden_mobile_menu_is_judged_where_it_shows():
    """Themes repeat their menu and social links in a mobile menu hidden until opened. The first copy in document
    order, the hidden one, was judged: a footer "Facebook" link came out spam, "hidden link"."""
    social = "https://www.facebook.com/exampletimes/"
    article = "<p>" + "The council met on Tuesday to discuss the new bridge. " * 30 + "</p>"
    page = (f"<html><body><div id='mobile-nav' style='visibility:hidden'><a href='{social}'>Facebook</a></div>"
            f"<article>{article}</article><footer><a href='{social}'>Facebook</a> <a href='/about'>About</a>"
            "</footer></body></html>")
    frame = linktriage.score([{"source_url": "https://news.example.org/bridge", "target_url": social,
                               "anchor": "Facebook", "html": page},
                              {"source_url": "https://news.example.org/bridge", "target_url": social, "html": page}])
    assert frame["position"].tolist() == ["footer", "footer"]
    assert not any("hidden" in reasons for reasons in frame["reasons"]), frame["reasons"].tolist()
