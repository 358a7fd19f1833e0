"""Reading backlink exports: Ahrefs, Semrush, Moz, Majestic, Google Search Console, Bing Webmaster Tools,
Screaming Frog and generic CSV / TSV / XLSX files, detected from their encoding and header, streamed row by row.

    for backlink in read_exports(["ahrefs.csv", "gsc-latest-links.csv"], site="https://example.com/"):
        ...

Supported formats and headers: docs/formats.md. Vendor layouts are tables of header aliases
(``_ahrefs.py``, ``_semrush.py``, ...), matched by ``_detect.py``.
"""

from linktriage.ingest._detect import ExportFormat, detect_format
from linktriage.ingest._read import read_exports
from linktriage.ingest._values import MODEL_METRIC_COLUMNS

__all__ = ["MODEL_METRIC_COLUMNS", "ExportFormat", "detect_format", "read_exports"]
