"""Spam and link-farm recipes: comment spam, forum signatures and promo posts, profile spam, doorway pages,
hacked pages with hidden links, trackbacks, guestbooks; link-exchange pages, blogrolls, footer and sidebar blocks
(content.py adds those sitewide), and PBN articles whose exact-match links have nothing to do with the text."""
from __future__ import annotations

import re

from .content import _extras, append_link, body_html, byline, comment_section, editorial_links, link_paragraphs, paras
from .page import Page, esc
from .shells import render
from .text import Doc
from .world import NICHES, SPAM_NICHES, slug

_SENT = re.compile(r"(?<=[.!?])\s+")


def comment_spam(p: Page, doc: Doc, titles: list[str]) -> str:
    parts = paras(p, doc, 2, 8)
    done = editorial_links(p, parts, "editorial" if p.rng.random() < 0.4 else None)
    extras = _extras(p, comments=False)
    extras["comments"] = comment_section(p, p.rng.randint(3, 14), spam_share=p.rng.uniform(0.5, 1.0))
    return render(p, doc.title, body_html(p, parts, done), byline=byline(p), titles=titles, **extras)


def _forum_posts(p: Page, doc: Doc, promo: bool) -> str:
    r, cms = p.rng, p.site.cms
    sentences = [s for d in doc.paragraphs for s in _SENT.split(d) if 20 < len(s) < 400] or list(doc.paragraphs)
    posts = []
    n = r.randint(3, 10)
    promo_at = set(r.sample(range(1, n), r.randint(1, 2))) if promo else set()
    for k in range(n):
        user = r.choice([p.world.person(p.lang).replace(" ", "_").lower(), f"user{r.randint(10, 99999)}", p.world.brand().replace(" ", "")])
        text = esc(" ".join(r.sample(sentences, min(len(sentences), r.randint(1, 4)))))
        niche = r.choice(SPAM_NICHES + NICHES)
        if k in promo_at:  # off-topic promotional post: the link sits in the post body
            phrase = r.choice(niche[0])
            url = p.world.commercial_url(niche[1], phrase)
            anchor, image = p.anchor(url, phrase=phrase, weights=(1, 5, 2, 1, 2, 0))
            text = f"{esc(r.choice(niche[0]).capitalize())}! " + p.link(url, anchor, "spam") + " " + text[:200]
        sig = ""
        if not promo and r.random() < 0.55:
            phrase = r.choice(niche[0])
            url = p.world.commercial_url(niche[1], phrase)
            anchor, image = p.anchor(url, brand=user, phrase=phrase, weights=(2, 5, 2, 1, 2, 1))
            sig = p.link(url, anchor, "spam", image=image) + (" | " + esc(r.choice(niche[0])) if r.random() < 0.4 else "")
        date = f"{r.randint(1, 28)}.{r.randint(1, 12)}.{r.randint(2006, 2025)}"
        pid = p.uid * 10 + k
        if cms == "phpbb":
            posts.append(f'<div id="p{pid}" class="post has-profile bg{k % 2 + 1}"><div class="inner"><dl class="postprofile" id="profile{pid}"><dt><a href="/memberlist.php?mode=viewprofile&amp;u={pid}" class="username">{esc(user)}</a></dt>'
                         f'<dd class="profile-posts"><strong>{esc(p.ui["posts"])}:</strong> {r.randint(1, 900)}</dd></dl><div class="postbody"><div id="post_content{pid}"><h3>Re: {esc(doc.title[:50])}</h3>'
                         f'<p class="author">{date}</p><div class="content">{text}</div>' + (f'<div id="sig{pid}" class="signature">{sig}</div>' if sig else "") + "</div></div></div></div>")
        elif cms == "vbulletin":
            posts.append(f'<table class="tborder" id="post{pid}" width="100%"><tr><td class="thead">{date}</td></tr><tr><td class="alt2" width="175"><div id="postmenu_{pid}"><a class="bigusername" href="/member.php?u={pid}">{esc(user)}</a></div></td>'
                         f'<td class="alt1" id="td_post_{pid}"><div id="post_message_{pid}">{text}</div>' + (f"<div>__________________<br>{sig}</div>" if sig else "") + "</td></tr></table>")
        else:
            posts.append(f'<article class="message message--post js-post" data-author="{esc(user)}" id="js-post-{pid}"><div class="message-inner"><div class="message-cell message-cell--user"><h4 class="message-name"><a href="/members/{slug(user)}.{pid}/" class="username">{esc(user)}</a></h4></div>'
                         f'<div class="message-cell message-cell--main"><div class="message-content"><div class="message-userContent"><article class="message-body"><div class="bbWrapper">{text}</div></article></div>'
                         + (f'<aside class="message-signature"><div class="bbWrapper">{sig}</div></aside>' if sig else "") + f'</div><footer class="message-footer"><time>{date}</time></footer></div></div></article>')
    return "".join(posts)


def forum_signature(p: Page, doc: Doc, titles: list[str]) -> str:
    return render(p, doc.title, _forum_posts(p, doc, promo=False), article=False)


def forum_promo(p: Page, doc: Doc, titles: list[str]) -> str:
    return render(p, doc.title, _forum_posts(p, doc, promo=True), article=False)


def profile_spam(p: Page, doc: Doc, titles: list[str]) -> str:
    """A member profile created for its links: website field, keyword-stuffed "about me"."""
    r, ui = p.rng, p.ui
    phrases, niche = r.choice(SPAM_NICHES + NICHES)
    user = r.choice([slug(r.choice(phrases), "_"), p.world.brand().replace(" ", "").lower() + str(r.randint(1, 999))])
    chosen = [r.choice(phrases) for _ in range(r.randint(1, 3))]
    urls = [(p.world.commercial_url(niche, phrase), phrase) for phrase in chosen]
    about = " ".join(r.choice(phrases) for _ in range(r.randint(2, 6)))
    links = " ".join(p.link(u, a, "spam", image=i) for u, phrase in urls for a, i in [p.anchor(u, phrase=phrase, weights=(1, 5, 2, 1, 3, 1))])
    body = (f'<div class="{r.choice(["profile-page", "memberProfile", "user-profile panel"])}"><h2 class="username">{esc(user)}</h2>'
            f'<dl class="details"><dt>{esc(ui["joined"])}</dt><dd>{r.randint(1, 28)}.{r.randint(1, 12)}.{r.randint(2010, 2025)}</dd>'
            f'<dt>{esc(ui["posts"])}</dt><dd>{r.randint(0, 3)}</dd><dt>{esc(ui["website"])}</dt><dd>{links}</dd>'
            f'<dt>{esc(ui["about_me"])}</dt><dd>{esc(about)}</dd><dt>{esc(ui["interests"])}</dt><dd>{esc(", ".join(r.sample(phrases, min(2, len(phrases)))))}</dd></dl></div>')
    return render(p, f"{ui['member']}: {user}", body, article=False)


def doorway(p: Page, doc: Doc, titles: list[str]) -> str:
    """A page that exists to game search (pharma, casino, loans...): every outbound link on it is spam."""
    r = p.rng
    phrases, niche = r.choice(SPAM_NICHES)
    parts = paras(p, doc, 2, 6)
    stuffed = []
    for text in parts:  # spun text: real sentences with the keywords pushed in
        sentences = _SENT.split(text)
        stuffed.append(" ".join(s + (f" {r.choice(phrases).capitalize()}." if r.random() < 0.6 else "") for s in sentences))
    done = set()
    for _ in range(r.randint(2, 6)):
        i = r.randrange(len(stuffed))
        phrase = r.choice(phrases)
        url = p.world.commercial_url(niche, phrase)
        anchor, image = p.anchor(url, phrase=phrase, weights=(0, 6, 2, 1, 1, 1))
        stuffed[i] = (append_link(p, stuffed[i], p.link(url, anchor, "spam", image=image)) if i not in done
                      else stuffed[i] + " " + p.link(url, anchor, "spam", image=image))
        done.add(i)
    kw = r.choice(phrases)
    body = f"<h2>{esc(kw.title())}</h2>" + body_html(p, stuffed, done, ads=False) + f'<p class="tags">{esc(", ".join(phrases * 2))}</p>'
    return render(p, f"{kw.title()} – {r.choice(phrases)}", body, titles=titles)


def hacked(p: Page, doc: Doc, titles: list[str]) -> str:
    """An ordinary article with an injected, hidden block of spam links."""
    r = p.rng
    parts = paras(p, doc, 3, 9)
    done = editorial_links(p, parts, "editorial" if r.random() < 0.4 else None)
    phrases, niche = r.choice(SPAM_NICHES)
    links = " ".join(p.link(p.world.commercial_url(niche), r.choice(phrases), "spam", "") for _ in range(r.randint(3, 15)))
    style = r.choice(["display:none", "position:absolute;left:-9999px", "font-size:0px;", "visibility:hidden", "height:0px; overflow:hidden"])
    hidden = r.choice([f'<div style="{style}">{links}</div>', f'<span style="{style}">{links}</span>', f'<p hidden>{links}</p>'])
    body = body_html(p, parts, done)
    body = body + hidden if r.random() < 0.6 else hidden + body
    return render(p, doc.title, body, byline=byline(p), titles=titles, **_extras(p))


def trackbacks(p: Page, doc: Doc, titles: list[str]) -> str:
    r = p.rng
    parts = paras(p, doc, 2, 8)
    items = []
    for _ in range(r.randint(2, 10)):
        phrases, niche = r.choice(SPAM_NICHES + NICHES)
        phrase = r.choice(phrases)
        url = p.world.commercial_url(niche, phrase)
        items.append(f'<li class="pingback"><div class="comment-body">Pingback: {p.link(url, phrase.title(), "spam", r.choice(["external nofollow", "", "nofollow ugc"]))}</div></li>')
    tb = f'<div id="pings"><h3>Trackbacks/Pingbacks</h3><ol class="{r.choice(["pinglist", "commentlist trackbacks", "pingback-list"])}">{"".join(items)}</ol></div>'
    return render(p, doc.title, body_html(p, parts), byline=byline(p), titles=titles, comments=tb)


def link_exchange(p: Page, doc: Doc, titles: list[str]) -> str:
    """A "links" / "partners" / "link exchange" page: dozens to hundreds of unrelated sites."""
    r, ui = p.rng, p.ui
    n = r.randint(25, 160)
    lab = set(r.sample(range(n), 3))
    entries = []
    for i in range(n):
        phrases, niche = r.choice(NICHES + SPAM_NICHES[:3])
        phrase = r.choice(phrases)
        url = p.world.commercial_url(niche, phrase)
        anchor, image = p.anchor(url, phrase=phrase, weights=(4, 4, 2, 0, 2, 1))
        entries.append((p.link(url, anchor, "link_farm" if i in lab else None, image=image), r.choice(phrases)))
    layout = r.choice(["ul", "table", "pipes", "dl", "groups"])
    if layout == "ul":
        block = "<ul>" + "".join(f"<li>{a}</li>" for a, _ in entries) + "</ul>"
    elif layout == "table":
        cells = [f"<td>{a}</td>" for a, _ in entries]
        block = "<table class=\"links\">" + "".join("<tr>" + "".join(cells[i:i + 3]) + "</tr>" for i in range(0, len(cells), 3)) + "</table>"
    elif layout == "pipes":
        block = "<p>" + " | ".join(a for a, _ in entries) + "</p>"
    elif layout == "dl":
        block = "<dl>" + "".join(f"<dt>{a}</dt><dd>{esc(d)}</dd>" for a, d in entries) + "</dl>"
    else:
        cuts = sorted(r.sample(range(1, len(entries)), min(len(entries) - 1, r.randint(2, 8))))
        groups = [entries[a:b] for a, b in zip([0, *cuts], [*cuts, len(entries)])]
        block = "".join(f"<h3>{esc(r.choice(NICHES)[0][0].title())}</h3><ul>" + "".join(f"<li>{a} – {esc(d)}</li>" for a, d in g) + "</ul>" for g in groups)
    code = esc(f'<a href="https://{p.site.domain}/">{p.site.name}</a>')
    intro = r.choice([f"<p>{esc(ui['exchange'])}: {esc(ui['contact'])}.</p><textarea readonly>{code}</textarea>", "", f"<p>{esc(ui['partners'])}</p>"])
    title = r.choice([ui["partners"], ui["links"], ui["exchange"], ui["resources"], "Link Partners", "Webmaster resources"])
    return render(p, title, intro + block, article=r.random() < 0.5, titles=titles)


def pbn(p: Page, doc: Doc, titles: list[str]) -> str:
    """A thin private-blog-network article: real but short text, exact-match money links unrelated to it."""
    r = p.rng
    parts = paras(p, doc, 2, 4)

    def money_link(text: str) -> str:
        phrases, niche = r.choice(NICHES)
        phrase = r.choice(phrases)
        url = p.world.commercial_url(niche, phrase)
        anchor, image = p.anchor(url, phrase=phrase, weights=(0, 7, 3, 1, 1, 0))
        return append_link(p, text, p.link(url, anchor, "link_farm"))

    done = link_paragraphs(p, parts, r.randint(2, 4), money_link)
    by = r.choice(["", byline(p, "admin"), byline(p)])
    return render(p, doc.title, body_html(p, parts, done, ads=False), byline=by, titles=titles)
