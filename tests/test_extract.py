"""Decoding and parsing pages that are broken or hostile, through the archive path a user's --pages takes."""

from __future__ import annotations

import codecs

import linktriage

TARGET = "https://b.example/"
PAGE = f"<html><body><p>Read about shoes <a href='{TARGET}'>at the shop</a> today.</p></body></html>"


def _statuses(warc_factory, pages: dict) -> list[str]:
    path = warc_factory(pages)
    rows = linktriage.score([{"source_url": url, "target_url": TARGET} for url in pages], pages=[path])
    return [status if status == "live" else f"{status}: {reason}" for status, reason in zip(rows["link_status"], rows["reasons"])]


def test_a_charset_the_bytes_contradict_is_passed_over(warc_factory):
    """A UTF-16 page (byte order mark) served as "charset=utf-8" was read as NUL-strewn text and its link came out
    `missing`; a UTF-8 page saying <meta charset="utf-16"> was read as CJK characters ("page is not parseable
    HTML"); a charset naming a Python codec that is no web encoding (idna) failed the page."""
    utf16 = codecs.BOM_UTF16_LE + PAGE.encode("utf-16-le")
    statuses = _statuses(warc_factory, {
        "https://a.example/utf16-as-utf8": (200, {"Content-Type": "text/html; charset=utf-8"}, utf16),
        "https://a.example/meta-utf16": (200, {"Content-Type": "text/html"}, b"<meta charset='utf-16'>" + PAGE.encode()),
        "https://a.example/header-utf32": (200, {"Content-Type": "text/html; charset=utf-32"}, PAGE.encode()),
        "https://a.example/idna": (200, {"Content-Type": "text/html; charset=idna"}, PAGE.encode()),
        "https://a.example/utf16": (200, {"Content-Type": "text/html; charset=utf-16"}, utf16),  # as declared
        # punycode made the page "" (empty, not parseable); UTF-7 read "+AGE-" in the text as markup
        "https://a.example/punycode": (200, {"Content-Type": "text/html; charset=punycode"}, PAGE.encode()),
        "https://a.example/utf7": (200, {"Content-Type": "text/html; charset=utf-7"},
                                   PAGE.replace("</p>", "+ADw-a href='https://b.example/'+AD4-hidden+ADw-/a+AD4-</p>")
                                   .replace("<a href='https://b.example/'>at the shop</a>", "at the shop").encode()),
    })
    assert statuses == ["live", "live", "live", "live", "live", "live", "missing: no link to https://b.example/ on the page"]


def test_labels_are_read_as_browsers_read_them_and_a_utf8_byte_order_mark_decides(warc_factory):
    """A page declared ISO-8859-1 holding windows-1252 quotes had C1 control characters in its anchors and text
    ("Bob\x92s"), where browsers show "Bob’s"; a UTF-8 page with its byte order mark, served as ISO-8859-1, came out
    as "Ã©tÃ©", where browsers follow the mark."""
    def page(anchor: str) -> str:
        return f"<html><body><p>Our favourite: <a href='{TARGET}'>{anchor}</a> today.</p></body></html>"

    path = warc_factory({
        "https://a.example/latin1": (200, {"Content-Type": "text/html; charset=ISO-8859-1"},
                                     page("Bob’s shop – 5 €").encode("cp1252")),
        "https://a.example/ascii-meta": (200, {"Content-Type": "text/html"},
                                         b"<meta charset='us-ascii'>" + page("“Quoted”").encode("cp1252")),
        "https://a.example/bom": (200, {"Content-Type": "text/html; charset=iso-8859-1"},
                                  codecs.BOM_UTF8 + page("Boutique été").encode()),
        "https://a.example/gb2312": (200, {"Content-Type": "text/html; charset=gb2312"}, page("镕 shop").encode("gbk")),
    })
    rows = linktriage.score([{"source_url": url, "target_url": TARGET} for url in
                             ["https://a.example/latin1", "https://a.example/ascii-meta", "https://a.example/bom",
                              "https://a.example/gb2312"]], pages=[path])
    assert list(rows["link_status"]) == ["live"] * 4
    assert list(rows["anchor"]) == ["Bob’s shop – 5 €", "“Quoted”", "Boutique été", "镕 shop"]


def test_an_article_of_brackets_is_read_in_linear_time():
    """The markdown links in trafilatura's text were removed by a pattern re retried from every "[" to the next
    "]": an article holding 100,000 "[" after its last link took a minute, a bigger one hours."""
    import time

    from linktriage import FetchResult
    from linktriage.extract import extract_page

    html = (f"<html><body><article><p>Words of the article and <a href='{TARGET}'>the shop</a> with "
            f"![a picture] and [notes](here).</p><p>{'[' * 100_000}</p></article></body></html>")
    started = time.perf_counter()
    page = extract_page(FetchResult(url="https://a.example/p", status="ok", body=html.encode()))
    assert time.perf_counter() - started < 20
    assert "and the shop with ![a picture] and notes." in page.info.main_text


def test_a_page_opening_with_an_unclosed_xml_declaration_is_read(warc_factory):
    """A CMS wrote the page's keywords into the declaration's encoding="..." and never closed it with "?>": lxml
    refused the page ("page is not parseable HTML"), while a browser ends it at the first ">" and shows the page."""
    unclosed = '<?xml version="1.0" encoding="news, politics, iraq" />\n<meta name="generator" content="Joomla" />\n'
    closed = '<?xml version="1.0" encoding="utf-8"?>\n'
    assert _statuses(warc_factory, {"http://a.example.org/story": unclosed + PAGE,
                                    "http://c.example.org/story": closed + PAGE}) == ["live", "live"]
