"""--cache: page analyses kept in an SQLite file and read back on the next run, with the same rows as without it."""

from __future__ import annotations

import functools
import json
import sqlite3
import subprocess
import sys
import zlib
from dataclasses import replace

import pytest
from conftest import EXAMPLES, TRAIL_ARTICLE

import linktriage.analyse as analyse
from linktriage import Backlink
from linktriage._records import FetchResult
from linktriage._cache import AnalysisCache, _decode, code_fingerprint, page_key, prepare_cache
from linktriage._exceptions import InputError
from linktriage.pipeline import ScoreOptions, score_backlinks

# the footer links to other.example twice, under two anchors: the export's anchor chooses the link
ARTICLE = TRAIL_ARTICLE.replace('<a href="https://other.example/">Partner</a>',
                                '<a href="https://other.example/">Partner</a> <a href="https://other.example/">Partner again</a>')
SOURCE = "https://blog.example/trail"


def rows_for(backlinks, **options):
    settings = ScoreOptions(offline=True, workers=1, niche="trail running shoes", **options)
    return [row for chunk in score_backlinks(backlinks, settings) for row in chunk]


def links(*targets, anchors=None):
    anchors = anchors or [""] * len(targets)
    return [Backlink(row=i, source_url=SOURCE, target_url=t, anchor=a) for i, (t, a) in enumerate(zip(targets,
                                                                                                       anchors))]


@pytest.fixture
def parses(monkeypatch):
    """The URLs of the pages parsed in this process."""
    calls = []
    original = analyse.extract_page
    monkeypatch.setattr(analyse, "extract_page", lambda fetched: calls.append(fetched.url) or original(fetched))
    return calls


def test_a_second_run_reads_the_analyses_back_and_gives_the_same_rows(warc_factory, tmp_path, parses):
    archive = str(warc_factory({SOURCE: ARTICLE}))
    backlinks = links("https://shop.example/guides/fit", "https://other.example/", "https://x.example/",
                      anchors=["", "Partner again", ""])
    plain = rows_for(backlinks, pages=(archive,))
    first = rows_for(backlinks, pages=(archive,), cache=str(tmp_path / "c.sqlite"))
    second = rows_for(backlinks, pages=(archive,), cache=str(tmp_path / "c.sqlite"))
    assert parses == [SOURCE, SOURCE]  # without the cache, and the run that filled it; never the third
    assert plain == first == second
    assert [r["link_status"] for r in second] == ["live", "live", "missing"]
    assert second[1]["position"] == "footer" and second[0]["relevance"] is not None


def test_rows_of_another_export_are_renumbered_and_a_new_target_parses_the_page_again(warc_factory, tmp_path, parses):
    archive = str(warc_factory({SOURCE: ARTICLE}))
    cache = str(tmp_path / "c.sqlite")
    rows_for(links("https://shop.example/guides/fit"), pages=(archive,), cache=cache)
    reordered = links("https://other.example/", "https://shop.example/guides/fit")
    assert rows_for(reordered, pages=(archive,), cache=cache) == rows_for(reordered, pages=(archive,))
    assert parses == [SOURCE] * 3  # the new target needed the page: the cache held only the first one's row
    parses.clear()
    rows_for(list(reversed(reordered)), pages=(archive,), cache=cache)
    assert parses == []


@pytest.mark.parametrize("library", ["idna", "dateparser", "python-dateutil", "Python", "libxml2"])
def test_another_version_of_what_the_analysis_runs_on_gives_another_fingerprint(monkeypatch, library):
    # idna makes hosts punycode (source domains, target matching); dateparser and dateutil find the dates of
    # has_date; Python's urllib.parse and Unicode tables split URLs and text; libxml2 parses the pages
    import linktriage._cache as cache_module

    before = code_fingerprint()
    if library == "Python":
        monkeypatch.setattr(sys, "version", sys.version + " (another build)")
    elif library == "libxml2":  # the parser, upgraded under the same lxml when lxml is built on the system's
        import lxml.etree

        monkeypatch.setattr(lxml.etree, "LIBXML_VERSION", (*lxml.etree.LIBXML_VERSION[:2], 99))
    else:
        version = cache_module.metadata.version
        monkeypatch.setattr(cache_module.metadata, "version", lambda name: version(name) + (".1" if name == library
                                                                                            else ""))
    code_fingerprint.cache_clear()
    try:
        assert code_fingerprint() != before
    finally:
        code_fingerprint.cache_clear()


def test_a_changed_page_is_analysed_again(warc_factory, tmp_path, parses):
    cache = str(tmp_path / "c.sqlite")
    before = str(warc_factory({SOURCE: ARTICLE}, name="before.warc.gz"))
    after = str(warc_factory({SOURCE: ARTICLE.replace('<a href="https://shop.example/guides/fit">', "<a>")},
                             name="after.warc.gz"))
    assert rows_for(links("https://shop.example/guides/fit"), pages=(before,), cache=cache)[0]["link_status"] == "live"
    assert rows_for(links("https://shop.example/guides/fit"), pages=(after,), cache=cache)[0]["link_status"] == "missing"
    assert parses == [SOURCE, SOURCE]


def test_analyses_of_other_code_are_dropped_with_a_warning(warc_factory, tmp_path, parses):
    archive, cache = str(warc_factory({SOURCE: ARTICLE})), tmp_path / "c.sqlite"
    rows_for(links("https://shop.example/guides/fit"), pages=(archive,), cache=str(cache))
    with sqlite3.connect(cache) as db:
        db.execute("UPDATE meta SET value = 'an older linktriage' WHERE key = 'fingerprint'")
    with pytest.warns(UserWarning, match="another version of linktriage.*emptied"):
        rows_for(links("https://shop.example/guides/fit"), pages=(archive,), cache=str(cache))
    assert parses == [SOURCE, SOURCE]
    with sqlite3.connect(cache) as db:
        assert db.execute("SELECT value FROM meta WHERE key = 'fingerprint'").fetchone()[0] == code_fingerprint()


@functools.cache
def bomb() -> bytes:
    """200 MB of JSON in ~200 KB of zlib (made on first use: not at every test collection)."""
    return zlib.compress(b'{"x": "' + b"a" * (200 * 1024 * 1024) + b'"}', 9)


@pytest.mark.parametrize("entry", [lambda: b"\x00\xff", lambda: zlib.compress(b"[" * 100_000), bomb],
                         ids=["not-zlib", "deeply-nested", "inflates-to-200-MB"])
def test_an_entry_that_does_not_read_back_is_a_miss_not_an_error(warc_factory, tmp_path, parses, entry):
    archive, cache = str(warc_factory({SOURCE: ARTICLE})), tmp_path / "c.sqlite"
    expected = rows_for(links("https://shop.example/guides/fit"), pages=(archive,), cache=str(cache))
    with sqlite3.connect(cache) as db:
        db.execute("UPDATE links SET analysis = ?", (entry(),))
    assert rows_for(links("https://shop.example/guides/fit"), pages=(archive,), cache=str(cache)) == expected
    assert parses == [SOURCE, SOURCE]


def test_an_entry_stops_inflating_at_a_size_no_analysis_reaches():
    with pytest.raises(ValueError, match="larger than any analysis"):  # not inflated whole, then refused
        _decode(bomb())


def test_a_cache_another_program_added_sql_to_is_refused_and_runs_none_of_it(warc_factory, tmp_path, monkeypatch):
    import linktriage._cache as cache_module

    archive, cache = str(warc_factory({SOURCE: ARTICLE})), tmp_path / "c.sqlite"
    rows_for(links("https://shop.example/guides/fit"), pages=(archive,), cache=str(cache))
    with sqlite3.connect(cache) as db:
        db.execute("CREATE TABLE seen (x)")
        db.execute("CREATE TRIGGER spy AFTER INSERT ON links BEGIN INSERT INTO seen VALUES (new.target); END")
    with pytest.warns(UserWarning, match="holds triggers or views.*analysed without it"):  # this process's cache
        rows_for(links("https://other.example/"), pages=(archive,), cache=str(cache))
    monkeypatch.setattr(cache_module, "_READY", set())  # as a new process, which has not used the file before
    with pytest.raises(InputError, match="holds triggers or views"):
        rows_for(links("https://other.example/"), pages=(archive,), cache=str(cache))
    with sqlite3.connect(cache) as db:
        assert db.execute("SELECT count(*) FROM seen").fetchone()[0] == 0


def test_a_cache_that_is_also_an_output_or_empty_is_refused_in_one_line(tmp_path):
    from linktriage.pipeline import score_export

    cache = tmp_path / "scored.csv"
    for outputs, says in [({"output": str(cache)}, "--output and --cache are the same file"),
                          ({"domains": str(cache)}, "--domains and --cache are the same file"),
                          ({}, "--archive and --cache are the same file")]:
        options = ScoreOptions(offline=True, cache=str(cache), archive=None if outputs else str(cache))
        with pytest.raises(InputError, match=says):
            score_export([str(EXAMPLES / "backlinks.csv")], options, **outputs)
        assert not cache.exists()
    with pytest.raises(InputError, match="--cache is empty"):
        next(score_backlinks(links("https://shop.example/"), ScoreOptions(cache=" ")))


def _edit(values: dict, path: tuple, value) -> dict:
    inner = values
    for key in path[:-1]:
        inner = inner[key]
    inner[path[-1]] = value
    return values


@pytest.mark.parametrize("table, path, value", [
    ("links", ("features",), []), ("links", ("features",), {}), ("links", ("features", "depth"), None),
    ("links", ("features", "depth"), float("nan")), ("links", ("context", "anchor_text"), 5),
    ("links", ("context", "context_text"), None), ("links", ("context", "position"), 5), ("links", ("reason",), 5),
    ("links", ("link_status",), ["live"]), ("links", ("http_status",), "200"), ("pages", ("title",), 5),
    pytest.param("links", ("features", "depth"), 10**400, id="feature-over-float"),
    pytest.param("links", ("http_status",), 10**30, id="status-over-int64"),
    ("pages", ("main_text",), None)])
def test_an_entry_of_the_wrong_shape_is_a_miss_not_an_error(warc_factory, tmp_path, parses, table, path, value):
    archive, cache = str(warc_factory({SOURCE: ARTICLE})), tmp_path / "c.sqlite"
    expected = rows_for(links("https://shop.example/guides/fit"), pages=(archive,), cache=str(cache))
    column = "analysis" if table == "links" else "summary"
    with sqlite3.connect(cache) as db:  # edited by hand: valid JSON, wrong types
        stored = json.loads(zlib.decompress(db.execute(f"SELECT {column} FROM {table}").fetchone()[0]))
        edited = zlib.compress(json.dumps(_edit(stored, path, value)).encode())
        db.execute(f"UPDATE {table} SET {column} = ?", (edited,))
    assert rows_for(links("https://shop.example/guides/fit"), pages=(archive,), cache=str(cache)) == expected
    assert parses == [SOURCE, SOURCE]


def test_a_lone_surrogate_in_a_target_or_anchor_is_not_an_error(warc_factory, tmp_path):
    # Backlink records built in Python may hold them (bytes that were not UTF-8, decoded with surrogateescape)
    archive = str(warc_factory({SOURCE: ARTICLE}))
    backlinks = links("https://shop.example/guides/fit", "https://shop.example/\udcff",
                      anchors=["fitting guide \udcff", ""])
    plain = rows_for(backlinks, pages=(archive,))
    assert rows_for(backlinks, pages=(archive,), cache=str(tmp_path / "c.sqlite")) == plain
    assert rows_for(backlinks, pages=(archive,), cache=str(tmp_path / "c.sqlite")) == plain


def test_runs_of_two_codes_sharing_the_file_never_read_each_others_analyses(tmp_path, monkeypatch):
    import linktriage._cache as cache_module

    fetched = FetchResult(url=SOURCE, status="ok", final_url=SOURCE, http_status=200, body=ARTICLE.encode(),
                          content_type="text/html")
    backlinks = links("https://shop.example/guides/fit")
    ours = code_fingerprint()
    cache = prepare_cache(tmp_path / "c.sqlite")
    running = AnalysisCache(cache)  # a long run (or a server) of this code has the file open
    monkeypatch.setattr(cache_module, "code_fingerprint", lambda: "another linktriage")
    with pytest.warns(UserWarning, match="emptied"):
        prepare_cache(cache)  # meanwhile a run of another version takes the file over
    other = AnalysisCache(cache)
    summary, (found,) = analyse.analyse_page(fetched, backlinks)
    other.store(page_key(fetched), backlinks, summary, [replace(found, features={**found.features, "depth": -1.0})])
    monkeypatch.setattr(cache_module, "code_fingerprint", lambda: ours)
    assert running.lookup(page_key(fetched), backlinks) is None
    running.store(page_key(fetched), backlinks, *analyse.analyse_page(fetched, backlinks))
    monkeypatch.setattr(cache_module, "code_fingerprint", lambda: "another linktriage")
    assert other.lookup(page_key(fetched), backlinks)[1][0].features["depth"] == -1.0  # its own analysis, not ours


def test_analysis_processes_share_the_cache(warc_factory, tmp_path):
    pages = {f"https://site{i}.example/post": ARTICLE for i in range(6)}
    archive = str(warc_factory(pages))
    backlinks = [Backlink(row=i, source_url=url, target_url="https://shop.example/guides/fit")
                 for i, url in enumerate(pages)]
    options = ScoreOptions(offline=True, workers=2, pages=(archive,), cache=str(tmp_path / "c.sqlite"))
    first = [r for chunk in score_backlinks(backlinks, options) for r in chunk]
    with sqlite3.connect(tmp_path / "c.sqlite") as db:
        assert db.execute("SELECT count(*) FROM pages").fetchone()[0] == 6
    assert [r for chunk in score_backlinks(backlinks, options) for r in chunk] == first


@pytest.fixture
def six_pages(warc_factory, tmp_path, monkeypatch):
    """An archive of six pages, a cache file that waits 1 s for a lock, and a link to each page."""
    import linktriage._cache as cache_module

    monkeypatch.setattr(cache_module, "BUSY_TIMEOUT", 1.0)
    pages = {f"https://site{i}.example/post": ARTICLE for i in range(6)}
    archive, cache = str(warc_factory(pages)), prepare_cache(tmp_path / "c.sqlite")
    backlinks = [Backlink(row=i, source_url=url, target_url="https://shop.example/guides/fit")
                 for i, url in enumerate(pages)]
    return archive, cache, backlinks


def waits_of(monkeypatch, method: str) -> list[bool]:
    """For each call of AnalysisCache.<method> from now on: whether it waited a 1 s busy timeout out."""
    import time

    waits, original = [], getattr(AnalysisCache, method)

    def timed(self, *args):
        started = time.monotonic()
        original(self, *args)
        waits.append(time.monotonic() - started >= 1.0)

    monkeypatch.setattr(AnalysisCache, method, timed)
    return waits


def test_a_cache_another_program_keeps_locked_costs_one_wait_not_one_per_page(six_pages, monkeypatch):
    archive, cache, backlinks = six_pages
    waits = waits_of(monkeypatch, "store")
    holder = sqlite3.connect(cache, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")  # e.g. an sqlite3 shell left open in a transaction
    expected = rows_for(backlinks, pages=(archive,))
    assert rows_for(backlinks, pages=(archive,), cache=cache) == expected
    assert len(waits) == 6 and sum(waits) == 1  # the first page waited the busy timeout out; the others did not
    holder.rollback()
    assert rows_for(backlinks, pages=(archive,), cache=cache) == expected
    with sqlite3.connect(cache) as db:  # once the lock is gone, pages are written again
        assert db.execute("SELECT count(*) FROM pages").fetchone()[0] == 6


def test_a_cache_another_program_holds_locked_from_the_start_is_left_out_with_a_warning(six_pages):
    """A program holding the file in exclusive locking mode (readers blocked too) ended the run with "cannot use
    it as a cache (database is locked); ... delete the file": advice to delete another program's open file."""
    archive, cache, backlinks = six_pages
    expected = rows_for(backlinks, pages=(archive,))
    holder = sqlite3.connect(cache, isolation_level=None)
    holder.execute("PRAGMA locking_mode=EXCLUSIVE")
    holder.execute("BEGIN EXCLUSIVE")
    holder.execute("CREATE TABLE held_by_another_program (x)")
    try:
        with pytest.warns(UserWarning, match="is locked by another program .*analysed without the cache"):
            assert rows_for(backlinks, pages=(archive,), cache=cache) == expected
    finally:
        holder.rollback()
        holder.close()


def test_files_that_cannot_be_a_cache_are_refused_in_one_line(tmp_path):
    (tmp_path / "notes.txt").write_text("not a database, just notes\n" * 100)
    with sqlite3.connect(tmp_path / "app.db") as db:
        db.execute("CREATE TABLE customers (name TEXT)")
    for path, says in [(tmp_path / "notes.txt", "cannot use it as a cache"),
                       (tmp_path / "app.db", "not a linktriage cache"),
                       (tmp_path, "is a directory"),
                       (tmp_path / "missing" / "c.sqlite", "does not exist"),
                       ("s3://bucket/c.sqlite", "must be a local file")]:
        with pytest.raises(InputError, match=says):
            prepare_cache(path)
    with sqlite3.connect(tmp_path / "app.db") as db:  # another program's data was not touched
        assert [r[0] for r in db.execute("SELECT name FROM sqlite_master")] == ["customers"]
    with pytest.raises(InputError, match="--cache is for the local engine"):
        next(score_backlinks(links("https://shop.example/"), ScoreOptions(engine="dask", cache=str(tmp_path / "c"))))


@pytest.mark.parametrize("pragma", ["application_id = 1196444487", "user_version = 3"])
def test_another_programs_database_with_no_tables_yet_is_refused_and_left_alone(tmp_path, pragma):
    # e.g. a GeoPackage or an app's database right after it was created: marked, but empty
    with sqlite3.connect(tmp_path / "app.db") as db:
        db.execute(f"PRAGMA {pragma}")
    before = (tmp_path / "app.db").read_bytes()
    with pytest.raises(InputError, match="not a linktriage cache"):
        prepare_cache(tmp_path / "app.db")
    assert (tmp_path / "app.db").read_bytes() == before


def test_cli_score_and_train_take_a_cache(tmp_path):
    cache = tmp_path / "analyses.sqlite"
    score = [sys.executable, "-m", "linktriage", "score", str(EXAMPLES / "backlinks.csv"),
             "--pages", str(EXAMPLES / "pages.warc.gz"), "--offline", "--cache", str(cache)]
    first = subprocess.run([*score, "-o", str(tmp_path / "a.csv")], capture_output=True, text=True)
    again = subprocess.run([*score, "-o", str(tmp_path / "b.csv")], capture_output=True, text=True)
    assert first.returncode == again.returncode == 0, first.stderr + again.stderr
    assert (tmp_path / "a.csv").read_bytes() == (tmp_path / "b.csv").read_bytes()
    with sqlite3.connect(cache) as db:
        assert db.execute("SELECT count(*) FROM pages").fetchone()[0] == 6
    refused = subprocess.run([*score[:-1], str(EXAMPLES / "backlinks.csv")], capture_output=True, text=True)
    assert refused.returncode == 2 and "cannot use it as a cache" in refused.stderr
    assert len(refused.stderr.strip().splitlines()) == 1


@pytest.mark.parametrize("command", [["train", "-o", "model.skops"], ["evaluate"], ["serve", "--port", "0"]])
@pytest.mark.parametrize("cache, says", [("s3://bucket/analyses.sqlite", "--cache s3://bucket/analyses.sqlite: the "
                                          "cache must be a local file"), ("", "--cache is empty")])
def test_every_command_refuses_a_url_or_nothing_as_the_cache_in_one_line(tmp_path, command, cache, says):
    labelled = [str(EXAMPLES / "labels.csv")] if command[0] != "serve" else []
    done = subprocess.run([sys.executable, "-m", "linktriage", command[0], *labelled, *command[1:],
                           "--cache", cache], capture_output=True, text=True, cwd=tmp_path, timeout=120)
    assert done.returncode == 2, done.stderr
    assert says in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1


def test_evaluation_reads_the_analyses_kept_before(tmp_path, parses):
    from linktriage.pipeline import evaluate_model

    cache = str(tmp_path / "c.sqlite")
    labelled = EXAMPLES / "labels.csv"
    first, _ = evaluate_model([str(labelled)], pages=[str(EXAMPLES / "pages.warc.gz")], cache=cache)
    parsed = len(parses)
    again, _ = evaluate_model([str(labelled)], pages=[str(EXAMPLES / "pages.warc.gz")], cache=cache)
    assert parsed and len(parses) == parsed
    assert {k: m.to_dict() for k, m in first.items()} == {k: m.to_dict() for k, m in again.items()}


def test_analyses_no_run_used_for_keep_days_are_pruned_when_a_run_opens_the_cache(warc_factory, tmp_path, parses):
    """Live pages come back with other bytes, so every re-score added a copy of every page to the file for good."""
    from linktriage._cache import _PRUNED, KEEP_DAYS, today

    other = "https://blog.example/other-trail"
    archive, cache = str(warc_factory({SOURCE: ARTICLE, other: ARTICLE})), tmp_path / "c.sqlite"
    both = links("https://shop.example/guides/fit") + [Backlink(row=1, source_url=other,
                                                                target_url="https://shop.example/guides/fit")]
    first = rows_for(both, pages=(archive,), cache=str(cache))
    with sqlite3.connect(cache) as db:
        assert db.execute("SELECT count(*), min(day), max(day) FROM used").fetchone() == (2, today(), today())
        stale = db.execute("SELECT page FROM pages").fetchone()[0]
        db.execute("UPDATE used SET day = ? WHERE page = ?", (today() - KEEP_DAYS - 1, stale))
        kept = db.execute("SELECT page FROM pages WHERE page != ?", (stale,)).fetchone()[0]
        db.execute("UPDATE used SET day = ? WHERE page = ?", (today() - KEEP_DAYS, kept))  # the last day kept
    parses.clear()
    _PRUNED.clear()  # this process pruned the file today already: a new run is a new process
    assert rows_for(both, pages=(archive,), cache=str(cache)) == first
    assert len(parses) == 1  # the pruned page was analysed again, the other read back
    with sqlite3.connect(cache) as db:
        assert db.execute("SELECT count(*) FROM pages").fetchone()[0] == 2  # analysed again, so kept again
        # reading an analysis marks it used today; the freed pages went back to the file system
        assert db.execute("SELECT min(day) FROM used").fetchone()[0] == today()
        assert db.execute("PRAGMA auto_vacuum").fetchone()[0] == 2
        assert db.execute("PRAGMA freelist_count").fetchone()[0] == 0


def test_a_cache_of_an_older_version_without_use_days_is_pruned_from_its_next_use(tmp_path, monkeypatch):
    """Pages stored before the cache remembered use days count as used on the day a run first opens the file."""
    import linktriage._cache as cache_module

    path = tmp_path / "c.sqlite"
    prepare_cache(path)
    with sqlite3.connect(path) as db:
        db.execute("DROP TABLE used")
        db.execute("INSERT INTO pages VALUES ('p', x'00')")
    cache_module._PRUNED.clear()
    prepare_cache(path)
    with sqlite3.connect(path) as db:
        assert db.execute("SELECT page, day FROM used").fetchall() == [("p", cache_module.today())]
    later = cache_module.today() + cache_module.KEEP_DAYS + 1
    monkeypatch.setattr(cache_module, "today", lambda: later)  # a long-lived process prunes again the next day
    prepare_cache(path)
    with sqlite3.connect(path) as db:
        assert db.execute("SELECT count(*) FROM pages").fetchone()[0] == 0


def test_marking_analyses_used_under_another_programs_lock_costs_one_wait(six_pages, monkeypatch):
    """A read marks its page used today (a write): a lock held by another program is waited out once, not per page."""
    archive, cache, backlinks = six_pages
    expected = rows_for(backlinks, pages=(archive,), cache=cache)
    with sqlite3.connect(cache) as db:
        db.execute("UPDATE used SET day = day - 1")  # used yesterday: reading them today is a write
    waits = waits_of(monkeypatch, "_mark_used")
    holder = sqlite3.connect(cache, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    assert rows_for(backlinks, pages=(archive,), cache=cache) == expected
    assert len(waits) == 6 and sum(waits) == 1  # all six read back; the first waited, the others did not
    holder.rollback()


def test_a_cache_in_a_read_only_folder_is_refused_for_what_it_is(tmp_path, monkeypatch):
    """SQLite writes a cache's working files beside it even to read it: a good cache on a read-only mount was refused
    as "cannot use it as a cache ... delete the file if it is an old linktriage cache"."""
    import os

    path = tmp_path / "ro" / "cache.sqlite"
    path.parent.mkdir()
    prepare_cache(path)
    import linktriage._cache

    monkeypatch.setattr(linktriage._cache, "_READY", set())  # as a new run finds it
    real_access = os.access
    # A read-only mount refuses writes even to root, who runs CI; a folder's mode does not: ask os.access as the mount
    monkeypatch.setattr(os, "access", lambda p, mode, **kw: False if (mode & os.W_OK and os.fspath(p) ==
                                                                      str(path.parent)) else real_access(p, mode, **kw))
    with pytest.raises(InputError) as error:
        prepare_cache(path)
    assert str(error.value) == (f"--cache {path}: the folder {path.parent} is read-only, and SQLite writes its working "
                                "files beside the cache, even to read it; copy the cache to a writable folder")


def test_a_run_leaves_only_the_cache_file_beside_it(warc_factory, tmp_path):
    # SQLite removes a WAL file's -wal and -shm companions when the file's last connection closes; analysis workers
    # that exited with theirs open left both beside the cache after every run
    pages = {f"https://site{i}.example/post": ARTICLE for i in range(6)}
    (tmp_path / "export.csv").write_text("source_url,target_url\n" + "".join(
        f"{url},https://shop.example/guides/fit\n" for url in pages))
    folder = tmp_path / "kept"
    folder.mkdir()
    run = subprocess.run([sys.executable, "-m", "linktriage", "score", str(tmp_path / "export.csv"), "--pages",
                          str(warc_factory(pages)), "--offline", "--workers", "2", "--cache", str(folder / "c.db"),
                          "-o", str(tmp_path / "scored.csv")], capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    assert sorted(path.name for path in folder.iterdir()) == ["c.db"]
    with sqlite3.connect(folder / "c.db") as db:
        assert db.execute("SELECT count(*) FROM pages").fetchone()[0] == 6


def test_training_leaves_only_the_cache_file_beside_it(warc_factory, tmp_path):
    """Training's own analysis workers (more than 200 labelled links) shared the cache and left -wal and -shm."""
    from linktriage.learn import build_training_table
    from linktriage.pipeline import PageGetter

    pages = {f"https://site{i}.example/post": ARTICLE for i in range(6)}
    archive = str(warc_factory(pages))
    folder = tmp_path / "kept"
    folder.mkdir()
    links = [Backlink(row=i, source_url=f"https://site{i % 6}.example/post",
                      target_url="https://shop.example/guides/fit", anchor=f"a{i}", label="editorial")
             for i in range(201)]
    getter = PageGetter(ScoreOptions(offline=True, pages=(archive,), cache=str(folder / "c.db")))
    try:
        build_training_table(links, getter, workers=2)
    finally:
        getter.close()
    assert sorted(path.name for path in folder.iterdir()) == ["c.db"]
