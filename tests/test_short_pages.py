"""The shipped model on short genuine posts: one link to a shop named in passing is editorial, never toxic.

The model called such a link link_farm (0.93-0.96, toxic, so `disavow` would list the site) because the only short
articles of its generated training pages were PBN pages (evaluation/error_analysis_notes.md item 21). The pages
here are made up for this test and are not training material.
"""

from __future__ import annotations

import pytest

import linktriage

TARGET = "https://alpinetrailco.com/boots"
STORY = (f"We walked the ridge trail on Saturday. The weather held, and my new boots from <a href='{TARGET}'>Alpine "
         "Trail Co</a> kept my feet dry through two stream crossings. Next month we plan the longer loop.")
MORE = "<p>The car park fills by nine, so start early. There is water at the hut but nowhere else on the route.</p>"
MENU = "".join(f"<li><a href='/{name}'>{name.title()}</a></li>" for name in ("trails", "gear", "trips", "about"))
RECENT = "".join(f"<li><a href='/2024/0{i}/trip-{i}'>Trip report {i}</a></li>" for i in range(1, 6))


def _wordpress(paragraphs: str) -> str:
    return ("<html><head><title>My weekend hike – Hiking Notes</title></head><body class='single'><div id='page'>"
            f"<header class='site-header'><a href='/'>Hiking Notes</a><nav class='main-navigation'><ul>{MENU}</ul>"
            "</nav></header><main id='main'><article class='post'><h1 class='entry-title'>My weekend hike</h1>"
            "<div class='entry-meta'>Posted on <time datetime='2024-05-03'>May 3, 2024</time> by <a href='/author/"
            f"anna'>Anna</a></div><div class='entry-content'>{paragraphs}</div></article></main><aside "
            f"class='widget-area'><h2>Recent posts</h2><ul>{RECENT}</ul></aside><footer class='site-footer'>© 2024 "
            "Hiking Notes · <a href='/privacy'>Privacy</a> · Powered by <a href='https://wordpress.org/'>WordPress"
            "</a></footer></div></body></html>")


PAGES = {
    "bare paragraph": f"<html><head><title>My weekend hike</title></head><body><article><h1>My weekend hike</h1>"
                      f"<p>{STORY}</p></article></body></html>",
    "blog post, one paragraph": _wordpress(f"<p>{STORY}</p>"),
    "blog post, two paragraphs": _wordpress(f"<p>{STORY}</p>{MORE}"),
    "news brief": "<html><head><title>Local shop opens second store</title></head><body><div class='masthead'><a "
                  "href='/'>Valley Gazette</a></div><nav><a href='/news'>News</a> <a href='/sport'>Sport</a></nav>"
                  "<article class='story'><h1>Local outdoor shop opens second store</h1><p class='byline'>By Tom "
                  f"Reed · 12 March 2024</p><div class='story-body'><p>Outdoor retailer <a href='{TARGET}'>Alpine "
                  "Trail Co</a> opened its second store on Main Street on Friday, creating eight jobs.</p><p>The "
                  "owners said demand for hiking gear had doubled since 2020.</p></div></article><footer>© Valley "
                  "Gazette · <a href='/terms'>Terms</a></footer></body></html>",
}


@pytest.fixture(scope="module")
def rows():
    links = [{"source_url": f"https://blog{i}.example/2024/05/post", "target_url": TARGET, "html": html}
             for i, html in enumerate(PAGES.values())]
    return linktriage.score(links)


@pytest.mark.parametrize("i, page", list(enumerate(PAGES)))
def test_a_short_post_naming_a_shop_is_editorial_and_not_toxic(rows, i, page):
    row = rows.iloc[i]
    assert row["link_status"] == "live" and row["position"] == "content"
    assert (row["label"], bool(row["toxic"])) == ("editorial", False), (page, row["label"], row["confidence"])
