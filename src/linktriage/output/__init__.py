"""Outputs of an audit: the toxic rule (writers, disavow file, domain view and HTML report: issue 7, unfinished)."""

from linktriage.output._toxic import DEFAULT_DISAVOW_LABELS, DEFAULT_DISAVOW_THRESHOLD, check_labels, is_toxic

__all__ = ["DEFAULT_DISAVOW_LABELS", "DEFAULT_DISAVOW_THRESHOLD", "check_labels", "is_toxic"]
