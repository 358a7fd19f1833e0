"""The jobs: one library function per command. The CLI, HTTP API and Python API only call these.

``score_backlinks`` is the engine every job shares: it takes Backlink records in chunks, gets each chunk's
unique pages once (archives first, then the live fetcher unless offline), analyses pages in a process pool,
judges the links with the model in one batch, and yields output rows in input order, chunk by chunk, so memory
stays flat however long the export is.
"""

from __future__ import annotations

import collections
import contextlib
import datetime
import functools
import hashlib
import itertools
import math
import numbers
import os
import threading
import time
import warnings
from collections import Counter
from concurrent.futures import Executor
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Iterable, Iterator, Mapping, Sequence

import pandas as pd

from linktriage._cache import close_after_workers, close_caches, prepare_cache
from linktriage._domains import registrable_domain
from linktriage._reasons import counted
from linktriage._records import LABELS, OUTPUT_COLUMNS, Backlink, FetchResult, canonical_label
from linktriage._paths import check_archive_name, check_output_folder, check_outputs_are_not_inputs, same_file
from linktriage._pool import AnalysisPool, BrokenProcessPool, worker_died
from linktriage._remote import writable
from linktriage._run_warnings import warn_run
from linktriage.analyse import LinkAnalysis, PageSummary, analyse_source, archive_key, register_archive
from linktriage.features import FEATURE_NAMES
from linktriage.ingest._values import clean_url, parse_flag
from linktriage.model import LinkClassifier, load_model
from linktriage.sources.warc import WarcArchive

__all__ = ["ScoreOptions", "ScoreSummary", "score_backlinks", "score_export", "analyse_backlinks", "train_model",
           "evaluate_model", "model_info"]

#: live-fetched pages sent to the analysis workers at a time
LIVE_BATCH = 16
#: batches of live-fetched pages waiting in the workers at once: with the fetcher's own hand-over room and the
#: pages it is downloading, this bounds the bodies held (~80 at the defaults), whatever the chunk size
LIVE_BATCHES_AHEAD = 2


@dataclass(frozen=True, slots=True)
class ScoreOptions:
    """How a scoring run gets pages and judges links (one place for every knob the layers expose)."""

    pages: tuple[str, ...] = ()
    offline: bool = False
    niche: str | None = None
    site: str | None = None
    model: str | None = None
    embedder: str = "static"
    archive: str | None = None
    #: live fetching settings (linktriage.sources.fetch.FetchSettings); None = defaults
    fetch_settings: Any = None
    #: rows per chunk: pages of a chunk are fetched and analysed together
    chunk_size: int = 2000
    #: analysis processes; None = one per core when a chunk has enough pages to pay for the pool
    workers: int | None = None
    #: confidence at which spam / link_farm rows are flagged ``toxic`` (the disavow default)
    toxic_threshold: float = 0.8
    toxic_labels: tuple[str, ...] = ("spam", "link_farm")
    #: "local" (a process pool on this machine) or "dask" (partitions on a Dask cluster)
    engine: str = "local"
    scheduler: str | None = None
    #: an SQLite file of earlier page analyses (linktriage._cache): re-scoring the same pages skips their parsing
    cache: str | None = None


@dataclass(slots=True)
class ScoreSummary:
    """What a run did: counts per link status and per label."""

    rows: int = 0
    statuses: Counter = field(default_factory=Counter)
    labels: Counter = field(default_factory=Counter)

    def add(self, rows: Sequence[dict]) -> None:
        self.rows += len(rows)
        self.statuses.update(r["link_status"] for r in rows)
        self.labels.update(r["label"] for r in rows if r["label"])

    def line(self) -> str:
        if not self.rows:
            return "0 rows: the exports hold a header but no backlink rows"
        statuses = ", ".join(f"{k} {v}" for k, v in self.statuses.most_common())
        labels = ", ".join(f"{k} {v}" for k, v in self.labels.most_common())
        return f"{counted(self.rows, 'row')}: {statuses}" + (f" | labels: {labels}" if labels else "")


class PageGetter:
    """Pages for a set of URLs: from the archives when archived, else fetched live unless offline.

    Live fetches go through one FetchSession for the whole run (close() ends it): a URL asked for again in a
    later chunk gets the outcome it got before, without a request, rather than another robots.txt, another
    timeout of a dead host and possibly another answer. (An ``ok`` page's body is read back from --archive;
    without --archive the session keeps only the recent ones, compressed in memory, so a page a much later
    chunk names again is fetched again.)
    """

    def __init__(self, options: ScoreOptions, supplied: Mapping[str, FetchResult] | None = None) -> None:
        self.options = options
        if options.archive and not options.offline and any(same_file(options.archive, p) for p in options.pages):
            from linktriage.sources._archive_writer import repair_archive

            repair_archive(options.archive)  # before it is indexed: see repair_archive
        self.archive = WarcArchive(options.pages)
        for (first, later), pages in self.archive.shadowed.items():
            # the same corpus in two versions (pages as crawled, and annotated or cleaned copies) gives each row
            # whichever the order of --pages puts first: say so, rather than leave "missing" rows unexplained
            warn_run(f"--pages: {counted(pages, 'page')} of {later} {'are' if pages != 1 else 'is'} also in "
                     f"{first}, which is read instead (the archive given first wins); give {later} first to read "
                     "its copies")
        for (first, later), pages in self.archive.respelled.items():
            warn_run(f"--pages: {counted(pages, 'page')} of {later} {'are' if pages != 1 else 'is'} also in "
                     f"{first} under another spelling of {'their URLs' if pages != 1 else 'its URL'} (http or "
                     f"https, www., a trailing slash); {first}'s copy is read unless the export spells the URL as "
                     f"{later} does; give {later} first to read its copies")
        self.cache = prepare_cache(options.cache) if options.cache is not None else None
        #: pages handed over by the caller (the HTTP API's inline ``html``): used before archives and fetching
        self.supplied = dict(supplied or {})
        self._session = None  # the FetchSession, opened at the first page to fetch

    def __enter__(self) -> "PageGetter":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        """End the live fetching (its archive is closed); archived pages can still be read."""
        if self._session is not None:
            self._session.close()
            self._session = None

    def get_many(self, urls: Sequence[str]) -> dict[str, FetchResult]:
        found, fetching = self.start(urls)
        found.update((result.url, result) for result in fetching)
        return {url: self.archive.get(url) if result is None else result for url, result in found.items()}

    def start(self, urls: Sequence[str]) -> tuple[dict[str, FetchResult | None], Iterator[FetchResult]]:
        """The pages for ``urls`` in two parts: what is known at once (supplied, not fetched when offline, and None
        for a page in the archives, which is not read here), and the live fetches, yielded as each finishes, so they
        can be analysed while the others are still coming.

        The worker that analyses an archived page reads it from the archive itself (``analyse_source``), so page
        bodies never travel between processes and the parent holds no archived bodies, however large the chunk.
        """
        found: dict[str, FetchResult | None] = {}
        missing = []
        for url in urls:
            if url in self.supplied:
                found[url] = self.supplied[url]
            elif url in self.archive:
                found[url] = None
            elif self.options.offline:
                # without archives (an HTTP request, linktriage.score on dicts) "not in the archives" named none
                reason = ("not in the archives, and fetching is off" if self.options.pages else
                          "no page given for it (no html, no --pages archive), and fetching is off")
                found[url] = FetchResult(url=url, status="not_fetched", reason=reason)
            else:
                missing.append(url)
        return found, self._fetched(missing)

    def _fetched(self, urls: list[str]) -> Iterator[FetchResult]:
        if not urls:
            return
        if self._session is None:
            from linktriage.sources.fetch import FetchSession, FetchSettings

            self._session = FetchSession(self.options.fetch_settings or FetchSettings(), archive=self.options.archive)
        answered = set()
        for result in self._session.fetch(urls):
            answered.add(result.url)
            yield result
        for url in urls:  # the session answers every URL: this only keeps rows in = rows out if it ever did not
            if url not in answered:
                yield FetchResult(url=url, status="not_fetched", reason="the live fetcher gave no answer for it")


def analyse_backlinks(backlinks: Sequence[Backlink], getter: PageGetter, executor: Executor | None = None
                      ) -> tuple[list[LinkAnalysis], dict[str, PageSummary]]:
    """Analyse one chunk: each unique page fetched and parsed once, however many rows point at it."""
    return _start_analysis(backlinks, getter, executor)()


def _page_url(url: str, supplied: Mapping[str, FetchResult]) -> str:
    """The page a source URL names: the URL without its #fragment, so rows citing one page's comments
    ("#comment-12", "#comment-40") share one fetch and one analysis; a URL whose page the caller supplied stays
    as given (its page is that one)."""
    return url if "#" not in url or url in supplied else url.split("#", 1)[0]


def _start_analysis(backlinks: Sequence[Backlink], getter: PageGetter, executor: Executor | None):
    """Send a chunk's pages to the executor now; the returned function waits for and assembles the results.

    Meanwhile the caller can do other work (load the model, judge the previous chunk): the workers keep busy.
    Archived pages are sent at once, as URLs (the worker reads them). Live pages are sent LIVE_BATCH at a time
    as they arrive, and at most LIVE_BATCHES_AHEAD batches wait in the executor: a chunk's fetched bodies are
    never all held at once (a few thousand pages of several MB each), and analysis starts with the first pages.
    """
    by_page: dict[str, list[Backlink]] = {}
    analyses: dict[int, LinkAnalysis] = {}
    for backlink in backlinks:
        if backlink.error:
            analyses[backlink.row] = LinkAnalysis(row=backlink.row, link_status="error", reason=backlink.error,
                                                  source_domain=registrable_domain(backlink.source_url))
        else:
            by_page.setdefault(_page_url(backlink.source_url, getter.supplied), []).append(backlink)
    known, fetching = getter.start(list(by_page))
    register_archive(getter.archive)
    analyse = functools.partial(analyse_source, archive_key(getter.archive), cache=getter.cache)
    sent: list[list] = []  # [urls, results (an iterator until drained, then a list)] per batch, in sending order
    waiting: collections.deque[int] = collections.deque()  # live batches whose results were not yet drained

    def send(batch: list[tuple[str, FetchResult | None]]) -> None:
        urls = [url for url, _ in batch]
        # A page is sent as its URL when archived (the worker reads it), else as the FetchResult in hand.
        sources = [url if result is None else result for url, result in batch]
        mapper = executor.map if executor is not None and len(batch) > 1 else map
        sent.append([urls, mapper(analyse, sources, [by_page[url] for url in urls])])

    if known:
        send(list(known.items()))
    batch: list[tuple[str, FetchResult | None]] = []
    for result in fetching:
        batch.append((result.url, result))
        if len(batch) == LIVE_BATCH:
            send(batch)
            batch = []
            waiting.append(len(sent) - 1)
            while len(waiting) > LIVE_BATCHES_AHEAD:  # back-pressure: the fetcher waits while this batch ends
                oldest = sent[waiting.popleft()]
                oldest[1] = list(oldest[1])
    if batch:
        send(batch)

    def collect() -> tuple[list[LinkAnalysis], dict[str, PageSummary]]:
        summaries: dict[str, PageSummary] = {}
        for urls, results in sent:
            for url, (summary, found) in zip(urls, results):
                if summary is not None:
                    summaries[url] = summary
                analyses.update((a.row, a) for a in found)
        # each row's page under the row's own spelling of its URL (relevance reads them by source_url), in the
        # export's page order, whatever order the fetches finished in
        pages = {b.source_url: summaries[url] for url, rows in by_page.items() if url in summaries for b in rows}
        return [analyses[b.row] for b in backlinks], pages

    return collect


def score_backlinks(backlinks: Iterable[Backlink], options: ScoreOptions = ScoreOptions(),
                    model: LinkClassifier | None = None,
                    supplied: Mapping[str, FetchResult] | None = None) -> Iterator[list[dict]]:
    """Score backlinks; yields lists of output rows (OUTPUT_COLUMNS, then export_* columns) in input order.

    ``supplied`` maps source URLs to pages the caller already has (FetchResult with status "ok" and a body);
    they are used as they are, before the archives and the live fetcher.
    """
    options = _checked(options)
    # An archive URL is written locally and uploaded when scoring ends (object stores cannot append).
    with writable(options.archive, "--archive", resume=True) as archive:
        yield from _score(backlinks, replace(options, archive=archive), model, supplied)


def _checked(options: ScoreOptions) -> ScoreOptions:
    """The options as the run uses them; those that cannot work are refused before any page is read (an option
    silently ignored is a wrong run)."""
    from linktriage._exceptions import InputError
    from linktriage.relevance import EMBEDDERS, check_relevance

    if isinstance(options.engine, str):  # `--engine Dask` means the Dask engine, as `--embedder MiniLM` means minilm
        options = replace(options, engine=options.engine.strip().lower())
    if options.engine not in ("local", "dask"):
        raise InputError(f"--engine {options.engine}: unknown engine; use local or dask")
    if options.scheduler is not None and not options.scheduler.strip():  # `--scheduler "$UNSET"`: not a local run
        raise InputError("--scheduler is empty: give the scheduler's address (tcp://HOST:8786), or leave --scheduler "
                         "out for a local cluster")
    if options.cache and options.engine == "dask":
        raise InputError("--cache is for the local engine: Dask workers on other machines cannot share one SQLite "
                         "file; leave --cache out, or score with --engine local")
    if options.scheduler and options.engine != "dask":
        raise InputError(f"--scheduler {options.scheduler} is for the Dask engine: add --engine dask")
    if options.scheduler and options.workers is not None:
        raise InputError(f"--workers {options.workers} sizes the local Dask cluster; with --scheduler the cluster's own "
                         "workers run the pages: leave --workers out (start more workers on the cluster instead)")
    if options.engine == "dask":
        try:
            import distributed  # noqa: F401  (an optional extra: found missing now, not after the first chunk)
        except ImportError:
            raise InputError("--engine dask needs Dask's distributed scheduler: pip install 'linktriage[dask]'"
                             ) from None
    if (options.embedder or "").strip().lower() not in EMBEDDERS:
        raise InputError(f"--embedder {options.embedder}: unknown embedder; choose one of {', '.join(EMBEDDERS)}")
    check_relevance(options.niche, options.site, options.embedder)  # a URL as niche, a damaged or missing embedder
    return options


def _score(backlinks: Iterable[Backlink], options: ScoreOptions, model: LinkClassifier | None,
           supplied: Mapping[str, FetchResult] | None) -> Iterator[list[dict]]:
    getter = PageGetter(options, supplied)
    relevance: Any = None
    ready = False
    executor = None
    pending = None
    finished = False
    try:
        if options.engine == "dask":  # connected before any row: a bad --scheduler fails even an empty export
            from linktriage._dask import DaskExecutor

            executor = DaskExecutor(options.scheduler, workers=options.workers, archive=getter.archive)
        for chunk in _chunks(backlinks, options.chunk_size):
            if executor is None and _wants_pool(options, chunk):
                executor = _local_pool(options, getter)
            # The next chunk's pages are sent out before this one is judged, so the workers never wait for the
            # parent; the model and the embedder load while the first chunk is being analysed.
            started = (chunk, _start_analysis(chunk, getter, executor))
            if not ready:
                model = model or load_model(options.model)
                relevance, ready = _relevance_scorer(options, getter), True
            if pending is not None:
                yield _judge(*pending, model, relevance, options)
            pending = started
        if pending is not None:
            yield _judge(*pending, model, relevance, options)
        finished = True
    except BrokenProcessPool:
        raise worker_died() from None
    finally:
        if isinstance(executor, AnalysisPool) and not finished:
            executor.stop()  # Ctrl-C, an error, or the caller stopped reading: the pages in progress are not waited for
        elif executor is not None:
            executor.shutdown(cancel_futures=True)
        if isinstance(executor, AnalysisPool) and options.cache:
            close_after_workers(options.cache)
        getter.close()


def _judge(chunk: list[Backlink], collect, model: LinkClassifier, relevance, options: ScoreOptions) -> list[dict]:
    """Wait for a chunk's analyses, then label its links (one model batch) and build its output rows."""
    from linktriage.output import is_toxic

    analyses, pages = collect()
    judged = [a for a in analyses if a.features is not None]
    frame = pd.DataFrame([a.features for a in judged], columns=list(FEATURE_NAMES))
    predictions = dict(zip((a.row for a in judged), model.predictions(frame)))
    scores = relevance(chunk, analyses, pages) if relevance else {}
    rows = []
    for backlink, analysis in zip(chunk, analyses):
        row = _row(backlink, analysis, predictions.get(backlink.row), scores.get(backlink.row))
        row["toxic"] = (is_toxic(row["label"], row["confidence"], threshold=options.toxic_threshold,
                                 labels=options.toxic_labels) if row["label"] else None)
        rows.append(row)
    return rows


def _local_pool(options: ScoreOptions, getter: PageGetter) -> AnalysisPool:
    import trafilatura  # noqa: F401  (imported once here, so forked workers start with it loaded)

    register_archive(getter.archive)  # forked workers inherit the archive index instead of re-reading the files
    close_caches()  # an SQLite connection must not cross a fork: one opened for a chunk analysed here is closed
    return AnalysisPool(options.workers or os.cpu_count() or 1)


def _wants_pool(options: ScoreOptions, chunk: Sequence[Backlink]) -> bool:
    if options.workers == 1 or (os.cpu_count() or 1) == 1:
        return False
    # A pool costs about a second to start: worth it only when there are enough pages to spread.
    return options.workers is not None or len({b.source_url for b in chunk}) >= 40


def _chunks(items: Iterable[Backlink], size: int) -> Iterator[list[Backlink]]:
    iterator = iter(items)
    while chunk := list(itertools.islice(iterator, size)):
        yield chunk


def rounded_probabilities(probabilities: dict[str, float], places: int = 4) -> dict[str, float]:
    """``probabilities`` to ``places`` decimals that still sum to 1 (each rounded alone, five of them summed to
    0.9999 or 1.0001): every value is cut to its last whole unit, and the units left over go to the values cut
    most (largest remainders); none moves by a unit or more."""
    scale = 10 ** places
    scaled = {label: max(float(p), 0.0) * scale for label, p in probabilities.items()}
    units = {label: math.floor(v) for label, v in scaled.items()}
    left = round(sum(scaled.values())) - sum(units.values())
    for label in sorted(scaled, key=lambda k: units[k] - scaled[k])[:max(left, 0)]:
        units[label] += 1
    return {label: n / scale for label, n in units.items()}


def _row(backlink: Backlink, analysis: LinkAnalysis, prediction, relevance: float | None) -> dict:
    context = analysis.context
    probabilities = rounded_probabilities(prediction.probabilities) if prediction else {}
    reasons = list(prediction.reasons) if prediction else []
    if analysis.reason:
        reasons = [analysis.reason, *reasons] if prediction else [analysis.reason]
    http_status = analysis.http_status
    if http_status is not None and not 100 <= http_status <= 599:
        # a code outside HTTP's classes (LinkedIn answers 999): docs/schema.json's column holds 100-599, and
        # validators stopped at such a row; the code stays readable in the reasons
        if f"HTTP {http_status}" not in "; ".join(reasons):
            reasons.insert(0, f"HTTP status {http_status}, outside 100-599")
        http_status = None
    row: dict[str, Any] = {
        "source_url": backlink.source_url,
        "target_url": backlink.target_url,
        "anchor": backlink.anchor or (context.anchor_text if context else ""),
        # no domain for a URL that is none ("not a url", "https://ex .com/"): --domains would list it as a site
        "source_domain": ("" if clean_url(backlink.source_url)[1]
                          else analysis.source_domain or registrable_domain(backlink.source_url)),
        "target_domain": "" if clean_url(backlink.target_url)[1] else registrable_domain(backlink.target_url),
        "label": prediction.label if prediction else None,
        "confidence": probabilities[prediction.label] if prediction else None,
        **{f"p_{label}": probabilities[label] if prediction else None for label in LABELS},
        "relevance": None if relevance is None else round(float(relevance), 4),
        "position": context.position if context else None,
        "rel": " ".join(t for t in context.rel if t in ("nofollow", "ugc", "sponsored")) if context else None,
        "anchor_type": context.anchor_type if context else None,
        "link_status": analysis.link_status,
        "http_status": http_status,
        "reasons": "; ".join(reasons),
        "toxic": None,
    }
    assert tuple(row) == OUTPUT_COLUMNS
    row.update(backlink.export)
    return row


#: how long a process keeps a --site's texts: a server, or a notebook calling linktriage.score, scoring request after
#: request for one site fetched its home page and internal pages again for each
SITE_TEXTS_TTL_S = 15 * 60
_SITE_TEXTS_KEPT = 32
_site_texts: dict[tuple, tuple[float, list[str], str]] = {}
_site_texts_lock = threading.Lock()


def _known_site_texts(key: tuple) -> tuple[list[str], str] | None:
    """The site's texts and its home page's final URL, when read less than SITE_TEXTS_TTL_S ago."""
    with _site_texts_lock:
        expires, texts, home = _site_texts.get(key, (0.0, [], ""))
        return (list(texts), home) if time.monotonic() < expires else None


def _remember_site_texts(key: tuple, texts: list[str], home: str) -> None:
    with _site_texts_lock:
        _site_texts[key] = (time.monotonic() + SITE_TEXTS_TTL_S, list(texts), home)
        while len(_site_texts) > _SITE_TEXTS_KEPT:  # the oldest first (dicts keep insertion order)
            del _site_texts[next(iter(_site_texts))]


def _relevance_scorer(options: ScoreOptions, getter: PageGetter):
    """The relevance stage, or None when no niche was given (the column then stays empty)."""
    if options.niche is None and not options.site:
        return None
    from linktriage.relevance import (RelevanceScorer, build_niche_profile, collect_site_texts, load_embedder,
                                      site_home_url, warn_if_site_not_english)

    embedder = load_embedder(options.embedder)
    site_texts: list[str] = []
    #: when the profile holds the site's pages, the registrable domains of the --site (and of where its home page
    #: redirects): rows linking elsewhere are about another site, whose niche this profile does not describe
    site_domains: set[str] = set()
    fallback = "relevance uses --niche only" if (options.niche or "").strip() else "relevance stays empty"
    if options.site:
        unread: list[str] = []  # why pages of the site could not be read; the home page's first
        reached: list[str] = []  # final URLs of the site's pages read; the home page's first

        def get_html(url: str):
            result = getter.get_many([url])[url]
            if result.status == "ok":
                reached.append(result.final_url or url)
                return result.final_url or url, result.body
            unread.append(result.reason or result.status)
            return None

        key = (options.site, tuple(options.pages), options.offline, repr(options.fetch_settings))
        known = _known_site_texts(key)
        if known is None:
            site_texts = collect_site_texts(options.site, get_html)
            home = reached[0] if site_texts and reached else ""
            if site_texts:  # (a site that could not be read is tried again next time)
                _remember_site_texts(key, site_texts, home)
        else:
            site_texts, home = known
        if site_texts:  # (a profile from --niche alone says nothing about which site it describes)
            site_domains = {registrable_domain(url) for url in (site_home_url(options.site), home) if url} - {""}
            warn_if_site_not_english(options.site, site_texts, embedder.name)
        if not site_texts:  # not an error (the run goes on), but the user asked for it: say why it is not used
            why = unread[0] if unread else "no text on its home page"
            warn_run(f"--site {options.site}: the site's pages cannot be read ({why}): {fallback}")
    profile = build_niche_profile(embedder, niche=options.niche, site_texts=site_texts)
    if profile is not None and options.niche is not None and profile.niche is None:
        warn_run(f"--niche {_shown(options.niche)} has no words (only symbols): relevance compares with --site "
                 f"{options.site} alone; describe the niche in words")
    if profile is None:
        if options.niche is not None and not site_texts:
            warn_run(f"--niche {_shown(options.niche)} has no words the {embedder.name} embedder knows (empty, "
                     "blank, or only symbols): relevance stays empty; describe the niche in words")
        return None
    scorer = RelevanceScorer(embedder, profile)

    elsewhere: list[str] = []  # target domains of rows that link to another site than --site (said once)

    def for_the_site(backlink: Backlink) -> bool:
        # a target that is no URL ("not a url") names no site: as a row without one (it was named "another site")
        if not site_domains or not backlink.target_url or clean_url(backlink.target_url)[1]:
            return True
        domain = registrable_domain(backlink.target_url)
        if not domain or domain in site_domains:
            return True
        if not elsewhere:
            elsewhere.append(domain)
            warn_run(f"--site {options.site}: some rows link to another site ({domain}): their relevance stays "
                     f"empty, as the niche profile describes {', '.join(sorted(site_domains))} only; score each "
                     "site's rows with its own --site")
        return False

    def score(chunk, analyses, pages) -> dict[int, float]:
        # A page that redirected to the target's own site is the target's page: no referring page to judge (it
        # scored 1.0, the target against its own niche)
        judged = [(b, a) for b, a in zip(chunk, analyses) if b.source_url in pages and for_the_site(b)
                  and not (a.link_status == "redirected" and a.context is None)]
        if not judged:
            return {}
        relevance = scorer.relevance([_page_text(pages[b.source_url]) for b, _ in judged])
        # NaN means "no text to judge" (an empty page): the column stays empty rather than carrying NaN.
        return {b.row: float(value) for (b, _), value in zip(judged, relevance) if value == value}

    return score


def _shown(text: str, limit: int = 60) -> str:
    """``text`` quoted for a one-line message: control characters escaped, at most ``limit`` characters."""
    return repr(text if len(text) <= limit else text[:limit] + "...")


def _page_text(page: PageSummary) -> str:
    return "\n".join(part for part in (page.title, page.description, page.main_text) if part)


def score_export(exports: Sequence[str], options: ScoreOptions, *, output: str | None = None,
                 fmt: str | None = None, report: str | None = None, domains: str | None = None,
                 on_chunk=None, escape_formulas: bool = True) -> ScoreSummary:
    """The ``score`` job: read exports, score every row, write the output (and optional report / domain view).

    Any of the three outputs may be an fsspec URL: it is written locally and uploaded once the job succeeded.
    ``escape_formulas=False`` writes CSV cells exactly, even those a spreadsheet would run as formulas.
    """
    from linktriage._exceptions import InputError
    from linktriage.ingest import read_exports
    from linktriage.output import build_domain_view, open_writer, output_format, write_domain_view

    for option, path in (("--output", output), ("--report", report), ("--domains", domains),
                         ("--archive", options.archive)):
        check_output_folder(option, path)  # before scoring: a typo in --report should not cost the whole run
    # --model too: `-o m.skops --format csv` replaced the model it had just scored with
    read = {"the export": exports, "--cache": options.cache, "--model": options.model}
    check_outputs_are_not_inputs({"--output": output, "--report": report, "--domains": domains},
                                  {**read, "--pages": options.pages})
    check_outputs_are_not_inputs({"--archive": options.archive}, read)  # (it may be a --pages archive: resumed)
    # Two outputs naming one file: the one written last (the domain view, the report) replaced the scored rows.
    written = {"--output": output, "--report": report, "--domains": domains, "--archive": options.archive}
    for index, option in enumerate(written):
        check_outputs_are_not_inputs({option: written[option]}, dict(list(written.items())[:index]))
    if options.archive:
        check_archive_name("--archive", options.archive)
        if options.offline:  # nothing is fetched, so nothing is archived: the file was silently never written
            warn_run(f"--archive {options.archive} with --offline: no page is fetched, so none is archived")
    output_format(output, fmt)  # named as given (the writer sees a temporary name), and before any work
    if report and not os.fspath(report).lower().endswith((".html", ".htm")):
        # -o and --domains take their format from the name; --report rep.md (or .csv) got HTML under that name
        stem = os.path.splitext(os.path.basename(os.fspath(report).rstrip("/")))[0] or "report"
        raise InputError(f"--report {report}: the report is an HTML page; name it like {stem}.html")
    if domains:
        output_format(domains, None, "--domains")  # its view is written last: a wrong name must not cost the run
    # every export is judged here, before the output is opened: an unreadable one leaves standard output empty
    backlinks = read_exports(exports, site=options.site)
    rescored = _linktriage_outputs(backlinks)
    if rescored:
        # its labels and probabilities would be read as the export's own columns, nested in export_*
        named = ", ".join(rescored) + (" is a linktriage output" if len(rescored) == 1 else " are linktriage outputs")
        warn_run(f"{named} (confidence, p_* and link_status columns): the previous predictions are kept as export_* "
                 "columns; score the original export to avoid them")
    # before the writer opens: a refused option must not leave a CSV header on stdout; after the exports are judged,
    # as loading the embedder a niche needs takes seconds (MiniLM 5 s) and a wrong export is told at once
    options = _checked(options)
    summary = ScoreSummary()
    kept: list[dict] = []  # only when a report or domain view needs every row at the end
    with writable(output, "--output") as output, writable(report, "--report") as report, \
            writable(domains, "--domains") as domains:
        with open_writer(output, fmt, escape_formulas=escape_formulas,
                         export_columns=backlinks.export_columns) as writer:
            # The model is loaded inside, once the first pages are out to the workers (loading takes seconds).
            for rows in score_backlinks(backlinks, options):
                writer.write(rows)
                summary.add(rows)
                if report or domains:
                    kept.extend(rows)
                if on_chunk is not None:
                    on_chunk(rows)
        if domains:
            view = build_domain_view(kept, threshold=options.toxic_threshold, labels=options.toxic_labels)
            write_domain_view(view, domains, escape_formulas=escape_formulas)
        if report:
            from linktriage.output import write_html_report

            model = load_model(options.model)  # cached: the same object scoring used
            write_html_report(kept, report, model_info=getattr(model, "card_", None))
    return summary


#: columns every linktriage output has, as an export read again names them
_PREVIOUS_OUTPUT = frozenset({"export_confidence", "export_p_editorial", "export_p_spam", "export_link_status"})


def _linktriage_outputs(read) -> list[str]:
    """The files of ``read`` (read_exports' rows) that are linktriage outputs, read again as exports."""
    return [name for name, columns in read.columns_by_file.items() if _PREVIOUS_OUTPUT <= set(columns)]


def model_info(path: str | None = None) -> dict:
    """The model card of a model file (default: the shipped model), with versions and the label set."""
    import sklearn

    from linktriage import __version__

    model = load_model(path)
    card = dict(getattr(model, "card_", {}) or {})
    card.setdefault("labels", list(LABELS))
    card["running_versions"] = {"linktriage": __version__, "scikit-learn": sklearn.__version__}
    return card


def _labelled_table(labels: Sequence[str], pages: Sequence[str], offline: bool,
                    supplied: Mapping[str, FetchResult] | None = None, cache: str | None = None,
                    every_row: bool = False):
    """Read labelled files (any export format plus a ``label`` column) and build their feature table; ``supplied``
    pages (source URL -> page) are used before the archives, as in scoring; ``every_row`` as for read_exports."""
    from linktriage._exceptions import InputError
    from linktriage.ingest import read_exports
    from linktriage.learn import build_training_table

    read = read_exports(labels, every_row=every_row)
    backlinks = list(read)
    for name in _linktriage_outputs(read):
        # a scored file's `label` is the model's prediction: trained or evaluated on, it measured the model
        # against itself (macro-F1 1.000) unless someone corrected the column first, as a reviewer may
        kept = " (the labels of the file that was scored are in its export_label column: give that file instead)" \
            if "export_export_label" in read.columns_by_file[name] else ""
        warn_run(f"{name} is a linktriage output: its `label` column, the model's predictions unless you "
                 f"corrected them, is read as the true labels{kept}")
    if not any(b.label for b in backlinks):
        # a column of labels under another name ("Labels", "Link type", "Category") is read as an export metric
        # ... when its values are labels: Ahrefs' "Link type" holds Dofollow / Nofollow, not a label
        named = {key for b in backlinks[:1000] for key, value in b.export.items()
                 if canonical_label(str(value)) in LABELS}
        other = next((key[len("export_"):] for key in ("export_labels", "export_link_type", "export_link_label",
                                                        "export_category", "export_class", "export_type")
                      if key in named), None)
        hint = f" (is it the `{other}` column? rename it to label)" if other else ""
        raise InputError(f"{', '.join(labels)}: no `label` column with values{hint}; add one with one of "
                         f"{', '.join(LABELS)} per row")
    if not any(b.target_url for b in backlinks):  # else every row is skipped as "missing", which says less
        raise InputError(f"{', '.join(labels)}: no target URL on any row: a label is about the link from the source "
                         "page to your page, so add a `target_url` column with the URL each link points to")
    # Unknown label values and unusable rows are skipped and counted (TrainingTable.skipped), not fatal.
    # a `generated` column (linktriage's own label files have one) keeps generated pages out of the real-page
    # numbers: evaluate reports them apart, as it says; without it every row counted as a real page
    generated = [parse_flag(b.export.get("export_generated")) is True for b in backlinks]
    with PageGetter(ScoreOptions(pages=tuple(pages), offline=offline, cache=cache), supplied) as getter:
        return build_training_table(backlinks, getter, skip_repeats=True, generated=generated)


def _skipped_text(table) -> str:
    return ", ".join(f"{reason}: {count}" for reason, count in table.skipped.most_common()) or "none skipped"


def train_model(labels: Sequence[str], *, pages: Sequence[str] = (), cv: int = 5, with_shipped: bool = False,
                seed: int = 0, offline: bool = True, supplied: Mapping[str, FetchResult] | None = None,
                own_share: float | None = None, cache: str | None = None, names: Sequence[str] | None = None,
                every_row: bool = False):
    """The ``train`` job: labelled files + their pages -> a fitted model with grouped cross-validated metrics.

    Links whose page is missing or that are not on their page are skipped and counted (``result.table.skipped``).
    ``names`` are what the model card calls the labelled files, one per file (default: their paths).
    """
    from linktriage import learn
    from linktriage._exceptions import InputError
    from linktriage.learn import DEFAULT_OWN_SHARE, FEW_LABELS, train

    if isinstance(cv, bool) or not isinstance(cv, numbers.Integral) or not 2 <= cv <= 20:
        raise InputError(f"cv must be a whole number of folds from 2 to 20, got {cv!r}")
    if isinstance(seed, bool) or not isinstance(seed, numbers.Integral) or not 0 <= seed < 2**32:
        raise InputError(f"seed must be a whole number from 0 to 4294967295, got {seed!r}")
    if own_share is not None and not with_shipped:
        raise InputError("--own-share (own_share) weighs your labels against the shipped ones: add --with-shipped, "
                         "or leave it out")
    if with_shipped and not learn.SHIPPED_TABLE_PATH.is_file():  # shipped in the package; a damaged install lacks it
        raise InputError(f"--with-shipped needs the shipped training table, {learn.SHIPPED_TABLE_PATH}, which this "
                         "installation does not have: reinstall linktriage, or train without --with-shipped")
    if own_share is None:
        own_share = DEFAULT_OWN_SHARE
    if isinstance(own_share, bool) or not isinstance(own_share, numbers.Real) or not 0 <= own_share < 1:
        raise InputError(f"--own-share (own_share) must be a number from 0 to below 1 (0.5: your labels weigh as "
                         f"much as the shipped ones), got {own_share!r}")
    table = _labelled_table(labels, pages, offline, supplied, cache, every_row)
    if not len(table):
        raise InputError(f"no usable labelled links ({_skipped_text(table)}); labels must be one of "
                         f"{', '.join(LABELS)} and their pages in --pages")
    sites = len(set(table.groups))
    if sites < 2 and not with_shipped:
        raise InputError(f"{len(table)} usable labelled links from {sites} site(s): training needs links on pages "
                         f"of at least 2 sites (skipped: {_skipped_text(table)}); "
                         + ("label links of another site, or add --with-shipped to add your labels to the shipped "
                            "training data" if pages else "add --pages with the archived pages"))
    if len(set(table.labels)) < 2 and not with_shipped:
        raise InputError(f"all usable labelled links are {table.labels[0]} (skipped: {_skipped_text(table)}): "
                         "training needs at least 2 labels, or add --with-shipped to add your labels to the shipped "
                         "training data")
    missing = [label for label in LABELS if label not in set(table.labels)]
    if with_shipped and own_share > 0 and missing:
        # Weighted, the user's links can outvote the shipped ones of a label they hold none of
        # (evaluation/retraining/README.md): say so before the minutes of training.
        warnings.warn(f"no link of yours is labelled {' or '.join(missing)}: weighted at --own-share {own_share:g}, "
                      "the model may stop finding them; label a few, or lower --own-share", stacklevel=2)
    try:
        result = train(table, cv=cv, with_shipped=with_shipped, seed=seed, own_share=float(own_share))
    except InputError as exc:  # too few links for the folds: the rows left out may be why (a label misspelled)
        raise InputError(f"{exc} (skipped: {_skipped_text(table)})") from None
    if missing and not with_shipped:  # once trained: a refused run says only why it was refused
        warnings.warn(f"no link of yours is labelled {' or '.join(missing)}: a model trained on your labels alone "
                      "never predicts them; label a few, or add --with-shipped to add yours to the shipped training "
                      "data", stacklevel=2)
    if len(table) < FEW_LABELS and not with_shipped:
        # Measured (evaluation/retraining/SMALL_SETS.md): trained alone on ~30 links a model is close to guessing
        # on other sites (macro-F1 0.2), on ~60 it is weak (0.6); the six example labels give one label to all.
        warnings.warn(f"only {len(table)} usable labelled links: a model trained on so few alone is close to "
                      "guessing on other sites; label a few hundred, or add --with-shipped to add them to the "
                      "shipped training data", stacklevel=2)
    own = result.cv_metrics.get("real") or result.cv_metrics.get("generated")
    result.model.card_ = {
        "design": "gbm_features (linktriage train)",
        "trained": datetime.date.today().isoformat(),
        "trained_from": _named(labels, names),
        "with_shipped": with_shipped,
        "own_share": float(own_share) if with_shipped else None,
        "n_links": int(len(result.table)), "n_sites": int(len(set(result.table.groups))),
        "n_own_links": int(result.own_links),
        # what rebuilds this model: the same labels and pages with this seed (the folds: at most one per site)
        "seed": int(seed), "cv_folds": int(min(cv, len(set(result.table.groups)))),
        "skipped": dict(table.skipped),
        "metrics_real_cv": own.to_dict() if own else None,
    }
    return result


def _named(labels: Sequence[str], names: Sequence[str] | None) -> list[str]:
    """The labelled files as the card and the report name them. The Python API reads a table through a temporary
    file, gone when the call returns: it names the table instead (``names``)."""
    return [str(p) for p in (labels if names is None else names)]


def _report_directory(path: str) -> bool:
    """Create the ``--report`` directory (REPORT.md, metrics.json and diagrams go into it), or say why not; True when
    it was created here."""
    from linktriage._exceptions import InputError
    from linktriage._remote import is_url

    path = os.fspath(path)
    if not path.strip():  # `--report "$UNSET"`: as a Path it was ".", and the report went into the current folder
        raise InputError("--report is empty: give a directory for REPORT.md, metrics.json and the diagrams, or leave "
                         "--report out")
    if is_url(path):  # as a Path, s3://b/eval is the local s3:/b/eval: written there, not uploaded
        raise InputError(f"--report {path}: the report is written to a local directory; give a path, then copy it "
                         "to the store")
    if os.path.exists(path) and not os.path.isdir(path):
        raise InputError(f"--report {path} is a file: give a directory for REPORT.md, metrics.json and the diagrams")
    created = not os.path.isdir(path)
    try:
        os.makedirs(path, exist_ok=True)
    except OSError as exc:
        raise InputError(f"--report {path}: cannot create the directory ({exc.strerror or exc})") from None
    if not os.access(path, os.W_OK | os.X_OK):  # found after the whole evaluation, the metrics were lost with it
        raise InputError(f"--report {path}: no permission to write in this directory; give another one")
    return created


def _model_provenance(model, classifier: LinkClassifier) -> str:
    """What a report names the model by: its file (or "shipped") and what its card says of it, so two reports of
    two trainings saved at one path, or of two linktriage versions, are told apart."""
    card = getattr(classifier, "card_", None) or {}
    about = [f"linktriage {card['linktriage_version']}" if card.get("linktriage_version") else "",
             f"trained {card['trained']}" if card.get("trained") else "",
             f"design {card['design']}" if card.get("design") else "",
             f"{card['n_links']} training links" if card.get("n_links") else ""]
    if model is None or isinstance(model, (str, os.PathLike)):  # the file's digest: the exact model measured
        from linktriage.model import DEFAULT_MODEL_PATH

        path = Path(model) if model is not None else DEFAULT_MODEL_PATH
        with contextlib.suppress(OSError), open(path, "rb") as file:
            about.append(f"sha256 {hashlib.file_digest(file, 'sha256').hexdigest()[:16]}")
    about = [part for part in about if part]
    return f"Model `{model or 'shipped'}`" + (f" ({', '.join(about)})" if about else "")


def evaluate_model(labels: Sequence[str], *, pages: Sequence[str] = (), model=None,
                   offline: bool = True, report: str | None = None, cache: str | None = None,
                   supplied: Mapping[str, FetchResult] | None = None,
                   names: Sequence[str] | None = None, every_row: bool = False) -> tuple[dict, dict[str, int]]:
    """The ``evaluate`` job: metrics of a model on labelled files (real and generated pages apart), optional report.

    ``model`` is a model file, a fitted LinkClassifier or None (the shipped model); ``supplied`` pages (source URL
    -> page) are used before the archives; ``names`` are what the report calls the labelled files, one per file
    (default: their paths). Returns the metrics per section and the counts of labelled links skipped, by reason.
    """
    created = _report_directory(report) if report is not None else False  # before the features are built: a
    # wrong path should not cost the whole run
    try:
        return _evaluated(labels, pages, model, offline, report, cache, supplied, names, every_row)
    except BaseException:
        if created:  # a run that failed leaves no empty report folder behind (one holding anything is kept)
            with contextlib.suppress(OSError):
                os.rmdir(report)
        raise


def _evaluated(labels: Sequence[str], pages: Sequence[str], model, offline: bool, report: str | None,
               cache: str | None, supplied: Mapping[str, FetchResult] | None = None,
               names: Sequence[str] | None = None, every_row: bool = False) -> tuple[dict, dict[str, int]]:
    from linktriage._exceptions import InputError
    from linktriage.learn import evaluate
    from linktriage.metrics import write_report

    classifier = model if isinstance(model, LinkClassifier) else load_model(model)
    if isinstance(model, LinkClassifier):
        model = "(a model given to linktriage.evaluate)"
    table = _labelled_table(labels, pages, offline, supplied, cache=cache, every_row=every_row)
    if not len(table):
        raise InputError(f"none of the labelled links could be judged ({_skipped_text(table)}); labels must be one "
                         f"of {', '.join(LABELS)} and their pages in --pages")
    sections = {f"{name} pages": metrics for name, metrics in evaluate(table, classifier).items()}
    # A model trained on labels lacking some never predicts them: its 0 recall there is not a measured weakness
    unlearned = [label for label in LABELS if label not in set(classifier.classes_) and label in set(table.labels)]
    never = (f"The model was trained without {', '.join(unlearned)} links and never predicts "
             f"{'that label' if len(unlearned) == 1 else 'those labels'}." if unlearned else "")
    if never:
        warnings.warn(never, UserWarning, stacklevel=2)
    if report:
        skipped = "".join(f"\n- {k}: {v}" for k, v in table.skipped.items()) or "\n- none"
        write_report(report, sections, intro=f"{_model_provenance(model, classifier)} on "
                     f"{', '.join(_named(labels, names))}: "
                     f"{len(table)} links judged from {len(set(table.groups))} sites. {never}\n\n"
                     f"Skipped links:{skipped}")
    return sections, dict(table.skipped)
