"""Directory recipes: invented business listings in many layouts (cards with schema.org microdata, phpLD link
entries, tables, definition lists, JSON-LD ItemList, single profile pages, bare "top N" catalogues)."""
from __future__ import annotations

import json

from .content import byline, paras
from .page import GENERIC, Page, esc
from .shells import render
from .text import Doc
from .world import Business, TRADES, slug


def _entries(p: Page, lo: int = 5, hi: int = 25) -> tuple[str, list[Business], set[int]]:
    trade = p.rng.choice(TRADES[p.lang])
    items = [p.world.business(p.lang, trade if p.rng.random() < 0.7 else None) for _ in range(p.rng.randint(lo, hi))]
    labelled = set(p.rng.sample(range(len(items)), min(3, len(items))))
    return trade, items, labelled


def _site_link(p: Page, b: Business, labelled: bool) -> str:
    anchor, image = p.anchor(b.url, brand=b.name, phrase=b.trade, weights=(3, 0, 0, 3, 3, 1))
    if anchor in GENERIC[p.lang] and p.rng.random() < 0.7 or p.rng.random() < 0.3:
        anchor = p.rng.choice([p.ui["website"], p.ui["visit"], anchor])
    return p.link(b.url, anchor, "directory" if labelled else None, image=image)


def _stars(p: Page, b: Business) -> str:
    return p.rng.choice([f'<span class="stars" aria-label="{b.rating} stars">{"★" * int(b.rating)}{"☆" * (5 - int(b.rating))}</span> <span class="count">({b.reviews} {esc(p.ui["reviews"])})</span>',
                         f'<div class="rating">{b.rating}/5 · {b.reviews} {esc(p.ui["reviews"])}</div>', ""])


def _title(p: Page, trade: str) -> str:
    city = p.rng.choice(["", p.world.business(p.lang).city])
    return f"{trade} {city}".strip() + p.rng.choice(["", f" – {p.ui['results']}", " | Directory", f" ({p.rng.randint(5, 300)})"])


def _chrome(p: Page) -> tuple[str, str]:
    ui, r = p.ui, p.rng
    cats = "".join(f'<li><a href="/category/{slug(t)}/">{esc(t)}</a> <span>({r.randint(3, 400)})</span></li>' for t in r.sample(TRADES[p.lang], 6))
    side = f'<div class="categories"><h3>{esc(ui["categories"])}</h3><ul>{cats}</ul></div>'
    top = r.choice([f'<p class="submit"><a href="/submit.php">{esc(ui["submit"])}</a> · <a href="/add-listing/">{esc(ui["add"])}</a></p>', f'<a class="btn" href="/add/">{esc(ui["add"])}</a>', ""])
    pager = f'<div class="pagination">{"".join(f"<a href=?page={i}>{i}</a> " for i in range(1, r.randint(2, 9)))}</div>'
    return side, top + "{}" + pager


def cards(p: Page, doc: Doc, titles: list[str]) -> str:
    trade, items, lab = _entries(p)
    micro = p.rng.random() < 0.6
    out = []
    for i, b in enumerate(items):
        ms = (' itemscope itemtype="https://schema.org/LocalBusiness"', ' itemprop="name"', ' itemprop="address"', ' itemprop="telephone"') if micro else ("", "", "", "")
        out.append(f'<li class="result-card"><div class="biz-card"{ms[0]}><h3 class="biz-name"><a href="/biz/{slug(b.name)}"{ms[1]}>{esc(b.name)}</a></h3>{_stars(p, b)}'
                   f'<span class="category">{esc(b.trade)}</span><address{ms[2]}>{esc(b.street)}, {esc(b.postcode)} {esc(b.city)}</address>'
                   f'<span class="phone"{ms[3]}>{esc(b.phone)}</span> {_site_link(p, b, i in lab)}</div></li>')
    side, frame = _chrome(p)
    return render(p, _title(p, trade), frame.format(f'<ul class="search-results">{"".join(out)}</ul>'), side=side, article=False)


def phpld(p: Page, doc: Doc, titles: list[str]) -> str:
    trade, items, lab = _entries(p)
    sentences = [s for d in doc.paragraphs for s in d.split(". ") if 30 < len(s) < 200] or [doc.title]
    out = []
    for i, b in enumerate(items):
        title_link = p.link(b.url, b.name, "directory" if i in lab else None, extra=' class="link" id="id_{}"'.format(p.uid + i))
        out.append(f'<div class="link_entry"><div class="link_title">{title_link}</div><p class="description">{esc(p.rng.choice(sentences))}</p>'
                   f'<span class="link_url">{esc(b.url)}</span> <span class="pr">PR: {p.rng.randint(0, 6)}</span> <a class="details" href="/detail/link-{p.uid + i}.html">Details</a></div>')
    side, frame = _chrome(p)
    return render(p, _title(p, trade), frame.format(f'<div id="links">{"".join(out)}</div>'), side=side, article=False)


def table(p: Page, doc: Doc, titles: list[str]) -> str:
    trade, items, lab = _entries(p)
    ui = p.ui
    rows = "".join(f'<tr><td class="name">{esc(b.name)}</td><td>{esc(b.street)}<br>{esc(b.postcode)} {esc(b.city)}</td><td>{esc(b.phone)}</td><td>{_site_link(p, b, i in lab)}</td></tr>'
                   for i, b in enumerate(items))
    cls = p.rng.choice(["list", "companies", "table table-striped", "dir-table"])
    side, frame = _chrome(p)
    body = f'<table class="{cls}"><thead><tr><th>Name</th><th>{esc(ui["address"])}</th><th>{esc(ui["phone"])}</th><th>{esc(ui["website"])}</th></tr></thead><tbody>{rows}</tbody></table>'
    return render(p, _title(p, trade), frame.format(body), side=side, article=False)


def deflist(p: Page, doc: Doc, titles: list[str]) -> str:
    trade, items, lab = _entries(p)
    out = "".join(f"<dt>{esc(b.name)}</dt><dd>{esc(b.street)}, {esc(b.city)} · {esc(p.ui['phone'])} {esc(b.phone)} · {_site_link(p, b, i in lab)}</dd>"
                  for i, b in enumerate(items))
    side, frame = _chrome(p)
    return render(p, _title(p, trade), frame.format(f'<dl class="{p.rng.choice(["companies", "entries", "firmen"])}">{out}</dl>'), side=side, article=False)


def jsonld(p: Page, doc: Doc, titles: list[str]) -> str:
    trade, items, lab = _entries(p)
    data = {"@context": "https://schema.org", "@type": "ItemList", "itemListElement": [
        {"@type": "ListItem", "position": i + 1, "item": {"@type": "LocalBusiness", "name": b.name, "telephone": b.phone, "url": b.url,
                                                           "address": {"@type": "PostalAddress", "streetAddress": b.street, "addressLocality": b.city, "postalCode": b.postcode}}}
        for i, b in enumerate(items)]}
    head = f'<script type="application/ld+json">{json.dumps(data, ensure_ascii=False)}</script>'
    out = "".join(f'<div class="listing-item col-sm-6"><div class="listing-body"><h4>{esc(b.name)}</h4><p>{esc(b.street)}, {esc(b.city)}</p>'
                  f'<p><i class="icon-phone"></i> {esc(b.phone)}</p>{_stars(p, b)}<p>{_site_link(p, b, i in lab)}</p></div></div>'
                  for i, b in enumerate(items))
    side, frame = _chrome(p)
    return render(p, _title(p, trade), frame.format(f'<div class="row listings">{out}</div>'), side=side, article=False, extra_head=head)


def profile(p: Page, doc: Doc, titles: list[str]) -> str:
    """One business's page on a listing platform: a single website link among address, hours and reviews."""
    b = p.world.business(p.lang)
    ui, r = p.ui, p.rng
    hours = "".join(f"<tr><td>{d}</td><td>{r.choice(['08:00–18:00', '09:00–17:30', '10:00–20:00', '—'])}</td></tr>" for d in ("Mo", "Tu", "We", "Th", "Fr", "Sa"))
    sentences = [s for d in doc.paragraphs for s in d.split(". ") if 30 < len(s) < 200]
    reviews = "".join(f'<div class="review"><strong>{esc(p.world.person(p.lang))}</strong> {"★" * r.randint(2, 5)}<p>{esc(s)}</p></div>' for s in r.sample(sentences, min(len(sentences), r.randint(0, 4))))
    similar = "".join(f'<li><a href="/biz/{slug(p.world.business(p.lang).name)}">{esc(p.world.person(p.lang))} {esc(b.trade)}</a></li>' for _ in range(r.randint(2, 6)))
    body = (f'<div class="biz-profile" itemscope itemtype="https://schema.org/LocalBusiness"><h2 itemprop="name">{esc(b.name)}</h2>{_stars(p, b)}'
            f'<dl class="biz-details"><dt>{esc(ui["address"])}</dt><dd itemprop="address">{esc(b.street)}, {esc(b.postcode)} {esc(b.city)}</dd>'
            f'<dt>{esc(ui["phone"])}</dt><dd itemprop="telephone">{esc(b.phone)}</dd><dt>{esc(ui["website"])}</dt><dd>{_site_link(p, b, True)}</dd></dl>'
            f'<h3>{esc(ui["hours"])}</h3><table class="hours">{hours}</table><div class="reviews">{reviews}</div>'
            f'<div class="similar"><h3>{esc(ui["more"])}</h3><ul>{similar}</ul></div></div>')
    return render(p, f"{b.name} – {b.city}", body, article=False)


def catalogue(p: Page, doc: Doc, titles: list[str]) -> str:
    """A bare "top N companies" catalogue in a blog: one line and a website link per entry, no discussion."""
    trade, items, lab = _entries(p, 5, 20)
    out = "".join(f"<li><strong>{esc(b.name)}</strong> – {esc(b.city)}, {esc(b.phone)} – {_site_link(p, b, i in lab)}</li>" for i, b in enumerate(items))
    intro = "".join(f"<p>{esc(x)}</p>" for x in paras(p, doc, 0, 1))
    return render(p, f"Top {len(items)} {trade} {items[0].city}", intro + f"<ol>{out}</ol>", byline=byline(p), titles=titles)


_FACTS = {"en": ("Location", "Founded", "Team size", "Services", "Rating", "Pricing"),
          "de": ("Standort", "Gegründet", "Mitarbeiter", "Leistungen", "Bewertung", "Preise")}
_BLURBS = {"en": ("{name} is a {trade} company based in {city}.", "Founded in {year}, {name} works with clients in {city}.",
                  "{name} offers {trade} services for small and mid-sized businesses.",
                  "Known for quick replies and fair prices.", "The team has {years} years of experience."),
           "de": ("{name} ist ein Unternehmen für {trade} mit Sitz in {city}.", "{name} wurde {year} gegründet.",
                  "{name} bietet {trade} für kleine und mittlere Unternehmen.", "Bekannt für schnelle Antworten.",
                  "Das Team hat {years} Jahre Erfahrung.")}


def ranked_catalogue(p: Page, doc: Doc, titles: list[str]) -> str:
    """A "top N companies" post whose entries are titled by the company's name, linked to its website (or followed
    by a "Visit website" button), then a few facts or a stock blurb: an agency ranking, a brand-rating list. A
    catalogue, not a discussion (LABELS.md: directory); top_n_prose is the discussed kind."""
    r = p.rng
    trade, items, lab = _entries(p, 5, 25)
    tag, numbered = r.choice(["h2", "h3", "h3", "h4"]), r.random() < 0.5
    style, button = r.choice(["facts", "blurb", "both"]), r.random() < 0.3
    wrapper = r.choice(["", "", '<div class="card company">', '<article class="entry">', '<section class="listing-item">'])
    facts_layout = r.choice(["ul", "p", "dl"])
    names, blurbs = _FACTS.get(p.lang, _FACTS["en"]), _BLURBS.get(p.lang, _BLURBS["en"])
    out = []
    for i, b in enumerate(items):
        label = "directory" if i in lab else None
        number = f"{i + 1}. " if numbered else ""
        name = esc(b.name) if button else p.link(b.url, b.name, label)
        entry = [f"<{tag}>{number}{name}</{tag}>"]
        year = r.randint(1985, 2022)
        values = [b.city, str(year), r.choice(["2-10", "11-50", "51-200", "200+"]),
                  f"{b.trade}, {r.choice(TRADES[p.lang])}", f"{b.rating}/5 ({b.reviews})", r.choice(["$", "$$", "$$$", "on request"])]
        shown = [(n, v) for n, v in zip(names, values) if r.random() < 0.7]
        if style in ("facts", "both") and shown:
            if facts_layout == "ul":
                entry.append("<ul>" + "".join(f"<li><strong>{esc(n)}:</strong> {esc(v)}</li>" for n, v in shown) + "</ul>")
            elif facts_layout == "p":
                entry.append("<p>" + " | ".join(f"<b>{esc(n)}:</b> {esc(v)}" for n, v in shown) + "</p>")
            else:
                entry.append("<dl>" + "".join(f"<dt>{esc(n)}</dt><dd>{esc(v)}</dd>" for n, v in shown) + "</dl>")
        if style in ("blurb", "both"):
            sentences = r.sample(blurbs, r.randint(1, 2))
            entry.append("<p>" + esc(" ".join(t.format(name=b.name, trade=b.trade, city=b.city, year=year,
                                                        years=r.randint(3, 30)) for t in sentences)) + "</p>")
        if button:
            entry.append("<p>" + p.link(b.url, p.ui["visit"], label, extra=' class="btn button"') + "</p>")
        closing = f"</{wrapper[1:].split()[0]}>" if wrapper else ""
        out.append(wrapper + "".join(entry) + closing)
    intro = "".join(f"<p>{esc(x[:300])}</p>" for x in paras(p, doc, 1, 2))
    title = r.choice([f"Top {len(items)} {trade} {items[0].city}", f"{len(items)} best {trade} companies",
                      f"The {len(items)} top {trade} agencies"])
    return render(p, title, intro + "".join(out), byline=byline(p), titles=titles)


def resource_list(p: Page, doc: Doc, titles: list[str]) -> str:
    """A thin catalogue on an ordinary site ("Useful links", a library's sites on a subject): grouped entries, each
    a name and at most a few words, one website link each, no phones, no addresses, no discussion."""
    r = p.rng
    # one subject per group and few groups: a catalogue of one kind of site (dozens of unrelated sites would be a
    # link farm's "links" page, LABELS.md)
    groups = [(trade, r.randint(3, 12)) for trade in r.sample(TRADES[p.lang], r.randint(1, 2))]
    size = sum(n for _, n in groups)
    labelled = set(r.sample(range(size), min(3, size)))
    out, i = [], 0
    for trade, n in groups:
        entries = []
        for _ in range(n):
            b = p.world.business(p.lang, trade)
            anchor = b.name if r.random() < 0.75 else b.url.split("/")[2]
            note = r.choice(["", "", f" – {b.trade}", f" ({b.city})", f", {b.city}"])
            entries.append(f"<li>{p.link(b.url, anchor, 'directory' if i in labelled else None)}{esc(note)}</li>")
            i += 1
        heading = r.choice([f"<h2>{esc(trade)}</h2>", f"<h3>{esc(trade)}</h3>", f"<p><strong>{esc(trade)}</strong></p>"])
        out.append(heading + f'<ul class="{r.choice(["links", "linklist", "wp-block-list", "resources", ""])}">{"".join(entries)}</ul>')
    intro = "".join(f"<p>{esc(x[:220])}</p>" for x in paras(p, doc, 0, 1))
    title = r.choice([f"{p.ui['links']}: {groups[0][0]}", f"{p.ui['resources']}: {groups[0][0]}", groups[0][0]])
    return render(p, title, intro + "".join(out), titles=titles, article=r.random() < 0.5)


def stockists(p: Page, doc: Doc, titles: list[str]) -> str:
    """A brand's or association's list of stockists, members or partner organisations: name, town and a website
    link per entry (a table, a plain list or a logo grid), none of them discussed."""
    r = p.rng
    trade, items, lab = _entries(p, 5, 30)
    items = [p.world.business(p.lang, trade) for _ in items]  # one trade: a coherent list, not a link farm's
    layout = r.choice(["table", "list", "logos"])
    if layout == "table":
        rows = "".join(f"<tr><td>{esc(b.name)}</td><td>{esc(b.city)}</td><td>{_site_link(p, b, i in lab)}</td></tr>"
                       for i, b in enumerate(items))
        body = f'<table class="{r.choice(["stockists", "members", "partners", ""])}"><tbody>{rows}</tbody></table>'
    elif layout == "list":
        body = "<ul>" + "".join(f"<li>{p.link(b.url, b.name, 'directory' if i in lab else None)} – {esc(b.city)}</li>"
                                for i, b in enumerate(items)) + "</ul>"
    else:
        body = '<div class="logo-grid">' + "".join(
            f'<div class="logo">{p.link(b.url, b.name, "directory" if i in lab else None, image=True)}</div>'
            for i, b in enumerate(items)) + "</div>"
    intro = "".join(f"<p>{esc(x[:200])}</p>" for x in paras(p, doc, 0, 1))
    return render(p, r.choice([f"{p.ui['partners']} – {trade}", f"{trade} {items[0].city}", trade]), intro + body,
                  titles=titles, article=False)
