"""One HTTP request as linktriage makes it: the guarded client, the body read under caps, failures named.

The client resolves and checks addresses itself (``_netguard.GuardedBackend``), follows no redirects (the engine
does, checking each hop), ignores proxy variables and keeps no cookies; bodies are read raw and decoded by
``_fetch_body`` with caps. Transport exceptions become a :class:`Failure` whose reason is the FetchResult reason.
"""

from __future__ import annotations

import http.cookiejar
import os
import re
import ssl
import time
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from urllib.parse import quote, urljoin

import httpcore
import httpx

from linktriage.sources._archive_writer import Exchange
from linktriage.sources._fetch_body import (
    SNIFF_BYTES, BodyDecoder, BodyRefused, content_type_value, html_refusal, media_type, megabytes,
)
from linktriage.sources._fetch_settings import FetchSettings
from linktriage.sources._netguard import GuardedBackend, GuardError
from linktriage.sources._robots import ROBOTS_MAX_BYTES

__all__ = [
    "REDIRECT_STATUSES", "RETRY_STATUSES", "Answer", "Failure", "check_url", "failure_for", "make_client",
    "redirect_target", "request", "retry_after",
]

#: answers worth another attempt: the server is overloaded or briefly broken
RETRY_STATUSES = frozenset({408, 429, 500, 502, 503, 504, 520, 521, 522, 523, 524})
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
#: bodies of non-page answers (redirects, errors) are kept up to this size, for the archive
SMALL_BODY = 64_000
_OTHER_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*):(?!\d)")
#: a DNS name (IDNs arrive punycoded) or an IP literal. Each label ends at a dot that must be there: with the dot
#: optional, a long name followed by a stray character ("aaaa…a!") backtracked through every way of cutting it
#: into labels, exponential in its length (40 letters hung the process).
_LABEL = r"[A-Za-z0-9_][A-Za-z0-9_-]{0,62}"
_HOST = re.compile(rf"^(?:{_LABEL}\.)*{_LABEL}\.?$|^[0-9A-Fa-f:.]+$")
ACCEPT = "text/html,application/xhtml+xml;q=0.9,*/*;q=0.5"


def check_url(url: str) -> tuple[str, str]:
    """``(absolute URL to request, "")``, or ``("", reason)`` when ``url`` cannot be fetched.

    A URL without a scheme (``example.com/page``, as some exports write them) is taken as http.
    """
    text = url.strip()
    if not text:
        return "", "invalid URL: empty"
    if "://" not in text.split("?", 1)[0]:
        scheme = _OTHER_SCHEME.match(text)
        if scheme:  # mailto:, javascript:, data:, ... (but not "host:8080/page")
            return "", f"invalid URL: scheme {scheme.group(1).lower()}: is not fetched"
        text = "http://" + text.lstrip("/")
    try:
        parsed = httpx.URL(text)
    except (httpx.InvalidURL, ValueError, UnicodeError) as exc:
        return "", f"invalid URL: {exc}"
    if parsed.scheme not in ("http", "https"):
        return "", f"invalid URL: scheme {parsed.scheme}: is not fetched"
    host = parsed.raw_host.decode("ascii", errors="replace")
    if not host:
        return "", "invalid URL: no host"
    if not _HOST.match(host):
        return "", f"invalid URL: bad host name {host[:80]!r}"
    if len(host.rstrip(".")) > 253:  # DNS names stop there; the lookup would fail with the whole name as its reason
        return "", f"invalid URL: host name over 253 characters ({host[:40]}…)"
    try:
        parsed.host  # decodes punycode, as httpx does to build the request: "xn--zz" is no IDNA label
    except UnicodeError as exc:
        return "", f"invalid URL: bad host name {host[:80]!r} ({exc})"
    if parsed.port is not None and not 0 < parsed.port < 65536:
        return "", f"invalid URL: bad port {parsed.port}"
    return str(parsed.copy_with(fragment=None)), ""


def redirect_target(current: str, location: str) -> tuple[str, str]:
    """Where a redirect from ``current`` leads, checked like any URL: ``(URL, "")`` or ``("", reason)``."""
    try:
        joined = urljoin(current, location)
    except ValueError as exc:  # "http://[::1": urllib cannot even split it
        return "", f"invalid URL: {exc}"
    return check_url(joined)


@dataclass(slots=True)
class Answer:
    """One HTTP answer with its body read (or refused)."""

    url: str
    code: int
    headers: httpx.Headers
    body: bytes = b""
    refusal: str = ""
    exchange: Exchange | None = None
    retries: int = 0
    #: seconds a Retry-After asked for that were not waited (more than ``retry_after_cap``)
    wait_refused: float | None = None


@dataclass(slots=True)
class Failure:
    """No usable answer: the FetchResult status and reason, and whether another attempt may help."""

    status: str
    reason: str
    retryable: bool = False
    retries: int = 0
    #: the host itself cannot be reached (no address, refused, connect timeout, TLS): every URL on it fails alike
    whole_host: bool = False


def failure_for(exc: BaseException, settings: FetchSettings) -> Failure:
    """Name a transport exception the way a FetchResult reason should."""
    if isinstance(exc, GuardError):
        return Failure("error", exc.reason, whole_host=True)
    if isinstance(exc, httpx.ConnectTimeout):
        return Failure("error", f"connect timed out after {settings.connect_timeout:g} s", retryable=True,
                       whole_host=True)
    if isinstance(exc, httpx.TimeoutException):
        return Failure("error", f"timed out after {settings.read_timeout:g} s waiting for the server")
    if isinstance(exc, TimeoutError):
        return Failure("error", f"timed out: no complete answer within {settings.total_timeout:g} s")
    if isinstance(exc, httpx.ConnectError):
        tls = _tls_error(exc)
        if tls:
            return Failure("error", f"TLS error: {tls}", whole_host=True)
        return Failure("error", f"connection failed: {_short(exc)}", retryable=True, whole_host=True)
    if isinstance(exc, (httpx.ReadError, httpx.WriteError, httpx.RemoteProtocolError, httpx.CloseError)):
        return Failure("error", f"connection broken: {_short(exc)}", retryable=True)
    if isinstance(exc, (httpx.InvalidURL, httpx.UnsupportedProtocol)):
        return Failure("error", f"invalid URL: {exc}")
    if isinstance(exc, (httpx.TransportError, httpcore.NetworkError, OSError)):
        return Failure("error", f"network error: {_short(exc)}", retryable=True)
    return Failure("error", f"internal error: {type(exc).__name__}: {str(exc)[:120]}")


def _tls_error(exc: BaseException) -> str:
    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, ssl.SSLCertVerificationError):
            return f"certificate not trusted ({seen.verify_message})" if seen.verify_message else "certificate not trusted"
        if isinstance(seen, ssl.SSLError):
            return (seen.reason or str(seen)).lower().replace("_", " ")
        seen = seen.__cause__ or seen.__context__
    return ""


def _short(exc: BaseException) -> str:
    seen: BaseException | None = exc
    while seen is not None:  # the OS error underneath names the problem best: "connection refused", ...
        if isinstance(seen, OSError) and seen.errno:
            return os.strerror(seen.errno).lower()
        if isinstance(seen, OSError) and seen.strerror:
            return seen.strerror.lower()
        seen = seen.__cause__ or seen.__context__
    text = str(exc).strip()
    if "reset" in text.lower():
        return "connection reset"
    return (text or type(exc).__name__)[:120].lower().rstrip(".")


def retry_after(value: str | None) -> float | None:
    """Seconds a Retry-After header asks for (delta-seconds or HTTP-date), or None when absent or unreadable."""
    if not value:
        return None
    value = value.strip()
    if value.isascii() and value.isdigit():  # isdigit() alone takes "²" (byte 0xB2 read as latin-1), float() not
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        return None
    return max(0.0, when.timestamp() - time.time())


class _Client(httpx.AsyncClient):
    """An AsyncClient that leaves redirects alone entirely.

    Even with ``follow_redirects=False`` httpx builds the next request of a redirect inside ``send`` and raises
    on a Location it cannot parse ("javascript:...", "http://[::1") before the answer is returned: a broken
    Location would look like a broken connection, be retried, and hide the 3xx. The engine reads Location itself
    (:func:`redirect_target`), so the request httpx would build is never needed.
    """

    def _build_redirect_request(self, request: httpx.Request, response: httpx.Response) -> httpx.Request:
        return request  # becomes response.next_request, which nothing reads


#: pages in progress per httpcore connection pool (see _ShardedPool)
PAGES_PER_POOL = 16


class _ShardedPool:
    """Connection pools side by side, each origin always served by the same one.

    httpcore's pool walks all its connections for every waiting request, and all of them again for every idle
    one, each time a request starts or a response ends (encode/httpcore#1035). At 512 pages in progress on as
    many hosts that was 90 % of the fetcher's CPU: the event loop fell so far behind that healthy pages timed out.
    With ``PAGES_PER_POOL`` pages per pool the walks stay short. The engine already bounds the pages in progress
    (one request each at a time), so each pool may open up to ``pages`` connections and none ever makes a request
    wait for another pool's share; each keeps at most ``PAGES_PER_POOL`` connections alive once idle, so that the
    open sockets stay near ``pages`` (idle ones of finished hosts would otherwise pile up for the keep-alive
    time: 1,500 sockets at 512 pages, past the usual limit of 1,024 open files).
    """

    def __init__(self, pages: int, **options) -> None:
        keepalive = min(pages, PAGES_PER_POOL)
        self._pools = [httpcore.AsyncConnectionPool(max_connections=pages, max_keepalive_connections=keepalive, **options)
                       for _ in range(-(-pages // PAGES_PER_POOL))]

    async def handle_async_request(self, request: httpcore.Request) -> httpcore.Response:
        origin = request.url.origin
        pool = self._pools[hash((origin.scheme, origin.host, origin.port)) % len(self._pools)]
        return await pool.handle_async_request(request)

    async def aclose(self) -> None:
        for pool in self._pools:
            await pool.aclose()

    async def __aenter__(self) -> "_ShardedPool":
        return self

    async def __aexit__(self, *exc) -> None:
        await self.aclose()


def make_client(settings: FetchSettings) -> httpx.AsyncClient:
    ssl_context = httpx.create_ssl_context(trust_env=False)
    transport = httpx.AsyncHTTPTransport(verify=ssl_context, trust_env=False, retries=0)
    # httpx has no knob for the network backend: swap in pools whose backend checks resolved addresses.
    # One request per page in progress (robots.txt is fetched inside a page): concurrency bounds the connections.
    transport._pool = _ShardedPool(
        settings.concurrency, ssl_context=ssl_context, keepalive_expiry=5.0, http1=True, http2=False,
        network_backend=GuardedBackend(allow_private=settings.allow_private),
    )
    # Cookies live per page (see the engine's _Page); the client-wide jar refuses all so pages never share state.
    no_cookies = http.cookiejar.CookieJar(http.cookiejar.DefaultCookiePolicy(allowed_domains=[]))
    return _Client(
        transport=transport, follow_redirects=False, trust_env=False, cookies=no_cookies,
        timeout=httpx.Timeout(connect=settings.connect_timeout, read=settings.read_timeout,
                              write=settings.read_timeout, pool=settings.total_timeout),
        headers={"User-Agent": settings.user_agent, "Accept": ACCEPT, "Accept-Encoding": "gzip, deflate, br"},
    )


async def request(client: httpx.AsyncClient, url: str, cookies: httpx.Cookies, purpose: str,
                  settings: FetchSettings, *, archived: bool = True) -> Answer:
    """GET ``url`` and read its body: a page (``purpose="page"``, 2xx) whole under the caps, anything else
    (redirects, errors, robots.txt) up to a small size. Transport errors are raised, body refusals recorded."""
    req = client.build_request("GET", url)
    if cookies:
        cookies.set_cookie_header(req)
    response = await client.send(req, stream=True)
    try:
        if "set-cookie" in response.headers:
            cookies.extract_cookies(response)
        answer = Answer(url=url, code=response.status_code, headers=response.headers)
        if purpose == "page" and 200 <= response.status_code < 300:
            decoder = await _read_page(response, answer, settings)
        else:
            decoder = await _read_small(response, ROBOTS_MAX_BYTES if purpose == "robots" else SMALL_BODY)
        if decoder is not None and not answer.refusal:
            answer.body = decoder.body
        if archived:  # the request and response as they will be archived
            answer.exchange = _exchange(req, response, answer.body, decoder)
        return answer
    finally:
        await response.aclose()


async def _read_page(response: httpx.Response, answer: Answer, settings: FetchSettings) -> BodyDecoder | None:
    content_type = content_type_value(response.headers.get("content-type", ""))
    refusal = html_refusal(content_type, b"")
    if refusal and media_type(content_type) != "":
        answer.refusal = refusal  # a declared non-HTML type: no need to download it
        return None
    length = response.headers.get("content-length", "")
    if length.isdigit() and int(length) > settings.max_bytes:
        answer.refusal = f"body over {megabytes(settings.max_bytes)} (Content-Length {int(length):,})"
        return None
    try:
        decoder = BodyDecoder(response.headers.get("content-encoding", ""), max_raw=settings.max_bytes,
                              max_decoded=settings.max_decompressed_bytes)
        sniffed = False
        async for chunk in response.aiter_raw():
            decoder.feed(chunk)
            if not sniffed and len(decoder) >= SNIFF_BYTES:  # decide early: a 50 MB binary stops after 1 KB
                sniffed = True
                _refuse_unless_html(content_type, decoder.head())
        if not sniffed:
            _refuse_unless_html(content_type, decoder.head())
        decoder.finish()
    except BodyRefused as exc:
        answer.refusal = exc.reason
        return None
    return decoder


async def _read_small(response: httpx.Response, cap: int) -> BodyDecoder | None:
    try:
        decoder = BodyDecoder(response.headers.get("content-encoding", ""), max_raw=cap * 4, max_decoded=cap,
                              truncate=True)
        async for chunk in response.aiter_raw():
            decoder.feed(chunk)
            if decoder.done:
                break
    except BodyRefused:
        return None
    return decoder


def _refuse_unless_html(content_type: str, head: bytes) -> None:
    refusal = html_refusal(content_type, head)
    if refusal:
        raise BodyRefused(refusal)


def _exchange(request: httpx.Request, response: httpx.Response, body: bytes, decoder: BodyDecoder | None) -> Exchange:
    address = ""
    stream = response.extensions.get("network_stream")
    if stream is not None:
        try:
            address = str(stream.get_extra_info("server_addr")[0])
        except (TypeError, IndexError, AttributeError, OSError):
            address = ""
    target = request.url.raw_path.decode("ascii", errors="replace")
    return Exchange(
        url=str(request.url),
        request_line=f"GET {target} HTTP/1.1",
        request_headers=_archived_headers(request.headers),
        status_line=f"{response.http_version} {response.status_code} {response.reason_phrase}".strip(),
        response_headers=_archived_headers(response.headers),
        body=body, ip_address=address, truncated="length" if decoder is not None and decoder.truncated else "",
    )


_NON_ASCII = re.compile(r"[^\x00-\x7f]+")


def _archived_headers(headers: httpx.Headers) -> list[tuple[str, str]]:
    """Headers as the engine read them, in ASCII: a non-ASCII Location must lead to the same URL when read back.

    Values are decoded as httpx decodes them for the engine (UTF-8 when the bytes are UTF-8, else latin-1), and
    non-ASCII characters percent-encoded as UTF-8, which is what the engine's URL parsing does with them too.
    Left to warcio, a UTF-8 Location was read as latin-1 mojibake and an absolute one escaped whole
    ("http%3A//host/..."), so the archive's redirect led nowhere.
    """
    encoding = headers.encoding
    return [(name.decode(encoding), _NON_ASCII.sub(lambda m: quote(m.group()), value.decode(encoding)))
            for name, value in headers.raw]
