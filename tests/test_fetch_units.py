"""The fetcher's pure parts: bounded decoding, HTML sniffing, header parsing, URL checks, settings, progress, summary."""

from __future__ import annotations

import gzip
import time
import zlib
from email.utils import formatdate

import brotli
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from linktriage import FetchResult, InputError
from linktriage.sources._fetch_body import (BodyDecoder, BodyRefused, charset_of, content_type_value, html_refusal,
                                             megabytes)
from linktriage.sources._fetch_http import check_url, retry_after
from linktriage.sources._fetch_progress import FetchProgress
from linktriage.sources.fetch import DEFAULT_USER_AGENT, FetchSettings, FetchSummary

HTML = b"<!DOCTYPE html><html><head><title>t</title></head><body>" + b"<p>hello world</p>" * 500 + b"</body></html>"


def decode(data: bytes, encoding: str, chunk: int = 1000, **caps) -> bytes:
    decoder = BodyDecoder(encoding, **{"max_raw": 10**9, "max_decoded": 10**9, **caps})
    for i in range(0, len(data), chunk):
        decoder.feed(data[i:i + chunk])
    return decoder.body


@pytest.mark.parametrize(("encoding", "encode"), [
    ("", lambda b: b), ("identity", lambda b: b), ("gzip", gzip.compress), ("x-gzip", gzip.compress),
    ("deflate", zlib.compress), ("deflate", lambda b: zlib.compress(b)[2:-4]),  # zlib-wrapped and raw deflate
    ("br", brotli.compress), ("GZIP", gzip.compress),
    ("gzip, br", lambda b: brotli.compress(gzip.compress(b))),  # applied in order, undone in reverse
])
def test_every_supported_encoding_decodes_chunk_by_chunk(encoding, encode):
    assert decode(encode(HTML), encoding) == HTML


@settings(max_examples=60, deadline=None)
@given(data=st.binary(max_size=5000), cuts=st.lists(st.integers(min_value=0, max_value=6000), max_size=8),
       encoding=st.sampled_from(["gzip", "deflate", "br", ""]))
def test_decoding_does_not_depend_on_how_the_body_is_chunked(data, cuts, encoding):
    encoded = {"gzip": gzip.compress, "deflate": zlib.compress, "br": brotli.compress, "": bytes}[encoding](data)
    decoder = BodyDecoder(encoding, max_raw=10**6, max_decoded=10**6)
    bounds = sorted({0, len(encoded), *(c for c in cuts if c < len(encoded))})
    for start, end in zip(bounds, bounds[1:]):
        decoder.feed(encoded[start:end])
    assert decoder.body == data


def test_concatenated_gzip_members_decode_whole():
    assert decode(gzip.compress(HTML[:100]) + gzip.compress(HTML[100:]), "gzip", chunk=37) == HTML


@pytest.mark.parametrize("encoding", ["gzip", "deflate", "br"])
def test_a_bomb_is_refused_as_soon_as_it_passes_the_cap(encoding):
    zeros = b"\0" * 20_000_000
    data = {"gzip": gzip.compress, "deflate": zlib.compress, "br": brotli.compress}[encoding](zeros)
    decoder = BodyDecoder(encoding, max_raw=10**9, max_decoded=1_000_000)
    with pytest.raises(BodyRefused, match=r"decompressed body over 1 MB \(compression bomb\?\)"):
        decoder.feed(data)  # one chunk holding the whole bomb: the output limit still applies within it
    assert len(decoder) <= 1_000_000


def test_raw_bytes_are_capped_before_decoding():
    with pytest.raises(BodyRefused, match="^body over 2 KB$"):
        decode(HTML * 2, "", max_raw=2_000)


def test_truncating_decoder_keeps_the_start():
    decoder = BodyDecoder("gzip", max_raw=10**9, max_decoded=100, truncate=True)
    decoder.feed(gzip.compress(HTML))
    assert decoder.truncated and decoder.done and decoder.body == HTML[:100]


@pytest.mark.parametrize(("encoding", "message"), [("zstd", "unsupported Content-Encoding: zstd"),
                                                    ("compress", "unsupported Content-Encoding: compress")])
def test_unknown_encodings_are_refused(encoding, message):
    with pytest.raises(BodyRefused, match=message):
        BodyDecoder(encoding, max_raw=1, max_decoded=1)


@pytest.mark.parametrize(("encoding", "encode"), [("gzip", gzip.compress), ("deflate", zlib.compress),
                                                  ("deflate", lambda b: zlib.compress(b)[2:-4]), ("br", brotli.compress),
                                                  ("gzip, br", lambda b: brotli.compress(gzip.compress(b)))])
def test_a_compressed_body_that_stops_short_is_refused_when_finished(encoding, encode):
    data = encode(HTML)
    whole = BodyDecoder(encoding, max_raw=10**6, max_decoded=10**6)
    whole.feed(data)
    whole.finish()  # a complete stream passes
    cut = BodyDecoder(encoding, max_raw=10**6, max_decoded=10**6)
    cut.feed(data[: len(data) // 2])
    with pytest.raises(BodyRefused, match=r"^undecodable body: (gzip|deflate|br) data cut off$"):
        cut.finish()


def test_corrupt_compressed_data_is_refused():
    with pytest.raises(BodyRefused, match="undecodable body: broken gzip data"):
        decode(b"\x1f\x8b\x08\x00garbage-garbage-garbage", "gzip")


@pytest.mark.parametrize(("content_type", "head", "refusal"), [
    ("text/html; charset=utf-8", HTML, None),
    ("application/xhtml+xml", HTML, None),
    ("", HTML, None),
    ("text/plain", b"  \n<html><body>hi</body></html>", None),
    ("application/octet-stream", b"<!-- a comment --><div>x</div>", None),
    ("text/html", b"", None),  # an empty page is still a page (the link will be missing from it)
    ("text/html", "\ufeff<html>é</html>".encode("utf-16"), None),  # UTF-16 holds NUL bytes legitimately
    ("application/pdf", b"%PDF-1.4", "not HTML: application/pdf"),
    ("image/png", b"", "not HTML: image/png"),
    ("text/html", b"\x89PNG\r\n\x1a\n....", "not HTML: PNG image served as text/html"),
    ("text/html", b"%PDF-1.7 ...", "not HTML: PDF document served as text/html"),
    ("text/html", b"\x00\x00\x00\x18ftypmp42", "not HTML: MP4 media served as text/html"),
    ("text/html", b"<html>\x00\x01\x02\x03 binary junk", "not HTML: binary content served as text/html"),
    # a browser renders declared HTML whatever it holds: a stray control byte in real markup is still a page
    ("text/html", b"<html><title>Caf\x0b menu</title><p>" + b"text " * 40, None),
    ("text/html; charset=utf-16le", "<html><p>Texte large</p></html>".encode("utf-16-le"), None),
    ("text/html", "<html><p>Texte large</p></html>".encode("utf-16-le"), "not HTML: binary content served as text/html"),
    ("text/html", b"\x00\x01 no markup at all " * 10, "not HTML: binary content served as text/html"),
    ("text/plain", b"<html><title>Caf\x0b menu</title><p>" + b"text " * 40, "not HTML: binary content served as text/plain"),
    ("", b"PK\x03\x04zipped", "not HTML: ZIP archive without a Content-Type"),
    ("", b"plain words", "not HTML: no Content-Type and no HTML markup"),
    ("text/plain", b"Just words. No markup here.", "not HTML: text/plain without HTML markup"),
])
def test_html_sniffing(content_type, head, refusal):
    assert html_refusal(content_type, head) == refusal


@pytest.mark.parametrize(("header", "charset"), [
    ("text/html; charset=UTF-8", "utf-8"), ('text/html; charset="iso-8859-1"', "iso-8859-1"),
    ("text/html;charset=windows-1252;foo=bar", "windows-1252"), ("text/html", ""), ("", ""),
    ("text/html; charset=", ""),
])
def test_charset_from_the_content_type_header(header, charset):
    assert charset_of(header) == charset


@pytest.mark.parametrize(("joined", "value"), [
    ("text/html; charset=utf-8", "text/html; charset=utf-8"),
    ("text/plain, text/html; charset=utf-8", "text/html; charset=utf-8"),  # the last valid type wins
    ("text/html; charset=utf-8, text/html", "text/html; charset=utf-8"),  # ... keeping its earlier charset
    ("text/html; charset=utf-8, text/plain", "text/plain"),
    ("text/html, */*, nonsense", "text/html"),
    (", ", ", "),
])
def test_a_content_type_sent_twice_is_read_as_a_browser_reads_it(joined, value):
    assert content_type_value(joined) == value


def test_retry_after_as_seconds_or_http_date():
    assert retry_after("120") == 120.0
    assert retry_after(None) is None and retry_after("soon") is None and retry_after("") is None
    in_a_minute = retry_after(formatdate(time.time() + 60, usegmt=True))
    assert 58 <= in_a_minute <= 61
    assert retry_after(formatdate(time.time() - 3600, usegmt=True)) == 0.0


@pytest.mark.parametrize(("url", "expected"), [
    ("https://Example.com/a?b=1#frag", "https://example.com/a?b=1"),
    ("example.com/page", "http://example.com/page"),
    ("//cdn.example.com/x", "http://cdn.example.com/x"),
    ("http://café.example/", "http://xn--caf-dma.example/"),
    ("http://[2001:db8::1]:8080/", "http://[2001:db8::1]:8080/"),
    ("http://_dmarc.a-b.example.com./x", "http://_dmarc.a-b.example.com./x"),
    ("http://" + "a" * 63 + ".com/", "http://" + "a" * 63 + ".com/"),
])
def test_check_url_accepts_and_normalises(url, expected):
    assert check_url(url) == (expected, "")


@pytest.mark.parametrize("url", ["", "mailto:a@b.c", "javascript:void(0)", "ftp://example.com/",
                                 "http://", "http://a b.com/", "http://example.com:70000/", "data:text/html,hi",
                                 "http://-a.com/", "http://a..com/", "http://xn--zz.com/",
                                 "http://" + "abcdefghi." * 30 + "com/", "http://" + "a" * 64 + ".com/"])
def test_check_url_refuses(url):
    target, reason = check_url(url)
    assert target == "" and reason.startswith("invalid URL")


def test_settings_validation_names_the_setting():
    assert FetchSettings().user_agent == DEFAULT_USER_AGENT and "linktriage/" in DEFAULT_USER_AGENT
    with pytest.raises(InputError, match="concurrency must be at least 1"):
        FetchSettings(concurrency=0)
    with pytest.raises(InputError, match="read_timeout must be a positive"):
        FetchSettings(read_timeout=0)
    with pytest.raises(InputError, match="max_retries cannot be negative"):
        FetchSettings(max_retries=-1)


def test_megabytes():
    assert [megabytes(n) for n in (5_000_000, 2_500_000, 64_000, 512)] == ["5 MB", "2.5 MB", "64 KB", "512 bytes"]


def test_progress_is_quiet_when_stderr_is_not_a_terminal(capsys):
    progress = FetchProgress(total=3, enabled=None)  # pytest captures stderr: not a terminal
    for status in ("ok", "error", "ok"):
        progress.advance(status)
    progress.close()
    assert capsys.readouterr().err == "" and progress.counts == {"ok": 2, "error": 1}


def test_progress_shows_rate_and_counts_when_asked(capsys):
    progress = FetchProgress(total=2, enabled=True)
    progress.advance("ok")
    time.sleep(0.05)
    progress.advance("page_gone")
    progress.close()
    err = capsys.readouterr().err
    assert "2/2" in err and "ok 1" in err and "page_gone 1" in err and "pages/s" in err


def test_summary_groups_reasons_by_family():
    summary = FetchSummary(archive="pages.warc.gz")
    for result in [
        FetchResult(url="a", status="ok"),
        FetchResult(url="b", status="error", reason="refused: a.test resolves to private address 10.0.0.1 (use --allow-private)"),
        FetchResult(url="c", status="error", reason="refused: b.test resolves to loopback address 127.0.0.1 (use --allow-private)"),
        FetchResult(url="d", status="error", reason="timed out after 20 s waiting for the server (after 2 retries)"),
        FetchResult(url="e", status="blocked", reason="robots.txt disallows this URL"),
    ]:
        summary.add(result, from_archive=result.url == "a")
    lines = summary.lines()
    assert lines[0] == "5 pages in pages.warc.gz (1 already there)"
    assert any(line.split()[:2] == ["error", "3"] and "refused: non-public address (2)" in line for line in lines)
    assert any(line.split()[:2] == ["blocked", "1"] for line in lines)


def test_the_public_surface_of_the_fetch_module_is_pinned():
    from linktriage.sources import fetch

    assert sorted(fetch.__all__) == ["DEFAULT_USER_AGENT", "FetchSession", "FetchSettings", "FetchSummary",
                                     "fetch_pages", "fetch_to_archive"]
    assert all(hasattr(fetch, name) for name in fetch.__all__)


def test_a_request_cancelled_while_waiting_for_its_host_turn_gives_its_slot_back():
    """A paced request holds the host's slot while it waits out the crawl delay; cancelled there (a run stopping),
    it never reached the caller's try/finally, so the slot stayed taken and the host's next request waited for
    ever. Now the wait gives the slot back."""
    import asyncio

    from linktriage.sources._fetch_engine import _Host

    async def scenario() -> bool:
        host = _Host("slow.example", per_host=1, delay=30.0)
        await host.acquire()  # the first request: no wait
        host.release()
        waiting = asyncio.create_task(host.acquire())  # the second waits 30 s for its turn
        await asyncio.sleep(0.05)
        waiting.cancel()
        with pytest.raises(asyncio.CancelledError):
            await waiting
        await asyncio.wait_for(host.acquire(paced=False), 1.0)  # the slot is free again
        return True

    assert asyncio.run(scenario())
