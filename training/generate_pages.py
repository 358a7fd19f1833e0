"""Generate varied HTML pages for the rare link classes (guest_post, directory, link_farm, spam).

Every page and label row is marked generated; generated rows never make up a whole evaluation.
Real article text comes from ../shared/corpus at run time (never stored in the repo).
"""
from __future__ import annotations

import argparse
import csv
import gzip
import io
import json
import random
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FIELDS = ["source_url", "target_url", "anchor", "label", "method", "checked_by_hand",
          "generated", "warc", "site", "template", "language"]
TLDS = ["example", "test", "invalid"]  # reserved TLDs: invented domains can never be real sites
WORDS = ("blue river stone oak bright north prime urban green swift solid clear metro peak harbor "
         "summit cedar maple copper silver atlas nova vista crest").split()
TRADES = {"en": ["plumbing", "dentist", "roofing", "bakery", "law firm", "auto repair", "florist"],
          "de": ["Sanitär", "Zahnarzt", "Dachdecker", "Bäckerei", "Kanzlei", "Autowerkstatt"],
          "fr": ["plomberie", "dentiste", "couvreur", "boulangerie", "avocat", "garage"],
          "es": ["fontanería", "dentista", "tejados", "panadería", "abogados", "taller"]}
STREETS = {"en": "Street", "de": "Straße", "fr": "rue", "es": "Calle"}
SPAM_KW = ["cheap viagra online", "best online casino bonus", "payday loans no credit check",
           "buy essay online", "replica watches sale", "cialis without prescription"]
COMMERCIAL = ["best seo services", "affordable web design", "buy running shoes", "cheap car insurance",
              "home loan rates", "luxury hotel deals", "crypto trading platform"]
GUEST = {"en": ["Guest post by {a}", "This post was written by {a} of {c}", "Contributed by {a}", "Sponsored"],
         "de": ["Gastbeitrag von {a}", "Dieser Beitrag wurde von {a} ({c}) verfasst"],
         "fr": ["Article invité de {a}", "Contenu sponsorisé, rédigé par {a} de {c}"],
         "es": ["Artículo invitado de {a}", "Contenido patrocinado por {c}"]}
FILLER = {"en": "The project grew slowly over several years as volunteers added new material and checked every source.",
          "de": "Das Projekt wuchs über mehrere Jahre langsam, während Freiwillige neues Material ergänzten.",
          "fr": "Le projet a grandi lentement pendant plusieurs années grâce aux bénévoles.",
          "es": "El proyecto creció lentamente durante varios años gracias a los voluntarios."}


def fail(msg: str) -> None:
    print(f"error: {msg}", file=sys.stderr)
    raise SystemExit(2)


def load_paragraphs(corpus: Path | None, filler: bool) -> dict[str, list[str]]:
    if filler:
        return {lang: [f"{t} ({i})" for i in range(20)] for lang, t in FILLER.items()}
    if corpus is None or not (corpus / "manifest.jsonl.gz").exists():
        fail(f"corpus not found at {corpus}; pass --corpus PATH to ../shared/corpus (or --filler-for-tests, not for training)")
    out: dict[str, list[str]] = {k: [] for k in FILLER}
    with gzip.open(corpus / "manifest.jsonl.gz", "rt") as fh:
        for line in fh:
            row = json.loads(line)
            text = row.get("gold_main_text") or ""
            for para in text.split("\n"):
                para = para.strip()
                if 200 <= len(para) <= 900:
                    out[_lang(para)].append(para)
    return out


def _lang(text: str) -> str:
    low = f" {text.lower()} "
    score = {"de": sum(low.count(w) for w in (" der ", " und ", " die ", " nicht ")),
             "fr": sum(low.count(w) for w in (" le ", " et ", " les ", " est ")),
             "es": sum(low.count(w) for w in (" el ", " y ", " los ", " que ")),
             "en": sum(low.count(w) for w in (" the ", " and ", " of ", " is "))}
    return max(score, key=score.get)


class Page:
    """One generated page: html parts plus the labelled links it holds."""

    def __init__(self, rng: random.Random, lang: str, template: str):
        self.rng, self.lang, self.template = rng, lang, template
        self.domain = f"{rng.choice(WORDS)}{rng.choice(WORDS)}{rng.randint(1, 999)}.{rng.choice(TLDS)}"
        slug = "-".join(rng.sample(WORDS, 3))
        self.url = f"https://{rng.choice(['', 'www.', 'blog.'])}{self.domain}/{rng.choice(['', '2024/05/', 'p/', 'dir/'])}{slug}"
        self.links: list[tuple[str, str, str]] = []
        self.cls = lambda base: f"{base}{rng.choice(['', '-x', '_wrap', ' box', ' inner'])}"

    def ext(self) -> str:
        r = self.rng
        return f"https://{r.choice(['', 'www.'])}{r.choice(WORDS)}-{r.choice(WORDS)}{r.randint(1, 9999)}.{r.choice(TLDS)}/{r.choice(['', 'services', 'shop', 'about'])}"

    def a(self, label: str | None, anchor: str | None = None, rel: str = "") -> str:
        href = self.ext()
        anchor = anchor or self.rng.choice([href, "click here", "website", href.split("/")[2], "IMG"])
        if anchor == "IMG":  # image anchor: the alt text stands in for the anchor in labels
            alt = self.rng.choice(WORDS)
            if label:
                self.links.append((href, alt, label))
            return f'<a href="{href}"><img src="/img/{alt}.png" alt="{alt}"></a>'
        if label:
            self.links.append((href, anchor, label))
        relattr = f' rel="{rel}"' if rel else ""
        return f'<a href="{href}"{relattr}>{anchor}</a>'


def noise(p: Page) -> str:
    r = p.rng
    bits = [f'<nav class="{p.cls("menu")}"><a href="/">Home</a> <a href="/about">About</a> <a href="/contact">Contact</a></nav>']
    if r.random() < 0.5:
        bits.append(f'<div class="{p.cls("cookie")}">We use cookies. <button>OK</button></div>')
    if r.random() < 0.5:
        bits.append(f'<aside class="{p.cls("ad")}"><img src="/ads/{r.randint(1,99)}.png" alt="ad"></aside>')
    if r.random() < 0.4:
        rel = "".join(f'<li><a href="/{w}">{w.title()} {v}</a></li>' for w, v in zip(r.sample(WORDS, 3), r.sample(WORDS, 3)))
        bits.append(f'<section class="{p.cls(r.choice(["related-posts", "yarpp", "more"]))}"><ul>{rel}</ul></section>')
    if r.random() < 0.3:  # empty sponsored label: a hard negative seen on real news templates
        bits.append(f'<div class="{p.cls("sponsor")}">Sponsored by:</div>')
    if r.random() < 0.4:
        bits.append(f'<div class="{p.cls("newsletter")}">Subscribe to our newsletter <input type="email"></div>')
    return "\n".join(r.sample(bits, len(bits)))


def footer(p: Page) -> str:
    extra = p.rng.choice(["", "Business directory", "Write for us", "Sponsored", "Advertise"])
    return f'<footer class="{p.cls("site-footer")}"><a href="/privacy">Privacy</a> <a href="/{extra.lower().replace(" ", "-")}">{extra}</a></footer>'


def paras(p: Page, texts: list[str], n: int) -> list[str]:
    return [f"<p>{p.rng.choice(texts)}</p>" for _ in range(n)]


def comments(p: Page, label: str = "spam") -> str:
    r = p.rng
    items = []
    for _ in range(r.randint(0, 4)):
        who = p.a(label, r.choice(COMMERCIAL + ["John", "Maria"]), rel=r.choice(["", "nofollow ugc", "external nofollow"]))
        items.append(f'<li class="{p.cls("comment")}"><cite>{who}</cite><p>{r.choice(["Great post!", "Thanks for sharing.", "Very useful info."])}</p></li>')
    tag = r.choice(["ol", "ul"])
    return f'<div class="{p.cls(r.choice(["comment-list", "blog-comments", "comments"]))}"><{tag}>{"".join(items)}</{tag}></div>'


def t_editorial(p: Page, texts: list[str]) -> str:
    r = p.rng
    body = paras(p, texts, r.randint(3, 7))
    for _ in range(r.randint(1, 3)):
        i = r.randrange(len(body))
        body[i] = body[i].replace("</p>", f" {p.a('editorial', r.choice(['this study', 'the report', 'according to the agency']))}</p>")
    roll = "".join(f"<li>{p.a(None, r.choice(WORDS))}</li>" for _ in range(r.randint(0, 4)))  # small blogroll: unlabelled
    return f'<article class="{p.cls(r.choice(["entry-content", "post-body", "article-body"]))}">{"".join(body)}</article><aside><ul>{roll}</ul></aside>' + comments(p)


def t_guest(p: Page, texts: list[str]) -> str:
    r = p.rng
    author = f"{r.choice(['Anna', 'Mark', 'Lena', 'Paul'])} {r.choice(['Smith', 'Weber', 'Martin', 'Garcia'])}"
    company = f"{r.choice(WORDS).title()} {r.choice(['Media', 'Solutions', 'Group'])}"
    note = r.choice(GUEST[p.lang]).format(a=author, c=company)
    body = paras(p, texts, r.randint(3, 6))
    i = r.randrange(len(body))
    body[i] = body[i].replace("</p>", f" {p.a('guest_post', r.choice(COMMERCIAL), rel=r.choice(['', 'sponsored']))}</p>")
    bio = f'<div class="{p.cls(r.choice(["author-bio", "about-author", "bio"]))}">{author} — {p.a("guest_post", company)}</div>'
    return f'<div class="{p.cls("byline")}">{note}</div><div class="{p.cls(r.choice(["entry-content wp-block-post-content", "post-body entry", "content"]))}">{"".join(body)}{bio}</div>' + comments(p)


def t_directory(p: Page, texts: list[str]) -> str:
    r = p.rng
    cards = []
    for _ in range(r.randint(4, 15)):
        name = f"{r.choice(WORDS).title()} {r.choice(WORDS).title()} {r.choice(TRADES[p.lang]).title()}"
        addr = f"{r.randint(1, 300)} {r.choice(WORDS).title()} {STREETS[p.lang]}"
        phone = f"+{r.randint(1, 49)} {r.randint(100, 999)} {r.randint(1000, 9999)}"
        micro = ' itemscope itemtype="https://schema.org/LocalBusiness"' if r.random() < 0.4 else ""
        cards.append(f'<div class="{p.cls(r.choice(["listing", "card", "entry"]))}"{micro}><h3>{name}</h3><span>{addr}</span> <span>{phone}</span> {p.a("directory", r.choice([name, "Visit website", None]))}</div>')
    cats = "".join(f'<li><a href="/cat/{w}">{w.title()}</a></li>' for w in r.sample(TRADES[p.lang], 3))
    return f'<ul class="{p.cls("categories")}">{cats}</ul><a href="/submit">Submit your site</a><div class="{p.cls("results")}">{"".join(cards)}</div><div class="pagination"><a href="?page=2">2</a></div>'


def t_link_farm(p: Page, texts: list[str]) -> str:
    r = p.rng
    links = "".join(f"<li>{p.a('link_farm', r.choice(COMMERCIAL + WORDS))}</li>" for _ in range(r.randint(20, 60)))
    title = r.choice(["Partners", "Resources", "Link exchange", "Useful links", "Blogroll"])
    return f'<h2>{title}</h2>{"".join(paras(p, texts, r.randint(0, 1)))}<ul class="{p.cls(r.choice(["links", "blogroll", "partners"]))}">{links}</ul>'


def t_spam(p: Page, texts: list[str]) -> str:
    r = p.rng
    kw = r.choice(SPAM_KW)
    kind = r.choice(["stuffed", "hacked", "forum", "profile"])
    if kind == "stuffed":
        body = " ".join(f"{kw} {p.a('spam', kw)}" if r.random() < 0.3 else kw for _ in range(r.randint(10, 30)))
        return f"<h1>{kw.title()}</h1><div class=\"{p.cls('content')}\"><p>{body}</p></div>"
    if kind == "hacked":
        hidden = "".join(p.a("spam", r.choice(SPAM_KW)) for _ in range(r.randint(3, 12)))
        return f'<div class="{p.cls("entry-content")}">{"".join(paras(p, texts, 3))}</div><div style="display:none">{hidden}</div>'
    if kind == "forum":
        posts = "".join(f'<div class="{p.cls("postbody")}">{r.choice(texts)[:200]}<div class="{p.cls("signature")}">{p.a("spam", kw)}</div></div>' for _ in range(r.randint(2, 6)))
        return f'<div class="{p.cls(r.choice(["phpbb", "vbulletin", "topic"]))}">{posts}</div>'
    return f'<div class="{p.cls("profile")}"><h2>user{r.randint(1, 99999)}</h2><p>About me: {kw}</p>{p.a("spam", kw)} {p.a("spam", None)}</div>'


TEMPLATES = {"editorial": t_editorial, "guest_post": t_guest, "directory": t_directory,
             "link_farm": t_link_farm, "spam": t_spam}
SHARE = [("guest_post", 0.22), ("directory", 0.2), ("link_farm", 0.13), ("spam", 0.25), ("editorial", 0.2)]


def build(seed: int, count: int, texts: dict[str, list[str]], warc_path: Path, csv_path: Path) -> int:
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    rng = random.Random(seed)
    langs = [lang for lang in ("en", "de", "fr", "es") if texts.get(lang)]
    warc_path.parent.mkdir(parents=True, exist_ok=True)
    csv_path.parent.mkdir(parents=True, exist_ok=True)
    rows = 0
    with open(warc_path, "wb") as fh, open(csv_path, "w", newline="", encoding="utf-8") as out:
        writer, table = WARCWriter(fh, gzip=True), csv.DictWriter(out, FIELDS)
        table.writeheader()
        for _ in range(count):
            kind = rng.choices([k for k, _ in SHARE], [w for _, w in SHARE])[0]
            lang = rng.choices(langs, [6 if l == "en" else 1 for l in langs])[0]
            style = rng.choice(["wordpress", "blogger", "static", "newscms", "medium"])
            page = Page(rng, lang, f"{kind}:{style}")
            main = TEMPLATES[kind](page, texts[lang])
            parts = [noise(page), main, footer(page)]
            html = f'<!DOCTYPE html><html lang="{lang}"><head><meta charset="utf-8"><title>{page.domain}</title></head><body class="{style}">{"".join(parts)}</body></html>'
            data = html.encode("utf-8")
            headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1")
            writer.write_record(writer.create_warc_record(page.url, "response", payload=io.BytesIO(data), http_headers=headers))
            for href, anchor, label in page.links:
                table.writerow({"source_url": page.url, "target_url": href, "anchor": anchor, "label": label,
                                "method": f"generator:{page.template}", "checked_by_hand": "false", "generated": "true",
                                "warc": warc_path.name, "site": page.domain, "template": page.template, "language": lang})
                rows += 1
    return rows


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--seed", type=int, default=13)
    ap.add_argument("--count", type=int, default=1500)
    ap.add_argument("-o", "--output", type=Path, default=ROOT / "build/generated/generated.warc.gz")
    ap.add_argument("--labels", type=Path, default=ROOT / "data/labels/generated_links.csv")
    ap.add_argument("--corpus", type=Path, default=ROOT.parent / "shared/corpus")
    ap.add_argument("--filler-for-tests", action="store_true", help="built-in filler text; for tests only, NOT for training")
    args = ap.parse_args(argv)
    texts = load_paragraphs(args.corpus, args.filler_for_tests)
    n = build(args.seed, args.count, texts, args.output, args.labels)
    print(f"{args.count} pages, {n} labelled links -> {args.output}, {args.labels}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
