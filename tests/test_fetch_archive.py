"""The WARC side of fetching: what is archived, resuming without refetching, surviving a kill at any moment."""

from __future__ import annotations

import dataclasses
import os
import signal
import subprocess
import sys
import textwrap
import time
import zlib
from pathlib import Path
from urllib.parse import quote

import pytest
from faultserver import FaultServer
from warcio.archiveiterator import ArchiveIterator

from linktriage import InputError
from linktriage.sources import WarcArchive
from linktriage.sources._archive_writer import ArchiveWriter, prepare_archive
from linktriage.sources.fetch import FetchSession, FetchSettings, fetch_pages, fetch_to_archive

ROOT = Path(__file__).resolve().parents[1]
FAST = FetchSettings(allow_private=True, per_host=8, per_host_delay=0.0, connect_timeout=1.0, read_timeout=1.0,
                     total_timeout=3.0, backoff=0.01, progress=False)


@pytest.fixture
def server():
    with FaultServer() as running:
        yield running


def records(path: Path) -> list[tuple[str, str, str]]:
    """(record type, target URI, HTTP status) of every record."""
    out = []
    with open(path, "rb") as stream:
        for record in ArchiveIterator(stream):
            status = record.http_headers.get_statuscode() if record.rec_type == "response" else ""
            out.append((record.rec_type, record.rec_headers.get_header("WARC-Target-URI") or "", status))
    return out


def test_fetched_pages_are_archived_with_request_records_and_redirect_hops(server, tmp_path):
    archive = tmp_path / "pages.warc.gz"
    urls = [server.url("/page/a"), server.url("/redirect/2"), server.url("/status/404"), server.url("/gzip-page")]
    results = {r.url: r for r in fetch_pages(urls, FAST, archive=archive)}
    got = records(archive)
    assert got[0][0] == "warcinfo"
    responses = [(uri, status) for kind, uri, status in got if kind == "response"]
    assert sorted(responses) == sorted([
        (server.url("/page/a"), "200"), (server.url("/redirect/2"), "302"), (server.url("/redirect/1"), "302"),
        (server.url("/redirect/0"), "200"), (server.url("/status/404"), "404"), (server.url("/gzip-page"), "200"),
    ])
    assert sum(kind == "request" for kind, _, _ in got) == len(responses)
    # The archive reader answers exactly what the live fetch answered.
    reader = WarcArchive([archive])
    for url, live in results.items():
        again = reader.get(url)
        assert (again.status, again.http_status, again.body, again.redirected) == (
            live.status, live.http_status, live.body, live.redirected), url


def test_a_page_that_redirects_to_itself_has_not_moved_live_or_archived(server, tmp_path):
    """A site that sets a cookie and redirects to the same URL (a consent or session check) serves the page where
    it was: the live answer was 'redirected' (link_status redirected, 'page redirects to <itself>') while the
    archive, which keeps one answer per URL, read it as not redirected, so an offline re-score differed."""
    archive = tmp_path / "pages.warc.gz"
    url = server.url("/cookie-redirect")
    [live] = fetch_pages([url], FAST, archive=archive)
    again = WarcArchive([archive]).get(url)
    assert (live.status, live.redirected, live.final_url) == ("ok", False, url)
    assert (again.status, again.redirected, again.final_url, again.body) == (
        live.status, live.redirected, live.final_url, live.body)


@pytest.mark.parametrize("location", [
    "/page/café".encode("utf-8").decode("latin-1"),  # sent as UTF-8 bytes, as most servers do
    "/page/café",  # sent as one latin-1 byte
    "{base}/page/naïve",  # absolute: warcio's own escaping turned "http://" into "http%3A//"
    "/page/a b",  # httpx escapes the space, urljoin did not
    "{base}/page/ok/../dots",  # httpx removes dot segments of an absolute URL, urljoin did not
])
def test_a_redirect_with_a_non_ascii_location_is_followed_the_same_in_the_archive(server, tmp_path, location):
    archive = tmp_path / "pages.warc.gz"
    url = server.url("/redirect-to?url=" + quote(location.format(base=server.url(""))))
    [live] = fetch_pages([url], FAST, archive=archive)
    assert live.status == "ok" and live.redirected
    again = WarcArchive([archive]).get(url)
    assert (again.status, again.final_url, again.body) == (live.status, live.final_url, live.body), again.reason


@pytest.mark.parametrize("path", ["/page/ü ä?q=ß", "/page/a b", "/page/x/../y", "/page/café", "/page/a?b=c d"])
def test_a_source_url_with_spaces_unicode_or_dot_segments_is_found_in_the_archive(server, tmp_path, path):
    """The fetcher requests (and archives) the URL as httpx writes it: '/page/a%20b', '/page/y'. The export's own
    spelling must find it there, or an offline re-score says not_fetched and every resumed fetch asks again."""
    archive = tmp_path / "pages.warc.gz"
    url = server.url(path)
    [live] = fetch_pages([url], FAST, archive=archive)
    again = WarcArchive([archive]).get(url)
    assert again is not None and (again.status, again.body) == (live.status, live.body) == ("ok", live.body)
    before = sum(server.paths().values())
    [resumed] = fetch_pages([url], FAST, archive=archive)
    assert resumed.status == "ok" and sum(server.paths().values()) == before


def test_bodies_are_archived_decoded(server, tmp_path):
    archive = tmp_path / "pages.warc.gz"
    list(fetch_pages([server.url("/gzip-page")], FAST, archive=archive))
    with open(archive, "rb") as stream:
        responses = []
        for record in ArchiveIterator(stream):
            if record.rec_type == "response":
                responses.append((record.http_headers.headers, record.raw_stream.read()))
    [(headers, body)] = responses
    assert "Content-Encoding" not in dict(headers)
    assert dict(headers)["X-Archive-Orig-Content-Encoding"] == "gzip"
    assert body.startswith(b"<!DOCTYPE html>") and dict(headers)["Content-Length"] == str(len(body))


def test_failures_worth_retrying_later_are_not_archived(server, tmp_path):
    archive = tmp_path / "pages.warc.gz"
    urls = [server.url("/status/503"), server.url("/pdf"), server.url("/reset"), server.url("/loop/a")]
    assert {r.status for r in fetch_pages(urls, FAST, archive=archive)} == {"error"}
    assert [kind for kind, _, _ in records(archive)] == ["warcinfo"]


def test_a_rerun_answers_archived_pages_from_the_archive(server, tmp_path):
    archive = tmp_path / "pages.warc.gz"
    urls = [server.url("/page/r1"), server.url("/page/r2"), server.url("/redirect/1"), server.url("/status/410"),
            server.url("/status/500")]
    first = {r.url: r for r in fetch_pages(urls, FAST, archive=archive)}
    before = server.paths()
    second = {r.url: r for r in fetch_pages(urls + [server.url("/page/r3")], FAST, archive=archive)}
    after = server.paths()
    for url in urls[:4]:
        assert second[url] == first[url]
    fetched_again = after - before
    # the 5xx is tried again, the new page fetched, robots.txt remembered from the first run
    assert set(fetched_again) == {"/status/500", "/page/r3"}
    summary = fetch_to_archive(urls, archive, FAST)
    assert summary.from_archive == 4 and summary.counts == {"ok": 3, "page_gone": 1, "error": 1}


def test_archived_non_html_is_refused_like_a_live_answer(tmp_path, warc_factory):
    archive = warc_factory({"http://example.org/doc": (200, {"Content-Type": "application/pdf"}, b"%PDF-1.4 ...")})
    [result] = fetch_pages(["http://example.org/doc"], FAST, archive=archive)
    assert result.status == "error" and result.reason == "not HTML: application/pdf"


@pytest.mark.parametrize("suffix", [".warc.gz", ".warc"])
def test_a_truncated_archive_is_repaired_and_resumed(server, tmp_path, suffix):
    archive = tmp_path / f"pages{suffix}"
    urls = [server.url(f"/page/t{i}") for i in range(6)]
    list(fetch_pages(urls, dataclasses.replace(FAST, concurrency=1, per_host=1), archive=archive))
    whole = archive.read_bytes()
    for cut in (len(whole) - 7, len(whole) - 400, len(whole) * 2 // 3):
        archive.write_bytes(whole[:cut])  # as if killed while writing
        prepare_archive(archive)
        survivors = {uri for kind, uri, _ in records(archive) if kind == "response"}  # readable after repair
        assert survivors and len(survivors) < 6
        before = server.paths()
        results = list(fetch_pages(urls, FAST, archive=archive))
        refetched = server.paths() - before
        assert {r.status for r in results} == {"ok"} and len(results) == 6
        assert {server.url(path) for path in refetched if path.startswith("/page/")} == set(urls) - survivors
        assert {uri for kind, uri, _ in records(archive) if kind == "response"} == set(urls)
        whole = archive.read_bytes()


@pytest.mark.parametrize("suffix", [".warc.gz", ".warc"])
def test_damage_inside_an_archive_is_refused_not_cut_off(server, tmp_path, suffix):
    """Flipped bytes in an early record are not a killed run's partial tail: cutting there would delete every good
    record after them, so the archive is left as it is and the run stops with one line saying what to do."""
    archive = tmp_path / f"pages{suffix}"
    urls = [server.url(f"/page/d{i}") for i in range(6)]
    list(fetch_pages(urls, dataclasses.replace(FAST, concurrency=1, per_host=1), archive=archive))
    whole = archive.read_bytes()
    damaged = bytearray(whole)
    at = len(whole) // 4 if suffix == ".warc.gz" else whole.index(b"WARC/1.", len(whole) // 4)  # a record's header
    damaged[at:at + 40] = bytes(b ^ 0x5A for b in damaged[at:at + 40])
    archive.write_bytes(bytes(damaged))
    with pytest.raises(InputError, match="damaged at byte .* complete records after it"):
        list(fetch_pages(urls, FAST, archive=archive))
    assert archive.read_bytes() == bytes(damaged)
    # a crash that left zero bytes at the end is a tail to cut, not damage
    archive.write_bytes(whole + bytes(512))
    assert prepare_archive(archive)
    assert {uri for kind, uri, _ in records(archive) if kind == "response"} == set(urls)


def test_an_archive_that_cannot_be_written_stops_the_run(server, tmp_path, monkeypatch):
    def disk_full(self, exchanges):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(ArchiveWriter, "write", disk_full)
    with pytest.raises(OSError, match="No space left on device"):
        list(fetch_pages([server.url(f"/page/full{i}") for i in range(5)], FAST, archive=tmp_path / "pages.warc.gz"))


def test_a_record_the_archive_cannot_write_stops_the_run_instead_of_hanging_it(server, tmp_path, monkeypatch):
    """Any failure to archive a page (not only an OSError) must end the run: the page was never delivered, so
    waiting for it hung the run for ever."""
    import threading

    def unwritable(self, exchanges):
        raise ValueError("a record warcio cannot serialise")

    monkeypatch.setattr(ArchiveWriter, "write", unwritable)
    outcome: list = []

    def run() -> None:
        try:
            list(fetch_pages([server.url("/page/odd-record")], FAST, archive=tmp_path / "pages.warc.gz"))
        except Exception as exc:
            outcome.append(exc)

    worker = threading.Thread(target=run, daemon=True)
    worker.start()
    worker.join(10)
    assert not worker.is_alive(), "the run hung on a page it could not archive"
    assert [str(exc) for exc in outcome] == ["a record warcio cannot serialise"]


def test_two_runs_cannot_append_to_one_archive_at_once(server, tmp_path):
    archive = tmp_path / "pages.warc.gz"
    first = fetch_pages([server.url(f"/page/lock{i}?delay=0.1") for i in range(4)], FAST, archive=archive)
    next(first)  # the first run holds the archive
    with pytest.raises(InputError, match="is being written by another linktriage run"):
        list(fetch_pages([server.url("/page/intruder")], FAST, archive=archive))
    assert len(list(first)) == 3
    assert server.paths()["/page/intruder"] == 0


@pytest.mark.parametrize("written, named", [("gzip", "pages.warc"), ("plain", "pages.warc.gz")])
def test_records_are_appended_as_the_archive_holds_them_whatever_its_name(server, tmp_path, written, named):
    """The name chose the compression: plain records after gzip members were cut off as a partial tail by the next
    resume (pages lost, fetched again), and a gzip record after plain ones made the archive damaged for every
    reader."""
    first = tmp_path / ("first.warc.gz" if written == "gzip" else "first.warc")
    urls = [server.url(f"/page/m{i}") for i in range(4)]
    list(fetch_pages(urls[:2], FAST, archive=first))
    archive = tmp_path / named
    archive.write_bytes(first.read_bytes())
    list(fetch_pages(urls, FAST, archive=archive))
    before = server.paths()
    assert {r.status for r in fetch_pages(urls, FAST, archive=archive)} == {"ok"}
    assert not [path for path in server.paths() - before if path.startswith("/page/")]  # nothing cut off
    assert {uri for kind, uri, _ in records(archive) if kind == "response"} == set(urls)
    assert archive.read_bytes()[:2] == first.read_bytes()[:2]


def test_an_archive_gzipped_whole_is_refused_untouched_with_the_fix(server, tmp_path):
    """`gzip pages.warc` makes one gzip stream that no reader can seek in: fetch appended to it, then refused it
    ("not a readable WARC archive (... This file is probably not a multi-memb"), cut at 120 characters."""
    import gzip

    plain = tmp_path / "plain.warc"
    list(fetch_pages([server.url("/page/w1"), server.url("/page/w2")], FAST, archive=plain))
    archive = tmp_path / "pages.warc.gz"
    archive.write_bytes(gzip.compress(plain.read_bytes()))
    before = archive.read_bytes()
    with pytest.raises(InputError, match=r"gzip-compressed as one stream .*warcio recompress"):
        list(fetch_pages([server.url("/page/w1")], FAST, archive=archive))
    assert archive.read_bytes() == before
    with pytest.raises(InputError, match=r"--pages .* gzip-compressed as one stream .*warcio recompress"):
        WarcArchive([archive])


def test_an_archive_read_and_appended_to_in_one_run_is_repaired_before_it_is_read(server, tmp_path):
    """score --pages X --archive X after a killed run: the page whose record was cut off counted as archived
    (an error row "page cut off") instead of being fetched again; the next run said live."""
    from linktriage.pipeline import PageGetter, ScoreOptions

    archive = tmp_path / "pages.warc.gz"
    urls = [server.url(f"/page/c{i}") for i in range(3)]
    list(fetch_pages(urls, dataclasses.replace(FAST, concurrency=1, per_host=1), archive=archive))
    archive.write_bytes(archive.read_bytes()[:-30])  # killed while writing the last record
    getter = PageGetter(ScoreOptions(pages=(str(archive),), archive=str(archive), offline=False, fetch_settings=FAST))
    results = getter.get_many(urls)
    assert {r.status for r in results.values()} == {"ok"}, {u: r.reason for u, r in results.items()}
    assert {uri for kind, uri, _ in records(archive) if kind == "response"} == set(urls)


def test_a_file_that_is_not_a_warc_is_left_alone(tmp_path):
    archive = tmp_path / "export.csv"
    archive.write_text("source_url,target_url\nhttp://a.example/,http://b.example/\n")
    with pytest.raises(InputError, match="is not a WARC archive"):
        list(fetch_pages(["http://a.example/"], FAST, archive=archive))
    assert archive.read_text().startswith("source_url")


KILLABLE = textwrap.dedent("""
    import sys
    sys.path.insert(0, {src!r})
    from linktriage.sources.fetch import FetchSettings, fetch_pages
    urls = sys.argv[2:]
    settings = FetchSettings(allow_private=True, per_host=4, per_host_delay=0, concurrency=4, progress=False)
    for result in fetch_pages(urls, settings, archive=sys.argv[1]):
        print(result.status, result.url, flush=True)
""")


@pytest.mark.slow
def test_a_killed_run_resumes_without_refetching_what_it_archived(server, tmp_path):
    archive = tmp_path / "pages.warc.gz"
    urls = [server.url(f"/page/k{i}?delay=0.05") for i in range(60)]
    script = tmp_path / "fetch.py"
    script.write_text(KILLABLE.format(src=str(ROOT / "src")))
    child = subprocess.Popen([sys.executable, str(script), str(archive), *urls], stdout=subprocess.PIPE,
                             stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 30
    while sum(path.startswith("/page/k") for path in server.paths().elements()) < 20:
        assert time.monotonic() < deadline and child.poll() is None
        time.sleep(0.01)
    child.send_signal(signal.SIGKILL)
    child.wait()
    child.stdout.close()
    prepare_archive(archive)
    archived = {uri for kind, uri, _ in records(archive) if kind == "response"}
    assert 10 <= len(archived) < 60
    requested_before = server.paths()
    results = list(fetch_pages(urls, FAST, archive=archive))
    assert len(results) == 60 and {r.status for r in results} == {"ok"}
    refetched = server.paths() - requested_before
    for url in archived:
        path = url.split(str(server.port), 1)[1]
        assert refetched[path] == 0, f"{path} was archived before the kill but fetched again"
    assert {uri for kind, uri, _ in records(archive) if kind == "response"} == set(urls)
    assert os.path.getsize(archive) > 0


def test_a_session_answers_pages_of_earlier_batches_without_refetching(server, tmp_path):
    archive = tmp_path / "pages.warc.gz"
    with FetchSession(FAST, archive=archive) as session:
        first = {r.url: r for r in session.fetch([server.url("/page/s1"), server.url("/status/404"),
                                                  server.url("/redirect/1")])}
        second = {r.url: r for r in session.fetch([server.url("/page/s1"), server.url("/page/s2"),
                                                   server.url("/status/404") + "#x", server.url("/redirect/1")])}
    paths = server.paths()
    assert paths["/page/s1"] == paths["/status/404"] == paths["/redirect/1"] == paths["/redirect/0"] == 1
    assert second[server.url("/page/s1")] == first[server.url("/page/s1")]  # body read back from the archive
    assert second[server.url("/redirect/1")] == first[server.url("/redirect/1")]
    assert second[server.url("/status/404") + "#x"].status == "page_gone"
    assert second[server.url("/page/s2")].status == "ok"


def test_a_session_without_archive_keeps_recent_pages_in_memory_and_refetches_older_ones(server, monkeypatch):
    """Without --archive a page named again by a later chunk was always fetched again. Recent bodies are now kept
    compressed in memory, up to fetch.RECENT_BODIES_BYTES; pages pushed out of it are fetched again."""
    from linktriage.sources import fetch

    with FetchSession(FAST) as session:
        first = {r.url: r for r in session.fetch([server.url("/page/n1"), server.url("/status/410")])}
        again = {r.url: r for r in session.fetch([server.url("/page/n1") + "#top", server.url("/status/410")])}
    assert again[server.url("/page/n1") + "#top"] == dataclasses.replace(first[server.url("/page/n1")],
                                                                          url=server.url("/page/n1") + "#top")
    assert b"n1" in again[server.url("/page/n1") + "#top"].body
    assert server.paths()["/page/n1"] == 1 and server.paths()["/status/410"] == 1

    page = len(zlib.compress(first[server.url("/page/n1")].body, 1))
    monkeypatch.setattr(fetch, "RECENT_BODIES_BYTES", int(page * 2.5))  # room for two pages of this size
    with FetchSession(FAST) as session:
        list(session.fetch([server.url(f"/page/r{i}") for i in range(3)]))  # r0 pushed out by r2
        list(session.fetch([server.url("/page/r1"), server.url("/page/r2")]))
        list(session.fetch([server.url("/page/r0")]))
    paths = server.paths()
    assert (paths["/page/r0"], paths["/page/r1"], paths["/page/r2"]) == (2, 1, 1)


def test_a_batch_abandoned_early_does_not_disturb_the_next(server, tmp_path):
    with FetchSession(dataclasses.replace(FAST, concurrency=2, per_host=2), archive=tmp_path / "p.warc.gz") as session:
        batch = session.fetch([server.url(f"/page/ab{i}?delay=0.05") for i in range(6)])
        next(batch)
        batch.close()
        urls = [server.url("/page/ab5?delay=0.05"), server.url("/page/next")]
        results = list(session.fetch(urls))
    assert sorted(r.url for r in results) == sorted(urls) and {r.status for r in results} == {"ok"}


@pytest.mark.parametrize("archived", [False, True])
def test_a_scoring_run_fetches_each_page_once_whatever_its_chunks(server, tmp_path, archived):
    """Each 2,000-row chunk opened its own fetch session: a page named in three chunks was requested three times
    (404s, 5xx with their retries, a dead host's timeout too), and a URL could get another answer per chunk."""
    from linktriage._records import Backlink
    from linktriage.pipeline import ScoreOptions, score_backlinks

    urls = [server.url("/page/c1"), server.url("/status/404"), server.url("/status/500"),
            server.url("/page/c2?delay=0.01")]
    backlinks = [Backlink(row=i, source_url=urls[i % len(urls)], target_url="https://target.example/")
                 for i in range(24)]
    options = ScoreOptions(chunk_size=5, offline=False, fetch_settings=dataclasses.replace(FAST, max_retries=1),
                           archive=str(tmp_path / "p.warc.gz") if archived else None)
    rows = [row for chunk in score_backlinks(backlinks, options) for row in chunk]
    assert len(rows) == 24
    statuses = {url: {r["link_status"] for r in rows if r["source_url"] == url} for url in urls}
    assert all(len(found) == 1 for found in statuses.values()), statuses
    paths = server.paths()
    assert paths["/status/404"] == 1 and paths["/status/500"] == 2  # one request, plus its one retry
    # an ok page's body is read back from the archive, or without one from the recent pages kept in memory
    assert paths["/page/c1"] == 1 and paths["/robots.txt"] == 1


@pytest.mark.parametrize("workers", [1, 2])
def test_live_pages_are_analysed_as_they_arrive_not_after_the_whole_chunk(server, monkeypatch, workers):
    """A chunk's live pages were all fetched, and all their bodies held, before the first one was analysed: 2,000
    rows of 4.5 MB pages held ~9 GB. Pages now go to analysis in small batches as they arrive, and the fetcher
    waits while the workers are behind, so what is held is bounded by the batches, not by the chunk."""
    from linktriage import pipeline
    from linktriage._records import Backlink

    pages = 200
    urls = [server.url(f"/page/live{i}") for i in range(pages)]
    backlinks = [Backlink(row=i, source_url=url, target_url="https://target.example/") for i, url in enumerate(urls)]
    held = []  # at each page analysis: pages requested from the server but not yet analysed
    analysed = []
    real = pipeline.analyse_source

    def counting(*args, **kwargs):
        requested = sum(n for path, n in server.paths().items() if path.startswith("/page/"))
        held.append(requested - len(analysed))
        analysed.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(pipeline, "analyse_source", counting)
    options = pipeline.ScoreOptions(offline=False, workers=workers, fetch_settings=dataclasses.replace(FAST, per_host=16))
    if workers == 2:  # the counter must run in this process to see the server: a thread pool keeps it here
        from concurrent.futures import ThreadPoolExecutor

        monkeypatch.setattr(pipeline, "_local_pool", lambda options, getter: ThreadPoolExecutor(2))
    rows = [row for chunk in pipeline.score_backlinks(backlinks, options) for row in chunk]
    assert [row["source_url"] for row in rows] == urls
    assert {row["link_status"] for row in rows} == {"live"}
    assert len(held) == pages
    # the batch being filled, the batches in the workers, and what the fetcher holds (its hand-over room, the
    # pages it is downloading): 16 * 3 + 2 * 16 = 80 at the defaults
    assert max(held) <= 80, held
