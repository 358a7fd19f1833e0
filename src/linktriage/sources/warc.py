"""Referring pages read from WARC archives (warcio).

The archive is indexed once (URL -> file and record offset, no bodies kept), then each page is read on demand
by seeking to its record, so a large archive costs memory per URL, not per byte. Pages are ``response`` records,
``resource`` records (a document archived without its HTTP answer, as warcit writes local files) and ``revisit``
records: a deduplicating crawler (Heritrix, wget --warc-dedup, Browsertrix) stores a page seen before as a revisit
that names the earlier capture, whose body is the page. Paths may also be fsspec URLs
(``s3://bucket/pages.warc.gz``, ``gs://...``, ``https://...``) when fsspec and the scheme's package (s3fs, gcsfs)
are installed: what Dask workers on other machines need.
"""

from __future__ import annotations

import logging
import os
import re
import zlib
from collections import Counter
from contextlib import AbstractContextManager
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator, Sequence
from urllib.parse import unquote, urljoin, urlsplit

from warcio.archiveiterator import ArchiveIterator
from warcio.bufferedreaders import ChunkedDataReader
from warcio.exceptions import ArchiveLoadFailed
from warcio.statusandheaders import StatusAndHeadersParser

from linktriage._domains import to_ascii_host
from linktriage._exceptions import InputError
from linktriage._remote import import_fsspec, is_url, url_filesystem
from linktriage._records import FetchResult
from linktriage.sources._fetch_body import (SNIFF_BYTES, BodyDecoder, BodyRefused, charset_of, content_type_value,
                                               html_refusal, megabytes, meta_refresh)
from linktriage.sources._fetch_settings import MAX_PAGE_BYTES
from linktriage.sources._quiet_warcio import quiet_warcio
from linktriage.sources._status import status_for_http

__all__ = ["WarcArchive", "url_key"]

MAX_REDIRECTS = 10

# warcio logs a warning for every record whose WARC-Target-URI holds spaces (archives of other tools) and encodes
# them itself; with logging not configured, Python printed each one raw on stderr, the URL's control characters
# included, once per such record. Its own handler keeps the records for an application that configures logging.
logging.getLogger("warcio").addHandler(logging.NullHandler())


def _open(path: str) -> AbstractContextManager:
    """A binary, seekable stream of a local file or of an fsspec URL."""
    return import_fsspec(path, "--pages").open(path, "rb").open() if is_url(path) else open(path, "rb")


def _exists(path: str) -> bool:
    if not is_url(path):
        return Path(path).is_file()
    filesystem, inner = url_filesystem(path, "--pages")
    try:
        return filesystem.isfile(inner)
    except OSError as exc:  # credentials, network
        raise InputError(f"--pages {path}: cannot reach it ({exc.__class__.__name__}: {str(exc)[:120]})") from None


def _starts_as_warc(stream) -> bool:
    """Whether the stream (rewound afterwards) opens with a WARC record, gzipped or not; an empty file does not."""
    head = stream.read(4096)
    stream.seek(0)
    if head[:2] == b"\x1f\x8b":
        try:
            head = zlib.decompressobj(31).decompress(head, 16)
        except zlib.error:
            return False
    return head.startswith(b"WARC/")


def whole_record(record) -> bool:
    """Whether a warcio record (read from its start, not yet read further) holds all the bytes its Content-Length
    promises: a killed writer or a cut copy leaves the last one short, and warcio reads the short one without
    complaint. Reads the record to its end."""
    expected = int(record.rec_headers.get_header("Content-Length") or 0)
    got = 0
    while block := record.raw_stream.read(1 << 20):
        got += len(block)
    return got >= expected


def _complete(entry: _Entry) -> bool:
    """Whether the record at ``entry`` is whole (see whole_record), and its gzip member too."""
    try:
        with _open(entry.path) as stream, quiet_warcio():
            if _member_cut(stream, entry.offset):
                return False
            stream.seek(entry.offset)
            return whole_record(next(iter(ArchiveIterator(stream, no_record_parse=True))))
    except (ArchiveLoadFailed, OSError, ValueError, EOFError, StopIteration, zlib.error):
        return False


def _member_cut(stream, offset: int) -> bool:
    """Whether the gzip member starting at ``offset`` is cut off by the end of the file (False for a member that
    ends, for damaged data and for an uncompressed record). A cut can leave the record's bytes whole and its
    member not, or leave too little of the record for warcio to parse (it stopped, or failed, without a word)."""
    stream.seek(offset)
    if stream.read(2) != b"\x1f\x8b":
        return False
    stream.seek(offset)
    member = zlib.decompressobj(16 + zlib.MAX_WBITS)
    try:
        while not member.eof:
            block = member.unconsumed_tail or stream.read(1 << 16)
            if not block:
                return True
            member.decompress(block, 1 << 20)  # bounded: a page is read up to 10 MB, a bomb costs no memory
    except zlib.error:
        return False
    return False


#: what a WARC gzip-compressed whole (``gzip pages.warc``) is, as the errors about it say
ONE_GZIP_STREAM = ("gzip-compressed as one stream (as `gzip pages.warc` makes), not one gzip member per record, so "
                   "its records cannot be read one by one")


def _unreadable(path: str, exc: Exception, damaged_at: int | None) -> InputError:
    """The error for an archive warcio cannot read: whole-file gzip, damage at byte ``damaged_at`` after good
    records, or no readable record at all."""
    if "non-chunked gzip" in str(exc):
        return InputError(f"--pages {path} is {ONE_GZIP_STREAM}: recompress it (`warcio recompress {path} "
                          "NEW.warc.gz`) or decompress it (gunzip), and pass that")
    why = f"{exc.__class__.__name__}: {_printable(exc)}"
    if damaged_at is not None:
        # A WARC with good records before the damage (a flipped byte, a bad copy): "not a WARC, pass one written by
        # linktriage fetch" misled, as it often is one. The records after it cannot be found.
        return InputError(f"--pages {path} is damaged at byte {damaged_at} ({why}): the pages after it cannot be "
                          "read; fetch them again into a new archive")
    return InputError(f"--pages {path}: not a readable WARC archive ({why}); pass a .warc or .warc.gz file such as "
                      "one written by `linktriage fetch`")


def _printable(exc: Exception) -> str:
    """An error on one line, without the raw bytes warcio quotes ("Invalid WARC record, first line: <binary>"),
    at most 120 characters."""
    text = " ".join(str(exc).split(" first line:")[0].split()).rstrip(",")
    return "".join(ch if ch.isascii() and ch.isprintable() else "?" for ch in text)[:120]


def url_key(url: str) -> str:
    """A lenient key for matching export URLs to archived URLs.

    Exports and archives disagree on scheme, ``www.``, letter case of the host, fragments, trailing slashes and
    percent-encoding (tools export ``/café`` or ``/~ann`` where the page wrote ``/caf%C3%A9`` or ``/%7Eann``);
    none of those changes which page is meant.
    """
    url = url.strip()
    if url.startswith("urn:"):
        return url
    if "//" not in url.split("?", 1)[0]:
        url = "http://" + url
    try:
        parts = urlsplit(url)
        host = (parts.hostname or "").lower().rstrip(".")
    except ValueError:  # "http://[::1", "http://[]/": not a URL any page is archived under, keep it as it is
        return url
    if not host.isascii():  # IDN: the unicode and punycode spellings name the same host
        try:
            host = to_ascii_host(host)
        except UnicodeError:
            pass
    if host.startswith("www."):
        host = host[4:]
    try:
        port = parts.port
    except ValueError:  # "host:abc": not a port, keep the URL as it is
        return url
    if port and port not in (80, 443):
        host = f"{host}:{port}"
    # decoded after the split: an encoded "?" or "#" stays part of the path
    path = unquote(parts.path).rstrip("/") or ""
    query = f"?{unquote(parts.query)}" if parts.query else ""
    return f"{host}{path}{query}"


#: query parameters that only tell analytics where a visit came from (Google's, Meta's, Microsoft's, Mailchimp's)
_TRACKING_PARAMETER = re.compile(r"(?:utm_[a-z_]+|gclid|dclid|fbclid|msclkid|mc_cid|mc_eid)(?:=|$)", re.I)


def _untagged(url: str) -> str:
    """``url`` without its campaign-tracking query parameters (_TRACKING_PARAMETER), its other parameters in order."""
    head, mark, rest = url.partition("?")
    if not mark:
        return url
    query, hash_mark, fragment = rest.partition("#")
    kept = [p for p in query.split("&") if p and not _TRACKING_PARAMETER.match(p)]
    return head + (f"?{'&'.join(kept)}" if kept else "") + (hash_mark + fragment)


@dataclass(frozen=True, slots=True)
class _Entry:
    path: str
    offset: int
    uri: str


@dataclass(frozen=True, slots=True)
class _Revisit:
    """What a revisit record says of the capture it repeats, to find that capture once every file is indexed."""
    entry: _Entry
    digest: str
    refers_to: str


class WarcArchive:
    """Pages from one or more WARC files, looked up by URL.

    ``get(url)`` returns a FetchResult, following archived redirects, or None when the URL is not archived.
    """

    def __init__(self, paths: Sequence[str | os.PathLike[str]] = ()) -> None:
        self.paths = [str(p).removeprefix("file://") for p in paths]
        self._exact: dict[str, _Entry] = {}
        self._lenient: dict[str, _Entry] = {}
        self._cut_off: set[_Entry] = set()  # the last record of a truncated file: its page is incomplete
        #: (archive read first, later archive) -> pages both hold: the later one's capture is never read
        self.shadowed: Counter[tuple[str, str]] = Counter()
        #: the same, for pages the later archive holds under another spelling of their URL (http / https, www.,
        #: a trailing slash): read from the later one only when an export spells the URL exactly as it does
        self.respelled: Counter[tuple[str, str]] = Counter()
        #: a revisit record -> the capture holding its page, None when no archive given holds that capture
        self._revisits: dict[_Entry, _Entry | None] = {}
        #: URL -> its later response records, in archive order (only for URLs captured more than once)
        self._recaptured: dict[str, list[_Entry]] = {}
        pending: dict[_Entry, _Revisit] = {}  # every revisit record, by its entry
        digests: dict[str, _Entry] = {}  # WARC-Payload-Digest -> the first capture with that payload
        #: URL -> its first capture, for URLs whose first record is a revisit (the capture is otherwise out of reach)
        behind: dict[str, _Entry] = {}
        failed_first: set[_Entry] = set()  # first captures the server failed (5xx, 429): a later one is read
        for path in self.paths:
            self._index(path, pending, digests, behind, failed_first)
        # resolved after every file is read: the earlier capture may sit in another archive, or later in this one
        for revisit in pending.values():
            self._revisits[revisit.entry] = self._original(revisit, digests, pending, behind)

    def _index(self, path: str, pending: dict[_Entry, _Revisit], digests: dict[str, _Entry],
               behind: dict[str, _Entry], failed_first: set[_Entry]) -> None:
        if not str(path).strip():  # Path("") is the working folder: "--pages  is a directory" named nothing
            raise InputError("--pages is empty: give a WARC archive's path (.warc.gz), or leave --pages out")
        if not _exists(path):
            if not is_url(path) and Path(path).is_dir():
                raise InputError(f"--pages {path} is a directory: pass its archives, e.g. --pages {path}/*.warc.gz")
            raise InputError(f"--pages {path}: no such file")
        last: _Entry | None = None
        try:
            with _open(path) as stream:
                if not _starts_as_warc(stream):
                    raise InputError(f"--pages {path}: not a WARC archive (it does not start with a WARC record); "
                                     "pass a .warc or .warc.gz file such as one written by `linktriage fetch`")
                records = ArchiveIterator(stream)
                with quiet_warcio():  # warcio prints its own multi-line warnings on stderr
                    for record in records:
                        if record.rec_type not in ("response", "resource", "revisit"):
                            continue
                        uri = record.rec_headers.get_header("WARC-Target-URI") or ""
                        last = _Entry(path, records.get_record_offset(), uri)
                        digest = record.rec_headers.get_header("WARC-Payload-Digest") or ""
                        if record.rec_type == "revisit":
                            refers_to = record.rec_headers.get_header("WARC-Refers-To-Target-URI") or ""
                            pending[last] = _Revisit(last, digest, refers_to)
                        elif digest:
                            digests.setdefault(digest, last)
                        # The first record of a URL wins: a re-fetch appended later does not hide the original.
                        first = self._exact.setdefault(uri, last)
                        failed = _server_failed(_indexed_status(record))
                        if failed and first is last:
                            failed_first.add(last)
                        if first is not last and first in pending and record.rec_type != "revisit":
                            behind.setdefault(uri, last)
                        if first is not last and record.rec_type == "response":
                            self._recaptured.setdefault(uri, []).append(last)
                        # a revisit in either archive repeats the other's page: nothing is hidden
                        # (a capture the server failed yields to this one: see _retried)
                        # (a web page: wget's "metadata://.../wget_arguments.txt" resources are in every archive)
                        page = uri.startswith(("http://", "https://"))
                        if (page and first.path != path and record.rec_type != "revisit" and first not in pending
                                and (first not in failed_first or failed)):
                            self.shadowed[(first.path, path)] += 1
                        lenient = self._lenient.setdefault(url_key(uri), last)
                        if (page and first is last and lenient.path != path and record.rec_type != "revisit"
                                and lenient not in pending):
                            self.respelled[(lenient.path, path)] += 1
                # warcio stops without a word at a gzip member cut off before its record's headers are whole: the
                # page was silently missing (not_fetched) where a record cut later is "page cut off"
                if records.offset < stream.seek(0, os.SEEK_END) and _member_cut(stream, records.offset):
                    last = self._cut_entry(path, records.offset) or last
        except InputError:
            raise
        except (ArchiveLoadFailed, OSError, ValueError, EOFError, AttributeError, StopIteration) as exc:
            # (warcio's parser fails with AttributeError on a record whose headers were cut before its URI)
            if last is None or not self._cut_at_end(path, records.offset):
                raise _unreadable(path, exc, None if last is None else records.offset) from None
            last = self._cut_entry(path, records.offset) or last  # checked below, as a cut read without an error
        if last is not None and not _complete(last):
            self._cut_off.add(last)

    @staticmethod
    def _cut_at_end(path: str, offset: int) -> bool:
        """Whether the record at ``offset`` is one the end of the file cut off (else: damage inside the file)."""
        try:
            with _open(path) as stream:
                return _member_cut(stream, offset)
        except OSError:
            return False

    def _cut_entry(self, path: str, offset: int) -> _Entry | None:
        """The record at ``offset``, which the end of the file cut off: indexed (then read as "page cut off") when
        what is left names a response or resource and its URL."""
        with _open(path) as stream:
            stream.seek(offset)
            data = stream.read(1 << 16)
        if data[:2] == b"\x1f\x8b":
            try:
                data = zlib.decompressobj(16 + zlib.MAX_WBITS).decompress(data, 1 << 16)
            except zlib.error:
                return None
        head, blank, _ = data.partition(b"\r\n\r\n")
        head += b"\r\n" if blank else b""  # every header line whole ends in a line break
        kind = re.search(rb"(?im)^WARC-Type:[ \t]*(\S+)[ \t]*\r?\n", head)
        uri = re.search(rb"(?im)^WARC-Target-URI:[ \t]*(\S+)[ \t]*\r?\n", head)  # a whole line: not a cut URI
        if not head.startswith(b"WARC/") or not kind or not uri or kind.group(1) not in (b"response", b"resource"):
            return None
        entry = _Entry(path, offset, uri.group(1).decode("utf-8", "replace").strip("<>"))
        self._exact.setdefault(entry.uri, entry)
        self._lenient.setdefault(url_key(entry.uri), entry)
        return entry

    def _original(self, revisit: _Revisit, digests: dict[str, _Entry], revisits: dict[_Entry, _Revisit],
                  behind: dict[str, _Entry], passed: frozenset[_Entry] = frozenset()) -> _Entry | None:
        """The capture a revisit repeats: the one with its payload digest, else the record of the URL it names
        (WARC 1.1 "server-not-modified" revisits may carry no digest), else an earlier capture of its own URL. A
        record found that way may be a revisit itself (a page deduplicated crawl after crawl): its capture, then.
        Where the URL's first record is the revisit (its archive given first), its capture in a later archive."""
        if revisit.digest in digests:
            return digests[revisit.digest]
        passed = passed | {revisit.entry}
        for uri in (revisit.refers_to, revisit.entry.uri):
            found = (self._exact.get(uri) or self._lenient.get(url_key(uri))) if uri else None
            if found is None or found in passed:
                continue
            if found not in revisits:
                return found
            deeper = self._original(revisits[found], digests, revisits, behind, passed)
            if deeper is not None:
                return deeper
        for uri in (revisit.refers_to, revisit.entry.uri):
            if uri and behind.get(uri) not in (None, *passed):
                return behind[uri]
        return None

    def with_absolute_paths(self) -> "WarcArchive":
        """This index, its local files named by absolute path: valid in a process with another working directory
        (a Dask worker). Nothing is read again."""
        absolute = {path: path if is_url(path) else os.path.abspath(path) for path in self.paths}
        if all(path == full for path, full in absolute.items()):
            return self
        moved: dict[_Entry, _Entry] = {}

        def move(entry: _Entry) -> _Entry:
            if entry not in moved:
                moved[entry] = _Entry(absolute[entry.path], entry.offset, entry.uri)
            return moved[entry]

        copy = WarcArchive()
        copy.paths = list(absolute.values())
        copy._exact = {url: move(entry) for url, entry in self._exact.items()}
        copy._lenient = {key: move(entry) for key, entry in self._lenient.items()}
        copy._cut_off = {move(entry) for entry in self._cut_off}
        copy._revisits = {move(entry): None if original is None else move(original)
                          for entry, original in self._revisits.items()}
        copy._recaptured = {url: [move(entry) for entry in entries] for url, entries in self._recaptured.items()}
        return copy

    def __len__(self) -> int:
        return len(self._exact)

    def __contains__(self, url: str) -> bool:
        return self._find(url) is not None

    def urls(self) -> Iterator[str]:
        """Every archived page URL (response, resource and revisit records), in archive order."""
        return iter(self._exact)

    def _find(self, url: str) -> _Entry | None:
        found = self._exact.get(url) or self._lenient.get(url_key(url))
        if found is None and self._lenient:
            # linktriage archives a page under the URL it requested, as httpx writes it ("/a b" -> "/a%20b",
            # "/x/../y" -> "/y", "é" -> "%C3%A9"): the export's own spelling must find it too
            from linktriage.sources._fetch_http import check_url  # here: _fetch_http imports this module's importers

            requested = check_url(url)[0]
            if requested and requested != url:
                found = self._exact.get(requested) or self._lenient.get(url_key(requested))
        if found is None and self._lenient:
            # an export's URL carrying campaign tags ("?utm_source=newsletter") names the page archived without them:
            # those parameters only tell analytics where a visit came from, never which page is served
            untagged = _untagged(url)
            if untagged != url:
                found = self._exact.get(untagged) or self._lenient.get(url_key(untagged))
        return found

    def get(self, url: str) -> FetchResult | None:
        """The archived page for ``url`` (redirects followed inside the archive), or None when not archived."""
        try:
            return self._get(url)
        except (FileNotFoundError, PermissionError, IsADirectoryError, NotADirectoryError, ArchiveChanged):
            # the archive file itself is gone or closed to this process (a Dask worker that does not see it): the
            # run's problem, said once by its engine, not every page's error row
            raise
        except Exception as exc:  # noqa: BLE001 - one archived record of thousands
            # A record no rule foresaw (an HTTP header warcio cannot parse, a file changed since it was indexed)
            # is its page's error row, not the end of the run. LINKTRIAGE_DEBUG=1 lets it through, traceback and all.
            if os.environ.get("LINKTRIAGE_DEBUG"):
                raise
            return FetchResult(url=url, status="error", reason="could not read the page from the archive "
                                                               f"({exc.__class__.__name__}: {_printable(exc)})")

    def _get(self, url: str) -> FetchResult | None:
        entry = self._find(url)
        if entry is None:
            return None
        # Records followed, not URLs: a loop is a record reached twice. Lenient URL keys (url_key) made
        # http -> https -> "/blog/" one URL, and the commonest redirect chains "loops".
        followed: list[_Entry] = [entry]
        redirected = False
        while True:
            original = self._revisits.get(entry, entry)
            if original is None:
                return FetchResult(url=url, status="error", final_url=entry.uri, redirected=redirected,
                                   reason="archived as a revisit of an earlier capture that none of the --pages "
                                          "archives holds: pass the archive with that capture too")
            if entry in self._cut_off or original in self._cut_off:
                return FetchResult(url=url, status="error", final_url=entry.uri,
                                   reason="page cut off: the archive ends inside its record (a truncated file)")
            code, headers, body, problem = self._read(entry, None if original is entry else original)
            if _server_failed(code):
                entry, (code, headers, body, problem) = self._retried(entry, (code, headers, body, problem))
            location = headers.get("location", "")
            if not (300 <= (code or 0) < 400 and location):
                status, reason = status_for_http(code)
                content_type = content_type_value(headers.get("content-type", ""))
                if status == "ok":  # judged like a live answer: an archived PDF or image is no page to read links in
                    refusal = problem or html_refusal(content_type, body[:1024])
                    if refusal:
                        status, reason, body = "error", refusal, b""
                # a page that moved by <meta http-equiv="refresh"> is followed as the live fetcher followed it
                location = meta_refresh(body, charset_of(content_type), entry.uri) if status == "ok" else ""
                if not location:
                    return FetchResult(
                        url=url, status=status, final_url=entry.uri, http_status=code,
                        body=body if status == "ok" else b"", content_type=content_type,
                        charset=charset_of(content_type), reason=reason, redirected=redirected,
                    )
            try:
                target = _redirect_target(entry.uri, location)
            except ValueError:  # "http://[::1": one archived page's broken header must not stop the run
                return FetchResult(url=url, status="error", final_url=entry.uri, http_status=code,
                                   reason=f"unusable redirect Location in archive: {location[:80]!r}",
                                   redirected=redirected)
            nxt = self._find(target) or self._find(urljoin(entry.uri, location))  # other tools' spelling
            if nxt is None:
                return FetchResult(url=url, status="not_fetched", final_url=target, http_status=code,
                                   reason="redirect target not in the archives", redirected=True)
            if nxt in followed:
                # a page that sets a cookie and redirects to itself: crawlers (wget, Heritrix) archive that answer,
                # then the page on their retry, a later capture of the same URL
                nxt = next((later for later in self._recaptured.get(nxt.uri, ()) if later not in followed), nxt)
            if nxt in followed or len(followed) > MAX_REDIRECTS:
                return FetchResult(url=url, status="error", final_url=target, http_status=code,
                                   reason="redirect loop in archive", redirected=True)
            followed.append(nxt)
            # (back on the same URL after a cookie check is no redirect: a live fetch ends there too, not redirected)
            entry, redirected = nxt, redirected or nxt.uri != entry.uri

    def _retried(self, entry: _Entry, answer: tuple) -> tuple[_Entry, tuple]:
        """A capture that failed on the server's side (5xx, 429) yields to a later capture of its URL that did not:
        the crawler's retry is the page (linktriage's own fetcher never archives such answers)."""
        for later in self._recaptured.get(entry.uri, ()):
            if later not in self._cut_off:
                again = _read_record(later)
                if not _server_failed(again[0]):
                    return later, again
        return entry, answer

    @staticmethod
    def _read(entry: _Entry, original: _Entry | None = None) -> tuple[int | None, dict[str, str], bytes, str]:
        """(HTTP status, headers, body, why the body is unusable or "") of the record at ``entry``; for a revisit,
        the body is its ``original``'s, and so is the HTTP answer when the revisit has none of its own or says
        "304 not modified"."""
        if original is None:
            return _read_record(entry)
        code, headers, _, _ = _read_record(entry)
        original_code, original_headers, body, problem = _read_record(original)
        if code is None or code == 304:
            return original_code, original_headers, body, problem
        # the revisit's own status, type and Location; the body as the original's headers encoded it
        encoding = {k: v for k, v in original_headers.items() if k in ("content-encoding", "transfer-encoding")}
        return code, {**{k: v for k, v in headers.items() if k not in encoding}, **encoding}, body, problem


def _indexed_status(record) -> int | None:
    """The HTTP status warcio parsed while indexing (response records of http(s) URLs), else None."""
    return _status_of(record.http_headers) if record.rec_type == "response" else None


def _status_of(http_headers) -> int | None:
    """The status code of warcio's parsed HTTP headers; None without them or for one that is no number."""
    if http_headers is None:
        return None
    try:
        return int(http_headers.get_statuscode())
    except (TypeError, ValueError):
        return None


def _server_failed(code: int | None) -> bool:
    return code is not None and (code >= 500 or code == 429)


class ArchiveChanged(InputError):
    """The archive no longer holds, where it was indexed, the record of the page: the run's error, not a page's."""

    def __init__(self, entry: _Entry) -> None:
        super().__init__(
            f"--pages {entry.path}: not the archive that was indexed (the record at byte {entry.offset:,} is no "
            f"longer that of {entry.uri}): the file was rewritten during the run, or a Dask worker sees another "
            "copy at that path; every worker must read the same copy")


def _read_record(entry: _Entry) -> tuple[int | None, dict[str, str], bytes, str]:
    """(HTTP status, headers, body, why the body is unusable or "") of one record.

    The record read must be the one indexed: another copy of the archive at the same path (a Dask worker's) put
    other pages' records at the offsets, and rows were judged on those pages, their links reported missing."""
    with _open(entry.path) as stream:
        stream.seek(entry.offset)
        try:
            record = next(iter(ArchiveIterator(stream)))
        except (ArchiveLoadFailed, StopIteration, EOFError, zlib.error, ValueError):
            raise ArchiveChanged(entry) from None
        if (record.rec_headers.get_header("WARC-Target-URI") or "") != entry.uri:
            raise ArchiveChanged(entry)
        if record.rec_type == "resource":  # a document without an HTTP answer: its WARC Content-Type says what
            body, problem = _capped(record.raw_stream)
            code, headers = 200, {"content-type": record.rec_headers.get_header("Content-Type") or ""}
        else:
            code, headers, body, problem = _http_answer(record)
        cut = record.rec_headers.get_header("WARC-Truncated")
        if cut is not None:  # Heritrix, warcprox, ... at their size or time cap, or a disconnect: says why, first
            body, problem = b"", f"page cut off: the crawler stored only part of it (WARC-Truncated: {cut[:40]})"
        return code, headers, body, problem


def _http_answer(record) -> tuple[int | None, dict[str, str], bytes, str]:
    """(HTTP status, headers, body, why the body is unusable or "") of a response or revisit record."""
    if record.http_headers is None and record.length and "application/http" in (
        record.rec_headers.get_header("Content-Type") or ""
    ):
        # warcio parses HTTP headers only for http(s) target URIs; archives keyed by urn: need it by hand.
        # (A revisit may hold nothing at all: no HTTP answer of its own, only the capture it repeats.)
        record.http_headers = StatusAndHeadersParser(["HTTP/1.0", "HTTP/1.1"]).parse(record.raw_stream)
    if record.http_headers is None:
        body, problem = _capped(record.raw_stream)
        return None, {}, body, problem
    headers = {k.lower(): v for k, v in record.http_headers.headers}
    body, problem = _decoded_body(record.raw_stream, headers)
    return _status_of(record.http_headers), headers, body, problem


def _redirect_target(base: str, location: str) -> str:
    """Where an archived redirect leads, resolved as the live fetcher resolved it when it archived the next hop
    (httpx escapes a space and removes the dot segments of an absolute URL; urljoin does neither, so the hop was
    not found). A Location the fetcher would refuse is joined plainly; urljoin may raise ValueError."""
    from linktriage.sources._fetch_http import redirect_target  # here: _fetch_http imports what imports this module

    target, problem = redirect_target(base, location.strip())
    return urljoin(base, location) if problem else target


_OVERSIZED = f"archived body over {megabytes(MAX_PAGE_BYTES)}"


def _decoded_body(stream, headers: dict[str, str]) -> tuple[bytes, str]:
    """An archived HTTP body with its Transfer- and Content-Encoding undone, and why it is unusable (or "").

    Decoded as the live fetcher decodes (BodyDecoder: gzip, deflate, br, stacked encodings, output bounded by the
    page cap), not by warcio's content_stream(), whose brotli reader fails with the brotli module linktriage
    installs (AttributeError on 'unused_data'): one br-encoded page ended the whole run. A body that does not
    decode but is HTML as stored is taken as stored, as warcio takes it: some archivers keep the decoded body
    under its original Content-Encoding header.
    """
    chunked = "chunked" in headers.get("transfer-encoding", "").lower()
    if chunked:
        stream = ChunkedDataReader(stream)  # de-chunked only (a body not chunked after all is read as it is)
    first = stream.read(1 << 20)
    try:
        # raw bytes: a page under the cap, compressed, is no bigger than the cap plus the format's overhead
        decoder = BodyDecoder(headers.get("content-encoding", ""), max_raw=2 * MAX_PAGE_BYTES,
                              max_decoded=MAX_PAGE_BYTES, truncate=True)
        chunk = first
        while chunk and not decoder.done:
            decoder.feed(chunk)
            chunk = stream.read(1 << 20)
        if not decoder.done:
            # A compressed body that stops before its end was cut (the crawler lost the connection): read as a
            # page, every link after the cut would be reported missing. The live fetcher refuses it too.
            decoder.finish()
    except BodyRefused as exc:
        if html_refusal("", first[:SNIFF_BYTES]) is not None:
            return b"", exc.reason
        return _capped(stream, first)
    if decoder.truncated:
        return decoder.body, _OVERSIZED
    length = headers.get("content-length", "").strip()
    if not chunked and length.isdigit() and decoder.raw_bytes < int(length):
        # The crawler lost the connection, or capped the body, and stored what it had: read as a page, every link
        # after the cut would be reported missing (the live fetcher refuses such a body too).
        return b"", (f"page cut off: the archive holds {decoder.raw_bytes:,} of the {int(length):,} bytes its "
                     "Content-Length announces")
    return decoder.body, ""


def _capped(stream, first: bytes = b"") -> tuple[bytes, str]:
    """A body as stored (``first``, then the rest of ``stream``) and _OVERSIZED when it is over the page cap. One
    byte past the cap is enough to refuse it: a 2 GB record (a video archived as a page) is not read into memory."""
    body = first + _read_up_to(stream, MAX_PAGE_BYTES + 1 - len(first))
    return body, _OVERSIZED if len(body) > MAX_PAGE_BYTES else ""


def _read_up_to(stream, size: int) -> bytes:
    """At most ``size`` bytes of ``stream``: read() of a decompressing stream may return fewer than asked."""
    chunks, left = [], size
    while left > 0:
        chunk = stream.read(min(left, 1 << 20))
        if not chunk:
            break
        chunks.append(chunk)
        left -= len(chunk)
    return b"".join(chunks)
