"""Compressed exports, read as they are: a ``.csv.gz`` or a ZIP download holding one table.

Backlink tools hand out large exports compressed (Majestic's zipped CSVs, Search Console's ZIP downloads,
``gzip``-ed exports passed between colleagues). The one table inside is decompressed to a temporary file, and
that file is read like any other export: the format is detected from its start and its rows are read afterwards,
which needs a file, not a stream. Messages and the ``export_file`` column name the file the user gave.

A ZIP that is an Excel workbook (or another ZIP-based document) is not unpacked: ``_encoding.sniff`` says what
it is.
"""

from __future__ import annotations

import gzip
import os
import stat
import tempfile
import zipfile
import zlib

from linktriage._exceptions import InputError

__all__ = ["MAX_UNPACKED_BYTES", "Unpacker", "is_table", "listed"]

#: a bound on what one compressed export may expand to: a 1,000,000-row export is ~0.5-1 GB of CSV; a file that
#: decompresses past this is a decompression bomb or not an export, and would fill the disk
MAX_UNPACKED_BYTES = 4 * 1024**3
_TABLES = (".csv", ".tsv", ".xlsx")  # not .txt: a README beside the table
_CHUNK = 1024 * 1024


class Unpacker:
    """Decompresses exports into one temporary folder, removed by :meth:`close` (or when garbage-collected)."""

    def __init__(self) -> None:
        self._folder: tempfile.TemporaryDirectory | None = None

    def file(self, path: str | os.PathLike) -> str:
        """The file to read for the export at ``path``: ``path`` itself, or the table decompressed from it."""
        name = os.fspath(path)
        head = _head(path)
        if head.startswith(b"\x1f\x8b"):
            return self._gunzip(path, name)
        if head.startswith(b"PK\x03\x04"):
            member = _single_table(path, name)
            if member is not None:
                return self._unzip(path, name, member)
        return name

    def close(self) -> None:
        if self._folder is not None:
            self._folder.cleanup()
            self._folder = None

    def _target(self, filename: str) -> str:
        if self._folder is None:
            self._folder = tempfile.TemporaryDirectory(prefix="linktriage-export-")
        folder = tempfile.mkdtemp(dir=self._folder.name)  # one folder per export: two may share a member name
        return os.path.join(folder, os.path.basename(filename) or "export")

    def _gunzip(self, path: str | os.PathLike, name: str) -> str:
        inner = os.path.basename(name)
        inner = inner[:-3] if inner.lower().endswith(".gz") else inner + ".unpacked"
        try:
            with gzip.open(path, "rb") as stream:
                return self._copy(stream, name, inner)
        except (gzip.BadGzipFile, EOFError, zlib.error):
            raise InputError(f"{name} is a damaged or cut-off gzip file: compress or export it again") from None

    def _unzip(self, path: str | os.PathLike, name: str, member: zipfile.ZipInfo) -> str:
        try:
            with zipfile.ZipFile(path) as archive, archive.open(member) as stream:
                return self._copy(stream, name, member.filename)
        except RuntimeError:  # zipfile's word for an encrypted member opened without a password
            raise InputError(f"{name} is a password-protected ZIP: extract {member.filename!r} yourself and pass "
                             "it") from None
        except (zipfile.BadZipFile, EOFError, zlib.error, NotImplementedError, ValueError):
            raise InputError(f"{name} is a damaged ZIP file (or uses a compression Python cannot read): extract "
                             f"{member.filename!r} with another tool and pass it") from None

    def _copy(self, stream, name: str, inner: str) -> str:
        target = self._target(inner)
        written = 0
        try:
            with open(target, "wb") as out:
                while chunk := stream.read(_CHUNK):
                    written += len(chunk)
                    if written > MAX_UNPACKED_BYTES:
                        raise InputError(f"{name} expands to more than {_size(MAX_UNPACKED_BYTES)}: that is "
                                         "not one backlink export; extract it yourself and pass the tables inside")
                    out.write(chunk)
        except OSError as exc:  # e.g. the temporary folder's disk is full
            raise InputError(f"{name}: cannot decompress it into {os.path.dirname(target)} ({exc.strerror or exc}): "
                             "decompress it yourself and pass the file inside, or set TMPDIR to a roomier "
                             "folder") from None
        return target


def _size(count: int) -> str:
    return f"{count / 1024**3:g} GB" if count >= 1024**3 else f"{count / 1024**2:g} MB"


def _head(path: str | os.PathLike) -> bytes:
    """The first bytes of a regular file; b'' for anything else (pipes, folders, missing files), whose errors
    ``sniff`` reports: reading a pipe here would lose the start it needs."""
    try:
        if not stat.S_ISREG(os.stat(path).st_mode):
            return b""
        with open(path, "rb") as stream:
            return stream.read(4)
    except OSError:
        return b""


def is_table(member: str) -> bool:
    """Whether a ZIP member can be an export (CSV, TSV, XLSX): not a folder, nor one of the ``__MACOSX/`` copies
    and ``._name`` resource forks macOS adds when it zips a folder."""
    return (not member.endswith("/") and member.lower().endswith(_TABLES) and "__MACOSX/" not in member
            and not os.path.basename(member).startswith("."))


def listed(members: list[str]) -> str:
    """ZIP members for a message: the first five, quoted."""
    return ", ".join(repr(m) for m in members[:5]) + (", ..." if len(members) > 5 else "")


def _single_table(path: str | os.PathLike, name: str) -> zipfile.ZipInfo | None:
    """The one table (CSV, TSV, XLSX) in a ZIP download; None when the ZIP is itself a document (a workbook,
    an .ods) or holds no table, for ``sniff`` to describe. Several tables are refused: which one is the export
    is the user's choice."""
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return None  # sniff says it is damaged
    names = {m.filename for m in members}
    if "mimetype" in names or "[Content_Types].xml" in names or "Index/Document.iwa" in names:
        return None  # an Office, OpenDocument or Numbers file
    tables = [m for m in members if is_table(m.filename)]
    if len(tables) > 1:
        raise InputError(f"{name} is a ZIP holding {len(tables)} tables ({listed([m.filename for m in tables])}): "
                         "extract the backlink export and pass it (or pass each one you want scored)")
    return tables[0] if tables else None
