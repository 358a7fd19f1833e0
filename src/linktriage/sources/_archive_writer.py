"""Append fetched pages to a WARC archive that survives being killed at any moment.

Each record is its own gzip member, written with one call and flushed at once, so a killed run leaves
complete records plus at most one partial one at the end. :func:`prepare_archive` finds where the last
complete record ends and cuts the partial tail off before a new run appends, so the file stays readable.

Bodies are archived decoded (``Content-Encoding`` removed, kept as ``X-Archive-Orig-Content-Encoding``):
a reader then never has to inflate a compressed body, so an archived compression bomb cannot exist.
"""

from __future__ import annotations

import gzip
import io
import os
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

from warcio.archiveiterator import ArchiveIterator
from warcio.exceptions import ArchiveLoadFailed
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from linktriage._exceptions import InputError
from linktriage.sources._quiet_warcio import quiet_warcio
from linktriage.sources.warc import ONE_GZIP_STREAM, whole_record

__all__ = ["ArchiveWriter", "Exchange", "prepare_archive", "read_body", "repair_archive"]

_CHUNK = 1 << 20
#: headers describing the bytes on the wire, which the archived (decoded) body no longer matches
_WIRE_HEADERS = ("content-encoding", "transfer-encoding", "content-length")


def prepare_archive(path: str | os.PathLike[str]) -> bool:
    """Make ``path`` safe to append to; return True when it already holds complete records.

    A partial record left by a killed run is cut off. A file that is not a WARC archive at all raises
    InputError rather than being touched.
    """
    path = Path(path)
    if not path.exists() or path.stat().st_size == 0:
        return False
    gzipped = _starts_gzipped(path)
    size = path.stat().st_size
    with quiet_warcio():  # warcio prints multi-line warnings about what it cannot parse
        with open(path, "rb") as stream:
            good_end, starts_as_warc = (_gzip_complete_end if gzipped else _plain_complete_end)(stream)
        damaged = starts_as_warc and good_end < size and _complete_record_after(path, good_end, gzipped=gzipped)
    if not starts_as_warc:
        raise InputError(f"{path} exists and is not a WARC archive: choose another output file")
    if gzipped and _one_gzip_stream(path):
        raise InputError(f"{path} is {ONE_GZIP_STREAM}: recompress it first (`warcio recompress {path} NEW.warc.gz`) "
                         "or choose another output file")
    if damaged:
        # not a partial tail but damage inside the file: cutting there would delete the good records after it
        raise InputError(f"{path} is damaged at byte {good_end} and holds complete records after it: move it "
                         "away or choose another output file (`score --pages` refuses it too)")
    if good_end < size:
        with open(path, "r+b") as stream:
            stream.truncate(good_end)
            if not gzipped and good_end:
                stream.seek(good_end)
                stream.write(b"\r\n\r\n")  # the record separator the cut removed
    return good_end > 0


def _starts_gzipped(path: str | os.PathLike[str]) -> bool:
    with open(path, "rb") as stream:
        return stream.read(2) == b"\x1f\x8b"


def _one_gzip_stream(path: Path) -> bool:
    """Whether the first gzip member of a gzipped WARC holds more than one record (warcio cannot read on)."""
    with open(path, "rb") as stream:
        records = ArchiveIterator(stream, no_record_parse=True)
        try:
            for count, _ in enumerate(records):
                if count:
                    return False
        except ArchiveLoadFailed as exc:
            return "non-chunked gzip" in str(exc)
        except (ValueError, EOFError):
            return False
    return False


def _gzip_complete_end(stream: io.BufferedReader) -> tuple[int, bool]:
    """Offset just past the last complete gzip member, and whether the data starts with a WARC record."""
    good_end = position = 0
    inflater = zlib.decompressobj(31)
    head = b""
    while chunk := stream.read(_CHUNK):
        data = chunk
        while data:
            try:
                out = inflater.decompress(data, _CHUNK)
            except zlib.error:
                return good_end, head.startswith(b"WARC/")
            if len(head) < 5:
                head += out[:5]
            data = inflater.unconsumed_tail
            if inflater.eof:
                rest = inflater.unused_data
                good_end = position + len(chunk) - len(rest)  # rest is a suffix of this chunk
                inflater = zlib.decompressobj(31)
                data = rest
        position += len(chunk)
    return good_end, head.startswith(b"WARC/")


def _complete_record_after(path: Path, offset: int, *, gzipped: bool) -> bool:
    """Whether a complete WARC record starts somewhere after ``offset`` (the first unreadable byte).

    A killed run leaves a prefix of one record there, and a crash can leave zero bytes; neither holds a whole
    record. Only damage inside the file (a flipped byte, a bad copy) is followed by one. Read chunk by chunk:
    the damage may sit early in a large archive."""
    # an uncompressed record that failed starts at offset + 4 (after the blank-line separator): look past it
    mark, start = (b"\x1f\x8b\x08", offset + 1) if gzipped else (b"\r\nWARC/1.", offset + 5)
    whole = _whole_member_at if gzipped else _whole_record_at
    with open(path, "rb") as stream:
        position, carry = start, b""
        stream.seek(position)
        while chunk := stream.read(_CHUNK):
            data = carry + chunk
            at = data.find(mark)
            while at >= 0:
                if whole(stream, position - len(carry) + at):
                    return True
                at = data.find(mark, at + 1)
            carry = data[-(len(mark) - 1):]
            position += len(chunk)
            stream.seek(position)
    return False


def _whole_member_at(stream: io.BufferedReader, offset: int) -> bool:
    """Whether a complete gzip member holding a WARC record starts at ``offset``."""
    stream.seek(offset)
    inflater, head = zlib.decompressobj(31), b""
    try:
        while not inflater.eof and (chunk := stream.read(_CHUNK)):
            data = chunk
            while data and not inflater.eof:
                out = inflater.decompress(data, _CHUNK)
                head = head or out[:5]
                data = inflater.unconsumed_tail
    except zlib.error:
        return False
    return inflater.eof and head.startswith(b"WARC/")


def _whole_record_at(stream: io.BufferedReader, offset: int) -> bool:
    """Whether a complete uncompressed WARC record starts at ``offset`` (where "\\r\\nWARC/1." was found)."""
    stream.seek(offset + 2)
    try:
        return whole_record(next(iter(ArchiveIterator(stream, no_record_parse=True))))
    except (ArchiveLoadFailed, ValueError, EOFError, StopIteration):
        return False


def _plain_complete_end(stream: io.BufferedReader) -> tuple[int, bool]:
    """Offset just past the last complete record of an uncompressed WARC (blank-line separator excluded)."""
    good_end = 0
    starts_as_warc = stream.read(5) == b"WARC/"
    stream.seek(0)
    records = ArchiveIterator(stream, no_record_parse=True)
    try:
        for record in records:
            if not whole_record(record):
                break
            good_end = records.get_record_offset() + records.get_record_length()
    except (ArchiveLoadFailed, ValueError, EOFError):
        pass
    return good_end, starts_as_warc


def read_body(path: str, offset: int) -> bytes:
    """The body of the response record written at ``offset`` (as returned by :meth:`ArchiveWriter.write`)."""
    with open(path, "rb") as stream:
        stream.seek(offset)
        record = next(iter(ArchiveIterator(stream)))
        return record.content_stream().read()


def _lock(stream, path: str) -> None:
    try:
        import fcntl
    except ImportError:  # not POSIX: no advisory locks, run without
        return
    try:
        fcntl.flock(stream.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        raise InputError(f"{path} is being written by another linktriage run: wait for it or choose another file") from None


def repair_archive(path: str | os.PathLike[str]) -> None:
    """Cut a partial last record off ``path`` now, under the writers' lock, as the writer will when it opens: an
    archive that is also read (``score --pages X --archive X``) must be read as it will be appended to, or the
    cut-off page counts as archived (an error row, not fetched again) and later offsets point past the cut."""
    if not os.path.isfile(path):
        return
    with open(path, "ab") as stream:
        _lock(stream, str(path))
        prepare_archive(path)


@dataclass(frozen=True, slots=True)
class Exchange:
    """One HTTP request and its response, as archived: the body already decoded."""

    url: str
    request_line: str
    request_headers: Sequence[tuple[str, str]]
    status_line: str
    response_headers: Sequence[tuple[str, str]]
    body: bytes
    ip_address: str = ""
    #: "length" when the body was cut at a cap (WARC-Truncated)
    truncated: str = ""


class ArchiveWriter:
    """Appends request/response record pairs to a WARC file, each record flushed as written.

    Opening takes an exclusive lock on the file (two runs appending to one archive would interleave their
    records), then repairs a partial last record (:func:`prepare_archive`); ``had_records`` tells whether the
    file already held pages. Not thread-safe: the fetcher calls it from a single writer thread.
    """

    def __init__(self, path: str | os.PathLike[str], *, software: str, user_agent: str, robots: str) -> None:
        self.path = str(path)
        self._stream = open(self.path, "ab")
        try:
            _lock(self._stream, self.path)
            self.had_records = prepare_archive(self.path)
        except BaseException:
            self._stream.close()
            raise
        # records are appended as the file already holds them (a gzip member each, or plain), whatever its name
        # says: plain records after gzip members were cut off as a "partial tail" by the next resume, and gzip
        # members after plain records made the file damaged for every reader
        self._gzip = _starts_gzipped(self.path) if os.path.getsize(self.path) else self.path.endswith(".gz")
        self._buffer = io.BytesIO()
        # warcio serialises the record into memory; compressing it here (level 6, warcio uses 9) is several
        # times faster on HTML and lands each record in the file with one write.
        self._writer = WARCWriter(self._buffer, gzip=False)
        info = {"software": software, "format": "WARC File Format 1.1", "http-header-user-agent": user_agent,
                "robots": robots}
        self._write(self._writer.create_warcinfo_record(os.path.basename(self.path), info))

    def write(self, exchanges: Sequence[Exchange]) -> list[int]:
        """Append each exchange (request record, then response record); return where each response record starts."""
        offsets = []
        for exchange in exchanges:
            response = self._response(exchange)
            request = self._writer.create_warc_record(
                exchange.url, "request", payload=io.BytesIO(b""), length=0,
                http_headers=StatusAndHeaders(exchange.request_line, list(exchange.request_headers),
                                              is_http_request=True),
                warc_headers_dict={"WARC-Concurrent-To": response.rec_headers.get_header("WARC-Record-ID")},
            )
            self._write(request)
            offsets.append(self._stream.seek(0, os.SEEK_END))  # appends always land at the end
            self._write(response)
        return offsets

    def _response(self, exchange: Exchange):
        headers: list[tuple[str, str]] = []
        for name, value in exchange.response_headers:
            lower = name.lower()
            if lower in _WIRE_HEADERS:
                if lower != "content-length":
                    headers.append((f"X-Archive-Orig-{name}", value))
                continue
            headers.append((name, value))
        headers.append(("Content-Length", str(len(exchange.body))))
        protocol, _, status = exchange.status_line.partition(" ")
        warc_headers = {}
        if exchange.ip_address:
            warc_headers["WARC-IP-Address"] = exchange.ip_address
        if exchange.truncated:
            warc_headers["WARC-Truncated"] = exchange.truncated
        return self._writer.create_warc_record(
            exchange.url, "response", payload=io.BytesIO(exchange.body), length=len(exchange.body),
            http_headers=StatusAndHeaders(status, headers, protocol=protocol), warc_headers_dict=warc_headers,
        )

    def _write(self, record) -> None:
        self._buffer.seek(0)
        self._buffer.truncate()
        self._writer.write_record(record)
        data = self._buffer.getvalue()
        self._stream.write(gzip.compress(data, compresslevel=6) if self._gzip else data)
        self._stream.flush()

    def close(self) -> None:
        self._stream.close()
