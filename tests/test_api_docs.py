"""The documented Python example runs as written (from the repository root, as a reader would run it)."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest

from conftest import ROOT

#: the pages whose ```python blocks are run: the README's example and the API page's
DOCS = (ROOT / "README.md", ROOT / "docs" / "api.md")

# Blocks fenced exactly ```python run; ```python no-run ones are fragments (they need your own files or a server).
BLOCK = re.compile(r"^```python\n(.*?)^```", re.MULTILINE | re.DOTALL)


@pytest.mark.parametrize("doc", DOCS, ids=lambda path: path.name)
def test_documented_python_example_runs(doc):
    blocks = BLOCK.findall(doc.read_text(encoding="utf-8"))
    assert blocks, f"no ```python block in {doc}"
    for code in blocks:
        result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=300)
        assert result.returncode == 0, f"example failed:\n{code}\n{result.stderr}"
        assert "editorial" in result.stdout or "live" in result.stdout
