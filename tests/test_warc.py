from __future__ import annotations

import csv
import gzip
from pathlib import Path

import pytest
from test_cli import run  # noqa: F401 - the CLI-in-process fixture

from linktriage import InputError
from linktriage.sources import WarcArchive, url_key
from linktriage.sources._archive_writer import prepare_archive


def test_url_key_ignores_what_does_not_change_the_page():
    assert url_key("https://WWW.Example.com/a/") == url_key("http://example.com/a") == "example.com/a"
    assert url_key("example.com/a?x=1") == "example.com/a?x=1"
    assert url_key("https://example.com:8443/a") == "example.com:8443/a"
    assert url_key("urn:dragnet:12") == "urn:dragnet:12"


def test_archive_reads_pages_and_maps_statuses(warc_factory):
    path = warc_factory({
        "https://a.example/page": "<html><body><p>hello</p></body></html>",
        "https://a.example/gone": (404, {"Content-Type": "text/html"}, b"not here"),
        "https://a.example/forbidden": (403, {}, b""),
        "https://a.example/old": (301, {"Location": "/page"}, b""),
        "https://a.example/loop1": (302, {"Location": "https://a.example/loop2"}, b""),
        "https://a.example/loop2": (302, {"Location": "https://a.example/loop1"}, b""),
        "https://a.example/away": (302, {"Location": "https://elsewhere.example/"}, b""),
        "https://a.example/broken": (302, {"Location": "http://[::1"}, b""),
        "https://a.example/doc.pdf": (200, {"Content-Type": "application/pdf"}, b"%PDF-1.4 ..."),
    })
    archive = WarcArchive([path])
    assert len(archive) == 9
    page = archive.get("http://www.a.example/page/")  # lenient match
    assert page.status == "ok" and page.http_status == 200 and b"hello" in page.body and page.charset == "utf-8"
    assert archive.get("https://a.example/gone").status == "page_gone"
    assert archive.get("https://a.example/forbidden").status == "blocked"
    moved = archive.get("https://a.example/old")
    assert moved.status == "ok" and moved.redirected and moved.final_url == "https://a.example/page"
    assert archive.get("https://a.example/loop1").reason == "redirect loop in archive"
    assert archive.get("https://a.example/away").status == "not_fetched"
    broken = archive.get("https://a.example/broken")  # one bad header is that row's error, not the run's end
    assert broken.status == "error" and "unusable redirect Location" in broken.reason
    pdf = archive.get("https://a.example/doc.pdf")  # refused as a live fetch refuses it, not read for links
    assert pdf.status == "error" and pdf.reason == "not HTML: application/pdf" and pdf.body == b""
    assert archive.get("https://unknown.example/") is None


def test_an_export_url_with_campaign_tags_finds_the_page_archived_without_them(warc_factory):
    """"?utm_source=newsletter" only tells analytics where a visit came from: such a row was "not in the archives"
    though the page is there. Other parameters still select other pages."""
    archive = WarcArchive([warc_factory({"https://a.example/post?id=7": "<html><body><p>post 7</p></body></html>"})])
    for tagged in ("https://a.example/post?id=7&utm_source=newsletter&utm_medium=email",
                   "https://a.example/post?utm_campaign=x&id=7&fbclid=AbC#comments",
                   "https://a.example/post?gclid=1&id=7"):
        page = archive.get(tagged)
        assert page is not None and b"post 7" in page.body, tagged
    assert archive.get("https://a.example/post?id=8&utm_source=x") is None
    assert archive.get("https://a.example/post?utm_source=x") is None  # no id: another page


def test_another_copy_of_an_archive_at_the_indexed_path_is_refused_not_read_as_other_pages(warc_factory, tmp_path):
    """A Dask worker whose file at the archive's path was another copy (the same records in another order) read the
    records at the client's offsets: rows were judged on other pages, their links reported missing."""
    pages = {f"https://a.example/p{i}": f"<html><body><p>page {i} " + "words " * (50 * i) + "</p></body></html>"
             for i in range(1, 4)}
    path = warc_factory(pages)
    archive = WarcArchive([path])
    assert b"page 2" in archive.get("https://a.example/p2").body
    reordered = warc_factory(dict(reversed(pages.items())), name="reordered.warc.gz")
    Path(path).write_bytes(Path(reordered).read_bytes())
    for url in pages:
        with pytest.raises(InputError, match=r"not the archive that was indexed \(the record at byte [\d,]+ is no "
                                             r"longer that of https://a.example/p\d\): .*every worker must read"):
            archive.get(url)
    Path(path).write_bytes(b"\0" * 100)  # truncated or rewritten as something else: the same, not a row's error
    with pytest.raises(InputError, match="not the archive that was indexed"):
        archive.get("https://a.example/p3")


def test_not_a_warc_is_an_input_error(tmp_path):
    bad = tmp_path / "pages.warc.gz"
    for content in (b"\x89PNG\r\n\x1a\n" + b"\0" * 100, gzip.compress(b"hello, not an archive\n"), b""):
        bad.write_bytes(content)
        with pytest.raises(InputError, match="not a WARC archive"):
            WarcArchive([bad])
    with pytest.raises(InputError, match="no such file"):
        WarcArchive([tmp_path / "missing.warc.gz"])
    with pytest.raises(InputError, match="is a directory: pass its archives"):
        WarcArchive([tmp_path])
    for empty in ("", " "):  # `--pages "$PAGES"` with the variable unset was "--pages  is a directory: ..."
        with pytest.raises(InputError, match="^--pages is empty: give a WARC archive's path"):
            WarcArchive([empty])


def test_a_damaged_archive_is_one_readable_line(tmp_path, warc_factory, capsys):
    whole = bytearray(warc_factory({f"https://a.example/{i}": "<p>" + "x" * 3000 + "</p>" for i in range(4)}).read_bytes())
    second = whole.index(b"\x1f\x8b\x08", 10)
    whole[second + 12:second + 200] = bytes(range(188))  # the second record's compressed bytes
    bad = tmp_path / "bad.warc.gz"
    bad.write_bytes(bytes(whole))
    with pytest.raises(InputError) as caught:
        WarcArchive([bad])
    message = str(caught.value)
    assert "\n" not in message and message.isascii() and message.isprintable()
    assert capsys.readouterr().err == ""  # warcio's own warnings do not reach the terminal
    # It said "not a readable WARC archive ...; pass one such as `linktriage fetch` writes", of a file fetch wrote,
    # while `fetch -o` on it promised its readable pages could be scored with --pages. Both now name the damage.
    assert message.startswith(f"--pages {bad} is damaged at byte {second} (")
    with pytest.raises(InputError, match=f"is damaged at byte {second} and .*`score --pages` refuses it too"):
        prepare_archive(bad)


@pytest.mark.parametrize("name", ["pages.warc.gz", "pages.warc"])
def test_a_truncated_archive_gives_its_cut_page_an_error_row(tmp_path, warc_factory, name):
    text = " ".join(str(k * 7919 % 100003) for k in range(3000))  # compresses poorly: the cut lands in the body
    pages = {f"https://a.example/{i}": f"<html><body><p>{text}</p></body></html>" for i in range(3)}
    whole = warc_factory(pages, name=name).read_bytes()
    cut = tmp_path / f"cut-{name}"
    start = whole.rindex(b"\x1f\x8b\x08" if name.endswith(".gz") else b"WARC/1.")  # the last record
    cut.write_bytes(whole[:start + (len(whole) - start) * 2 // 3])  # as a killed writer or a broken copy leaves it
    archive = WarcArchive([cut])
    assert archive.get("https://a.example/0").status == "ok"
    last = archive.get("https://a.example/2")
    assert last.status == "error" and "truncated" in last.reason


def test_idn_hosts_use_uts46_punycode():
    from linktriage._domains import registrable_domain
    from linktriage.sources.warc import url_key

    assert registrable_domain("https://www.faß.de/x") == "xn--fa-hia.de"  # not fass.de: a different site
    assert registrable_domain("https://example..org/") == ""  # no site at all, not ".org"
    assert url_key("https://FAß.de/a") == url_key("https://xn--fa-hia.de/a")


def test_an_export_spells_a_page_decoded_or_encoded(warc_factory):
    """Tools export "/café" where the archive holds "/caf%C3%A9" (and "~" for "%7E"): one page."""
    body = b"<html><body><p>Hello</p></body></html>"
    path = warc_factory({"https://blog.example.org/caf%C3%A9/%7Eann?q=a%20b": body})
    archive = WarcArchive([path])
    for spelling in ("https://blog.example.org/café/~ann?q=a b", "http://www.blog.example.org/caf%c3%a9/~ann/?q=a%20b"):
        found = archive.get(spelling)
        assert found is not None and found.body == body, spelling
    assert archive.get("https://blog.example.org/cafe/~ann?q=a b") is None


def test_archived_charset_is_read_as_a_live_answer_is(warc_factory):
    """The archived Content-Type's charset is parsed by the live fetcher's rule: spaces around "=", quotes and
    further parameters (the archive reader once read "charset = windows-1252" as no charset at all)."""
    body = "<html><body><p>Un café <a href='https://b.example/'>Crème brûlée</a></p></body></html>".encode("cp1252")
    path = warc_factory({
        "https://a.example/spaced": (200, {"Content-Type": "text/html; charset = windows-1252"}, body),
        "https://a.example/quoted": (200, {"Content-Type": 'text/html; Charset="ISO-8859-1"; x=y'}, body),
    })
    archive = WarcArchive([path])
    assert archive.get("https://a.example/spaced").charset == "windows-1252"
    assert archive.get("https://a.example/quoted").charset == "iso-8859-1"
    import linktriage

    rows = linktriage.score([{"source_url": "https://a.example/spaced", "target_url": "https://b.example/"}],
                            pages=[path])
    assert rows.loc[0, "link_status"] == "live" and rows.loc[0, "anchor"] == "Crème brûlée"


def test_an_archived_page_over_the_page_cap_is_an_error_row(warc_factory):
    """A page is kept up to the live fetcher's cap on a decompressed page (10 MB), archived or not: reading stops one
    byte past it, so a huge record (a video archived as a page) costs no more memory than the cap."""
    from linktriage.sources._fetch_settings import MAX_PAGE_BYTES

    huge = b"<html><body><a href='https://b.example/'>b</a>" + b"<p>filler</p>" * (MAX_PAGE_BYTES // 13 + 1)
    path = warc_factory({"https://a.example/huge": (200, {"Content-Type": "text/html"}, huge),
                         "https://a.example/ok": "<html><body><a href='https://b.example/'>b</a></body></html>"})
    page = WarcArchive([path]).get("https://a.example/huge")
    assert page.status == "error" and page.reason == "archived body over 10 MB" and page.body == b""
    import linktriage

    rows = linktriage.score([{"source_url": f"https://a.example/{name}", "target_url": "https://b.example/"}
                             for name in ("huge", "ok")], pages=[path])
    assert rows["link_status"].tolist() == ["error", "live"]


def test_archived_bodies_in_any_content_encoding_are_read(warc_factory, tmp_path, run):  # noqa: F811
    """A page archived brotli-encoded (as archivers other than linktriage keep bodies) ended the whole run with
    "internal error: AttributeError: 'brotli.Decompressor' object has no attribute 'unused_data'" (warcio's br
    reader). Archived bodies are decoded as the live fetcher decodes them; one stored decoded under its original
    header is read as it is, and one that does not decode is that page's error."""
    import brotli

    html = b"<html><body><p>Read <a href='https://b.example/'>this shop</a> today.</p></body></html>"
    encoded = {"br": brotli.compress(html), "gzip": gzip.compress(html), "gzip, br": brotli.compress(gzip.compress(html))}
    pages = {f"https://a.example/{name.replace(', ', '-')}": (200, {"Content-Type": "text/html", "Content-Encoding": name},
                                                            body) for name, body in encoded.items()}
    pages["https://a.example/stored-decoded"] = (200, {"Content-Type": "text/html", "Content-Encoding": "br"}, html)
    pages["https://a.example/broken"] = (200, {"Content-Type": "text/html", "Content-Encoding": "gzip"},
                                         gzip.compress(html)[:12] + bytes(range(256)))
    path = warc_factory(pages)
    archive = WarcArchive([path])
    for url in list(pages)[:-1]:
        page = archive.get(url)
        assert page.status == "ok" and page.body == html, url
    broken = archive.get("https://a.example/broken")
    assert broken.status == "error" and broken.reason == "undecodable body: broken gzip data"
    export = tmp_path / "links.csv"
    export.write_text("source_url,target_url\n" + "".join(f"{url},https://b.example/\n" for url in pages))
    result = run("score", export, "--pages", path, "--offline", "-o", tmp_path / "out.csv")
    assert result.returncode == 0, result.stderr
    with open(tmp_path / "out.csv", newline="", encoding="utf-8") as stream:
        statuses = [row["link_status"] for row in csv.DictReader(stream)]
    assert statuses == ["live"] * 4 + ["error"]


def test_an_archived_compressed_body_cut_short_is_an_error_row(warc_factory):
    """A gzip or br body that stops before its end (the crawler lost the connection) was read as far as it went:
    the link after the cut came out `missing`, as if the page did not have it."""
    import brotli

    import linktriage

    text = " ".join(str(k * 7919 % 100003) for k in range(20_000))
    html = f"<html><body><p>{text}</p><p><a href='https://b.example/'>b</a></p></body></html>".encode()
    path = warc_factory({
        "https://a.example/gzip": (200, {"Content-Type": "text/html", "Content-Encoding": "gzip"},
                                   gzip.compress(html)[:20_000]),
        "https://a.example/br": (200, {"Content-Type": "text/html", "Content-Encoding": "br"},
                                 brotli.compress(html)[:20_000]),
        "https://a.example/whole": (200, {"Content-Type": "text/html", "Content-Encoding": "gzip"}, gzip.compress(html)),
    })
    archive = WarcArchive([path])
    assert archive.get("https://a.example/gzip").reason == "undecodable body: gzip data cut off"
    assert archive.get("https://a.example/br").reason == "undecodable body: br data cut off"
    rows = linktriage.score([{"source_url": f"https://a.example/{name}", "target_url": "https://b.example/"}
                             for name in ("gzip", "br", "whole")], pages=[path])
    assert rows["link_status"].tolist() == ["error", "error", "live"]


def test_an_archived_record_that_cannot_be_read_is_an_error_row(tmp_path, warc_factory, monkeypatch):
    """A record that failed while it was read (a network filesystem's error on an s3:// archive, a file removed
    since it was indexed, an HTTP header warcio cannot parse) raised out of the archive reader and ended the whole
    run ('internal error: OSError ...'); its page's rows now say so and the other pages are scored."""
    import uuid

    import linktriage

    html = "<html><body><p><a href='https://b.example/'>b</a></p></body></html>"
    path = warc_factory({"https://a.example/flaky": html, "https://a.example/fine": html})
    read = WarcArchive._read

    def flaky(entry, original=None):
        if entry.uri.endswith("flaky"):
            raise OSError("Connection reset by peer")
        return read(entry, original)

    monkeypatch.setattr(WarcArchive, "_read", staticmethod(flaky))
    rows = linktriage.score([{"source_url": f"https://a.example/{name}", "target_url": "https://b.example/"}
                             for name in ("flaky", "fine")], pages=[path])
    assert rows["link_status"].tolist() == ["error", "live"]
    assert rows.loc[0, "reasons"] == "could not read the page from the archive (OSError: Connection reset by peer)"
    monkeypatch.undo()

    def record(uri: str, payload: bytes) -> bytes:
        head = (f"WARC/1.0\r\nWARC-Type: response\r\nWARC-Record-ID: <urn:uuid:{uuid.uuid4()}>\r\n"
                f"WARC-Date: 2024-01-01T00:00:00Z\r\nWARC-Target-URI: {uri}\r\n"
                f"Content-Type: application/http; msgtype=response\r\nContent-Length: {len(payload)}\r\n\r\n")
        return gzip.compress(head.encode() + payload + b"\r\n\r\n")

    urns = tmp_path / "urns.warc.gz"
    urns.write_bytes(record("urn:page:1", b"\x1b[2Jnot a status line\r\n\r\n" + html.encode()))
    broken = WarcArchive([urns]).get("urn:page:1")
    assert broken.status == "error" and broken.reason.startswith(
        "could not read the page from the archive (StatusAndHeadersParserException: Expected Status Line")
    assert broken.reason.isprintable() and "\x1b" not in broken.reason


def test_empty_and_not_modified_answers_say_what_they_are(warc_factory):
    """An empty 200 or 204 said 'page is not parseable HTML', an archived 304 'redirect without a usable Location'."""
    import linktriage

    path = warc_factory({"https://a.example/empty": (200, {"Content-Type": "text/html"}, b""),
                         "https://a.example/no-content": (204, {}, b""),
                         "https://a.example/not-modified": (304, {}, b""),
                         "https://a.example/page": "<p><a href='https://b.example/'>b</a></p>"})
    rows = linktriage.score([{"source_url": f"https://a.example/{name}", "target_url": "https://b.example/"}
                             for name in ("empty", "no-content", "not-modified", "page")], pages=[path])
    assert rows["link_status"].tolist() == ["error", "error", "error", "live"]
    assert rows["reasons"].tolist()[:3] == ["the page is empty (no body)", "the page is empty (no body)",
                                            "HTTP 304: not modified, no page sent"]


def test_an_archive_with_spaces_in_its_uris_reads_quietly(warc_factory, tmp_path):
    """warcio logged "Replacing spaces in invalid WARC-Target-URI: <url>" for each such record, and Python printed
    it raw on stderr, since nothing configures logging."""
    import subprocess
    import sys

    url = "https://a.example/news artikel?id=1"
    path = warc_factory({url: "<p><a href='https://b.example/'>b</a></p>"})
    export = tmp_path / "links.csv"
    export.write_text("source_url,target_url\nhttps://a.example/news%20artikel?id=1,https://b.example/\n")
    done = subprocess.run([sys.executable, "-m", "linktriage", "score", str(export), "--pages", str(path),
                           "--offline", "-o", str(tmp_path / "out.csv")], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert "Replacing spaces" not in done.stderr, done.stderr
    with open(tmp_path / "out.csv", newline="", encoding="utf-8") as stream:
        assert [row["link_status"] for row in csv.DictReader(stream)] == ["live"]


def test_redirect_chains_through_spellings_of_one_url_are_followed_not_loops(warc_factory, tmp_path):
    """http -> https -> "/blog/" and http -> https -> www, the commonest chains, were "redirect loop in archive":
    the loop check compared lenient URL keys (url_key), under which the hops are one URL. Archives of wget and of
    linktriage fetch hold such chains; the same pages fetched live were judged."""
    path = warc_factory({
        "http://e.example.org/blog": (301, {"Location": "https://e.example.org/blog"}, b""),
        "https://e.example.org/blog": (301, {"Location": "https://e.example.org/blog/"}, b""),
        "https://e.example.org/blog/": "<html><body><p>the blog</p></body></html>",
        "http://f.example.org/": (301, {"Location": "https://f.example.org/"}, b""),
        "https://f.example.org/": (301, {"Location": "https://www.f.example.org/"}, b""),
        "https://www.f.example.org/": "<html><body><p>the home page</p></body></html>",
    })
    archive = WarcArchive([path])
    for url, final in (("http://e.example.org/blog", "https://e.example.org/blog/"),
                       ("http://f.example.org/", "https://www.f.example.org/")):
        page = archive.get(url)
        assert (page.status, page.redirected, page.final_url) == ("ok", True, final), page.reason
    # a page that sets a cookie and redirects to itself, archived as wget and Heritrix do: that answer, then the
    # page on the retry (a later capture of the same URL)
    import io

    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    cookie = tmp_path / "cookie.warc.gz"
    with open(cookie, "wb") as stream:
        writer = WARCWriter(stream, gzip=True)
        for status, headers, body in (("302 Found", [("Set-Cookie", "seen=1"), ("Location", "https://g.example.org/p")],
                                       b""),
                                      ("200 OK", [("Content-Type", "text/html")], b"<p>the post</p>")):
            writer.write_record(writer.create_warc_record(
                "https://g.example.org/p", "response", payload=io.BytesIO(body),
                http_headers=StatusAndHeaders(status, headers, protocol="HTTP/1.1")))
    page = WarcArchive([cookie]).get("https://g.example.org/p")
    assert page.status == "ok" and b"the post" in page.body and not page.redirected, page.reason


def test_warcios_warnings_are_dropped_for_the_reading_thread_only(tmp_path, warc_factory, monkeypatch):
    """A record whose length is wrong makes warcio write a warning on stderr, which linktriage drops. It did so by
    replacing sys.stderr for the whole process while indexing: another thread's output (the HTTP API's requests,
    Dask's workers) went to a discarded buffer meanwhile."""
    import io
    import sys
    import threading

    import linktriage.sources.warc as warc

    import re

    whole = warc_factory({"https://a.example/": "<p>one</p>", "https://b.example/": "<p>two</p>"},
                         name="pages.warc").read_bytes()
    length = re.search(rb"Content-Length: (\d+)", whole)
    short = whole[:length.start(1)] + str(int(length[1]) - 4).encode() + whole[length.end(1):]  # 4 bytes too short
    bad = tmp_path / "lengths.warc"
    bad.write_bytes(short)
    mine, seen = io.StringIO(), []
    monkeypatch.setattr(sys, "stderr", mine)

    class Watched(warc.ArchiveIterator):
        def __iter__(self):
            for record in super().__iter__():
                # what another thread printing now would print to
                seen.append(threading.Thread(target=lambda: seen.append(sys.stderr)).start() or sys.stderr)
                yield record

    monkeypatch.setattr(warc, "ArchiveIterator", Watched)
    try:
        WarcArchive([bad])
    except InputError:
        pass  # damaged or not, the point is what was printed and where
    assert seen and all(stream is mine for stream in seen)
    assert mine.getvalue() == ""
