"""An installed wheel (pip install ., pip install git+URL) carries the shipped model, its training table and the
static embedder, and scores without the source checkout."""

from __future__ import annotations

import csv
import os
import subprocess
import sys

import pytest
from conftest import EXAMPLES, ROOT


@pytest.mark.slow
def test_an_installed_wheel_scores_with_its_own_shipped_files(tmp_path):
    built = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", str(ROOT), "-w",
                            str(tmp_path / "wheel")], capture_output=True, text=True, timeout=600)
    assert built.returncode == 0, built.stderr[-2000:]
    wheel = next((tmp_path / "wheel").glob("linktriage-*.whl"))
    site = tmp_path / "site"
    installed = subprocess.run([sys.executable, "-m", "pip", "install", "--no-deps", "-q", "--target", str(site),
                                str(wheel)], capture_output=True, text=True, timeout=600)
    assert installed.returncode == 0, installed.stderr[-2000:]
    data = site / "linktriage" / "data"
    assert not data.is_symlink()
    for name in ("linktriage-model.skops", "training-table.parquet", "embedder/model.safetensors"):
        assert (data / name).is_file(), name

    # The installed copy only (PYTHONPATH comes before the checkout's editable install), run from elsewhere.
    env = {**os.environ, "PYTHONPATH": str(site)}
    where = subprocess.run([sys.executable, "-c", "import linktriage; print(linktriage.__file__)"], env=env,
                           cwd=tmp_path, capture_output=True, text=True)
    assert where.stdout.startswith(str(site)), where.stdout + where.stderr
    out = tmp_path / "scored.csv"
    scored = subprocess.run([sys.executable, "-m", "linktriage", "score", str(EXAMPLES / "backlinks.csv"),
                             "--pages", str(EXAMPLES / "pages.warc.gz"), "--offline", "--niche",
                             "outdoor gear and trail running shoes", "-o", str(out)],
                            env=env, cwd=tmp_path, capture_output=True, text=True, timeout=600)
    assert scored.returncode == 0, scored.stderr
    with open(out, newline="", encoding="utf-8") as stream:
        rows = list(csv.DictReader(stream))
    judged = [r for r in rows if r["label"]]
    assert len(rows) == 8 and len(judged) == 6
    assert all(r["relevance"] for r in judged)  # the static embedder was found too
