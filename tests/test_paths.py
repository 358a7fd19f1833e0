"""An output that is an input under another name (a symbolic link, a hard link, another spelling) is refused by
every job alike. `disavow` already did (os.path.samefile); `score` and `train` compared absolute paths only, so
`-o` through a link to the export ran, and its output replaced the link (exit 0; the export itself survived, since
outputs are renamed into place)."""

from __future__ import annotations

import os

import pytest
from conftest import EXAMPLES
from test_cli import run  # noqa: F401 - the CLI-in-process fixture

from linktriage._paths import same_file

PAGES = EXAMPLES / "pages.warc.gz"


def test_same_file_sees_links_and_spellings(tmp_path, monkeypatch):
    real = tmp_path / "export.csv"
    real.write_text("x\n")
    (tmp_path / "soft.csv").symlink_to(real)
    os.link(real, tmp_path / "hard.csv")
    monkeypatch.chdir(tmp_path)
    for other in ("soft.csv", "hard.csv", "./export.csv", str(real), "sub/../export.csv"):
        assert same_file("export.csv", other), other
    assert not same_file("export.csv", "new.csv")
    assert same_file("new.csv", tmp_path / "new.csv")  # neither exists yet: compared as absolute paths


@pytest.mark.parametrize("link", ["symlink", "hardlink"])
def test_score_and_train_refuse_an_output_that_is_an_input_through_a_link(tmp_path, run, link):  # noqa: F811
    export, labels = tmp_path / "backlinks.csv", tmp_path / "labels.csv"
    export.write_bytes((EXAMPLES / "backlinks.csv").read_bytes())
    labels.write_bytes((EXAMPLES / "labels.csv").read_bytes())
    for given, command in ((export, ["score", export, "--pages", PAGES, "--offline"]),
                           (labels, ["train", labels, "--pages", PAGES, "--cv", "2"])):
        alias = tmp_path / f"alias-{given.name}"
        alias.symlink_to(given) if link == "symlink" else os.link(given, alias)
        before = given.read_bytes()
        result = run(*command, "-o", alias)
        assert result.returncode == 2 and result.stderr.count("\n") == 1, result.stderr
        assert "are the same file" in result.stderr and str(alias) in result.stderr, result.stderr
        assert given.read_bytes() == before
