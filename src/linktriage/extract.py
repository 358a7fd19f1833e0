"""Extraction: one FetchResult -> one ParsedPage (decoded, parsed once, trafilatura main text and metadata).

The parse tree is shared by the locator and the features, so each page is parsed exactly once. trafilatura
works on the same tree (it copies what it cleans), which is why ``extract_page`` passes the tree, not bytes.
"""

from __future__ import annotations

import codecs
import functools
import json
import re
from dataclasses import dataclass, field
from urllib.parse import urljoin

import lxml.etree
import lxml.html
from charset_normalizer import from_bytes

from linktriage._domains import registrable_domain
from linktriage._records import FetchResult, PageInfo

__all__ = ["ParsedPage", "extract_page", "decode_html", "normalise_href"]

_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([a-zA-Z0-9_\-:.]+)""", re.I)
# an XML declaration or any "<?" opening the page: lxml refuses a page that opens with one left unclosed (a CMS wrote
# keywords into encoding="..." and never reached "?>"), while HTML parsers end it at the first ">" (a bogus comment)
_XML_DECL = re.compile(r"^\s*<\?[^>]*>")
_LD_TYPE = re.compile(r'"@type"\s*:\s*(\[[^\]]*\]|"[^"]*")')
#: pages larger than this (decoded characters) are cut before parsing: memory and time stay bounded
MAX_HTML_CHARS = 3_000_000
#: entries of each per-process href cache (here and in locate): many times one page's distinct links, where the
#: reuse is; 65,536 let a worker grow by ~100 MB over 1,000 pages instead of ~70 MB, for no measurable speed
HREF_CACHE_SIZE = 16_384
#: start tags nested deeper than this are dropped from pages that exceed libxml2's nesting limit (256)
MAX_NESTING = 200
_TAG = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9]*)\b[^<>]*>")  # [^<>]: linear even on a "<a<a<a" page
_VOID_TAGS = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param",
                        "source", "track", "wbr"})


@dataclass(slots=True)
class ParsedPage:
    """A referring page after extraction. Holds the lxml tree, so it lives inside one worker only."""

    info: PageInfo
    tree: lxml.html.HtmlElement
    #: URL that relative hrefs resolve against (<base href> or the final URL)
    base_url: str
    source_domain: str
    #: resolved hrefs of the links trafilatura kept in the main content
    main_hrefs: frozenset[str] = frozenset()
    #: text of the comment section as trafilatura separated it (lower-cased, whitespace folded)
    comments_text: str = ""
    #: the raw HTML text (decoded), for markup statistics
    html: str = field(default="", repr=False)
    #: ``tree.text_content()``, taken once at extraction: page statistics and page features both read it
    #: (None in a page built by hand: readers then take it from the tree)
    text: str | None = field(default=None, repr=False)
    #: caches the locator fills on first use (every web link on the page; link counts and prose per element)
    link_table: list | None = field(default=None, repr=False)
    link_counts: dict | None = field(default=None, repr=False)
    prose_lengths: dict | None = field(default=None, repr=False)
    #: per block element: (folded text, link statistics); per (parent, item shape): listing size. Links of one
    #: block share them, so describing every link of a 2,000-link list is not 2,000 walks over the list.
    block_facts: dict = field(default_factory=dict, repr=False)
    listing_sizes: dict = field(default_factory=dict, repr=False)
    #: heading tag -> how many registrable domains the page's headings of that tag link (locate._heading_entries)
    heading_domains: dict | None = field(default=None, repr=False)
    #: per element: the region its own tag, role, id and classes name, and whether its own attributes hide it.
    #: Every link below a wrapper asks about the wrapper, whose style or class can be a megabyte (an inline data:
    #: image), so each element's attributes are read once, not once per link.
    regions: dict = field(default_factory=dict, repr=False)
    hiding: dict = field(default_factory=dict, repr=False)
    #: the page was longer than MAX_HTML_CHARS and only its beginning was read
    cut: bool = False
    #: what was cut off, lower-cased: searched only to tell "not on the page" from "not in the part read"
    rest: str = field(default="", repr=False)


#: Python text codecs that no browser decodes a page with: punycode turned a page into "", the escape codecs and
#: UTF-7 (which the Encoding Standard drops, since it hides markup) rewrite "\\u..." and "+...-" in its text
_NOT_WEB_ENCODINGS = frozenset({"punycode", "unicode-escape", "raw-unicode-escape", "utf-7"})
#: labels that browsers decode with a superset (the Encoding Standard's label table): a page declared ISO-8859-1 or
#: ASCII is read as windows-1252, so its curly quotes, dashes and euro signs are not C1 control characters
_AS_BROWSERS_DECODE = {"iso8859-1": "cp1252", "ascii": "cp1252", "iso8859-9": "cp1254", "iso8859-11": "cp874",
                       "tis-620": "cp874", "gb2312": "gbk", "euc_kr": "cp949", "shift_jis": "cp932",
                       "big5": "big5hkscs"}


def decode_html(body: bytes, declared: str = "") -> str:
    """Decode a page: the HTTP charset, else the <meta> charset, else detection; never raises.

    A UTF-8 byte order mark decides, and a declared label is read as browsers read it (ISO-8859-1 as windows-1252).
    A declaration the bytes contradict is passed over, as browsers pass it over: a UTF-16 or UTF-32 byte order
    mark says what the page is (a UTF-16 page served as "charset=utf-8" came out as NUL-strewn text with no
    link), a UTF-16/32 page's markup has NUL bytes (a UTF-8 page saying <meta charset="utf-16"> came out as CJK
    characters and "not parseable HTML"), and a Python codec that is no web encoding (idna, punycode, UTF-7) is
    no declaration at all.
    """
    if body.startswith(codecs.BOM_UTF8):  # a UTF-8 byte order mark decides over any declaration, as in browsers
        return body.decode("utf-8", errors="replace")
    wide_bom = body.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE, codecs.BOM_UTF32_BE))  # UTF-32 LE too
    for candidate in (declared, _meta_charset(body)):
        if candidate:
            try:
                codec = codecs.lookup(candidate).name
                wide = codec.startswith(("utf-16", "utf-32"))
                if codec in _NOT_WEB_ENCODINGS:
                    continue
                if wide_bom and not wide or wide and not wide_bom and b"\x00" not in body[:1024]:
                    continue
                return body.decode(_AS_BROWSERS_DECODE.get(codec, candidate), errors="replace")
            except (LookupError, UnicodeError):
                continue
    if body.startswith((codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        best = from_bytes(body[:200_000]).best()
        if best is not None:
            return body.decode(best.encoding, errors="replace")
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError:
        best = from_bytes(body[:200_000]).best()
        return body.decode(best.encoding if best else "cp1252", errors="replace")


def _meta_charset(body: bytes) -> str:
    match = _META_CHARSET.search(body[:4096])
    return match.group(1).decode("ascii", "ignore") if match else ""


def normalise_href(href: str, base_url: str) -> str:
    """Resolve an href against the page's base as a browser reads it (_browser_href); '' for hrefs that are not
    web links."""
    href = _browser_href(href)
    if not href or href[:11].lower().startswith(_NOT_WEB):
        return ""
    return _resolve(href, base_url)


# What a browser does to an href before resolving it (the WHATWG URL standard): it strips leading and trailing
# control characters and spaces, drops every tab and newline inside ("http://exam\nple.com" is example.com), reads
# the scheme in any case ("JavaScript:void(0)" is no link), and in http(s) and relative URLs reads a backslash as a
# slash up to the query ("https:\\host\path" is https://host/path). urljoin does none of this.
_NOT_WEB = ("#", "javascript:", "mailto:", "tel:", "data:")
_C0_OR_SPACE = "".join(map(chr, range(0x21)))
_TAB_OR_NEWLINE = re.compile(r"[\t\n\r]")
_SCHEME = re.compile(r"([a-zA-Z][a-zA-Z0-9+.-]*):")
_SPECIAL_SCHEMES = frozenset({"http", "https", "ftp", "ws", "wss", "file"})


def _browser_href(href: str | None) -> str:
    href = (href or "").strip().strip(_C0_OR_SPACE)
    if "\t" in href or "\n" in href or "\r" in href:
        href = _TAB_OR_NEWLINE.sub("", href)
    if "\\" in href:
        scheme = _SCHEME.match(href)
        if scheme is None or scheme.group(1).lower() in _SPECIAL_SCHEMES:
            ends = [i for i in (href.find("?"), href.find("#")) if i >= 0]
            end = min(ends) if ends else len(href)
            href = href[:end].replace("\\", "/") + href[end:]
    return href


@functools.lru_cache(maxsize=HREF_CACHE_SIZE)
def _resolve(href: str, base_url: str) -> str:
    # Page statistics, the locator's link table and its block statistics each resolve the same hrefs:
    # urljoin is the costly part, so each (href, base) is resolved once.
    try:
        return urljoin(base_url, href)
    except ValueError:
        return ""


@functools.lru_cache(maxsize=HREF_CACHE_SIZE)
def href_domain(href: str) -> str:
    """``registrable_domain(href)``, remembered: page statistics and the locator's block statistics ask it of
    the same resolved hrefs (a URL split and a public-suffix look-up each time)."""
    return registrable_domain(href)


def extract_page(fetched: FetchResult) -> ParsedPage | None:
    """Decode, parse and extract one fetched page. None when the body is not usable HTML."""
    html = _XML_DECL.sub("", decode_html(fetched.body, fetched.charset))
    cut, html, rest = len(html) > MAX_HTML_CHARS, html[:MAX_HTML_CHARS], html[MAX_HTML_CHARS:].lower()
    if "<" not in html:
        return None
    tree = _parse(html)
    if tree is None:
        return None
    _open_noframes(tree)
    url = fetched.final_url or fetched.url
    base_url = (_canonical_url(tree) or url) if url.startswith("urn:") else _base_url(tree, url)
    metadata = _metadata(tree, base_url if base_url.startswith("http") else None)
    doc = _trafilatura(tree, base_url if base_url.startswith("http") else metadata.url)
    main_hrefs = frozenset()
    comments_text = ""
    if doc is not None:
        if doc.body is not None:
            main_hrefs = frozenset(
                h for h in (normalise_href(r.get("target", ""), base_url) for r in doc.body.iter("ref")) if h
            )
        comments_text = " ".join((doc.comments or "").lower().split())
    text = tree.text_content()
    info = _page_info(tree, text, url, base_url, doc, metadata)
    source = registrable_domain(base_url if url.startswith("urn:") else url)
    return ParsedPage(info=info, tree=tree, base_url=base_url, source_domain=source,
                      main_hrefs=main_hrefs, comments_text=comments_text, html=html, text=text, cut=cut,
                      rest=rest)


def _parse(html: str) -> lxml.html.HtmlElement | None:
    """The page's tree; a page nested past libxml2's limits is parsed again with its nesting flattened.

    libxml2 stops at 256 open elements and drops the rest of the page, so a spam page of unclosed <font>s came
    out with no links at all. Lifting the limit (huge_tree) is not enough: it only moves to 2048, and
    trafilatura's link-density pass costs depth x links (a 2000-deep page of 20,000 links took 260 s, not 15),
    and trafilatura parses its readability fallback's output again with default limits, which would drop the
    link from the main content. The default limits stay for ordinary pages (one parse, as before).
    """
    parser = lxml.html.HTMLParser(huge_tree=False, recover=True)
    try:
        tree = lxml.html.document_fromstring(html, parser=parser)
        if not any(e.type == lxml.etree.ErrorTypes.ERR_RESOURCE_LIMIT for e in parser.error_log):
            return tree
        # huge_tree: slack for what _flatten miscounts, and no text node or name size limits (the page is already
        # cut at MAX_HTML_CHARS).
        deep = lxml.html.HTMLParser(huge_tree=True, recover=True)
        return lxml.html.document_fromstring(_flatten(html), parser=deep)
    except (lxml.etree.ParserError, ValueError):
        return None


def _open_noframes(tree: lxml.html.HtmlElement) -> None:
    """Parse the markup inside <noframes> elements into elements.

    libxml2, like the HTML standard, reads a <noframes>'s content as text, so a link hidden there (an old trick of
    link spam: browsers show it to nobody) was not found and its row came out ``missing``. Its links are then
    found, and marked hidden by the locator.
    """
    for element in list(tree.iter("noframes")):
        markup = element.text or ""
        if "<" not in markup or len(element):
            continue
        try:
            parts = lxml.html.fragments_fromstring(markup)
        except (lxml.etree.ParserError, ValueError):
            continue
        element.text = None
        for part in parts:
            if isinstance(part, str):  # text before the first element
                element.text = part
            else:
                element.append(part)


def _flatten(html: str) -> str:
    """``html`` without the start tags nested deeper than MAX_NESTING (their text stays), links kept.

    Depth is counted on the raw tags: the parser closes some implicitly (<p>, <li>), so this counts deeper than
    the parser nests and the flattened tree stays under libxml2's limit (and trafilatura's cost stays bounded).
    """
    depth = 0

    def keep(match: re.Match) -> str:
        nonlocal depth
        tag = match.group(0)
        name = match.group(2).lower()
        if name in _VOID_TAGS or tag.endswith("/>"):
            return tag
        if match.group(1):
            depth = max(depth - 1, 0)
            return tag
        depth += 1
        return tag if depth <= MAX_NESTING or name == "a" else ""

    return _TAG.sub(keep, html)


def _base_url(tree: lxml.html.HtmlElement, url: str) -> str:
    """The URL the page's links resolve against: its ``<base href>``, or ``url``. A base that is not a URL
    ("http://[::1") is ignored, as browsers ignore it, rather than failing the page."""
    base = tree.find(".//base[@href]")
    if base is None:
        return url
    try:
        return urljoin(url, _browser_href(base.get("href")))
    except ValueError:
        return url


def _canonical_url(tree: lxml.html.HtmlElement) -> str:
    for xpath in ('.//link[@rel="canonical"]/@href', './/meta[@property="og:url"]/@content'):
        found = tree.xpath(xpath)
        if found and str(found[0]).startswith("http"):
            return str(found[0]).strip()
    return ""


def _trafilatura(tree: lxml.html.HtmlElement, url: str | None):  # -> trafilatura Document | None
    import trafilatura

    try:
        return trafilatura.bare_extraction(tree, url=url, include_links=True, include_comments=True,
                                           include_tables=True)
    except (RecursionError, ValueError, TypeError, AttributeError, lxml.etree.LxmlError):
        # trafilatura recurses over the tree: hostile, absurdly nested pages end here, as "no main text".
        return None


def _metadata(tree: lxml.html.HtmlElement, url: str | None):  # -> trafilatura Document
    """trafilatura's metadata, only the fields linktriage uses (title, author, date, description, URL).

    The same steps as ``trafilatura.metadata.extract_metadata`` for those fields, in the same order and on the
    same tree (none of them modifies it), minus sitename, categories, tags and licence, which cost a fifth of
    the metadata time and which no feature reads.
    """
    from trafilatura.metadata import (examine_meta, extract_author, extract_meta_json, extract_title, extract_url,
                                      find_date, set_date_params)
    from trafilatura.settings import Document

    try:
        metadata = examine_meta(tree)
        if metadata.author and " " not in metadata.author:
            metadata.author = None
        try:
            metadata = extract_meta_json(tree, metadata)
        except Exception:  # noqa: BLE001 - trafilatura guards this call the same way (bugs in its JSON-LD code)
            pass
        if not metadata.title:
            metadata.title = extract_title(tree)
        if not metadata.author:
            metadata.author = extract_author(tree)
        if not metadata.url:
            metadata.url = extract_url(tree, url)
        # htmldate's extensive search (scanning every text node for date-like strings) was a fifth of the
        # extraction time; the meta / JSON-LD / <time> / URL dates it keeps are the ones a byline shows.
        params = set_date_params(False)
        params["url"] = metadata.url
        metadata.date = find_date(tree, **params)
        metadata.clean_and_trim()
    except (RecursionError, ValueError, TypeError, AttributeError, lxml.etree.LxmlError):
        return Document()
    return metadata


def _page_info(tree, page_text: str, url: str, base_url: str, doc, metadata) -> PageInfo:
    source = registrable_domain(base_url)
    links = external = 0
    domains: set[str] = set()
    for anchor in tree.iter("a"):
        href = normalise_href(anchor.get("href", ""), base_url)
        if not href:
            continue
        links += 1
        domain = href_domain(href)
        if domain and domain != source:
            external += 1
            domains.add(domain)
    text = " ".join(page_text.split())

    def meta(name: str) -> str:
        value = getattr(metadata, name, None)
        if isinstance(value, list):
            return ", ".join(str(v) for v in value)
        return str(value) if value else ""

    title = meta("title")
    if not title:
        found = tree.find(".//title")
        title = " ".join((found.text_content() if found is not None else "").split())
    return PageInfo(
        url=url, title=title, main_text=_unlink(doc.text or "") if doc is not None else "",
        author=meta("author"), sitename=meta("sitename"), date=meta("date"), description=meta("description"),
        categories=meta("categories"), tags=meta("tags"), language=meta("language") or (tree.get("lang") or ""),
        page_text_length=len(text), page_links=links, page_external_links=external,
        page_external_domains=len(domains), schema_types=_schema_types(tree),
    )


def _unlink(text: str) -> str:
    """trafilatura's text with its markdown links ``[text](url)`` (and images ``![alt](src)``) replaced by their text.

    What ``re.sub(r"!?\\[([^\\]]*)\\]\\([^)]*\\)", r"\\1", text)`` gives, in one pass: re retried that pattern from
    every "[" to the next "]", so an article of 40,000 "[" took 10 s and a page of them hours. Here every "[" before
    a "]" shares that "]", and so the answer of the first of them.
    """
    parts, done, at = [], 0, text.find("[")
    while at >= 0:
        close = text.find("]", at)
        if close < 0:
            break
        if not text.startswith("(", close + 1):
            at = text.find("[", close + 1)
            continue
        end = text.find(")", close + 2)
        if end < 0:  # no ")" anywhere further: no later "[" can end a link either
            break
        start = at - 1 if at > done and text[at - 1] == "!" else at
        parts += (text[done:start], text[at + 1:close])
        done = end + 1
        at = text.find("[", done)
    parts.append(text[done:])
    return "".join(parts)


def _schema_types(tree) -> str:
    types: set[str] = set()
    for value in tree.xpath("//@itemtype"):
        types.update(t.rstrip("/").rsplit("/", 1)[-1] for t in str(value).split())
    for script in tree.xpath('//script[@type="application/ld+json"]'):
        for match in _LD_TYPE.finditer(script.text or ""):
            try:
                found = json.loads(match.group(1))
            except ValueError:
                continue
            for t in found if isinstance(found, list) else [found]:
                if isinstance(t, str):
                    types.add(t.rsplit("/", 1)[-1])
    return " ".join(sorted(types))
