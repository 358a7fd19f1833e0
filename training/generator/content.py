"""Article recipes: editorial pages (hard negatives) and guest / sponsored posts, on real corpus text.

Labels follow LABELS.md: in-body links placed by the editors are editorial; links inside contributed or paid
content (byline or disclosure, author bio) are guest_post; comment links are spam; big blogrolls, footer and
sidebar link blocks to unrelated commercial sites are link_farm.
"""
from __future__ import annotations

import re

from .page import Page, esc
from .shells import ad, render
from .text import Doc
from .world import BIO, COMMENTS, GUEST_MARKERS, NICHES, SPAM_NICHES, UI, slug

_SENT = re.compile(r"(?<=[.!?])\s+")


def paras(p: Page, doc: Doc, lo: int, hi: int) -> list[str]:
    n = min(len(doc.paragraphs), p.rng.randint(lo, hi))
    start = p.rng.randint(0, max(0, len(doc.paragraphs) - n))
    return list(doc.paragraphs[start:start + n])


def wrap_words(p: Page, text: str, url: str, label: str | None, rel: str | None = None) -> str:
    """Paragraph HTML with a 2-4 word span of its own text turned into the link (an in-context anchor)."""
    words = text.split(" ")
    if len(words) < 8:
        return esc(text) + " " + p.link(url, p.rng.choice(["source", "here", url.split("/")[2]]), label, rel)
    n = p.rng.randint(2, 4)
    i = p.rng.randrange(0, len(words) - n)
    anchor = " ".join(words[i:i + n]).strip(",.;:()\"'")
    if len(anchor) < 4:
        anchor = " ".join(words[i:i + n])
    return f'{esc(" ".join(words[:i]))} {p.link(url, anchor, label, rel)} {esc(" ".join(words[i + n:]))}'


def append_link(p: Page, text: str, link_html: str) -> str:
    sentences = _SENT.split(text)
    k = p.rng.randint(1, len(sentences))
    return esc(" ".join(sentences[:k])) + " " + link_html + " " + esc(" ".join(sentences[k:]))


def body_html(p: Page, parts: list[str], escaped: set[int] = frozenset(), ads: bool = True) -> str:
    out = []
    for i, text in enumerate(parts):
        out.append(f"<p>{text if i in escaped else esc(text)}</p>")
        if ads and i == len(parts) // 2 and p.rng.random() < 0.3:
            out.append(ad(p))
        if p.rng.random() < 0.08:
            out.append(f"<h2>{esc(text.split('.')[0][:70])}</h2>")
    return "".join(out)


def byline(p: Page, author: str | None = None) -> str:
    r = p.rng
    author = author or p.world.person(p.lang)
    date = f"{r.randint(2008, 2025)}-{r.randint(1, 12):02d}-{r.randint(1, 28):02d}"
    return r.choice([f'<span class="byline">{esc(p.ui["posted"])} <span class="author vcard"><a class="url fn n" href="/author/{slug(author)}/">{esc(author)}</a></span></span> <time datetime="{date}">{date}</time>',
                     f'<span class="author" itemprop="author">{esc(author)}</span> · <time>{date}</time>',
                     f'<p class="meta">{date} · {esc(author)}</p>', f"<time>{date}</time>"])


def link_paragraphs(p: Page, parts: list[str], times: int, link, skip: set[int] = frozenset()) -> set[int]:
    """Draw a paragraph of ``parts`` ``times`` times and give each drawn one a link, ``link(text)`` writing its HTML (a
    paragraph drawn twice, or in ``skip``, is left as it is); returns the indexes now holding HTML."""
    done: set[int] = set()
    for _ in range(times):
        i = p.rng.randrange(len(parts))
        if i in done or i in skip:
            continue
        parts[i] = link(parts[i])
        done.add(i)
    return done


def editorial_links(p: Page, parts: list[str], label: str | None = "editorial", skip: set[int] = frozenset()) -> set[int]:
    """Turn 1-3 paragraphs into ones that cite an outside source; returns the indexes now holding HTML."""
    def cite(text: str) -> str:
        url = p.world.org_url(p.lang)
        if p.rng.random() < 0.7:
            return wrap_words(p, text, url, label)
        anchor, image = p.anchor(url, brand=url.split("/")[2].split(".")[0].replace("-", " ").title())
        return append_link(p, text, p.link(url, anchor, label, image=image))

    return link_paragraphs(p, parts, p.rng.randint(1, 3), cite, skip)


def comment_section(p: Page, n: int | None = None, spam_share: float = 0.7) -> str:
    """Comments in the markup of the site's CMS; links in them (author URL or text) are spam."""
    r, lang = p.rng, p.lang
    items = []
    for k in range(n if n is not None else r.randint(1, 8)):
        who = p.world.person(lang) if r.random() < 0.5 else r.choice(r.choice(NICHES + SPAM_NICHES)[0]).title()
        text = esc(r.choice(COMMENTS[lang]))
        author = esc(who)
        if r.random() < spam_share:
            niche = r.choice(NICHES + SPAM_NICHES)
            phrase = r.choice(niche[0])
            url = p.world.commercial_url(niche[1], phrase)
            if r.random() < 0.6:
                author = p.link(url, who, "spam", extra=' class="url"')
            else:
                anchor, image = p.anchor(url, phrase=phrase, weights=(1, 4, 2, 1, 2, 0))
                text += " " + p.link(url, anchor, "spam")
        date = f"{r.randint(1, 28)}/{r.randint(1, 12)}/{r.randint(2009, 2025)}"
        cms = p.site.cms
        if cms in ("wp_classic", "wp_block", "bootstrap"):
            items.append(f'<li id="comment-{p.uid + k}" class="comment even thread-even depth-1"><article class="comment-body"><footer class="comment-meta">'
                         f'<div class="comment-author vcard"><b class="fn">{author}</b> <span class="says">{esc(p.ui["said"])}:</span></div>'
                         f'<div class="comment-metadata"><time>{date}</time></div></footer><div class="comment-content"><p>{text}</p></div>'
                         f'<div class="reply"><a class="comment-reply-link" href="#respond">{esc(p.ui["reply"])}</a></div></article></li>')
        elif cms == "blogger":
            items.append(f'<li class="comment" id="c{p.uid + k}"><div class="avatar-image-container"><img src="/img/blank.gif"></div>'
                         f'<div class="comment-block"><div class="comment-header"><cite class="user">{author}</cite><span class="datetime">{date}</span></div>'
                         f'<p class="comment-content">{text}</p></div></li>')
        elif cms == "table_static":
            items.append(f'<tr><td class="gbentry"><b>{author}</b> ({date})<br>{text}</td></tr>')
        else:
            items.append(f'<div class="post-message" data-role="message"><div class="author-name">{author}</div><time>{date}</time><div class="msg">{text}</div></div>')
    title = f'<h2 class="comments-title">{len(items)} {esc(p.ui["comments"])}</h2>'
    cms = p.site.cms
    if cms in ("wp_classic", "wp_block", "bootstrap"):
        form = f'<div id="respond" class="comment-respond"><h3 id="reply-title">{esc(p.ui["leave"])}</h3><form id="commentform"><textarea name="comment"></textarea><input name="url" placeholder="{esc(p.ui["website"])}"></form></div>'
        return f'<div id="comments" class="comments-area">{title}<ol class="comment-list">{"".join(items)}</ol>{form}</div>'
    if cms == "blogger":
        return f'<div class="comments-content"><h4>{title}</h4><div class="comment-thread"><ol>{"".join(items)}</ol></div></div>'
    if cms == "table_static":
        return f'<h3>Guestbook</h3><table class="guestbook" border="1">{"".join(items)}</table>'
    return f'<div id="disqus_thread"><div class="posts-list">{title}{"".join(items)}</div></div>'


def farm_block(p: Page, where: str) -> str:
    """A block of dozens of unrelated commercial links: sitewide blogroll, footer partners or sponsored widget."""
    r, ui = p.rng, p.ui
    n = {"blogroll": r.randint(20, 120), "footer": r.randint(8, 40), "widget": r.randint(5, 14)}[where]
    k = r.sample(range(n), min(n, 3))
    links = []
    for i in range(n):
        niche = r.choice(NICHES + SPAM_NICHES[:2]) if where != "blogroll" or r.random() < 0.6 else r.choice(NICHES)
        url = p.world.commercial_url(niche[1])
        name = r.choice([r.choice(niche[0]).title(), url.split("/")[2].split(".")[0].replace("-", " ").title(), url.split("/")[2]])
        links.append(p.link(url, name, "link_farm" if i in k else None))
    if where == "blogroll":
        head = r.choice(["Blogroll", ui["links"], ui["partners"], "Friends", "Links"])
        items = "".join(f"<li>{a}</li>" for a in links)
        if p.site.cms == "blogger":
            return f'<div class="widget LinkList" id="LinkList{r.randint(1, 9)}"><h2>{esc(head)}</h2><div class="widget-content"><ul>{items}</ul></div></div>'
        return f'<section id="linkcat-{r.randint(2, 9)}" class="widget widget_links"><h2 class="widget-title">{esc(head)}</h2><ul class="xoxo blogroll">{items}</ul></section>'
    if where == "footer":
        sep = r.choice([" | ", " · ", ", ", " "])
        return f'<div class="{r.choice(["footer-links", "partners", "friends-links", "bottom-links"])}"><strong>{esc(r.choice([ui["partners"], ui["links"], "Partners", "Friends"]))}:</strong> {sep.join(links)}</div>'
    items = "".join(f"<li>{a}</li>" for a in links)
    return f'<div class="widget {r.choice(["sponsored-links", "widget_text", "partner-widget"])}"><h3>{esc(r.choice([ui["sponsored"], ui["partners"], "Sponsors"]))}</h3><ul>{items}</ul></div>'


def _extras(p: Page, comments: bool = True) -> dict:
    """Sitewide blocks the site carries: comments, blogroll, footer partners, sponsored widget."""
    f, out = p.site.flags, {"comments": "", "side": "", "footer_extra": ""}
    if comments and f.get("comments") and p.rng.random() < 0.7:
        out["comments"] = comment_section(p, spam_share=p.rng.choice([0.0, 0.3, 0.8]))
    if f.get("blogroll"):
        out["side"] = farm_block(p, "blogroll")
    if f.get("footer_farm"):
        out["footer_extra"] = farm_block(p, "footer")
    if f.get("widget"):
        out["side"] += farm_block(p, "widget")
    if not f.get("blogroll") and p.rng.random() < 0.3:  # a short related blogroll: unclear, so left unlabelled
        out["side"] += "<h3>Blogroll</h3><ul>" + "".join(f"<li>{p.link(p.world.org_url(p.lang), p.world.brand(), None, '')}</li>" for _ in range(p.rng.randint(2, 4))) + "</ul>"
    return out


def article(p: Page, doc: Doc, titles: list[str]) -> str:
    parts = paras(p, doc, 3, 14)
    label = "editorial" if p.recipe == "article" or p.rng.random() < 0.5 else None
    done = editorial_links(p, parts, label)
    extras = _extras(p)
    if p.rng.random() < 0.06:  # a sitewide "some links are affiliate links" line: the article's citations stay editorial
        extras["footer_extra"] += f'<p class="site-disclaimer"><small>{esc(p.rng.choice(AFFILIATE_NOTES[p.lang]))}</small></p>'
    return render(p, doc.title, body_html(p, parts, done), byline=byline(p), titles=titles, **extras)


def short_post(p: Page, doc: Doc, titles: list[str]) -> str:
    """A short blog post or news brief (one to three paragraphs, often cut to a few sentences) that names a shop, a
    product or a source in passing: the editors' own link, editorial. Without it the only short articles generated
    were PBN pages (two to four paragraphs), and the model called the one link of a short real post link_farm."""
    r = p.rng
    parts = paras(p, doc, 1, 3)
    if r.random() < 0.6:
        parts = [" ".join(_SENT.split(text)[: r.randint(1, 3)]) for text in parts]

    def mention(text: str) -> str:
        if r.random() < 0.55:  # a business or product, mostly by its name
            brand = p.world.brand()
            url = f"https://{p.world.domain(brand)}/" + r.choice(["", "", "shop/", "products/", "about/",
                                                                   f"store/{r.randint(1, 99)}"])
            anchor, image = p.anchor(url, brand=brand, weights=(7, 0, 1, 1, 2, 1))
            return append_link(p, text, p.link(url, anchor, "editorial", image=image))
        return wrap_words(p, text, p.world.org_url(p.lang), "editorial")

    done = link_paragraphs(p, parts, r.choice([1, 1, 1, 2]), mention)
    by = byline(p) if r.random() < 0.7 else ""
    return render(p, doc.title, body_html(p, parts, done, ads=r.random() < 0.5), byline=by, titles=titles,
                  **_extras(p))


def resources_editorial(p: Page, doc: Doc, titles: list[str]) -> str:
    """An editor's curated "further reading" list inside the article, each entry discussed in a sentence."""
    parts = paras(p, doc, 2, 5)
    sentences = [s for d in parts for s in _SENT.split(d) if 40 < len(s) < 260] or parts
    items = []
    for _ in range(p.rng.randint(3, 7)):
        url = p.world.org_url(p.lang)
        name = url.split("/")[2].split(".")[0].replace("-", " ").title()
        items.append(f"<li>{p.link(url, name, 'editorial')}: {esc(p.rng.choice(sentences))}</li>")
    body = body_html(p, parts) + f'<h2>{esc(p.ui["further"])}</h2><ul>{"".join(items)}</ul>'
    return render(p, doc.title, body, byline=byline(p), titles=titles, **_extras(p))


def review(p: Page, doc: Doc, titles: list[str]) -> str:
    r = p.rng
    brand = p.world.brand()
    url = f"https://{p.world.domain(brand)}/{r.choice(['', 'products/', 'shop/model-' + str(r.randint(1, 99))])}"
    parts = paras(p, doc, 3, 9)
    i = r.randrange(len(parts))
    anchor, image = p.anchor(url, brand=brand, phrase=f"{brand} {r.choice(['X2', 'Pro', 'One', 'Air'])}", weights=(5, 2, 2, 1, 1, 1))
    parts[i] = append_link(p, parts[i], p.link(url, anchor, "editorial", image=image))
    stars = f'<div class="review-rating" itemprop="reviewRating" itemscope itemtype="https://schema.org/Rating"><span itemprop="ratingValue">{r.randint(5, 10) / 2}</span>/5</div>'
    pros = "".join(f"<li>{esc(s[:80])}</li>" for s in r.sample(list(doc.paragraphs), min(3, len(doc.paragraphs))))
    body = stars + body_html(p, parts, {i}) + f'<div class="pros-cons"><h3>+ / −</h3><ul>{pros}</ul></div>'
    return render(p, f"{brand}: {doc.title}"[:120], body, byline=byline(p), titles=titles, **_extras(p))


def top10_prose(p: Page, doc: Doc, titles: list[str]) -> str:
    """A "best N" article that discusses each entry in prose: editorial by LABELS.md."""
    r = p.rng
    sentences = [s for d in doc.paragraphs for s in _SENT.split(d) if 40 < len(s) < 300]
    sections = []
    n = r.randint(3, 8)
    for k in range(n):
        b = p.world.business(p.lang)
        text = " ".join(r.sample(sentences, min(len(sentences), r.randint(2, 4))))
        if r.random() < 0.4:  # the name itself linked, as catalogues do: the discussion still makes it editorial
            sections.append(f"<h2>{k + 1}. {p.link(b.url, b.name, 'editorial')}</h2><p>{esc(text)}</p>")
            continue
        anchor, image = p.anchor(b.url, brand=b.name, phrase=b.trade, weights=(5, 1, 1, 2, 2, 1))
        sections.append(f"<h2>{k + 1}. {esc(b.name)}</h2><p>{esc(text)}</p><p>{p.link(b.url, anchor, 'editorial', image=image)}</p>")
    intro = body_html(p, paras(p, doc, 1, 2))
    return render(p, f"{n} × {doc.title}"[:120], intro + "".join(sections), byline=byline(p), titles=titles, **_extras(p))


def _money_links(p: Page, parts: list[str], phrases: list[str], niche_slug: str, brand: str,
                 weights: tuple[int, ...], rels: list[str] | None = None) -> set[int]:
    """One to three commercial links, each in a different paragraph of ``parts``; the paragraphs' indexes."""
    def sell(text: str) -> str:
        phrase = p.rng.choice(phrases)
        url = p.world.commercial_url(niche_slug, phrase)
        anchor, image = p.anchor(url, brand=brand, phrase=phrase, weights=weights)
        rel = p.rng.choice(rels) if rels else None
        return append_link(p, text, p.link(url, anchor, "guest_post", rel=rel, image=image))

    return link_paragraphs(p, parts, p.rng.randint(1, 3), sell)


def guest_article(p: Page, doc: Doc, titles: list[str]) -> str:
    """Contributed or paid content: a disclosure somewhere, commercial links in the body, an author bio."""
    r, lang = p.rng, p.lang
    author, company = p.world.person(lang), p.world.brand() + r.choice([" Media", " Digital", " Group", " Solutions", ""])
    marker = r.choice(GUEST_MARKERS[lang] + (GUEST_MARKERS["en"] if r.random() < 0.2 else [])).format(a=author, c=company)
    phrases, niche_slug = r.choice(NICHES)
    parts = paras(p, doc, 3, 10)
    done = _money_links(p, parts, phrases, niche_slug, company, weights=(2, 5, 3, 1, 1, 0))
    if r.random() < 0.15:  # an ordinary citation inside a guest post is still the contributor's: left unlabelled
        done |= editorial_links(p, parts, None, done)
    body = body_html(p, parts, done)
    company_url = p.world.commercial_url(niche_slug)
    bio_text = esc(BIO[lang].format(a=author, c=company, t=r.choice(phrases)))
    variant = r.randrange(4)
    if variant == 0:
        bio = f'<div class="author-box"><img src="/img/avatar.jpg" alt="{esc(author)}"><h4>{esc(author)}</h4><p>{bio_text} {p.link(company_url, company, "guest_post")}</p></div>'
    elif variant == 1:
        bio = f'<div class="about-author"><p><strong>{esc(author)}</strong> – {bio_text}</p><p>{p.link(company_url, company_url.split("/")[2], "guest_post")}</p></div>'
    elif variant == 2:
        bio = f'<p class="author-bio"><em>{bio_text} {p.link(company_url, r.choice(GUEST_LINK_TEXT[lang]), "guest_post")}</em></p>'
    else:
        bio = ""
    where = r.random()
    note = f'<div class="{r.choice(["guest-note", "disclosure", "sponsored-label", "post-note"])}"><em>{esc(marker)}</em></div>'
    by = byline(p, author)
    if where < 0.35:
        body = note + body
    elif where < 0.6:
        by = f"{by} <span class=\"label\">{esc(marker)}</span>"
    elif where < 0.85:
        body = body + note
    else:
        body = body + f'<p class="tags">Tags: {esc(r.choice(["Guest Post", "Gastbeitrag", "Sponsored", UI[lang]["sponsored"]]))}</p>'
    return render(p, doc.title, body + bio, byline=by, titles=titles, **_extras(p))


GUEST_LINK_TEXT = {"en": ["Visit our website", "Learn more"], "de": ["Zur Website", "Mehr erfahren"],
                   "fr": ["Visitez notre site", "En savoir plus"], "es": ["Visita nuestra web", "Más información"],
                   "it": ["Visita il sito", "Scopri di più"], "nl": ["Bezoek onze site", "Meer weten"],
                   "pt": ["Visite o nosso site", "Saiba mais"]}


def sponsored_news(p: Page, doc: Doc, titles: list[str]) -> str:
    """A paid article on a news site: "sponsored" / "partner content" box, rel=sponsored more often than not."""
    r = p.rng
    company = p.world.brand()
    phrases, niche_slug = r.choice(NICHES)
    parts = paras(p, doc, 3, 8)
    done = _money_links(p, parts, phrases, niche_slug, company, weights=(4, 3, 2, 1, 1, 1),
                        rels=["sponsored", "sponsored noopener", "nofollow", ""])
    label = r.choice([p.ui["sponsored"], "Partner content", "Paid post", "Advertorial", "Brand story"])
    box = f'<div class="{r.choice(["sponsored-banner", "paid-content-label", "partner-tag"])}">{esc(label)} · {esc(company)}</div>'
    return render(p, doc.title, box + body_html(p, parts, done), byline=byline(p, company), titles=titles, **_extras(p))


# How a page says it earns from its links (the phrases page_affiliate_note looks for, in each language).
AFFILIATE_NOTES = {
    "en": ["This post contains affiliate links. If you buy through them, we may earn a commission at no extra cost to you.",
           "As an Amazon Associate I earn from qualifying purchases.",
           "Links marked with * are affiliate links.", "We may earn a commission when you buy through links on this page.",
           "Disclosure: some of the links below are affiliate links."],
    "de": ["Dieser Artikel enthält Affiliate-Links.", "Die mit Sternchen (*) gekennzeichneten Links sind Affiliate-Links.",
           "*Werbung: Dieser Beitrag enthält Affiliate-Links.", "Als Amazon-Partner verdiene ich an qualifizierten Verkäufen.",
           "Alle mit einem Stern gekennzeichneten Links sind Provisions-Links."],
    "fr": ["Cet article contient des liens d'affiliation.", "Les liens affiliés sont marqués d'un astérisque (*)."],
    "es": ["Este artículo contiene enlaces de afiliado.", "Los enlaces de afiliado están marcados con un asterisco (*)."],
    "it": ["Questo articolo contiene link di affiliazione.", "I link affiliati sono contrassegnati da un asterisco (*)."],
    "nl": ["Dit artikel bevat affiliate links.", "Links met een * zijn affiliatie-links."],
    "pt": ["Este artigo contém links de afiliado.", "Os links de afiliado estão marcados com um asterisco (*)."],
}
_BUY = {"en": ["Check price", "View on shop", "Buy now"], "de": ["Jetzt ansehen", "Zum Shop", "Preis prüfen"],
        "fr": ["Voir le prix", "Voir la boutique"], "es": ["Ver precio", "Ver en la tienda"],
        "it": ["Vedi prezzo", "Vai al negozio"], "nl": ["Bekijk prijs", "Naar de winkel"], "pt": ["Ver preço", "Ver na loja"]}


def _affiliate_url(p: Page, product: str) -> str:
    """A shop's product page as affiliate programmes hand it out: with the blog's partner tag, or plain (cloaked and
    shortened links, and shops that track by cookie, show no tag)."""
    r = p.rng
    shop = p.world.domain(p.world.brand(), r.choice(["shop", "store", ""]))
    url = f"https://{shop}/{r.choice(['product', 'p', 'dp', 'artikel', 'item'])}/{slug(product)}"
    partner = slug(p.site.domain.split(".")[0])[:12] or "blog"
    return r.choice([f"{url}?tag={partner}-21", f"{url}?ref={partner}", f"{url}?aff_id={r.randint(100, 99999)}",
                     f"{url}?utm_medium=affiliate&utm_source={partner}", url, url])


def affiliate_post(p: Page, doc: Doc, titles: list[str]) -> str:
    """A buying guide or gift guide by the site's own writer whose product links earn a commission: "affiliate content
    without an outside author is guest_post (paid placement)" (LABELS.md). The disclosure sits at the top, at the
    bottom or in small print; German sites star the links; rel="sponsored" on a minority (the dev set's affiliate
    guides mostly carry none)."""
    r, lang = p.rng, p.lang
    parts = paras(p, doc, 3, 10)
    starred = r.random() < (0.5 if lang == "de" else 0.15)
    rel = r.choices(["", "sponsored", "nofollow sponsored", "nofollow", "noopener"], (9, 4, 2, 4, 1))[0]

    def product_link(text: str) -> str:
        product = f"{p.world.brand()} {r.choice(['X2', 'Pro', 'One', 'Air', 'Mini', '3000', 'Classic'])}"
        url = _affiliate_url(p, product)
        anchor = product if r.random() < 0.7 else r.choice(_BUY[lang])
        link = p.link(url, anchor + ("*" if starred and r.random() < 0.6 else ""), "guest_post", rel=rel or None)
        return append_link(p, text, link + (" (*)" if starred and "*" not in link else ""))

    done = link_paragraphs(p, parts, r.randint(1, 4), product_link)
    body = body_html(p, parts, done)
    if r.random() < 0.4:  # a product box after the text, as affiliate plugins draw it
        product = f"{p.world.brand()} {r.choice(['Set', 'Kit', 'Deluxe', 'Basic'])}"
        button = p.link(_affiliate_url(p, product), r.choice(_BUY[lang]) + ("*" if starred else ""), "guest_post",
                        rel=rel or None, extra=' class="button"')
        body += (f'<div class="{r.choice(["product-box", "aawp-product", "affiliate-box", "wp-block-group"])}">'
                 f'<h3>{esc(product)}</h3><p>{r.randint(19, 299)},{r.choice(["99", "95", "00"])} €</p>{button}</div>')
    note = esc(r.choice(AFFILIATE_NOTES[lang]))
    where = r.random()
    if where < 0.4:
        body = f'<p class="{r.choice(["disclosure", "affiliate-note", "hinweis", "notice"])}"><em>{note}</em></p>' + body
    elif where < 0.7:
        body += f"<p><em>{note}</em></p>"
    else:
        body += f'<p class="small"><small>{note}</small></p>'
    return render(p, doc.title, body, byline=byline(p), titles=titles, **_extras(p))


def wiki(p: Page, doc: Doc, titles: list[str]) -> str:
    """A wiki or documentation page: sections, footnote markers and a references list the editors keep."""
    r = p.rng
    parts = paras(p, doc, 3, 12)
    refs, body = [], []
    for i, text in enumerate(parts):
        if i and r.random() < 0.25:
            body.append(f'<h2><span class="mw-headline" id="s{i}">{esc(text.split(".")[0][:60])}</span></h2>')
        marker = ""
        if r.random() < 0.5:
            refs.append(text)
            marker = f'<sup class="reference"><a href="#cite_note-{len(refs)}">[{len(refs)}]</a></sup>'
        body.append(f"<p>{esc(text)}{marker}</p>")
    items = []
    for k, _ in enumerate(refs or [parts[0]]):
        url = p.world.org_url(p.lang)
        title = r.choice(titles)
        anchor = r.choice([f'"{title}"', title, url.split("/")[2], "Archived copy"])
        items.append(f'<li id="cite_note-{k + 1}"><span class="reference-text"><cite class="citation web">{p.link(url, anchor, "editorial", r.choice(["", "nofollow", "external nofollow"]), extra=" class=" + chr(34) + "external text" + chr(34))}. {r.randint(2004, 2025)}.</cite></span></li>')
    content = (f'<div id="mw-content-text" class="mw-body-content"><div class="mw-parser-output">{"".join(body)}'
               f'<h2><span class="mw-headline" id="References">References</span></h2><div class="reflist"><ol class="references">{"".join(items)}</ol></div></div></div>')
    return render(p, doc.title, content, titles=titles, **_extras(p, comments=False))
