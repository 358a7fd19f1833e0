"""The labelling functions of training/labelling on small hand-written pages (no corpus needed)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "training"))

from labelling import functions as lf  # noqa: E402
from labelling.evidence import analyse_page, disclosure  # noqa: E402

PROSE = ("The committee published its findings on Tuesday after a year of hearings, and the report runs to "
         "several hundred pages of testimony, data tables and recommendations for the agencies involved. ")


def _page(body: str, *, url: str = "https://www.example-news.com/2024/05/story", title: str = "A story",
          manifest: dict | None = None, l3s: dict | None = None):
    html = f"<html><head><title>{title}</title></head><body>{body}</body></html>"
    result = analyse_page(html.encode(), url, "test.warc.gz", manifest, l3s)
    assert result is not None
    return result


def _link(result, domain: str):
    page, links = result
    found = [link for link in links if link.domain == domain]
    assert found, f"no link to {domain}: {[link.domain for link in links]}"
    return page, found[0]


def _article(inner: str) -> str:
    return (f"<header><nav><a href='/'>Home</a></nav></header><main><article class='post'><h1>A story</h1>"
            f"<div class='entry-content'>{inner}</div></article></main><footer><p>(c) Example</p></footer>")


def _gold(text: str) -> dict:
    return {"source": "wcxb-dev", "page_type": "article", "gold_main_text": text}


# --- editorial -------------------------------------------------------------------------------------------------

def test_editorial_in_body_labels_a_cited_source_in_gold_prose():
    sentence = "According to the latest report from the National Statistics Office, unemployment fell again."
    body = _article(f"<p>{PROSE}</p><p>According to the <a href='https://stats.example.org/r'>latest report</a> "
                    f"from the National Statistics Office, unemployment fell again.</p><p>{PROSE}</p>")
    page, link = _link(_page(body, manifest=_gold(PROSE + sentence + PROSE)), "example.org")
    assert lf.editorial_in_body(page, link) == "editorial"
    assert lf.apply_functions(page, link) == ("editorial", "editorial_in_body")


def test_editorial_abstains_without_gold_witness_or_with_disclosure():
    body = _article(f"<p>{PROSE}</p><p>According to the <a href='https://stats.example.org/r'>latest report</a> "
                    f"from the National Statistics Office, unemployment fell again.</p><p>{PROSE}</p>")
    page, link = _link(_page(body, manifest=_gold(PROSE)), "example.org")  # link text not in the gold text
    assert lf.editorial_in_body(page, link) is None
    guest = _article("<p><em>This is a guest post by Jane Roe of Acme Widgets.</em></p>"
                     f"<p>{PROSE}</p><p>According to the <a href='https://stats.example.org/r'>latest report</a> "
                     f"from the National Statistics Office, unemployment fell again.</p><p>{PROSE}</p>")
    page, link = _link(_page(guest, manifest=_gold("this is a guest post by jane roe. latest report from the "
                                                   "national statistics office, unemployment fell again")),
                       "example.org")
    assert lf.editorial_in_body(page, link) is None


# --- guest_post ----------------------------------------------------------------------------------------------

def test_guest_post_content_labels_links_in_a_guest_post_and_its_author_box():
    body = _article("<p><em>The following is a guest post from Dr. Jane Roe, founder at Acme Widgets.</em></p>"
                    f"<p>{PROSE} Read more at <a href='https://acme-widgets.com/'>Acme Widgets</a> today.</p>"
                    f"<p>{PROSE}</p>") + "<div class='author-bio'><a href='https://janeroe.net'>Jane</a> writes.</div>"
    result = _page(body)
    page, link = _link(result, "acme-widgets.com")
    assert page.disclosure_kind == "guest"
    assert lf.guest_post_content(page, link) == "guest_post"
    page, bio = _link(result, "janeroe.net")
    assert lf.guest_post_content(page, bio) == "guest_post"


def test_guest_post_content_abstains_on_a_staff_article_and_footer_write_for_us():
    body = _article(f"<p>{PROSE} See <a href='https://acme-widgets.com/'>Acme Widgets</a>.</p>") \
        + "<div id='sidebar'><a href='https://other-site.com/'>Write for us: guest posts welcome</a></div>"
    page, link = _link(_page(body), "acme-widgets.com")
    assert page.disclosure_kind == ""
    assert lf.guest_post_content(page, link) is None


def test_disclosure_finds_sponsor_notes_in_several_languages_but_not_deep_in_the_text():
    assert disclosure("", ["*werbung. dieser beitrag enthält werbung für mymarini."])[0] == "paid"
    assert disclosure("", ["anzeige\nunser geschenke-guide mit affiliate links"])[0] == "sponsored"
    assert disclosure("", ["die polizei hat anzeige erstattet, sagte ein sprecher."]) == ("", "")
    assert disclosure("", ["ein gastbeitrag von bianca praetorius"])[0] == "guest"
    assert disclosure("sponsored post: the best vpn", [""])[0] == "paid"
    assert disclosure("", ["this story was developed in partnership with ferah catering."])[0] == "sponsored"
    long_text = "x " * 2000 + " the bill was sponsored by senator smith " + "y " * 2000
    assert disclosure("senate passes bill", [long_text]) == ("", "")


def test_paid_words_in_ordinary_sentences_are_not_a_disclosure():
    # each of these made a whole real article "paid" and every link in it a guest post
    assert disclosure("", ["ride died, according to a press release.\nshe was a physicist"]) == ("", "")
    assert disclosure("", ["for paid content & reports, including analyst time, contact us"]) == ("", "")
    assert disclosure("", ["sie nutzt ihren körper, um werbung für ein neues produkt zu machen. nicht alle"]) == ("", "")
    assert disclosure("", ["werbung nervt. tracking nervt."]) == ("", "")
    # the same words as a label still count
    assert disclosure("", ["press release\nacme launches its new widget"])[0] == "paid"
    assert disclosure("", ["paid content: the best vpn deals"])[0] == "paid"
    assert disclosure("", ["werbung für acme gmbh\nunser test"])[0] == "paid"
    assert disclosure("", ["[anzeige] unser geschenke-guide"])[0] == "sponsored"


def test_sponsored_content_uses_rel_sponsored_and_affiliate_urls_on_disclosed_pages():
    body = _article(f"<p>{PROSE} Buy the <a rel='sponsored nofollow' href='https://shop.example.net/p'>boot</a>.</p>")
    page, link = _link(_page(body), "example.net")
    assert lf.sponsored_content(page, link) == "guest_post"
    body = _article("<p>Anzeige</p>" f"<p>{PROSE} Das <a href='https://www.amazon.de/dp/B0123?tag=x-21'>Spielzeug*</a>"
                    f" und die <a href='https://www.bund.de/info'>Behörde</a>.</p>")
    result = _page(body, url="https://www.haustier-magazin.de/ratgeber")
    page, affiliate = _link(result, "amazon.de")
    assert page.disclosure_kind == "sponsored"
    assert lf.sponsored_content(page, affiliate) == "guest_post"
    page, citation = _link(result, "bund.de")
    assert lf.sponsored_content(page, citation) is None


# --- spam ----------------------------------------------------------------------------------------------------

def test_comment_link_labels_commenter_links_and_skips_the_comment_form():
    body = _article(f"<p>{PROSE}</p>") + (
        "<div id='comments'><ol class='comment-list'><li id='comment-12' class='comment'>"
        "<div class='comment-author'><a rel='external nofollow ugc' href='https://cheap-pills.biz/'>Buy pills</a></div>"
        "<div class='comment-content'><p>Great post, thanks for sharing this information with us all!</p></div>"
        "</li></ol><div id='respond'><p class='logged-in-as'>Uses <a href='https://akismet-like.com/x'>"
        "Antispam</a> to reduce spam.</p></div></div>")
    result = _page(body)
    page, link = _link(result, "cheap-pills.biz")
    assert link.position == "comment"
    assert lf.comment_link(page, link) == "spam"
    page, form = _link(result, "akismet-like.com")
    assert lf.comment_link(page, form) is None


def test_comment_link_abstains_on_article_links():
    body = _article(f"<p>{PROSE} The <a href='https://stats.example.org/r'>report</a> says so.</p>")
    page, link = _link(_page(body), "example.org")
    assert lf.comment_link(page, link) is None


def test_forum_post_link_labels_links_in_posts_and_signatures_of_forum_pages():
    body = ("<div class='navbar'><a href='https://forum-software.com/'>Powered by</a></div>"
            "<div class='post' id='p123'><div class='postbody'><p>You can try "
            "<a href='https://minecraft-hosting.net/'>this host</a>, it works for me.</p></div>"
            "<div class='signature'><a href='https://my-plugin-shop.com/'>My plugins</a></div></div>")
    result = _page(body, url="https://forum.example.com/viewtopic.php?t=5", manifest={"page_type": "forum"})
    page, link = _link(result, "minecraft-hosting.net")
    assert lf.forum_post_link(page, link) == "spam"
    page, sig = _link(result, "my-plugin-shop.com")
    assert lf.forum_post_link(page, sig) == "spam"
    page, nav = _link(result, "forum-software.com")
    assert lf.forum_post_link(page, nav) is None
    article = _page(_article(f"<p>{PROSE} <a href='https://minecraft-hosting.net/'>host</a></p>"))
    page, link = _link(article, "minecraft-hosting.net")
    assert lf.forum_post_link(page, link) is None


def test_recent_comments_widget_and_hidden_injected_links():
    body = _article(f"<p>{PROSE}</p>") + (
        "<aside id='sidebar'><ul id='recentcomments'><li class='recentcomments'><span class='comment-author-link'>"
        "<a href='https://buy-cvv.example-shop.cc/'>buy cvv</a></span> on <a href='/post'>Post</a></li></ul></aside>"
        "<div style='position:absolute; left:-9999px'><a href='https://online-casino-x.com/'>best casino</a></div>"
        "<div class='menu' style='display:none'><a href='https://partner-site.org/'>Partner</a></div>")
    result = _page(body)
    page, widget = _link(result, "example-shop.cc")
    assert lf.recent_comments_widget(page, widget) == "spam"
    page, hidden = _link(result, "online-casino-x.com")
    assert lf.hidden_injected_link(page, hidden) == "spam"
    page, menu = _link(result, "partner-site.org")
    assert lf.hidden_injected_link(page, menu) is None  # a hidden menu block, not an injected link
    page, visible = _link(_page(_article(f"<p>{PROSE} <a href='https://a-site.org/'>a</a></p>")), "a-site.org")
    assert lf.hidden_injected_link(page, visible) is None


# --- link_farm -----------------------------------------------------------------------------------------------

def test_blogroll_link_block_labels_large_or_marked_link_widgets_only():
    roll = "".join(f"<li><a href='https://blog{i}-site.com/'>Blog {i}</a></li>" for i in range(20))
    sold = "".join(f"<li><a href='https://{w}-store.com/'>{w} cheap</a></li>" for w in ("boots", "loans", "pills", "dress"))
    share = "".join(f"<a href='https://{d}/share'>{d}</a>" for d in ("facebook.com", "twitter.com", "linkedin.com"))
    body = _article(f"<p>{PROSE}</p>") + (
        f"<div id='sidebar'><div class='widget'><h3>Friends</h3><ul>{roll}</ul></div>"
        f"<div class='widget'><h3>Sponsors</h3><ul class='xoxo blogroll'>{sold}</ul></div>"
        f"<div class='widget share'>{share}</div>"
        "<div class='widget'><h3>About</h3><p>I write about gardening. My friend runs "
        "<a href='https://friend-garden.com/'>a garden blog</a> that you may enjoy reading sometimes.</p></div></div>")
    result = _page(body)
    for domain in ("blog7-site.com", "loans-store.com"):
        page, link = _link(result, domain)
        assert lf.blogroll_link_block(page, link) == "link_farm", domain
    page, link = _link(result, "facebook.com")
    assert lf.blogroll_link_block(page, link) is None
    page, link = _link(result, "friend-garden.com")
    assert lf.blogroll_link_block(page, link) is None
    page, link = _link(_page(_article(f"<p>{PROSE} <a href='https://a-site.org/'>a</a></p>")), "a-site.org")
    assert lf.blogroll_link_block(page, link) is None


# --- directory -----------------------------------------------------------------------------------------------

def test_directory_listing_labels_entries_with_contact_fields_and_abstains_on_prose():
    items = "".join(
        f"<li class='listing-item'><h4><a href='https://business{i}-plumbing.com/'>Plumber {i}</a></h4>"
        f"<p>{100 + i} Main Street, Springfield IL 62701 - Phone (217) 555-01{i:02d}</p></li>" for i in range(8))
    result = _page(f"<main><h1>Plumbers in Springfield</h1><ul class='results'>{items}</ul></main>",
                   url="https://www.localbiz-directory.com/plumbers", manifest={"page_type": "listing"})
    page, link = _link(result, "business3-plumbing.com")
    assert link.position == "listing"
    assert lf.directory_listing(page, link) == "directory"
    page, link = _link(_page(_article(f"<p>{PROSE} <a href='https://a-site.org/'>a</a></p>")), "a-site.org")
    assert lf.directory_listing(page, link) is None


def test_apply_functions_drops_conflicts_and_returns_none_when_nothing_fires():
    body = _article(f"<p>{PROSE}</p>") + "<div id='x'><a href='https://lonely-site.com/'>lonely</a></div>"
    page, link = _link(_page(body), "lonely-site.com")
    assert lf.apply_functions(page, link) is None


@pytest.mark.parametrize("fn", lf.LABELLING_FUNCTIONS)
def test_every_function_documents_its_rule(fn):
    assert fn.__doc__ and any(label in fn.__doc__ for label in ("editorial", "guest_post", "directory", "spam",
                                                                 "link_farm"))


def test_label_file_in_the_repo_has_the_schema_every_class_and_hand_checked_rows():
    import csv

    from labelling.build_labels import COLUMNS, OUTPUT

    with open(OUTPUT, newline="", encoding="utf-8") as stream:
        reader = csv.DictReader(stream)
        assert tuple(reader.fieldnames) == COLUMNS
        rows = list(reader)
    assert len(rows) >= 3000
    labels = {"editorial", "guest_post", "directory", "spam", "link_farm"}
    assert {row["label"] for row in rows} == labels
    assert {row["generated"] for row in rows} == {"false"}
    checked = [row for row in rows if row["checked_by_hand"] == "true"]
    assert checked and {row["label"] for row in checked} <= labels
    assert sum(row["label"] == "editorial" for row in rows) <= 0.45 * len(rows)


def test_balance_caps_per_page_and_editorial_share_and_keeps_hand_checked_rows():
    from labelling.build_labels import PER_PAGE_CAP, balance

    def row(page, label, target, checked="false"):
        return {"source_url": f"https://s{page}.com/p", "target_url": f"https://t{target}.org/", "label": label,
                "site": f"s{page}.com", "checked_by_hand": checked}

    rows = [row(1, "editorial", i) for i in range(30)] + [row(2, "spam", i) for i in range(3)]
    rows.append(row(1, "editorial", 99, checked="true"))
    kept = balance(rows)
    assert any(r["target_url"] == "https://t99.org/" for r in kept)
    editorial = [r for r in kept if r["label"] == "editorial"]
    assert 1 <= len(editorial) <= PER_PAGE_CAP["editorial"] + 1
    assert len(editorial) <= 0.4 * len(kept) + 1
    assert sum(r["label"] == "spam" for r in kept) == 3
