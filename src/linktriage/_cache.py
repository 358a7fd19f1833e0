"""A file of earlier page analyses (``--cache FILE``): re-scoring the same pages after a retraining skips parsing.

Nearly all of a scoring run is the analysis of pages (trafilatura, the link locator, the features), and none of
it depends on the model. With a cache, each page's analysis is kept in an SQLite file, keyed by everything it
depends on: the page as read (URL, final URL, HTTP status, content type, body), each row's target and anchor,
and the analysing code itself (a fingerprint of linktriage's source and of the extraction libraries' versions,
so an upgrade never reads analyses an older version made). A later run over the same pages reads the analyses
back and only the model and relevance run again.

An analysis no run has used for KEEP_DAYS days is dropped when a run opens the file (see _prune).

Values are zlib-compressed JSON, never pickle, so a cache file from elsewhere cannot run code; a value that does
not read back as the records it should be is a miss. The cache only saves time: a failed read is a miss and a
failed write is skipped, so a locked or full disk never costs a row.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import json
import math
import multiprocessing.util
import os
import sqlite3
import sys
import threading
import time
import types
import typing
import zlib
from importlib import metadata
from pathlib import Path
from typing import Sequence

from linktriage._exceptions import InputError
from linktriage._records import LINK_STATUSES, Backlink, FetchResult, LinkContext
from linktriage._remote import absolute, is_url
from linktriage.features import FEATURE_NAMES

__all__ = ["prepare_cache", "cache_in_process", "close_caches", "close_after_workers", "AnalysisCache",
           "code_fingerprint"]

#: SQLite's application_id header field: marks a file as a linktriage cache ("LTC1"), so another program's
#: database given by mistake is refused instead of written into.
APPLICATION_ID = 0x4C544331
#: the libraries whose versions change what a page's analysis holds (idna: hosts in punycode, for source domains
#: and target matching; dateparser, python-dateutil: the dates behind has_date; tld, babel: courlan's URL checks)
EXTRACTION_LIBRARIES = ("trafilatura", "htmldate", "justext", "readability-lxml", "lxml", "lxml_html_clean",
                        "charset-normalizer", "tldextract", "courlan", "idna", "dateparser", "python-dateutil",
                        "tld", "babel")
_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS pages (page TEXT PRIMARY KEY, summary BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS links (page TEXT NOT NULL, target TEXT NOT NULL, anchor TEXT NOT NULL,
                                  analysis BLOB NOT NULL, PRIMARY KEY (page, target, anchor)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS used (page TEXT PRIMARY KEY, day INTEGER NOT NULL) WITHOUT ROWID;
"""
#: days an analysis is kept after the last run that wrote or read it: a page fetched live again has other bytes,
#: so without this every re-score of live pages added a copy of every page (~14 KB each) to the file for good
KEEP_DAYS = 30
#: the largest entry read back: a page's record holds at most its main text, and pages are read up to
#: extract.MAX_HTML_CHARS characters (four bytes each in UTF-8 at worst)
MAX_ENTRY_BYTES = 64 * 1024 * 1024
#: seconds a process waits for another one's write (two analysis processes share the file)
BUSY_TIMEOUT = 30.0


@functools.cache
def code_fingerprint() -> str:
    """What the analysing code is: every source file of the linktriage package, the extraction libraries'
    versions, libxml2's (lxml built on the system's keeps its version when libxml2 is upgraded) and Python's
    (urllib.parse and the Unicode tables split URLs and text). Any change (a new release, an edited checkout)
    gives a new fingerprint."""
    import lxml.etree

    digest = hashlib.sha256(f"{sys.version}\0libxml2={lxml.etree.LIBXML_VERSION}\0".encode())
    package = Path(__file__).resolve().parent
    for path in sorted(package.rglob("*.py")):
        digest.update(path.relative_to(package).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    for name in EXTRACTION_LIBRARIES:
        try:
            digest.update(f"{name}={metadata.version(name)}\0".encode())
        except metadata.PackageNotFoundError:
            digest.update(f"{name}=-\0".encode())
    return digest.hexdigest()[:32]


def page_key(fetched: FetchResult) -> str:
    """Everything about a page as read that its analysis can depend on, and the code that analyses it.

    The fingerprint is in the key, not only in the file's meta table: a run that opened the file before a run of
    another version took it over (and emptied it) goes on writing, and neither may read what the other wrote.
    """
    digest = hashlib.sha256(code_fingerprint().encode() + b"\0")
    for part in (fetched.url, fetched.final_url, str(fetched.http_status), fetched.content_type, fetched.charset,
                 str(fetched.redirected)):
        encoded = part.encode("utf-8", "surrogatepass")
        digest.update(len(encoded).to_bytes(8, "big") + encoded)
    digest.update(fetched.body)
    return digest.hexdigest()


def _connect(path: str) -> sqlite3.Connection:
    # Each thread has its own connection (cache_in_process); another thread only closes it when the process exits.
    connection = sqlite3.connect(path, timeout=BUSY_TIMEOUT, isolation_level=None, check_same_thread=False)
    connection.execute("PRAGMA synchronous=NORMAL")  # with WAL: durable enough for a cache, no fsync per page
    # A file from elsewhere may carry SQL (a trigger, a view) calling functions: at least no function with side
    # effects runs (and such files are refused: _make_ready)
    connection.execute("PRAGMA trusted_schema=OFF")
    return connection


#: the cache files this process has made ready: one of them that breaks later is a miss for the next runs of a
#: long-lived process (the HTTP API makes its cache ready for every request), not an error
_READY: set[str] = set()


def prepare_cache(path: str | os.PathLike, option: str = "--cache") -> str | None:
    """Check ``path`` can be this run's cache and make it ready (created, or emptied when another version of the
    analysing code made it); returns it as an absolute path, valid in any worker process. Raises InputError, or
    when this process made the file ready before and it broke since (replaced, its folder removed), or another
    program holds it locked, warns and returns None: the run goes on without a cache."""
    try:
        ready = _prepare(path, option)
    except CacheLocked as exc:
        import warnings

        warnings.warn(f"{exc}: pages are analysed without the cache this run", stacklevel=2)
        return None
    except InputError as exc:
        if absolute(path) not in _READY:
            raise
        import warnings

        warnings.warn(f"{exc}; pages are analysed without it", stacklevel=2)
        return None
    _READY.add(ready)
    return ready


def _prepare(path: str | os.PathLike, option: str) -> str:
    path = os.fspath(path)
    if not path.strip():  # `--cache "$UNSET"`: a cache was meant, and "" would be an SQLite file in memory
        raise InputError(f"{option} is empty: give the cache file's path, or leave {option} out")
    if is_url(path):
        raise InputError(f"{option} {path}: the cache must be a local file (SQLite does not work over object "
                         "stores); give a path")
    path = absolute(path)
    if os.path.isdir(path):
        raise InputError(f"{option} {path} is a directory: give a file name, e.g. {os.path.join(path, 'cache.sqlite')}")
    if not os.path.isdir(os.path.dirname(path)):
        raise InputError(f"{option} {path}: the folder {os.path.dirname(path)} does not exist; create it first")
    if not os.access(os.path.dirname(path), os.W_OK):
        # SQLite keeps a cache's write-ahead log and its index beside the file, even to read it: a good cache in a
        # read-only folder was refused as if broken ("cannot use it as a cache"), with advice to delete it
        raise InputError(f"{option} {path}: the folder {os.path.dirname(path)} is read-only, and SQLite writes its "
                         "working files beside the cache, even to read it; copy the cache to a writable folder")
    try:
        connection = _connect(path)
        try:
            _make_ready(connection, path, option)
        finally:
            connection.close()
    except sqlite3.DatabaseError as exc:
        if isinstance(exc, sqlite3.OperationalError) and "locked" in str(exc):
            # another program holds it locked (for 30 s and more): its cache, not a broken file to delete
            raise CacheLocked(f"{option} {path} is locked by another program (it did not let go within "
                              f"{BUSY_TIMEOUT:g} s)") from None
        raise InputError(f"{option} {path}: cannot use it as a cache ({exc}); give a new file name, or delete the "
                         "file if it is an old linktriage cache") from None
    return path


class CacheLocked(Exception):
    """The cache file is locked by another program: the run goes on without it (docs/scale.md, "never a failure")."""


def _make_ready(connection: sqlite3.Connection, path: str, option: str) -> None:
    application_id = connection.execute("PRAGMA application_id").fetchone()[0]
    tables = connection.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]
    # An application id or a user version marks another program's database even before it has tables.
    marked = application_id or connection.execute("PRAGMA user_version").fetchone()[0]
    if application_id != APPLICATION_ID and (tables or marked):
        raise InputError(f"{option} {path} is a database, not a linktriage cache: give a new file name "
                         "(linktriage will not write into another program's data)")
    if connection.execute("SELECT count(*) FROM sqlite_master WHERE type IN ('trigger', 'view')").fetchone()[0]:
        # linktriage writes none: SQL of someone else's that would run on every write of ours
        raise InputError(f"{option} {path} holds triggers or views linktriage never writes: it was changed by "
                         "another program; give a new file name, or delete it")
    if not tables:
        # first, before anything writes the file's first page: pages freed by pruning can then be given back to
        # the file system
        connection.execute("PRAGMA auto_vacuum=INCREMENTAL")
        connection.execute(f"PRAGMA application_id={APPLICATION_ID}")
        connection.execute("PRAGMA journal_mode=WAL")  # readers never wait for the other process's writes
    connection.executescript(_SCHEMA)
    row = connection.execute("SELECT value FROM meta WHERE key = 'fingerprint'").fetchone()
    if row is None or row[0] != code_fingerprint():
        # Analyses of other code would give other features: they are dropped, not mixed in.
        connection.executescript("BEGIN; DELETE FROM pages; DELETE FROM links; COMMIT;")
        connection.execute("INSERT OR REPLACE INTO meta VALUES ('fingerprint', ?)", (code_fingerprint(),))
        if row is not None:
            import warnings

            warnings.warn(f"{option} {path}: made by another version of linktriage or its extraction libraries, "
                          "emptied (pages are analysed again this run)", stacklevel=4)
    if _PRUNED.get(path) != today():  # the HTTP API makes its cache ready for every request: once a day is enough
        _prune(connection)
        _PRUNED[path] = today()


#: cache file -> the day this process last pruned it
_PRUNED: dict[str, int] = {}


def today() -> int:
    """Days since 1970-01-01 (UTC): the unit in which the cache remembers when an analysis was last used."""
    return int(time.time() // 86400)


def _prune(connection: sqlite3.Connection) -> None:
    """Drop the analyses no run has used for KEEP_DAYS days (pages stored before ``used`` existed count as used
    today), then give the freed space back to the file system. Skipped when another run holds the write lock."""
    try:
        connection.execute("PRAGMA busy_timeout = 0")
        with connection:
            connection.execute("BEGIN IMMEDIATE")
            connection.execute("INSERT OR IGNORE INTO used SELECT page, ? FROM pages", (today(),))
            stale = "SELECT page FROM used WHERE day < ?"
            cutoff = (today() - KEEP_DAYS,)
            connection.execute(f"DELETE FROM links WHERE page IN ({stale})", cutoff)
            connection.execute(f"DELETE FROM pages WHERE page IN ({stale})", cutoff)
            connection.execute("DELETE FROM used WHERE day < ?", cutoff)
        connection.execute("PRAGMA incremental_vacuum")
    except sqlite3.Error:
        pass  # pruning only saves disk: the next run tries again


class AnalysisCache:
    """One process's connection to a cache file prepared by ``prepare_cache``."""

    def __init__(self, path: str) -> None:
        self.connection = _connect(path)
        row = self.connection.execute("SELECT value FROM meta WHERE key = 'fingerprint'").fetchone()
        # Another run with other code emptied it meanwhile: reading or writing would mix two codes' analyses.
        self.usable = row is not None and row[0] == code_fingerprint()
        self.patient = True  # writes wait up to BUSY_TIMEOUT for the write lock

    def lookup(self, key: str, backlinks: Sequence[Backlink]):
        """The summary and every row's LinkAnalysis stored for the page whose ``page_key`` is ``key``, or None
        unless all of them are there."""
        from linktriage.analyse import LinkAnalysis, PageSummary

        if not self.usable:
            return None
        try:
            # with the day a run last used it: one query, and a write only on a page's first use of the day
            row = self.connection.execute("SELECT pages.summary, used.day FROM pages LEFT JOIN used USING (page) "
                                          "WHERE pages.page = ?", (key,)).fetchone()
            if row is None:
                return None
            stored = {(target, anchor): value for target, anchor, value in self.connection.execute(
                "SELECT target, anchor, analysis FROM links WHERE page = ?", (key,))}
            wanted = [stored.get((b.target_url, b.anchor)) for b in backlinks]
            if any(value is None for value in wanted):
                return None
            summary = PageSummary(**_fields(PageSummary, _decode(row[0])))
            found = summary, [_analysis(LinkAnalysis, b.row, _decode(value)) for b, value in zip(backlinks, wanted)]
        except (sqlite3.Error, ValueError, TypeError, KeyError, zlib.error, RecursionError, OverflowError):
            return None  # locked too long, damaged, or written by hand: analysed again, never an error
        if row[1] is None or row[1] < today():
            self._mark_used(key)
        return found

    def _mark_used(self, key: str) -> None:
        """Remember that a run used this page today, so pruning keeps it."""
        try:
            self.connection.execute("INSERT OR REPLACE INTO used VALUES (?, ?)", (key, today()))
        except sqlite3.Error as exc:  # a page not marked is at worst pruned and analysed again
            self._after_write(exc)
            return
        self._after_write(None)

    def store(self, key: str, backlinks: Sequence[Backlink], summary, analyses) -> None:
        """Keep the analysis of the page whose ``page_key`` is ``key``."""
        if not self.usable:
            return
        links = {(b.target_url, b.anchor): _encode(_stored(a)) for b, a in zip(backlinks, analyses)}
        try:
            with self.connection:  # one transaction per page: a run stopped midway keeps every page it finished
                self.connection.execute("BEGIN IMMEDIATE")  # the write lock now, waiting for the other writer
                self.connection.execute("INSERT OR REPLACE INTO pages VALUES (?, ?)",
                                        (key, _encode(dataclasses.asdict(summary))))
                self.connection.executemany("INSERT OR REPLACE INTO links VALUES (?, ?, ?, ?)",
                                            [(key, target, anchor, value) for (target, anchor), value in links.items()])
                self.connection.execute("INSERT OR REPLACE INTO used VALUES (?, ?)", (key, today()))
        except (sqlite3.Error, UnicodeEncodeError) as exc:
            # a full disk, a lock held too long, or a target / anchor with a lone surrogate (SQLite text is UTF-8):
            # this page is analysed again next time
            self._after_write(exc)
            return
        self._after_write(None)

    def _after_write(self, failure: BaseException | None) -> None:
        """Whether the next writes wait for the write lock, after one that went through (None) or failed. A lock held
        past the timeout is not another run's page write (milliseconds) but a program keeping the file locked: the
        next writes do not wait for it (BUSY_TIMEOUT each) until one goes through."""
        if failure is None:
            self._wait(True)
        elif getattr(failure, "sqlite_errorcode", None) == sqlite3.SQLITE_BUSY:
            self._wait(False)

    def _wait(self, patient: bool) -> None:
        if patient != self.patient:
            self.connection.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT * 1000) if patient else 0}")
            self.patient = patient


#: open cache files by (path, process, thread): an SQLite connection must not cross a fork, and the HTTP API
#: scores requests in several threads
_OPEN: dict[tuple[str, int, int], AnalysisCache] = {}


def cache_in_process(path: str) -> AnalysisCache | None:
    """The cache at ``path`` for this process and thread, opened on first use; None when it cannot be opened."""
    key = (path, os.getpid(), threading.get_ident())
    if key not in _OPEN:
        try:
            connection = AnalysisCache(path)
        except sqlite3.Error:
            return None
        if not any(pid == os.getpid() for _, pid, _ in _OPEN):
            # multiprocessing's exit hook, unlike atexit, also runs in a pool's worker processes
            multiprocessing.util.Finalize(None, close_caches, exitpriority=0)
        _OPEN[key] = connection
    return _OPEN[key]


def close_caches() -> None:
    """Close this process's cache connections. SQLite removes the cache's -wal and -shm files when the last
    connection to it closes: workers that exited with theirs open left both beside the cache file after a run."""
    for key in [key for key in _OPEN if key[1] == os.getpid()]:
        try:
            _OPEN.pop(key).connection.close()
        except sqlite3.Error:  # a broken connection: nothing left to save
            pass


def close_after_workers(path: str) -> None:
    """Open the cache file and close it again, once the analysis workers have ended. Workers that close their
    connections at the same moment can each see the other one still open, and then neither removes the -wal and -shm
    files (1 run in 7); a connection that closes alone afterwards does."""
    try:
        connection = _connect(path)
        try:
            connection.execute("SELECT count(*) FROM meta").fetchone()  # a read opens the WAL, which the close ends
        finally:
            connection.close()
    except sqlite3.Error:  # the file broke meanwhile: its companions are the least of it
        pass


def _stored(analysis) -> dict:
    stored = dataclasses.asdict(analysis)
    del stored["row"]  # the row is the export's; the same link is another row in another export
    return stored


def _analysis(record, row: int, stored: dict):
    context = stored.pop("context")
    if context is not None:
        context = LinkContext(**{**_fields(LinkContext, context), "rel": tuple(context["rel"])})
    features = stored.pop("features")
    if features is not None:
        features = _features(features)
    checked = _fields(record, {"row": row, "context": None, "features": None, **stored})
    if checked["link_status"] not in LINK_STATUSES:
        raise ValueError(f"link_status {checked['link_status']!r}")
    return record(**{**checked, "context": context, "features": features})


def _fields(record, values: dict) -> dict:
    """``values`` when they are exactly ``record``'s fields, each of its type; else ValueError. An entry edited by
    hand (a number for a text, a missing key) would otherwise end the run later, or give another row."""
    kinds = _field_types(record)
    if not isinstance(values, dict) or set(values) != set(kinds):
        raise ValueError("not the record's fields")
    for name, value in values.items():
        if not _is_a(value, kinds[name]):
            raise ValueError(f"{name} is not {kinds[name]}")
    return values


@functools.cache
def _field_types(record) -> dict:
    return typing.get_type_hints(record)


def _is_a(value, kind) -> bool:
    if kind == tuple[str, ...]:  # a JSON list
        return isinstance(value, list) and all(isinstance(v, str) for v in value)
    if isinstance(kind, types.UnionType):  # int | None, LinkContext | None, ...: checked apart when not None
        return value is None or any(_is_a(value, k) for k in typing.get_args(kind) if k is not type(None))
    if kind is int:  # not isinstance: True is an int; and one pandas and Parquet can hold
        return type(value) is int and -2**63 <= value < 2**63
    if kind in (str, bool):
        return type(value) is kind
    return True  # a nested record (context, features): checked by the caller


def _features(stored) -> dict[str, float]:
    if not isinstance(stored, dict) or set(stored) != set(FEATURE_NAMES):
        raise ValueError("not the model's features")
    features = {name: float(stored[name]) for name in FEATURE_NAMES}  # float() refuses lists, dicts and None
    if any(isinstance(stored[name], (bool, str)) or not math.isfinite(value) for name, value in features.items()):
        raise ValueError("a feature that is not a finite number")
    return features


def _encode(value: dict) -> bytes:
    return zlib.compress(json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8", "surrogatepass"))


def _decode(value: bytes) -> dict:
    inflate = zlib.decompressobj()
    # A few KB that inflate to gigabytes (written by hand) must be a miss, not the end of the machine's memory.
    text = inflate.decompress(value, MAX_ENTRY_BYTES)
    if inflate.unconsumed_tail:
        raise ValueError("an entry larger than any analysis")
    decoded = json.loads(text.decode("utf-8", "surrogatepass"))
    if not isinstance(decoded, dict):
        raise ValueError("not a record")
    return decoded
