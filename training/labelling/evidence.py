"""One real page -> the evidence the labelling functions read (picklable records, no parse tree).

The extractor and the locator (``linktriage.extract`` / ``linktriage.locate``) give each external link its position,
rel, anchor and block statistics: the same view the model gets. On top of that this module adds evidence the model
never sees, so that the labels are not just the model's features read back:
- corpus gold: is the link's text in the human-checked main text (wcxb, dragnet, scrapinghub), in the dragnet gold
  comments, in which L3S block class (0 boilerplate ... 2 full text, 5 user comments);
- the page type of the wcxb manifest (forum, listing, article...);
- disclosure phrases (guest post, contributed by, sponsored, Anzeige, Gastbeitrag...) near the top or the end of the
  article, where bylines and editor's notes sit, and the title of the sidebar widget a link sits in.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from linktriage._domains import registrable_domain
from linktriage._records import FetchResult
from linktriage.extract import extract_page
from linktriage.locate import external_links

__all__ = ["PageEvidence", "LinkEvidence", "analyse_page", "disclosure", "fold"]

# Disclosures that make the page's own content contributed or paid (LABELS.md, guest_post evidence).
# Each is searched where bylines and editor's notes sit: the title, and the first / last part of the article text.
_GUEST = re.compile(
    r"\bguest[\s-]*(?:post|blog ?post|article|piece)\s*(?:by|from|written by|:)|\bguest (?:author|contributor|writer|"
    r"columnists?|blogger)\b|\b(?:this|the following) is a guest\b|\[guest post\]|\bby guest author\b|"
    r"\b(?:this|the following) (?:post|article|piece|story) (?:was )?contributed by\b|\bcontributed by\b|"
    r"\bwritten by guest\b|\bgastbeitrag\b|\bgastautor(?:in)?\b|\bgastartikel\b",
    re.I)
# Page-level paid markers: the whole post is paid content.
# "paid content", "Werbung für" and "press release" are also ordinary words ("our paid content & reports", "Werbung
# für ein neues Produkt zu machen", "according to a press release."): they count only as a label: at the start of
# a line, alone on it or followed by a colon / bar / dash.
_PAID = re.compile(
    r"\bsponsored (?:post|content|article|story)\b|\bpartner content\b|\bpaid (?:post|partnership)\b|"
    r"^[ *(\[]*paid content[ *)\]]*(?:$|[:|/\-–])|\badvertorial\b|\bbranded content\b|"
    r"^[ *(\[]*werbung f(?:ü|ue)r\b[^\n.]{0,40}$|"
    r"\bbeitrag enth(?:ä|ae)lt werbung\b|\bwritten by [^.\n]{3,60} on behalf of\b|^[ *(\[]*press release[ :.)\]]*$",
    re.I | re.M)
# Sponsor / affiliate notes that name a partner or cover some links only.
_SPONSORED = re.compile(
    r"\bsponsored by\b|\(sponsored\)|"
    r"\b(?:developed|created|written|produced) in (?:partnership|collaboration) with\b|\bin collaboration with\b|"
    r"\bin partnership with\b|\bbrought to you by\b|\bin kooperation mit\b|\*?werbung\b[.:]|"
    r"^[ *]*(?:anzeige|werbung|sponsored|advertisement feature)[ *]*(?:$|[:|/(\-–])|^[ *]*[(\[](?:anzeige|werbung|sponsored)[)\]]|\bunbezahlte werbung\b|\benth(?:ä|ae)lt (?:affiliate|werbung)|"
    r"\baffiliate[- ]links?\b",
    re.I | re.M)
_GUEST_PATH = re.compile(r"/(?:guest-?posts?|guest-?blog|contributors?|gastbeitrag|gastbeitraege)(?:/|$)")
_PAID_PATH = re.compile(r"/(?:sponsored|sponsored-content|advertorial|partner-content|brandvoice|paid-post)(?:/|$)")
# How much article text counts as "top" and "end" (bylines, editor's notes, author boxes).
HEAD_CHARS, TAIL_CHARS = 500, 900

_SOCIAL = frozenset("""
facebook.com twitter.com x.com instagram.com linkedin.com youtube.com youtu.be pinterest.com tumblr.com
feedburner.com google.com plus.google.com reddit.com digg.com stumbleupon.com delicious.com addthis.com
sharethis.com whatsapp.com t.me telegram.org tiktok.com vk.com xing.com flickr.com vimeo.com apple.com
mastodon.social threads.net bsky.app gravatar.com disqus.com wordpress.org wordpress.com akismet.com
intensedebate.com feedly.com rss.com blogger.com typepad.com wp.me
""".split())
_HEADINGS = ("h1", "h2", "h3", "h4", "h5", "h6")


def fold(text: str) -> str:
    """Lower-case and fold whitespace (and the curly quotes and dashes that differ between gold text and HTML)."""
    text = (text or "").translate(str.maketrans({"\u2019": "'", "\u2018": "'", "\u201c": '"', "\u201d": '"',
                                                  "\u2013": "-", "\u2014": "-", "\xa0": " "}))
    return " ".join(text.lower().split())


def _fold_lines(text: str) -> str:
    """fold() line by line: line starts stay visible to the disclosure patterns ("Anzeige" alone on a line)."""
    return "\n".join(filter(None, (fold(line) for line in (text or "").splitlines())))


def disclosure(title: str, texts: list[str]) -> tuple[str, str]:
    """('guest' | 'paid' | 'sponsored' | '', the phrase and the words after it) in the title, or at the head / tail
    of an article text. 'paid' marks the whole post as paid; 'sponsored' names a partner or covers some links."""
    places = [title] + [part for text in texts if text for part in (text[:HEAD_CHARS], text[-TAIL_CHARS:])]
    for kind, pattern in (("guest", _GUEST), ("paid", _PAID), ("sponsored", _SPONSORED)):
        for place in places:
            found = pattern.search(place)
            if found:
                # keep the words after the phrase: they usually name the author's company or the sponsor
                return kind, place[found.start(): found.end() + 60].strip()
    return "", ""


@dataclass(frozen=True, slots=True)
class PageEvidence:
    uri: str
    warc: str
    site: str
    source: str = ""
    page_type: str = ""
    title: str = ""
    #: 'guest' / 'sponsored' / '' and the phrase that said so
    disclosure_kind: str = ""
    disclosure_phrase: str = ""
    has_gold_main: bool = False
    has_gold_comments: bool = False
    is_l3s: bool = False
    external_domains: int = 0
    schema_types: str = ""
    #: forum software markup (phpBB, vBulletin, XenForo, Discourse, SMF, MyBB, IPS) anywhere on the page
    forum_markup: bool = False


@dataclass(frozen=True, slots=True)
class LinkEvidence:
    href: str
    anchor: str
    position: str
    position_evidence: str
    rel: tuple[str, ...]
    domain: str
    index: int
    hidden: bool = False
    is_image: bool = False
    in_main_content: bool = False
    block_links: int = 0
    block_external_domains: int = 0
    block_text_length: int = 0
    block_link_text_length: int = 0
    context: str = ""
    #: tag#id.class of every ancestor up to <body>, nearest first, lower-cased, '|' separated
    ancestry: str = ""
    #: the inline style of the link or an ancestor that hides it ('' when visible)
    hidden_style: str = ""
    #: True / False when the page has gold main text (is the link's text in it?), None otherwise
    in_gold_main: bool | None = None
    in_gold_comments: bool | None = None
    #: L3S block class 0..5 of the link's text on the annotated copy, None when not an L3S page or not found
    l3s_class: int | None = None
    #: heading of the sidebar / footer widget holding the link ('' when none)
    widget_title: str = ""
    #: share of the block's external links that go to social / platform sites
    block_social_share: float = 0.0
    #: distinct other sites linked from the largest ancestor (up to 5 levels) that is still mostly links: the whole
    #: blogroll / footer network / listing the link belongs to, where the locator's block is one column or row
    group_domains: int = 0
    #: text length of that group ancestor
    group_text_length: int = 0
    #: distinct other sites linked from the nearest ancestor (up to 5 levels) made of 5+ children of one tag:
    #: the list / table the link is an entry of
    list_domains: int = 0
    #: text length of the entry (the child of that list holding the link)
    list_item_text_length: int = 0

    @property
    def social(self) -> bool:
        return self.domain in _SOCIAL


_FORUM_MARKUP = re.compile(
    r"""class=["'][^"']*\b(postbody|bbwrapper|message-body|messagetext|postmessage|post-message|"""
    r"""ipsentry|ipscomment|topic-body|forumpost|forum-post|postsignature|signature|bbp-reply-content|bbp-topic-content|"""
    r"""windowbg|post_wrapper|postprofile|postauthor|message-signature|usertext|quotetitle|bbcode)\b""", re.I)


def analyse_page(body: bytes, uri: str, warc: str, manifest: dict | None = None,
                 l3s_classes: dict[str, int] | None = None) -> tuple[PageEvidence, list[LinkEvidence]] | None:
    """Parse one archived page and describe it and each of its links to another registrable domain.

    ``manifest`` is the page's manifest row (gold texts, page type); ``l3s_classes`` maps a link's href on the
    annotated L3S copy to its block class. None when the page is not usable HTML or has no real domain.
    """
    manifest = manifest or {}
    page = extract_page(FetchResult(url=uri, status="ok", final_url=uri, body=body))
    if page is None or not page.source_domain or "." not in page.source_domain:
        return None  # urn:... pages without a canonical URL: no site to group by, no way to tell external links
    gold_main = fold(manifest.get("gold_main_text") or "")
    gold_comments = fold(manifest.get("gold_comments") or "")
    path = urlsplit(uri).path.lower()
    kind, phrase = disclosure(fold(page.info.title), [fold(page.info.author), _fold_lines(page.info.main_text),
                                                      _fold_lines(manifest.get("gold_main_text") or "")])
    if not kind and _GUEST_PATH.search(path):
        kind, phrase = "guest", path
    elif not kind and _PAID_PATH.search(path):
        kind, phrase = "paid", path
    info = PageEvidence(
        uri=uri, warc=warc, site=page.source_domain, source=manifest.get("source", ""),
        page_type=manifest.get("page_type") or "", title=page.info.title[:200],
        disclosure_kind=kind, disclosure_phrase=phrase, has_gold_main=bool(gold_main),
        has_gold_comments=bool(gold_comments), is_l3s=l3s_classes is not None,
        external_domains=page.info.page_external_domains, schema_types=page.info.schema_types,
        forum_markup=len({m.lower() for m in _FORUM_MARKUP.findall(page.html[:2_000_000])}) >= 2,
    )
    found = external_links(page)  # fills page.link_table, in the same document order
    elements = [link.element for link in page.link_table if link.domain and link.domain != page.source_domain]
    links = [_link(page, index, href, ctx, element, gold_main, gold_comments, l3s_classes)
             for index, ((href, ctx), element) in enumerate(zip(found, elements))]
    return info, links


def _link(page, index, href, ctx, element, gold_main, gold_comments, l3s_classes) -> LinkEvidence:
    anchor = fold(ctx.anchor_text)
    context = fold(ctx.context_text)
    ancestors = list(element.iterancestors()) if element is not None else []
    ancestry = "|".join(_name(a) for a in ancestors if a.tag not in ("html", "body"))
    return LinkEvidence(
        href=href, anchor=ctx.anchor_text[:200], position=ctx.position, position_evidence=ctx.position_evidence,
        rel=ctx.rel, domain=registrable_domain(href), index=index, hidden=ctx.hidden, is_image=ctx.is_image,
        in_main_content=ctx.in_main_content, block_links=ctx.block_links,
        block_external_domains=ctx.block_external_domains, block_text_length=ctx.block_text_length,
        block_link_text_length=ctx.block_link_text_length, context=ctx.context_text[:600],
        ancestry=ancestry[:1500], hidden_style=_hidden_style(element, ancestors) if ctx.hidden else "",
        in_gold_main=_in_gold(anchor, context, gold_main) if gold_main else None,
        in_gold_comments=_in_gold(anchor, context, gold_comments) if gold_comments else None,
        l3s_class=l3s_classes.get(href) if l3s_classes is not None else None,
        widget_title=_widget_title(ancestors) if ctx.position in ("sidebar", "footer", "header", "other") else "",
        block_social_share=_social_share(page, ancestors),
        **_group(page, ancestors),
        **_list_entry(page, element, ancestors),
    )


def _name(element) -> str:
    label = str(element.tag)
    if element.get("id"):
        label += "#" + element.get("id", "").strip()[:40]
    classes = (element.get("class") or "").split()
    if classes:
        label += "." + ".".join(c[:40] for c in classes[:4])
    return label.lower()


def _in_gold(anchor: str, context: str, gold: str) -> bool:
    """The link's anchor and some of its surrounding words both occur in the gold text."""
    if len(anchor) < 3 or anchor not in gold:
        return False
    at = context.find(anchor)
    if at < 0:
        return True
    around = context[max(0, at - 40): at + len(anchor) + 40].strip()
    # Either side of the anchor, the nearest 25 characters must appear too: the same sentence, not a same-named link.
    left = context[max(0, at - 25): at].strip()
    right = context[at + len(anchor): at + len(anchor) + 25].strip()
    return around in gold or (len(left) >= 8 and left in gold) or (len(right) >= 8 and right in gold)


def _hidden_style(element, ancestors) -> str:
    for node in (element, *ancestors):
        style = node.get("style") or ""
        if "none" in style or "hidden" in style or "-" in style or "font-size" in style:
            return f"{node.tag}: {' '.join(style.split())[:80]}"
        if node.get("hidden") is not None:
            return f"{node.tag}: hidden attribute"
    return ""


def _widget_title(ancestors) -> str:
    """The heading that names the widget / box the link sits in (nearest ancestor that has one before the link)."""
    for ancestor in ancestors[:6]:
        for child in ancestor:
            if child.tag in _HEADINGS or "title" in (child.get("class") or "").lower():
                text = " ".join(child.text_content().split())
                if 0 < len(text) <= 60:
                    return text
    return ""


def _social_share(page, ancestors) -> float:
    block = next((a for a in ancestors if a.tag in ("ul", "ol", "div", "section", "aside", "table", "p", "nav")), None)
    if block is None:
        return 0.0
    domains = []
    for anchor in block.iter("a"):
        href = anchor.get("href") or ""
        if href.startswith(("http://", "https://", "//")):
            domain = registrable_domain(href)
            if domain and domain != page.source_domain:
                domains.append(domain)
    return sum(d in _SOCIAL for d in domains) / len(domains) if domains else 0.0


def _group(page, ancestors) -> dict:
    best_domains, best_text = 0, 0
    for ancestor in ancestors[:6]:
        if ancestor.tag in ("body", "html"):
            break
        text = len(" ".join(ancestor.text_content().split()))
        domains, link_text = set(), 0
        for anchor in ancestor.iter("a"):
            href = anchor.get("href") or ""
            if not href.startswith(("http://", "https://", "//")):
                continue
            link_text += len(" ".join(anchor.text_content().split()))
            domain = registrable_domain(href)
            if domain and domain != page.source_domain:
                domains.add(domain)
        if text > 200 and link_text < 0.5 * text:
            break  # the ancestor holds prose: above it is the page, not the link block
        if len(domains) >= best_domains:
            best_domains, best_text = len(domains), text
    return {"group_domains": best_domains, "group_text_length": best_text}


def _domains_under(page, element) -> set[str]:
    domains = set()
    for anchor in element.iter("a"):
        href = anchor.get("href") or ""
        if href.startswith(("http://", "https://", "//")):
            domain = registrable_domain(href)
            if domain and domain != page.source_domain:
                domains.add(domain)
    return domains


def _list_entry(page, element, ancestors) -> dict:
    item = element
    for ancestor in ancestors[:5]:
        if ancestor.tag in ("body", "html"):
            break
        tags = [child.tag for child in ancestor if isinstance(child.tag, str)]
        if tags and max(tags.count(t) for t in set(tags)) >= 5:
            text = len(" ".join(item.text_content().split())) if item is not None else 0
            return {"list_domains": len(_domains_under(page, ancestor)), "list_item_text_length": text}
        item = ancestor
    return {"list_domains": 0, "list_item_text_length": 0}


def site_key(url: str) -> str:
    """The registrable domain that groups a page's rows for splits ('' for urn: and other non-web URLs)."""
    return registrable_domain(url) if urlsplit(url).scheme in ("http", "https") else ""
