"""A misbehaving HTTP/1.1 server for fetch tests and the fetch benchmark (asyncio, in a background thread).

It speaks just enough HTTP by hand to misbehave on purpose: slow headers, drip-fed bodies, connection resets,
compression bombs, endless bodies, binary served as HTML, redirect loops, 429/503 with Retry-After, robots.txt
per host. It binds one port on one or more loopback addresses (127.x.y.z are all loopback on Linux), logs every
request, and tracks how many requests each host has in progress at once.

Routes (``<x>`` = a path segment, ``name`` = anything, used to tell pages apart):

    /page/name[?delay=s]           200 HTML                     /status/<code>           that status
    /flaky/<n>/name                503 n times, then 200        /retry-after/<s>/<n>/name  429 + Retry-After n times
    /slow/<s>                      headers after s seconds      /drip                    1 byte every 0.2 s, forever
    /reset                         RST before any answer        /reset-body              RST in the middle of the body
    /hang-up                       closes without answering     /not-http                answers something else than HTTP
    /redirect/<n>                  n redirects, then a page     /loop/a, /loop/b         a -> b -> a
    /redirect-to?url=U[&code=302]  one redirect to U            /cookie-redirect         Set-Cookie + redirect to itself
    /bomb/<gzip|deflate|br>        100 MB of zeros, compressed  /gzip-page               a normal gzip-encoded page
    /gzip-cut                      a gzip page whose compressed stream stops short (Content-Length matches)
    /big/<mb>                      endless-looking page, chunked /big-cl/<mb>             same with Content-Length
    /binary-as-html                PNG bytes as text/html       /pdf                     application/pdf
    /charset/<utf8-header-latin1-body|missing|meta-only>       /nested/<depth>          deeply nested <div>s
    /no-type                       HTML without Content-Type    /text-plain              text/plain prose
    /headers/<code>?Name=value     that status with those response headers (values sent as latin-1 bytes)
    /robots.txt                    per host: ``server.robots[host] = (status, body[, headers])``; 404 by default;
                                   ``server.robots_delay[host]`` seconds late
"""

from __future__ import annotations

import asyncio
import gzip
import socket
import struct
import threading
import time
import zlib
from collections import Counter
from dataclasses import dataclass
from email.utils import formatdate
from urllib.parse import parse_qs, urlsplit

_BOMB_SIZE = 100_000_000
_bombs: dict[str, bytes] = {}
_bomb_lock = threading.Lock()


def bomb(encoding: str) -> bytes:
    """100 MB of zeros compressed with ``encoding`` (a few hundred KB at most), made once per process."""
    with _bomb_lock:
        if encoding not in _bombs:
            zeros = b"\0" * 1_000_000
            if encoding == "br":
                import brotli

                compressor = brotli.Compressor(quality=5)
                parts = [compressor.process(zeros) for _ in range(_BOMB_SIZE // len(zeros))]
                parts.append(compressor.finish())
            else:
                compressor = zlib.compressobj(9, zlib.DEFLATED, 31 if encoding == "gzip" else 15)
                parts = [compressor.compress(zeros) for _ in range(_BOMB_SIZE // len(zeros))]
                parts.append(compressor.flush())
            _bombs[encoding] = b"".join(parts)
        return _bombs[encoding]


def html_page(name: str, extra: str = "") -> bytes:
    return (f"<!DOCTYPE html><html><head><title>{name}</title></head><body><h1>{name}</h1>"
            f"<p>Some text about {name}. <a href='https://target.example/'>a link</a></p>{extra}</body></html>").encode()


@dataclass
class Hit:
    host: str
    path: str
    start: float
    end: float = 0.0
    headers: dict | None = None


class FaultServer:
    """Start with ``with FaultServer() as server:``; ``server.url("/page/a")`` is http://127.0.0.1:PORT/page/a."""

    def __init__(self, hosts: tuple[str, ...] = ("127.0.0.1",), latency: float = 0.0, ssl_context=None) -> None:
        self.hosts = hosts
        self.latency = latency
        self.ssl_context = ssl_context
        self.port = 0
        self.hits: list[Hit] = []
        self.robots: dict[str, tuple[int, str]] = {}
        #: seconds before a host's robots.txt answers
        self.robots_delay: dict[str, float] = {}
        self.in_flight: Counter[str] = Counter()
        self.max_in_flight: Counter[str] = Counter()
        self.total_in_flight = 0
        self.max_total_in_flight = 0
        self.counters: Counter[str] = Counter()
        self.bytes_sent: Counter[str] = Counter()
        self._lock = threading.Lock()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._servers: list[asyncio.base_events.Server] = []
        self._ready = threading.Event()
        self._thread: threading.Thread | None = None

    # --- lifecycle ----------------------------------------------------------------------------------------
    def __enter__(self) -> "FaultServer":
        self.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop()

    def start(self) -> None:
        self._thread = threading.Thread(target=self._serve, name="faultserver", daemon=True)
        self._thread.start()
        self._ready.wait(10)

    def _serve(self) -> None:
        self._loop = asyncio.new_event_loop()
        asyncio.set_event_loop(self._loop)
        self._loop.run_until_complete(self._bind())
        self._ready.set()
        try:
            self._loop.run_forever()
        finally:  # closed here, once stopped: left open, the collector warned "unclosed event loop" in a later
            # test, and a test counting its own warnings failed on it
            pending = asyncio.all_tasks(self._loop)
            if pending:
                self._loop.run_until_complete(asyncio.gather(*pending, return_exceptions=True))
            self._loop.close()

    async def _bind(self) -> None:
        for host in self.hosts:
            server = await asyncio.start_server(self._connection, host, self.port, backlog=1024, reuse_address=True,
                                                ssl=self.ssl_context)
            self.port = server.sockets[0].getsockname()[1]
            self._servers.append(server)

    def stop(self) -> None:
        if self._loop is None:
            return

        async def close() -> None:
            for server in self._servers:
                server.close()
            for task in asyncio.all_tasks():
                if task is not asyncio.current_task():
                    task.cancel()

        asyncio.run_coroutine_threadsafe(close(), self._loop).result(5)
        self._loop.call_soon_threadsafe(self._loop.stop)
        if self._thread is not None:
            self._thread.join(5)

    def url(self, path: str, host: str | None = None) -> str:
        scheme = "https" if self.ssl_context is not None else "http"
        return f"{scheme}://{host or self.hosts[0]}:{self.port}{path}"

    # --- bookkeeping --------------------------------------------------------------------------------------
    def paths(self) -> Counter[str]:
        """How many times each path was requested (robots.txt included)."""
        with self._lock:
            return Counter(hit.path for hit in self.hits)

    def count(self, key: str) -> int:
        with self._lock:
            self.counters[key] += 1
            return self.counters[key]

    # --- HTTP ---------------------------------------------------------------------------------------------
    async def _connection(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while True:
                try:
                    head = await reader.readuntil(b"\r\n\r\n")
                except (asyncio.IncompleteReadError, asyncio.LimitOverrunError, ConnectionError):
                    return
                lines = head.decode("latin-1").split("\r\n")
                method, target, _ = (lines[0].split(" ") + ["", ""])[:3]
                headers = {}
                for line in lines[1:]:
                    if ":" in line:
                        name, value = line.split(":", 1)
                        headers[name.strip().lower()] = value.strip()
                host = headers.get("host", "").rsplit(":", 1)[0]
                hit = Hit(host, target, time.monotonic(), headers=headers)
                with self._lock:
                    self.hits.append(hit)
                    self.in_flight[host] += 1
                    self.max_in_flight[host] = max(self.max_in_flight[host], self.in_flight[host])
                    self.total_in_flight += 1
                    self.max_total_in_flight = max(self.max_total_in_flight, self.total_in_flight)
                try:
                    keep = await self._route(method, target, headers, host, writer)
                finally:
                    hit.end = time.monotonic()
                    with self._lock:
                        self.in_flight[host] -= 1
                        self.total_in_flight -= 1
                if not keep or headers.get("connection", "").lower() == "close":
                    return
        except (ConnectionError, asyncio.CancelledError):
            return
        finally:
            if not writer.transport.is_closing():
                writer.close()

    async def _send(self, writer, status: int, body: bytes = b"", headers: dict | None = None,
                    reason: str = "X") -> bool:
        head = [f"HTTP/1.1 {status} {reason}"]
        headers = {"Content-Type": "text/html; charset=utf-8", **(headers or {})}
        if "Content-Length" not in headers:
            headers["Content-Length"] = str(len(body))
        head += [f"{k}: {v}" for k, v in headers.items() if v is not None]
        writer.write(("\r\n".join(head) + "\r\n\r\n").encode("latin-1") + body)
        await writer.drain()
        return True

    @staticmethod
    def _reset(writer) -> bool:
        sock = writer.get_extra_info("socket")
        if sock is not None:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        writer.transport.abort()
        return False

    async def _route(self, method: str, target: str, headers: dict, host: str, writer) -> bool:
        parts = urlsplit(target)
        query = {k: v[0] for k, v in parse_qs(parts.query).items()}
        segments = [s for s in parts.path.split("/") if s]
        first = segments[0] if segments else ""
        if self.latency:
            await asyncio.sleep(self.latency)
        if parts.path == "/robots.txt":
            await asyncio.sleep(self.robots_delay.get(host, 0.0))
            status, text, *headers = self.robots.get(host, self.robots.get("*", (404, "not found")))
            return await self._send(writer, status, text.encode(), {"Content-Type": "text/plain", **(headers or [{}])[0]})
        if first == "page":
            await asyncio.sleep(float(query.get("delay", 0)))
            return await self._send(writer, 200, html_page(segments[-1]))
        if first == "status":
            code = int(segments[1])
            return await self._send(writer, code, html_page(f"status {code}"))
        if first == "headers":
            return await self._send(writer, int(segments[1]), html_page("headers"), query)
        if first == "flaky":
            if self.count(parts.path) <= int(segments[1]):
                return await self._send(writer, 503, b"busy")
            return await self._send(writer, 200, html_page(segments[-1]))
        if first == "retry-after":
            seconds, times = segments[1], int(segments[2])
            if self.count(parts.path) <= times:
                value = formatdate(time.time() + float(seconds), usegmt=True) if query.get("date") else seconds
                return await self._send(writer, 429, b"slow down", {"Retry-After": value})
            return await self._send(writer, 200, html_page(segments[-1]))
        if first == "slow":
            await asyncio.sleep(float(segments[1]))
            return await self._send(writer, 200, html_page("slow"))
        if first == "drip":
            writer.write(b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 100000\r\n\r\n<html>")
            while True:
                await asyncio.sleep(0.2)
                writer.write(b" ")
                await writer.drain()
        if first == "reset":
            return self._reset(writer)
        if first == "hang-up":  # close politely without answering
            return False
        if first == "not-http":
            writer.write(b"SSH-2.0-OpenSSH_9.6\r\n" + bytes(range(256)) * 4)
            await writer.drain()
            return False
        if first == "reset-body":
            writer.write(b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 100000\r\n\r\n<html><body>")
            await writer.drain()
            await asyncio.sleep(0.05)
            return self._reset(writer)
        if first == "redirect":
            n = int(segments[1])
            location = f"/redirect/{n - 1}" if n > 0 else None
            if location is None:
                return await self._send(writer, 200, html_page("end of chain"))
            return await self._send(writer, 302, b"", {"Location": location})
        if first == "loop":
            other = "b" if segments[1] == "a" else "a"
            return await self._send(writer, 301, b"", {"Location": f"/loop/{other}"})
        if first == "redirect-to":
            return await self._send(writer, int(query.get("code", 302)), b"", {"Location": query["url"]})
        if first == "refresh":  # a page that moved by <meta http-equiv="refresh"> (?wrap=noscript to hide it)
            delay, where = query.get("delay", "0"), query["url"]
            if where == "self":
                where = target
            elif len(segments) > 1:  # /refresh/loop/a <-> /refresh/loop/b
                where = f"/refresh/loop/{'b' if segments[-1] == 'a' else 'a'}?url=loop"
            tag = f'<meta http-equiv="refresh" content="{delay}; url={where}">'
            if query.get("wrap"):
                tag = f"<{query['wrap']}>{tag}</{query['wrap']}>"
            page = f"<html><head><title>Moved</title>{tag}</head><body><p>This page has moved.</p></body></html>"
            charset = query.get("charset", "utf-8")  # ?charset=idna: a codec Python has but cannot decode with
            return await self._send(writer, 200, page.encode(), {"Content-Type": f"text/html; charset={charset}"})
        if first == "odd-html":  # real pages a browser renders, with bytes or headers a strict reader refuses
            return await self._odd_html(writer, segments[1])
        if first == "cookie-redirect":
            if "seen=1" in headers.get("cookie", ""):
                return await self._send(writer, 200, html_page("with cookie"))
            return await self._send(writer, 302, b"", {"Location": "/cookie-redirect", "Set-Cookie": "seen=1; Path=/"})
        if first == "bomb":
            encoding = segments[1]
            return await self._send(writer, 200, bomb(encoding), {"Content-Encoding": encoding})
        if first == "gzip-page":
            return await self._send(writer, 200, gzip.compress(html_page("zipped")), {"Content-Encoding": "gzip"})
        if first == "gzip-cut":  # the compressed stream stops short; Content-Length matches what is sent
            page = html_page("cut", "<p>" + "more text " * 500 + "<a href='https://target.example/'>late</a></p>")
            return await self._send(writer, 200, gzip.compress(page)[:-200], {"Content-Encoding": "gzip"})
        if first in ("big", "big-cl"):
            return await self._big(writer, int(float(segments[1]) * 1_000_000), first == "big-cl", parts.path)
        if first == "binary-as-html":
            png = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 40
            return await self._send(writer, 200, png)
        if first == "pdf":
            return await self._send(writer, 200, b"%PDF-1.7\n" + b"x" * 5000, {"Content-Type": "application/pdf"})
        if first == "charset":
            variant = segments[1]
            text = "<html><head><title>Café</title>{meta}</head><body><p>Crème brûlée à la carte</p></body></html>"
            if variant == "utf8-header-latin1-body":
                return await self._send(writer, 200, text.format(meta="").encode("latin-1"))
            if variant == "missing":
                return await self._send(writer, 200, text.format(meta="").encode("utf-8"), {"Content-Type": "text/html"})
            body = text.format(meta='<meta charset="windows-1252">').encode("cp1252")
            return await self._send(writer, 200, body, {"Content-Type": "text/html"})
        if first == "nested":
            depth = int(segments[1])
            body = b"<html><body>" + b"<div>" * depth + b"deep" + b"</div>" * depth + b"</body></html>"
            return await self._send(writer, 200, body)
        if first == "no-type":
            return await self._send(writer, 200, html_page("untyped"), {"Content-Type": None})
        if first == "text-plain":
            return await self._send(writer, 200, b"Just some words, no markup at all.\n" * 50,
                                    {"Content-Type": "text/plain"})
        return await self._send(writer, 404, html_page("not found"))

    async def _odd_html(self, writer, variant: str) -> bool:
        link = "<a href='https://target.example/'>a link</a>"
        if variant == "two-content-types":  # the header sent twice: a browser reads the last
            page = html_page("typed twice", f"<p>{link}</p>")
            writer.write(b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Type: text/html; charset=utf-8\r\n"
                         + f"Content-Length: {len(page)}\r\n\r\n".encode() + page)
            await writer.drain()
            return True
        if variant == "utf16-without-bom":
            page = f"<html><head><title>Wide</title></head><body><p>Texte large {link}</p></body></html>"
            return await self._send(writer, 200, page.encode("utf-16-le"), {"Content-Type": "text/html; charset=utf-16le"})
        stray = {"vertical-tab-in-title": "\x0b", "nul-in-body": "\x00"}[variant]
        page = f"<html><head><title>Caf{stray} menu</title></head><body><p>Menu{stray} notes {link}</p></body></html>"
        return await self._send(writer, 200, page.encode())

    async def _big(self, writer, size: int, with_length: bool, key: str) -> bool:
        chunk = (b"<p>" + b"filler text " * 5000 + b"</p>\n")
        headers = "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n"
        headers += f"Content-Length: {size + 26}\r\n\r\n" if with_length else "Transfer-Encoding: chunked\r\n\r\n"
        writer.write(headers.encode())

        def frame(data: bytes) -> bytes:
            return data if with_length else f"{len(data):x}\r\n".encode() + data + b"\r\n"

        writer.write(frame(b"<html><body>"))
        sent = 0
        while sent < size:
            piece = chunk[: size - sent]
            writer.write(frame(piece))
            sent += len(piece)
            with self._lock:
                self.bytes_sent[key] += len(piece)
            await writer.drain()
        writer.write(frame(b"</body></html>"))
        if not with_length:
            writer.write(b"0\r\n\r\n")
        await writer.drain()
        return True
