"""A referring URL that redirects to the target's own site is a redirect backlink, not a page with a link.

Before, the row was judged on the target's own page: its logo or navigation link to the home page made the
redirect "editorial", "link in the page header"."""

from __future__ import annotations

import csv

import linktriage
from conftest import write_warc
from linktriage.pipeline import ScoreOptions, score_export

TARGET = "https://target.example/"
HOME = ("<html><body><header><a href='/'>Target home</a></header><article><p>We sell trail shoes and give "
        "fitting advice for runners of every level.</p></article></body></html>")
MOVED_HERE = ("<html><body><article><p>This blog moved. Our favourite shop is still <a href='https://target.example/'>"
              "the target shop</a>, for every runner.</p></article></body></html>")
SAYS = ("page redirects to https://target.example/, on the target's own site: a redirect, not a link on a page to "
        "judge")


def test_a_redirect_to_the_target_site_is_not_judged_as_a_page(tmp_path):
    pages = write_warc(tmp_path / "pages.warc.gz", {
        "https://expired.example/old-post": (301, {"Location": TARGET}, b""),
        "https://moved.example/p": '<html><head><meta http-equiv="refresh" content="0; url=https://target.example/">',
        TARGET: HOME,
        # judged as before: a redirect to another site that links to the target, and one inside the target's site
        "https://old-blog.example/": (301, {"Location": "https://new-blog.example/"}, b""),
        "https://new-blog.example/": MOVED_HERE,
        "https://target.example/old": (301, {"Location": TARGET}, b""),
    })
    export = tmp_path / "links.csv"
    with open(export, "w", newline="", encoding="utf-8") as stream:
        writer = csv.writer(stream)
        writer.writerow(["source_url", "target_url"])
        for source in ("https://expired.example/old-post", "https://moved.example/p", "https://old-blog.example/",
                       "https://target.example/old"):
            writer.writerow([source, TARGET])
    rows = linktriage.score(str(export), pages=[pages])
    assert rows["link_status"].tolist() == ["redirected"] * 4
    assert rows["reasons"].tolist()[:2] == [SAYS, SAYS]
    assert rows["label"].isna().tolist() == [True, True, False, False]
    assert rows["source_domain"].tolist()[:2] == ["expired.example", "moved.example"]
    # the outputs that summarise rows take the unjudged redirects as they take other unjudged rows
    out, domains = tmp_path / "scored.csv", tmp_path / "domains.csv"
    score_export([str(export)], ScoreOptions(offline=True, pages=(str(pages),)), output=str(out), domains=str(domains))
    with open(out, newline="", encoding="utf-8") as stream:
        assert [row["label"] for row in csv.DictReader(stream)][:2] == ["", ""]
    with open(domains, newline="", encoding="utf-8") as stream:
        assert {row["source_domain"] for row in csv.DictReader(stream)} >= {"expired.example", "moved.example"}


def test_a_redirect_to_the_target_site_stays_a_redirect_whatever_that_site_answers(tmp_path):
    """A referring page that redirects to the target's site got the target's own failure: its row said the
    referring page blocked us (the target's 403) or was down (the target's DNS), with no word of the redirect."""
    pages = write_warc(tmp_path / "pages.warc.gz", {
        "https://expired.example/a": (301, {"Location": "https://target.example/members"}, b""),
        "https://target.example/members": (403, {"Content-Type": "text/html"}, b"<p>Forbidden</p>"),
        "https://expired.example/b": (301, {"Location": "https://shop.target.example/old"}, b""),  # not archived
        "https://expired.example/c": (301, {"Location": "https://elsewhere.example/"}, b""),  # another site's 403
        "https://elsewhere.example/": (403, {"Content-Type": "text/html"}, b"<p>Forbidden</p>"),
    })
    links = [{"source_url": f"https://expired.example/{page}", "target_url": TARGET} for page in "abc"]
    rows = linktriage.score(links, pages=[str(pages)], offline=True)
    assert rows["link_status"].tolist() == ["redirected", "redirected", "blocked"]
    assert rows["reasons"][0] == ("page redirects to https://target.example/members, on the target's own site (HTTP "
                                  "403: access refused): a redirect, not a link on a page to judge")
    assert rows["reasons"][1].startswith("page redirects to https://shop.target.example/old, on the target's own "
                                         "site (redirect target not in the archives)")
    assert rows["http_status"].tolist()[0] == 403 and rows["label"].isna().all()
