"""Benchmark: the whole `linktriage score --offline` process against a bare single-process trafilatura loop.

Same pages, same run, interleaved (so load from other processes hits both alike):

- ``trafilatura``: a fresh process reads the pages' bodies from the WARC (not timed), then times
  ``trafilatura.extract(body)`` over every page, one process: main text only, no metadata, no links;
- ``linktriage``: ``linktriage score EXPORT --pages WARC --offline -o out.csv`` as a user runs it, timed from
  outside: interpreter start, imports, model load, archive index, parse, extraction, metadata, link location,
  features, the model, writing the CSV. Its CPU time includes its worker processes.

Then links/s at 1 and 2 workers (local process pool, and the Dask engine on a LocalCluster), checking that every
run wrote the same rows; re-scoring the same export with ``--cache`` (a first run filling the cache, then runs
reading it: what re-scoring after a retraining costs); and a profile of one single-process run by stage (where the time goes).

    .venv/bin/python evaluation/bench_score.py                  # 300 wcxb-dev pages, 2 export rows per page
    .venv/bin/python evaluation/bench_score.py --pages 100 --repeat 1 --no-dask --no-write
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import os
import platform
import pstats
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import _scale_data as data  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
PYTHON = sys.executable
LINKTRIAGE = str(Path(sys.executable).with_name("linktriage"))
RESULTS = ROOT / "evaluation" / "results" / "bench_score.md"

#: profile stages: (name, function the stage's cumulative time is read from)
STAGES = (
    ("read pages from the WARC", "warc.py", "get"),
    ("decode (charset detection)", "extract.py", "decode_html"),
    ("lxml parse", "__init__.py", "document_fromstring"),
    ("trafilatura main text + comments", "extract.py", "_trafilatura"),
    ("trafilatura metadata (title, author, date)", "extract.py", "_metadata"),
    ("page statistics (links, domains, schema)", "extract.py", "_page_info"),
    ("page features (vocabulary, phones, ...)", "features.py", "page_features"),
    ("link location (position, block, context)", "locate.py", "locate_links"),
    ("link features", "features.py", "link_features"),
    ("model: predictions and reasons", "model.py", "predictions"),
    ("model: load (skops, scikit-learn imports)", "model.py", "load_model"),
    ("export reading", "pipeline.py", "_chunks"),
    ("output writing", "_writers.py", "write"),
)


def baseline_child(warc: str) -> None:
    """In a fresh process: the bare trafilatura loop. Prints JSON {seconds, cpu, pages}."""
    import trafilatura
    from warcio.archiveiterator import ArchiveIterator

    with open(warc, "rb") as stream:
        bodies = [r.content_stream().read() for r in ArchiveIterator(stream) if r.rec_type == "response"]
    cpu, start = time.process_time(), time.perf_counter()
    for body in bodies:
        trafilatura.extract(body)
    print(json.dumps({"seconds": time.perf_counter() - start, "cpu": time.process_time() - cpu,
                      "pages": len(bodies)}))


def profile_child(export: str, warc: str, out: str) -> None:
    """In a fresh process: one single-process scoring run under cProfile. Prints the stage table and top functions."""
    from linktriage.pipeline import ScoreOptions, score_export

    profiler = cProfile.Profile()
    start = time.perf_counter()
    profiler.enable()
    score_export([export], ScoreOptions(pages=(warc,), offline=True, workers=1), output=out)
    profiler.disable()
    total = time.perf_counter() - start
    stats = pstats.Stats(profiler)
    by_function = {(Path(f).name, name): (ct, nc) for (f, _, name), (_, nc, _, ct, _) in stats.stats.items()}
    print(f"single process, under cProfile: {total:.1f} s in all")
    print("| stage | s | share |\n|---|---:|---:|")
    for label, file, name in STAGES:
        seconds, _ = by_function.get((file, name), (0.0, 0))
        if seconds:
            print(f"| {label} | {seconds:.2f} | {seconds / total:.0%} |")
    text = io.StringIO()
    pstats.Stats(profiler, stream=text).sort_stats("tottime").print_stats(12)
    lines = [line for line in text.getvalue().splitlines() if line.strip()]
    start_at = next(i for i, line in enumerate(lines) if "ncalls" in line)
    print("\ntop functions by own time:\n```")
    print("\n".join(line.replace(str(ROOT) + "/", "").replace(sys.prefix + "/", "")[:150]
                    for line in lines[start_at:start_at + 13]))
    print("```")


def timed(cmd: list[str]) -> tuple[float, float, str]:
    """Run ``cmd``; (wall seconds, CPU seconds of it and its children, stdout)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed:\n{done.stderr[-2000:]}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu, done.stdout


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", type=int, default=300)
    parser.add_argument("--rows-per-page", type=int, default=2)
    parser.add_argument("--repeat", type=int, default=2, help="interleaved baseline / linktriage pairs")
    parser.add_argument("--no-dask", action="store_true", help="skip the Dask engine runs")
    parser.add_argument("--no-cache", action="store_true", help="skip the re-scoring runs with --cache")
    parser.add_argument("--no-profile", action="store_true")
    parser.add_argument("--no-write", action="store_true", help=f"do not write {RESULTS.relative_to(ROOT)}")
    parser.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        {"baseline": baseline_child, "profile": profile_child}[args.child[0]](*args.child[1:])
        return
    data.require_corpus()
    out: list[str] = []

    def say(line: str = "") -> None:
        print(line, flush=True)
        out.append(line)

    with tempfile.TemporaryDirectory(prefix="linktriage-bench-") as tmp:
        pages = data.corpus_pages(args.pages)
        warc = str(data.write_pages(pages, Path(tmp) / "pages.warc.gz"))
        export = str(data.write_export(data.export_rows(pages, args.rows_per_page * len(pages)),
                                       Path(tmp) / "export.csv"))
        rows = args.rows_per_page * len(pages)
        say(f"## `linktriage score --offline` vs a bare trafilatura loop: {len(pages)} wcxb-dev pages, {rows} "
            f"export rows\n")
        say(f"{platform.python_version()}, {os.cpu_count()} cores, {platform.machine()}; load average before: "
            f"{data.load_average()} (the machine is shared: other processes take CPU too)\n")
        say("| run | trafilatura.extract loop, s (CPU s) | linktriage score, s (CPU s) | wall ratio | load |")
        say("|---|---:|---:|---:|---|")
        base_walls, lt_walls = [], []
        for i in range(args.repeat):
            _, _, printed = timed([PYTHON, __file__, "--child", "baseline", warc])
            base = json.loads(printed)
            wall, cpu, _ = timed([LINKTRIAGE, "score", export, "--pages", warc, "--offline",
                                  "-o", f"{tmp}/out-default.csv"])
            base_walls.append(base["seconds"])
            lt_walls.append(wall)
            say(f"| {i + 1} | {base['seconds']:.1f} ({base['cpu']:.1f}) | {wall:.1f} ({cpu:.1f}) | "
                f"{base['seconds'] / wall:.2f}× | {data.load_average()} |")
        ratio = statistics.median(base_walls) / statistics.median(lt_walls)
        say(f"\n**Speed ratio (median trafilatura loop / median linktriage process): {ratio:.2f}×** "
            f"(target ≥ 1.5×: {'met' if ratio >= 1.5 else 'missed'})\n")

        say("### links/s by engine and workers (whole process, same export)\n")
        say("| engine | workers | s | links/s | pages/s | same rows as default |")
        say("|---|---:|---:|---:|---:|---|")
        reference = Path(f"{tmp}/out-default.csv").read_bytes()
        engines = [("local", 1), ("local", 2)] + ([] if args.no_dask else [("dask", 1), ("dask", 2)])
        for engine, workers in engines:
            target = f"{tmp}/out-{engine}-{workers}.csv"
            wall, _, _ = timed([LINKTRIAGE, "score", export, "--pages", warc, "--offline", "--engine", engine,
                                "--workers", str(workers), "-o", target])
            same = Path(target).read_bytes() == reference
            say(f"| {engine} | {workers} | {wall:.1f} | {rows / wall:.1f} | {len(pages) / wall:.1f} | "
                f"{'yes' if same else 'NO'} |")
        say(f"\nload average after: {data.load_average()}\n")

        if not args.no_cache:
            say("### Re-scoring with `--cache` (the same pages again, as after a retraining)\n")
            say("The target above compares a first run; these rows show what a kept analysis saves on the next "
                "one. The first run fills a new cache file, the others read it.\n")
            say("| run | s (CPU s) | against the trafilatura loop | same rows as default |")
            say("|---|---:|---:|---|")
            for i, name in enumerate(("first (fills the cache)", "again", "again")):
                target = f"{tmp}/out-cache-{i}.csv"
                wall, cpu, _ = timed([LINKTRIAGE, "score", export, "--pages", warc, "--offline",
                                      "--cache", f"{tmp}/analyses.sqlite", "-o", target])
                same = Path(target).read_bytes() == reference
                say(f"| {name} | {wall:.1f} ({cpu:.1f}) | {statistics.median(base_walls) / wall:.2f}× | "
                    f"{'yes' if same else 'NO'} |")
            size = sum(p.stat().st_size for p in Path(tmp).glob("analyses.sqlite*"))
            say(f"\ncache file: {size / 1e6:.1f} MB for {len(pages)} pages, {rows} rows\n")

        if not args.no_profile:
            say("### Where the time goes (one process, cProfile; cumulative time per stage, stages nest)\n")
            _, _, printed = timed([PYTHON, __file__, "--child", "profile", export, warc, f"{tmp}/out-profile.csv"])
            for line in printed.splitlines():
                say(line)
    if not args.no_write:
        data.write_results(RESULTS, __file__, out)


if __name__ == "__main__":
    main()
