"""Page sources: where referring pages come from.

Every source answers with :class:`~linktriage.FetchResult` records, so the rest of the pipeline does not care
whether a page came from a WARC archive or from the live web.
"""

from linktriage.sources._status import status_for_http
from linktriage.sources.warc import WarcArchive, url_key

__all__ = ["WarcArchive", "status_for_http", "url_key"]
