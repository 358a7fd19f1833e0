"""A generated site and page: links are registered as they are written, so labels always match the HTML."""
from __future__ import annotations

import html
import random
from dataclasses import dataclass, field

from .world import UI, World, slug

GENERIC = {"en": ["click here", "here", "this website", "read more", "visit site", "source", "this page"],
           "de": ["hier", "hier klicken", "mehr", "Webseite", "weiterlesen"],
           "fr": ["ici", "cliquez ici", "en savoir plus", "ce site"],
           "es": ["aquí", "clic aquí", "leer más", "este sitio"],
           "it": ["qui", "clicca qui", "leggi tutto", "questo sito"],
           "nl": ["hier", "klik hier", "lees meer", "deze website"],
           "pt": ["aqui", "clique aqui", "saiba mais", "este site"]}
REL = {  # (rel value, weight) per label: overlapping on purpose, rel is evidence, not the answer
    "editorial": [("", 70), ("nofollow", 15), ("noopener noreferrer", 10), ("nofollow noopener", 5)],
    "guest_post": [("", 45), ("sponsored", 25), ("nofollow", 20), ("sponsored noopener", 10)],
    "directory": [("", 45), ("nofollow", 35), ("ugc", 5), ("sponsored", 5), ("noopener", 10)],
    "spam": [("external nofollow ugc", 35), ("nofollow", 25), ("", 30), ("ugc", 10)],
    "link_farm": [("", 70), ("nofollow", 15), ("sponsored", 10), ("noopener", 5)],
}


def esc(text: str) -> str:
    return html.escape(text, quote=True)


@dataclass(slots=True)
class Site:
    domain: str
    lang: str
    cms: str
    kind: str
    name: str
    nav: list[str]
    theme: str
    flags: dict = field(default_factory=dict)
    pages: int = 0

    @property
    def ui(self) -> dict[str, str]:
        return UI[self.lang]


class Page:
    """One page being written: the HTML fragments call ``link`` and the labelled rows fall out of it."""

    def __init__(self, rng: random.Random, world: World, site: Site, recipe: str, path: str):
        self.rng, self.world, self.site, self.recipe = rng, world, site, recipe
        self.url = f"https://{site.flags.get('host', site.domain)}/{path}"
        self.rows: list[tuple[str, str, str]] = []
        self.targets: set[str] = set()
        self.cap = {label: rng.choice([1, 2, 2, 3, 3, 3]) for label in REL}
        self.uid = rng.randint(100, 99999)
        #: render() returns the recipe's content alone, without a CMS skeleton (copies of real pages)
        self.body_only = False

    @property
    def lang(self) -> str:
        return self.site.lang

    @property
    def ui(self) -> dict[str, str]:
        return self.site.ui

    def rel(self, label: str) -> str:
        values, weights = zip(*REL[label])
        return self.rng.choices(values, weights)[0]

    def link(self, url: str, anchor: str, label: str | None, rel: str | None = None, *, image: bool = False,
             extra: str = "") -> str:
        """An <a> to ``url``; recorded as a labelled row when ``label`` is set and the page's cap allows."""
        if (label and url not in self.targets and len(self.rows) < 6
                and sum(1 for r in self.rows if r[2] == label) < self.cap[label]):
            self.rows.append((url, anchor, label))
            self.targets.add(url)
        rel = self.rel(label or "editorial") if rel is None else rel
        attrs = f' href="{esc(url)}"' + (f' rel="{rel}"' if rel else "") + extra
        if self.rng.random() < 0.15:
            attrs += ' target="_blank"'
        if image:
            return f'<a{attrs}><img src="/wp-content/uploads/{slug(anchor)[:30]}.png" alt="{esc(anchor)}" width="{self.rng.choice([88, 120, 160, 300])}"></a>'
        return f"<a{attrs}>{esc(anchor)}</a>"

    def anchor(self, url: str, *, brand: str = "", phrase: str = "", weights: tuple[int, ...] = (3, 3, 2, 2, 1, 1)
               ) -> tuple[str, bool]:
        """(anchor text, is image) of one of the anchor types SEO tools report."""
        kind = self.rng.choices(["branded", "exact", "partial", "generic", "naked", "image"], weights)[0]
        host = url.split("/")[2]
        if kind == "branded":  # the brand as the site spells it, or the name the domain was made from
            own = host.removeprefix("www.").split(".")[0].replace("-", " ").title()
            return (brand if brand and self.rng.random() < 0.5 else own), False
        if kind in ("exact", "branded") and phrase:
            return phrase, False
        if kind == "partial" and phrase:
            return self.rng.choice(["{} tips", "more about {}", "the best {}", "{} guide", "{} here"]).format(phrase), False
        if kind == "naked":
            return self.rng.choice([url, host, f"https://{host}"]), False
        if kind == "image":
            return brand or phrase or host, True
        return self.rng.choice(GENERIC[self.lang]), False

    def internal(self, text: str) -> str:
        return f'<a href="/{slug(text) or "page"}/">{esc(text)}</a>'
