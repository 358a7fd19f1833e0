"""Archives of other tools: deduplicating crawlers' revisit records and resource records are pages too.

Heritrix, wget --warc-dedup and Browsertrix store a page whose payload they saw before as a ``revisit`` record that
names the earlier capture; its links came out ``missing`` ("not in the archive") before. ``resource`` records hold
a document without its HTTP answer (warcit archives local files that way).
"""

from __future__ import annotations

import gzip
import io
import warnings

import pytest
import linktriage
from linktriage.sources import WarcArchive
from warcio.archiveiterator import ArchiveIterator
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

TARGET = "https://shop.example/"
PAGE = f"<html><body><article><p>Our review of the shop: <a href='{TARGET}'>the shop</a>.</p></article></body></html>"


def _http(status: str, headers: dict) -> StatusAndHeaders:
    return StatusAndHeaders(status, list(headers.items()), protocol="HTTP/1.1")


def _response(writer: WARCWriter, url: str, body: bytes, headers: dict | None = None, status: str = "200 OK"):
    record = writer.create_warc_record(url, "response", payload=io.BytesIO(body),
                                       http_headers=_http(status, headers or {"Content-Type": "text/html"}))
    writer.write_record(record)
    return record.rec_headers.get_header("WARC-Payload-Digest"), record.rec_headers.get_header("WARC-Date")


def _revisit(writer: WARCWriter, url: str, digest: str | None, refers_to: str, date: str,
             http: StatusAndHeaders | None = None, profile: str | None = None) -> None:
    record = writer.create_revisit_record(url, digest or "sha1:UNUSED", refers_to, date, http_headers=http)
    if digest is None:  # a "server-not-modified" revisit names the capture but no payload digest
        record.rec_headers.remove_header("WARC-Payload-Digest")
    if profile:
        record.rec_headers.replace_header("WARC-Profile", profile)
    writer.write_record(record)


def _score(urls: list[str], pages: list) -> list[tuple[str, str]]:
    rows = linktriage.score([{"source_url": url, "target_url": TARGET} for url in urls], pages=pages)
    return list(zip(rows["link_status"], rows["reasons"].fillna("")))


def test_a_deduplicated_page_is_read_from_the_capture_it_repeats(tmp_path):
    path = tmp_path / "dedup.warc.gz"
    with open(path, "wb") as stream:
        writer = WARCWriter(stream, gzip=True, warc_version="1.1")
        body = gzip.compress(PAGE.encode())  # the original's Content-Encoding decodes the shared payload
        digest, date = _response(writer, "https://blog.example/post", body,
                                 {"Content-Type": "text/html", "Content-Encoding": "gzip"})
        _revisit(writer, "https://blog.example/post?utm_source=feed", digest, "https://blog.example/post", date,
                 http=_http("200 OK", {"Content-Type": "text/html", "Content-Encoding": "gzip"}))
        # some writers keep no HTTP answer in a revisit at all: the capture's answer stands
        _revisit(writer, "https://blog.example/amp", digest, "https://blog.example/post", date)
    archive = WarcArchive([path])
    page = archive.get("https://blog.example/post?utm_source=feed")
    assert page.status == "ok" and page.final_url == "https://blog.example/post?utm_source=feed"
    assert page.body.decode() == PAGE
    assert archive.get("https://blog.example/amp").body.decode() == PAGE
    statuses = _score(["https://blog.example/post?utm_source=feed", "https://blog.example/post",
                       "https://blog.example/amp"], [path])
    assert [s for s, _ in statuses] == ["live", "live", "live"]


def test_a_revisit_of_a_capture_in_another_archive_needs_that_archive(tmp_path):
    first, second = tmp_path / "crawl-1.warc.gz", tmp_path / "crawl-2.warc.gz"
    with open(first, "wb") as stream:
        digest, date = _response(WARCWriter(stream, gzip=True), "https://blog.example/a", PAGE.encode())
    with open(second, "wb") as stream:
        _revisit(WARCWriter(stream, gzip=True), "https://blog.example/a", digest, "https://blog.example/a", date,
                 http=_http("200 OK", {"Content-Type": "text/html"}))
    # the later crawl's revisit comes first on the command line: the capture is found in the other file all the same
    assert [s for s, _ in _score(["https://blog.example/a"], [second, first])] == ["live"]
    [(status, reason)] = _score(["https://blog.example/a"], [second])
    assert status == "error"
    assert reason == ("archived as a revisit of an earlier capture that none of the --pages archives holds: "
                      "pass the archive with that capture too")


def test_a_not_modified_revisit_is_the_page_it_names(tmp_path):
    """WARC 1.1's server-not-modified profile: the crawler got a 304 and kept no payload or digest."""
    path = tmp_path / "revisit.warc"
    with open(path, "wb") as stream:
        writer = WARCWriter(stream, gzip=False, warc_version="1.1")
        _, date = _response(writer, "https://blog.example/b", PAGE.encode())
        _revisit(writer, "http://www.blog.example/b/", None, "https://blog.example/b", date,
                 http=_http("304 Not Modified", {}),
                 profile="http://netpreserve.org/warc/1.1/revisit/server-not-modified")
    page = WarcArchive([path]).get("http://www.blog.example/b/")
    assert (page.status, page.http_status, page.final_url) == ("ok", 200, "http://www.blog.example/b/")
    assert page.body.decode() == PAGE


def test_a_not_modified_revisit_given_first_finds_its_capture_in_a_later_archive(tmp_path):
    """Without a digest, the revisit was its URL's first record, and the capture in the archive given after it was
    out of reach: "a revisit of an earlier capture that none of the --pages archives holds", though one did."""
    crawl, dedup = tmp_path / "crawl.warc.gz", tmp_path / "dedup.warc.gz"
    with open(crawl, "wb") as stream:
        _, date = _response(WARCWriter(stream, gzip=True), "https://blog.example/c", PAGE.encode())
    with open(dedup, "wb") as stream:
        _revisit(WARCWriter(stream, gzip=True, warc_version="1.1"), "https://blog.example/c", None,
                 "https://blog.example/c", date, http=_http("304 Not Modified", {}),
                 profile="http://netpreserve.org/warc/1.1/revisit/server-not-modified")
    for order in ([crawl, dedup], [dedup, crawl]):
        assert [s for s, _ in _score(["https://blog.example/c"], order)] == ["live"], order
    assert [s for s, _ in _score(["https://blog.example/c"], [dedup])] == ["error"]


def test_a_revisit_keeps_its_own_redirect(tmp_path):
    """Two redirects with empty bodies share one payload digest: a revisit's own status and Location are the
    answer, not the earlier capture's."""
    path = tmp_path / "redirects.warc.gz"
    with open(path, "wb") as stream:
        writer = WARCWriter(stream, gzip=True)
        digest, date = _response(writer, "https://blog.example/old-1", b"", {"Location": "https://blog.example/x"},
                                 status="301 Moved Permanently")
        _revisit(writer, "https://blog.example/old-2", digest, "https://blog.example/old-1", date,
                 http=_http("301 Moved Permanently", {"Location": "https://blog.example/new"}))
        _response(writer, "https://blog.example/new", PAGE.encode())
    page = WarcArchive([path]).get("https://blog.example/old-2")
    assert (page.status, page.final_url, page.redirected) == ("ok", "https://blog.example/new", True)


def test_resource_records_are_pages_typed_by_their_warc_content_type(tmp_path):
    path = tmp_path / "files.warc.gz"
    with open(path, "wb") as stream:
        writer = WARCWriter(stream, gzip=True)
        for url, kind, body in (("https://site.example/page.html", "text/html", PAGE.encode()),
                                ("https://site.example/logo.png", "image/png", b"\x89PNG\r\n\x1a\n" + b"\0" * 64)):
            writer.write_record(writer.create_warc_record(url, "resource", payload=io.BytesIO(body),
                                                          warc_content_type=kind))
    assert [s for s, _ in _score(["https://site.example/page.html"], [path])] == ["live"]
    [(status, reason)] = _score(["https://site.example/logo.png"], [path])
    assert (status, reason) == ("error", "not HTML: image/png")


def test_a_revisit_is_found_from_another_working_directory(tmp_path, monkeypatch):
    """A Dask worker gets the index with absolute paths: a revisit's capture must move with it."""
    monkeypatch.chdir(tmp_path)
    with open("dedup.warc.gz", "wb") as stream:
        writer = WARCWriter(stream, gzip=True)
        digest, date = _response(writer, "https://blog.example/a", PAGE.encode())
        _revisit(writer, "https://blog.example/b", digest, "https://blog.example/a", date)
    archive = WarcArchive(["dedup.warc.gz"]).with_absolute_paths()
    monkeypatch.chdir(tmp_path.parent)
    assert archive.get("https://blog.example/b").body.decode() == PAGE


@pytest.mark.parametrize("order", ["earlier first", "later first"])
def test_a_revisit_of_a_revisit_is_read_from_the_first_capture(tmp_path, order):
    """A page deduplicated crawl after crawl: the third crawl's revisit names the second's, which names the
    capture. Which record was resolved first decided the answer: an empty page, or 'no archive holds it'."""
    path = tmp_path / "crawls.warc.gz"
    with open(path, "wb") as stream:
        writer = WARCWriter(stream, gzip=True, warc_version="1.1")
        _, date = _response(writer, "https://blog.example/a", PAGE.encode())
        # no digest in either revisit: each is found by the URI it names
        revisits = [("https://blog.example/a?crawl=2", "https://blog.example/a"),
                    ("https://blog.example/a?crawl=3", "https://blog.example/a?crawl=2")]
        for url, refers_to in revisits if order == "earlier first" else revisits[::-1]:
            _revisit(writer, url, None, refers_to, date, http=_http("200 OK", {"Content-Type": "text/html"}))
    page = WarcArchive([path]).get("https://blog.example/a?crawl=3")
    assert (page.status, page.body.decode()) == ("ok", PAGE)


def test_a_page_in_two_archives_is_read_from_the_first_given_and_the_run_says_so(tmp_path):
    # the same crawl as captured and as an annotated or cleaned copy: rows silently came out "missing" from the copy
    crawled, copy = tmp_path / "crawl.warc.gz", tmp_path / "copy.warc.gz"
    with open(crawled, "wb") as stream:
        writer = WARCWriter(stream, gzip=True)
        _response(writer, "https://blog.example/a", PAGE.encode())
        _response(writer, "https://blog.example/b", PAGE.encode())
    with open(copy, "wb") as stream:
        writer = WARCWriter(stream, gzip=True)
        _response(writer, "https://blog.example/a", b"<html><body><p>The text, without its links.</p></body></html>")
        _response(writer, "https://blog.example/only-here", PAGE.encode())
    with pytest.warns(UserWarning) as caught:
        assert [s for s, _ in _score(["https://blog.example/a"], [copy, crawled])] == ["missing"]
    assert [str(w.message) for w in caught] == [
        f"--pages: 1 page of {crawled} is also in {copy}, which is read instead (the archive given first wins); "
        f"give {crawled} first to read its copies"]
    with pytest.warns(UserWarning, match=f"1 page of {copy} is also in {crawled}"):
        assert [s for s, _ in _score(["https://blog.example/a"], [crawled, copy])] == ["live"]


def test_pages_repeated_in_one_archive_or_by_revisits_are_not_reported(tmp_path, recwarn):
    # a re-fetch appended to the same archive, and a later crawl's revisit of an earlier one: nothing is hidden
    first, second = tmp_path / "crawl-1.warc.gz", tmp_path / "crawl-2.warc.gz"
    with open(first, "wb") as stream:
        writer = WARCWriter(stream, gzip=True)
        digest, date = _response(writer, "https://blog.example/a", PAGE.encode())
        _response(writer, "https://blog.example/a", PAGE.encode())
    with open(second, "wb") as stream:
        _revisit(WARCWriter(stream, gzip=True), "https://blog.example/a", digest, "https://blog.example/a", date,
                 http=_http("200 OK", {"Content-Type": "text/html"}))
    for pages in ([first], [first, second], [second, first]):
        assert [s for s, _ in _score(["https://blog.example/a"], pages)] == ["live"]
        assert WarcArchive(pages).shadowed == {}
    assert not [w for w in recwarn if "--pages" in str(w.message)]


def test_a_page_in_two_archives_under_two_spellings_is_reported_too(tmp_path, recwarn):
    """The same page under two spellings of its URL in two archives: an export spelling it as neither read the
    first archive's copy, and the run said nothing (it warned only for the very same URL)."""
    crawled, copy = tmp_path / "crawl.warc.gz", tmp_path / "copy.warc.gz"
    with open(crawled, "wb") as stream:
        _response(WARCWriter(stream, gzip=True), "https://www.blog.example/a/", PAGE.encode())
    with open(copy, "wb") as stream:
        writer = WARCWriter(stream, gzip=True)
        _response(writer, "http://blog.example/a", b"<html><body><p>The text, without its links.</p></body></html>")
        _response(writer, "https://www.blog.example/a?page=2", PAGE.encode())  # another page: not reported
    with pytest.warns(UserWarning) as caught:
        assert [s for s, _ in _score(["https://blog.example/a"], [copy, crawled])] == ["missing"]
    assert [str(w.message) for w in caught] == [
        f"--pages: 1 page of {crawled} is also in {copy} under another spelling of its URL (http or https, www., a "
        f"trailing slash); {copy}'s copy is read unless the export spells the URL as {crawled} does; give "
        f"{crawled} first to read its copies"]
    assert [s for s, _ in _score(["https://www.blog.example/a/"], [copy, crawled])] == ["live"]  # as spelt there
    assert WarcArchive([crawled]).respelled == WarcArchive([copy]).respelled == {}


def test_an_archive_cut_anywhere_in_its_last_record_reads_as_cut_off_never_as_a_crash(tmp_path):
    """A copy cut inside the last record's gzip member: cut early in its headers, warcio failed (an AttributeError:
    the run's "internal error"), or refused the whole archive as damaged; cut later, it stopped without a word and
    the page came out not_fetched. Now the page is "page cut off" wherever its URL can still be read, and absent
    only where the cut took its URL; the other pages read as before."""
    from conftest import EXAMPLES

    data = (EXAMPLES / "pages.warc.gz").read_bytes()
    with open(EXAMPLES / "pages.warc.gz", "rb") as stream:
        records = ArchiveIterator(stream)
        starts = [(records.get_record_offset(), r.rec_headers.get_header("WARC-Target-URI")) for r in records]
    last_start, last_url = starts[-1]
    cut_path = tmp_path / "cut.warc.gz"
    said = []
    for cut in range(1, len(data) - last_start):  # every length the last member can be cut to
        cut_path.write_bytes(data[:-cut])
        archive = WarcArchive([cut_path])
        page = archive.get(last_url)
        said.append("absent" if page is None else page.reason)
        assert page is None or (page.status, page.reason) == (
            "error", "page cut off: the archive ends inside its record (a truncated file)"), cut
        assert all(archive.get(url).status == "ok" for _, url in starts[:-1]), cut
    assert said[:200] == ["page cut off: the archive ends inside its record (a truncated file)"] * 200


def test_a_body_the_crawler_cut_short_is_cut_off_not_a_page_without_the_link(tmp_path):
    """Heritrix and warcprox mark a body they stopped storing with WARC-Truncated; other crawlers store what they got
    under the answer's own Content-Length. Read as a whole page, the link after the cut was reported missing."""
    page = (f"<html><body><article><p>{'Trail notes, boots and packs. ' * 60}</p>"
            f"<p>Bought at <a href='{TARGET}'>the shop</a>.</p></article></body></html>").encode()
    half = page[: len(page) // 2]
    squeezed = gzip.compress(page)
    path = tmp_path / "cut.warc.gz"
    with open(path, "wb") as stream:
        writer = WARCWriter(stream, gzip=True)

        def response(url, body, headers, warc_headers=None):
            record = writer.create_warc_record(url, "response", payload=io.BytesIO(body),
                                               http_headers=_http("200 OK", headers),
                                               warc_headers_dict=warc_headers or {})
            writer.write_record(record)

        html = {"Content-Type": "text/html"}
        response("https://a.example/flagged", half, {**html, "Content-Length": str(len(page))},
                 {"WARC-Truncated": "length"})
        response("https://a.example/short", half, {**html, "Content-Length": str(len(page))})
        response("https://a.example/whole", page, {**html, "Content-Length": str(len(page))})
        # a body kept decoded under its original, smaller Content-Length and encoding is whole
        response("https://a.example/decoded", page, {**html, "Content-Encoding": "gzip",
                                                      "Content-Length": str(len(squeezed))})
        response("https://a.example/chunked", b"%x\r\n%s\r\n0\r\n\r\n" % (len(page), page),
                 {**html, "Transfer-Encoding": "chunked"})
        response("https://a.example/flagged-whole", page, html, {"WARC-Truncated": "time"})
    got = _score(["https://a.example/flagged", "https://a.example/short", "https://a.example/whole",
                  "https://a.example/decoded", "https://a.example/chunked", "https://a.example/flagged-whole"], [path])
    assert got[0] == ("error", "page cut off: the crawler stored only part of it (WARC-Truncated: length)")
    assert got[1] == ("error", f"page cut off: the archive holds {len(half):,} of the {len(page):,} bytes its "
                               "Content-Length announces")
    assert [status for status, _ in got[2:5]] == ["live"] * 3
    # the crawler says it stopped early: whatever it kept is not known to be the whole page
    assert got[5] == ("error", "page cut off: the crawler stored only part of it (WARC-Truncated: time)")


def test_a_server_error_capture_yields_to_the_crawlers_later_retry(tmp_path):
    """Heritrix and wget archive a 503 or 429 and the retry after it: the first capture won, so the page was an error
    row although the archive holds it whole. Any other first capture still wins (a 404, or a page re-fetched)."""
    first, second = tmp_path / "first.warc.gz", tmp_path / "second.warc.gz"
    with open(first, "wb") as stream:
        writer = WARCWriter(stream, gzip=True)
        _response(writer, "https://a.example/retried", b"busy", status="503 Service Unavailable")
        _response(writer, "https://a.example/retried", PAGE.encode())
        _response(writer, "https://a.example/throttled", b"slow down", status="429 Too Many Requests")
        _response(writer, "https://a.example/failed-twice", b"busy", status="503 Service Unavailable")
        _response(writer, "https://a.example/failed-twice", b"down", status="500 Internal Server Error")
        _response(writer, "https://a.example/gone", b"gone", status="404 Not Found")
        _response(writer, "https://a.example/gone", PAGE.encode())
        _response(writer, "https://a.example/changed", PAGE.replace("the shop", "our shop").encode())
        _response(writer, "https://a.example/changed", b"<html><body>nothing</body></html>")
    with open(second, "wb") as stream:
        _response(WARCWriter(stream, gzip=True), "https://a.example/throttled", PAGE.encode())
    urls = ["https://a.example/retried", "https://a.example/throttled", "https://a.example/failed-twice",
            "https://a.example/gone", "https://a.example/changed"]
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # second.warc.gz's page is read: no "is also in first.warc.gz" warning
        got = _score(urls, [first, second])
    assert [status for status, _ in got] == ["live", "live", "error", "page_gone", "live"]
    assert got[2][1] == "HTTP 503"


def test_resources_that_are_no_web_pages_are_not_counted_as_pages_in_two_archives(tmp_path):
    """wget writes "metadata://gnu.org/software/wget/warc/wget_arguments.txt" and its log into every archive: two
    wget archives with no page in common were reported as holding 2 pages of each other."""
    archives = []
    for name, url in (("a.warc.gz", "https://one.example/"), ("b.warc.gz", "https://two.example/")):
        with open(tmp_path / name, "wb") as stream:
            writer = WARCWriter(stream, gzip=True)
            _response(writer, url, PAGE.encode())
            for uri in ("metadata://gnu.org/software/wget/warc/wget_arguments.txt",
                        "metadata://gnu.org/software/wget/warc/wget.log"):
                writer.write_record(writer.create_warc_record(uri, "resource", payload=io.BytesIO(b"wget -i urls"),
                                                              warc_content_type="text/plain"))
        archives.append(tmp_path / name)
    archive = WarcArchive(archives)
    assert archive.shadowed == {} and archive.respelled == {}
