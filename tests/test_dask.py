"""The Dask engine gives the same rows, in the same order, as the local engine.

One LocalCluster with 2 worker processes serves the module (reached through its address, as ``--scheduler``
does); the workers read the WARC files themselves, so this also checks that pages are found from the paths.
"""

from __future__ import annotations

import contextlib
import math

import pytest

from conftest import EXAMPLES
from linktriage import InputError
from linktriage.ingest import read_exports
from linktriage.pipeline import ScoreOptions, score_backlinks

pytest.importorskip("distributed")

TOPICS = ["trail running shoes", "sourdough baking", "home solar panels", "birdwatching in spring",
          "budget travel in Portugal", "learning the cello", "urban beekeeping", "vintage camera repair"]
TARGETS = ["https://www.alpinetrailco.com/guides/choosing-trail-shoes", "https://shop.example-bakery.com/starter",
           "https://sunroof-energy.example.net/", "https://birds.example.org/spring-migration"]


def _paragraphs(topic: str, n: int, seed: int) -> str:
    words = topic.split()
    return "".join(
        f"<p>{' '.join(words[(seed + i + j) % len(words)] for j in range(3))} is something I have written about "
        f"for years; paragraph {i} of this piece about {topic} adds notes on gear, timing and cost, with "
        f"examples from readers who wrote in after the last post.</p>"
        for i in range(n)
    )


def _page(i: int) -> str:
    """Hand-written page shapes: article with an in-text link, comments, sidebar blogroll, footer, directory."""
    topic, target = TOPICS[i % len(TOPICS)], TARGETS[i % len(TARGETS)]
    kind = i % 5
    body = _paragraphs(topic, 4 + i % 3, i)
    link = f'<a href="{target}">{topic} guide</a>'
    if kind == 0:
        main = f"<article><h1>{topic.title()}</h1>{body}<p>See the {link} for more.</p></article>"
        extra = ""
    elif kind == 1:
        main = f"<article><h1>{topic.title()}</h1>{body}</article>"
        extra = (f'<section id="comments"><div class="comment"><p>Great post! Cheap deals at {link} '
                 f'<a href="https://spam{i}.example.biz/">casino bonus</a></p></div></section>')
    elif kind == 2:
        main = f"<main><h1>{topic.title()}</h1>{body}</main>"
        extra = ('<aside class="sidebar"><h3>Blogroll</h3><ul>'
                 + "".join(f'<li><a href="https://friend{k}.example.com/">Friend {k}</a></li>' for k in range(12))
                 + f"<li>{link}</li></ul></aside>")
    elif kind == 3:
        main = f"<article><h1>{topic.title()}</h1>{body}</article>"
        extra = f'<footer class="site-footer"><p>Partners: {link} | <a href="/about">About</a></p></footer>'
    else:
        items = "".join(
            f'<div class="listing"><h4>Business {k}</h4><p>Open 9-5, 12 Main Street, call 555-0{k:03d}</p>'
            f'<a href="https://biz{k}.example.com/">Website</a></div>' for k in range(8))
        main = f"<main><h1>Directory: {topic}</h1>{items}<div class=\"listing\"><h4>Featured</h4>" \
               f"<p>Open 9-5, 14 Main Street, call 555-0999</p>{link}</div></main>"
        extra = ""
    return (f"<html><head><title>{topic.title()} #{i}</title></head><body><nav class=\"menu\">"
            f'<a href="/">Home</a> <a href="/blog">Blog</a></nav>{main}{extra}</body></html>')


@pytest.fixture(scope="module")
def cluster():
    from distributed import LocalCluster

    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0") as local:
        yield local.scheduler_address


def _rows(export, pages, **options) -> list[dict]:
    rows: list[dict] = []
    for chunk in score_backlinks(read_exports([str(export)]), ScoreOptions(pages=(str(pages),), offline=True,
                                                                           **options)):
        rows.extend(chunk)
    return rows


def _same(a: list[dict], b: list[dict]) -> None:
    assert len(a) == len(b)
    for left, right in zip(a, b):
        assert left.keys() == right.keys()
        for key in left:
            x, y = left[key], right[key]
            if isinstance(x, float) and math.isnan(x):
                assert isinstance(y, float) and math.isnan(y), key
            else:
                assert x == y, (key, x, y)


def test_dask_engine_matches_local_on_the_example(cluster):
    local = _rows(EXAMPLES / "backlinks.csv", EXAMPLES / "pages.warc.gz")
    on_dask = _rows(EXAMPLES / "backlinks.csv", EXAMPLES / "pages.warc.gz", engine="dask", scheduler=cluster)
    _same(local, on_dask)
    assert [r["source_url"] for r in on_dask] == [r["source_url"] for r in local]
    assert {r["link_status"] for r in on_dask} >= {"live", "missing", "not_fetched"}


def test_dask_engine_matches_local_on_hundreds_of_rows_over_several_chunks(cluster, warc_factory, tmp_path):
    pages = {f"https://site{i % 23}.example.com/post/{i}": _page(i) for i in range(60)}
    pages["https://gone.example.com/old"] = (404, {"Content-Type": "text/html"}, b"<html>gone</html>")
    pages["https://moved.example.com/a"] = (301, {"Location": "https://site3.example.com/post/3"}, b"")
    warc = warc_factory(pages)
    urls = list(pages) + ["https://not-archived.example.com/x", "not a url at all"]
    lines = ["source_url,target_url,anchor,Domain rating"]
    for n in range(320):
        url = urls[(n * 7) % len(urls)]
        target = TARGETS[n % len(TARGETS)] if n % 9 else "https://absent.example.com/"
        anchor = "" if n % 3 else f"{TOPICS[n % len(TOPICS)]} guide"
        lines.append(f'{url},{target},"{anchor}",{n % 90}')
    export = tmp_path / "export.csv"
    export.write_text("\n".join(lines) + "\n", encoding="utf-8")

    local = _rows(export, warc, chunk_size=64, workers=2)
    on_dask = _rows(export, warc, chunk_size=64, engine="dask", scheduler=cluster)
    assert len(local) == 320
    _same(local, on_dask)
    statuses = {r["link_status"] for r in local}
    assert {"live", "missing", "page_gone", "redirected", "not_fetched"} <= statuses
    assert len({r["position"] for r in local if r["position"]}) >= 3


def test_dask_engine_starts_a_local_cluster_without_scheduler(tmp_path):
    from typer.testing import CliRunner

    from linktriage.cli import app

    out = tmp_path / "dask.csv"
    result = CliRunner().invoke(app, ["score", str(EXAMPLES / "backlinks.csv"), "--pages",
                                      str(EXAMPLES / "pages.warc.gz"), "--offline", "--engine", "dask",
                                      "--workers", "2", "-o", str(out)])
    assert result.exit_code == 0, result.output
    local = tmp_path / "local.csv"
    result = CliRunner().invoke(app, ["score", str(EXAMPLES / "backlinks.csv"), "--pages",
                                      str(EXAMPLES / "pages.warc.gz"), "--offline", "-o", str(local)])
    assert result.exit_code == 0, result.output
    assert out.read_bytes() == local.read_bytes()


def test_unreachable_scheduler_is_a_one_line_input_error():
    from linktriage._dask import DaskExecutor

    with pytest.raises(InputError, match="no Dask scheduler answers there"):
        DaskExecutor("tcp://127.0.0.1:9", timeout=1)


@contextlib.contextmanager
def _stranger(answer: bytes):
    """A TCP server that is no Dask scheduler: it accepts connections and sends ``answer`` (or nothing, if empty)."""
    import socket
    import threading

    server = socket.create_server(("127.0.0.1", 0))
    held = []

    def serve() -> None:
        with contextlib.suppress(OSError):
            while True:
                conn, _ = server.accept()
                held.append(conn)  # kept open: a silent server holds the connection
                if answer:
                    conn.sendall(answer)

    threading.Thread(target=serve, daemon=True).start()
    try:
        yield f"tcp://127.0.0.1:{server.getsockname()[1]}"
    finally:
        server.close()
        for conn in held:
            conn.close()


def _connect_in_thread(address: str) -> BaseException | None:
    """DaskExecutor(address) in a thread, so a hang fails the test instead of stopping the suite."""
    import threading

    from linktriage._dask import DaskExecutor

    raised: list[BaseException] = []

    def connect() -> None:
        try:
            DaskExecutor(address, timeout=1).shutdown()
        except BaseException as exc:  # noqa: BLE001 - handed to the test
            raised.append(exc)

    thread = threading.Thread(target=connect, daemon=True)
    thread.start()
    thread.join(60)
    assert not thread.is_alive(), f"DaskExecutor({address}) still waiting after 60 s"
    return raised[0] if raised else None


def test_a_port_that_never_answers_is_an_input_error_not_a_hang():
    with _stranger(b"") as address:
        raised = _connect_in_thread(address)
    assert isinstance(raised, InputError), raised
    assert "does not answer as a Dask scheduler (no answer in 2 s)" in str(raised)


def test_a_server_speaking_another_protocol_is_named_as_such():
    with _stranger(b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello" * 50) as address:
        raised = _connect_in_thread(address)
    assert isinstance(raised, InputError), raised
    assert "does not speak Dask's protocol" in str(raised) and "MemoryError" in str(raised)


def test_local_cluster_workers_leave_ctrl_c_to_the_run():
    """Ctrl-C in a terminal reaches every process of the group: the workers must not die of it (each printed a
    KeyboardInterrupt traceback); the run shuts its cluster down itself."""
    import os
    import signal
    import time

    from linktriage._dask import DaskExecutor

    executor = DaskExecutor(workers=1)
    try:
        (before,) = executor.client.run(os.getpid).values()
        os.kill(before, signal.SIGINT)
        time.sleep(2)  # a worker that died of it is restarted by its nanny, under another pid
        (after,) = executor.client.run(os.getpid).values()
        assert after == before
    finally:
        executor.shutdown()


def test_unknown_engine_is_an_input_error():
    with pytest.raises(InputError, match="unknown engine"):
        next(score_backlinks([], ScoreOptions(engine="spark")))


def test_engine_names_are_read_whatever_their_case():
    assert list(score_backlinks([], ScoreOptions(engine=" Local "))) == []
    with pytest.raises(InputError, match="--scheduler tcp://127.0.0.1:1 is for the Dask engine"):
        next(score_backlinks([], ScoreOptions(engine="LOCAL", scheduler="tcp://127.0.0.1:1")))


def _cli(capsys, *args):
    """The CLI in this process, as a user runs it: (exit code, stdout, stderr)."""
    from linktriage.cli import app
    from linktriage.cli._errors import run_app

    capsys.readouterr()
    code = run_app(app, [str(a) for a in args])
    out, err = capsys.readouterr()
    return code, out, err


EXAMPLE = [EXAMPLES / "backlinks.csv", "--pages", EXAMPLES / "pages.warc.gz", "--offline"]


@pytest.mark.parametrize("options", [["--engine", "bogus"], ["--scheduler", "tcp://127.0.0.1:1"],
                                     ["--embedder", "bogus"],
                                     ["--engine", "dask", "--scheduler", "tcp://127.0.0.1:1", "--workers", "4"]])
def test_bad_options_print_one_line_and_no_output(capsys, options):
    code, out, err = _cli(capsys, "score", *EXAMPLE, *options)
    assert code == 2 and out == ""  # no CSV header on standard output before the error
    assert len(err.strip().splitlines()) == 1 and err.startswith("linktriage: error: --")


def test_dask_engine_without_distributed_says_what_to_install(capsys, monkeypatch):
    import sys

    monkeypatch.setitem(sys.modules, "distributed", None)  # import distributed -> ImportError
    monkeypatch.delitem(sys.modules, "linktriage._dask", raising=False)
    code, out, err = _cli(capsys, "score", *EXAMPLE, "--engine", "dask")
    assert code == 2 and out == "", err  # nothing on stdout that looks like an (empty) result
    assert "pip install 'linktriage[dask]'" in err and len(err.strip().splitlines()) == 1


@pytest.mark.parametrize("address", ["nonsense", "http://x", "ucx://127.0.0.1:1", "tls://127.0.0.1:1", "tcp://", "", " "])
def test_malformed_scheduler_address_is_one_line_exit_2(capsys, address):
    code, out, err = _cli(capsys, "score", *EXAMPLE, "--engine", "dask", "--scheduler", address)
    assert code == 2 and out == "", err  # nothing on stdout that looks like an (empty) result
    assert err.startswith(f"linktriage: error: --scheduler {address.strip()}") and len(err.strip().splitlines()) == 1


def test_bad_scheduler_is_refused_even_for_an_empty_export(capsys, tmp_path):
    empty = tmp_path / "empty.csv"
    empty.write_text("source_url,target_url,anchor\n", encoding="utf-8")
    code, _, err = _cli(capsys, "score", empty, "--offline", "--engine", "dask", "--scheduler", "nonsense")
    assert code == 2 and "--scheduler nonsense" in err


def _two_page_export(tmp_path, warc_factory):
    pages = {f"https://site{i}.example.com/post": _page(i) for i in range(4)}
    warc = warc_factory(pages)
    export = tmp_path / "export.csv"
    export.write_text("source_url,target_url,anchor\n" + "".join(f"{url},{TARGETS[0]},\n" for url in pages),
                      encoding="utf-8")
    return export, warc


def test_worker_that_cannot_read_the_archives_is_a_one_line_input_error(cluster, warc_factory, tmp_path):
    """The archives are indexed here, but the workers do not see them (no shared filesystem): say so."""
    export, warc = _two_page_export(tmp_path, warc_factory)

    def rows_then_hide_the_archive():  # read after the index is built and shipped, before any page is analysed
        for backlink in read_exports([str(export)]):
            if warc.exists():
                warc.unlink()
            yield backlink

    options = ScoreOptions(pages=(str(warc),), offline=True, engine="dask", scheduler=cluster)
    with pytest.raises(InputError, match=r"--pages .*pages\.warc\.gz: a Dask worker cannot read it .*same absolute path"):
        list(score_backlinks(rows_then_hide_the_archive(), options))


def test_cluster_without_workers_is_an_error_not_a_hang(warc_factory, tmp_path, monkeypatch):
    import time

    from distributed import LocalCluster

    import linktriage._dask as engine

    monkeypatch.setattr(engine, "NO_WORKERS_TIMEOUT", 2.0)
    monkeypatch.setattr(engine, "CHECK_EVERY", 0.5)
    export, warc = _two_page_export(tmp_path, warc_factory)
    with LocalCluster(n_workers=0, processes=False, dashboard_address=":0") as empty:
        started = time.monotonic()
        with pytest.raises(InputError, match="no workers"):
            _rows(export, warc, engine="dask", scheduler=empty.scheduler_address)
        assert time.monotonic() - started < 30


from distributed.diagnostics.plugin import WorkerPlugin  # noqa: E402  (after importorskip above)


class _ExitOnPage(WorkerPlugin):
    """A worker plugin: the worker process dies (as on running out of memory) when it analyses ``url``; only the
    first time when ``once`` names a file (created on that first death)."""

    name = "exit-on-page"

    def __init__(self, url: str, once: str | None = None) -> None:
        self.url, self.once = url, once

    def setup(self, worker) -> None:
        import linktriage.analyse as analyse

        original = analyse.analyse_page
        analyse.analyse_page = (lambda fetched, rows, **options:
                                self._maybe_exit(fetched.url) or original(fetched, rows, **options))

    def _maybe_exit(self, url: str) -> None:
        import os

        if url == self.url and not (self.once and os.path.exists(self.once)):
            if self.once:
                open(self.once, "w").close()
            os._exit(1)


def test_worker_killed_by_a_page_is_a_clear_error(warc_factory, tmp_path):
    import dask
    from distributed import Client, LocalCluster

    from linktriage import LinkTriageError

    export, warc = _two_page_export(tmp_path, warc_factory)
    # One death is enough to give up on a task (default 3: three worker restarts, ~10 s)
    with dask.config.set({"distributed.scheduler.allowed-failures": 0}), \
            LocalCluster(n_workers=1, threads_per_worker=1, dashboard_address=":0") as local, \
            Client(local) as client:
        client.register_plugin(_ExitOnPage("https://site2.example.com/post"))
        with pytest.raises(LinkTriageError, match=r"Dask workers died .* while analysing pages, https://site\d\.example"):
            _rows(export, warc, engine="dask", scheduler=local.scheduler_address)


def test_worker_dying_once_mid_run_changes_nothing(warc_factory, tmp_path):
    """A worker that dies is restarted by its nanny and its tasks run again: the rows are those of the local engine."""
    from distributed import Client, LocalCluster

    export, warc = _two_page_export(tmp_path, warc_factory)
    local = _rows(export, warc)
    with LocalCluster(n_workers=1, threads_per_worker=1, dashboard_address=":0") as cluster, \
            Client(cluster) as client:
        client.register_plugin(_ExitOnPage("https://site2.example.com/post", once=str(tmp_path / "died")))
        on_dask = _rows(export, warc, engine="dask", scheduler=cluster.scheduler_address)
    assert (tmp_path / "died").exists()
    _same(local, on_dask)


class _KillOnPage(_ExitOnPage):
    """A worker plugin: analysing ``url`` kills the process ``pid`` (the scheduler), then goes on."""

    name = "kill-on-page"

    def __init__(self, url: str, pid: int) -> None:
        super().__init__(url)
        self.pid = pid

    def _maybe_exit(self, url: str) -> None:
        import os
        import signal
        import time

        if url == self.url:
            os.kill(self.pid, signal.SIGKILL)
            time.sleep(1)


@contextlib.contextmanager
def _cluster_in_processes(tmp_path, cwd=None):
    """A scheduler and one worker in their own processes (they can be killed, or started elsewhere), as on a real
    cluster: yields (scheduler address, scheduler process)."""
    import os
    import subprocess
    import sys
    import time

    from distributed import Client

    info = tmp_path / "scheduler.json"
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}  # the worker finds this module's plugins
    scheduler = subprocess.Popen([sys.executable, "-m", "distributed.cli.dask_scheduler", "--port", "0",
                                  "--dashboard-address", ":0", "--scheduler-file", str(info)], cwd=cwd,
                                 stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    worker = None
    try:
        for _ in range(300):
            if info.exists() and info.stat().st_size:
                break
            time.sleep(0.1)
        worker = subprocess.Popen([sys.executable, "-m", "distributed.cli.dask_worker", "--scheduler-file", str(info),
                                   "--nthreads", "1", "--no-dashboard"], cwd=cwd,
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
        with Client(scheduler_file=str(info), timeout=30) as client:
            client.wait_for_workers(1, timeout=60)
            address = client.scheduler.address
        yield address, scheduler
    finally:
        for process in (worker, scheduler):
            if process is not None:
                process.kill()
                process.wait(10)


def test_scheduler_lost_mid_run_is_a_one_line_error(capsys, warc_factory, tmp_path):
    from distributed import Client

    export, warc = _two_page_export(tmp_path, warc_factory)
    with _cluster_in_processes(tmp_path) as (address, scheduler):
        with Client(address, timeout=30) as client:
            client.register_plugin(_KillOnPage("https://site1.example.com/post", scheduler.pid))
        code, _, err = _cli(capsys, "score", export, "--pages", warc, "--offline", "--engine", "dask",
                            "--scheduler", address)
    assert code == 1 and err.startswith("linktriage: error: lost the connection to the Dask cluster"), err
    assert len(err.strip().splitlines()) == 1, err


def test_cluster_without_linktriage_is_a_one_line_error(capsys, tmp_path):
    """A scheduler (or workers) started from an environment without linktriage cannot unpickle its tasks."""
    import os
    import subprocess
    import sys
    import time

    hide = tmp_path / "hide"
    hide.mkdir()
    (hide / "sitecustomize.py").write_text("import sys\nsys.modules['linktriage'] = None\n", encoding="utf-8")
    info = tmp_path / "scheduler.json"
    scheduler = subprocess.Popen([sys.executable, "-m", "distributed.cli.dask_scheduler", "--port", "0",
                                  "--dashboard-address", ":0", "--scheduler-file", str(info)],
                                 stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                 env={**os.environ, "PYTHONPATH": str(hide)})
    try:
        for _ in range(300):
            if info.exists() and info.stat().st_size:
                break
            time.sleep(0.1)
        address = __import__("json").loads(info.read_text())["address"]
        code, _, err = _cli(capsys, "score", *EXAMPLE, "--engine", "dask", "--scheduler", address)
    finally:
        scheduler.kill()
        scheduler.wait(10)
    assert code == 2 and "cannot load linktriage" in err and "install linktriage" in err, err
    assert len(err.strip().splitlines()) == 1, err


def _status_on_worker(key: tuple, url: str) -> str | None:
    """How the archive index this worker holds under ``key`` (as the tasks name it) reads ``url``; None: no index."""
    from linktriage.analyse import _ARCHIVES

    archive = _ARCHIVES.get(tuple(key))
    return None if archive is None else archive.get(url).status


@pytest.mark.parametrize("form", ["relative", "url"])
def test_workers_in_another_directory_get_the_archive_index(warc_factory, tmp_path, monkeypatch, form):
    """`--pages pages.warc.gz` (relative) or `--pages local:///.../pages.warc.gz` (an fsspec URL): a worker started
    in another directory must still be handed the index, under the key the tasks use, instead of reading every
    archive again itself (or, for a URL, looking for it as a local file and failing)."""
    from linktriage._dask import DaskExecutor
    from linktriage.analyse import archive_key
    from linktriage.sources.warc import WarcArchive

    export, warc = _two_page_export(tmp_path, warc_factory)
    monkeypatch.chdir(warc.parent)
    archive = WarcArchive([warc.name if form == "relative" else f"local://{warc}"])
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    with _cluster_in_processes(tmp_path, cwd=elsewhere) as (address, _):
        executor = DaskExecutor(address, archive=archive)
        try:
            found = executor.client.run(_status_on_worker, archive_key(archive), "https://site1.example.com/post")
        finally:
            executor.shutdown()
    assert list(found.values()) == ["ok"], found
