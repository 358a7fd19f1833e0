"""The shipped model on reference lists: a wiki page's references and a post's list of sources are editorial.

A link's block linking many other sites is what a links page looks like, and a reference list is such a block: a
wiki-style page with fourteen references had every reference called link_farm at 0.96 (fifty: 0.99), toxic, and a
health post's twelve sources link_farm at 0.87, so `disavow` would have listed them (evaluation/error_analysis_notes.md
item 29). A links page of as many unrelated sites stays link_farm. The pages here are made up for this test and are not
training material.
"""

from __future__ import annotations

import pytest

import linktriage

TOPICS = ("soil", "rainfall", "irrigation", "crop rotation", "cover crops", "pollinators", "drainage", "compost",
          "seed banks", "frost dates", "pest control", "orchards", "grazing", "wetlands", "hedgerows", "mulching")
PUBLISHERS = ("agri-research", "soil-survey", "climate-office", "extension-service", "water-board", "seed-trust",
              "farm-journal", "ecology-review", "land-institute", "crop-science", "weather-archive", "field-studies")


TITLES = ("{} in temperate farming: a {} survey", "What {} records since {} tell us", "Guidance note on {} ({})",
          "A field trial of {} methods, {}", "{}: county statistics {}", "Long-term effects of {} after {}",
          "Growers' handbook: {} (edition of {})")
AUTHORS = ("Hall, J.", "Okafor, N.", "Brandt, K.", "Lindqvist, A.", "Moreau, C.", "Patel, R.", "Quinn, S.")


def _sources(n: int) -> list[tuple[str, str]]:
    """``n`` (url, title) citations, each on a site of its own."""
    out = []
    for i in range(n):
        topic, publisher, year = TOPICS[i % len(TOPICS)], PUBLISHERS[i % len(PUBLISHERS)], 1988 + (7 * i) % 37
        title = TITLES[(i * 3) % len(TITLES)].format(topic.capitalize(), year)
        out.append((f"https://www.{publisher}{i}.example/reports/{year}/{topic.replace(' ', '-')}", title))
    return out


PARAGRAPHS = [
    "Market gardening on heavy clay has a long history in the river valleys of the region, where small plots were "
    "worked by hand well into the twentieth century and sold their produce in the towns along the railway.",
    "The soils are fertile but slow to warm in spring, and growers learnt to raise beds, add grit and organic "
    "matter, and to wait for the ground to dry before working it, since compaction lasts for years.",
    "Rainfall is spread through the year, with wet winters that leave fields waterlogged; field drains laid in the "
    "nineteenth century still carry water away on many holdings, although many have silted up.",
    "Crop rotation kept disease in check long before chemical controls, and the classic four-course rotation of "
    "brassicas, roots, legumes and potatoes is still taught in the colleges of the area.",
    "Since the 1990s cover crops sown after harvest have spread, protecting bare soil over winter and adding "
    "nitrogen when legumes are used, and hedgerows have been replanted under stewardship schemes.",
    "Today the valley's growers sell through box schemes and farmers' markets rather than wholesale, and several "
    "have joined seed-saving networks that keep old local varieties in cultivation.",
]


def _wiki(title: str, n: int) -> tuple[str, list[tuple[str, str]]]:
    refs = _sources(n)
    body = "".join(f"<p>{text}" + "".join(f'<sup class="reference"><a href="#cite_note-{k}">[{k}]</a></sup>'
                                          for k in range(i + 1, n + 1, len(PARAGRAPHS))) + "</p>"
                   for i, text in enumerate(PARAGRAPHS))
    items = "".join(f'<li id="cite_note-{k}"><span class="reference-text"><cite class="citation web">'
                    f'{AUTHORS[k % len(AUTHORS)]} ({2004 + k % 20}). <a rel="nofollow" class="external text" href="{url}">"{name}"</a>. '
                    f'{url.split("/")[2].removeprefix("www.")}.</cite></span></li>' for k, (url, name) in enumerate(refs, 1))
    html = ("<!DOCTYPE html><html lang='en'><head><title>" + title + " - Valley Wiki</title></head><body><div "
            "id='mw-page-base'></div><div id='mw-head'><a href='/wiki/Main_Page'>Main page</a> <a "
            "href='/wiki/Special:Random'>Random article</a> <a href='/wiki/Help:Contents'>Help</a></div><div "
            f"id='content' class='mw-body'><h1 id='firstHeading'>{title}</h1><div id='mw-content-text' "
            f"class='mw-body-content'><div class='mw-parser-output'>{body}<h2><span class='mw-headline' "
            f"id='References'>References</span></h2><div class='reflist'><ol class='references'>{items}</ol></div>"
            "</div></div></div><div id='footer'><a href='/wiki/About'>About Valley Wiki</a> <a href='/wiki/"
            "Disclaimers'>Disclaimers</a> · Text is available under the Creative Commons Attribution-ShareAlike "
            "License.</div></body></html>")
    return html, refs


def _post_with_sources(n: int) -> tuple[str, list[tuple[str, str]]]:
    refs = _sources(n)
    items = "".join(f"<li>{AUTHORS[k % len(AUTHORS)]} ({2004 + k % 20}). <a href='{url}'>{name}</a>. {url.split('/')[2]}.</li>"
                    for k, (url, name) in enumerate(refs))
    html = ("<!DOCTYPE html><html lang='en'><head><title>Why our clay beds needed grit – Valley Growers</title></head>"
            "<body class='single-post'><header class='site-header'><a href='/' rel='home'>Valley Growers</a><nav "
            "class='main-navigation'><a href='/blog/'>Blog</a> <a href='/veg-boxes/'>Veg boxes</a> <a href='/about/'>"
            "About</a></nav></header><main id='main'><article class='post'><h1 class='entry-title'>Why our clay beds "
            "needed grit</h1><div class='entry-meta'>Posted on <time datetime='2024-03-02'>2 March 2024</time> by "
            "<a href='/author/jo/'>Jo</a></div><div class='entry-content'>"
            + "".join(f"<p>{text}</p>" for text in PARAGRAPHS) + f"<h2>Sources</h2><ol>{items}</ol></div></article>"
            "</main><footer class='site-footer'>© 2024 Valley Growers · <a href='/privacy/'>Privacy</a></footer>"
            "</body></html>")
    return html, refs


def _links_page(n: int) -> tuple[str, list[tuple[str, str]]]:
    shops = [(f"https://www.{word}-{i}.example/", f"Cheap {word} online")
             for i, word in enumerate(("loans", "watches", "insurance", "hosting", "shoes", "casino", "pills",
                                       "printing", "flights", "jewellery") * (n // 10 + 1))][:n]
    items = "".join(f"<li><a href='{url}'>{name}</a></li>" for url, name in shops)
    html = ("<!DOCTYPE html><html><head><title>Partners – Valley Growers</title></head><body><header><a href='/'>"
            "Valley Growers</a></header><main><h1>Our partners</h1><p>Link exchange: add our banner and send us "
            f"your link.</p><ul>{items}</ul></main><footer>© Valley Growers</footer></body></html>")
    return html, shops


PAGES = {
    "https://valleywiki.example/wiki/Market_gardening_14": _wiki("Market gardening", 14),
    "https://valleywiki.example/wiki/Market_gardening_40": _wiki("Market gardening in the valley", 40),
    "https://valleygrowers.example/blog/clay-beds-grit/": _post_with_sources(12),
}


@pytest.fixture(scope="module")
def scored():
    rows = []
    for url, (html, refs) in {**PAGES, "https://valleygrowers.example/partners/": _links_page(40)}.items():
        rows += [{"source_url": url, "target_url": target, "html": html} for target, _ in refs[::3]]
    frame = linktriage.score(rows)
    return frame


@pytest.mark.parametrize("url", sorted(PAGES))
def test_references_and_sources_are_editorial_and_not_toxic(scored, url):
    rows = scored[scored["source_url"] == url]
    assert len(rows) >= 4 and (rows["link_status"] == "live").all()
    wrong = rows[(rows["label"] != "editorial") | rows["toxic"]]
    assert wrong.empty, wrong[["target_url", "label", "confidence", "position", "reasons"]].to_string()


def test_a_links_page_of_as_many_unrelated_sites_stays_link_farm(scored):
    rows = scored[scored["source_url"] == "https://valleygrowers.example/partners/"]
    assert len(rows) >= 10 and (rows["label"] == "link_farm").all() and rows["toxic"].all(), rows["label"].tolist()
