"""Benchmark: peak memory of `linktriage score --offline` at 1,000 links and at 20,000 links (and more).

The exports are built over real corpus pages (every source's WARC is passed as ``--pages`` as it is, so the
archive index is the same size in every run) and written to a temporary directory. Each run is a fresh
``linktriage score`` process; a sampler reads the resident memory of it and of its worker processes ten
times a second. Reported: the parent's peak RSS, and the peak of the sum over the process tree (RSS counts
pages shared between the parent and its forked workers once per process, so the sum overstates a little).

    .venv/bin/python evaluation/bench_memory.py                    # 1,000 and 20,000 links
    .venv/bin/python evaluation/bench_memory.py --rows 1000 20000 100000 --no-write
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import psutil

sys.path.insert(0, str(Path(__file__).resolve().parent))
import _scale_data as data  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
LINKTRIAGE = str(Path(sys.executable).with_name("linktriage"))
RESULTS = ROOT / "evaluation" / "results" / "bench_memory.md"
MB = 1024 * 1024


def measure(cmd: list[str]) -> tuple[float, float, float, int]:
    """Run ``cmd``: (seconds, parent peak RSS MB, process-tree peak RSS MB, most processes seen)."""
    start = time.perf_counter()
    proc = psutil.Popen(cmd, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    peak_parent = peak_tree = 0
    most = 1
    done = threading.Event()

    def sample() -> None:
        nonlocal peak_parent, peak_tree, most
        while not done.is_set():
            try:
                parent = proc.memory_info().rss
                children = proc.children(recursive=True)
                tree = parent
                for child in children:
                    try:
                        tree += child.memory_info().rss
                    except psutil.Error:
                        pass
            except psutil.Error:
                break
            peak_parent, peak_tree, most = max(peak_parent, parent), max(peak_tree, tree), max(most, 1 + len(children))
            time.sleep(0.1)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    _, stderr = proc.communicate()
    done.set()
    sampler.join()
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed:\n{stderr.decode()[-2000:]}")
    return time.perf_counter() - start, peak_parent / MB, peak_tree / MB, most


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, nargs="+", default=[1000, 20000])
    parser.add_argument("--pages", type=int, default=4000, help="distinct corpus pages the largest export uses")
    parser.add_argument("--no-write", action="store_true", help=f"do not write {RESULTS.relative_to(ROOT)}")
    args = parser.parse_args()
    data.require_corpus()
    archives = [str(data.CORPUS / f"{source}.warc.gz") for source in data.SOURCES]
    pages = data.corpus_pages(args.pages, data.SOURCES)
    out: list[str] = []

    def say(line: str = "") -> None:
        print(line, flush=True)
        out.append(line)

    say(f"## Peak memory of `linktriage score --offline` by export size ({len(pages)} distinct corpus pages "
        f"available, {len(archives)} WARC files as --pages)\n")
    say(f"{os.cpu_count()} cores; load average before: {data.load_average()}\n")
    say("| links | distinct pages | s | links/s | parent peak RSS, MB | process tree peak RSS, MB | processes |")
    say("|---:|---:|---:|---:|---:|---:|---:|")
    peaks: dict[int, tuple[float, float]] = {}
    with tempfile.TemporaryDirectory(prefix="linktriage-memory-") as tmp:
        for rows in args.rows:
            # Small exports use fewer pages (2 links per page), large ones up to --pages pages.
            used = pages[: max(1, min(len(pages), rows // 2))]
            export = data.write_export(data.export_rows(used, rows), Path(tmp) / f"export-{rows}.csv")
            cmd = [LINKTRIAGE, "score", str(export), "--offline", "-o", f"{tmp}/out-{rows}.csv"]
            for archive in archives:
                cmd += ["--pages", archive]
            seconds, parent, tree, most = measure(cmd)
            peaks[rows] = (parent, tree)
            say(f"| {rows:,} | {len(used):,} | {seconds:.0f} | {rows / seconds:.0f} | {parent:.0f} | {tree:.0f} | "
                f"{most} |")
    # Every larger export against the smallest: the bound is 20,000 links against 1,000.
    small = min(peaks)
    for large in sorted(peaks)[1:]:
        parent_ratio = peaks[large][0] / peaks[small][0]
        tree_ratio = peaks[large][1] / peaks[small][1]
        say(f"\n**Peak RSS at {large:,} links / at {small:,} links: parent {parent_ratio:.2f}×, process tree "
            f"{tree_ratio:.2f}×** (target ≤ 1.3×: {'met' if max(parent_ratio, tree_ratio) <= 1.3 else 'missed'})")
    say(f"\nload average after: {data.load_average()}")
    if not args.no_write:
        data.write_results(RESULTS, __file__, out)


if __name__ == "__main__":
    main()
