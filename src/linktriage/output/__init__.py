"""Outputs of an audit: the toxic rule and CSV/JSONL/Parquet writers (disavow, domain view, report: issue 7, unfinished)."""

from linktriage.output._domains import build_domain_view, write_domain_view
from linktriage.output._toxic import DEFAULT_DISAVOW_LABELS, DEFAULT_DISAVOW_THRESHOLD, check_labels, is_toxic
from linktriage.output._writers import ParquetRowWriter, RowWriter, open_writer

__all__ = ["build_domain_view", "write_domain_view", "DEFAULT_DISAVOW_LABELS", "DEFAULT_DISAVOW_THRESHOLD", "ParquetRowWriter", "RowWriter", "check_labels", "is_toxic", "open_writer"]
