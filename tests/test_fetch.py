"""Live fetching against the local fault server: every fault ends as the right status and reason, no crash.

Everything runs on 127.0.0.1 (so allow_private=True here; tests/test_fetch_guard.py proves the refusal without it).
"""

from __future__ import annotations

import dataclasses
import shutil
import ssl
import subprocess
import threading
import time
import tracemalloc
from urllib.parse import quote

import pytest
from faultserver import FaultServer

from linktriage import FetchResult
from linktriage.sources import WarcArchive
from linktriage.sources._fetch_body import media_type
from linktriage.sources.fetch import FetchSettings, fetch_pages

FAST = FetchSettings(
    allow_private=True, per_host=8, per_host_delay=0.0, connect_timeout=1.0, read_timeout=1.0, total_timeout=3.0,
    backoff=0.01, retry_after_cap=2.0, progress=False,
)


@pytest.fixture(scope="module")
def server():
    with FaultServer() as running:
        yield running


def fetch_one(url: str, settings: FetchSettings = FAST) -> FetchResult:
    results = list(fetch_pages([url], settings))
    assert len(results) == 1
    return results[0]


def hits(server: FaultServer, path: str) -> int:
    return server.paths()[path]


def test_an_html_page_is_fetched_with_its_header_charset(server):
    result = fetch_one(server.url("/page/plain-ok"))
    assert result.status == "ok" and result.http_status == 200 and result.reason == ""
    assert result.body.startswith(b"<!DOCTYPE html>") and b"plain-ok" in result.body
    assert result.charset == "utf-8" and result.content_type.startswith("text/html")
    assert result.final_url == server.url("/page/plain-ok") and not result.redirected


@pytest.mark.parametrize(("code", "status"), [(404, "page_gone"), (410, "page_gone"), (401, "blocked"),
                                              (403, "blocked"), (400, "error"), (451, "error")])
def test_client_errors_map_like_the_archive_reader(server, code, status):
    result = fetch_one(server.url(f"/status/{code}"))
    assert (result.status, result.http_status) == (status, code)
    assert str(code) in result.reason and result.body == b""
    assert hits(server, f"/status/{code}") == 1  # final answers are not retried


@pytest.mark.parametrize(("code", "status"), [(500, "error"), (503, "error"), (429, "blocked")])
def test_retryable_answers_are_retried_then_reported(server, code, status):
    path = f"/status/{code}"
    before = hits(server, path)
    result = fetch_one(server.url(path))
    assert (result.status, result.http_status) == (status, code)
    assert result.reason.endswith("(after 2 retries)")
    assert hits(server, path) - before == 1 + FAST.max_retries


def test_flaky_503_then_200_ends_ok(server):
    result = fetch_one(server.url("/flaky/1/recovers"))
    assert result.status == "ok" and b"recovers" in result.body
    assert hits(server, "/flaky/1/recovers") == 2


@pytest.mark.parametrize("as_date", [False, True])
def test_429_waits_for_retry_after(server, as_date):
    # HTTP-dates have one-second resolution: "2 s from now" as a date means between 1 and 2 s
    path = f"/retry-after/{2 if as_date else 1}/1/patient{int(as_date)}"
    start = time.monotonic()
    result = fetch_one(server.url(path + ("?date=1" if as_date else "")))
    assert result.status == "ok"
    assert time.monotonic() - start >= 0.9


def test_retry_after_beyond_the_cap_is_not_waited_for(server):
    start = time.monotonic()
    result = fetch_one(server.url("/retry-after/3600/5/impatient"))
    assert result.status == "blocked" and result.http_status == 429
    assert time.monotonic() - start < 1.5
    assert hits(server, "/retry-after/3600/5/impatient") == 1
    # "HTTP 429: access refused" alone did not say that the page may be fetched later
    assert result.reason.endswith("(the server asked to wait 3,600 s before trying again; linktriage waits up to 2 s)")


@pytest.mark.parametrize("value", ["\u00b2", "1\u00b2", "-5", "1.5", "soon", "Wed, 99 Foo 2026 00:00:00 GMT"])
def test_an_unreadable_retry_after_falls_back_to_the_backoff(server, value):
    # "²" is byte 0xB2 on the wire: str.isdigit() says yes, float() says no, and the row was an internal error
    path = "/headers/503?Retry-After=" + quote(value)
    start = time.monotonic()
    result = fetch_one(server.url(path))
    assert (result.status, result.http_status, result.reason) == ("error", 503, "HTTP 503 (after 2 retries)")
    assert time.monotonic() - start < 2 and hits(server, path) == 3


def test_slow_headers_hit_the_read_timeout(server):
    start = time.monotonic()
    result = fetch_one(server.url("/slow/5"), dataclasses.replace(FAST, read_timeout=0.3))
    assert result.status == "error" and result.reason == "timed out after 0.3 s waiting for the server"
    assert time.monotonic() - start < 2


def test_a_drip_fed_body_hits_the_total_timeout(server):
    start = time.monotonic()
    result = fetch_one(server.url("/drip"), dataclasses.replace(FAST, total_timeout=1.0))
    assert result.status == "error" and result.reason == "timed out: no complete answer within 1 s"
    assert time.monotonic() - start < 2.5


@pytest.mark.parametrize("path", ["/reset", "/reset-body"])
def test_connection_resets_are_retried_then_reported(server, path):
    before = hits(server, path)
    result = fetch_one(server.url(path))
    assert result.status == "error" and result.http_status is None
    assert result.reason.startswith("connection broken: connection reset")
    assert hits(server, path) - before == 3


@pytest.mark.parametrize(("path", "reason"), [("/hang-up", "connection broken: server disconnected"),
                                              ("/not-http", "connection broken: ")])
def test_servers_that_do_not_speak_http_are_connection_errors(server, path, reason):
    result = fetch_one(server.url(path))
    assert result.status == "error" and result.http_status is None and result.reason.startswith(reason)


def test_a_closed_port_is_a_connection_error():
    result = fetch_one("http://127.0.0.1:9/")
    assert result.status == "error" and result.reason.startswith("connection failed: connection refused")


def test_redirect_chain_is_followed_and_recorded(server):
    result = fetch_one(server.url("/redirect/3"))
    assert result.status == "ok" and result.redirected and b"end of chain" in result.body
    assert result.final_url == server.url("/redirect/0") and result.url == server.url("/redirect/3")


def test_too_many_redirects_is_an_error(server):
    result = fetch_one(server.url("/redirect/9"), dataclasses.replace(FAST, max_redirects=5))
    assert result.status == "error" and result.reason == "more than 5 redirects" and result.redirected
    assert hits(server, "/redirect/3") == 1  # the sixth hop was never requested


def test_redirect_loop_is_detected(server):
    result = fetch_one(server.url("/loop/a"))
    assert result.status == "error" and result.reason.startswith("redirect loop: ")
    assert "/loop/a → " in result.reason and result.redirected
    assert hits(server, "/loop/a") == 1 and hits(server, "/loop/b") == 1


def test_a_page_setting_a_cookie_and_redirecting_to_itself_is_not_a_loop(server):
    result = fetch_one(server.url("/cookie-redirect"))
    assert result.status == "ok" and b"with cookie" in result.body


def test_redirect_to_another_scheme_is_refused(server):
    result = fetch_one(server.url("/redirect-to?url=file:///etc/passwd"))
    assert result.status == "error" and "file" in result.reason and result.http_status == 302


@pytest.mark.parametrize("location", ["javascript:alert(1)", "data:text/html,hi", "http://[::1", "http://[::1]:99999/",
                                      "http://exa mple.com/"])
def test_a_redirect_to_an_unparseable_location_is_that_rows_error_and_not_retried(server, location):
    path = "/redirect-to?url=" + quote(location, safe="")
    result = fetch_one(server.url(path))
    assert (result.status, result.http_status, result.redirected) == ("error", 302, True)
    assert result.reason.startswith("redirect to an unusable URL (invalid URL"), result.reason
    assert hits(server, path) == 1  # a broken Location is the server's final word, not a broken connection


@pytest.mark.parametrize("encoding", ["gzip", "deflate", "br"])
def test_compression_bombs_are_stopped_early_with_bounded_memory(server, encoding):
    settings = dataclasses.replace(FAST, max_decompressed_bytes=2_000_000)
    fetch_one(server.url(f"/bomb/{encoding}?warm"), settings)  # builds the server's bomb outside the measurement
    tracemalloc.start()
    try:
        result = fetch_one(server.url(f"/bomb/{encoding}"), settings)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert result.status == "error" and result.reason == "decompressed body over 2 MB (compression bomb?)"
    assert peak < 12_000_000, f"peak {peak:,} bytes while decoding a 100 MB bomb"


def test_a_normal_gzip_page_is_decoded(server):
    result = fetch_one(server.url("/gzip-page"))
    assert result.status == "ok" and result.body.startswith(b"<!DOCTYPE html>")


def test_a_page_whose_compressed_stream_stops_short_is_an_error_not_a_shorter_page(server, tmp_path):
    """Read as a page, what was cut off (here the link) would be reported missing: as for a body shorter than its
    Content-Length, or an archive's cut-off last record, the row is an error and nothing is archived."""
    archive = tmp_path / "pages.warc.gz"
    [result] = fetch_pages([server.url("/gzip-cut")], FAST, archive=archive)
    assert (result.status, result.http_status, result.reason) == ("error", 200, "undecodable body: gzip data cut off")
    assert result.body == b"" and len(WarcArchive([archive])) == 0


def test_a_50_mb_page_is_cut_at_the_cap_with_bounded_memory(server):
    tracemalloc.start()
    try:
        result = fetch_one(server.url("/big/50"), dataclasses.replace(FAST, max_bytes=2_000_000))
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert result.status == "error" and result.reason == "body over 2 MB"
    assert peak < 12_000_000, f"peak {peak:,} bytes while reading a 50 MB page"
    time.sleep(0.2)
    assert server.bytes_sent["/big/50"] < 20_000_000  # we hung up long before the end


def test_a_declared_oversized_body_is_refused_before_reading(server):
    result = fetch_one(server.url("/big-cl/50"))
    assert result.status == "error" and result.reason == "body over 5 MB (Content-Length 50,000,026)"


def test_binary_served_as_html_is_refused(server):
    result = fetch_one(server.url("/binary-as-html"))
    assert result.status == "error" and result.reason == "not HTML: PNG image served as text/html"
    assert result.body == b""


def test_a_pdf_is_not_html(server):
    result = fetch_one(server.url("/pdf"))
    assert result.status == "error" and result.reason == "not HTML: application/pdf"


def test_plain_text_without_markup_is_not_html(server):
    result = fetch_one(server.url("/text-plain"))
    assert result.status == "error" and result.reason.startswith("not HTML: text/plain")


def test_html_without_content_type_is_sniffed_as_html(server):
    result = fetch_one(server.url("/no-type"))
    assert result.status == "ok" and result.content_type == "" and result.charset == ""


def test_charset_comes_from_the_header_and_the_body_is_left_alone(server):
    wrong = fetch_one(server.url("/charset/utf8-header-latin1-body"))
    assert wrong.status == "ok" and wrong.charset == "utf-8"
    assert "Crème".encode("latin-1") in wrong.body  # the extractor, not the fetcher, deals with the mismatch
    missing = fetch_one(server.url("/charset/missing"))
    assert missing.status == "ok" and missing.charset == ""
    meta = fetch_one(server.url("/charset/meta-only"))
    assert meta.charset == "" and b'<meta charset="windows-1252">' in meta.body


@pytest.mark.parametrize("variant", ["two-content-types", "utf16-without-bom", "vertical-tab-in-title", "nul-in-body"])
def test_odd_but_real_html_is_read_live_and_from_the_archive(server, tmp_path, variant):
    # each was refused: "not HTML: text/plain, text/html" (httpx joins a repeated header) or "not HTML: binary
    # content served as text/html" (NUL bytes of UTF-16 without a byte order mark, one stray control byte)
    import linktriage

    archive, url = tmp_path / "pages.warc.gz", server.url(f"/odd-html/{variant}")
    [live] = fetch_pages([url], FAST, archive=archive)
    assert live.status == "ok" and media_type(live.content_type) == "text/html", live.reason
    export = tmp_path / "links.csv"
    export.write_text(f"source_url,target_url\n{url},https://target.example/\n", encoding="utf-8")
    rows = linktriage.score(str(export), pages=[archive])
    assert rows["link_status"].tolist() == ["live"], rows["reasons"].tolist()
    assert rows["label"].notna().all()


def test_deeply_nested_html_is_fetched_whole(server):
    result = fetch_one(server.url("/nested/100000"))
    assert result.status == "ok" and len(result.body) == len(b"<html><body></body></html>deep") + 11 * 100_000


def test_each_url_is_fetched_once_and_every_spelling_gets_its_result(server):
    page = server.url("/page/once")
    spellings = [page, page, page + "/", page + "#comments", " " + page + " ", page.replace("http://", "HTTP://")]
    results = list(fetch_pages(spellings, FAST))
    assert sorted(r.url for r in results) == sorted(spellings)
    assert {r.status for r in results} == {"ok"}
    assert hits(server, "/page/once") == 1


def test_rows_in_equal_rows_out_whatever_the_input(server):
    urls = ["", "   ", "mailto:someone@example.org", "javascript:void(0)", "http://exa mple.com/", "http:///nohost",
            "http://example.com:99999/", server.url("/page/among-junk"), server.url("/status/404")]
    results = list(fetch_pages(urls, FAST))
    assert sorted(r.url for r in results) == sorted(urls)
    by_url = {r.url: r for r in results}
    assert by_url[server.url("/page/among-junk")].status == "ok"
    for url in urls[:7]:
        assert by_url[url].status == "error" and by_url[url].reason.startswith("invalid URL"), url


@pytest.mark.parametrize("archived", [False, True])
def test_urls_that_python_cannot_split_are_error_rows(server, tmp_path, archived):
    urls = ["http://[::1/x", "http://[]/y", "https://[not-an-ip]/", server.url("/page/beside-bad-brackets")]
    if archived:  # answered from the archive first: looking a URL up there must not raise either
        list(fetch_pages([server.url("/page/beside-bad-brackets")], FAST, archive=tmp_path / "pages.warc.gz"))
    results = list(fetch_pages(urls, FAST, archive=tmp_path / "pages.warc.gz" if archived else None))
    assert sorted(r.url for r in results) == sorted(urls)
    by_url = {r.url: r for r in results}
    assert by_url[urls[-1]].status == "ok"
    for url in urls[:-1]:
        assert by_url[url].status == "error" and by_url[url].reason.startswith("invalid URL"), by_url[url]


def test_a_host_that_is_not_valid_idna_is_an_invalid_url_not_an_internal_error(server):
    bad = "http://xn--zz.example/"  # punycode that decodes to nothing: httpx cannot even build the request
    results = {r.url: r for r in fetch_pages([bad, server.url("/redirect-to?url=" + quote(bad, safe=""))], FAST)}
    assert {r.status for r in results.values()} == {"error"}
    assert all("invalid URL: bad host name 'xn--zz.example'" in r.reason for r in results.values()), results


def test_a_url_without_a_scheme_is_taken_as_http(server):
    url = server.url("/page/schemeless").removeprefix("http://")
    result = fetch_one(url)
    assert result.status == "ok" and result.url == url


def test_closing_the_generator_early_stops_the_fetcher(server):
    before = threading.active_count()
    urls = [server.url(f"/page/early{i}?delay=0.2") for i in range(40)]
    generator = fetch_pages(urls, dataclasses.replace(FAST, concurrency=2, per_host=2))
    first = next(generator)
    generator.close()
    assert first.status == "ok"
    time.sleep(0.3)
    assert threading.active_count() <= before
    assert sum(1 for path in server.paths() if path.startswith("/page/early")) < 10


@pytest.mark.skipif(shutil.which("openssl") is None, reason="needs the openssl command to make a self-signed certificate")
def test_an_untrusted_certificate_is_a_tls_error(tmp_path):
    key, cert = tmp_path / "key.pem", tmp_path / "cert.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1",
                    "-keyout", str(key), "-out", str(cert)], check=True, capture_output=True)
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    with FaultServer(ssl_context=context) as tls:
        result = fetch_one(tls.url("/page/tls"))
        assert result.status == "error" and result.reason.startswith("TLS error: certificate not trusted")
        assert tls.paths()["/page/tls"] == 0


def test_high_concurrency_on_many_hosts_costs_no_more_cpu_per_page(server, monkeypatch):
    """--concurrency 512 on as many hosts: httpcore's pool walks every connection for every waiting request on
    each event, so one pool of 512 spent ~10x the CPU per page of a pool of 32, and the starved event loop timed
    healthy pages out. CPU time (not wall time) keeps the comparison fair on a busy machine."""
    from linktriage.sources import _netguard

    real = _netguard.resolve

    async def many_hosts(host: str, port: int, timeout: float | None = None) -> list[str]:
        return ["127.0.0.1"] if host.endswith(".many.test") else await real(host, port, timeout)

    monkeypatch.setattr(_netguard, "resolve", many_hosts)

    def cpu_per_page(concurrency: int) -> float:
        urls = [f"http://h{i}-{concurrency}.many.test:{server.port}/page/p{i}?delay=0.02" for i in range(600)]
        start = time.process_time()
        results = list(fetch_pages(urls, dataclasses.replace(FAST, concurrency=concurrency, total_timeout=30.0,
                                                             read_timeout=30.0, connect_timeout=30.0)))
        assert [r.status for r in results] == ["ok"] * len(urls), {r.reason for r in results}
        return (time.process_time() - start) / len(urls)

    low, high = cpu_per_page(32), cpu_per_page(512)
    assert high < 2 * low, f"{high * 1000:.2f} ms of CPU per page at 512 pages at once, {low * 1000:.2f} ms at 32"
