"""hrefs read as a browser reads them (the WHATWG URL standard), not as urljoin does.

A link is a backlink if a visitor's click lands on the target. Browsers drop tabs and newlines inside an href, read
its scheme in any case and, in web URLs, read a backslash as a slash; the corpus has 165 "JavaScript:" /
"Javascript:" hrefs on 61 pages and 109 hrefs with a tab or newline inside on 46.
"""

from __future__ import annotations

import pytest
from test_locate import ARTICLE_TEXT, one, page

from linktriage.extract import normalise_href

BASE = "https://blog.example.org/2024/post"


@pytest.mark.parametrize("href, resolved", [
    ("https:\\\\target.example\\guides\\boots", "https://target.example/guides/boots"),
    ("\\\\target.example\\guides", "https://target.example/guides"),          # scheme-relative, as "//"
    ("..\\archive\\2023", "https://blog.example.org/archive/2023"),
    ("https://target.example/search?q=a\\b#x\\y", "https://target.example/search?q=a\\b#x\\y"),  # query kept
    ("http://tar\nget.example/pa\tge\r\n", "http://target.example/page"),
    ("\x00\x1f https://target.example/ \x0b", "https://target.example/"),
    ("HTTPS://target.example/", "https://target.example/"),
    ("JavaScript:void(0)", ""), ("JAVASCRIPT:history.back()", ""), (" Mailto:desk@target.example", ""),
    ("java\nscript:alert(1)", ""), ("Tel:+4312345", ""), ("DATA:text/html,hi", ""),
    ("urn:isbn:0451450523", "urn:isbn:0451450523"),
    ("foo:a\\b", "foo:a\\b"),                                                     # not a web scheme: kept
])
def test_an_href_resolves_where_a_browser_goes(href, resolved):
    assert normalise_href(href, BASE) == resolved


def test_a_backslashed_or_broken_href_to_the_target_is_found():
    html = (f"<html><body><article><p>{ARTICLE_TEXT} Read <a href='https:\\\\www.target.example\\guides\\boots'>our "
            "boot guide</a> first.</p></article></body></html>")
    link = one(html, "https://www.target.example/guides/boots")
    assert link.href == "https://www.target.example/guides/boots" and link.position == "content"
    html = (f"<html><body><article><p>{ARTICLE_TEXT} See <a href='https://shop.tar\nget.example/'>the shop</a>."
            "</p></article></body></html>")
    assert one(html, "https://shop.target.example/").anchor_text == "the shop"


def test_script_hrefs_in_any_case_are_not_links_of_the_page():
    links = ("<a href='https://a.example/'>a</a> <a href='JavaScript:void(0)'>menu</a> "
             "<a href='Javascript:window.print()'>print</a> <a href='MAILTO:desk@a.example'>mail</a>")
    info = page(f"<html><body><article><p>{ARTICLE_TEXT} {links}</p></article></body></html>").info
    assert (info.page_links, info.page_external_links) == (1, 1)


def test_a_base_href_is_read_as_a_browser_reads_it():
    html = (f"<html><head><base href=' https:\\\\cdn.example\\docs\\ '></head><body><article><p>{ARTICLE_TEXT} "
            "<a href='guide.html'>the guide</a></p></article></body></html>")
    assert one(html, "https://cdn.example/docs/guide.html").href == "https://cdn.example/docs/guide.html"
