"""The address guard: no request reaches a non-public address unless allow_private, whatever the URL or redirect says.

The "public" host of the redirect test is simulated: a fake resolver answers 127.0.0.2 for public.test and the
guard is told to count 127.0.0.2 (and only it) as public; everything else keeps the real rules.
"""

from __future__ import annotations

import dataclasses
import socket
import time

import pytest
from faultserver import FaultServer

from linktriage.sources import _netguard
from linktriage.sources._netguard import address_refusal
from linktriage.sources.fetch import FetchSettings, fetch_pages

GUARDED = FetchSettings(per_host_delay=0.0, connect_timeout=1.0, read_timeout=1.0, total_timeout=3.0, backoff=0.01,
                        progress=False)


@pytest.fixture(scope="module")
def server():
    with FaultServer(hosts=("127.0.0.1", "127.0.0.2")) as running:
        yield running


@pytest.mark.parametrize(("address", "kind"), [
    ("127.0.0.1", "loopback"), ("127.255.0.9", "loopback"), ("10.1.2.3", "private"), ("172.16.0.1", "private"),
    ("192.168.1.1", "private"), ("169.254.169.254", "link-local"), ("224.0.0.251", "multicast"),
    ("0.0.0.0", "unspecified"), ("240.0.0.1", "reserved"), ("100.64.0.1", "non-public"), ("::1", "loopback"),
    ("::", "unspecified"), ("fe80::1%eth0", "link-local"), ("fc00::1", "private"), ("ff02::1", "multicast"),
    ("::ffff:127.0.0.1", "loopback"), ("::ffff:10.0.0.1", "private"), ("::ffff:169.254.169.254", "link-local"),
    ("2002:7f00:1::", "loopback"), ("64:ff9b::a9fe:a9fe", "link-local"), ("not-an-ip", "unparseable"),
    ("93.184.215.14", None), ("8.8.8.8", None), ("2606:4700:4700::1111", None),
])
def test_address_classification(address, kind):
    assert address_refusal(address) == kind


def test_loopback_is_refused_without_allow_private_and_nothing_is_sent(server):
    before = sum(server.paths().values())
    [result] = fetch_pages([server.url("/page/secret")], GUARDED)
    assert result.status == "error"
    assert result.reason == "refused: loopback address 127.0.0.1 (use --allow-private)"
    assert sum(server.paths().values()) == before  # not even robots.txt


@pytest.mark.parametrize("host", ["localhost", "2130706433", "[::ffff:127.0.0.1]", "0x7f.1"])
def test_other_spellings_of_loopback_are_refused(server, host):
    [result] = fetch_pages([f"http://{host}:{server.port}/page/secret"], GUARDED)
    assert result.status == "error" and result.reason.startswith("refused: ") and "(use --allow-private)" in result.reason


def test_allow_private_lets_loopback_through(server):
    [result] = fetch_pages([server.url("/page/allowed")], dataclasses.replace(GUARDED, allow_private=True))
    assert result.status == "ok"


@pytest.fixture
def public_test_resolves_to_127_0_0_2(monkeypatch):
    """public.test -> 127.0.0.2, treated as public; rebind.test -> 127.0.0.1; anything else: the real resolver."""
    real_resolve, real_refusal = _netguard.resolve, _netguard.address_refusal

    async def fake_resolve(host: str, port: int, timeout: float | None = None) -> list[str]:
        return {"public.test": ["127.0.0.2"], "rebind.test": ["127.0.0.1"],
                "mixed.test": ["127.0.0.2", "127.0.0.1"]}.get(host) or await real_resolve(host, port, timeout)

    monkeypatch.setattr(_netguard, "resolve", fake_resolve)
    monkeypatch.setattr(_netguard, "address_refusal", lambda a: None if a == "127.0.0.2" else real_refusal(a))


def test_a_redirect_from_a_public_host_to_loopback_is_refused(server, public_test_resolves_to_127_0_0_2):
    secret = server.url("/page/internal-admin")
    start = f"http://public.test:{server.port}/redirect-to?url={secret}"
    [result] = fetch_pages([start], GUARDED)
    assert result.status == "error" and result.redirected and result.final_url == secret
    assert result.reason == "refused: loopback address 127.0.0.1 (use --allow-private)"
    paths = server.paths()
    assert paths[f"/redirect-to?url={secret}"] == 1  # the public hop was fetched ...
    assert paths["/page/internal-admin"] == 0  # ... the internal one never


def test_the_public_host_itself_is_fetched(server, public_test_resolves_to_127_0_0_2):
    [result] = fetch_pages([f"http://public.test:{server.port}/page/public"], GUARDED)
    assert result.status == "ok" and b"public" in result.body


@pytest.mark.parametrize("name", ["rebind.test", "mixed.test"])
def test_a_name_resolving_to_loopback_is_refused_at_connect_time(server, public_test_resolves_to_127_0_0_2, name):
    [result] = fetch_pages([f"http://{name}:{server.port}/page/rebound"], GUARDED)
    assert result.status == "error"
    assert result.reason == f"refused: {name} resolves to loopback address 127.0.0.1 (use --allow-private)"
    assert server.paths()["/page/rebound"] == 0


def _does_not_resolve(monkeypatch, name: str) -> None:
    """``name`` gets the resolver's "no such name" answer; every other name resolves as before."""
    real = socket.getaddrinfo

    def fake_getaddrinfo(host, *args, **kwargs):
        if host == name:
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        return real(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", fake_getaddrinfo)


def test_an_unknown_host_is_a_dns_error(monkeypatch):
    _does_not_resolve(monkeypatch, "nosuch.invalid")
    [result] = fetch_pages(["http://nosuch.invalid/page"], GUARDED)
    assert result.status == "error" and result.reason == "DNS: nosuch.invalid does not resolve"


def test_robots_txt_redirecting_to_loopback_does_not_refuse_the_public_page(server, public_test_resolves_to_127_0_0_2):
    """The refusal belongs to the redirect target, not to the page: reporting 'refused: loopback address ... (use
    --allow-private)' on a public page would point the user at the one switch that must stay off."""
    server.robots["public.test"] = (302, "", {"Location": server.url("/robots.txt")})
    [result] = fetch_pages([f"http://public.test:{server.port}/page/public-despite-robots"], GUARDED)
    assert result.status == "ok", result.reason  # as for any robots.txt redirect to a URL that is not fetched
    assert server.paths()["/page/public-despite-robots"] == 1


def test_robots_txt_redirecting_to_a_dead_host_blocks_the_origin_and_says_so(server, public_test_resolves_to_127_0_0_2,
                                                                            monkeypatch):
    _does_not_resolve(monkeypatch, "gone.invalid")
    server.robots["public.test"] = (301, "", {"Location": "http://gone.invalid/robots.txt"})
    [result] = fetch_pages([f"http://public.test:{server.port}/page/behind-dead-robots"], GUARDED)
    assert result.status == "blocked"  # RFC 9309: an unreachable robots.txt disallows the origin
    assert result.reason == "robots.txt unreachable (redirected to http://gone.invalid/robots.txt: DNS: gone.invalid does not resolve)"
    assert server.paths()["/page/behind-dead-robots"] == 0


def test_lookups_stuck_on_dead_name_servers_do_not_time_healthy_hosts_out(server, monkeypatch):
    """Name lookups run on a few threads and cannot be abandoned: one that times out keeps its thread until the
    system resolver gives up. Dead domains (common in backlink exports) then filled every thread, and healthy
    hosts queued behind them were reported 'DNS lookup ... timed out' without ever being looked up in time."""
    real = socket.getaddrinfo

    def fake_getaddrinfo(host, *args, **kwargs):
        if host.endswith(".dead.test"):
            time.sleep(1.2)
            raise socket.gaierror(socket.EAI_AGAIN, "Temporary failure in name resolution")
        return real("127.0.0.1" if host.endswith(".alive.test") else host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", fake_getaddrinfo)
    dead = [f"http://d{i}.dead.test:{server.port}/page/x" for i in range(16)]
    alive = [f"http://a{i}.alive.test:{server.port}/page/a{i}" for i in range(16)]
    settings = dataclasses.replace(GUARDED, allow_private=True, concurrency=4, connect_timeout=0.4)
    results = {r.url: r for r in fetch_pages(dead + alive, settings)}
    assert {results[url].reason for url in dead} == {f"DNS lookup for {url[7:].split(':')[0]} timed out"
                                                      for url in dead}
    assert {results[url].status for url in alive} == {"ok"}, {results[url].reason for url in alive}
