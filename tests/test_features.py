"""Features of a located link: each named signal responds to the markup it is meant to see."""

from __future__ import annotations

import re

from lxml import html as lxml_html

from linktriage import FetchResult
from linktriage.extract import extract_page
from linktriage.features import (_AFFILIATE_NOTE, _DISCLOSURE_MARKUP, _NOTE_ANY, _NOTE_ANY_TWIN, _NOTE_TEXT,
                                 _VOCABULARY_TWINS, FEATURE_GROUPS, FEATURE_NAMES, VOCABULARY, _lowered,
                                 _lowered_twin, _mentions_affiliate_links, _note_candidates, link_features,
                                 page_features)
from linktriage.locate import locate_links

BODY = " ".join(["Our team reviewed the new trail shoes over three months of muddy spring running."] * 6)


def features(html: str, target: str, url: str = "https://blog.example.org/2024/post") -> dict[str, float]:
    page = extract_page(FetchResult(url=url, status="ok", final_url=url, body=html.encode()))
    link = locate_links(page, target)[0]
    return link_features(page_features(page), link)


def test_every_feature_has_a_group_and_a_value():
    values = features(f"<html><body><article><p>{BODY} <a href='https://t.example/x'>x</a></p></article></body></html>",
                      "https://t.example/x")
    assert tuple(values) == FEATURE_NAMES and set(FEATURE_GROUPS) == set(FEATURE_NAMES)
    assert all(isinstance(v, float) for v in values.values())


def test_paid_placement_signals():
    plain = features(f"<html><body><article><p>{BODY} <a href='https://t.example/shoes/trail'>shoes</a></p>"
                     "</article></body></html>", "https://t.example/shoes/trail")
    paid = features(f"<html><head><title>Sponsored: spring gear</title></head><body><article>"
                    f"<p>{BODY}</p><div class='sponsored-box'><p>{BODY} <a rel='sponsored' "
                    "href='https://t.example/?utm_source=blog&utm_medium=paid_partner'>shoes</a></p></div>"
                    "</article></body></html>", "https://t.example/")
    assert plain["page_disclosure"] == 0 and paid["page_disclosure"] == 1
    assert (plain["target_tracking"], plain["target_paid_tracking"]) == (0, 0)
    assert (paid["target_tracking"], paid["target_paid_tracking"]) == (1, 1)
    assert plain["markup_sponsored"] == 0 and paid["markup_sponsored"] == 1
    assert paid["rel_sponsored"] == 1 and paid["target_root"] == 1 and plain["target_path_depth"] == 2


def test_affiliate_signals():
    plain = features(f"<html><body><article><p>{BODY} <a href='https://shop.example/ball'>Katzenball</a></p>"
                     "</article></body></html>", "https://shop.example/ball")
    affiliate = features(
        f"<html><body><article><p><em>Dieser Artikel enthält Affiliate-Links.</em></p><p>{BODY} Der "
        "<a href='https://www.amazon.de/dp/B0TEST?tag=blog-21'>elektrische Katzenball von HOFIT</a>* rollt.</p>"
        "</article></body></html>", "https://www.amazon.de/dp/B0TEST?tag=blog-21")
    assert (plain["target_affiliate"], plain["anchor_starred"], plain["page_affiliate_note"]) == (0, 0, 0)
    assert (affiliate["target_affiliate"], affiliate["anchor_starred"], affiliate["page_affiliate_note"]) == (1, 1, 1)


def test_affiliate_note_search_is_case_insensitive():
    # the note is searched in lowered text: it must match exactly where a case-insensitive search does, including
    # the characters re.IGNORECASE folds and str.lower() does not ("İ", "ı", "ſ")
    reference = re.compile(_AFFILIATE_NOTE.pattern, re.I)
    for text in ("AFFİLİATE LINKS", "Affıliate-Links", "PROVISIONSLINK", "STERNCHEN", "xSternchen", "SternchenİX",
                 "We May Earn a commission", "LIENS D'AFFILIATION", "LIENS AFFILIÉS", "no disclosure here"):
        assert _mentions_affiliate_links(text) == bool(reference.search(text)), text
    assert _mentions_affiliate_links("AFFİLİATE LINKS") and not _mentions_affiliate_links("xSternchen")


TRICKY = ("Guest Post by Ann", "GUEST-POST", "Gästpost guestpost xguest post", "İN COLLABORATION WİTH Acme",
          "ſponſored content", "SPONSORED\nBY", "written by Bo of Acme", "WRITTEN BY\nx", "über Anzeige:Werbung",
          "Top 10 COMPANIES", "top 10 companiesx", "Buy Cheap Viagra, CHEAP loans!", "casinos", "PARTNERS friends",
          "\u212aasino", "brandstory BRANDED STORIES", "a\u0130 sponsored", "Ärzte-Sponsoring sponsorship",
          "Opinion Contributors and OUTSIDE contributor", "contenu sponsorisé CONTENU SPONSORISÉ", "")


def test_lowered_twins_find_what_the_case_insensitive_patterns_find():
    # the page-wide searches run case-sensitive twins over lowered text: same matches, same offsets
    pairs = [(VOCABULARY[name], _VOCABULARY_TWINS[name]) for name in VOCABULARY] + [(_NOTE_ANY, _NOTE_ANY_TWIN)]
    for original, twin in pairs:
        for text in (*TRICKY, " ".join(TRICKY), "\n".join(TRICKY)):
            assert ([m.span() for m in twin.finditer(_lowered(text))]
                    == [m.span() for m in original.finditer(text)]), (twin.pattern[:40], text)
    for text in ("div sponsored-banner", "SPONSOR", "Partner-Tag", "brandedcontent", "nothing"):
        assert bool(_DISCLOSURE_MARKUP.search(_lowered(text))) == bool(re.search(_DISCLOSURE_MARKUP.pattern, text, re.I))


def test_lowered_keeps_every_character_in_place_and_its_case_insensitive_match():
    """What makes the twins exact, over every code point: lowering keeps the length and which characters are word
    characters, and a character lowers to a letter of the patterns exactly when re.IGNORECASE matches it to that
    letter (the folds str.lower() lacks, "İ", "ı", "ſ", are made first; the Kelvin sign lowers to "k" itself)."""
    everything = "".join(chr(c) for c in range(0x110000) if not 0xD800 <= c < 0xE000)
    lowered = _lowered(everything)
    assert len(lowered) == len(everything)
    word = re.compile(r"\w")
    assert [m.start() for m in word.finditer(lowered)] == [m.start() for m in word.finditer(everything)]
    patterns = [t.pattern for t in (*_VOCABULARY_TWINS.values(), _NOTE_ANY_TWIN, _AFFILIATE_NOTE, _DISCLOSURE_MARKUP)]
    letters = {ch for pattern in patterns for ch in re.sub(r"\\.", "", pattern) if ch.isalpha()}
    assert letters and all(ch == ch.lower() for ch in letters)
    candidates = {i for i, ch in enumerate(lowered) if ch in letters}
    candidates |= {m.start() for m in re.finditer(f"[{''.join(sorted(letters))}]", everything, re.I)}
    for i in candidates:
        matched = {x for x in letters if re.fullmatch(re.escape(x), everything[i], re.I)}
        assert matched == ({lowered[i]} & letters), hex(ord(everything[i]))


def test_a_twin_refuses_a_phrase_it_cannot_mirror():
    import pytest

    for phrase in ("Sponsored", "(?:a|b) c", r"\bx"):
        with pytest.raises(ValueError, match="lower-case phrase"):
            _lowered_twin(phrase)


def test_list_and_table_entries():
    items = "".join(f"<li><a href='https://shop{i}.example/'>Shop {i}</a> 12 Main Street, 555-010-{i:04d}</li>"
                    for i in range(12))
    listed = features(f"<html><body><main><h1>Outdoor stores</h1><ul>{items}</ul></main></body></html>",
                      "https://shop3.example/")
    rows = "".join(f"<tr><td>Shop {i}</td><td><a href='https://shop{i}.example/'>website</a></td></tr>"
                   for i in range(12))
    tabled = features(f"<html><body><main><table>{rows}</table></main></body></html>", "https://shop3.example/")
    assert listed["in_list_item"] == 1 and listed["in_table"] == 0
    assert tabled["in_table"] == 1 and tabled["in_list_item"] == 0
    assert listed["phones"] > 0 and listed["block_external_domains"] > 1


def test_disclosures_in_other_languages_and_disclosure_markup():
    text = " ".join(["Os militares enviaram questões ao tribunal sobre as eleições e as urnas eletrônicas."] * 6)
    disclosed = features(f"<html><body><article><div class='sponsored-banner'>Patrocinado · Nord Harbor</div>"
                         f"<p>Em parceria com Nord Harbor. {text} <a href='https://t.example/x'>x</a></p>"
                         "</article></body></html>",
                         "https://t.example/x")
    plain = features(f"<html><body><article><div class='entry'>Nord Harbor</div>"
                     f"<p>{text} <a href='https://t.example/x'>x</a></p></article></body></html>",
                     "https://t.example/x")
    assert disclosed["page_disclosure_markup"] == 1 and plain["page_disclosure_markup"] == 0
    assert disclosed["page_disclosure"] == 1 and plain["page_disclosure"] == 0


def _note(article_extra: str, outside: str = "") -> float:
    html = (f"<html><body><header><nav><a href='/'>Home</a></nav></header><article><h1>Spring trail shoes</h1>"
            f"{article_extra}<p>{BODY} <a href='https://t.example/shoes'>trail shoes</a></p><p>{BODY}</p></article>"
            f"{outside}<!-- a comment node --></body></html>")
    return features(html, "https://t.example/shoes")["page_disclosure_note"]


def test_a_short_disclosure_note_counts_wherever_the_extractor_puts_it():
    # a byline note, a label box, a note with the author's company linked: the page's own short text
    assert _note("<p class='byline'>Guest post by <a href='https://jen.example'>Jen Goode</a> of Projects</p>") == 1
    assert _note("<div class='label'><em>Anzeige</em></div>") == 1
    assert _note("<div><span>This post was written by </span><a href='https://acme.example'>Ann of Acme</a></div>") == 1
    # none: no disclosure; a footer link to a policy; a disclosure word in a long prose paragraph; the link's own
    # text; a staff author box; a comment section
    assert _note("") == 0
    assert _note("", "<footer><p>Sponsored content policy</p></footer>") == 0
    assert _note(f"<p>The bill was sponsored by Senator Smith. {BODY}</p>") == 0
    assert _note("<p><a href='https://x.example/guest-post'>Guest post guidelines</a></p>") == 0
    assert _note("<div class='author'><h4>About the author</h4><p>Ann writes about running.</p></div>") == 0
    assert _note("", "<div class='comments'><p>Great guest post by you!</p></div>") == 0


def test_a_note_in_an_inline_element_of_a_long_paragraph_counts():
    # some CMSs put a whole post in one <p>: the note is the <i> / <em> inside it, not a short block of its own
    assert _note(f"<p>Call for proposals<i>Guest post by Jen Maerz, Program Chair of Lean Co.</i>{BODY}</p>") == 1
    assert _note(f"<p><em>The following is a guest blog post by Nick Holmes, co-founder of X.</em>{BODY}</p>") == 1
    # a guest post mentioned in the prose, inline or not, is not a note about this page
    assert _note(f"<p>{BODY} I once wrote <em>a guest post about trail shoes</em> for a friend.</p>") == 0
    assert _note(f"<p>{BODY} <em>Guest posts</em> are how many runners start writing.</p>") == 0


def test_a_staff_byline_with_a_department_is_not_a_contribution_note():
    assert _note("<p>This post was written by Danielle Padula, Head of Marketing and Community Development</p>") == 0
    assert _note("<p>This post was written by Ann Lee, Director of Sales at Acme Boots</p>") == 1
    assert _note("<p>This post was written by Ann Lee of Acme Boots</p>") == 1


def test_a_label_over_a_teaser_of_another_page_is_not_a_note_about_this_one():
    teaser = ("<div class='card'><div class='sponsored'><h5>Sponsored Content</h5></div>"
              "<h3 class='title'><a href='/river-cruises/'>Three river cruises</a></h3></div>")
    assert _note("", f"<section>{teaser}</section>") == 0
    assert _note("", f"<section>{teaser.replace('</div><h3', '</div><!-- card --><h3')}</section>") == 0
    # the page's own label over its own title (unlinked, or linking the page itself) still is one
    assert _note("<ul><li><span>Anzeige</span></li></ul><h2>Spring trail shoes</h2>") == 1
    own_title = "<h2><a href='https://blog.example.org/2024/post#top'>Shoes</a></h2>"
    assert _note(f"<div><span>Sponsored</span></div>{own_title}") == 1
    # a call-to-action block's "Brought to you by" is the advert's
    assert _note("", "<section class='cta-block'><div class='cta-block-note'>Brought to you by</div></section>") == 0


def test_ordinary_words_disclose_only_as_a_label_or_about_the_page():
    # "sponsored", "Werbung", "in collaboration with": a label of their own, or a sentence about this page
    assert _note("<p class='byline'>By Help Net Security <span class='mark'>Sponsored</span></p>") == 1
    assert _note("<p><em>*Werbung. Dieser Beitrag enthält Werbung für Mymarini.</em></p>") == 1
    assert _note("<p>This week's podcast is sponsored by the Davis Cup Finals.</p>") == 1
    assert _note("<p><em>Note: I wrote this post in collaboration with Airtel.</em></p>") == 1
    # the same words inside other prose, or labelling an advertisement, are not notes about the page
    assert _note("<p>The reading was part of an event sponsored by the town library.</p>") == 0
    assert _note("<p>Employer-sponsored plans give tax advantages.</p>") == 0
    assert _note("<p>Pull request #20713 contributed by Chocapikk</p>") == 0
    assert _note("<div class='box'><h3>Sponsored Links</h3></div>") == 0
    assert _note("<div class='adunit-label'>Anzeige</div><div id='billboard'></div>") == 0
    assert _note("<div id='rightAd'><p>Brought to you by:</p></div>") == 0
    assert _note("<div><span>Anzeige</span><script>(adsbygoogle = window.adsbygoogle || []).push({});</script></div>") == 0
    assert _note("<p>The team will justify the expectations written by their coach at the start.</p>") == 0
    assert _note("<p><em>Written by Gayle Brown on behalf of GCL Direct</em></p>") == 1
    # a staff job title is not a contribution note
    assert _note("<div class='byline'><span>Jane Roe</span> <span>Contributing Writer</span></div>") == 0


def test_metadata_survives_a_page_trafilatura_cannot_extract(monkeypatch):
    # trafilatura gives up on some pages (hostile nesting, no main text): title, author and date come from the
    # page's metadata all the same, so has_author / has_date do not depend on the main-text extractor
    import linktriage.extract

    html = ("<html><head><title>Spring shoes</title><meta name='author' content='Jane Doe'>"
            "<meta property='article:published_time' content='2024-03-01'></head>"
            f"<body><article><p>{BODY} <a href='https://t.example/shoes'>trail shoes</a></p></article></body></html>")
    monkeypatch.setattr(linktriage.extract, "_trafilatura", lambda tree, url: None)
    page = extract_page(FetchResult(url="https://blog.example.org/2024/post", status="ok", body=html.encode()))
    assert (page.info.title, page.info.author, page.info.date, page.info.main_text) == (
        "Spring shoes", "Jane Doe", "2024-03-01", "")
    assert page_features(page)["has_author"] == 1 and page_features(page)["has_date"] == 1


def test_note_candidates_are_the_nodes_a_per_node_search_finds():
    # one search over the joined text nodes must find exactly the nodes a search of each node finds: matches at
    # node edges ("shoes" + "Guest post"), across two nodes ("spon" + "sored") and within multi-line nodes
    tree = lxml_html.fromstring(
        "<html><body><p>shoes<b>Guest post</b>by Ann</p><p>spon<i>sored</i></p><p>line one\nAnzeige\nline</p>"
        "<p>nothing here</p><div>Sponsored<br>Werbung</div><p>Guest\npost</p></body></html>")
    expected = [node for node in _NOTE_TEXT(tree) if _NOTE_ANY.search(node)]
    assert [str(n) for n in _note_candidates(tree)] == [str(n) for n in expected]
    assert [str(n) for n in expected] == ["Guest post", "line one\nAnzeige\nline", "Sponsored", "Werbung"]


def test_many_disclosure_labels_in_one_block_take_its_text_once():
    """Each "Sponsored" label took the text of its whole block again: 30,000 of them in one list took a minute."""
    import time

    labels = "<span>Sponsored</span> " * 30_000
    page = extract_page(FetchResult(url="https://a.example/", status="ok",
                                    body=f"<html><body><div><a href='https://b.example/'>b</a> {labels}</div>".encode()))
    started = time.perf_counter()
    assert page_features(page)["page_disclosure_note"] == 0.0  # a block this long is no note
    assert time.perf_counter() - started < 10
