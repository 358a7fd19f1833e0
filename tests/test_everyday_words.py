"""The shipped model on genuine posts that use a word of the spam vocabulary in its everyday sense.

"Thursday is poker night", "cheap eats", "a loan for the new roof": one such word beside a genuine link made the
link link_farm at 0.8-0.99, toxic, so `disavow` would have listed a good site (evaluation/error_analysis_notes.md
item 23). Pages full of the vocabulary stay toxic. The pages here are made up for this test and are not training
material.
"""

from __future__ import annotations

import pytest

import linktriage

MENU = "".join(f"<li><a href='/{name}/'>{name.title()}</a></li>" for name in ("guides", "food", "events", "about"))
RECENT = "".join(f"<li><a href='/2024/0{i}/notes-{i}/'>Weekend notes {i}</a></li>" for i in range(1, 6))


def _blog(title: str, paragraphs: str) -> str:
    return (f"<html><head><title>{title} – City Notes</title></head><body class='single-post'><header "
            f"class='site-header'><a href='/' rel='home'>City Notes</a><nav class='main-navigation'><ul>{MENU}</ul>"
            f"</nav></header><main id='main'><article class='post'><h1 class='entry-title'>{title}</h1><div "
            "class='entry-meta'>Posted on <time datetime='2024-04-12'>April 12, 2024</time> by <a "
            f"href='/author/sam/'>Sam</a></div><div class='entry-content'>{paragraphs}</div></article></main><aside "
            f"class='widget-area'><h2>Recent posts</h2><ul>{RECENT}</ul></aside><footer class='site-footer'>© 2024 "
            "City Notes · <a href='/privacy/'>Privacy</a></footer></body></html>")


def _news(title: str, paragraphs: str) -> str:
    return (f"<html><head><title>{title} | Harbour Herald</title></head><body><div class='masthead'><a href='/'>"
            "Harbour Herald</a></div><nav><a href='/news/'>News</a> <a href='/business/'>Business</a> <a "
            f"href='/sport/'>Sport</a></nav><article class='story'><h1>{title}</h1><p class='byline'>By Priya Shah · "
            f"3 May 2024</p><div class='story-body'>{paragraphs}</div></article><footer>© Harbour Herald · <a "
            "href='/terms/'>Terms</a></footer></body></html>")


GENUINE = {
    "board game café, poker night": ("https://dicetowercafe.example/", _blog("Rainy evenings", (
        "<p>When the rain sets in we head to <a href='https://dicetowercafe.example/'>the Dice Tower Café</a> on Mill "
        "Road. They have hundreds of games and patient staff. Thursday is poker night, played for chips and pride "
        "only.</p><p>Book a table at weekends: it fills up by seven.</p>"))),
    "cheap eats": ("https://noodlebarmill.example/", _blog("Where we eat on a budget", (
        "<p>Cheap eats do not have to mean bad food. Our favourite is <a href='https://noodlebarmill.example/'>Mill "
        "Street Noodle Bar</a>, where a bowl of hand-pulled noodles costs eight pounds and comes out in five "
        "minutes.</p>"))),
    "a loan for the roof": ("https://slateandsons.example/", _news("Village hall gets its new roof", (
        "<p>The village hall reopened on Saturday after a six-month repair. The committee took out a loan of "
        "£40,000 to cover the work, which was carried out by local firm <a href='https://slateandsons.example/'>"
        "Slate &amp; Sons</a>.</p><p>The hall hosts a market on the first Sunday of each month.</p>"))),
    "a crypto story": ("https://harbourcoffee.example/", _news("Café owner stops taking crypto", (
        "<p>A café on the harbour front has stopped accepting crypto payments after a year. Owner Dan Wells said "
        "only a handful of customers used it. <a href='https://harbourcoffee.example/'>Harbour Coffee</a> still "
        "takes cards and cash.</p>"))),
    "a discount for members": ("https://cyclefix.example/", _blog("Fixing a puncture", (
        "<p>If the tyre keeps going flat, check the rim tape first. For anything bigger, <a "
        "href='https://cyclefix.example/'>CycleFix</a> on Park Lane gives club members a discount on repairs.</p>"
        "<p>Carry a spare tube: patching on the roadside in the rain is no fun.</p>"))),
}

PHARMA = ("<html><head><title>Buy cheap viagra online</title></head><body><h1>Cheap Viagra and Cialis online</h1><p>Buy "
          "cheap viagra online at the best online pharmacy. Discount cialis, levitra and generic viagra with free "
          "shipping. <a href='https://pills-shop.example/'>buy viagra online</a> today. Cheap cialis, cheap levitra, "
          "online pharmacy without prescription, discount pills. Casino bonus, payday loans, cheap replica watches."
          "</p><p><a href='https://pills-shop.example/cialis'>cheap cialis</a> <a href='https://loans.example/'>payday "
          "loans</a> <a href='https://casino.example/'>online casino</a></p></body></html>")


@pytest.fixture(scope="module")
def rows():
    links = [{"source_url": f"https://site{i}.example/2024/04/post/", "target_url": target, "html": html}
             for i, (target, html) in enumerate(GENUINE.values())]
    links.append({"source_url": "https://pharma-deals.example/viagra.html", "target_url": "https://pills-shop.example/",
                  "html": PHARMA})
    return linktriage.score(links)


@pytest.mark.parametrize("i, page", list(enumerate(GENUINE)))
def test_an_everyday_word_of_the_spam_vocabulary_does_not_make_a_genuine_link_toxic(rows, i, page):
    row = rows.iloc[i]
    assert row["link_status"] == "live" and row["position"] == "content"
    assert not row["toxic"], (page, row["label"], row["confidence"], row["reasons"])


def test_the_genuine_links_are_mostly_editorial(rows):
    labels = list(rows["label"][: len(GENUINE)])
    assert labels.count("editorial") >= len(GENUINE) - 1, labels


def test_a_page_full_of_the_vocabulary_stays_toxic(rows):
    row = rows.iloc[len(GENUINE)]
    assert row["label"] in ("spam", "link_farm"), (row["label"], row["confidence"])
