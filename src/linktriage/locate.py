"""The link locator: find the links to a target on a parsed page and describe where each one sits.

Position comes from two views of the page that fail differently:
- the DOM ancestry of the link (semantic tags, ARIA roles, ids and classes of common themes and comment
  systems: WordPress, Disqus, Blogger, phpBB / vBulletin / Discourse forums), nearest region first;
- trafilatura's main-content extraction (is the href among the links it kept?) and its comment separation.
Explicit markup wins where there is some; trafilatura decides the rest.
"""

from __future__ import annotations

import functools
import itertools
import re
from collections.abc import Iterator
from dataclasses import dataclass
from urllib.parse import unquote, urlsplit

from lxml.html import HtmlElement

from linktriage._domains import hostname, registrable_domain, to_ascii_host
from linktriage._records import LinkContext
from linktriage.extract import HREF_CACHE_SIZE, ParsedPage, href_domain, normalise_href
from linktriage.sources.warc import url_key

__all__ = ["locate_links", "external_links", "anchor_type", "target_matcher", "region_ancestors", "region_of"]

# Region markers in id / class values, matched as whole words ("-", "_" and spaces separate words).
_REGION_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (name, re.compile(rf"(?:^|[\s_\-]){pattern}(?:$|[\s_\-])", re.I))
    for name, pattern in (
        ("comment", r"(?:comments?|commentlist|comment-?(?:body|content|text|author)|disqus\w*|dsq|respond|"
                    r"repl(?:y|ies)|trackbacks?|pingbacks?|guestbook|postbody|post[-_]?message|postcontent|"
                    r"signature|usersig|sig|forum-?post|bbp-reply-content|messagecontent|cooked|ugc|"
                    r"talkbacks?|threads?|reviews?|user-?content|discussion|feedback)"),
        ("navigation", r"(?:nav|navbar|navigation|menu|menubar|breadcrumbs?|topnav|subnav|pagination|pager|tabs)"),
        ("footer", r"(?:footer|site-?footer|colophon|foot|bottom-?bar|copyright)"),
        ("header", r"(?:header|site-?header|masthead|topbar|top-?bar|branding|banner)"),
        ("sidebar", r"(?:sidebar|side-?bar|widget|widgets|widget-?area|blogroll|linkcat|xoxo|secondary|rail|"
                    r"right-?col(?:umn)?|left-?col(?:umn)?|aside|sidebox|related|partners?|sponsors?)"),
        ("content", r"(?:entry-?content|post-?content|article-?(?:body|content|text)|post-?body|story-?body|"
                    r"story|article|entry|content|main|body-?text|text-?body|post|blog-?post|hentry)"),
    )
)
_TAG_REGIONS = {"nav": "navigation", "footer": "footer", "header": "header", "aside": "sidebar",
                "article": "content", "main": "content"}
_ROLE_REGIONS = {"navigation": "navigation", "menubar": "navigation", "menu": "navigation",
                 "contentinfo": "footer", "banner": "header", "complementary": "sidebar",
                 "main": "content", "article": "content", "comment": "comment"}
_CAMEL = re.compile(r"(?<=[a-z])(?=[A-Z])")
_TAXONOMY_CLASS = re.compile(r"^(?:category|tag|format|status|type|postid|post_tag)-", re.I)
_BLOCK_TAGS = frozenset({"p", "ul", "ol", "dl", "table", "blockquote", "div", "section", "article", "aside",
                         "nav", "footer", "header", "form", "main", "body", "pre", "figure", "center", "td"})
_HIDDEN_STYLE = re.compile(
    r"display\s*:\s*none|visibility\s*:\s*hidden|font-size\s*:\s*[01](?:px|pt|em)?\s*(?:;|$)|"
    r"(?:left|top|text-indent)\s*:\s*-\d{3,}", re.I)
# "height:0; ... overflow:hidden" on one line hides too. Not one pattern with ".*" between them: re retries it from
# every "height:0;", each time to the end of the line, and a style repeating it took minutes (see _zero_height_box).
_ZERO_HEIGHT = re.compile(r"height\s*:\s*0(?:px)?\s*;", re.I)
_OVERFLOW_HIDDEN = re.compile(r"overflow\s*:\s*hidden", re.I)
_GENERIC_ANCHORS = frozenset("""
click here|here|this|this link|link|read more|more|learn more|see more|find out more|more info|more information|
website|this website|site|this site|homepage|home page|home|visit|visit site|visit website|go|source|via|
this article|this post|article|post|page|this page|check it out|details|continue|continue reading|download|
hier|mehr|weiterlesen|hier klicken|ici|cliquez ici|en savoir plus|aquí|aqui|leer más|clic aquí|saiba mais|
clique aqui|qui|clicca qui|leggi tutto|klik hier|lees meer|こちら|ここ|כאן
""".replace("\n", "").split("|"))
_WORD = re.compile(r"[^\W_]+", re.U)
_URLISH = re.compile(r"^(?:https?://|www\.)|^[\w\-]+(?:\.[\w\-]+)+(?:/\S*)?$", re.I)
_STOP = frozenset("a an the and or of for to in on at by with your our my best top".split())
CONTEXT_CHARS = 300


@dataclass(frozen=True, slots=True)
class _Link:
    element: HtmlElement
    href: str
    key: str
    host: str
    domain: str


def target_matcher(target_url: str):
    """A predicate over resolved hrefs: the exact page when the target has a path, any link to the site when not."""
    target_url = target_url.strip()
    host = hostname(target_url)
    if not host:
        return lambda link: False
    host = _ascii_host(host)
    bare_host = host[4:] if host.startswith("www.") else host
    path = urlsplit(target_url if "//" in target_url else "//" + target_url).path
    if path.strip("/") == "" and "?" not in target_url:
        domain = registrable_domain(host)
        if bare_host == domain:  # "example.com": any page of the site, any subdomain
            return lambda link: link.domain == domain
        # "blog.example.com": that host and below it
        return lambda link: link.host == bare_host or link.host.endswith("." + bare_host)
    key = url_key(_ascii_url(target_url))
    return lambda link: link.key == key


def _ascii_host(host: str) -> str:
    """The punycode form by the rules the page's own domain is computed with (_domains.to_ascii_host, UTS 46):
    Python's IDNA 2003 codec turned "faß.de" into "fass.de", so a site's own links counted as another site's."""
    try:
        return to_ascii_host(host) if not host.isascii() else host
    except UnicodeError:
        return host


def _ascii_url(url: str, host: str | None = None) -> str:
    host = hostname(url) if host is None else host  # the caller may know it already
    return url.replace(host, _ascii_host(host), 1) if host and not host.isascii() else url


def _links(page: ParsedPage) -> list[_Link]:
    cached = page.link_table
    if cached is not None:
        return cached
    table = []
    for element in page.tree.iter("a"):
        href = normalise_href(element.get("href", ""), page.base_url)
        if not href.startswith(("http://", "https://")):
            continue
        table.append(_Link(element, href, *_href_facts(href)))
    page.link_table = table
    return table


@functools.lru_cache(maxsize=HREF_CACHE_SIZE)
def _href_facts(href: str) -> tuple[str, str, str]:
    """(url key, host without "www.", registrable domain) of a resolved href: four URL splits, done once per
    href (a page repeats its menu links, a site its share buttons)."""
    raw_host = hostname(href)
    host = _ascii_host(raw_host)
    key = url_key(_ascii_url(href, raw_host))  # decoded there, as the target's key is
    return key, host[4:] if host.startswith("www.") else host, registrable_domain(host)


def locate_links(page: ParsedPage, target_url: str) -> list[LinkContext]:
    """Every link on ``page`` that points to ``target_url`` (normalised), in document order."""
    matches = target_matcher(target_url)
    return [_describe(page, link, target_url) for link in _links(page) if matches(link)]


def external_links(page: ParsedPage) -> list[tuple[str, LinkContext]]:
    """Every link to another registrable domain, as (href, context) pairs in document order."""
    return [(link.href, _describe(page, link, link.href)) for link in _links(page) if _to_another_site(page, link)]


def _to_another_site(page: ParsedPage, link: _Link) -> bool:
    return bool(link.domain) and link.domain != page.source_domain


def _describe(page: ParsedPage, link: _Link, target_url: str) -> LinkContext:
    element = link.element
    text = " ".join(element.text_content().split())
    images = element.findall(".//img")
    is_image = not text and bool(images)
    if is_image:
        text = " ".join((images[0].get("alt") or "").split())
    block = _block(element)
    # the block's text (whitespace folded) is read three times below: taken once per block (a block can be the
    # whole <body>, and all links of a big list share one)
    facts = page.block_facts.get(block)
    if facts is None:
        text_of_block = " ".join(block.text_content().split())
        facts = page.block_facts[block] = (text_of_block, _block_stats(page, block, text_of_block))
    block_text, block_stats = facts
    position, evidence = _position(page, link, block_text)
    context = _context(block_text, text)
    return LinkContext(
        href=link.href,
        anchor_text=text,
        position=position,
        rel=tuple(sorted({t for t in (element.get("rel") or "").lower().split() if t})),
        anchor_type=anchor_type(text, target_url, is_image=is_image),
        context_text=context,
        in_main_content=link.href in page.main_hrefs,
        position_evidence=evidence,
        block_links=block_stats[0],
        block_external_domains=block_stats[1],
        block_text_length=block_stats[2],
        block_link_text_length=block_stats[3],
        heading_entries=_heading_entries(page, element),
        is_image=is_image,
        hidden=_hidden(page, element),
        depth=sum(1 for _ in element.iterancestors()),
        ancestry=" > ".join(_describe_element(a) for a in list(element.iterancestors())[:6][::-1]),
    )


def _describe_element(element: HtmlElement) -> str:
    label = str(element.tag)
    if element.get("id"):
        label += "#" + element.get("id", "").strip()[:30]
    classes = (element.get("class") or "").split(maxsplit=3)  # the first three: not a list of a megabyte's words
    if classes:
        label += "." + ".".join(c[:30] for c in classes[:3])
    return label


def _region(element: HtmlElement) -> str | None:
    role = (element.get("role") or "").lower()
    if role in _ROLE_REGIONS:
        return _ROLE_REGIONS[role]
    names = f"{element.get('id') or ''} {element.get('class') or ''}".strip()
    if names:
        # WordPress tags every post with its taxonomy ("category-reviews", "tag-discussion"): not a region name
        names = " ".join(token for token in names.split() if not _TAXONOMY_CLASS.match(token))
        # "CommentTableStyle", "postBody": camelCase words count as words too.
        names = _CAMEL.sub(" ", names)
        for region, pattern in _REGION_PATTERNS:
            if pattern.search(names):
                return region
    tag = str(element.tag).lower()
    if tag in _TAG_REGIONS:
        return _TAG_REGIONS[tag]
    if tag == "li" and element.get("id", "").startswith("comment"):
        return "comment"
    return None


def _position(page: ParsedPage, link: _Link, block_text: str) -> tuple[str, str]:
    """The link's region and the evidence for it; ``block_text`` is the text of ``_block(link.element)``."""
    region, named = region_of(page, link.element)
    evidence = _describe_element(named) if named is not None else ""
    in_main = link.href in page.main_hrefs
    if region in (None, "content") and page.comments_text:
        block_text = block_text.lower()
        if len(block_text) >= 40 and block_text[:200] in page.comments_text:
            return "comment", "trafilatura comments"
    if region in (None, "content"):
        items = _listing_size(page, link.element)
        if items >= 5:
            return "listing", f"one of {items} similar items"
    if region is not None:
        return region, evidence
    if in_main:
        return "content", "trafilatura main text"
    return "other", ""


def region_ancestors(element: HtmlElement, *, include_self: bool = False) -> Iterator[HtmlElement]:
    """``element`` (if ``include_self``) and its ancestors up to, not including, <body>: the elements whose tags,
    ids and classes can name a region. <body> and <html> classes are page-wide flags ("showing-comments",
    "no-comments", "template-thread_view", "footer-on-bottom"), not the region an element sits in."""
    for ancestor in itertools.chain((element,) if include_self else (), element.iterancestors()):
        if ancestor.tag in ("body", "html"):
            return
        yield ancestor


def region_of(page: ParsedPage, element: HtmlElement, *,
              include_self: bool = False) -> tuple[str | None, HtmlElement | None]:
    """The named region ``element`` sits in (comment, navigation, footer, header, sidebar, content) and the
    ancestor that names it, or (None, None). Shared by the locator and the disclosure-note feature."""
    total_links = max(len(_links(page)), 1)
    for ancestor in region_ancestors(element, include_self=include_self):
        found = _named_region(page, ancestor)
        if found is None:
            continue
        # A wrapper holding most of the page's links ("#page.has-sidebar") says nothing about this link; a big
        # blogroll or footer link block also holds most links, but not the page's prose, so it keeps its name.
        if (found != "comment" and ancestor.tag not in _TAG_REGIONS
                and _link_count(page, ancestor) > 0.7 * total_links and _holds_the_prose(page, ancestor)):
            continue
        # <header>/<footer> of an article belong to the article (bylines, tags, author boxes).
        if found in ("header", "footer") and ancestor.tag in ("header", "footer") and _inside_article(ancestor):
            found = "content"
        # The body of a comment or forum post is often a ".content" or ".post" block: the comment around it wins.
        if found == "content":
            thread = next((a for a in region_ancestors(ancestor) if _named_region(page, a) == "comment"), None)
            if thread is not None:
                found, ancestor = "comment", thread
        return found, ancestor
    return None, None


def _named_region(page: ParsedPage, element: HtmlElement) -> str | None:
    """``_region(element)``, read once per element of the page (see ParsedPage.regions)."""
    regions = page.regions
    if element not in regions:
        regions[element] = _region(element)
    return regions[element]


def _inside_article(element: HtmlElement) -> bool:
    return any(a.tag in ("article", "main") or (a.get("role") or "") in ("main", "article")
               for a in element.iterancestors())


def _prose_length(page: ParsedPage, element: HtmlElement) -> int:
    """Characters of text outside links (whitespace dropped): what an article has and a link block lacks.

    Cached per element: every link of a big block asks about the same block and the same <body>."""
    def length(node: HtmlElement) -> int:
        return len("".join(node.text_content().split()))

    if page.prose_lengths is None:
        page.prose_lengths = {}
    if element not in page.prose_lengths:
        page.prose_lengths[element] = length(element) - sum(length(a) for a in element.iter("a"))
    return page.prose_lengths[element]


def _holds_the_prose(page: ParsedPage, element: HtmlElement) -> bool:
    """True when ``element`` wraps most of the page's prose, or the page has too little prose to tell."""
    body = page.tree.find("body")
    page_prose = _prose_length(page, body if body is not None else page.tree)
    return page_prose < 200 or _prose_length(page, element) >= 0.5 * page_prose


def _link_count(page: ParsedPage, element: HtmlElement) -> int:
    counts = page.link_counts
    if counts is None:
        counts = {}
        for link in _links(page):
            for ancestor in link.element.iterancestors():
                counts[ancestor] = counts.get(ancestor, 0) + 1
        page.link_counts = counts
    return counts.get(element, 0)


def _listing_size(page: ParsedPage, element: HtmlElement) -> int:
    """How many similar sibling items (same tag and class) each hold a link, around the link's item.

    A directory or catalogue repeats one item shape (name, address, website...) many times; an article's
    paragraphs do not. Items must carry text beyond their links, so a bare link list is not a listing.
    """
    item = element
    for _ in range(4):
        parent = item.getparent()
        if parent is None or parent.tag in ("body", "html"):
            return 0
        shape = (item.tag, item.get("class"))
        size = page.listing_sizes.get((parent, shape))  # the links of one list share their items' answer
        if size is None:
            size = page.listing_sizes[(parent, shape)] = _similar_items(parent, shape)
        if size >= 0:
            return size
        item = parent
    return 0


def _similar_items(parent: HtmlElement, shape: tuple) -> int:
    """_listing_size at one level: the listing's size, 0 when the items are bare links, -1 to look further up."""
    similar = [s for s in parent if (s.tag, s.get("class")) == shape and s.find(".//a") is not None]
    if shape[0] in ("p", "a", "span", "strong", "em", "b", "i") or len(similar) < 5:
        return -1
    with_text = sum(
        1 for s in similar
        if len(" ".join(s.text_content().split())) - sum(len(a.text_content()) for a in s.iter("a")) >= 15
    )
    return len(similar) if with_text >= 0.6 * len(similar) else 0


_ENTRY_HEADINGS = frozenset({"h2", "h3", "h4", "h5"})


def _heading_of(element: HtmlElement) -> HtmlElement | None:
    """The h2-h5 holding a link: its parent, or up to two inline wrappers up (<h3><strong><a>)."""
    return next((a for a in itertools.islice(element.iterancestors(), 3) if a.tag in _ENTRY_HEADINGS), None)


def _heading_entries(page: ParsedPage, element: HtmlElement) -> int:
    """For a link in a heading: how many other sites the page's headings of the same level link.

    A catalogue ("25 top social media agencies", a brand-rating list) titles each entry with the entry's name
    linked to its website, then gives fields or a stock blurb; such entries need not repeat one element shape, so
    the listing test (_listing_size) misses them. Articles link other sites from their prose, rarely from their
    headings. Counted once per page, by heading tag."""
    heading = _heading_of(element)
    if heading is None:
        return 0
    if page.heading_domains is None:
        domains: dict[str, set[str]] = {}
        for link in _links(page):
            entry = _heading_of(link.element) if _to_another_site(page, link) else None
            if entry is not None:
                domains.setdefault(entry.tag, set()).add(link.domain)
        page.heading_domains = {tag: len(found) for tag, found in domains.items()}
    return page.heading_domains.get(heading.tag, 0)


def _block(element: HtmlElement) -> HtmlElement:
    for ancestor in element.iterancestors():
        if ancestor.tag in _BLOCK_TAGS:
            return ancestor
    return element


def _block_stats(page: ParsedPage, block: HtmlElement, block_text: str) -> tuple[int, int, int, int]:
    links = domains_count = link_text = 0
    domains: set[str] = set()
    for anchor in block.iter("a"):
        href = normalise_href(anchor.get("href", ""), page.base_url)
        if not href:
            continue
        links += 1
        link_text += len(" ".join(anchor.text_content().split()))
        domain = href_domain(href)
        if domain and domain != page.source_domain:
            domains.add(domain)
    domains_count = len(domains)
    return links, domains_count, len(block_text), link_text


def _context(text: str, anchor_text: str) -> str:
    """Up to CONTEXT_CHARS of the block's ``text`` either side of the anchor text."""
    if len(text) <= 2 * CONTEXT_CHARS:
        return text
    at = text.find(anchor_text) if anchor_text else -1
    if at < 0:
        return text[: 2 * CONTEXT_CHARS]
    start = max(0, at - CONTEXT_CHARS)
    return text[start: at + len(anchor_text) + CONTEXT_CHARS]


def _hidden(page: ParsedPage, element: HtmlElement) -> bool:
    hiding = page.hiding  # each element's attributes read once per page (see ParsedPage.hiding)
    for node in (element, *element.iterancestors()):
        hides = hiding.get(node)
        if hides is None:
            style = node.get("style") or ""
            hides = hiding[node] = (node.get("hidden") is not None or bool(_HIDDEN_STYLE.search(style))
                                    or _zero_height_box(style) or node.tag == "noframes")
        if hides:
            return True
    return False


def _zero_height_box(style: str) -> bool:
    """Whether an "overflow: hidden" starts after a "height: 0;" on the same line of ``style`` (what the pattern
    ``height...;.*overflow...`` finds), in one pass: the next overflow and the next line break are looked up only
    when a later "height: 0;" has passed them."""
    overflow = newline = None
    for zero in _ZERO_HEIGHT.finditer(style):
        if overflow is None or overflow.start() < zero.end():
            overflow = _OVERFLOW_HIDDEN.search(style, zero.end())
            if overflow is None:
                return False
        if newline is None or 0 <= newline < zero.end():
            newline = style.find("\n", zero.end())
        if newline < 0 or overflow.start() <= newline:
            return True
    return False


def anchor_type(text: str, target_url: str, *, is_image: bool = False) -> str:
    """Classify anchor text the way SEO tools do: branded, exact_match, partial_match, generic, naked_url, image, empty.

    exact / partial match compare the anchor with the words of the target URL (its path slug and domain name):
    the export rarely says which keyword a page targets, and the URL is the best evidence at hand.
    """
    if is_image:
        return "image"
    anchor = " ".join(text.lower().split())
    if not anchor:
        return "empty"
    domain = registrable_domain(target_url)
    brand = re.sub(r"[\W_]+", "", domain.split(".")[0]) if domain else ""  # "best-shoes" matches "Best Shoes"
    squashed = re.sub(r"[\W_]+", "", anchor)
    if _URLISH.match(anchor) or (domain and domain in anchor.replace("www.", "")):
        return "naked_url"
    if anchor.strip(" .!:»>→") in _GENERIC_ANCHORS:
        return "generic"
    if brand and len(brand) >= 3 and (brand in squashed or squashed in brand and len(squashed) >= 4):
        return "branded"
    words = {w for w in _WORD.findall(anchor) if w not in _STOP}
    path = unquote(urlsplit(target_url if "//" in target_url else "//" + target_url).path).lower()
    slug = {w for w in _WORD.findall(path) if w not in _STOP and not w.isdigit()}
    if words and slug and words <= slug:
        return "exact_match"
    return "partial_match"
