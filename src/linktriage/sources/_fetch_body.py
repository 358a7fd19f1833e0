"""Response bodies: incremental Content-Encoding decoding under a size cap, and deciding whether a body is HTML.

httpx would decode a compressed body whole; a 200 KB gzip of zeros then becomes 200 MB in memory. Here each
raw chunk is decoded with an output limit (zlib ``max_length``, brotli ``output_buffer_limit``) so a bomb is
stopped after at most ``limit`` decoded bytes, whatever its ratio.
"""

from __future__ import annotations

import re
import zlib

import brotli

__all__ = ["BodyDecoder", "BodyRefused", "charset_of", "content_type_value", "html_refusal", "media_type", "megabytes",
           "meta_refresh"]

#: enough of the body to tell HTML from something else
SNIFF_BYTES = 1024

_HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
#: declared types that say nothing reliable: decided by sniffing the first bytes
_VAGUE_TYPES = frozenset({
    "", "text/plain", "application/octet-stream", "binary/octet-stream", "unknown/unknown",
    "application/unknown", "*/*", "application/x-unknown-content-type",
})
_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"%PDF-", "PDF document"), (b"\x89PNG\r\n\x1a\n", "PNG image"), (b"\xff\xd8\xff", "JPEG image"),
    (b"GIF87a", "GIF image"), (b"GIF89a", "GIF image"), (b"RIFF", "RIFF media"), (b"PK\x03\x04", "ZIP archive"),
    (b"\x1f\x8b", "gzip data"), (b"BZh", "bzip2 data"), (b"\xfd7zXZ\x00", "xz data"), (b"7z\xbc\xaf", "7-zip archive"),
    (b"Rar!", "RAR archive"), (b"\x7fELF", "executable"), (b"MZ", "executable"), (b"OggS", "Ogg media"),
    (b"ID3", "MP3 audio"), (b"fLaC", "FLAC audio"), (b"wOFF", "web font"), (b"wOF2", "web font"),
    (b"\x00\x00\x01\x00", "icon"), (b"\x1aE\xdf\xa3", "Matroska/WebM video"), (b"\xd0\xcf\x11\xe0", "Office document"),
)
_MP4 = re.compile(rb"^....ftyp", re.DOTALL)
#: bytes that never occur in text (WHATWG "binary data byte")
_BINARY = re.compile(rb"[\x00-\x08\x0b\x0e-\x1a\x1c-\x1f]")
_BOMS = (b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")
_MARKUP = re.compile(
    rb"<(?:!doctype\s+html|html|head|body|title|meta|link|script|style|div|p|a|table|h[1-6]|br|!--)[\s>/]",
    re.IGNORECASE,
)
_CHARSET = re.compile(r"""charset\s*=\s*["']?\s*([A-Za-z0-9._:+-]+)""", re.IGNORECASE)


class BodyRefused(Exception):
    """A body that will not be kept: over a cap, undecodable or not HTML; ``reason`` is the FetchResult reason."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def megabytes(n: int) -> str:
    """``5_000_000`` -> ``"5 MB"``; small caps keep their bytes (``"64 KB"``, ``"512 bytes"``)."""
    if n >= 1_000_000:
        return f"{n / 1_000_000:g} MB"
    if n >= 1_000:
        return f"{n / 1_000:g} KB"
    return f"{n} bytes"


def content_type_value(value: str) -> str:
    """The one Content-Type a browser reads from a header sent more than once, which httpx joins with ", "
    (``"text/plain, text/html; charset=utf-8"`` -> ``"text/html; charset=utf-8"``): the last valid type, keeping
    an earlier charset of the same type when the last one names none (WHATWG Fetch, "extract a MIME type")."""
    if "," not in value:
        return value
    essence, charset = "", ""
    for part in value.split(","):
        kind = media_type(part)
        if "/" not in kind or kind == "*/*":
            continue
        if kind != essence:
            essence, charset = kind, charset_of(part)
        else:
            charset = charset_of(part) or charset
    if not essence:
        return value
    return f"{essence}; charset={charset}" if charset else essence


def media_type(content_type: str) -> str:
    """``"Text/HTML; charset=UTF-8"`` -> ``"text/html"``."""
    return content_type.split(";", 1)[0].strip().lower()


def charset_of(content_type: str) -> str:
    """The charset a Content-Type header declares, lower case, or ``""``."""
    match = _CHARSET.search(content_type)
    return match.group(1).lower() if match else ""


def html_refusal(content_type: str, head: bytes) -> str | None:
    """Why a 2xx body is not HTML, or None when it is.

    ``head`` is the start of the decoded body (:data:`SNIFF_BYTES` or all of it). A declared HTML type is
    believed unless the bytes are plainly binary (an image or archive served as text/html); a vague or missing
    type needs HTML markup near the start; any other type is refused by name.
    """
    declared = media_type(content_type)
    if declared not in _HTML_TYPES and declared not in _VAGUE_TYPES:
        return f"not HTML: {declared}"
    binary = _binary_kind(head, charset_of(content_type) if declared in _HTML_TYPES else None)
    if binary is not None:
        return f"not HTML: {binary} served as {declared}" if declared else f"not HTML: {binary} without a Content-Type"
    if declared in _VAGUE_TYPES and head and not _MARKUP.search(head):
        return f"not HTML: {declared} without HTML markup" if declared else "not HTML: no Content-Type and no HTML markup"
    return None


#: scrapy's METAREFRESH_MAXDELAY: a page that waits longer before it moves on is read as the page it is
MAX_REFRESH_DELAY = 100
#: a <meta> refresh belongs in the <head>: only the start of a body is searched
_REFRESH_SCAN = 65_536
_REFRESH_WORD = re.compile(rb"refresh", re.IGNORECASE)


def meta_refresh(body: bytes, charset: str, url: str) -> str:
    """Where the page's ``<meta http-equiv="refresh" content="N; url=...">`` sends a browser within
    MAX_REFRESH_DELAY seconds, as an absolute URL; "" when it sends it nowhere else (no refresh, a longer wait, a
    reload without a URL or of the page itself, one inside <script> or <noscript>) or nowhere a fetch may go
    (javascript:, data:, a bad host: the page is then read as it is). A page that moved this way is followed like
    an HTTP redirect, live and in archives alike."""
    head = body[:_REFRESH_SCAN]
    if not _REFRESH_WORD.search(head):  # nearly every page: no need to decode and scan it
        return ""
    from w3lib.html import get_meta_refresh  # scrapy's parser of the attribute's many spellings

    from linktriage.extract import decode_html  # as the page is read: never raises ("charset=idna", "undefined")

    text = decode_html(head, charset)
    try:
        delay, target = get_meta_refresh(text, baseurl=url)
    except ValueError:  # a URL w3lib cannot even split ("http://[::1"): nowhere to go, the page stays
        return ""
    if target is None or delay > MAX_REFRESH_DELAY or target.split("#")[0] == url.split("#")[0]:
        return ""
    from linktriage.sources._fetch_http import redirect_target  # here: _fetch_http imports this module

    return "" if redirect_target(url, target)[1] else target


def _binary_kind(head: bytes, html_charset: str | None = None) -> str | None:
    """What binary a body is, or None. ``html_charset`` (the declared charset, "" for none) is given for a body
    declared HTML: a browser renders it whatever bytes it holds, so stray control bytes in real markup (a
    vertical tab in a <title>, one NUL) or a UTF-16 page without a byte order mark do not make it binary; only a
    file signature, or control bytes with no markup or more than one in a hundred (and more than two), do."""
    for magic, kind in _MAGIC:
        if head.startswith(magic):
            return kind
    if _MP4.match(head):
        return "MP4 media"
    if head.startswith(_BOMS):  # UTF-16 text legitimately holds NUL bytes
        return None
    head = head[:SNIFF_BYTES]
    if not _BINARY.search(head):
        return None
    if html_charset is not None:
        if html_charset.startswith(("utf-16", "utf-32")):  # NUL bytes are the encoding's: judge the text
            try:
                head = head.decode(html_charset, errors="replace").encode("utf-8")
            except (LookupError, UnicodeError):
                pass
        stray = len(_BINARY.findall(head))
        if _MARKUP.search(head) and (stray <= 2 or stray * 100 <= len(head)):
            return None
    return "binary content"


class _Layer:
    """One Content-Encoding, decoded with a bound on the output of each call."""

    def __init__(self, encoding: str) -> None:
        self.encoding = encoding
        self._brotli = brotli.Decompressor() if encoding == "br" else None
        # deflate is zlib-wrapped per the RFC, raw in practice for some servers: try the former first
        self._wbits = {"gzip": 47, "x-gzip": 47, "deflate": 15}.get(encoding, 0)
        self._zlib = zlib.decompressobj(self._wbits) if self._wbits else None
        self._started = False

    def decode(self, data: bytes, limit: int) -> bytes:
        """Decode ``data``; the output is cut at ``limit + 1`` bytes, so more than ``limit`` means over the cap."""
        if self._brotli is not None:
            try:
                return self._brotli.process(data, output_buffer_limit=limit + 1)
            except brotli.error:
                raise BodyRefused("undecodable body: broken br (brotli) data") from None
        assert self._zlib is not None
        out = bytearray()
        while data and len(out) <= limit:
            try:
                out += self._zlib.decompress(data, limit + 1 - len(out))
            except zlib.error:
                if self.encoding == "deflate" and not self._started:
                    self._zlib = zlib.decompressobj(-15)
                    self._started = True
                    continue
                raise BodyRefused(f"undecodable body: broken {self.encoding} data") from None
            self._started = True
            data = self._zlib.unconsumed_tail
            if self._zlib.eof and self._zlib.unused_data and self._wbits == 47:
                data = self._zlib.unused_data  # a second gzip member follows
                self._zlib = zlib.decompressobj(47)
        return bytes(out)

    @property
    def finished(self) -> bool:
        """Whether the compressed stream reached its proper end (trailer included)."""
        if self._brotli is not None:
            return self._brotli.is_finished()
        assert self._zlib is not None
        return self._zlib.eof


class BodyDecoder:
    """Decode a raw body chunk by chunk, refusing it once raw bytes exceed ``max_raw`` or decoded bytes ``max_decoded``.

    ``truncate=True`` keeps the first bytes instead of refusing (robots.txt files and error pages, where the
    start is all that matters); :attr:`truncated` tells whether that happened.
    """

    def __init__(self, content_encoding: str, *, max_raw: int, max_decoded: int, truncate: bool = False) -> None:
        encodings = [e.strip().lower() for e in content_encoding.split(",") if e.strip()]
        encodings = [e for e in encodings if e != "identity"]
        unknown = [e for e in encodings if e not in ("gzip", "x-gzip", "deflate", "br")]
        if unknown:
            raise BodyRefused(f"unsupported Content-Encoding: {unknown[0]}")
        # Encodings are listed in the order applied: undo them last to first.
        self._layers = [_Layer(e) for e in reversed(encodings)]
        self.max_raw, self.max_decoded, self.truncate = max_raw, max_decoded, truncate
        self.raw_bytes = 0
        self.truncated = False
        self._out = bytearray()

    @property
    def body(self) -> bytes:
        return bytes(self._out)

    def __len__(self) -> int:
        return len(self._out)

    def head(self, n: int = SNIFF_BYTES) -> bytes:
        return bytes(self._out[:n])

    @property
    def done(self) -> bool:
        """True once a truncating decoder holds all it will keep."""
        return self.truncated

    def feed(self, raw: bytes) -> None:
        if self.truncated:
            return
        self.raw_bytes += len(raw)
        if self.raw_bytes > self.max_raw:
            if not self.truncate:
                raise BodyRefused(f"body over {megabytes(self.max_raw)}")
            raw = raw[: len(raw) - (self.raw_bytes - self.max_raw)]
            self.truncated = True
        data = raw
        room = self.max_decoded - len(self._out)
        for layer in self._layers:
            data = layer.decode(data, room)
            if len(data) > room:
                break
        if len(data) > room:
            if not self.truncate:
                what = "decompressed body" if self._layers else "body"
                bomb = " (compression bomb?)" if self._layers else ""
                raise BodyRefused(f"{what} over {megabytes(self.max_decoded)}{bomb}")
            data = data[:room]
            self.truncated = True
        self._out += data

    def finish(self) -> None:
        """Refuse a body whose compressed stream stops before its end: the server cut it (its Content-Length
        counted the cut stream), and read as a page, the links after the cut would be reported missing."""
        for layer in self._layers:
            if not layer.finished:
                raise BodyRefused(f"undecodable body: {layer.encoding} data cut off")
