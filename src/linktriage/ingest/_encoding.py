"""What kind of file this is, before any parsing: an Excel workbook, text in some encoding, or something else.

Only the first :data:`SAMPLE_BYTES` are read. Files that are not exports (images, PDFs, archives, binaries, empty
files) are refused here with one line saying what they are.
"""

from __future__ import annotations

import codecs
import os
import re
import zipfile
from dataclasses import dataclass

from linktriage._exceptions import InputError
from linktriage._paths import is_stream
from linktriage.ingest._unpack import is_table, listed

__all__ = ["SAMPLE_BYTES", "Sniffed", "reading_codec", "sniff"]

SAMPLE_BYTES = 256 * 1024

_NOT_AN_EXPORT = "not a backlink export (CSV, TSV or XLSX)"
_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
#: the stream of an encrypted Office file, as its OLE2 directory names it (UTF-16)
_ENCRYPTED = "EncryptedPackage".encode("utf-16-le")
#: the first bytes of compressed files, and what compressed them (the predictions reader refuses them too)
COMPRESSIONS: tuple[tuple[bytes, str], ...] = (
    (b"\x1f\x8b", "gzip"), *((b"BZh%d1AY&SY" % level, "bzip2") for level in range(1, 10)), (b"\xfd7zXZ\x00", "xz"),
    (b"\x28\xb5\x2f\xfd", "zstd"),
)
_SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"\x89PNG\r\n\x1a\n", f"a PNG image, {_NOT_AN_EXPORT}"),
    (b"\xff\xd8\xff", f"a JPEG image, {_NOT_AN_EXPORT}"),
    (b"GIF87a", f"a GIF image, {_NOT_AN_EXPORT}"),
    (b"GIF89a", f"a GIF image, {_NOT_AN_EXPORT}"),
    (b"II*\x00", f"a TIFF image, {_NOT_AN_EXPORT}"),
    (b"MM\x00*", f"a TIFF image, {_NOT_AN_EXPORT}"),
    (b"%PDF-", f"a PDF document, {_NOT_AN_EXPORT}"),
    (_OLE2, "an old Excel .xls workbook: save it as .xlsx or CSV and pass that"),
    # a .gz reaches here only through detect_format or as a .gz inside a .gz (read_exports decompresses one)
    *((magic, f"{kind}-compressed: decompress it and pass the file inside") for magic, kind in COMPRESSIONS),
    (b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive: extract it and pass the CSV inside"),
    (b"Rar!\x1a\x07", "a RAR archive: extract it and pass the CSV inside"),
    (b"PAR1", f"a Parquet file, {_NOT_AN_EXPORT}"),
    (b"SQLite format 3\x00", f"an SQLite database, {_NOT_AN_EXPORT}"),
    (b"\x7fELF", f"an executable, {_NOT_AN_EXPORT}"),
)
_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32-le"), (codecs.BOM_UTF32_BE, "utf-32-be"), (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be"),
)
#: typographic punctuation at the same place in Windows-1250/1251/1252 (curly quotes, dashes, ellipsis, euro, ...)
_TYPOGRAPHIC = frozenset("‘’‚“”„‹›«»–—…•·€™©®°§\u00a0")
_NON_ASCII = re.compile(rb"[\x80-\xff]")
#: bytes from the first non-ASCII one that decide the encoding of a file whose start is ASCII
_WINDOW = 64 * 1024
# control characters that never occur in exported text (tab, newlines, form feed and escape can)
_CONTROL = bytes(set(range(32)) - {9, 10, 11, 12, 13, 27})


@dataclass(frozen=True, slots=True)
class Sniffed:
    """``kind`` is ``"xlsx"`` or ``"text"``; for text, ``encoding`` (without BOM), ``bom``, and the decoded start."""

    kind: str
    encoding: str = ""
    bom: bool = False
    sample: str = ""
    #: the sample is the whole file
    complete: bool = True

    @property
    def codec(self) -> str:
        return reading_codec(self.encoding, self.bom)


def reading_codec(encoding: str, bom: bool) -> str:
    """The codec that reads a file from its first byte, consuming its BOM (``utf-16-le`` + BOM -> ``utf-16``)."""
    if not bom:
        return encoding
    return {"utf-8": "utf-8-sig"}.get(encoding, encoding.rsplit("-", 1)[0])


def sniff(path: str | os.PathLike) -> Sniffed:
    name = os.fspath(path)
    if not name.strip():  # an unset shell variable: open("") fails as "no such file: ''", which names nothing
        raise InputError("an export's file name is empty: give the export's path")
    _refuse_pipes(path, name)
    try:
        with open(path, "rb") as stream:
            head = stream.read(SAMPLE_BYTES + 1)
    except FileNotFoundError:
        if re.match(r"(?i)https?://", name):  # a backlink given where an export's path goes
            raise InputError(f"{name}: no such file; exports are files (download the export first). To score links "
                             "without a file, give them as a CSV, or from Python as dicts: linktriage.score([{"
                             "'source_url': ..., 'target_url': ...}])") from None
        raise InputError(f"{name}: no such file") from None
    except IsADirectoryError:
        raise InputError(f"{name} is a directory: pass the export files inside it") from None
    except OSError as exc:
        raise InputError(f"{name}: cannot read it ({exc.strerror or exc})") from None
    complete = len(head) <= SAMPLE_BYTES
    head = head[:SAMPLE_BYTES]
    if not head:
        raise InputError(f"{name} is empty (0 bytes): export the backlinks again")
    if head.startswith(_OLE2) and (_ENCRYPTED in head or name.lower().endswith((".xlsx", ".xlsm"))):
        # Excel keeps an encrypted .xlsx in the container old .xls workbooks use
        raise InputError(f"{name} is a password-protected Excel workbook: remove its password (in Excel: File > Info "
                         "> Protect Workbook > Encrypt with Password, empty it) and save it, or save it as CSV")
    for magic, what in _SIGNATURES:
        if head.startswith(magic):
            raise InputError(f"{name} is {what}")
    if head[257:262] == b"ustar":  # a .tar (or a .tar.gz once decompressed)
        raise InputError(f"{name} is a tar archive: extract it and pass the CSV inside")
    if head[:12].startswith(b"RIFF") and head[8:12] == b"WEBP":
        raise InputError(f"{name} is a WebP image, {_NOT_AN_EXPORT}")
    if head.startswith(b"PK\x03\x04") or head.startswith(b"PK\x05\x06"):
        return _zip(path, name)
    encoding, bom = _encoding(head, name)
    if not complete and not bom and head.isascii():  # ASCII reads the same in UTF-8 and Windows-1252
        encoding = _past_ascii(path, name)
    sniffed = Sniffed("text", encoding, bom, complete=complete)
    sample = _decode(head, sniffed.codec, complete, name)
    if not sample.strip("\ufeff \t\r\n"):
        raise InputError(f"{name} is empty (no header line): export the backlinks again")
    return Sniffed("text", encoding, bom, sample, complete)


def _refuse_pipes(path: str | os.PathLike, name: str) -> None:
    """An export is read twice (its start to detect the format, then its rows): a pipe (``<(zcat x.csv.gz)``,
    ``/dev/stdin``) would lose the start, or wait forever for a writer; stat looks without opening it. ``-``,
    standard output for ``-o``, is standard input here to a user, and was "-: no such file"."""
    if os.fspath(path) == "-" and not os.path.exists(path):
        raise InputError("- (standard input) cannot be read as an export: it is read more than once, so save it to a "
                         "file first and pass that (a .csv.gz or .zip export can be passed as it is)")
    if is_stream(path):
        raise InputError(f"{name} is a pipe or device, not a file: it is read more than once, so save it to a file "
                         "first and pass that (a .csv.gz or .zip export can be passed as it is)")


def _zip(path: str | os.PathLike, name: str) -> Sniffed:
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.namelist()
            kind = archive.read("mimetype")[:100].decode("ascii", "replace") if "mimetype" in members else ""
    # (ValueError, NotImplementedError, RuntimeError: a damaged entry, a compression or an encryption zipfile lacks)
    except (zipfile.BadZipFile, OSError, ValueError, NotImplementedError, RuntimeError):
        raise InputError(f"{name} is a damaged ZIP or Excel file: export it again") from None
    if "xl/workbook.xml" in members:
        return Sniffed("xlsx")
    # other formats that are ZIPs inside: extracting them gives no CSV
    if "xl/workbook.bin" in members:
        raise InputError(f"{name} is a binary Excel workbook (.xlsb): save it as .xlsx or CSV and pass that")
    if kind.startswith("application/vnd.oasis.opendocument.spreadsheet"):
        raise InputError(f"{name} is an OpenDocument spreadsheet (.ods): save it as .xlsx or CSV and pass that")
    if kind or "[Content_Types].xml" in members or "Index/Document.iwa" in members:
        raise InputError(f"{name} is a document ({kind or 'Office or Numbers'}), {_NOT_AN_EXPORT}")
    tables = [m for m in members if is_table(m)]  # the unpacker's rule (reading an export, it found none)
    if tables:
        raise InputError(f"{name} is a ZIP archive, not an export: extract it and pass the table inside "
                         f"({listed(tables)})")
    files = [m for m in members if not m.endswith("/")]
    raise InputError(f"{name} is a ZIP archive holding no CSV, TSV or XLSX table ({listed(files) or 'empty'}): "
                     "pass the backlink export itself")


def _encoding(head: bytes, name: str) -> tuple[str, bool]:
    for bom, encoding in _BOMS:
        if head.startswith(bom):
            return encoding, True
    wide = _utf32_without_bom(head) or _utf16_without_bom(head)
    if wide:
        return wide, False
    return _text_encoding(head, name), False


def _past_ascii(path: str | os.PathLike, name: str) -> str:
    """The encoding of a file whose sampled start is ASCII, judged from its first non-ASCII bytes.

    A large Excel-saved export (Windows-1252) often has its first accented letter megabytes in: judged from the
    start it would be UTF-8, and reading would stop there. The rest is scanned (``bytes.isascii`` runs at memory
    speed) until a non-ASCII byte; :data:`_WINDOW` bytes from it decide. All ASCII: UTF-8.
    """
    with open(path, "rb") as stream:
        stream.seek(SAMPLE_BYTES)
        while chunk := stream.read(1 << 20):
            if chunk.isascii():
                continue
            # the bytes before are ASCII, so a UTF-8 sequence starts here, never in its middle
            window = chunk[_NON_ASCII.search(chunk).start():][:_WINDOW]
            window += stream.read(_WINDOW - len(window))
            return _text_encoding(window, name)
    return "utf-8"


def _text_encoding(head: bytes, name: str) -> str:
    """The encoding of text without BOM nor UTF-16/32 zero bytes: UTF-8, Windows-1252, or charset detection's."""
    if head.count(b"\x00") > len(head) // 100:  # a stray NUL in one cell (a bad copy) is not a binary file
        raise InputError(f"{name} is a binary file, {_NOT_AN_EXPORT}")
    try:
        codecs.getincrementaldecoder("utf-8")().decode(head, final=False)
        return "utf-8"
    except UnicodeDecodeError:
        pass
    if _damaged_utf8(head):
        return "utf-8"  # decoding it says where it is damaged
    controls = sum(head.count(bytes([c])) for c in _CONTROL)
    if controls > len(head) // 100:
        raise InputError(f"{name} is a binary file, {_NOT_AN_EXPORT}")
    if _western(head):
        return "cp1252"
    from charset_normalizer import from_bytes

    matches = list(from_bytes(head[:64 * 1024]))
    least = min((m.chaos for m in matches), default=0.0)
    # among equally clean readings, the Windows code page (what Excel writes) over Mac or DOS ones
    best = min((m for m in matches if m.chaos <= least), default=None,
               key=lambda m: not m.encoding.startswith("cp125"))
    if (best is None or not best.encoding.startswith("cp125")) and _western(head, "mac_roman"):
        # Excel for Mac's "CSV (Macintosh)"; charset detection does not offer Mac Roman at all
        return "mac_roman"
    if best is None:
        raise InputError(f"{name}: cannot tell its text encoding (tried UTF-8, UTF-16 and UTF-32 with or "
                         "without BOM, and charset detection): save it as UTF-8 CSV")
    return codecs.lookup(best.encoding).name


def _damaged_utf8(head: bytes) -> bool:
    """UTF-8 with a few invalid bytes (a bad copy, a pasted Windows-1252 cell): more valid multi-byte sequences
    than invalid bytes. Read in a single-byte encoding, its every accented letter would become two wrong ones."""
    text = codecs.getincrementaldecoder("utf-8")(errors="replace").decode(head, final=False)
    invalid = text.count("\ufffd")
    return sum(ord(ch) > 127 for ch in text) - invalid > invalid


def _western(head: bytes, codec: str = "cp1252") -> bool:
    """Windows-1252 (or ``codec``), what Excel writes on Western systems, when it reads as Latin text.

    charset detection is unreliable on short samples of mostly-ASCII exports (it prefers Baltic or Central European
    code pages for French or German text). Latin text has its accented letters between ASCII ones, while another
    single-byte alphabet (Cyrillic, Greek) read as Windows-1252 gives whole words of accented letters: those go to
    charset detection.
    """
    try:
        text = head.decode(codec)
    except UnicodeDecodeError:  # bytes undefined in Windows-1252
        return False
    marks = [i for i, ch in enumerate(text) if ord(ch) > 127]
    if not marks:
        return False
    # typographic punctuation is the same in the Windows code pages (and what the run test below is not about):
    # only the other marks are judged, so quotes neither fail Latin text nor pass a Central European one
    marks = [i for i in marks if text[i] not in _TYPOGRAPHIC]
    if sum(text[i].isalpha() for i in marks) < 0.8 * len(marks):
        return False
    in_long_runs, run = 0, 1
    for previous, current in zip(marks, marks[1:] + [-2]):
        if current == previous + 1:
            run += 1
            continue
        in_long_runs += run if run >= 3 else 0
        run = 1
    return in_long_runs <= 0.2 * len(marks)


def _utf16_without_bom(head: bytes) -> str:
    """UTF-16 without BOM shows as a NUL in every other byte when the text is mostly ASCII."""
    sample = head[:4096]
    half = len(sample) // 2
    if half < 8:
        return ""
    even_nuls, odd_nuls = sample[0::2].count(0), sample[1::2].count(0)
    if odd_nuls > 0.4 * half and even_nuls < 0.05 * half:
        return "utf-16-le"
    if even_nuls > 0.4 * half and odd_nuls < 0.05 * half:
        return "utf-16-be"
    return ""


def _utf32_without_bom(head: bytes) -> str:
    """UTF-32 without BOM: mostly-ASCII text has three NULs in every four bytes, the fourth not."""
    sample = head[:4096]
    quarter = len(sample) // 4
    if quarter < 8:
        return ""
    lanes = [sample[i::4][:quarter].count(0) for i in range(4)]
    if lanes[0] < 0.05 * quarter and min(lanes[1:]) > 0.95 * quarter:
        return "utf-32-le"
    if lanes[3] < 0.05 * quarter and min(lanes[:3]) > 0.95 * quarter:
        return "utf-32-be"
    return ""


def _decode(head: bytes, codec: str, complete: bool, name: str) -> str:
    try:
        return codecs.getincrementaldecoder(codec)().decode(head, final=complete)
    except UnicodeDecodeError as exc:
        before = head[:exc.start].decode(codec, errors="replace")
        line = before.count("\n" if "\n" in before else "\r") + 1
        raise InputError(f"{name}: not valid {codec} text at line {line}, byte {exc.start} ({exc.reason}; tried UTF-8, "
                         "UTF-16, UTF-32 and charset detection): the file is damaged or mixes encodings: save it as "
                         "UTF-8 CSV") from None
