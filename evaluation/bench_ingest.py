"""Benchmark: reading large backlink exports with linktriage.ingest.read_exports: rows/s and peak memory.

Generates exports in a temporary folder, then reads each in its own process so that process's peak RSS (max RSS)
is the reader's alone:

- Ahrefs current export, UTF-16 LE with BOM, tab-separated, CRLF, quoted anchors (1,000,000 rows by default);
- the same rows as a UTF-8 comma-separated generic CSV;
- an Excel workbook (openpyxl, fewer rows: writing xlsx is slow);
- for scale: the same UTF-8 CSV loaded whole by ``pandas.read_csv`` (what a non-streaming reader costs).

    .venv/bin/python evaluation/bench_ingest.py                    # 1,000,000 rows (xlsx: 100,000)
    .venv/bin/python evaluation/bench_ingest.py --rows 200000 --xlsx-rows 20000 --no-pandas
"""

from __future__ import annotations

import argparse
import codecs
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
HEADER = ["Referring page title", "Referring page URL", "Language", "Domain rating", "UR", "Domain traffic",
          "External links", "Page traffic", "Target URL", "Left context", "Anchor", "Right context", "Nofollow",
          "UGC", "Sponsored", "First seen", "Last seen"]


def fields(i: int) -> list[str]:
    return [f"Post number {i} about gear", f"https://site{i % 20000}.example.org/blog/{i}-post", "en",
            str(i % 100), str(i % 41), str(i * 7 % 100000), str(i % 300), str(i % 5000),
            f"https://trailgear.example.com/p/{i % 50}", "some words before the link,",
            f'anchor {i}, "quoted"\nsecond line', "and some words after it.", "true" if i % 4 == 0 else "false",
            "false", "false", "2023-04-18 10:12:00", "2024-05-02 07:55:41"]


def quote(value: str, delimiter: str) -> str:
    return '"' + value.replace('"', '""') + '"' if any(c in value for c in delimiter + '"\n') else value


def write_text(path: Path, rows: int, delimiter: str, encoding: str, bom: bytes, header: list[str]) -> None:
    with open(path, "wb") as stream:
        stream.write(bom)
        lines = [delimiter.join(header) + "\r\n"]
        for i in range(rows):
            lines.append(delimiter.join(quote(v, delimiter) for v in fields(i)) + "\r\n")
            if len(lines) >= 20_000:
                stream.write("".join(lines).encode(encoding))
                lines = []
        stream.write("".join(lines).encode(encoding))


def write_xlsx(path: Path, rows: int) -> None:
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet("Backlinks")
    sheet.append(HEADER)
    for i in range(rows):
        sheet.append(fields(i))
    book.save(path)


def child(mode: str, path: str) -> None:
    """Runs in its own process: read the whole file, report rows, seconds and max RSS."""
    import resource

    start = time.perf_counter()
    if mode == "pandas":
        import pandas

        rows = len(pandas.read_csv(path))
    else:
        from linktriage.ingest import read_exports

        rows = 0
        for _ in read_exports([path]):
            rows += 1
    seconds = time.perf_counter() - start
    print(json.dumps({"rows": rows, "seconds": seconds,
                      "max_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))


def baseline_rss() -> float:
    code = "import resource, linktriage.ingest; print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)"
    return float(subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                                env=_env()).stdout)


def _env() -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(ROOT / "src") + os.pathsep + os.environ.get("PYTHONPATH", "")}


def measure(mode: str, path: Path) -> dict:
    out = subprocess.run([sys.executable, __file__, "--child", mode, str(path)], capture_output=True, text=True,
                         env=_env())
    if out.returncode:
        raise SystemExit(out.stderr)
    return json.loads(out.stdout)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--xlsx-rows", type=int, default=100_000)
    parser.add_argument("--no-pandas", action="store_true", help="skip the pandas.read_csv comparison")
    parser.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        return child(*args.child)

    with tempfile.TemporaryDirectory(prefix="bench-ingest-") as folder:
        folder = Path(folder)
        cases = [
            ("ahrefs UTF-16 LE tab", "stream", folder / "ahrefs.tsv",
             lambda p: write_text(p, args.rows, "\t", "utf-16-le", codecs.BOM_UTF16_LE, HEADER)),
            ("generic UTF-8 comma", "stream", folder / "generic.csv",
             lambda p: write_text(p, args.rows, ",", "utf-8", b"", ["title", "source_url", *HEADER[2:8],
                                                                     "target_url", "left context", "anchor",
                                                                     *HEADER[11:]])),
            ("ahrefs xlsx", "stream", folder / "ahrefs.xlsx", lambda p: write_xlsx(p, args.xlsx_rows)),
        ]
        if not args.no_pandas:
            cases.append(("pandas.read_csv, whole file", "pandas", folder / "generic.csv", None))
        print(f"python {platform.python_version()} on {platform.machine()}, {os.cpu_count()} CPUs; "
              f"bare 'import linktriage.ingest' max RSS {baseline_rss():.0f} MB")
        print(f"{'case':<30} {'file MB':>8} {'rows':>10} {'seconds':>8} {'rows/s':>9} {'peak RSS MB':>12}")
        for label, mode, path, make in cases:
            if make is not None:
                make(path)
            result = measure(mode, path)
            print(f"{label:<30} {path.stat().st_size / 1e6:>8.0f} {result['rows']:>10,} {result['seconds']:>8.1f} "
                  f"{result['rows'] / result['seconds']:>9,.0f} {result['max_rss_mb']:>12.0f}", flush=True)


if __name__ == "__main__":
    main()
