"""Load one corpus page by URI the way the label builder does (record bytes -> FetchResult -> extract_page)."""

from __future__ import annotations

import json
import sys
from functools import lru_cache
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[3]))
from linktriage._records import FetchResult  # noqa: E402
from linktriage.extract import ParsedPage, extract_page  # noqa: E402
from training.labelling.corpus import ANNOTATED, CORPUS, read_record  # noqa: E402

OFFSETS = Path("/tmp/hand_offsets.json")


@lru_cache(maxsize=1)
def _offsets() -> dict[str, tuple[str, int]]:
    """uri -> (warc, offset), cached in /tmp (built once from the candidates TSV or the archives)."""
    if OFFSETS.is_file():
        return {k: tuple(v) for k, v in json.loads(OFFSETS.read_text()).items()}
    from training.labelling.corpus import page_records

    table = {uri: (warc, offset) for warc, offset, uri in page_records() if warc != ANNOTATED}
    OFFSETS.write_text(json.dumps(table))
    return table


def load_page(uri: str) -> tuple[str, ParsedPage] | None:
    found = _offsets().get(uri)
    if found is None:
        return None
    warc, offset = found
    body = read_record(CORPUS / warc, offset)
    page = extract_page(FetchResult(url=uri, status="ok", final_url=uri, body=body, content_type="text/html"))
    return (warc, page) if page is not None else None
