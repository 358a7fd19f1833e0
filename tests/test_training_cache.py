"""training/train_model.py caches each archive's feature table: a regenerated archive must not reuse it."""

from __future__ import annotations

import importlib.util
import os

import pandas as pd
import pytest

from conftest import ROOT, write_warc

ARTICLE = " ".join(["The council approved the new cycle lanes after a long debate about parking."] * 6)


def _train_model(monkeypatch, tmp_path):
    spec = importlib.util.spec_from_file_location("train_model_under_test", ROOT / "training" / "train_model.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    monkeypatch.setattr(module, "CACHE", tmp_path / "cache")
    monkeypatch.setattr(module, "GENERATED", tmp_path)
    return module


def test_regenerated_archive_under_the_same_labels_is_not_read_from_the_cache(monkeypatch, tmp_path):
    tm = _train_model(monkeypatch, tmp_path)
    url, target = "https://blog.example.org/post", "https://cited.example/"
    labels = pd.DataFrame([{"source_url": url, "target_url": target, "anchor": "a source", "label": "editorial",
                            "method": "hand", "site": "example.org", "warc": "generated.warc.gz", "generated": True}])
    archive = tmp_path / "generated.warc.gz"
    write_warc(archive, {url: f'<html><body><article><p>{ARTICLE} <a href="{target}">a source</a></p></article></body></html>'})
    assert len(tm.table_for(labels)) == 1
    # same labels, regenerated pages that no longer hold the link: the old table must not come back from the cache
    write_warc(archive, {url: f"<html><body><article><p>{ARTICLE}</p></article></body></html>"})
    os.utime(archive, ns=(archive.stat().st_atime_ns, archive.stat().st_mtime_ns + 10**9))
    assert len(tm.table_for(labels)) == 0
    assert len(list((tmp_path / "cache").glob("*.pkl"))) == 2


def test_a_missing_label_file_stops_the_training_instead_of_being_skipped(monkeypatch, tmp_path):
    tm = _train_model(monkeypatch, tmp_path)
    present = tmp_path / "real_links.csv"
    pd.DataFrame([{"source_url": "https://a.example/", "target_url": "https://b.example/", "label": "editorial",
                   "generated": "false"}]).to_csv(present, index=False)
    assert len(tm.load_labels([present])) == 1
    with pytest.raises(SystemExit, match="label files not found: .*generated_links.csv"):
        tm.load_labels([present, tmp_path / "generated_links.csv"])
