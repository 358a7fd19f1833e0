"""Where the shipped files are: the model, its training table (``train --with-shipped``) and the static embedder.

They live in the package's ``data`` folder. In a source checkout ``src/linktriage/data`` is a symbolic link to the
repository's ``models/``, where ``training/`` writes them; building a wheel (``pip install .``, ``pip install
git+URL``) copies the files behind the link into the package, so an installed linktriage finds them at the same
place as a checkout does.
"""

from __future__ import annotations

from pathlib import Path

SHIPPED_DIR = Path(__file__).resolve().parent / "data"
