"""Outputs given as fsspec URLs: written locally, uploaded once (fsspec's memory:// stands in for s3://)."""

from __future__ import annotations

import uuid
from pathlib import Path

import fsspec
import pytest

from linktriage import InputError
from linktriage._exceptions import LinkTriageError
from linktriage._remote import writable

memory = fsspec.filesystem("memory")


def url() -> str:
    return f"memory://remote-tests/{uuid.uuid4().hex}/out.csv"


def test_a_local_output_is_moved_into_place_only_when_the_job_succeeds(tmp_path):
    out = tmp_path / "out.csv"
    out.write_text("previous\n")
    with writable(str(out), "--output") as local:
        assert local != str(out) and local.endswith("out.csv") and Path(local).parent == tmp_path
        Path(local).write_text("new\n")
        assert out.read_text() == "previous\n"
    assert out.read_text() == "new\n" and not Path(local).exists()
    with pytest.raises(RuntimeError), writable(str(out), "--output") as local:
        Path(local).write_text("half")
        raise RuntimeError("the export broke")
    assert out.read_text() == "new\n" and list(tmp_path.iterdir()) == [out]


def test_an_output_whose_file_was_removed_during_the_run_is_an_error_not_a_success(tmp_path):
    """A temp-file cleaner or sync tool removing the hidden file mid-run: the run exited 0, the old output in place."""
    out = tmp_path / "scored.csv"
    out.write_text("old\n")
    with pytest.raises(LinkTriageError, match=r"scored.csv was not written: the file it was being written to .*"
                                              r"was removed during the run"):
        with writable(str(out), "-o") as local:
            Path(local).write_text("new\n")
            Path(local).unlink()
    assert out.read_text() == "old\n"


def test_an_output_that_cannot_be_replaced_keeps_the_runs_work_and_names_it(tmp_path, monkeypatch):
    """An immutable target: the error named only the hidden file, and the run's whole output stayed hidden."""
    out = tmp_path / "scored.csv"
    out.write_text("old\n")

    def refused(source, target):
        raise PermissionError(1, "Operation not permitted")

    monkeypatch.setattr("linktriage._remote.os.replace", refused)
    with pytest.raises(InputError, match=r"cannot replace .*scored.csv \(Operation not permitted\): it is left as it "
                                         r"was, and this run's output is kept as .*\.partial-\d+-scored.csv") as caught:
        with writable(str(out), "-o") as local:
            Path(local).write_text("new\n")
    kept = str(caught.value).split("kept as ")[1].split(";")[0]
    assert Path(kept).read_text() == "new\n" and out.read_text() == "old\n"


def test_the_other_outputs_of_a_run_land_when_one_cannot_take_its_place(tmp_path, monkeypatch):
    """--domains or --report that could not replace its file discarded the run's scored rows (-o) with it."""
    import os

    out, domains = tmp_path / "scored.csv", tmp_path / "domains.csv"
    domains.write_text("old\n")
    real_replace = os.replace

    def refused(source, target):
        if str(target) == str(domains):
            raise PermissionError(1, "Operation not permitted")
        real_replace(source, target)

    monkeypatch.setattr("linktriage._remote.os.replace", refused)
    with pytest.raises(InputError, match="cannot replace .*domains.csv"):
        with writable(str(out), "-o") as rows, writable(str(domains), "--domains") as view:
            Path(rows).write_text("rows\n")
            Path(view).write_text("view\n")
    assert out.read_text() == "rows\n" and domains.read_text() == "old\n"


def test_partial_outputs_of_killed_runs_are_removed_and_others_kept(tmp_path):
    """A run killed with SIGKILL (or by the out-of-memory killer) left its hidden partial output forever."""
    import os
    import subprocess
    import time

    ended = subprocess.Popen(["true"])
    ended.wait()  # a pid that no longer runs
    old = time.time() - 3600
    files = {"killed": f".partial-{ended.pid}-out.csv", "recent": f".partial-{ended.pid + 10**7}-out.csv",
             "running": f".partial-{os.getppid()}-out.csv", "other output": f".partial-{ended.pid}-other.csv",
             "not a pid": f".partial-{'9' * 40}-out.csv"}
    for name in files.values():
        (tmp_path / name).write_text("half")
        os.utime(tmp_path / name, (old, old))
    os.utime(tmp_path / files["recent"])  # still being written, perhaps by another machine sharing the folder
    with writable(str(tmp_path / "out.csv"), "--output") as local:
        Path(local).write_text("new\n")
    left = {p.name for p in tmp_path.iterdir()}
    assert left == {"out.csv", *files.values()} - {files["killed"]}


def test_archives_none_and_paths_without_a_folder_are_handed_on(tmp_path):
    for path, kwargs in ((str(tmp_path / "pages.warc.gz"), {"resume": True}), (str(tmp_path / "no/out.csv"), {}),
                         (str(tmp_path), {}), (None, {})):
        with writable(path, "--output", **kwargs) as local:
            assert local == path


def test_an_output_url_is_uploaded_only_when_the_job_succeeds():
    good, failed = url(), url()
    with writable(good, "--output") as local:
        assert local.endswith("out.csv") and "://" not in local
        with open(local, "w") as stream:
            stream.write("a,b\n")
    assert memory.cat(good.removeprefix("memory://")) == b"a,b\n"
    with pytest.raises(RuntimeError), writable(failed, "--output") as local:
        with open(local, "w") as stream:
            stream.write("half")
        raise RuntimeError("the job failed")
    assert not memory.exists(failed.removeprefix("memory://"))


def test_a_resumed_file_starts_from_the_remote_copy_and_is_kept_when_the_job_fails():
    target = url()
    memory.pipe(target.removeprefix("memory://"), b"first run\n")
    with pytest.raises(KeyboardInterrupt), writable(target, "--archive", resume=True) as local:
        with open(local, "a") as stream:
            stream.write("second run\n")
        raise KeyboardInterrupt
    assert memory.cat(target.removeprefix("memory://")) == b"first run\nsecond run\n"


def test_an_unreachable_store_is_a_one_line_input_error():
    with pytest.raises(InputError, match=r"^--output nosuchscheme://b/out.csv: cannot reach it") as caught:
        with writable("nosuchscheme://b/out.csv", "--output"):
            pass
    assert "\n" not in str(caught.value)
