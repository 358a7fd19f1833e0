"""Refuse connections to non-public addresses, checked on the resolved address at connect time.

An export is untrusted input: a "referring page" may be ``http://169.254.169.254/`` (cloud metadata),
``http://localhost:6379/`` or a public name that resolves, or later re-resolves (DNS rebinding), to an
internal address, or a public page that redirects to one. Checking URLs before the request cannot catch
those, so the check sits in the httpcore network backend: it resolves the host itself, refuses when any
address is not public, and connects to the address it checked (never resolving twice).
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from typing import Iterable

import httpcore

__all__ = ["AddressRefused", "GuardError", "GuardedBackend", "NameNotResolved", "address_refusal", "resolve"]

_NAT64 = ipaddress.ip_network("64:ff9b::/96")
_KINDS = (
    ("is_unspecified", "unspecified"),
    ("is_loopback", "loopback"),
    ("is_link_local", "link-local"),
    ("is_multicast", "multicast"),
    ("is_reserved", "reserved"),
    ("is_private", "private"),
)


class GuardError(Exception):
    """A connection the guard refused or could not make; ``reason`` is the FetchResult reason."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class AddressRefused(GuardError):
    """The host resolves to a private, loopback, link-local, multicast or reserved address."""


class NameNotResolved(GuardError):
    """The host name does not resolve (DNS)."""


def address_refusal(address: str) -> str | None:
    """The kind of non-public address ``address`` is ("loopback", "private", ...), or None when it is public.

    IPv6 addresses that carry an IPv4 address (IPv4-mapped ``::ffff:a.b.c.d``, 6to4, NAT64) are judged by
    the IPv4 address they lead to as well.
    """
    try:
        ip = ipaddress.ip_address(address.split("%", 1)[0])
    except ValueError:
        return "unparseable"
    candidates: list[ipaddress.IPv4Address | ipaddress.IPv6Address] = []
    if isinstance(ip, ipaddress.IPv6Address):  # the IPv4 address it leads to names the problem best
        if ip.ipv4_mapped is not None:
            candidates.append(ip.ipv4_mapped)
        if ip.sixtofour is not None:
            candidates.append(ip.sixtofour)
        if ip in _NAT64:
            candidates.append(ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF))
    candidates.append(ip)
    for candidate in candidates:
        for attribute, kind in _KINDS:
            if getattr(candidate, attribute):
                return kind
        if not candidate.is_global:  # shared (100.64/10), benchmarking, IETF protocol ranges, ...
            return "non-public"
    return None


async def resolve(host: str, port: int, timeout: float | None = None) -> list[str]:
    """The addresses ``host`` resolves to, in resolver order, without duplicates (IP literals resolve to themselves).

    The system resolver runs on the loop's executor threads and a lookup cannot be abandoned: one that timed out
    keeps its thread until the resolver gives up (tens of seconds for a domain whose name servers are dead).
    ``timeout`` therefore counts from when a thread takes the lookup up, not while it waits for one: behind a
    run of dead domains a healthy host was reported as timing out without having been looked up.
    """
    try:
        return [str(ipaddress.ip_address(host))]  # a literal needs no lookup (odd spellings like 0x7f.1 still get one)
    except ValueError:
        pass
    loop = asyncio.get_running_loop()
    started = asyncio.Event()

    def lookup() -> list:
        loop.call_soon_threadsafe(started.set)
        return socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, proto=socket.IPPROTO_TCP)

    pending = loop.run_in_executor(None, lookup)
    try:
        await started.wait()
        async with asyncio.timeout(timeout):
            infos = await pending
    except TimeoutError:
        raise NameNotResolved(f"DNS lookup for {host} timed out") from None
    except socket.gaierror as exc:
        if exc.errno in (socket.EAI_NONAME, getattr(socket, "EAI_NODATA", socket.EAI_NONAME)):
            raise NameNotResolved(f"DNS: {host} does not resolve") from None
        raise NameNotResolved(f"DNS lookup failed for {host}: {exc.strerror or exc}") from None
    except UnicodeError:
        raise NameNotResolved(f"DNS: {host} is not a valid host name") from None
    finally:
        pending.cancel()  # still queued (the page was cancelled): never take a thread for it
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


class GuardedBackend(httpcore.AsyncNetworkBackend):
    """An httpcore network backend that resolves, checks every address, then connects to a checked one.

    ``resolver`` defaults to :func:`resolve` looked up at call time (tests replace it to simulate DNS).
    TLS still verifies the certificate against the host name: httpcore passes it as ``server_hostname``.
    """

    def __init__(self, *, allow_private: bool = False, inner: httpcore.AsyncNetworkBackend | None = None) -> None:
        self.allow_private = allow_private
        self._inner = inner or httpcore.AnyIOBackend()

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        addresses = await resolve(host, port, timeout)
        if not addresses:
            raise NameNotResolved(f"DNS: {host} has no address")
        if not self.allow_private:
            for address in addresses:
                kind = address_refusal(address)
                if kind is not None:
                    where = f"{kind} address {address}" if host == address else f"{host} resolves to {kind} address {address}"
                    raise AddressRefused(f"refused: {where} (use --allow-private)")
        failure: Exception | None = None
        for address in addresses:  # connect to what was checked, trying each address in turn
            try:
                return await self._inner.connect_tcp(
                    address, port, timeout=timeout, local_address=local_address, socket_options=socket_options,
                )
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as exc:
                failure = exc
        assert failure is not None
        raise failure

    async def connect_unix_socket(self, path: str, timeout: float | None = None,
                                  socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
                                  ) -> httpcore.AsyncNetworkStream:
        raise AddressRefused("refused: unix sockets are never fetched")

    async def sleep(self, seconds: float) -> None:
        await self._inner.sleep(seconds)
