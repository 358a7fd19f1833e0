"""Outputs of an audit: the toxic rule, CSV/JSONL/Parquet/Excel writers, the domain view, the disavow file, the HTML
report.

docs/outputs.md describes every output; docs/schema.json describes one row.
"""

from linktriage.output._disavow import (
    GOOGLE_MAX_BYTES,
    GOOGLE_MAX_LINES,
    GOOGLE_MAX_URL,
    DisavowSummary,
    disavow_job,
    read_allowlist,
    write_disavow,
)
from linktriage.output._domains import build_domain_view, write_domain_view
from linktriage.output._predictions import REQUIRED_COLUMNS, read_predictions
from linktriage.output._report import write_html_report
from linktriage.output._toxic import DEFAULT_DISAVOW_LABELS, DEFAULT_DISAVOW_THRESHOLD, check_labels, is_toxic
from linktriage.output._writers import ParquetRowWriter, RowWriter, open_writer, output_format
from linktriage.output._xlsx import XlsxRowWriter

__all__ = [
    "DEFAULT_DISAVOW_LABELS",
    "DEFAULT_DISAVOW_THRESHOLD",
    "DisavowSummary",
    "GOOGLE_MAX_BYTES",
    "GOOGLE_MAX_LINES",
    "GOOGLE_MAX_URL",
    "ParquetRowWriter",
    "REQUIRED_COLUMNS",
    "RowWriter",
    "XlsxRowWriter",
    "build_domain_view",
    "check_labels",
    "disavow_job",
    "is_toxic",
    "open_writer",
    "output_format",
    "read_allowlist",
    "read_predictions",
    "write_disavow",
    "write_domain_view",
    "write_html_report",
]
