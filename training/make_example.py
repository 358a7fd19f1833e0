"""Write the bundled example: data/examples/backlinks.csv and data/examples/pages.warc.gz.

Every page is written here by hand for the example (no corpus material): a blog article with an editorial link
and comment spam, a guest post, a business directory, a pharma spam page, a link-exchange page, a page that no
longer links, and one URL that is not archived. Run: python training/make_example.py
"""

from __future__ import annotations

import csv
import io
import random
from pathlib import Path

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

OUT = Path(__file__).resolve().parents[1] / "data" / "examples"
TARGET = "https://www.alpinetrailco.com"

ARTICLE = """<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Ten years of mountain running: what changed</title>
<meta name="author" content="Maya Lindqvist"></head><body>
<header class="site-header"><a href="/">Summit Notes</a><nav class="main-nav"><a href="/training">Training</a> <a href="/gear">Gear</a> <a href="/about">About</a></nav></header>
<main><article class="post"><h1>Ten years of mountain running: what changed</h1>
<p class="byline">By Maya Lindqvist, editor · March 3, 2025</p>
<div class="entry-content">
<p>When I started running in the Alps a decade ago, nobody carried poles and a waterproof jacket was a luxury.
Races now publish mandatory kit lists, and the gear has caught up with the terrain.</p>
<p>The biggest change is in footwear. Lugs got deeper and rubber compounds stickier; the
<a href="https://www.alpinetrailco.com/guides/choosing-trail-shoes">shoe-fitting guide from Alpine Trail Co</a>
explains better than any review why drop and stack height matter more on descents than on climbs.</p>
<p>Nutrition changed too. The research summarised by <a href="https://www.sportsnutrition-review.org/carbs">the sports nutrition review</a>
moved most of us from gels alone to real food on long days.</p>
<p>What has not changed is the mountain: weather turns fast, and the route card still matters more than the watch.</p>
</div></article>
<section id="comments" class="comments-area"><h2>3 comments</h2><ol class="comment-list">
<li id="comment-11" class="comment"><div class="comment-author"><a href="https://runnerbob.example.net" rel="external nofollow ugc">Bob</a></div>
<div class="comment-content"><p>Great read, I remember those days of cotton shirts.</p></div></li>
<li id="comment-12" class="comment"><div class="comment-author">cheap-shoes</div>
<div class="comment-content"><p>Nice post! Buy cheap trail shoes online at <a href="https://www.alpinetrailco.com/sale" rel="nofollow ugc">best trail running shoes cheap</a>, discount today only.</p></div></li>
</ol></section></main>
<footer class="site-footer"><p>© 2025 Summit Notes</p><a href="https://twitter.com/summitnotes">Twitter</a></footer></body></html>"""

GUEST = """<!doctype html><html lang="en"><head><meta charset="utf-8"><title>How to pick trail running shoes for rocky terrain | Outdoor Weekly</title>
<meta property="article:published_time" content="2025-04-14T09:00:00Z"></head>
<body><div id="wrapper"><div id="header"><a href="/">Outdoor Weekly</a>
<ul class="menu"><li><a href="/news/">News</a></li><li><a href="/gear/">Gear</a></li><li><a href="/events/">Events</a></li><li><a href="/write-for-us/">Write for us</a></li></ul></div>
<div id="content"><div class="post"><h2>How to pick trail running shoes for rocky terrain</h2>
<p class="meta">April 14, 2025 · by Tom Reyes · filed under <a href="/gear/">Gear</a></p>
<p class="guest-note"><em>This is a guest post written by Tom Reyes of Alpine Trail Co. Sponsored content.</em></p>
<div class="post-body">
<p>Rocky terrain punishes the wrong shoe. You want a protective rock plate, a grippy outsole and a snug heel,
because every loose stone on a descent tests all three at once.</p>
<p>If you are looking for the <a href="https://www.alpinetrailco.com/shoes">best trail running shoes</a> for scree and granite,
pick a model with a firm midsole and deep lugs, and try it on in the afternoon when your feet are larger.</p>
<p>Outsole rubber matters more than most buyers think. Softer compounds grip wet rock but wear quickly on
road sections; if your runs start from the front door, a harder rubber will last a season longer.</p>
<p>Replace them every 600 to 800 kilometres; foam loses its rebound long before the upper looks worn.</p>
</div>
<div class="author-box"><h4>About the author</h4><p>Tom Reyes is the marketing lead at
<a href="https://www.alpinetrailco.com/">Alpine Trail Co</a>, makers of trail running gear.</p></div>
</div></div>
<div id="sidebar"><h3>Write for us</h3><p>We accept guest posts.</p>
<h3>Recent posts</h3><ul><li><a href="/news/spring-race-calendar">Spring race calendar</a></li><li><a href="/gear/headlamps-tested">Headlamps tested</a></li></ul></div>
<div id="footer"><p>© 2025 Outdoor Weekly · <a href="/privacy/">Privacy</a></p></div></div></body></html>"""

CITIES = ["Denver, CO 80202", "Boulder, CO 80302", "Golden, CO 80401", "Aspen, CO 81611", "Vail, CO 81657",
          "Durango, CO 81301", "Fort Collins, CO 80521", "Estes Park, CO 80517", "Salida, CO 81201",
          "Telluride, CO 81435", "Breckenridge, CO 80424", "Leadville, CO 80461"]
SHOPS = ["Peak Performance Outfitters", "Granite Gear House", "Red Rocks Running", "Timberline Sports",
         "Aspen Ridge Outdoor", "Canyon Runner Supply", "Blue Spruce Athletics", "Alpine Trail Co",
         "Switchback Shoe Co", "High Country Trail Shop", "Mesa Track & Trail", "Summit Stride Store"]


def directory_page() -> str:
    rng = random.Random(7)
    cards = []
    for i, (shop, city) in enumerate(zip(SHOPS, CITIES)):
        site = "https://www.alpinetrailco.com" if shop == "Alpine Trail Co" else f"https://www.{shop.lower().replace(' ', '').replace('&', 'and')}.example"
        cards.append(f"""<div class="listing-card" itemscope itemtype="https://schema.org/LocalBusiness">
<h3 itemprop="name">{shop}</h3><p itemprop="address">{rng.randint(10, 999)} {rng.choice(['Main', 'Pine', 'Market', 'Elm'])} Street, {city}</p>
<p>Phone: <span itemprop="telephone">(303) 555-{rng.randint(1000, 9999)}</span> · Categories: Running, Outdoor gear</p>
<a class="website" href="{site}" rel="nofollow">Visit website</a></div>""")
    return f"""<!doctype html><html><head><meta charset="utf-8"><title>Running stores in Colorado - Business Directory</title></head>
<body><header><a href="/">LocalBiz Directory</a> <a href="/submit">Submit your business</a> <a href="/add-listing">Add listing</a></header>
<nav class="categories"><a href="/cat/sports">Sports</a> <a href="/cat/outdoor">Outdoor</a> <a href="/cat/health">Health</a></nav>
<main><h1>Running stores in Colorado</h1><p>12 listings in Sports &gt; Running. Claim your listing for free.</p>
<div class="listings">{''.join(cards)}</div>
<div class="pagination"><a href="?page=2">Next</a></div></main>
<footer><a href="/about">About the directory</a></footer></body></html>"""


SPAM = """<!doctype html><html><head><title>Cheap viagra online pharmacy | buy cialis no prescription | casino bonus</title></head>
<body><h1>Buy cheap viagra online - discount pharmacy</h1>
<p>Cheap viagra cheap cialis buy viagra online no prescription discount pharmacy. Best casino bonus slots poker
online casino free spins. Payday loans fast cash loans no credit check. Cheap viagra buy now discount.
Buy cheap trail running shoes <a href="https://www.alpinetrailco.com/shoes">trail running shoes cheap</a> buy now online
discount viagra pharmacy casino. <a href="https://casino-bonus-spins.example">casino bonus</a>
<a href="https://payday-fastloans.example">payday loans</a> <a href="https://rx-discount-meds.example">cheap cialis</a>
cheap viagra cheap cialis buy viagra online no prescription discount pharmacy cheap viagra.</p>
<div style="display:none"><a href="https://essay-writers-cheap.example">write my essay</a></div></body></html>"""


def farm_page() -> str:
    rng = random.Random(11)
    words = ["solar", "dental", "casino", "roofing", "yoga", "bitcoin", "wedding", "plumbing", "travel", "pets",
             "loans", "fashion", "garden", "insurance", "crypto", "vpn", "hosting", "bakery", "tattoo", "lawyer"]
    links = []
    for i in range(120):
        name = f"{rng.choice(words)}{rng.choice(['hub', 'pro', 'zone', 'world', 'experts', 'guide'])}{i}"
        links.append(f'<li><a href="https://www.{name}.example/">{name.title()}</a></li>')
    links.insert(57, '<li><a href="https://www.alpinetrailco.com/">Alpine Trail Co</a></li>')
    return f"""<!doctype html><html><head><title>Link Exchange - Our Partners and Resources</title></head>
<body><div id="main"><h1>Link partners</h1><p>Exchange links with us! Add our banner to your site and send us your link.
Reciprocal links only. Our partners and useful resources:</p>
<ul class="partners">{''.join(links)}</ul></div></body></html>"""


GONE_LINK = """<!doctype html><html><head><title>Spring gear roundup</title></head><body><article>
<h1>Spring gear roundup</h1><p>We tested a dozen jackets this spring; the list moved to our new site.</p>
</article></body></html>"""

PAGES = {
    "https://summitnotes.example.org/2025/03/ten-years-of-mountain-running": ARTICLE,
    "https://outdoorweekly.example.com/blog/rocky-terrain-trail-shoes": GUEST,
    "https://localbiz-directory.example.net/colorado/running-stores": directory_page(),
    "http://cheap-rx-pharma.example.info/buy-viagra-online.html": SPAM,
    "http://link-partners.example.biz/links.html": farm_page(),
    "https://gearblog.example.co.uk/spring-roundup": GONE_LINK,
}

ROWS = [
    ("https://summitnotes.example.org/2025/03/ten-years-of-mountain-running",
     "https://www.alpinetrailco.com/guides/choosing-trail-shoes", "shoe-fitting guide from Alpine Trail Co", "74", "12"),
    ("https://summitnotes.example.org/2025/03/ten-years-of-mountain-running",
     "https://www.alpinetrailco.com/sale", "best trail running shoes cheap", "74", "12"),
    ("https://outdoorweekly.example.com/blog/rocky-terrain-trail-shoes", "https://www.alpinetrailco.com/shoes",
     "best trail running shoes", "41", "9"),
    ("https://localbiz-directory.example.net/colorado/running-stores", "https://www.alpinetrailco.com",
     "Visit website", "35", "4"),
    ("http://cheap-rx-pharma.example.info/buy-viagra-online.html", "https://www.alpinetrailco.com/shoes",
     "trail running shoes cheap", "2", "0"),
    ("http://link-partners.example.biz/links.html", "https://www.alpinetrailco.com/", "Alpine Trail Co", "5", "1"),
    ("https://gearblog.example.co.uk/spring-roundup", "https://www.alpinetrailco.com/jackets", "spring jackets", "28", "3"),
    ("https://forum.example-runners.net/t/which-shoes/991", "https://www.alpinetrailco.com/", "alpinetrailco.com", "19", "0"),
]

#: what each row of ROWS is, per LABELS.md (None: the row cannot be judged: link missing, page not archived).
#: Written to labels.csv, a small labelled file for trying `linktriage train` / `evaluate`.
EXPECTED = ["editorial", "spam", "guest_post", "directory", "spam", "link_farm", None, None]


def write_warc(path: Path) -> None:
    with open(path, "wb") as stream:
        writer = WARCWriter(stream, gzip=True)
        for url, html in PAGES.items():
            body = html.encode("utf-8")
            headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8"),
                                                  ("Content-Length", str(len(body)))], protocol="HTTP/1.1")
            record = writer.create_warc_record(url, "response", payload=io.BytesIO(body), http_headers=headers,
                                               warc_headers_dict={"WARC-Date": "2025-06-01T12:00:00Z"})
            writer.write_record(record)


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    write_warc(OUT / "pages.warc.gz")
    with open(OUT / "backlinks.csv", "w", newline="", encoding="utf-8") as stream:
        out = csv.writer(stream)
        out.writerow(["source_url", "target_url", "anchor", "Domain rating", "UR"])
        out.writerows(ROWS)
    with open(OUT / "labels.csv", "w", newline="", encoding="utf-8") as stream:
        out = csv.writer(stream)
        out.writerow(["source_url", "target_url", "anchor", "label"])
        out.writerows([row[:3] + (label,) for row, label in zip(ROWS, EXPECTED) if label])
    print(f"wrote {OUT / 'pages.warc.gz'} ({len(PAGES)} pages), {OUT / 'backlinks.csv'} ({len(ROWS)} rows) "
          f"and {OUT / 'labels.csv'}")


if __name__ == "__main__":
    main()
