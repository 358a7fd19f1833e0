"""Politeness: global and per-host concurrency as the server sees it, delays between requests, robots.txt."""

from __future__ import annotations

import dataclasses
import socket
from collections import defaultdict

import pytest
from faultserver import FaultServer

from linktriage.sources._robots import forget_robots
from linktriage.sources.fetch import FetchSettings, fetch_pages

HOSTS = ("127.0.0.1", "127.0.0.2", "127.0.0.3", "127.0.0.4")
BASE = FetchSettings(allow_private=True, per_host_delay=0.0, connect_timeout=1.0, read_timeout=2.0, total_timeout=4.0,
                     backoff=0.01, progress=False)


@pytest.fixture
def server():
    with FaultServer(hosts=HOSTS) as running:
        yield running


def starts_by_host(server: FaultServer, prefix: str) -> dict[str, list[float]]:
    starts: dict[str, list[float]] = defaultdict(list)
    for hit in server.hits:
        if hit.path.startswith(prefix):
            starts[hit.host].append(hit.start)
    return {host: sorted(times) for host, times in starts.items()}


def test_no_host_sees_more_than_per_host_requests_at_once(server):
    urls = [server.url(f"/page/p{i}?delay=0.15", host) for host in HOSTS for i in range(8)]
    settings = dataclasses.replace(BASE, concurrency=6, per_host=2)
    results = list(fetch_pages(sorted(urls), settings))  # sorted: all pages of one host in a row
    assert len(results) == 32 and {r.status for r in results} == {"ok"}
    assert max(server.max_in_flight[h] for h in HOSTS) == 2  # the limit is reached ...
    assert all(server.max_in_flight[h] <= 2 for h in HOSTS)  # ... never passed
    assert server.max_total_in_flight <= 6
    # a host-sorted list still spreads over hosts: the global slots are not all queued behind one host
    assert server.max_total_in_flight >= 5


def test_requests_to_one_host_keep_the_delay_between_starts(server):
    urls = [server.url(f"/page/d{i}") for i in range(6)]
    list(fetch_pages(urls, dataclasses.replace(BASE, per_host=2, per_host_delay=0.2, respect_robots=False)))
    starts = starts_by_host(server, "/page/d")[HOSTS[0]]
    gaps = [b - a for a, b in zip(starts, starts[1:])]
    assert len(starts) == 6 and min(gaps) >= 0.18, gaps


def test_other_hosts_do_not_wait_for_a_slow_one(server):
    slow = [server.url(f"/page/s{i}?delay=0.5", HOSTS[0]) for i in range(4)]
    fast = [server.url(f"/page/f{i}", host) for host in HOSTS[1:] for i in range(4)]
    order = []
    for result in fetch_pages(slow + fast, dataclasses.replace(BASE, concurrency=8, per_host=2)):
        order.append(result.url)
    assert set(order[:12]) == set(fast)  # all fast pages finish before the slow host's pages


def test_user_agent_names_linktriage_and_where_to_read_about_it(server):
    list(fetch_pages([server.url("/page/ua")], BASE))
    [hit] = [hit for hit in server.hits if hit.path == "/page/ua"]
    agent = hit.headers["user-agent"]
    assert agent.startswith("linktriage/") and "+https://" in agent


def test_robots_disallow_blocks_the_page_without_requesting_it(server):
    server.robots[HOSTS[0]] = (200, "User-agent: *\nDisallow: /page/private\n")
    urls = [server.url("/page/private-a"), server.url("/page/private-b"), server.url("/page/public-a"),
            server.url("/page/public-b")]
    results = {r.url: r for r in fetch_pages(urls, BASE)}
    for url in urls[:2]:
        assert results[url].status == "blocked" and results[url].reason == "robots.txt disallows this URL"
    for url in urls[2:]:
        assert results[url].status == "ok"
    paths = server.paths()
    assert paths["/page/private-a"] == paths["/page/private-b"] == 0
    assert paths["/robots.txt"] == 1  # cached per host


def test_robots_groups_for_linktriage_and_for_other_agents(server):
    server.robots[HOSTS[0]] = (200, "User-agent: otherbot\nDisallow: /\n\nUser-agent: linktriage\nDisallow: /page/us\n")
    results = {r.url: r.status for r in fetch_pages([server.url("/page/us"), server.url("/page/them")], BASE)}
    assert results == {server.url("/page/us"): "blocked", server.url("/page/them"): "ok"}


def test_a_redirect_into_a_disallowed_path_is_blocked(server):
    server.robots[HOSTS[0]] = (200, "User-agent: *\nDisallow: /page/hidden\n")
    [result] = fetch_pages([server.url("/redirect-to?url=/page/hidden")], BASE)
    assert result.status == "blocked" and result.redirected and result.final_url.endswith("/page/hidden")
    assert server.paths()["/page/hidden"] == 0


def test_robots_5xx_disallows_the_whole_host(server):
    server.robots[HOSTS[0]] = (503, "down")
    results = list(fetch_pages([server.url("/page/x"), server.url("/page/y")], BASE))
    assert {r.status for r in results} == {"blocked"}
    assert all(r.reason.startswith("robots.txt unreachable (HTTP 503)") for r in results)
    paths = server.paths()
    assert paths["/page/x"] == paths["/page/y"] == 0
    assert paths["/robots.txt"] == 1 + BASE.max_retries  # robots.txt 503 is retried like any 503, once per host


def test_robots_txt_that_times_out_blocks_the_host_and_names_robots_txt(server):
    """The host answers but its robots.txt never does: the pages were not even asked for, so their reason must not
    read as a timeout of their own (it did: "timed out after 2 s waiting for the server")."""
    server.robots_delay[HOSTS[0]] = 3.0
    results = list(fetch_pages([server.url("/page/x"), server.url("/page/y")], BASE))
    assert {r.status for r in results} == {"blocked"}
    assert {r.reason for r in results} == {"robots.txt unreachable (timed out after 2 s waiting for the server)"}
    assert server.paths()["/page/x"] == server.paths()["/page/y"] == 0


def test_a_host_that_refuses_connections_gives_its_pages_that_reason(server):
    """When the host itself cannot be reached, its pages would fail alike: robots.txt's failure is theirs."""
    with socket.socket() as unused:
        unused.bind(("127.0.0.1", 0))
        port = unused.getsockname()[1]  # closed again below: nothing listens there
    [result] = fetch_pages([f"http://127.0.0.1:{port}/page/nobody"], BASE)
    assert result.status == "error" and result.reason.startswith("connection failed"), result.reason


def test_robots_4xx_allows_everything(server):
    server.robots[HOSTS[0]] = (403, "no")
    [result] = fetch_pages([server.url("/page/open")], BASE)
    assert result.status == "ok"


@pytest.mark.parametrize("location", ["javascript:alert(1)", "http://[::1", "ftp://example.com/robots.txt"])
def test_robots_redirecting_to_an_unusable_url_is_no_robots_txt(server, location):
    server.robots[HOSTS[0]] = (302, "", {"Location": location})
    [result] = fetch_pages([server.url("/page/unusable-robots")], BASE)
    assert result.status == "ok", result.reason
    assert server.paths()["/robots.txt"] == 1


def test_credentials_in_a_url_are_not_sent_for_robots_txt_nor_split_its_cache(server):
    """robots.txt belongs to the origin (scheme, host, port, RFC 9309): user:password@ in an export's URL is not
    part of it. It was: robots.txt was asked once per credential, with the password lower-cased."""
    server.robots[HOSTS[0]] = (200, "User-agent: *\nDisallow: /page/private\n")
    base = server.url("/page/")
    urls = [base.replace("://", "://Alice:S3cret@") + "one", base.replace("://", "://bob:Pw@") + "two",
            base.replace("://", "://bob:Pw@") + "private"]
    results = {r.url: r for r in fetch_pages(urls, BASE)}
    assert [results[u].status for u in urls] == ["ok", "ok", "blocked"]
    robots = [hit for hit in server.hits if hit.path == "/robots.txt"]
    assert len(robots) == 1 and "authorization" not in robots[0].headers


def test_robots_crawl_delay_spaces_requests(server):
    server.robots[HOSTS[0]] = (200, "User-agent: *\nCrawl-delay: 0.3\n")
    urls = [server.url(f"/page/c{i}") for i in range(4)]
    list(fetch_pages(urls, dataclasses.replace(BASE, per_host=2)))
    starts = starts_by_host(server, "/page/c")[HOSTS[0]]
    assert min(b - a for a, b in zip(starts, starts[1:])) >= 0.28


def test_ignoring_robots_fetches_disallowed_pages_and_never_reads_robots(server):
    server.robots[HOSTS[0]] = (200, "User-agent: *\nDisallow: /\n")
    [result] = fetch_pages([server.url("/page/mine")], dataclasses.replace(BASE, respect_robots=False))
    assert result.status == "ok"
    assert server.paths()["/robots.txt"] == 0


def test_robots_txt_is_remembered_across_calls_in_one_process(server):
    server.robots[HOSTS[0]] = (200, "User-agent: *\nDisallow: /page/no\n")
    for chunk in (["/page/no", "/page/yes1"], ["/page/yes2"], ["/page/no"]):  # the pipeline fetches chunk by chunk
        list(fetch_pages([server.url(path) for path in chunk], BASE))
    assert server.paths()["/robots.txt"] == 1 and server.paths()["/page/no"] == 0
    forget_robots()
    list(fetch_pages([server.url("/page/yes3")], BASE))
    assert server.paths()["/robots.txt"] == 2
