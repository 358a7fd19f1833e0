"""`linktriage fetch EXPORT -o PAGES.warc.gz`, run as a user would, in a subprocess."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from urllib.parse import quote

import pytest
from faultserver import FaultServer
from warcio.archiveiterator import ArchiveIterator

from linktriage.sources import WarcArchive

CLI = [sys.executable, "-c", "from linktriage.cli import main; main()"]


def has_ingest() -> bool:
    try:
        from linktriage.ingest import read_exports  # noqa: F401
    except ImportError:
        return False
    return True


needs_ingest = pytest.mark.skipif(not has_ingest(), reason="linktriage.ingest.read_exports is not there yet")


@pytest.fixture(scope="module")
def server():
    with FaultServer() as running:
        yield running


def export(tmp_path, urls: list[str]):
    path = tmp_path / "backlinks.csv"
    rows = ["source_url,target_url,anchor"] + [f"{url},https://target.example/,a link" for url in urls]
    path.write_text("\n".join(rows) + "\n")
    return path


def run(*args: str, timeout: float = 60) -> subprocess.CompletedProcess:
    return subprocess.run([*CLI, *args], capture_output=True, text=True, timeout=timeout)


def responses(path) -> list[str]:
    with open(path, "rb") as stream:
        return [r.rec_headers.get_header("WARC-Target-URI") for r in ArchiveIterator(stream) if r.rec_type == "response"]


def test_help_documents_the_switches():
    done = run("fetch", "--help")
    assert done.returncode == 0
    for option in ("--output", "--concurrency", "--allow-private", "--ignore-robots", "--site"):
        assert option in done.stdout


@needs_ingest
def test_fetch_archives_the_unique_source_pages_and_summarises(server, tmp_path):
    urls = [server.url("/page/cli-a"), server.url("/page/cli-b"), server.url("/page/cli-a"), server.url("/status/404")]
    archive = tmp_path / "pages.warc.gz"
    done = run("fetch", str(export(tmp_path, urls)), "-o", str(archive), "--allow-private")
    assert done.returncode == 0, done.stderr
    assert f"linktriage: 3 pages in {archive} (0 already there)" in done.stderr
    assert any(line.split()[1:3] == ["ok", "2"] for line in done.stderr.splitlines())
    assert any(line.split()[1:3] == ["page_gone", "1"] for line in done.stderr.splitlines())
    assert server.paths()["/page/cli-a"] == 1
    assert WarcArchive([archive]).get(server.url("/page/cli-b")).status == "ok"
    again = run("fetch", str(export(tmp_path, urls)), "-o", str(archive), "--allow-private")
    assert "(3 already there)" in again.stderr and server.paths()["/page/cli-a"] == 1


@needs_ingest
def test_an_archive_given_as_a_url_is_uploaded_and_resumed(server, tmp_path):
    """A URL archive (here fsspec's file:// stand-in for s3://) is fetched into, uploaded, then resumed."""
    urls = [server.url("/page/url-a"), server.url("/page/url-b")]
    archive = tmp_path / "store" / "pages.warc.gz"
    archive.parent.mkdir()
    done = run("fetch", str(export(tmp_path, urls)), "-o", archive.as_uri(), "--allow-private")
    assert done.returncode == 0, done.stderr
    assert sorted(responses(archive)) == sorted(urls)
    more = [*urls, server.url("/page/url-c")]
    again = run("fetch", str(export(tmp_path, more)), "-o", archive.as_uri(), "--allow-private")
    assert "(2 already there)" in again.stderr, again.stderr
    assert server.paths()["/page/url-a"] == 1 and sorted(responses(archive)) == sorted(more)
    bad = run("fetch", str(export(tmp_path, urls)), "-o", "nosuchscheme://bucket/pages.warc.gz", "--allow-private")
    assert bad.returncode == 2 and bad.stderr.strip().count("\n") == 0, bad.stderr
    assert "nosuchscheme://bucket/pages.warc.gz" in bad.stderr


@needs_ingest
def test_without_allow_private_loopback_is_refused(server, tmp_path):
    archive = tmp_path / "pages.warc.gz"
    done = run("fetch", str(export(tmp_path, [server.url("/page/cli-private")])), "-o", str(archive))
    assert done.returncode == 0
    assert "error" in done.stderr and "refused: non-public address (1)" in done.stderr
    assert server.paths()["/page/cli-private"] == 0


@needs_ingest
def test_a_long_host_name_with_a_stray_character_is_refused_at_once(server, tmp_path):
    """The host-name check once backtracked exponentially, holding the GIL: 20 letters and a '!' took 10 s, 40 hung
    the whole process, whether the name came from the export or from a redirect's Location."""
    bad = "http://" + "a" * 60 + "!/"
    urls = [bad, server.url("/redirect-to?url=" + quote(bad, safe="")), server.url("/page/next-to-a-stray-char")]
    archive = tmp_path / "pages.warc.gz"
    done = run("fetch", str(export(tmp_path, urls)), "-o", str(archive), "--allow-private", timeout=20)
    assert done.returncode == 0, done.stderr
    assert "linktriage: 3 pages" in done.stderr and "invalid URL (1)" in done.stderr
    assert "redirect to an unusable URL (1)" in done.stderr
    assert responses(archive) == [urls[2]]


def test_an_output_that_is_not_a_warc_is_a_one_line_error(server, tmp_path):
    not_warc = tmp_path / "notes.warc.gz"
    not_warc.write_text("my notes\n")
    source = export(tmp_path, [server.url("/page/never")])
    done = run("fetch", str(source), "-o", str(not_warc), "--allow-private")
    if not has_ingest():
        pytest.skip("linktriage.ingest.read_exports is not there yet")
    assert done.returncode == 2 and done.stderr.strip().count("\n") == 0
    assert "is not a WARC archive" in done.stderr and not_warc.read_text() == "my notes\n"


def test_an_empty_output_is_a_one_line_error_that_says_so(server, tmp_path):
    # `-o "$ARCHIVE"` with the variable unset was "linktriage: error: No such file or directory: " (no name)
    done = run("fetch", str(export(tmp_path, [server.url("/page/never")])), "-o", "", "--allow-private")
    assert done.returncode == 2 and done.stderr == (
        "linktriage: error: -o is empty: give the WARC archive to write, e.g. -o pages.warc.gz\n"), done.stderr


@needs_ingest
@pytest.mark.slow
def test_a_killed_fetch_resumes_without_refetching(tmp_path):
    with FaultServer() as server:
        urls = [server.url(f"/page/kill{i}?delay=0.05") for i in range(60)]
        source, archive = export(tmp_path, urls), tmp_path / "pages.warc.gz"
        child = subprocess.Popen([*CLI, "fetch", str(source), "-o", str(archive), "--allow-private",
                                  "--concurrency", "4"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 30
        while sum(p.startswith("/page/kill") for p in server.paths().elements()) < 15:
            assert time.monotonic() < deadline and child.poll() is None
            time.sleep(0.01)
        child.send_signal(signal.SIGKILL)
        child.wait()
        before = server.paths()
        done = run("fetch", str(source), "-o", str(archive), "--allow-private", timeout=120)
        assert done.returncode == 0, done.stderr
        refetched = server.paths() - before
        archived_then = int(done.stderr.split("(", 1)[1].split(" already there", 1)[0])
        assert archived_then >= 5
        assert sum(n for p, n in refetched.items() if p.startswith("/page/kill")) == 60 - archived_then
        assert sorted(responses(archive)) == sorted(urls)


def _interrupt_mid_fetch(server, tmp_path, sig: signal.Signals, output: str, name: str):
    """Start `linktriage fetch` on 60 slow pages, send ``sig`` once 10 are asked for, and wait for it to end."""
    urls = [server.url(f"/page/{name}{i}?delay=0.05") for i in range(60)]
    temp = tmp_path / "tmp"
    temp.mkdir()
    # As from a terminal: Python's own Ctrl-C handler. A process started with SIGINT ignored keeps ignoring it (as
    # shells want for background jobs), and pytest's process can hand that down once some test left it ignored.
    cli = [sys.executable, "-c", "import signal; signal.signal(signal.SIGINT, signal.default_int_handler); "
                                 "from linktriage.cli import main; main()"]
    child = subprocess.Popen([*cli, "fetch", str(export(tmp_path, urls)), "-o", output, "--allow-private",
                              "--concurrency", "4"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                             env={**os.environ, "TMPDIR": str(temp)})
    deadline = time.monotonic() + 30
    while sum(p.startswith(f"/page/{name}") for p in server.paths().elements()) < 10:
        assert time.monotonic() < deadline and child.poll() is None
        time.sleep(0.01)
    child.send_signal(sig)
    _, stderr = child.communicate(timeout=30)
    return child.returncode, stderr, urls, temp


@needs_ingest
def test_ctrl_c_mid_fetch_exits_130_and_leaves_a_readable_archive(server, tmp_path):
    archive = tmp_path / "pages.warc.gz"
    code, stderr, urls, _ = _interrupt_mid_fetch(server, tmp_path, signal.SIGINT, str(archive), "ctrl-c")
    assert code == 130 and stderr.strip() == "linktriage: interrupted", (code, stderr)
    kept = responses(archive)
    assert 0 < len(kept) < len(urls) and set(kept) <= set(urls)
    done = run("fetch", str(export(tmp_path, urls)), "-o", str(archive), "--allow-private")
    assert done.returncode == 0 and f"({len(kept)} already there)" in done.stderr


@needs_ingest
def test_sigterm_mid_fetch_still_uploads_an_archive_url_and_cleans_up(server, tmp_path):
    """`timeout`, `docker stop` and job schedulers stop a run with SIGTERM: it ends like Ctrl-C (archive uploaded,
    temporary files removed), with exit code 143."""
    archive = tmp_path / "store" / "pages.warc.gz"
    archive.parent.mkdir()
    code, stderr, urls, temp = _interrupt_mid_fetch(server, tmp_path, signal.SIGTERM, archive.as_uri(), "sigterm")
    assert code == 143 and stderr.strip() == "linktriage: terminated", (code, stderr)
    assert 0 < len(responses(archive)) < len(urls)
    assert list(temp.iterdir()) == []


def test_an_output_that_is_a_directory_is_a_one_line_error_with_the_fix(server, tmp_path):
    # was "linktriage: error: Is a directory: odir", with no way out
    folder = tmp_path / "odir"
    folder.mkdir()
    done = run("fetch", str(export(tmp_path, [server.url("/page/never")])), "-o", str(folder), "--allow-private")
    assert done.returncode == 2 and done.stderr.count("\n") == 1, done.stderr
    assert f"-o {folder} is a directory" in done.stderr and str(folder / "pages.warc.gz") in done.stderr


def test_an_output_in_a_missing_folder_is_a_one_line_error_with_the_fix(server, tmp_path):
    # was "linktriage: error: No such file or directory: .../nodir/y/pages.warc.gz", once the export was read
    archive = tmp_path / "nodir" / "y" / "pages.warc.gz"
    done = run("fetch", str(export(tmp_path, [server.url("/page/never")])), "-o", str(archive), "--allow-private")
    assert done.returncode == 2 and done.stderr.count("\n") == 1, done.stderr
    assert f"the folder {archive.parent} does not exist; create it or write elsewhere" in done.stderr


@pytest.mark.parametrize("name, says", [("-", "-o -: a WARC archive is written to a file, not to standard output"),
                                        ("pages.csv", "-o pages.csv: name the WARC archive like pages.warc.gz")])
def test_an_output_not_named_as_a_warc_is_refused_before_fetching(server, tmp_path, name, says, monkeypatch):
    """`-o -` wrote a file named "-", and `-o pages.csv` an uncompressed WARC under a table's name."""
    monkeypatch.chdir(tmp_path)
    done = run("fetch", str(export(tmp_path, [server.url("/page/named")])), "-o", name, "--allow-private")
    assert done.returncode == 2 and says in done.stderr, done.stderr
    assert not (tmp_path / name).exists() and server.paths().get("/page/named", 0) == 0
