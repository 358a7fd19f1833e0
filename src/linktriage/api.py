"""The Python API: score and train in-process, for notebooks and other audit tools.

    import linktriage

    frame = linktriage.score("backlinks.csv", pages=["pages.warc.gz"], niche="trail running shoes")
    frame = linktriage.score([{"source_url": ..., "target_url": ..., "anchor": ..., "html": "<html>..."}])
    model = linktriage.train("my-labels.csv", pages=["pages.warc.gz"])
    model.save("my-model.skops")
    result = linktriage.evaluate("held-out-labels.csv", pages=["pages.warc.gz"], model=model)

These functions only turn their arguments into what :mod:`linktriage.pipeline` takes (Backlink records, pages
given inline, :class:`~linktriage.pipeline.ScoreOptions`) and its rows into a DataFrame: the CLI, the HTTP API
and this module give the same rows for the same links.
"""

from __future__ import annotations

import dataclasses
import numbers
import os
import tempfile
import warnings
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterable, Iterator, Mapping, Sequence

from linktriage._exceptions import InputError, ModelError, named_as_given
from linktriage._records import OUTPUT_COLUMNS, Backlink, FetchResult
from linktriage.ingest._values import clean_url

if TYPE_CHECKING:
    import pandas as pd

    from linktriage.model import LinkClassifier

__all__ = ["score", "train", "evaluate", "Evaluation", "load_model", "inline_page"]

PathLike = str | os.PathLike
#: the column (or dict key) carrying a referring page's HTML given inline
HTML_COLUMN = "html"
#: DataFrame dtypes of the columns whose values may be missing (pandas' nullable types keep ints ints)
_DTYPES = {"http_status": "Int64", "toxic": "boolean", "confidence": "float64", "relevance": "float64",
           **{name: "float64" for name in OUTPUT_COLUMNS if name.startswith("p_")}}


def score(links: Any, pages: Sequence[PathLike] | PathLike = (), niche: str | None = None, site: str | None = None,
          model: "LinkClassifier | PathLike | None" = None, offline: bool = True, **options: Any) -> "pd.DataFrame":
    """Score backlinks; one DataFrame row per link, in input order, with the columns of the CLI's output.

    ``links`` is an export file or a list of export files (any format ``linktriage score`` reads), a DataFrame
    laid out like an export, or an iterable of dicts with ``source_url`` and optionally ``target_url``,
    ``anchor`` and metric columns. An ``html`` column / key holds the referring page itself: that page is
    judged from it and never fetched. ``pages`` are WARC archives of referring pages. With ``offline`` (the
    default) nothing is fetched and pages found neither inline nor in ``pages`` come out ``not_fetched``.
    ``model`` is a model from :func:`train` / :func:`load_model`, or a model file (default: the shipped model).
    Other keyword arguments are :class:`~linktriage.pipeline.ScoreOptions` fields (``embedder``,
    ``fetch_settings``, ``workers``, ``toxic_threshold``, ...).
    """
    import pandas as pd

    from linktriage.pipeline import score_backlinks

    score_options = _score_options(pages=pages, niche=niche, site=site, offline=offline, options=options)
    classifier = _model(model)
    rows: list[dict] = []
    given = _links(links, site=site)
    with given as (backlinks, supplied):
        for chunk in score_backlinks(backlinks, score_options, model=classifier, supplied=supplied):
            rows.extend(chunk)
    exports = [key for key in rows[0] if key not in OUTPUT_COLUMNS] if rows else list(given.export_columns)
    frame = pd.DataFrame(rows, columns=[*OUTPUT_COLUMNS, *exports])
    # Text columns of one type whatever the rows hold: with no row judged, `label` held only None and pandas made
    # it an object column, where other runs give a string column (pandas 3)
    text = frame["source_url"].dtype
    frame = frame.astype({**{name: text for name in OUTPUT_COLUMNS if frame[name].dtype != text}, **_DTYPES})
    if isinstance(links, pd.DataFrame) and len(links.index) == len(frame):
        # the caller's own row labels: `df["label"] = scored["label"]` aligns on them (a 0..n-1 index gave NaN)
        frame.index = links.index
    return frame


def train(labelled: Any, pages: Sequence[PathLike] | PathLike = (), *, cv: int = 5, with_shipped: bool = False,
          seed: int = 0, offline: bool = True, own_share: float | None = None,
          cache: PathLike | None = None) -> "LinkClassifier":
    """Train a model on labelled links; returns it fitted (``model.save(path)`` writes it, ``model.card_`` holds
    its grouped cross-validated metrics).

    ``labelled`` is a labelled file or a list of them (any export format plus a ``label`` column), or a DataFrame
    / iterable of dicts laid out the same way; as in :func:`score`, an ``html`` column holds a row's referring
    page itself. ``pages`` are WARC archives with the labelled links' pages; with ``offline=False`` pages found
    neither inline nor in them are fetched. Training needs usable links on pages of at least two
    sites (folds are grouped by site) unless ``with_shipped`` adds your labels to the shipped training data;
    ``own_share`` is then the share of the total weight they make together (default 0.5, as much as the shipped
    links; 0: each counts as one shipped link). ``cache`` is an SQLite file of page analyses, as in :func:`score`.
    """
    from linktriage.pipeline import train_model

    from linktriage.ingest import read_exports

    cache = _run_flags(cache, with_shipped=with_shipped, offline=offline)
    files = _as_files(labelled, keep=HTML_COLUMN, given_to="linktriage.train")
    with files as paths:
        try:
            # pages given inline, as score takes them: one table row per Backlink (see _links), so they line up
            supplied = (supplied_pages(list(read_exports(paths, every_row=files.every_row)), files.extra)
                        if files.extra else {})
            result = train_model(paths, pages=_paths(pages), cv=cv, with_shipped=with_shipped, seed=seed,
                                 offline=offline, supplied=supplied, own_share=own_share, cache=cache,
                                 names=files.names, every_row=files.every_row)
        except InputError as exc:
            raise named_as_given(exc, files.written, "labelled links") from None
    skipped = result.model.card_.get("skipped") or {}
    if skipped:  # the CLI prints them; a notebook saw nothing unless it read the card
        warnings.warn(f"linktriage.train used {result.model.card_['n_links']} labelled links and skipped "
                      f"{sum(skipped.values())}: {', '.join(f'{k} {v}' for k, v in skipped.items())} "
                      "(model.card_['skipped'])", UserWarning, stacklevel=2)
    return result.model


@dataclasses.dataclass(frozen=True)
class Evaluation:
    """What :func:`evaluate` measured: ``metrics`` per section ("real pages", and "generated pages" when there are
    any), each a :class:`linktriage.metrics.Metrics` (per-label precision / recall / F1 / support, macro-F1,
    accuracy, ECE, toxic-vs-rest AUC, confusion matrix); ``skipped``: labelled links left out, counted by reason
    (unknown label, page missing, link not on its page, ...); ``report``: REPORT.md when ``report`` was given."""

    metrics: dict
    skipped: dict
    report: Path | None = None


def evaluate(labelled: Any, pages: Sequence[PathLike] | PathLike = (), *,
             model: "LinkClassifier | PathLike | None" = None, report: PathLike | None = None, offline: bool = True,
             cache: PathLike | None = None) -> Evaluation:
    """Measure a model on labelled links, as ``linktriage evaluate`` does: ``labelled`` as for :func:`train` (files,
    a DataFrame or dicts, an ``html`` column giving pages inline), ``model`` a model from :func:`train` /
    :func:`load_model` or a model file (default: the shipped model), ``report`` a folder for REPORT.md,
    metrics.json and the reliability diagrams."""
    from linktriage.ingest import read_exports
    from linktriage.pipeline import evaluate_model

    cache = _run_flags(cache, offline=offline)
    classifier = _model(model)  # checked before the pages are read; a file is named as given in the report
    given = model if model is None or isinstance(model, (str, os.PathLike)) else classifier
    if report is not None and not isinstance(report, (str, os.PathLike)):
        raise InputError(f"report must be a folder path, got {type(report).__name__}")
    files = _as_files(labelled, keep=HTML_COLUMN, given_to="linktriage.evaluate")
    with files as paths:
        try:
            supplied = (supplied_pages(list(read_exports(paths, every_row=files.every_row)), files.extra)
                        if files.extra else {})
            sections, skipped = evaluate_model(paths, pages=_paths(pages), model=given, offline=offline,
                                               report=os.fspath(report) if report is not None else None,
                                               cache=cache, supplied=supplied, names=files.names,
                                               every_row=files.every_row)
        except InputError as exc:
            raise named_as_given(exc, files.written, "labelled links") from None
    return Evaluation(sections, skipped, Path(report) / "REPORT.md" if report is not None else None)


def load_model(path: PathLike | None = None) -> "LinkClassifier":
    """Load a model file written by :func:`train` / ``linktriage train`` (default: the shipped model)."""
    from linktriage.model import load_model as _load

    return _load(path)


def inline_page(url: str, html: str | bytes) -> FetchResult:
    """A page given by the caller, as the pipeline takes it: a ``200 OK`` HTML answer for ``url``."""
    if not isinstance(url, str) or not isinstance(html, (str, bytes, bytearray, memoryview)):
        # bytes() would make a number into that many NUL bytes, and a list of numbers into a page
        raise InputError(f"inline_page takes the page's URL as text and its HTML as text or bytes, got "
                         f"{type(url).__name__} and {type(html).__name__}")
    if isinstance(html, str):
        # Lone surrogates (from JSON or odd decoders) cannot be encoded: they become U+FFFD like any bad byte.
        body, charset = html.encode("utf-8", "replace"), "utf-8"
    else:
        body, charset = bytes(html), ""
    return FetchResult(url=url, status="ok", final_url=url, http_status=200, body=body,
                       content_type="text/html" + (f"; charset={charset}" if charset else ""), charset=charset)


def supplied_pages(backlinks: Sequence[Backlink], htmls: Sequence[object]) -> dict[str, FetchResult]:
    """Pages given inline, keyed by the (cleaned) source URL of their row; one page per URL."""
    supplied: dict[str, FetchResult] = {}
    given: dict[str, object] = {}
    first_row: dict[str, int] = {}
    for backlink, html in zip(backlinks, htmls):
        if html is None or (isinstance(html, float) and html != html) or (isinstance(html, (str, bytes)) and not html):
            continue  # no page given for this row (None, NaN in a DataFrame, "")
        if not isinstance(html, (str, bytes)):
            raise InputError(f"html of row {backlink.row} has type {type(html).__name__}: give the page's HTML as text "
                             "or bytes")
        url = backlink.source_url
        if backlink.error and clean_url(url)[1]:  # no page to keep: the source is no URL (a row without a target has
            continue                               # one, and its page is the same page as its other rows')
        if url in given and given[url] != html:
            raise InputError(f"two different html values for {url} (rows {first_row[url]} and {backlink.row}): a "
                             "page is judged once per source URL, so give each URL's html once or the same each time")
        given[url] = html
        first_row.setdefault(url, backlink.row)
        supplied[url] = inline_page(url, html)
    return supplied


def _score_options(*, pages, niche, site, offline, options: Mapping[str, Any]):
    from linktriage.pipeline import ScoreOptions

    for name, value in (("niche", niche), ("site", site)):
        if value is not None and not isinstance(value, str):
            raise InputError(f"{name} must be text, got {type(value).__name__}")
    known = {f.name for f in dataclasses.fields(ScoreOptions)} - {"pages", "niche", "site", "offline", "model"}
    unknown = sorted(set(options) - known)
    if unknown:
        raise InputError(f"unknown option(s) {', '.join(unknown)}: choose among {', '.join(sorted(known))}")
    if not isinstance(offline, bool):
        raise InputError(f"offline must be True or False, got {offline!r}")
    return ScoreOptions(pages=tuple(_paths(pages)), niche=niche, site=site, offline=offline,
                        **_option_values(options))


def _option_values(options: Mapping[str, Any]) -> dict[str, Any]:
    """The keyword options, checked as the CLI's option parser checks its own: unchecked, chunk_size=0 scored no
    link at all, toxic_labels="spam" meant the letters s, p, a, m, and other wrong values failed deep in the run."""
    from linktriage.output._toxic import check_labels
    from linktriage.sources.fetch import FetchSettings

    def whole(value: object) -> bool:
        return isinstance(value, numbers.Integral) and not isinstance(value, bool) and value >= 1

    options = dict(options)
    if "chunk_size" in options and not whole(options["chunk_size"]):
        raise InputError(f"chunk_size must be a whole number of at least 1, got {options['chunk_size']!r}")
    if options.get("workers") is not None and not whole(options["workers"]):
        raise InputError(f"workers must be None or a whole number of at least 1, got {options['workers']!r}")
    threshold = options.get("toxic_threshold", 0.0)
    if isinstance(threshold, bool) or not isinstance(threshold, numbers.Real) or not 0 <= threshold <= 1:
        raise InputError(f"toxic_threshold must be a number from 0 to 1, got {threshold!r}")
    if "toxic_labels" in options:
        labels = options["toxic_labels"]
        labels = list(labels) if isinstance(labels, Iterable) and not isinstance(labels, (str, bytes)) else labels
        if not isinstance(labels, list) or not all(isinstance(label, str) for label in labels):
            raise InputError(f"toxic_labels must be a list of labels, e.g. ['spam', 'link_farm'], got {labels!r}")
        options["toxic_labels"] = check_labels(labels)
    if options.get("fetch_settings") is not None and not isinstance(options["fetch_settings"], FetchSettings):
        raise InputError("fetch_settings must be a linktriage.sources.fetch.FetchSettings, got "
                         f"{type(options['fetch_settings']).__name__}")
    for name, kinds in (("scheduler", str), ("engine", str), ("embedder", str), ("cache", (str, os.PathLike)),
                        ("archive", (str, os.PathLike))):
        if options.get(name) is not None and not isinstance(options[name], kinds):
            what = {"scheduler": "an address", "engine": "a name", "embedder": "a name"}.get(name, "a path")
            raise InputError(f"{name} must be {what} as text, got {type(options[name]).__name__}")
    return options


def _run_flags(cache: object, **flags: object) -> str | None:
    """train's and evaluate's ``cache`` as a path, after their True / False options are checked, as score checks
    its own: unchecked, with_shipped="no" trained on the whole shipped set and cache=5 was a TypeError."""
    for name, value in flags.items():
        if not isinstance(value, bool):
            raise InputError(f"{name} must be True or False, got {value!r}")
    if cache is not None and not isinstance(cache, (str, os.PathLike)):
        raise InputError(f"cache must be a path as text, got {type(cache).__name__}")
    return os.fspath(cache) if cache is not None else None


def _model(model):
    from linktriage.model import LinkClassifier

    if model is None:
        return load_model()
    if isinstance(model, LinkClassifier):
        if not hasattr(model, "model_"):  # as load_model checks a file: found now, not at the first judged link
            raise ModelError("the model is not fitted: train it with linktriage.train or load one with "
                             "linktriage.load_model")
        return model
    if isinstance(model, (str, os.PathLike)):
        return load_model(model)
    raise InputError(f"model must be a model file's path or a LinkClassifier, got {type(model).__name__}")


def _paths(value: Sequence[PathLike] | PathLike | None) -> list[str]:
    if value is None:
        return []
    if isinstance(value, (str, os.PathLike)):
        return [os.fspath(value)]
    if isinstance(value, Iterable) and not isinstance(value, (bytes, Mapping)):
        paths = list(value)
        if all(isinstance(v, (str, os.PathLike)) for v in paths):
            return [os.fspath(v) for v in paths]
    raise InputError(f"pages must be a file path or a list of file paths, got {value!r:.80}")


class _links:
    """Context manager: ``links`` as (Backlink records, inline pages); tables go through a temporary CSV so that
    they are read exactly like export files (vendor headers, metric columns)."""

    def __init__(self, links: Any, *, site: str | None) -> None:
        self._links, self._site = links, site
        self._files = _as_files(links, keep=HTML_COLUMN)
        #: the export_* columns every row has (read_exports), known before any row: a table without rows has them
        self.export_columns: tuple[str, ...] = ()

    def __enter__(self) -> tuple[Iterator[Backlink] | list[Backlink], dict[str, FetchResult]]:
        from linktriage.ingest import read_exports

        paths = self._files.__enter__()
        try:
            htmls = self._files.extra
            rows, self.export_columns = _renamed(read_exports, paths, site=self._site, files=self._files)
            if not htmls:
                return rows, {}
            # one Backlink per table row (_mark_empty_rows keeps even empty ones), so the html values line up
            backlinks = list(rows)
            return backlinks, supplied_pages(backlinks, htmls)
        except BaseException as exc:  # __exit__ is not called when __enter__ raises: the temporary CSV stayed
            self._files.__exit__(type(exc), exc, exc.__traceback__)
            raise

    def __exit__(self, *exc: object) -> None:
        self._files.__exit__(*exc)


class _as_files:
    """Context manager: export paths as given, or a table (DataFrame, dicts) written to a temporary CSV.

    With ``keep``, that column is taken out of the table first and left in ``extra`` (one value per row).
    ``given_to`` is the function named in ``names`` for a table.
    """

    def __init__(self, value: Any, *, keep: str | None = None, given_to: str = "linktriage") -> None:
        self._value, self._keep, self._given_to = value, keep, given_to
        self._tmp: tempfile.TemporaryDirectory | None = None
        self.extra: list[object] = []
        #: the temporary CSV a table was written to (none for export files)
        self.written: list[str] = []
        #: what the caller gave, one name per path: the paths as given, or the table for its temporary CSV (gone
        #: once the call returns, so the model card and REPORT.md name the table instead)
        self.names: list[str] = []

    @property
    def every_row(self) -> bool:
        """Whether a table was written (not files given): its every row is a row, even one like the header
        (read_exports ``every_row``), so results and inline pages line up with the caller's rows."""
        return bool(self.written)

    def __enter__(self) -> list[str]:
        import pandas as pd

        value = self._value
        if isinstance(value, (str, os.PathLike)) or (isinstance(value, (list, tuple)) and value
                                                      and all(isinstance(v, (str, os.PathLike)) for v in value)):
            self.names = _paths(value)
            return list(self.names)
        if isinstance(value, (bytes, Mapping)) or not isinstance(value, (pd.DataFrame, Iterable)):
            raise InputError(f"links must be export file path(s), a pandas DataFrame or an iterable of dicts, "
                             f"got {type(value).__name__}")
        # cells with lone surrogates or NULs made writable, in a DataFrame as in dicts (html too: as HTML parsers do)
        frame = _text_cells(value) if isinstance(value, pd.DataFrame) else _frame_from_dicts(value)
        # matched as the reader matches other columns (case, spaces): "HTML" was kept as an export_ column instead
        kept = [c for c in frame.columns if self._keep and isinstance(c, str) and c.strip().lower() == self._keep]
        if len(kept) > 1:
            raise InputError(f"the table has {len(kept)} html columns ({', '.join(map(repr, kept))}): keep one")
        if kept:
            # every kind of missing value (None, NaN, pd.NA of a nullable string column, NaT) becomes None: no page
            column = frame[kept[0]].astype(object)
            self.extra = column.where(column.notna(), None).tolist()
            frame = frame.drop(columns=kept)
        if not len(frame.columns):  # rows without any value ({} or html alone): error rows below, one per row
            frame = pd.DataFrame({"source_url": [None] * len(frame)})
        frame = _mark_empty_rows(frame)
        self._tmp = tempfile.TemporaryDirectory(prefix="linktriage-")
        path = Path(self._tmp.name) / "links.csv"
        # "\r\n" between rows: the csv module then quotes cells holding a lone "\r" too, which the reader (as any
        # CSV reader) takes for a line break when it is left bare
        frame.to_csv(path, index=False, encoding="utf-8", lineterminator="\r\n")
        self.written = [str(path)]
        rows = f"{len(frame)} row{'' if len(frame) == 1 else 's'}"
        self.names = [f"(a {type(value).__name__} of {rows} given to {self._given_to})"]
        return [str(path)]

    def __exit__(self, *exc: object) -> None:
        if self._tmp is not None:
            self._tmp.cleanup()


def _mark_empty_rows(frame):
    """Keep rows without any value. The CSV reader skips blank lines (the trailing empty rows spreadsheets save),
    but a caller lining results up with its own rows needs one result per row: these come back as error rows, with
    an empty source_url and the reason "empty source URL", as a row with other values does."""
    empty = frame.apply(lambda column: column.isna() | (column.astype(str).str.strip() == "")).all(axis=1)
    if not empty.any():
        return frame
    frame = frame.copy()
    if "source_url" not in frame.columns:
        frame["source_url"] = None
    frame["source_url"] = frame["source_url"].astype(object)
    # a zero-width space: not blank to the reader, and stripped from URLs as spreadsheets' invisible characters are
    # (ingest clean_url), which leaves an empty source URL ("(empty row)" read as a URL with spaces)
    frame.loc[empty, "source_url"] = "\u200b"
    return frame


def _frame_from_dicts(items: Iterable[object]):
    import pandas as pd

    records = list(items)
    bad = next((i for i, r in enumerate(records) if not isinstance(r, Mapping)), None)
    if bad is not None:
        raise InputError(f"links[{bad}] is a {type(records[bad]).__name__}, not a dict: give dicts with source_url, "
                         "target_url, anchor and optional html")
    # the index keeps one row per dict even when no dict has a key (from_records alone makes zero rows of [{}])
    # (cleaned before the frame is built: pandas' string columns cannot hold a lone surrogate)
    return pd.DataFrame.from_records([{key: _cell_for(key)(value) for key, value in r.items()} for r in records],
                                     index=range(len(records)))


def _text_cells(frame):
    return frame.apply(lambda column: column.map(_cell_for(column.name)))


def _cell_for(column: object):
    """How a column's cells are made writable (see _encodable). Bytes outside the html column (URLs read from a
    database as bytes) read as UTF-8, as a file of them would be: they were written as the text "b'https://...".
    Bytes of HTML stay bytes, for the page's own charset to decide."""
    if isinstance(column, str) and column.strip().lower() == HTML_COLUMN:
        return _encodable
    return lambda value: _encodable(_utf8(value))


def _utf8(value: object) -> object:
    return bytes(value).decode("utf-8", "replace") if isinstance(value, (bytes, bytearray, memoryview)) else value


def _encodable(value: object) -> object:
    """A string with lone surrogates (from JSON or odd decoders) gets "?" for them: pandas' string columns, like
    any UTF-8 writer, cannot hold them. A NUL becomes U+FFFD (as HTML parsers read it): the reader takes a file
    holding one for a binary file, not an export."""
    if not isinstance(value, str):
        return value
    if "\x00" in value:
        value = value.replace("\x00", "\ufffd")
    if not value.isascii():
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            return value.encode("utf-8", "replace").decode("utf-8")
    return value


def _renamed(read_exports, paths: list[str], *, site: str | None, files: "_as_files"):
    """read_exports' rows and export columns, with the temporary file's name (``files.written``) in error messages
    replaced by what the caller gave; a table's rows are all rows, even one like the header."""
    try:
        backlinks = read_exports(paths, site=site, every_row=files.every_row)
    except InputError as exc:
        raise named_as_given(exc, files.written, "links") from None
    return _renaming(backlinks, files.written), backlinks.export_columns


def _renaming(backlinks: Iterator[Backlink], written: list[str]) -> Iterator[Backlink]:
    """The same for errors found once reading has begun (a cell over the CSV field limit, a runaway quote)."""
    try:
        yield from backlinks
    except InputError as exc:
        raise named_as_given(exc, written, "links") from None
