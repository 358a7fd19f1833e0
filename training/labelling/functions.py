"""The labelling functions: ``(PageEvidence, LinkEvidence) -> label | None`` (None = abstain).

Each follows one rule of ../shared/LABELS.md (quoted in its docstring) and leans on evidence the model does not get
where it can (gold main text, gold comments, L3S block classes, manifest page types, disclosure phrases).
``apply_functions`` runs them in priority order: the first function that labels a link decides, except that
two functions from different classes both firing is a conflict and the link stays out (unclear).
"""

from __future__ import annotations

import re
from typing import Callable

from linktriage.features import AFFILIATE_HREF as _AFFILIATE_HREF
from linktriage.features import starred_anchor

from .evidence import _GUEST, LinkEvidence, PageEvidence

__all__ = ["LABELLING_FUNCTIONS", "apply_functions"]

Function = Callable[[PageEvidence, LinkEvidence], "str | None"]

# An ancestor token (id or class) that names a comment, a reply or a comment system.
_COMMENT_ITEM = re.compile(
    r"[|.#][\w\-]*(?:comment|repl(?:y|ies)|dsq|disqus|jc_|jomentry|trackback|pingback|kommentar|comentario|"
    r"p_response|ugc)[\w\-]*(?=$|[|.#])", re.I)
# The comment form and its notes sit inside the comments section but hold the site's own links.
_COMMENT_FORM = re.compile(r"(?:^|[|.#])(?:respond|comment-respond|commentform|comment-form|reply-title|"
                           r"logged-in-as|comment-notes|form-allowed-tags|comment-subscription-form|akismet[\w\-]*)"
                           r"(?=$|[|.#])", re.I)
_RECENT_COMMENTS = re.compile(r"recentcomments|recent-comments|recent_comments|widget_recent_comments|"
                              r"recent-comment", re.I)
_FORUM_POST = re.compile(
    r"postbody|post_body|bbwrapper|message-body|messagetext|message-content|postmessage|post-message|"
    r"post_message|ipsentry|ipscomment|cooked|topic-body|forumpost|forum-post|postsignature|signature|"
    r"bbp-reply|bbp-topic|windowbg|post_wrapper|postcontent|inner_post|reply_|thread-post|js-post|\bpost-\d|"
    r"#msg_\d|#post\d|#p\d", re.I)
_BLOGROLL = re.compile(r"blogroll|linkcat|xoxo|bloglist|blog-list|linklist|link-list|friends|frind|partners|"
                       r"sponsors|linkwidget|links-widget|widget_links|linksection|oio-link|textwidget|"
                       r"footer-sites|network", re.I)
_STRONG_BLOGROLL = re.compile(r"blogroll|linkcat|bloglist|blog-list|widget_links|linksection|oio-link|footer-sites",
                              re.I)
# Widget titles of sold / exchanged link blocks (not "Blogroll" alone: short same-niche blogrolls are unclear).
_SOLD_TITLE = re.compile(r"sponsor|partner|friends|featured sites|related sites|hotspots|supporters|resources|"
                         r"link exchange|text links|advertis|werbung|freunde|bits to click", re.I)
_COMMERCIAL_ANCHOR = re.compile(
    r"casino|poker|bet(?:ting)?\b|slots?\b|loans?\b|payday|credit|insurance|viagra|cialis|levitra|pharma|pills?|"
    r"replica|watches|jewel|dresses|cheap|wholesale|tickets|hosting|seo\b|mortgage|forex|essay|dating|boots|"
    r"laser|dental|lawyer|attorney|rehab|treatment|training|certification|download", re.I)
_LINK_WIDGET_TITLE = re.compile(
    r"blogroll|links|link exchange|friends|partners?|sponsors?|resources|featured sites|related sites|"
    r"hotspots|supporters|recommended|websites|sites|blogs|network|netzwerk|freunde|linkliste", re.I)
_AUTHOR_BOX = re.compile(r"author|about-the-author|bio\b|bio[-_]|autor|byline|contributor|guest", re.I)
_DIRECTORY_ITEM = re.compile(
    r"\(?\b\d{3}\)?[\s.\-]\d{3}[\s.\-]\d{4}\b|\+\d[\d\s\-()]{7,}|\bphone\b|\btel\.?\b|\bwebsite\b|\bweb\b|"
    r"\b\d{1,5}\s+[A-Z]?[a-z]+\s+(?:st|street|ave|avenue|rd|road|blvd|drive|dr|lane|ln|way|suite)\b|"
    r"\b[A-Z]{2}\s+\d{5}\b|\b\d{4,5}\s+[A-ZÄÖÜ][a-zäöü]+", re.I)
_PROFILE = re.compile(r"/(?:users?|members?|profile|profiles|u|user-uebersicht)(?:/|\?|$)", re.I)
_REFERENCES = re.compile(r"reference|citation|cite|footnote|reflist|refbegin|bibliograph|ref-list|endnote|"
                         r"sources|literatur", re.I)
_REFERENCE_ANCHOR = re.compile(r"^(?:doi|crossref|pubmed|pmc|google scholar|the original|archived|\^|\d+)\b", re.I)
_SHARE = re.compile(r"share|sharing|social|follow|addthis|sharethis|sociable", re.I)


def comment_link(page: PageEvidence, link: LinkEvidence) -> str | None:
    """spam: "blog-comment and trackback links" ... "A comment or forum link is spam even when the comment is polite".

    The locator puts the link in a comment section, and an independent witness agrees: the link sits inside an
    individual comment's markup (comment body / author / meta, Disqus, JComments, pingbacks), or its text is in the
    dragnet gold comments, or in an L3S "user comments" block (class 5), or it carries rel="ugc". Comment forms,
    share buttons and the comment system's own links (Gravatar, Disqus, WordPress) are left out.
    """
    if link.social or link.hidden or link.position in ("navigation", "header", "footer", "sidebar"):
        return None
    if "." not in link.domain or _PROFILE.search(link.href) or re.search(r"bypostauthor|sidebar|widget", link.ancestry):
        return None  # the comment platform's own profile pages, the post author's own replies, sidebar feeds
    if _COMMENT_FORM.search(link.ancestry) or _SHARE.search(link.ancestry.split("|", 3)[0] if link.ancestry else ""):
        return None
    markup = bool(_COMMENT_ITEM.search(link.ancestry))
    gold = link.in_gold_comments is True or link.l3s_class == 5
    if link.position == "comment":
        if not (markup or gold or "ugc" in link.rel):
            return None
    elif not (gold and (markup or link.position in ("listing", "other"))):
        # outside the locator's comment position, the gold comments (or L3S class 5) must say so, with markup
        return None
    if link.in_gold_main and not link.in_gold_comments:
        return None  # the gold main text claims it: the locator's comment guess is doubtful
    return "spam"


def forum_post_link(page: PageEvidence, link: LinkEvidence) -> str | None:
    """spam: "forum signature or off-topic promotional posts" / "A comment or forum link is spam even when polite".

    On a forum thread (wcxb page type 'forum', or forum software markup on the page) a link inside a user's post
    or signature is user-placed: spam by the UGC rule, whatever the post says. Links in the forum's own navigation,
    header, footer and sidebar are not posts and are left out.
    """
    if page.page_type != "forum" and not page.forum_markup:
        return None
    if link.position in ("navigation", "header", "footer", "sidebar") or link.social or link.hidden:
        return None
    if "." not in link.domain or _PROFILE.search(link.href):
        return None
    if not _FORUM_POST.search(link.ancestry):
        return None
    return "spam"


def recent_comments_widget(page: PageEvidence, link: LinkEvidence) -> str | None:
    """spam: "blog-comment ... links": the recent-comments widget repeats each commenter's name and website link.

    The link is the commenter's website (the comment itself stays on the page's site); it is user-placed.
    """
    if not _RECENT_COMMENTS.search(link.ancestry) or link.social or _PROFILE.search(link.href):
        return None
    return "spam"


def hidden_injected_link(page: PageEvidence, link: LinkEvidence) -> str | None:
    """spam: "hacked pages with injected or hidden links".

    The link (or a wrapper) is pushed off-screen or hidden by inline style (left:-9999px, display:none,
    font-size:0) outside the page's menus, and the text around it is not the article's: a reader never sees it.
    Hidden menus, tabs and carousels (navigation / header, or many links of the site's own kind) are left out.
    """
    if not link.hidden or link.position in ("navigation", "header") or link.social:
        return None
    style = link.hidden_style.lower()
    offscreen = bool(re.search(r"(?:left|top|text-indent)\s*:\s*-\d{3,}", style))
    tiny = bool(re.search(r"font-size\s*:\s*0(?:px|pt|em)?\s*(?:;|$)", style))
    # <u style="display:none"> / <font ...> around a link: a wrapper nobody uses for menus or widgets
    inline_none = style.startswith(("u:", "font:")) and bool(re.search(r"display\s*:\s*none", style))
    if not (offscreen or tiny or inline_none) or link.position == "footer" or "license" in link.rel:
        return None
    if link.in_gold_main:
        return None
    return "spam"


def blogroll_link_block(page: PageEvidence, link: LinkEvidence) -> str | None:
    """link_farm: "large blogrolls of unrelated sites, footer or sidebar link blocks to unrelated commercial sites".

    The link is in a sidebar / footer / header block of external links that is either large (15+ other sites) or
    marked as a link block (blogroll / linkcat / friends / partners / sponsors widget markup, or a widget title such
    as "Blogroll", "Links", "Featured Sites", "Resources") with 3+ other sites. Social / share blocks are left out,
    and so is anything the gold main text or L3S full-text class places in the article.
    """
    if link.social or link.hidden or link.in_gold_main or link.in_gold_comments or link.l3s_class in (1, 2, 5):
        return None
    if link.block_social_share >= 0.6 or _SHARE.search(link.ancestry.split("|", 2)[0] if link.ancestry else ""):
        return None
    strong_markup = bool(_STRONG_BLOGROLL.search(link.ancestry))
    if link.position not in ("sidebar", "footer", "header", "other") and not (
            strong_markup and not link.in_main_content and link.position in ("content", "listing")):
        return None
    if re.search(r"rss|feed", link.ancestry) or link.block_external_domains < min(3, link.block_links):
        return None  # feed widgets; blocks where one other site takes most links (the author's own other site)
    if _same_brand(page, link):
        return None  # the site's own country versions
    mostly_links = link.block_link_text_length >= 0.5 * max(link.block_text_length, 1)
    if link.group_domains >= 15 and mostly_links:
        return "link_farm"
    sold = bool(_SOLD_TITLE.search(link.widget_title)) or bool(re.search(r"oio-link|textads|sponsor|frind|friends",
                                                                         link.ancestry))
    commercial = bool(_COMMERCIAL_ANCHOR.search(link.anchor))
    if (sold or (strong_markup and commercial)) and link.group_domains >= 2 and mostly_links:
        return "link_farm"
    return None


def _same_brand(page: PageEvidence, link: LinkEvidence) -> bool:
    return link.domain.split(".")[0] == page.site.split(".")[0]


def directory_listing(page: PageEvidence, link: LinkEvidence) -> str | None:
    """directory: "one entry of a listing of businesses, sites, products or profiles" / "a bare catalogue of
    entries with a link each is directory".

    The locator found the link in a run of 5+ same-shaped items, the items point to many different sites, and the
    entry reads like a listing entry (phone, street address, "Website" field, naked URL anchor) or the page is a
    listing / collection page by the manifest or a schema.org ItemList / LocalBusiness page.
    """
    if link.position != "listing" or link.social or link.hidden or link.list_domains < 5:
        return None
    if page.disclosure_kind or page.page_type == "forum" or page.forum_markup or link.in_gold_comments:
        return None
    if link.list_item_text_length > 400:
        return None  # an entry with a paragraph of its own is a discussed item (editorial), not a catalogue entry
    if _REFERENCES.search(link.ancestry) or _REFERENCE_ANCHOR.match(link.anchor.strip()) or "wikipedia" in page.site:
        return None  # a reference list is citations (editorial), not a catalogue
    if _AFFILIATE_HREF.search(link.href) or "sponsored" in link.rel:
        return None  # shop links of a buying guide are paid placements, not entries
    website_field = bool(re.match(r"^(?:https?://|www\.)|^[\w\-]+\.[a-z]{2,}(?:/|$)|^(?:visit )?(?:the )?website$|^web$",
                                  link.anchor.strip(), re.I))
    contact = bool(_DIRECTORY_ITEM.search(link.context))
    if not (website_field or contact):
        return None
    return "directory"


def guest_post_content(page: PageEvidence, link: LinkEvidence) -> str | None:
    """guest_post: "inside content that an outside author contributed" (byline or note such as "guest post",
    "guest author", "contributed by", "Gastbeitrag"; author-bio box linking the author's business).

    The page's byline / editor's note (title, head or tail of the article text) says the post is a guest post, and
    the link sits in the article (locator content position or trafilatura main text) or in the author box.
    """
    if page.disclosure_kind != "guest" or link.social or link.hidden or page.forum_markup:
        return None
    if not (page.disclosure_phrase.startswith("/") or _GUEST.search(page.disclosure_phrase)):
        return None
    in_article = link.position == "content" or link.in_main_content or link.in_gold_main
    if not in_article and not (_AUTHOR_BOX.search(link.ancestry) and link.position not in ("comment", "navigation")):
        return None
    if link.position in ("comment", "navigation", "header", "footer", "sidebar") and not _AUTHOR_BOX.search(link.ancestry):
        return None
    if link.l3s_class == 5 or link.in_gold_comments:
        return None
    return "guest_post"


def sponsored_content(page: PageEvidence, link: LinkEvidence) -> str | None:
    """guest_post: "sponsored", "partner content", "in collaboration with"; `rel="sponsored"` /
    "Sponsored or affiliate content without an outside author is guest_post (paid placement)".

    In the article: the link says it is paid (rel="sponsored"); or the title / head / tail / URL marks the whole post
    as paid ("advertorial", "sponsored post", "partner content", "Werbung für", "written by X on behalf of Y"); or a
    sponsor / affiliate note ("in collaboration with", "Anzeige", "affiliate links") covers the page and the link is
    an affiliate / paid-campaign URL, carries the affiliate star, or goes to the sponsor the note names.
    """
    if link.social or link.hidden or link.position in ("comment", "navigation", "header", "footer"):
        return None
    in_article = link.position in ("content", "listing") or link.in_main_content or link.in_gold_main
    if not in_article:
        return None
    if "sponsored" in link.rel:
        return "guest_post"
    if page.disclosure_kind == "paid":
        return "guest_post"  # the whole post is paid: every link in it is a paid placement
    if page.disclosure_kind != "sponsored":
        return None
    if _AFFILIATE_HREF.search(link.href) or starred_anchor(link.anchor, link.context):
        return "guest_post"
    brand = re.sub(r"[\W_]+", "", link.domain.split(".")[0])
    if len(brand) >= 4 and brand in re.sub(r"[\W_]+", "", page.disclosure_phrase.lower() + page.title.lower()):
        return "guest_post"
    return None


def editorial_in_body(page: PageEvidence, link: LinkEvidence) -> str | None:
    """editorial: "placed by the site's own editors inside the main content, in context ... surrounding prose refers
    to it; no paid/contributed markers".

    The link is in the article body by three views at once: the locator (content position), trafilatura's main
    text, and the gold main text (wcxb / dragnet / scrapinghub) or the L3S full-text class; it sits in prose (its
    block has more text than link text and few other sites), carries no sponsored / ugc rel, no affiliate URL, and
    the page has no guest / sponsored disclosure and is not a forum, listing or catalogue page.
    """
    if link.position not in ("content", "listing") or not link.in_main_content or link.hidden or link.is_image:
        return None
    if link.social or (link.position == "listing" and link.block_text_length < 150):
        return None
    if page.disclosure_kind or page.page_type in ("forum", "listing", "collection", "product") or page.forum_markup:
        return None
    if not (link.in_gold_main or link.l3s_class == 2):
        return None  # no independent witness that the link is in the body
    if {"sponsored", "ugc"} & set(link.rel) or _AFFILIATE_HREF.search(link.href):
        return None
    if _AUTHOR_BOX.search(link.ancestry.split("|", 4)[-1] if link.ancestry else ""):
        return None
    if len(link.anchor.strip()) < 2 or link.block_external_domains > 6:
        return None
    if link.block_text_length < 80 or link.block_link_text_length > 0.5 * link.block_text_length:
        return None  # a bare list of links is not prose citing its sources
    return "editorial"


#: in priority order: the first function that fires decides
LABELLING_FUNCTIONS: tuple[Function, ...] = (
    hidden_injected_link,
    recent_comments_widget,
    comment_link,
    forum_post_link,
    blogroll_link_block,
    directory_listing,
    guest_post_content,
    sponsored_content,
    editorial_in_body,
)


def apply_functions(page: PageEvidence, link: LinkEvidence) -> tuple[str, str] | None:
    """(label, function name) of the first function that fires, or None when none does.

    A second function that fires with another label makes the link unclear (None), except editorial_in_body, which
    only ever fires when nothing marks the page or the link otherwise and is outranked by design.
    """
    votes = [(fn(page, link), fn.__name__) for fn in LABELLING_FUNCTIONS]
    fired = [(label, name) for label, name in votes if label is not None]
    if not fired:
        return None
    first = fired[0]
    others = {label for label, name in fired[1:] if name != "editorial_in_body"}
    if others - {first[0]}:
        return None
    return first
