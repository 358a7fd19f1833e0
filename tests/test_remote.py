"""Outputs given as fsspec URLs: written locally, uploaded once (fsspec's memory:// stands in for s3://)."""

from __future__ import annotations

import uuid

import fsspec
import pytest

from linktriage import InputError
from linktriage._remote import writable

memory = fsspec.filesystem("memory")


def url() -> str:
    return f"memory://remote-tests/{uuid.uuid4().hex}/out.csv"


def test_a_local_path_or_none_is_written_directly(tmp_path):
    with writable(str(tmp_path / "out.csv"), "--output") as local:
        assert local == str(tmp_path / "out.csv")
    with writable(None, "--output") as local:
        assert local is None


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
