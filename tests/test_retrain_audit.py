"""Retraining inputs found mishandled by an audit, each through the command a user runs."""

from __future__ import annotations

import pytest
from conftest import EXAMPLES
from test_cli import run  # noqa: F401 - the CLI-in-process fixture
from test_input_robustness import _relabelled

PAGES = EXAMPLES / "pages.warc.gz"


@pytest.mark.parametrize("mapping, message", [
    ({"guest_post": "Guest Post", "directory": "guest-post", "link_farm": ""}, "too few labelled links"),
    ({"guest_post": "Guest Post", "directory": "guest-post", "link_farm": "", "editorial": "Spam"},
     "all usable labelled links are spam"),
])
def test_a_refusal_for_too_few_links_names_the_rows_left_out(tmp_path, run, mapping, message):  # noqa: F811
    """The refusal said only what was left ("label more links"): a user whose labels were mostly spelled
    'Guest Post' or left blank could not tell that those rows were skipped, nor why."""
    labels = _relabelled(tmp_path / "labels.csv", mapping)
    result = run("train", labels, "--pages", PAGES, "-o", tmp_path / "m.skops", "--cv", "2")
    assert result.returncode == 2 and result.stderr.count("\n") == 1, result.stderr
    assert message in result.stderr
    for skipped in ("unknown label 'Guest Post': 1", "unknown label 'guest-post': 1", "no label: 1"):
        assert skipped in result.stderr
