"""Pages that moved by ``<meta http-equiv="refresh">`` instead of an HTTP redirect are followed, as a browser
(and scrapy's MetaRefreshMiddleware) follows them, live and in the archive alike. Before, the link was looked for
on the "this page has moved" stub and came out missing."""

from __future__ import annotations

from urllib.parse import quote

import linktriage
import pytest
from conftest import write_warc
from test_fetch_archive import FAST, server  # noqa: F401 - the fast settings and the local server fixture

from linktriage.sources import WarcArchive
from linktriage.sources.fetch import fetch_pages


def _refresh(server, url: str, **more: str) -> str:
    return server.url("/refresh?url=" + quote(url) + "".join(f"&{k}={quote(v)}" for k, v in more.items()))


def test_a_page_moved_by_meta_refresh_is_followed_live_and_in_the_archive(server, tmp_path):
    archive = tmp_path / "pages.warc.gz"
    url = _refresh(server, "/page/moved")
    [live] = fetch_pages([url], FAST, archive=archive)
    assert (live.status, live.redirected, live.final_url) == ("ok", True, server.url("/page/moved"))
    assert b"Some text about moved" in live.body
    again = WarcArchive([archive]).get(url)
    assert (again.status, again.redirected, again.final_url, again.body) == (
        live.status, live.redirected, live.final_url, live.body)
    export = tmp_path / "links.csv"
    export.write_text(f"source_url,target_url\n{url},https://target.example/\n", encoding="utf-8")
    rows = linktriage.score(str(export), pages=[archive])
    assert rows["link_status"].tolist() == ["redirected"]
    assert rows["reasons"][0].startswith(f"page redirects to {live.final_url}"), rows["reasons"][0]


@pytest.mark.parametrize("charset", ["idna", "undefined"])
def test_a_refresh_is_read_whatever_charset_the_page_declares(server, tmp_path, charset):
    # Python has codecs by these names that raise UnicodeError on any page: the refresh was an "internal error"
    archive = tmp_path / "pages.warc.gz"
    url = _refresh(server, "/page/moved", charset=charset)
    [live] = fetch_pages([url], FAST, archive=archive)
    assert (live.status, live.final_url) == ("ok", server.url("/page/moved")), live.reason
    again = WarcArchive([archive]).get(url)
    assert (again.status, again.final_url) == ("ok", live.final_url), again.reason


@pytest.mark.parametrize("what, more", [
    ("a long wait: a page that reloads itself, not one that moved", {"delay": "600"}),
    ("a refresh only for browsers without scripts", {"wrap": "noscript"}),
])
def test_a_refresh_that_does_not_move_the_page_leaves_it_as_it_is(server, what, more):
    url = _refresh(server, "/page/elsewhere", **more)
    [live] = fetch_pages([url], FAST)
    assert (live.status, live.redirected) == ("ok", False), what
    assert b"This page has moved" in live.body


@pytest.mark.parametrize("where", ["javascript:alert(1)", "data:text/html,hi", "http://[::1/"])
def test_a_refresh_to_a_url_no_fetch_may_follow_leaves_the_page_as_it_is(server, tmp_path, where):
    archive = tmp_path / "pages.warc.gz"
    url = _refresh(server, where)
    [live] = fetch_pages([url], FAST, archive=archive)
    assert (live.status, live.redirected) == ("ok", False)
    again = WarcArchive([archive]).get(url)
    assert (again.status, again.redirected, again.body) == ("ok", False, live.body)


def test_a_refresh_to_itself_is_a_reload_and_two_pages_refreshing_to_each_other_a_loop(server):
    itself, loop = server.url("/refresh?url=self"), server.url("/refresh/loop/a?url=loop")
    [first, second] = fetch_pages([itself, loop], FAST)
    assert (first.status, first.redirected) == ("ok", False)
    assert second.status == "error" and second.reason.startswith("redirect loop"), second.reason


def test_an_archived_refresh_whose_target_was_not_archived(tmp_path):
    path = write_warc(tmp_path / "other-tool.warc.gz", {
        "https://a.example/old": '<html><head><meta http-equiv="refresh" content="0;URL=\'/new\'"></head></html>'})
    page = WarcArchive([path]).get("https://a.example/old")
    assert (page.status, page.final_url, page.reason) == (
        "not_fetched", "https://a.example/new", "redirect target not in the archives")
