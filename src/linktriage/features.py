"""Features: a parsed page and one located link -> named numeric features, in groups the reasons speak about.

Features follow what link-spam and boilerplate research found strong: where the link sits, how link-dense its
block and page are, how many unrelated domains share the block, text length and compressibility (spun and
auto-generated text compresses unusually well), vocabulary and markup typical of each link type, rel values and
anchor type, and URL path patterns.
"""

from __future__ import annotations

import bisect
import math
import re
import zlib
from urllib.parse import urlsplit

from lxml import etree

from linktriage._records import ANCHOR_TYPES, POSITIONS, LinkContext
from linktriage.extract import ParsedPage, normalise_href
from linktriage.locate import region_ancestors, region_of

__all__ = ["AFFILIATE_HREF", "FEATURE_GROUPS", "FEATURE_NAMES", "link_features", "page_features", "starred_anchor"]


def _vocabulary(*phrases: str) -> re.Pattern[str]:
    return re.compile(r"\b(?:" + "|".join(phrases) + r")\b", re.I)


def _lowered_twin(*phrases: str) -> re.Pattern[str]:
    r"""The twin of ``_vocabulary(*phrases)`` for text lowered by ``_lowered``: the same matches at the same offsets,
    found three to four times faster over a page's whole text.

    re skips ahead to the characters that can open a match only when every branch opens with a literal character;
    re.IGNORECASE and a leading ``\b`` both take that away. So the twin is case-sensitive (it reads lowered text)
    and writes the boundary before a phrase's first letter ``l`` as ``l(?<!\wl)``: ``l`` is a word character,
    so a boundary before it means no word character before it. ``\b(?:A|B)\b`` and ``A\b|B\b`` try the same
    branches in the same order."""
    branches = []
    for phrase in phrases:
        first = phrase[0]
        letters = re.sub(r"\\.", "", phrase)  # escapes such as \W or \S say nothing of case
        if not (first.isalpha() and first.islower()) or letters.lower() != letters:
            raise ValueError(f"a twin needs a lower-case phrase opening with a letter: {phrase!r}")
        branches.append(f"{first}(?<!\\w{first}){phrase[1:]}\\b")
    return re.compile("|".join(branches))


def _lowered(text: str) -> str:
    """``text`` lower-cased for the case-sensitive twins of case-insensitive patterns (``_lowered_twin``,
    ``_AFFILIATE_NOTE``): a twin matches the lowered text where the case-insensitive pattern matches ``text``, at
    the same offsets (lower() keeps every character one character once _RE_CASE_FOLDS are folded; tests check
    every code point)."""
    # str.translate walks a non-ASCII text character by character (~6 ms for 100 kB): only when there is a fold to do
    if any(ch in text for ch in _RE_CASE_FOLDS):
        text = text.translate(_RE_CASE_FOLD_TABLE)
    return text.lower()


# Phrases in several languages; counted in the page text and in the link's own context.
_VOCABULARY_PHRASES: dict[str, tuple[str, ...]] = {
    "guest": (
        r"guest[ -]?(?:post|author|blogger|article|contributor)", r"contributed by", r"contributing (?:writer|author)",
        r"this (?:post|article) (?:was|is) (?:written|contributed) by", r"written by .{0,40} (?:of|from|at) ",
        r"sponsored(?: post| content| by)?", r"partner content", r"paid (?:post|partnership)",
        r"in (?:collaboration|partnership) with", r"about the author", r"author bio", r"gastbeitrag", r"gastautor",
        r"article invité", r"artículo invitado", r"publirreportaje", r"advertorial", r"brought to you by",
        r"branded content", r"presented by", r"promoted(?: content| post)?", r"guest column(?:ist)?s?",
        r"opinion contributors?", r"regular contributors?", r"outside contributors?",
        r"paid (?:content|placement|partnership)",
        r"advertis(?:ement|ing) feature", r"partnerinhalt", r"contenu sponsorisé", r"contenido patrocinado",
        r"conteúdo patrocinado", r"contenuto sponsorizzato", r"sponsorship", r"brand(?:ed)? stor(?:y|ies)",
        # the disclosure words of other languages on their own ("Patrocinado · Brand", "Anzeige")
        r"patrocinad[oa]", r"gesponsert", r"sponsorisé", r"sponsorizzat[oa]", r"gesponsord", r"publicidad",
        r"publicité", r"pubblicità", r"werbung", r"anzeige", r"publirreportaje", r"publireportage",
        r"in zusammenarbeit mit", r"en colaboración con", r"en partenariat avec", r"in collaborazione con",
        r"em parceria com", r"in samenwerking met", r"gastartikel", r"gastblog\w*", r"gastbijdrage",
        r"articolo ospite", r"artigo convidado", r"post invitado",
    ),
    "directory": (
        r"submit (?:a |your )?(?:site|url|link|listing|business)", r"add (?:a |your )?(?:listing|site|url|business)",
        r"business directory", r"web directory", r"link directory", r"listings?", r"categories", r"claim (?:this|your) listing",
        r"opening hours", r"get directions", r"verified business", r"reviews?", r"top \d+ (?:companies|agencies|firms)",
        r"branchenbuch", r"annuaire", r"directorio",
    ),
    "spam": (
        r"viagra", r"cialis", r"levitra", r"pharmacy", r"casino", r"poker", r"slots?", r"betting", r"payday",
        r"loans?", r"essay(?:s)? (?:writing|service)", r"write my essay", r"replica", r"porn\w*", r"xxx", r"escort",
        r"bitcoin", r"crypto", r"forex", r"weight loss", r"cheap", r"buy (?:now|online|cheap)", r"discount",
        r"free (?:download|money)", r"work from home", r"seo services?", r"backlinks?",
    ),
    "farm": (
        r"link exchange", r"exchange links", r"reciprocal links?", r"blogroll", r"useful links", r"resources",
        r"partners?", r"friends", r"link partners?", r"our links", r"recommended sites", r"web links",
        r"link to us", r"sites we like",
    ),
}
VOCABULARY: dict[str, re.Pattern[str]] = {name: _vocabulary(*phrases) for name, phrases in _VOCABULARY_PHRASES.items()}
# the same, for a page's whole (lowered) text
_VOCABULARY_TWINS = {name: _lowered_twin(*phrases) for name, phrases in _VOCABULARY_PHRASES.items()}
_PHONE = re.compile(r"(?:\+\d{1,3}[\s.-]?)?\(?\d{2,4}\)?[\s.-]\d{3,4}[\s.-]\d{3,4}")
# _PHONE tried at every character of a long page is slow. A match consumes only digits, whitespace and "+().-",
# is 10+ characters long from its first digit on, and starts at that digit or at the "+" / "(" right before it;
# _PHONE has no anchors or look-arounds. So every match lies in a window found by this digit-led pattern (which
# re scans for quickly), each window starts where the whole-text scan could first match in its run, and
# _PHONE.findall over the windows in order gives exactly the matches of _PHONE.findall over the whole text.
# Keep it in step with _PHONE.
_PHONE_WINDOW = re.compile(r"\d[\d+()\s.-]{9,}")
# "\b\d{1,5}" written as "\d(?<!\w\d)\d{0,4}": the same matches (a digit is a word character, so the boundary
# before it means no word character before it), but a pattern that opens with a digit lets re skip ahead to
# digits instead of trying every character (twice as fast).
_ADDRESS = re.compile(r"\d(?<!\w\d)\d{0,4}\s+\w+(?:\s\w+)?\s+(?:street|st\.|avenue|ave\.?|road|rd\.|blvd|lane|drive|dr\.|way|straße|strasse|rue|calle)\b", re.I)
_PATH_PATTERNS: dict[str, re.Pattern[str]] = {
    "path_guest": re.compile(r"guest|sponsor|partner-content|advertorial|contribut", re.I),
    "path_directory": re.compile(r"director|listing|business|compan|catalog|/biz/|/place/|/local/", re.I),
    "path_farm": re.compile(r"links?(?:\.html?|/|$)|resources|partners|blogroll|link-?exchange|friends", re.I),
    "path_forum": re.compile(r"forum|thread|topic|viewtopic|showthread|board|discussion|/t/|community", re.I),
    "path_profile": re.compile(r"profile|member|user|/u/|author/|people", re.I),
}
# Tracking parameters on the target URL: campaign tags are how sponsors and affiliates measure paid placements.
_TRACKING = re.compile(r"(?:^|[&;])(?:utm_[a-z]+|ref|aff(?:iliate)?(?:_?id)?|affid|tag|partner(?:id)?|campaign)=", re.I)
_PAID_TRACKING = re.compile(r"paid|partner|sponsor|affiliat|advert|native|branded|promo|(?:^|[=_-])ads?(?:$|[&_-])", re.I)
# An affiliate or paid-campaign URL: affiliate networks, link shorteners of affiliate programmes, shop tags
# ("?tag=", "?aff_id="), redirect paths ("/go/", "/out/"), paid campaign tags. Also used by the labelling functions.
AFFILIATE_HREF = re.compile(
    r"[?&](?:tag|ref|refid|affid|aff|aff_id|affiliate|partner|friend|campaign)=|utm_medium=(?:paid|sponsor|partner|"
    r"affiliate|list-sponsorship|paid_newsletter)|utm_campaign=[^&]*(?:ad|sponsor)|amzn\.to|/go/|/out/|"
    r"awin1\.com|tradedoubler|webgains|shareasale|clickbank|zanox|partnerize|skimresources|viglink|rstyle\.me|"
    r"bit\.ly|amazon\.[a-z.]+/(?:dp|gp)/|rockporch|/prdlink/|pxf\.io|avantlink|geni\.us|bttn\.io|ncls1|"
    r"howl\.me|shopmy|skimlinks|go\.php\?|/c/\d+/\d+/\d+|sjv\.io|anrdoezrs|dpbolvw|jdoqocy|tkqlhce", re.I)
# A page saying that some of its links earn a commission ("contains affiliate links", "*Affiliate-Links",
# "As an Amazon Associate", "we may earn a commission"): paid placements without an outside author.
# Searched in lower-cased text (see _lowered), not with re.IGNORECASE: over a whole page's text the case-insensitive
# search cost ~8 ms a page, the case-sensitive one on lowered text ~4 ms, and ~1.3 ms once no branch opens with
# "\b" ("\bsternchen" is written "s(?<!\ws)ternchen", see _lowered_twin).
_AFFILIATE_NOTE = re.compile(
    r"affiliate[- ]?links?|affiliatelinks?|partner-?links|provisions-?links?|werbelinks?|s(?<!\ws)ternchen\b|"
    r"amazon[- ]partner|amazon associate|earn (?:a )?(?:small )?commissions?|may earn|"
    r"liens? (?:d'affiliation|affiliés|sponsorisés)|enlaces? (?:de )?afiliad|link affiliat|links? di affiliazione|"
    r"affiliatie-?links?|links? de afiliad")
# re.IGNORECASE matches "İ" and "ı" to "i" and "ſ" to "s"; str.lower() does not ("İ" even becomes "i" plus a
# combining dot): folded first, so the lowered text matches where the case-insensitive search would.
_RE_CASE_FOLDS = {"İ": "i", "ı": "i", "ſ": "s"}
_RE_CASE_FOLD_TABLE = str.maketrans(_RE_CASE_FOLDS)
# Class / id names around the link that mark a paid or promoted block ("sponsored-box", "partner-links", "ad-slot").
_SPONSORED_MARKUP = re.compile(r"sponsor|partner|promo|advert|affiliat|branded|(?:^|[.#_-])ads?(?:$|[ ._-])", re.I)
# Class / id names of a disclosure element anywhere on the page ("sponsored-banner", "partner-tag", "advertorial"),
# searched in lowered names (see _lowered).
_DISCLOSURE_MARKUP = re.compile(
    r"sponsor|advertorial|disclosure|disclaimer|partner-?(?:tag|content|label|post)|paid-?(?:post|content)|"
    r"brand(?:ed)?-?(?:content|story)|guest-?(?:post|author)|native-?ad")
# A disclosure note is a short line of the page's own text ("Guest post by ...", "Sponsored", "Anzeige", "This post
# was written by X of Y"), often in a byline or a note box that the main-text extractor drops. Text of links, of
# navigation / footer / sidebar / comment blocks and of long prose blocks does not count: "Sponsored content
# policy" in a footer or "the bill was sponsored by" in an article are not disclosures. "About the author" alone
# is every staff author box.
_NOTE_TEXT = etree.XPath(
    "//text()[not(ancestor::a or ancestor::nav or ancestor::footer or ancestor::aside or ancestor::script or "
    "ancestor::style or ancestor::noscript or ancestor::select or ancestor::option)]")
_HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
_NOTE_BLOCKS = _HEADINGS | {"p", "div", "li", "td", "header", "section", "article", "figcaption", "blockquote"}
# Regions whose short texts are not notes about the page (locate.region_of names them): navigation, footer,
# sidebar and comments. Besides those, blocks that the locator does not name: sharing, cookie and newsletter
# boxes, call-to-action ("cta") blocks and advertisement slots, whose own "Sponsored" / "Anzeige" / "Brought to
# you by" labels speak of the advert, not of the article.
_NOT_A_NOTE_REGIONS = frozenset({"navigation", "footer", "sidebar", "comment"})
_NOT_A_NOTE = re.compile(r"share|cookie|newsletter|subscribe|promo|marketplace|billboard|"
                         r"(?:^|[\s_-])cta(?:$|[\s_-])|"
                         r"ad-?(?:unit|slot|tile|label|container|wrapper)|"
                         r"(?:^|[\s_-]|right|left|top|bottom)ads?(?:$|[\s_-])", re.I)
# Phrases that disclose contributed or paid content wherever they sit in a note.
_NOTE_STRONG_PHRASES = (
    r"guest[ -]?(?:blog[ -]?)?(?:post|author|blogger|article|contributor|column|writer)", r"gastbeitrag", r"gastautor",
    r"gastartikel", r"gastblog", r"gastbijdrage", r"article invité", r"artículo invitado", r"articolo ospite",
    r"artigo convidado", r"post invitado", r"advertorial", r"publirreportaje", r"publireportage",
    r"sponsored (?:post|content|article|story)", r"partner content", r"partnerinhalt", r"paid post", r"branded content",
    r"brand(?:ed)? stor(?:y|ies)", r"contenu sponsorisé", r"contenido patrocinado", r"conteúdo patrocinado",
    r"contenuto sponsorizzato", r"advertis(?:ement|ing) feature", r"gesponserte[rs]? (?:beitrag|artikel)",
    r"gesponsorde (?:bijdrage|artikel)", r"guest columnists?",
)
_NOTE_STRONG = _vocabulary(*_NOTE_STRONG_PHRASES)
# "This post was written by X of Company Y": the name is often a link, so this one is read on the whole block.
# A name, then the company ("of Acme"), not the time ("at 1:38 pm"); opening the note or about this page, not
# "the expectations written by their coach at the beginning of the year".
# A department after a job title ("Danielle Padula, Head of Marketing") is not a company.
_WRITTEN_BY_OF = re.compile(r"\b[Ww]ritten by .{1,40}?(?<!Head)(?<!Director)(?<!Manager)(?<!Chief)(?<!Editor)"
                            r"(?<!VP)(?<!Vice President) (?:of|from|at) [^\W\d_]")
# An advertisement's own code inside the block: its "Anzeige" / "Sponsored" label is the ad's.
_AD_CODE = re.compile(r"adsbygoogle|googletag|div-gpt-ad")
# Ordinary words that disclose only as a label ("Sponsored", "*Werbung.", "In partnership with Roku") or in a
# sentence about the page itself ("This podcast is sponsored by ..."), not inside other prose ("an event
# sponsored by the council", "employer-sponsored plans") and not as an ad slot's "Sponsored links".
_NOTE_WEAK_PHRASES = (
    r"sponsor(?:ed|ship)(?: by)?", r"promoted(?: content| post)?", r"presented by", r"contributed by",
    r"paid (?:partnership|content|placement)", r"in (?:collaboration|partnership) with", r"brought to you by",
    r"werbung", r"anzeige", r"publicidad", r"publicité", r"pubblicità", r"patrocinad[oa]", r"gesponsert",
    r"sponsorisé", r"sponsorizzat[oa]", r"gesponsord", r"in zusammenarbeit mit", r"in kooperation mit",
    r"en colaboración con", r"en partenariat avec", r"in collaborazione con", r"em parceria com",
    r"in samenwerking met",
)
_NOTE_WEAK = _vocabulary(*_NOTE_WEAK_PHRASES)
# One search that any note must pass: most text nodes say nothing of the kind. _note_candidates runs its twin (see
# _lowered_twin) over the page's lowered text nodes.
_NOTE_ANY = re.compile(f"{_NOTE_STRONG.pattern}|{_NOTE_WEAK.pattern}|written by", re.I)
_NOTE_ANY_TWIN = re.compile(f"{_lowered_twin(*_NOTE_STRONG_PHRASES, *_NOTE_WEAK_PHRASES).pattern}|written by")
_AD_LABEL = re.compile(r"\s*(?:links?|results?|ads?|listings?|searches|products?)\b", re.I)
_ABOUT_THIS = re.compile(r"\b(?:this|the following|dieser|diese|dieses|ce|cet|cette|este|esta|questo|questa)\b"
                         r"[^.!?]{0,60}$", re.I)
_NOTE_MAX_CHARS = 300
# A note set in an inline element of a long paragraph ("<p>Title<i>Guest post by Jen, chair of X</i>Some news...",
# "<em>The following is a guest blog post by Nick</em>") counts when the element's own text opens with a strong
# phrase or speaks of this page, and says who or what follows.
_INLINE_NOTE_TAGS = frozenset({"i", "em", "b", "strong", "span", "small", "u", "font"})
_INLINE_NOTE = re.compile(rf"(?:{_NOTE_STRONG.pattern})\s*(?:by|from|:|-|–|—)", re.I)
# The class and id values of the elements page_disclosure_markup looks at (see _has_disclosure_markup).
_MARKUP_NAMES = etree.XPath(
    "descendant-or-self::*[self::div or self::span or self::p or self::aside or self::section or self::header"
    " or self::footer or self::em or self::small]/@*[name()='class' or name()='id']", smart_strings=False)
_SCHEMA_GROUPS = {
    "schema_article": {"Article", "NewsArticle", "BlogPosting", "Report", "TechArticle", "ScholarlyArticle"},
    "schema_business": {"LocalBusiness", "Organization", "Corporation", "Store", "Restaurant", "ProfessionalService",
                        "PostalAddress", "Place"},
    "schema_list": {"ItemList", "ListItem", "CollectionPage", "SearchResultsPage"},
    "schema_forum": {"DiscussionForumPosting", "Comment", "UserComments", "QAPage", "Question", "Answer"},
}

#: feature name -> group; the reasons explain a prediction group by group
FEATURE_GROUPS: dict[str, str] = {
    **{f"position_{p}": "position" for p in POSITIONS},
    "in_main_content": "position", "hidden": "position", "depth": "position",
    "rel_nofollow": "rel", "rel_ugc": "rel", "rel_sponsored": "rel",
    **{f"anchor_{a}": "anchor" for a in ANCHOR_TYPES}, "anchor_length": "anchor",
    "block_links": "block", "block_external_domains": "block", "block_link_density": "block",
    "block_text_log": "block", "listing_like": "block", "in_list_item": "block", "in_table": "block",
    "heading_entries_log": "block",
    "page_links_log": "page_links", "page_external_links_log": "page_links", "page_external_domains_log": "page_links",
    "page_external_ratio": "page_links", "page_link_density": "page_links",
    "main_text_log": "text", "page_text_log": "text", "main_share": "text", "compression_ratio": "text",
    "context_length_log": "context", "anchor_context_share": "context",
    **{f"page_{v}_terms": f"vocab_{v}" for v in VOCABULARY},
    **{f"context_{v}_terms": f"vocab_{v}" for v in VOCABULARY},
    "page_spam_share": "vocab_spam", "anchor_spam_terms": "vocab_spam",
    "page_disclosure": "vocab_guest", "page_disclosure_note": "vocab_guest", "target_paid_tracking": "vocab_guest",
    "page_disclosure_markup": "markup",
    "phones": "vocab_directory", "addresses": "vocab_directory",
    **{name: "markup" for name in _SCHEMA_GROUPS}, "has_author": "markup", "has_date": "markup",
    "markup_sponsored": "markup",
    **{name: "url" for name in _PATH_PATTERNS}, "path_depth": "url", "query_length": "url",
    "target_tracking": "url", "target_root": "url", "target_path_depth": "url",
    "target_affiliate": "affiliate", "anchor_starred": "affiliate", "page_affiliate_note": "affiliate",
}
FEATURE_NAMES: tuple[str, ...] = tuple(FEATURE_GROUPS)


def _log(x: float) -> float:
    return math.log1p(max(x, 0.0))


def page_features(page: ParsedPage) -> dict[str, float]:
    """Features of the page as a whole: computed once per page and shared by all its links."""
    info = page.info
    text = info.main_text
    whole = f"{info.title} {info.description} {text}"
    lowered_whole = _lowered(whole)
    raw = text.encode("utf-8")[:50_000]
    compression = len(zlib.compress(raw, 6)) / len(raw) if len(raw) > 200 else 1.0
    schema = set(info.schema_types.split())
    path = urlsplit(info.url if info.url.startswith("http") else page.base_url)
    link_text = sum(len(a.text_content()) for a in page.tree.iter("a"))
    page_text = (page.text if page.text is not None else page.tree.text_content())[:200_000]
    # Disclosures sit at the top (byline, label) or the bottom (author box) of the main text, or in the title.
    edges = f"{info.title} {text[:600]} {text[-800:]}"
    terms = {name: len(pattern.findall(lowered_whole)) for name, pattern in _VOCABULARY_TWINS.items()}
    features = {
        "page_disclosure": float(bool(VOCABULARY["guest"].search(edges))),
        "page_disclosure_markup": float(_has_disclosure_markup(page.tree)),
        "page_links_log": _log(info.page_links),
        "page_external_links_log": _log(info.page_external_links),
        "page_external_domains_log": _log(info.page_external_domains),
        "page_external_ratio": info.page_external_links / max(info.page_links, 1),
        "page_link_density": min(link_text / max(info.page_text_length, 1), 1.0),
        "main_text_log": _log(len(text)),
        "page_text_log": _log(info.page_text_length),
        "main_share": min(len(text) / max(info.page_text_length, 1), 1.0),
        "compression_ratio": compression,
        **{f"page_{name}_terms": _log(n) for name, n in terms.items()},
        # A count alone cannot tell "Thursday is poker night" in a short genuine post from a short pharma page:
        # spam words per 100 words of the page can (error notes item 23).
        "page_spam_share": min(100.0 * terms["spam"] / max(len(whole.split()), 1), 100.0),
        "page_disclosure_note": float(_has_disclosure_note(page)),
        "page_affiliate_note": float(_mentions_affiliate_links(page_text)),
        "phones": _log(_count_phones(page_text)),
        "addresses": _log(len(_ADDRESS.findall(page_text))),
        **{name: float(bool(schema & types)) for name, types in _SCHEMA_GROUPS.items()},
        "has_author": float(bool(info.author)),
        "has_date": float(bool(info.date)),
        **{name: float(bool(pattern.search(path.path))) for name, pattern in _PATH_PATTERNS.items()},
        "path_depth": float(len([p for p in path.path.split("/") if p])),
        "query_length": _log(len(path.query)),
    }
    return features


def _count_phones(text: str) -> int:
    """``len(_PHONE.findall(text))``, searched only in the windows that can hold a match (see _PHONE_WINDOW)."""
    count = 0
    for window in _PHONE_WINDOW.finditer(text):
        start = window.start()
        if start and text[start - 1] in "+(":
            start -= 1
        count += len(_PHONE.findall(text, start, window.end()))
    return count


def _mentions_affiliate_links(text: str) -> bool:
    """Whether ``text`` says it holds affiliate links (_AFFILIATE_NOTE, case-insensitively)."""
    return bool(_AFFILIATE_NOTE.search(_lowered(text)))


def _has_disclosure_markup(tree: etree._Element) -> bool:
    """Whether a class or id of a div, span, ... names a disclosure (sponsored, advertorial, ...).

    One XPath gathers the attribute values without a Python object per element, and one search runs over them
    joined by newlines: no _DISCLOSURE_MARKUP match holds a space or a newline, so none spans two values, and
    the answer is that of searching each element's "class id" in turn."""
    return bool(_DISCLOSURE_MARKUP.search(_lowered("\n".join(_MARKUP_NAMES(tree)))))


def _has_disclosure_note(page: ParsedPage) -> bool:
    """Whether a short block of the page's own text discloses contributed or paid content (see _NOTE_TEXT).

    Judged text node by text node: a search of text_content() would miss notes, since it runs blocks together
    ("shoesGuest post" has no word boundary)."""
    # text of each block, taken once: thousands of "Sponsored" labels in one long block each took its text again
    block_texts: dict = {}
    for node in _note_candidates(page.tree):
        parent = node.getparent()
        block = parent
        while block is not None and block.tag not in _NOTE_BLOCKS:
            block = block.getparent()
        if block is None:
            continue
        block_text = block_texts.get(block)
        if block_text is None:
            block_text = block_texts[block] = " ".join(block.text_content().split())
        if len(block_text) > _NOTE_MAX_CHARS:
            if not _inline_note(node, parent):
                continue
            block_text = " ".join(node.split())
        if _AD_CODE.search(block_text):
            continue
        if any(_NOT_A_NOTE.search(f"{el.get('class', '')} {el.get('id', '')}")
               for el in region_ancestors(parent, include_self=True)):
            continue
        if region_of(page, parent, include_self=True)[0] in _NOT_A_NOTE_REGIONS:
            continue
        if ((_NOTE_STRONG.search(node) or _written_by_of(block_text)
                or _is_disclosure_label(str(node), opens_element=not node.is_tail))
                and not _labels_a_teaser(block, page)):
            return True
    return False


def _labels_a_teaser(block: etree._Element, page: ParsedPage) -> bool:
    """Whether a note's block is the label of a teaser for another page: the next element after the block or its
    parent is a heading linking elsewhere ("<div><h5>Sponsored Content</h5></div><h3><a href=/other-story>").
    The page's own label sits over its title, which links nowhere or to the page itself."""
    own = {page.base_url.split("#")[0], page.info.url.split("#")[0]}
    element = block
    for _ in range(2):
        following = next(element.itersiblings(tag=etree.Element), None)  # past comments and processing instructions
        if following is not None and following.tag in _HEADINGS:
            for href in following.xpath(".//a/@href"):
                target = normalise_href(href, page.base_url).split("#")[0]
                if target and target not in own:
                    return True
        element = element.getparent()
        if element is None:
            break
    return False


def _inline_note(node, parent: etree._Element) -> bool:
    """Whether a text node of an inline element in a long block is a note of its own (see _INLINE_NOTE)."""
    if not (node.is_text and parent.tag in _INLINE_NOTE_TAGS and len(node) <= _NOTE_MAX_CHARS):
        return False
    match = _INLINE_NOTE.search(node)
    return match is not None and _opens_or_speaks_of_the_page(node[:match.start()])


def _note_candidates(tree: etree._Element) -> list:
    """The text nodes (of _NOTE_TEXT, in document order) that _NOTE_ANY matches.

    One search over all nodes joined by newlines instead of one search per node (a page has thousands): no
    _NOTE_ANY match holds a newline, so every match lies inside one node and the nodes found are exactly those a
    per-node search finds."""
    nodes = _NOTE_TEXT(tree)
    starts, at = [], 0
    for node in nodes:
        starts.append(at)
        at += len(node) + 1
    found: dict[int, None] = {}
    for match in _NOTE_ANY_TWIN.finditer(_lowered("\n".join(nodes))):
        found.setdefault(bisect.bisect_right(starts, match.start()) - 1)
    return [nodes[i] for i in found]


def _opens_or_speaks_of_the_page(before: str, *, may_open: bool = True) -> bool:
    """Whether a phrase preceded by ``before`` opens its text (nothing but punctuation before it, where
    ``may_open``) or ends a sentence about this page ("This podcast is ...")."""
    return (may_open and not any(ch.isalnum() for ch in before)) or bool(_ABOUT_THIS.search(before))


def _written_by_of(text: str) -> bool:
    match = _WRITTEN_BY_OF.search(text)
    return match is not None and _opens_or_speaks_of_the_page(text[:match.start()])


def _is_disclosure_label(text: str, opens_element: bool) -> bool:
    """A weak disclosure word that opens an element's text ("<span>Sponsored</span>"; not the text after a link,
    "#20713</a> contributed by") or ends a sentence about this page, and is not an ad label."""
    for match in _NOTE_WEAK.finditer(text):
        before = text[:match.start()]
        if before.endswith("-") or _AD_LABEL.match(text, match.end()):
            continue
        if _opens_or_speaks_of_the_page(before, may_open=opens_element):
            return True
    return False


def starred_anchor(anchor: str, context: str) -> bool:
    """An affiliate star right after the anchor ("Spielzeug*", "Brava Fabrics (*)")."""
    anchor = " ".join(anchor.split())
    if anchor.endswith("*"):
        return True
    at = context.find(anchor) if anchor else -1
    return at >= 0 and context[at + len(anchor): at + len(anchor) + 4].lstrip(" (").startswith("*")


def link_features(page_feats: dict[str, float], link: LinkContext) -> dict[str, float]:
    """All features of one link: the page's, plus the link's own."""
    rel = set(link.rel)
    context = link.context_text
    target = urlsplit(link.href)
    tags = {part.split(".")[0].split("#")[0] for part in link.ancestry.split(" > ")}
    features = dict(page_feats)
    features.update({f"position_{p}": float(link.position == p) for p in POSITIONS})
    features.update({
        "in_main_content": float(link.in_main_content),
        "hidden": float(link.hidden),
        "depth": float(link.depth),
        "rel_nofollow": float("nofollow" in rel),
        "rel_ugc": float("ugc" in rel),
        "rel_sponsored": float("sponsored" in rel),
        **{f"anchor_{a}": float(link.anchor_type == a) for a in ANCHOR_TYPES},
        "anchor_length": _log(len(link.anchor_text)),
        # money keywords in the anchor itself ("buy viagra online", "payday loans"), not only near it
        "anchor_spam_terms": _log(len(VOCABULARY["spam"].findall(link.anchor_text))),
        "block_links": _log(link.block_links),
        "block_external_domains": _log(link.block_external_domains),
        "block_link_density": min(link.block_link_text_length / max(link.block_text_length, 1), 1.0),
        "block_text_log": _log(link.block_text_length),
        "listing_like": float(link.position == "listing"),
        "in_list_item": float(bool(tags & {"li", "dd", "dt"})),
        "in_table": float(bool(tags & {"td", "tr", "th"})),
        "heading_entries_log": _log(link.heading_entries),
        "markup_sponsored": float(bool(_SPONSORED_MARKUP.search(link.ancestry))),
        "target_tracking": float(bool(_TRACKING.search(target.query))),
        "target_paid_tracking": float(bool(_TRACKING.search(target.query) and _PAID_TRACKING.search(target.query))),
        "target_root": float(target.path in ("", "/")),
        "target_affiliate": float(bool(AFFILIATE_HREF.search(link.href))),
        "anchor_starred": float(starred_anchor(link.anchor_text, context)),
        "target_path_depth": float(len([p for p in target.path.split("/") if p])),
        "context_length_log": _log(len(context)),
        "anchor_context_share": min(len(link.anchor_text) / max(len(context), 1), 1.0),
        **{f"context_{name}_terms": _log(len(pattern.findall(context))) for name, pattern in VOCABULARY.items()},
    })
    return {name: features[name] for name in FEATURE_NAMES}
