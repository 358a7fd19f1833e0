"""Real article text, read from ../shared/corpus at run time (never stored in the repository).

English comes from the manifest's human-checked main texts (wcxb-dev, dragnet, scrapinghub); the other languages
from the paragraphs of the multilingual archives (trafilatura-eval, readability), grouped per page so a generated
page reuses one real document's paragraphs in order, as a real article would read.
"""
from __future__ import annotations

import gzip
import json
import random
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from .world import LANGS

_STOP = {
    "en": "the and of is to that with for was".split(),
    "de": "der und die nicht ist das mit sich auch".split(),
    "fr": "le et les est des une pour dans qui".split(),
    "es": "el y los que del las por una para".split(),
    "it": "il che di della per non una sono gli".split(),
    "nl": "het een van en niet zijn voor ook maar".split(),
    "pt": "o que não do da uma com para os".split(),
}
_WORD = re.compile(r"[^\W\d_]+", re.U)
MULTILINGUAL_WARCS = ("trafilatura-eval.warc.gz", "readability.warc.gz")


@dataclass(frozen=True, slots=True)
class Doc:
    title: str
    paragraphs: tuple[str, ...]
    lang: str


def detect_lang(text: str) -> str | None:
    words = _WORD.findall(text.lower())
    if len(words) < 12:
        return None
    counts = {lang: sum(1 for w in words if w in stop) for lang, stop in _STOP.items()}
    best = max(counts, key=counts.get)
    return best if counts[best] >= max(3, 0.05 * len(words)) else None


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _doc(title: str, paragraphs: list[str]) -> Doc | None:
    # pages decoded with the wrong charset (UTF-16 read as bytes) come out with a NUL between letters: skip them
    if any("\x00" in p for p in paragraphs[:10]):
        return None
    paragraphs = [_CONTROL.sub("", p) for p in paragraphs]
    paragraphs = [p for p in paragraphs if 60 <= len(p) <= 1200]
    if len(paragraphs) < 3:
        return None
    lang = detect_lang(" ".join(paragraphs[:6]))
    if lang is None:
        return None
    title = " ".join(_CONTROL.sub("", title or paragraphs[0][:80]).split())[:120]
    return Doc(title, tuple(paragraphs[:30]), lang)


def everyday_excerpts(docs: list[Doc], pattern: re.Pattern[str]) -> list[Doc]:
    """Each document's paragraphs around its first one that ``pattern`` matches (the one before, it, the one
    after), where those hold one or two matches: real text using a word in passing, in its everyday sense (an
    excerpt full of them is about pharmacies or casinos, and not everyday)."""
    out = []
    for doc in docs:
        hit = next((i for i, text in enumerate(doc.paragraphs) if pattern.search(text)), None)
        if hit is None:
            continue
        excerpt = doc.paragraphs[max(0, hit - 1):hit + 2]
        if len(pattern.findall(" ".join(excerpt))) <= 2:
            out.append(Doc(doc.title, excerpt, doc.lang))
    return out


def load_corpus(corpus: Path, held: Callable[[str], bool] = lambda uri: False) -> dict[str, list[Doc]]:
    """Documents by language from the corpus, pages whose URI ``held`` holds out left out (the dev set's: their text
    in a training page would be trained on); raises FileNotFoundError when the corpus is not there."""
    manifest = corpus / "manifest.jsonl.gz"
    if not manifest.exists():
        raise FileNotFoundError(manifest)
    docs: dict[str, list[Doc]] = {lang: [] for lang in LANGS}
    with gzip.open(manifest, "rt", encoding="utf-8") as fh:
        for line in fh:
            row = json.loads(line)
            if held(row["uri"]):
                continue
            text = row.get("gold_main_text") or ""
            doc = _doc(row.get("title") or "", [" ".join(p.split()) for p in text.split("\n")])
            if doc:
                docs[doc.lang].append(doc)
    for name in MULTILINGUAL_WARCS:
        if (corpus / name).exists():
            for doc in _warc_docs(corpus / name, held):
                docs[doc.lang].append(doc)
    return docs


def _warc_docs(path: Path, held: Callable[[str], bool]):
    import lxml.html
    from warcio.archiveiterator import ArchiveIterator

    with open(path, "rb") as fh:
        for record in ArchiveIterator(fh):
            if record.rec_type != "response" or held(record.rec_headers.get_header("WARC-Target-URI") or ""):
                continue
            try:
                tree = lxml.html.fromstring(record.content_stream().read())
            except (ValueError, TypeError, Exception):  # lxml raises ParserError/XMLSyntaxError on junk
                continue
            title = tree.findtext(".//title") or ""
            paras = [" ".join(p.text_content().split()) for p in tree.iter("p")]
            doc = _doc(title.split("|")[0].split(" - ")[0], paras)
            if doc:
                yield doc


_FILLER = {  # tiny self-written sentence banks: tests run without the corpus, training never uses these
    "en": ["The committee met again on Tuesday to review the plans for the harbour.",
           "Residents said the new bus timetable had made their mornings easier.",
           "Volunteers have catalogued more than two thousand letters from the old archive.",
           "The recipe works best with butter that has been left out overnight.",
           "Engineers expect the repairs to the bridge to take most of the summer."],
    "de": ["Der Ausschuss traf sich am Dienstag erneut, um die Pläne für den Hafen zu prüfen.",
           "Die Anwohner sagten, der neue Fahrplan habe ihnen den Morgen erleichtert.",
           "Freiwillige haben mehr als zweitausend Briefe aus dem alten Archiv erfasst."],
    "fr": ["Le comité s'est réuni mardi pour examiner les projets du port.",
           "Les habitants ont dit que les nouveaux horaires de bus leur facilitaient la vie.",
           "Des bénévoles ont catalogué plus de deux mille lettres de l'ancienne archive."],
    "es": ["El comité se reunió el martes para revisar los planes del puerto.",
           "Los vecinos dijeron que el nuevo horario de autobuses les facilitaba las mañanas.",
           "Los voluntarios han catalogado más de dos mil cartas del antiguo archivo."],
    "it": ["Il comitato si è riunito martedì per esaminare i progetti del porto.",
           "I residenti hanno detto che i nuovi orari degli autobus rendono le mattine più facili."],
    "nl": ["De commissie kwam dinsdag opnieuw bijeen om de plannen voor de haven te bekijken.",
           "Bewoners zeiden dat de nieuwe dienstregeling hun ochtenden makkelijker maakte."],
    "pt": ["O comité reuniu-se na terça-feira para analisar os planos do porto.",
           "Os moradores disseram que os novos horários dos autocarros facilitaram as manhãs."],
}


def filler_docs(seed: int = 0) -> dict[str, list[Doc]]:
    """Deterministic stand-in documents for tests (NOT for training: the text is a handful of sentences)."""
    rng = random.Random(seed)
    out: dict[str, list[Doc]] = {}
    for lang, bank in _FILLER.items():
        out[lang] = [Doc(f"{rng.choice(bank)[:40]} {i}",
                         tuple(" ".join(rng.choice(bank) for _ in range(rng.randint(2, 5))) for _ in range(rng.randint(4, 9))),
                         lang) for i in range(30)]
    return out
