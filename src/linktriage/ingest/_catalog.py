"""Every known layout, vendors first (a generic match never beats a vendor's at the same specificity)."""

from __future__ import annotations

from linktriage.ingest import _ahrefs, _bing, _generic, _gsc, _majestic, _moz, _screamingfrog, _semrush
from linktriage.ingest._layout import Layout

LAYOUTS: tuple[Layout, ...] = (
    *_ahrefs.LAYOUTS, *_semrush.LAYOUTS, *_moz.LAYOUTS, *_majestic.LAYOUTS, *_gsc.LAYOUTS, *_bing.LAYOUTS,
    *_screamingfrog.LAYOUTS, *_generic.LAYOUTS,
)
