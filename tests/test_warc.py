from __future__ import annotations

import pytest

from linktriage import InputError
from linktriage.sources import WarcArchive, url_key


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
    })
    archive = WarcArchive([path])
    assert len(archive) == 8
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
    assert archive.get("https://unknown.example/") is None


def test_not_a_warc_is_an_input_error(tmp_path):
    bad = tmp_path / "pages.warc.gz"
    bad.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\0" * 100)
    with pytest.raises(InputError, match="not a readable WARC"):
        WarcArchive([bad])
    with pytest.raises(InputError, match="no such file"):
        WarcArchive([tmp_path / "missing.warc.gz"])


def test_idn_hosts_use_uts46_punycode():
    from linktriage._domains import registrable_domain
    from linktriage.sources.warc import url_key

    assert registrable_domain("https://www.faß.de/x") == "xn--fa-hia.de"  # not fass.de: a different site
    assert url_key("https://FAß.de/a") == url_key("https://xn--fa-hia.de/a")
